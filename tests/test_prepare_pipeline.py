"""magnetoconductance() on synthetic instrument-like data, and "inputs are never modified"."""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import sigmafit.prepare as prep
from sigmafit.constants import G_Q
from sigmafit.exceptions import DataFormatError, DataWarning

GEOM = prep.Geometry("hallbar", width_um=10.0, length_um=20.0)


def _dsigma(b, t):
    """A smooth even Δσ(B) (S), temperature dependent."""
    return -G_Q * (b / 0.2) ** 2 / (1 + (b / 0.2) ** 2) * (2.0 / t)


def _instrument(rng, temps=(2.0, 2.1), sigma0=1e-3, rh=0.05, pickup=0.3, b0=0.0):
    """Long-format PPMS-like data: down + up loop per T, xx and Hall (with even pickup) per row."""
    frames, t0 = [], 0.0
    for t in temps:
        b = np.concatenate([np.linspace(1, -1, 101), np.linspace(-1, 1, 101)[1:]])
        tt = t + rng.normal(0, 3e-3, b.size)  # a few mK of drift
        sig = sigma0 + _dsigma(b - b0, t)
        rsheet = 1.0 / sig
        time = t0 + 10.0 * np.arange(b.size)
        t0 = time[-1] + 10.0
        common = {"time_s": time, "temperature_K": tt, "field_T": b}
        frames.append(pd.DataFrame({**common, "resistance_ohm": rsheet / GEOM.factor, "channel": 1}))
        frames.append(pd.DataFrame({**common, "resistance_ohm": rh * (b - b0) + pickup * (b - b0) ** 2 + 0.01, "channel": 2}))
    df = pd.concat(frames, ignore_index=True).sort_values(["time_s", "channel"], ignore_index=True)
    df.attrs["sigmafit"] = {"source": "synthetic.dat", "channels": {1: {"name": "TMR", "role": "xx"}, 2: {"name": "Hall", "role": "xy"}}}
    return df


def test_pipeline_recovers_delta_sigma_and_hall():
    df = _instrument(np.random.default_rng(0))
    before = df.copy()
    attrs_before = copy.deepcopy(df.attrs)
    out = prep.magnetoconductance(df, GEOM, method="exact")
    pd.testing.assert_frame_equal(df, before)
    assert df.attrs == attrs_before
    assert list(out.columns[:6]) == ["curve", "temperature_K", "field_T", "delta_sigma_S", "sheet_conductance_S", "sheet_resistance_ohm"]
    assert sorted(out["temperature_K"].unique()) == [2.0, 2.1]  # set points, not the jittery readings
    assert out["curve"].unique().tolist() == ["T = 2 K", "T = 2.1 K"]
    for t, g in out.groupby("temperature_K"):
        # the offset estimated by default is ≈ 0 here; Δσ = 0 at the measured point of smallest |B|
        assert abs(g["field_T"].iloc[0]) < 1e-9 and g["delta_sigma_S"].iloc[0] == 0.0
        np.testing.assert_allclose(g["delta_sigma_S"], _dsigma(g["field_T"], t), atol=2e-3 * G_Q)
        np.testing.assert_allclose(g["hall_resistance_ohm"], 0.05 * g["field_T"], atol=1e-12)  # pickup removed
    steps = [s["step"] for s in out.attrs["sigmafit"]["prepare"]]
    for name in ("to_wide", "segment", "dedupe_turning_points", "group", "field_offset", "symmetrize_parts", "to_sheet", "sheet_conductance", "delta_sigma", "magnetoconductance"):
        assert name in steps
    assert out.attrs["sigmafit"]["source"] == "synthetic.dat"
    ref = out.attrs["sigmafit"]["delta_sigma_reference"]
    assert ref["fit_offset"] == "free" and "free offset" in ref["note"] and ref["by"] == ["temperature_K"]
    assert [g["curve"] for g in ref["groups"]] == ["T = 2 K", "T = 2.1 K"]
    for g in ref["groups"]:
        row = out.loc[out["curve"] == g["curve"]].iloc[0]
        assert g["field_T"] == row["field_T"] and g["sigma_S"] == row["sheet_conductance_S"]


def test_pipeline_auto_offset_and_tensor():
    df = _instrument(np.random.default_rng(1), temps=(2.0,), b0=0.02)
    out = prep.magnetoconductance(df, GEOM, field_offset="auto", bmax=0.5)
    rec = next(s for s in out.attrs["sigmafit"]["prepare"] if s["step"] == "field_offset")
    assert rec["B0_T"][2.0] == pytest.approx(0.02, abs=1e-3)
    assert out["field_T"].max() <= 0.5
    assert out.attrs["sigmafit"]["prepare"][-1]["method"] == "tensor"
    g = out["field_T"].to_numpy()
    # tensor inversion: σ_xx = ρxx/(ρxx² + ρxy²) with ρxy = R_H·B
    rxx = 1 / (1e-3 + _dsigma(g, 2.0))
    sig = rxx / (rxx**2 + (0.05 * g) ** 2)
    np.testing.assert_allclose(out["delta_sigma_S"], sig - sig[0], atol=5e-3 * G_Q)


def test_field_offset_auto_is_the_default_and_zero_keeps_the_fields():
    df = _instrument(np.random.default_rng(5), temps=(2.0,), b0=0.013)
    default = prep.magnetoconductance(df, GEOM)
    explicit = prep.magnetoconductance(df, GEOM, field_offset="auto")
    pd.testing.assert_frame_equal(default, explicit)
    rec = next(s for s in default.attrs["sigmafit"]["prepare"] if s["step"] == "field_offset")
    assert rec["mode"] == "auto" and rec["B0_T"][2.0] == pytest.approx(0.013, abs=1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # without the correction the ±B readings do not mirror
        kept = prep.magnetoconductance(df, GEOM, field_offset=0, symmetrize=False)
    rec = next(s for s in kept.attrs["sigmafit"]["prepare"] if s["step"] == "field_offset")
    assert rec["mode"] == "none" and rec["B0_T"] == {}
    assert set(np.round(kept["field_T"], 9)) == set(np.round(df["field_T"], 9))  # the fields as read
    with pytest.raises(ValueError, match="field_offset"):
        prep.magnetoconductance(df, GEOM, field_offset="estimate")


def test_pipeline_without_symmetrize_and_single_channel():
    df = _instrument(np.random.default_rng(2), temps=(2.0,))
    xx = prep.select(df, role="xx").drop(columns="channel")
    out = prep.magnetoconductance(xx, prep.Geometry("sheet"), symmetrize=False, by=None)
    assert out["curve"].unique().tolist() == ["all"]
    assert out["field_T"].min() < 0 and out["field_T"].is_monotonic_increasing
    assert out.loc[out["field_T"].abs().idxmin(), "delta_sigma_S"] == pytest.approx(0.0, abs=1e-3 * G_Q)


def test_pipeline_errors():
    df = _instrument(np.random.default_rng(3), temps=(2.0,))
    with pytest.raises(DataFormatError, match="'gate_V'"):
        prep.magnetoconductance(df, GEOM, by="gate_V")
    with pytest.raises(TypeError, match="Geometry"):
        prep.magnetoconductance(df, "hallbar")
    df.attrs = {}
    with pytest.raises(DataFormatError, match="pass channel="):
        prep.magnetoconductance(df, GEOM)
    assert len(prep.magnetoconductance(df, GEOM, channel=1, hall_channel=2)) > 0


def test_group_levels_tolerates_jitter():
    labels, levels = prep.group_levels([2.003, 1.998, 2.101, 2.099, 3.4], 0.02)
    assert levels.tolist() == [2.0, 2.1, 3.4]
    assert labels.tolist() == [2.0, 2.0, 2.1, 2.1, 3.4]


# --------------------------------------------------------------------------------------
# inputs are never modified (hypothesis), also with read-only numpy arrays behind the frame

fields = st.lists(st.floats(-2, 2, allow_nan=False), min_size=8, max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(b=fields, seed=st.integers(0, 2**16))
@example(b=[-0.03125, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], seed=0)  # only one branch reaches B = 0 after dedupe
def test_no_step_modifies_its_input(b, seed):
    with warnings.catch_warnings():
        _no_step_modifies_its_input(b, seed)


def _no_step_modifies_its_input(b, seed):
    rng = np.random.default_rng(seed)
    b = np.asarray(b + [-1.5, -0.5, 0.5, 1.5, 0.0])  # both signs, B = 0 reached
    n = b.size
    arrays = {
        "field_T": b,
        "resistance_ohm": 10 + rng.random(n),
        "hall_resistance_ohm": rng.normal(size=n),
        "temperature_K": 2 + 0.001 * rng.random(n),
        "time_s": np.arange(n, dtype=float),
    }
    for a in arrays.values():
        a.flags.writeable = False
    df = pd.DataFrame(arrays, copy=False)
    df.attrs["sigmafit"] = {"source": "x.dat", "prepare": [{"step": "earlier"}]}
    snapshot = df.copy(deep=True)
    attrs = copy.deepcopy(df.attrs)

    seg = prep.segment(df)
    warnings.simplefilter("ignore", DataWarning)  # random fields leave points without a ±B partner (counted)
    results = [
        seg,
        prep.dedupe_turning_points(seg),
        prep.describe_sweeps(seg),
        prep.symmetrize(df),
        prep.antisymmetrize(df),
        prep.symmetrize_parts(seg),
        prep.apply_field_offset(df, 0.01),
        prep.to_sheet(df, GEOM),
        prep.window(df, "field_T", -1, 1),
        prep.field_window(df, 1.0),
        prep.magnetoconductance(df, GEOM),
    ]
    sheet = prep.to_sheet(df, GEOM)
    results += [prep.sheet_conductance(sheet, method="tensor"), prep.delta_sigma(prep.sheet_conductance(sheet))]
    prep.field_offset(df)
    pd.testing.assert_frame_equal(df, snapshot)
    assert df.attrs == attrs
    for a in arrays.values():
        assert not a.flags.writeable
    for r in results:
        assert r.attrs["sigmafit"]["source"] == "x.dat"
        assert r.attrs["sigmafit"]["prepare"][0] == {"step": "earlier"}
        assert r.attrs is not df.attrs and r.attrs["sigmafit"] is not df.attrs["sigmafit"]


def test_long_format_input_unchanged_by_channel_steps():
    df = _instrument(np.random.default_rng(4), temps=(2.0,))
    snapshot, attrs = df.copy(deep=True), copy.deepcopy(df.attrs)
    prep.to_wide(df)
    prep.select(df, role="xy")
    prep.segment(df)
    pd.testing.assert_frame_equal(df, snapshot)
    assert df.attrs == attrs


def test_optics_input_unchanged_read_only():
    nu, n, k = (np.linspace(100, 1000, 5), np.full(5, 2.0), np.full(5, 3.0))
    for a in (nu, n, k):
        a.flags.writeable = False
    df = pd.DataFrame({"wavenumber_cm-1": nu, "n": n, "k": k}, copy=False)
    snap = df.copy(deep=True)
    out = prep.add_optical_conductivity(df)
    pd.testing.assert_frame_equal(df, snap)
    assert "sigma1_S_per_cm" not in df.columns and "sigma1_S_per_cm" in out.columns
