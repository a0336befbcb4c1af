"""Resuming a batch fits exactly the curves that are new or changed, and nothing else.

Counted two ways:

* through the public output: ``BatchResult.n_resumed``, ``summary_line()`` and the table's
  ``run`` / ``attempt`` columns (a row keeps the run that fitted it);
* by watching the formula: every curve here has its own field grid, and a recorder wrapped
  around :func:`sigmafit.models.formulas.localization.hln` notes the grids it is evaluated on
  (points, first and last field), so a curve that is fitted again shows up even when its stored
  row is not rewritten.  Evaluations on other grids (guesses, diagnostics) match no curve.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from sigmafit.exceptions import FitError
from sigmafit.fitting.batch import fit_batch
from sigmafit.workflow import fit_batch_files
from sigmafit.models.formulas import localization as F

L_TRUE = 150.0  # nm
_HLN = F.hln  # the formula itself, for simulating curves while the recorder is installed


N_POINTS = 81


def _bmax(i: int) -> float:
    """Field range of curve i (T): distinct per curve, so the recorder can tell curves apart."""
    return round(0.04 + 0.001 * i, 6)


def _grid(B) -> tuple[int, float, float]:
    return (B.size, round(float(B[0]), 9), round(float(B[-1]), 9))


def _curve(i: int, L_phi: float = L_TRUE, alpha: float = -0.5, seed: int = 0):
    rng = np.random.default_rng(1000 * seed + i)
    B = np.linspace(-_bmax(i), _bmax(i), N_POINTS)
    y = _HLN(B, alpha, F.char_field(L_phi * 1e-9))
    return B, y + rng.normal(0, 0.005 * np.ptp(y), B.size)


@pytest.fixture
def fitted(monkeypatch):
    """Set of field grids on which ``hln`` was evaluated since the last ``clear()``."""
    seen: set[tuple[int, float, float]] = set()
    real = F.hln

    def recording(B, alpha, B_phi):
        rows = np.atleast_2d(np.asarray(B, dtype=float))  # the vectorized engine passes (curves, points)
        seen.update(_grid(r) for r in rows if r.size)
        return real(B, alpha, B_phi)

    monkeypatch.setattr(F, "hln", recording)
    return seen


def _which(seen, labels) -> list:
    """Curve numbers whose whole field grid the recorder saw (i.e. the curves that were fitted)."""
    return [i for i in labels if (N_POINTS, -_bmax(i), _bmax(i)) in seen]


@pytest.mark.parametrize("engine", ["lmfit", "vectorized"])
def test_resume_fits_only_the_missing_curves(tmp_path, fitted, engine):
    curves = [(i, _curve(i)) for i in range(10)]
    first = fit_batch(curves[:6], "hln", engine=engine, workers=1, progress=False, out=tmp_path)
    assert first.n_resumed == 0 and _which(fitted, range(10)) == list(range(6))

    fitted.clear()
    res = fit_batch(curves, "hln", engine=engine, workers=1, progress=False, out=tmp_path)
    assert _which(fitted, range(10)) == [6, 7, 8, 9]  # the four new curves, nothing else
    tab = res.table
    assert res.n_resumed == 6 and "; 6 from a previous run" in res.summary_line()
    assert list(tab["label"]) == list(range(10))
    assert list(tab["run"]) == [1] * 6 + [2] * 4 and (tab["attempt"] == 1).all()
    first_rows = first.table.set_index("label")
    for i in range(6):  # resumed rows are the stored ones, unchanged
        assert tab.loc[i, "L_phi"] == first_rows.loc[i, "L_phi"] and tab.loc[i, "fitted_at"] == first_rows.loc[i, "fitted_at"]

    fitted.clear()
    again = fit_batch(curves, "hln", engine=engine, workers=1, progress=False, out=tmp_path)
    assert _which(fitted, range(10)) == [] and again.n_resumed == 10
    assert list(again.table["run"]) == [1] * 6 + [2] * 4


def test_edited_data_under_the_same_label_is_fitted_again(tmp_path, fitted):
    curves = [(i, _curve(i)) for i in range(5)]
    fit_batch(curves, "hln", workers=1, progress=False, out=tmp_path)
    fitted.clear()
    curves[2] = (2, _curve(2, L_phi=300.0, seed=1))  # re-made with L_φ = 300 nm, same label, same fields
    res = fit_batch(curves, "hln", workers=1, progress=False, out=tmp_path)
    assert _which(fitted, range(5)) == [2]
    tab = res.table.set_index("label")
    assert res.n_resumed == 4
    assert tab.loc[2, "run"] == 2 and (tab.drop(2)["run"] == 1).all()
    assert abs(tab.loc[2, "L_phi"] - 300.0) < 5 * tab.loc[2, "L_phi_stderr"]  # the new data's value, not 150 nm
    for i in (0, 1, 3, 4):
        assert abs(tab.loc[i, "L_phi"] - L_TRUE) < 5 * tab.loc[i, "L_phi_stderr"]


def test_changed_options_fit_everything_again(tmp_path):
    curves = [(i, _curve(i)) for i in range(4)]
    fit_batch(curves, "hln", workers=1, progress=False, out=tmp_path)
    # a folder holding a run with other settings is refused: two analyses never mix in one results table
    with pytest.raises(FitError, match="other settings"):
        fit_batch(curves, "hln", workers=1, progress=False, out=tmp_path, bmax=0.03)
    res = fit_batch(curves, "hln", workers=1, progress=False, out=tmp_path, bmax=0.03, replace=True)
    assert res.n_resumed == 0 and (res.table["run"] == 2).all()
    assert (res.table["ndata"] < N_POINTS).all()  # the new window was applied: every curve was fitted again


def test_another_curve_set_in_the_same_folder_is_not_a_resume(tmp_path, fitted):
    first = [(f"a{i}", _curve(i)) for i in range(6)]
    fit_batch(first, "hln", workers=1, progress=False, out=tmp_path)
    fitted.clear()
    other = [(f"b{i}", _curve(10 + i, L_phi=220.0)) for i in range(2)]
    res = fit_batch(other, "hln", workers=1, progress=False, out=tmp_path)
    assert res.n_resumed == 0
    line = res.summary_line()
    assert "previous run" not in line and line.startswith("2 curves:")
    rate = re.search(r", (-?[\d.]+) curves/s", line)
    assert rate is None or float(rate.group(1)) > 0, line  # (was: "6 from a previous run", −4 curves fitted)
    assert _which(fitted, range(20)) == [10, 11]
    assert list(res.table["label"]) == ["b0", "b1"] and (res.table["run"] == 2).all()
    csv = pd.read_csv(tmp_path / "results.csv")
    assert list(csv["label"]) == ["b0", "b1"]  # the folder's table is this batch's, not the union


def test_files_resume_new_and_edited_files(tmp_path, fitted):
    data, out = tmp_path / "data", tmp_path / "run"
    data.mkdir()

    def write(name, i, **kw):
        B, y = _curve(i, **kw)
        pd.DataFrame({"field_T": B, "delta_sigma_S": y}).to_csv(data / name, index=False)

    write("c0.csv", 0)
    write("c1.csv", 1)
    fit_batch_files([data], "hln", workers=1, progress=False, out=out)
    fitted.clear()
    write("c2.csv", 2)  # a new file in the folder
    res = fit_batch_files([data], "hln", workers=1, progress=False, out=out)
    assert res.n_resumed == 2 and _which(fitted, range(3)) == [2]
    fitted.clear()
    write("c0.csv", 0, L_phi=300.0, seed=2)  # an edited file under the same name
    res = fit_batch_files([data], "hln", workers=1, progress=False, out=out)
    assert res.n_resumed == 2 and _which(fitted, range(3)) == [0]
    tab = res.table.set_index("source")
    row = tab.loc[str(data / "c0.csv")]
    assert row["run"] == 3 and abs(row["L_phi"] - 300.0) < 5 * row["L_phi_stderr"]
