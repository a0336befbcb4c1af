"""The broken-file corpus: every file fails with one clear DataFormatError naming file and line."""

from __future__ import annotations

import pytest

import sigmafit
from sigmafit.exceptions import DataFormatError

CASES = [
    ("empty.dat", r"empty\.dat.* is empty"),
    ("blank_lines.csv", r"blank_lines\.csv is empty"),
    ("truncated_header.dat", r"truncated_header\.dat, line \d+: MultiVu header ends without a \[Data\] line"),
    ("data_no_rows.dat", r"data_no_rows\.dat, line 6: no data rows after the header"),
    ("data_no_header.dat", r"data_no_header\.dat, line 3: no column-name line after \[Data\]"),
    ("garbage.bin", r"garbage\.bin is a binary file of no format sigmafit knows"),
    ("no_numbers.csv", r"no_numbers\.csv, line 1: no numeric data found"),
    ("only_comments.txt", r"only_comments\.txt, line \d+: only comments, no rows of data"),
    ("field_without_unit.csv", r"unit of column 'B' is not stated.*pass --x-unit \(e\.g\. --x-unit Oe\)"),
    ("bad_unit.csv", r"column 'Field \(furlong\)' has unit 'furlong'"),
    ("lakeshore_no_tables.txt", r"lakeshore_no_tables\.txt, line \d+: Lake Shore HMS file without any data table"),
    ("formula.yml", r"formula\.yml, line 4: 'formula 2' formula dispersion not supported"),
    ("perkinelmer_no_data.asc", r"perkinelmer_no_data\.asc, line \d+: PerkinElmer file without '#GR' and '#DATA'"),
    ("not_sqlite.db", r"not_sqlite\.db: not a QCoDeS database"),
]


@pytest.mark.parametrize("name,message", CASES)
def test_broken_file(data_dir, name, message):
    with pytest.raises(DataFormatError, match=message) as info:
        sigmafit.load(data_dir / "broken" / name)
    assert info.value.path is not None and name in str(info.value)


def test_nonexistent_path(tmp_path):
    with pytest.raises(DataFormatError, match=r"nope\.dat: no such file"):
        sigmafit.load(tmp_path / "nope.dat")


def test_folder_is_not_a_file(tmp_path):
    with pytest.raises(DataFormatError, match="is a folder"):
        sigmafit.load(tmp_path)


def test_unknown_format_option(data_dir):
    with pytest.raises(DataFormatError, match=r"unknown format 'foo'; expected one of"):
        sigmafit.load(data_dir / "mpms_synthetic.dat", format="foo")


def test_wrong_forced_format(data_dir):
    with pytest.raises(DataFormatError, match="without a \\[Data\\] line"):
        sigmafit.load(data_dir / "broken" / "ragged.csv", format="ppms")


def test_non_numeric_cells_counted(tmp_path):
    p = tmp_path / "err.txt"
    p.write_text("Temperature (K)\tR (ohm)\n300\t10\nERROR\t11\n290\t12\n")
    with pytest.warns(sigmafit.io._text.DataWarning, match="non-numeric cells in column 'Temperature \\(K\\)'"):
        df = sigmafit.load(p)
    assert df["temperature_K"].isna().sum() == 1
    assert df.attrs["sigmafit"]["dropped"][0]["count"] == 1
