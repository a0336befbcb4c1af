"""Delimited text, Lake Shore HMS and gate × field arrays: real files and small synthetic ones."""

from __future__ import annotations

import numpy as np
import pytest

import sigmafit
from sigmafit.exceptions import DataFormatError, DataWarning
from sigmafit.io import sniff

CSV = "formats/dynacool-resistivity-mbe-film/TRP4_MBE1-230323A-MS_RT_300_2K_data.csv"
HMS = "formats/lakeshore-hms-hall/22-211-G_Hall_23K-320K_TT-Halter.txt"
TBG = "magnetotransport/tbg_wse2_wal_polski"


def test_user_csv_rt(external_dir):
    df = sigmafit.load(external_dir / CSV)
    meta = df.attrs["sigmafit"]
    assert meta["format"] == "delimited" and len(df) == 177
    assert list(df.columns[:4]) == ["temperature_K", "field_T", "resistance_ohm", "hall_resistance_ohm"]
    # 299.61594543457,2.40854744613171e-05,543.941064453125,157.374934387207,NaN
    assert df.iloc[0]["temperature_K"] == pytest.approx(299.61594543457)
    assert df.iloc[0]["field_T"] == pytest.approx(2.40854744613171e-05)
    assert df.iloc[0]["resistance_ohm"] == pytest.approx(543.941064453125)
    assert df["Bridge3Resistance_Ohms"].isna().all()  # literal NaN strings
    assert meta["origin"]["resistance_ohm"] == "Rxx"


def test_lakeshore_hms(external_dir):
    path = external_dir / HMS
    assert sniff(path) == "lakeshore_hms"
    df = sigmafit.load(path)
    meta = df.attrs["sigmafit"]
    assert len(df) == 2 * (16 + 20 + 21 + 44)
    assert sorted(df["step"].unique()) == [1, 2, 3, 4]
    assert meta["geometry"]["thickness_um"] == pytest.approx(3.0)
    assert meta["sample"] == "22-211-G"
    zf = df[(df.step == 1) & (df.measurement == "zero-field")].iloc[0]
    # 23.501 <tab> -9.5000E-2 [G] <tab> 4.1549E+3
    assert zf["temperature_K"] == pytest.approx(23.501)
    assert zf["field_T"] == pytest.approx(-9.5e-6)
    assert zf["resistivity_ohm_cm"] == pytest.approx(4154.9)
    hall = df[(df.step == 1) & (df.measurement == "hall")].iloc[0]
    # 23.5  3.0003E+3  4.3746E+3  -3.2624E+5  n  1.9134E+13  7.8519E+1
    assert hall["field_T"] == pytest.approx(0.30003)
    assert hall["hall_coefficient_cm3_per_C"] == pytest.approx(-3.2624e5)
    assert hall["carrier_density_cm-3"] == pytest.approx(1.9134e13)
    assert hall["mobility_cm2_per_Vs"] == pytest.approx(78.519)
    assert hall["Type"] == "n"


def test_tbg_processed_array_needs_field_unit(external_dir):
    path = external_dir / TBG / "Data_array.txt"
    with pytest.raises(DataFormatError, match=r"column 'magnetic field'.*--x-unit"):
        sigmafit.load(path)
    df = sigmafit.load(path, x_unit="mT")
    assert len(df) == 480 and sorted(df["step"].unique()) == [0, 1, 2, 3]
    assert df["field_T"].iloc[0] == pytest.approx(2e-4)  # 0.2 mT
    assert df["field_T"].iloc[119] == pytest.approx(0.024)
    e2h = 1.602176634e-19**2 / 6.62607015e-34
    assert df.attrs["sigmafit"]["units"]["conductance_S"] == "e^2/h"  # the unit as the file writes it
    raw = np.loadtxt(path)
    assert df["conductance_S"].to_numpy() == pytest.approx(raw[1] * e2h)


def test_tbg_gate_field_array(external_dir):
    path = external_dir / TBG / "W5_WAL_arrays" / "W5_10nA_-2Vbg_300mK_39-38.txt"
    assert sniff(path) == "array2d"
    df = sigmafit.load(path)
    assert len(df) == 30 * 251
    first = df.iloc[0]
    assert first["gate_V"] == pytest.approx(-1.74) and first["field_T"] == pytest.approx(-0.025)
    assert first["voltage_V"] == pytest.approx(5.88864455e-06)
    assert first["resistance_ohm"] == pytest.approx(588.864455)  # V / 10 nA
    assert np.allclose(df["temperature_K"], 0.3)
    assert df["gate_V"].iloc[-1] == pytest.approx(-2.32)


def test_tbg_broken_sweep_dropped(external_dir):
    path = external_dir / TBG / "W5_WAL_arrays" / "W5_10nA_-2Vbg_baseT_39-38.txt"
    with pytest.warns(DataWarning, match="gate row 11"):
        df = sigmafit.load(path)
    assert len(df) == 30 * 251
    assert not np.isclose(df["gate_V"], -1.96).any()
    assert df["temperature_K"].isna().all()


def test_semicolon_comma_decimal_latin1(tmp_path):
    p = tmp_path / "eu.csv"
    p.write_bytes("# Messung µ-Probe\nT (mK);B [mT];R_xx (kOhm)\n20,5;-100,0;1,25\n30,0;0,0;1,5\n".encode("cp1252"))
    df = sigmafit.load(p)
    assert df["temperature_K"].tolist() == pytest.approx([0.0205, 0.030])
    assert df["field_T"].tolist() == pytest.approx([-0.1, 0.0])
    assert df["resistance_ohm"].tolist() == pytest.approx([1250.0, 1500.0])


def test_whitespace_bom_crlf_and_units(tmp_path):
    p = tmp_path / "ws.dat"
    p.write_bytes(b"\xef\xbb\xbf# comment\r\nField(Oe)  rho(ohm-m)  G(e2/h)\r\n1000  0.01  2\r\n2000  NaN  \r\n")
    with pytest.warns(DataWarning, match="ragged rows"):
        df = sigmafit.load(p)
    assert df["field_T"].tolist() == pytest.approx([0.1, 0.2])
    assert df["resistivity_ohm_cm"].iloc[0] == pytest.approx(1.0)
    assert np.isnan(df["resistivity_ohm_cm"].iloc[1]) and np.isnan(df["conductance_S"].iloc[1])


def test_y_unit_option(tmp_path):
    p = tmp_path / "g.csv"
    p.write_text("B (T),G\n0,1\n1,2\n")
    with pytest.raises(DataFormatError, match=r"column 'G'.*--y-unit"):
        sigmafit.load(p)
    df = sigmafit.load(p, y_unit="mS")
    assert df["conductance_S"].tolist() == pytest.approx([1e-3, 2e-3])


def test_field_unit_option(data_dir):
    df = sigmafit.load(data_dir / "broken" / "field_without_unit.csv", x_unit="Oe")
    assert df["field_T"].tolist() == pytest.approx([0.0, 1e-5, 2e-5])


def test_ragged_rows_counted(data_dir):
    with pytest.warns(DataWarning) as rec:
        df = sigmafit.load(data_dir / "broken" / "ragged.csv")
    assert len(rec) == 2
    dropped = {d["reason"].split(" ")[0]: d["count"] for d in df.attrs["sigmafit"]["dropped"]}
    assert dropped == {"ragged": 1, "rows": 1}
    assert len(df) == 4 and np.isnan(df["hall_resistance_ohm"].iloc[1])
