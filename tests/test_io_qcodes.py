"""QCoDeS SQLite reader on the MeasureIt example database (read-only, sqlite3 only)."""

from __future__ import annotations

import pytest

import sigmafit
from sigmafit.exceptions import DataFormatError
from sigmafit.io import sniff
from sigmafit.io.qcodes import list_runs

DB = "formats/qcodes-sqlite-measureit/Example_database.db"


def test_list_runs(external_dir):
    runs = list_runs(external_dir / DB)
    assert sniff(external_dir / DB) == "qcodes"
    assert len(runs) == 16 and list(runs.columns) == ["run_id", "exp_name", "sample", "name", "parameters", "rows"]
    assert runs.iloc[0]["sample"] == "test0d" and runs.iloc[0]["rows"] == 388
    assert runs.iloc[-1]["exp_name"] == "testsweep" and runs.iloc[-1]["rows"] == 260


def test_sparse_rows_aligned_on_setpoints(external_dir):
    df = sigmafit.load(external_dir / DB, run=16)
    meta = df.attrs["sigmafit"]
    assert meta["independent"] == ["test_instrument0_x"]
    # results-6-11 rows: (1,-2.5,None,None,None,12.75...), (2,-2.5,None,2.5,None,None), (3,-2.5,0.0268...), (4,-2.5,...,1.65...)
    first = df.iloc[0]
    assert first["test_instrument0_x"] == -2.5
    assert first["test_instrument0_parabola"] == pytest.approx(12.752496137275616)
    assert first["test_instrument0_y"] == 2.5
    assert first["time_s"] == pytest.approx(0.02685625001322478)
    assert first["test_instrument1_parabola"] == pytest.approx(1.6529846791476333)
    assert df[["test_instrument0_parabola", "test_instrument1_parabola"]].notna().all().all()
    assert meta["units"]["test_instrument0_x"] == "a.u." and meta["units"]["time_s"] == "s"
    assert len(df) == 65  # 260 sparse rows, 4 per setpoint


def test_default_is_last_run(external_dir):
    df = sigmafit.load(external_dir / DB)
    meta = df.attrs["sigmafit"]
    assert meta["run_id"] == 16 and any("last run" in n for n in meta["notes"])


def test_missing_run(external_dir):
    with pytest.raises(DataFormatError, match="no run 99"):
        sigmafit.load(external_dir / DB, run=99)


def test_not_a_database(data_dir):
    with pytest.raises(DataFormatError, match="not a QCoDeS database"):
        sigmafit.load(data_dir / "broken" / "not_sqlite.db")
