"""prepare on the real instrument files in ../shared/external/formats (see each SOURCE.md)."""

from __future__ import annotations

import numpy as np
import pytest

import sigmafit.prepare as prep
from sigmafit import io
from sigmafit.exceptions import DataWarning

GEOM = prep.Geometry("hallbar", width_um=1393.0, length_um=1022.0)

PPMS = "ppms-resistivity-snse-nbse2/Resistivity_Ch1_TMR_Ch2_Hall_test.dat"
ACT = "ppms-act-snse-nbse2/ACT_Ch1_Hall_Ch2_TMR.dat"
MBE = "dynacool-resistivity-mbe-film/TRP4_MBE1-230327A-MS_RvsH_50K.dat"


@pytest.fixture(scope="module")
def loaded(external_dir):
    cache = {}

    def get(rel):
        if rel not in cache:
            cache[rel] = io.load(external_dir / "formats" / rel)
        return cache[rel]

    return get


def test_ppms_resistivity_seven_sweeps(loaded):
    df = loaded(PPMS)
    desc = prep.describe_sweeps(prep.segment(prep.select(df, role="xx")))
    # SOURCE.md: 7 sweeps of ~200 points; 2.0 K up, then down+up at 2.1, 2.2, 2.3 K
    assert len(desc) == 7
    assert desc["n_points"].between(190, 210).all() and desc["n_points"].sum() == 1401
    assert desc["direction"].tolist() == [1, -1, 1, -1, 1, -1, 1]
    np.testing.assert_allclose(desc["temperature_K"], [2.0, 2.1, 2.1, 2.2, 2.2, 2.3, 2.3], atol=0.01)
    assert (desc["x_max"] > 0.99).all() and (desc["x_min"] < -0.97).all()


def test_ppms_resistivity_pipeline_pairs_loops_and_removes_hall_pickup(loaded):
    df = loaded(PPMS)
    with pytest.warns(DataWarning, match="no partner at −B"):  # a few set points missing on one side are reported
        out = prep.magnetoconductance(df, GEOM)
    assert sorted(out["temperature_K"].unique()) == [2.0, 2.1, 2.2, 2.3]
    sym = next(s for s in out.attrs["sigmafit"]["prepare"] if s["step"] == "symmetrize_parts")
    pairing = [g["pairing"] for g in sym["groups"]]
    assert pairing[0].startswith("0 up/down") and all(p.startswith("1 up/down") for p in pairing[1:])
    # even pickup of ~0.22 Ω at |B| = 1 T is gone: the odd Hall part is much smaller
    at_1T = out.loc[out["field_T"] > 0.95, "hall_resistance_ohm"].abs()
    assert (at_1T < 0.02).all()
    assert (out.groupby("curve")["delta_sigma_S"].first() == 0).all()


def test_ppms_act_eight_sweeps_one_per_temperature(loaded):
    df = loaded(ACT)
    desc = prep.describe_sweeps(prep.segment(prep.select(df, role="xx")))
    assert len(desc) == 8
    np.testing.assert_allclose(desc["temperature_K"], np.arange(8) * 0.2 + 2.0, atol=0.01)
    assert desc["direction"].tolist() == [-1, 1] * 4  # alternating, 2.0 K starts at +1 T
    # interleaved channels: to_wide interpolates the Hall channel in field
    wide = prep.to_wide(df)
    assert wide.attrs["sigmafit"]["prepare"][-1]["method"].startswith("interpolated")
    assert np.isfinite(wide["hall_resistance_ohm"]).mean() > 0.99
    with pytest.warns(DataWarning, match="no partner at −B"):  # a few set points missing on one side are reported
        out = prep.magnetoconductance(df, GEOM)
    assert out["curve"].nunique() == 8


def test_dynacool_dwell_and_hall_offset(loaded):
    df = loaded(MBE)
    seg = prep.segment(prep.select(df, role="xx"))
    assert prep.describe_sweeps(seg)["direction"].tolist() == [-1, 1]
    dd = prep.dedupe_turning_points(seg)
    assert dd.attrs["sigmafit"]["prepare"][-1]["n_removed"] >= 25  # ~28 repeated readings at −5 T
    out = prep.magnetoconductance(df, GEOM)
    top = out.loc[out["field_T"].idxmax()]
    # R_xy offset ≈ −39.3 Ω removed; the Hall part is ≈ 1 Ω at 5 T
    assert 0.5 < abs(top["hall_resistance_ohm"]) < 1.5
    assert out["resistance_ohm"].between(829, 837).all()
