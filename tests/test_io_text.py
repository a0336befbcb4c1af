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


def test_lakeshore_tables_kept_apart(external_dir):
    df = sigmafit.load(external_dir / HMS)
    meta = df.attrs["sigmafit"]
    assert meta["split_by"] == "measurement"
    counts = df.groupby("table", sort=False).size()
    # SOURCE.md: 4 steps, each with a zero-field table and a Hall table at "Field at: 3.0 [kG]" = 0.3 T
    assert list(counts.index[:2]) == ["step 1 zero-field", "step 1 hall 0.3 T"] and len(counts) == 8
    assert counts.tolist() == [16, 16, 20, 20, 21, 21, 44, 44]
    hall = df[df.measurement == "hall"]
    assert np.allclose(hall["field_T"], 0.3, atol=1e-3)  # 3.0003E+3 G … in the file
    assert (df.loc[df.measurement == "zero-field", "field_T"].abs() < 1e-4).all()


def test_lakeshore_table_without_field_column_takes_the_step_setting(tmp_path):
    p = tmp_path / "hms.txt"
    p.write_text("[Sample parameters]\nThickness =\t20.0 [nm]\nS1\n[Measurements]\n<Step 1: Variable Temperature>\n"
                 "Field at:\t5.0 [kG]\n\nTemperature [K]\tHall Coefficient [cm³/C]\n10\t-3.0E+2\n20\t-2.5E+2\n",
                 encoding="latin-1")
    df = sigmafit.load(p)
    assert df["field_T"].tolist() == [0.5, 0.5] and df["table"].iloc[0] == "step 1 hall 0.5 T"
    assert df.attrs["sigmafit"]["geometry"]["thickness_nm"] == pytest.approx(20.0)


def test_preamble_skipped_and_reported(tmp_path):
    p = tmp_path / "pre.csv"
    p.write_text("Measurement of sample A, cooled overnight\nOperator: Bob\nT (K),R (Ohm)\n2,10\n3,11\n4,12\n")
    with pytest.warns(DataWarning, match=r"2 lines of free text before the column header skipped \(line 1: "
                                         r"'Measurement of sample A"):
        df = sigmafit.load(p)
    assert list(df.columns) == ["temperature_K", "resistance_ohm"] and len(df) == 3
    assert df.attrs["sigmafit"]["preamble"] == {"lines": 2, "first": "Measurement of sample A, cooled overnight",
                                                "first_line": 1}


@pytest.mark.parametrize("text,columns", [
    ("# T P0\n2 0.1\n3 0.2\n4 0.3\n", ["temperature_K", "P0"]),
    ("# energy (eV) n k\n1.0 0.2 3.0\n2.0 0.3 2.0\n3.0 0.4 1.0\n", ["wavenumber_cm-1", "energy_eV", "n", "k"]),
    ("% B (mT)\tR (Ohm)\n1\t10\n2\t11\n3\t12\n", ["field_T", "resistance_ohm"]),
])
def test_commented_header_used_when_it_is_the_only_header(tmp_path, text, columns):
    p = tmp_path / "c.txt"
    p.write_text(text)
    df = sigmafit.load(p)
    assert list(df.columns) == columns and len(df) == 3
    assert any("commented header on line 1" in n for n in df.attrs["sigmafit"]["notes"])


def test_comment_above_a_real_header_is_not_the_header(tmp_path):
    p = tmp_path / "c.txt"
    p.write_text("# x y\nT (K)\tR (Ohm)\n2\t10\n3\t11\n4\t12\n")
    assert list(sigmafit.load(p).columns) == ["temperature_K", "resistance_ohm"]


def test_duplicated_names_made_unique_with_a_warning(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("T (K),R (Ohm),R (Ohm)\n2,10,20\n3,11,21\n")
    with pytest.warns(DataWarning, match=r"duplicated column names made unique.*'R \(Ohm\)'"):
        df = sigmafit.load(p)
    assert df["resistance_ohm"].tolist() == [10, 11] and df["R (Ohm).1"].tolist() == [20, 21]


def test_repeated_header_and_bad_cells_counted(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("T (K),R (Ohm)\n2,10\nT (K),R (Ohm)\n3,1e400\n4,---\n5,inf\n6,NaN\n")
    with pytest.warns(DataWarning) as rec:
        df = sigmafit.load(p)
    dropped = {d["reason"]: d["count"] for d in df.attrs["sigmafit"]["dropped"]}
    assert dropped == {"repeated header lines inside the data dropped": 1,
                       "non-numeric cells in column 'R (Ohm)' (set to NaN)": 1,
                       "infinite values in column 'R (Ohm)' (set to NaN)": 2}
    assert len(rec) == 3 and df["temperature_K"].tolist() == [2, 3, 4, 5, 6]
    assert df["resistance_ohm"].iloc[0] == 10 and df["resistance_ohm"].iloc[1:].isna().all()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_and_cr_only(tmp_path, encoding):
    p = tmp_path / "u.txt"
    p.write_bytes("T (°C)\tR (kΩ)\r20\t1.5\r30\t1.25\r".encode(encoding))
    df = sigmafit.load(p)
    assert df["temperature_K"].tolist() == pytest.approx([293.15, 303.15])
    assert df["resistance_ohm"].tolist() == [1500.0, 1250.0]


def test_nul_bytes_in_text_refused_naming_the_line(tmp_path):
    p = tmp_path / "n.csv"
    p.write_bytes(b"T (K),R (Ohm)\n" + b"2,10\n" * 3000 + b"3,1\x001\n")
    with pytest.raises(DataFormatError, match=r"n\.csv, line 3002: a NUL byte inside a text file"):
        sigmafit.load(p)


def test_sheet_resistance_file_feeds_the_sheet_geometry(tmp_path):
    """A file in Ω/sq loads as sheet_resistance_ohm; prepare.to_sheet(geometry sheet) keeps it as it is."""
    from sigmafit.prepare.geometry import Geometry, to_sheet

    p = tmp_path / "rs.csv"
    p.write_text("B (mT),Rs (kOhm/sq)\n-10,1.01\n0,1.0\n10,1.01\n")
    df = sigmafit.load(p)
    assert "resistance_ohm" not in df.columns and df["sheet_resistance_ohm"].tolist() == [1010.0, 1000.0, 1010.0]
    assert to_sheet(df, Geometry(kind="sheet"))["sheet_resistance_ohm"].tolist() == [1010.0, 1000.0, 1010.0]
