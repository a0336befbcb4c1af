"""MultiVu .dat readers on the real PPMS / DynaCool files (values checked against the raw text)."""

from __future__ import annotations

import numpy as np
import pytest

import sigmafit
from sigmafit.exceptions import DataWarning
from sigmafit.io import describe, sniff
from sigmafit.prepare.sweeps import segment, sweep_summary

RES = "formats/ppms-resistivity-snse-nbse2/Resistivity_Ch1_TMR_Ch2_Hall_test.dat"
MBE = "formats/dynacool-resistivity-mbe-film/TRP4_MBE1-230327A-MS_RvsH_50K.dat"
ACT = "formats/ppms-act-snse-nbse2/ACT_Ch1_Hall_Ch2_TMR.dat"
ETO = "formats/dynacool-eto-eucuas/testPPMS.dat"


@pytest.fixture(scope="module")
def act(external_dir):
    return sigmafit.load(external_dir / ACT)


def test_resistivity_option(external_dir):
    df = sigmafit.load(external_dir / RES)
    meta = df.attrs["sigmafit"]
    assert sniff(external_dir / RES) == "quantum_design"
    assert len(df) == 2 * 1401
    for col in ("channel", "temperature_K", "field_T", "resistance_ohm", "status_code", "time_s", "current_A"):
        assert col in df.columns
    assert meta["channels"][1]["role"] == "xx" and meta["channels"][1]["name"] == "TMR"
    assert meta["channels"][2]["role"] == "xy" and meta["channels"][2]["name"] == "Hall"
    assert set(meta["channels"]) == {1, 2}  # bridges 3 and 4 are empty: not channels
    first1 = df[df.channel == 1].iloc[0]
    # raw row: ,30423338.25,4385,2.00049996376038,-10000.7678125,0,0.466511068344116,19.9799995422363,0.22415763258934,...
    assert first1["field_T"] == pytest.approx(-1.00007678125)
    assert first1["resistance_ohm"] == pytest.approx(0.466511068344116)
    assert first1["status_code"] == 4385
    assert first1["current_A"] == pytest.approx(19.9799995422363e-6)
    assert df[df.channel == 2].iloc[0]["resistance_ohm"] == pytest.approx(0.22415763258934)
    assert meta["units"]["field_T"] == "Oe"
    assert meta["geometry"][1]["defaults"] is True
    assert sweep_summary(df)["per_channel"]["1"] == 7


def test_dynacool_resistivity_mbe(external_dir):
    df = sigmafit.load(external_dir / MBE)
    assert len(df) == 2 * 256
    ch1 = df[df.channel == 1]
    # 49320.5796875 Oe -> 4.93205796875 T; Bridge 1 Resistance 830.382379150391 Ohm
    assert ch1.iloc[0]["field_T"] == pytest.approx(4.93205796875)
    assert ch1.iloc[0]["resistance_ohm"] == pytest.approx(830.382379150391)
    assert df[df.channel == 2].iloc[0]["resistance_ohm"] == pytest.approx(-38.3664100646973)
    meta = df.attrs["sigmafit"]
    assert meta["channels"][1]["name"] == "Rxx" and meta["channels"][2]["role"] == "xy"
    # "Bridge 1 Std. Dev. (Ohm-m)" is the spread of a resistivity in Ω·m, not of the resistance in Ω
    assert "resistance_std_ohm" not in df.columns and "Std. Dev. (Ohm-m)" in df.columns
    summary = describe(df)
    assert any("denormal" in s and "angle_deg" in s for s in summary["suspicious"])
    assert any("status_code" in s for s in summary["suspicious"])  # empty status column flagged


def test_act_interleaved_channels(act):
    meta = act.attrs["sigmafit"]
    assert len(act) == 6035
    assert (act.channel == 1).sum() == 3017 and (act.channel == 2).sum() == 3018
    assert meta["channels"][1]["role"] == "xy" and meta["channels"][2]["role"] == "xx"
    row = act[act.channel == 1].iloc[0]
    # Volts ch1 1.07923080942839E-6 V / Excitation 1.02880465367804 mA
    assert row["resistance_ohm"] == pytest.approx(1.07923080942839e-6 / 1.02880465367804e-3)
    assert row["resistivity_ohm_cm"] == pytest.approx(8.39211453295936e-6)
    # SOURCE.md check: R x cross-section / lead separation = 8.39e-6 ohm cm
    geo = meta["geometry"][1]
    rho = row["resistance_ohm"] * geo["cross_section_um2"] * 1e-8 / (geo["lead_separation_um"] * 1e-4)
    assert rho == pytest.approx(8.39e-6, rel=1e-3)
    assert act[act.channel == 2].iloc[0]["resistance_ohm"] == pytest.approx(3.36270674543543e-6 / 1.02880465367804e-3)
    assert geo["lead_separation_um"] == pytest.approx(1393.0)
    assert geo["comment_dimensions"]["L"] == 3.06  # INFO value with commas inside
    assert meta["sample"].startswith("(SnSe)1.16")


def test_act_sweeps_per_channel(act):
    for n in (1, 2):
        one = act[act.channel == n]
        assert segment(one)["sweep"].nunique() == 8  # one ±1 T sweep per temperature, 8 temperatures
    temps = np.round(act.groupby("channel")["temperature_K"].median(), 1)
    assert (temps > 1.9).all()


def test_eto_invalid_readings_dropped(external_dir):
    with pytest.warns(DataWarning, match="58 invalid ETO readings on channel 2"):
        df = sigmafit.load(external_dir / ETO)
    meta = df.attrs["sigmafit"]
    assert len(df) == 23 and (df.channel == 1).all()
    assert meta["dropped"] == [{"reason": meta["dropped"][0]["reason"], "count": 58}]
    assert "425500032" in meta["dropped"][0]["reason"]
    assert meta["channels"][1]["role"] == "xx" and meta["channels"][2]["role"] == "xy"
    assert meta["channels"][2]["points"] == 0
    first = df.iloc[0]
    assert first["temperature_K"] == pytest.approx(90.003791)
    assert first["field_T"] == pytest.approx(9.00001875)
    assert first["resistance_ohm"] == pytest.approx(0.0998475)
    assert first["status_code"] == 123509632
    assert meta["sample"] == "EuCuAs"


def test_magnetometry_only(data_dir):
    df = sigmafit.load(data_dir / "mpms_synthetic.dat")
    meta = df.attrs["sigmafit"]
    assert meta["kind"] == "magnetometry" and meta["channels"] == {}
    assert "moment_emu" in df.columns and "resistance_ohm" not in df.columns
    assert df["field_T"].tolist() == pytest.approx([-1.0, -0.5, 0.0, 0.5, 1.0])
    assert any("no transport data" in s for s in describe(df)["suspicious"])


def test_heat_capacity_option(data_dir):
    """QD Heat Capacity export (tests/data/qd_heat_capacity.dat, synthetic, cp1252 µ, CRLF): the sample's
    heat capacity in J/K with its error column, and the sample's (not the puck's) temperature."""
    df = sigmafit.load(data_dir / "qd_heat_capacity.dat")
    meta = df.attrs["sigmafit"]
    assert meta["kind"] == "thermal" and meta["channels"] == {}
    # row 1: Sample Temp 2.0034 K, Puck Temp 2.0012 K, Samp HC 1.2500 µJ/K ± 0.0125, Field 10000 Oe
    assert df["temperature_K"].iloc[0] == 2.0034 and df["Puck Temp (Kelvin)"].iloc[0] == 2.0012
    assert df["heat_capacity_J_per_K"].tolist() == pytest.approx([1.25e-6, 3.0e-6, 6.0e-6])
    assert df["heat_capacity_err_J_per_K"].tolist() == pytest.approx([1.25e-8, 3.0e-8, 6.0e-8])
    assert meta["errors"] == {"heat_capacity_J_per_K": "heat_capacity_err_J_per_K"}
    assert df["field_T"].tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert "Total HC (µJ/K)" in df.columns  # sample + addenda: not the sample's heat capacity
