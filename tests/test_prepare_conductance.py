"""Geometry (van der Pauw), R → σ (exact and tensor), Δσ, G_Q units, windows — hand calculations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sigmafit.constants import E2_OVER_H, G_Q
from sigmafit.exceptions import DataFormatError
from sigmafit.prepare import (
    Geometry,
    delta_sigma,
    field_window,
    in_units,
    resistivity,
    sheet_conductance,
    sheet_from_resistivity,
    sheet_resistance,
    to_resistivity,
    to_sheet,
    vdp_sheet_resistance,
    window,
)


def test_vdp_symmetric_reference():
    assert vdp_sheet_resistance(1.0, 1.0) == pytest.approx(math.pi / math.log(2), rel=1e-15)
    assert vdp_sheet_resistance(250.0, 250.0) == pytest.approx(1133.0900354567984, rel=1e-14)  # 250·π/ln2
    assert sheet_resistance(250.0, Geometry("vdp")) == pytest.approx(1133.0900354567984, rel=1e-14)


@pytest.mark.parametrize("ra, rb", [(1.0, 2.0), (10.0, 0.1), (1.0, 1e4), (3.3, 3.2999999)])
def test_vdp_general_solves_the_equation(ra, rb):
    rs = vdp_sheet_resistance(ra, rb)
    assert math.exp(-math.pi * ra / rs) + math.exp(-math.pi * rb / rs) == pytest.approx(1.0, abs=1e-13)
    assert vdp_sheet_resistance(rb, ra) == pytest.approx(rs, rel=1e-13)
    assert vdp_sheet_resistance(7 * ra, 7 * rb) == pytest.approx(7 * rs, rel=1e-12)
    # van der Pauw factor f ≤ 1: R_s ≤ π(R_a + R_b)/(2 ln 2)
    assert rs <= math.pi * (ra + rb) / (2 * math.log(2)) * (1 + 1e-12)


def test_vdp_vectorised_and_bad_input():
    out = vdp_sheet_resistance(np.array([1.0, 2.0]), 1.0)
    assert out.shape == (2,) and out[0] == pytest.approx(math.pi / math.log(2))
    with pytest.raises(ValueError, match="> 0"):
        vdp_sheet_resistance(-1.0, 1.0)


def test_hallbar_and_resistivity():
    g = Geometry("hallbar", width_um=20, length_um=50, thickness_nm=10)
    assert sheet_resistance(100.0, g) == pytest.approx(40.0)
    # ρ = R_□·t: 40 Ω × 10 nm = 40 × 1e-6 cm = 4e-5 Ω·cm
    assert resistivity(40.0, 10.0) == pytest.approx(4e-5)
    assert sheet_from_resistivity(4e-5, 10.0) == pytest.approx(40.0)
    df = pd.DataFrame({"resistance_ohm": [100.0], "hall_resistance_ohm": [3.0]})
    out = to_resistivity(df, g)
    assert out["sheet_resistance_ohm"].iloc[0] == pytest.approx(40.0)
    assert out["hall_resistance_ohm"].iloc[0] == 3.0  # R_xy is already per square
    assert out["hall_resistivity_ohm_cm"].iloc[0] == pytest.approx(3e-6)
    with pytest.raises(ValueError, match="width_um"):
        Geometry("hallbar", length_um=3)
    with pytest.raises(DataFormatError, match="thickness_nm"):
        to_resistivity(df, Geometry("vdp"))


def test_tensor_inversion_by_hand():
    # ρ_xx = 3 Ω, ρ_xy = 4 Ω → σ_xx = 3/(9 + 16) = 0.12 S;  exact: 1/3 S
    df = pd.DataFrame({"sheet_resistance_ohm": [3.0], "hall_resistance_ohm": [4.0]})
    assert sheet_conductance(df, method="tensor")["sheet_conductance_S"].iloc[0] == pytest.approx(0.12, rel=1e-15)
    assert sheet_conductance(df)["sheet_conductance_S"].iloc[0] == pytest.approx(1 / 3, rel=1e-15)
    with pytest.raises(DataFormatError, match="'hall_resistance_ohm'"):
        sheet_conductance(df.drop(columns="hall_resistance_ohm"), method="tensor")
    with pytest.raises(DataFormatError, match="to_sheet"):
        sheet_conductance(pd.DataFrame({"resistance_ohm": [1.0]}))


def test_delta_sigma_reference_is_the_measured_sigma_at_the_smallest_field():
    b = np.array([-0.2, -0.1, 0.1, 0.2])  # B = 0 not sampled
    s = 1e-3 + 1e-6 * np.array([4.0, 1.0, 3.0, 4.0])
    out = delta_sigma(pd.DataFrame({"field_T": b, "sheet_conductance_S": s}))
    # default: the mean of the two measured values at |B| = 0.1 T, (1 + 3)/2 µS above 1 mS — no interpolation
    rec = out.attrs["sigmafit"]["prepare"][-1]
    assert rec["sigma0_S"][0] == pytest.approx(1e-3 + 2e-6, rel=1e-15) and rec["reference_field_T"] == [0.1]
    assert rec["fit_offset"] == "free"
    np.testing.assert_allclose(out["delta_sigma_S"], 1e-6 * np.array([2.0, -1.0, 1.0, 2.0]), rtol=1e-9)
    ref = out.attrs["sigmafit"]["delta_sigma_reference"]
    assert ref["kind"] == "measured σ at the smallest |B|" and ref["fit_offset"] == "free"
    assert ref["groups"] == [{"group": [], "field_T": 0.1, "sigma_S": pytest.approx(1e-3 + 2e-6, rel=1e-15)}]
    grid = pd.DataFrame({"field_T": [0.0, 0.1, 0.2, 0.05, 0.1], "sheet_conductance_S": [5.0, 6.0, 8.0, 1.0, 0.5], "T": [1, 1, 1, 2, 2]})
    out = delta_sigma(grid, by="T")
    assert out["delta_sigma_S"].tolist() == [0.0, 1.0, 3.0, 0.0, -0.5]
    assert [g["field_T"] for g in out.attrs["sigmafit"]["delta_sigma_reference"]["groups"]] == [0.0, 0.05]
    assert [g["group"] for g in out.attrs["sigmafit"]["delta_sigma_reference"]["groups"]] == [[1], [2]]


def test_delta_sigma_interpolated_zero_on_request():
    b = np.array([-0.2, -0.1, 0.1, 0.3])
    s = 1e-3 + 1e-6 * np.array([4.0, 1.0, 3.0, 4.0])
    out = delta_sigma(pd.DataFrame({"field_T": b, "sheet_conductance_S": s}), reference="zero")
    # linear between (−0.1, 1) and (0.1, 3) µS: 2 µS at B = 0
    assert out.attrs["sigmafit"]["prepare"][-1]["sigma0_S"][0] == pytest.approx(1e-3 + 2e-6)
    assert out.attrs["sigmafit"]["delta_sigma_reference"]["fit_offset"] == "free"
    with pytest.raises(ValueError, match="reference must be"):
        delta_sigma(pd.DataFrame({"field_T": b, "sheet_conductance_S": s}), reference="interpolated")


def test_delta_sigma_error_names_closest_field():
    df = pd.DataFrame({"field_T": [0.05, 0.1, 0.2], "sheet_conductance_S": 1.0})
    with pytest.raises(DataFormatError, match=r"closest field is \|B\| = 0.05 T"):
        delta_sigma(df, reference="zero")
    assert delta_sigma(df)["delta_sigma_S"].tolist() == [0.0, 0.0, 0.0]  # the default needs no B = 0
    with pytest.raises(DataFormatError, match="finite"):
        delta_sigma(pd.DataFrame({"field_T": [np.nan], "sheet_conductance_S": [1.0]}))


def test_conductance_units():
    assert G_Q == pytest.approx(1.23314709834e-5, rel=1e-10)  # PHYSICS.md
    assert in_units(G_Q, "G_Q") == pytest.approx(1.0, rel=1e-15)
    assert in_units(1.23314709834e-5, "G_Q") == pytest.approx(1.0, rel=1e-10)
    assert in_units(E2_OVER_H, "G_Q") == pytest.approx(math.pi, rel=1e-14)
    assert in_units(np.array([E2_OVER_H]), "e2/h")[0] == pytest.approx(1.0)
    assert in_units(pd.Series([2 * G_Q]), "G_Q").iloc[0] == pytest.approx(2.0)
    with pytest.raises(ValueError, match="unit must be one of"):
        in_units(1.0, "G0")


def test_windows_count_points():
    df = pd.DataFrame({"field_T": np.linspace(-1, 1, 21), "temperature_K": np.linspace(1, 21, 21)})
    out = field_window(df, 0.5)
    assert len(out) == 11
    rec = out.attrs["sigmafit"]["prepare"][-1]
    assert (rec["n_kept"], rec["n_total"], rec["bmax"]) == (11, 21, 0.5)
    assert len(window(df, "temperature_K", xmin=5)) == 17
    assert len(window(df, "temperature_K", xmax=5)) == 5
    with pytest.raises(DataFormatError, match="no data left"):
        window(df, "temperature_K", xmin=100)
    with pytest.raises(ValueError, match="xmin"):
        window(df, "temperature_K", xmin=5, xmax=1)
    with pytest.raises(DataFormatError, match="'gate_V'"):
        window(df, "gate_V", 0, 1)
    with pytest.raises(ValueError, match="bmax"):
        field_window(df, -1)


def test_to_sheet_records_geometry():
    out = to_sheet(pd.DataFrame({"resistance_ohm": [1.0]}), Geometry("vdp"))
    assert out["sheet_resistance_ohm"].iloc[0] == pytest.approx(math.pi / math.log(2))
    assert out.attrs["sigmafit"]["geometry_applied"]["kind"] == "vdp"
