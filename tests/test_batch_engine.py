"""Vectorized batch engine against one-by-one ``sigmafit.fit`` (same values, same uncertainties)."""

from __future__ import annotations

import math
import warnings

import lmfit
import numpy as np
import pandas as pd
import pytest

import sigmafit
from sigmafit.fitting import engine as E
from sigmafit.fitting.batch import fit_batch
from sigmafit.models.formulas import localization as F


def _hln_dp_curves(n, seed=3, points=300, bmax=0.15):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        B = np.linspace(-bmax, bmax, points + 7 * (i % 3))  # unequal lengths: pad + mask
        lp, ls = rng.uniform(90, 180), rng.uniform(30, 60)
        y = F.hln_dp(B, F.char_field(lp * 1e-9), F.char_field(ls * 1e-9))
        out.append((f"c{i}", (B, y + rng.normal(0, 0.01 * np.abs(y).max(), B.size))))
    return out


def _hln_curves(n, seed=4, points=200):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        B = np.linspace(-0.05, 0.05, points)
        a, lp = rng.uniform(-0.7, -0.3), rng.uniform(150, 400)
        y = F.hln(B, a, F.char_field(lp * 1e-9))
        df = pd.DataFrame({"field_T": B, "delta_sigma_S": y + rng.normal(0, 0.01 * np.abs(y).max(), B.size)})
        out.append((i, df))
    return out


def _one_by_one(curves, model, **kw):
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _, data in curves:
            r = sigmafit.fit(data, model, warn=False, **kw)
            rows.append({n: (p.value, p.stderr) for n, p in r.params.items()})
    return rows


@pytest.mark.parametrize("model,curves", [("hln-dp", _hln_dp_curves(12)), ("hln", _hln_curves(10))])
def test_vectorized_matches_one_by_one(model, curves):
    res = fit_batch(curves, model, engine="vectorized", workers=1, progress=False)
    ref = _one_by_one(curves, model)
    tab = res.table
    assert len(tab) == len(curves) and (tab["status"] != "failed").all()
    assert (tab["engine"] == "vectorized").mean() >= 0.8  # the rest were refitted with lmfit, which is equal by construction
    names = list(ref[0])
    for i, r in enumerate(ref):
        for n in names:
            value, stderr = r[n]
            assert tab[n][i] == pytest.approx(value, rel=1e-6), (i, n)
            if stderr is not None and stderr > 0:
                assert tab[f"{n}_stderr"][i] == pytest.approx(stderr, rel=0.01), (i, n)
    # statistics as lmfit computes them
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one = sigmafit.fit(curves[0][1], model, warn=False).summary()["statistics"]
    for k in ("ndata", "nvarys", "chisqr", "redchi", "r_squared", "aic", "bic"):
        assert tab[k][0] == pytest.approx(one[k], rel=1e-5), k


def test_vectorized_with_fix_and_window():
    curves = _hln_dp_curves(6, seed=9)
    kw = dict(bmax=0.1, fix={"L_so": 45.0})
    res = fit_batch(curves, "hln-dp", engine="vectorized", workers=1, progress=False, **kw)
    ref = _one_by_one(curves, "hln-dp", **kw)
    assert (res.table["L_so"] == 45.0).all()
    assert res.table["L_so_stderr"].isna().all()
    for i, r in enumerate(ref):
        assert res.table["L_phi"][i] == pytest.approx(r["L_phi"][0], rel=1e-6)
        assert res.table["L_phi_stderr"][i] == pytest.approx(r["L_phi"][1], rel=0.01)
        assert res.table["ndata"][i] == np.count_nonzero(np.abs(curves[i][1][0]) <= 0.1)


@pytest.mark.parametrize("lo,hi,v", [(0.0, math.inf, 3.7), (-math.inf, 2.0, -5.0), (-1.0, 4.0, 0.3), (-math.inf, math.inf, 1.5)])
def test_bounds_transform_is_lmfits(lo, hi, v):
    p = lmfit.Parameter("a", value=v, min=lo, max=hi)
    u = p.setup_bounds()
    args = (np.array([lo]), np.array([hi]), E._kinds(np.array([lo]), np.array([hi])))
    assert E.to_internal(np.array([v]), *args)[0] == pytest.approx(u, rel=1e-12, abs=1e-15)
    assert E.to_external(np.array([u]), *args)[0] == pytest.approx(p.from_internal(u), rel=1e-12)
    assert E.scale_gradient(np.array([u]), *args)[0] == pytest.approx(p.scale_gradient(u), rel=1e-12)


def test_inputs_untouched_and_unconverged_curves_refit(monkeypatch):
    curves = _hln_dp_curves(4, seed=5)
    for _, (B, y) in curves:
        B.flags.writeable = False
        y.flags.writeable = False
    real = E.fit_arrays
    monkeypatch.setattr(E, "fit_arrays", lambda *a, **k: real(*a, **{**k, "max_iter": 1}))
    res = fit_batch(curves, "hln-dp", engine="vectorized", workers=1, progress=False)
    assert (res.table["engine"] == "lmfit-refit").all()
    assert res.table["note"].str.contains("did not converge").all()
    assert (res.table["status"] != "failed").all()


def test_few_points_stderr_uses_n_minus_p():
    """With 8 points and 2 parameters the covariance is scaled by χ²/(N − p) = χ²/6 (lmfit's rule), not χ²/8.

    The two differ by √(8/6) = 1.155 in every standard error; lmfit is the outside reference.
    """
    rng = np.random.default_rng(31)
    curves = []
    for i in range(6):
        B = np.linspace(0.002, 0.05, 8)
        y = F.hln(B, -0.5, F.char_field(150e-9))
        curves.append((i, (B, y + rng.normal(0, 0.02 * np.ptp(y), B.size))))
    tab = fit_batch(curves, "hln", engine="vectorized", workers=1, progress=False).table
    assert (tab["engine"] == "vectorized").all() and (tab["ndata"] == 8).all() and (tab["nvarys"] == 2).all()
    ref = _one_by_one(curves, "hln")
    for i, r in enumerate(ref):
        for n in ("alpha", "L_phi"):
            assert tab[f"{n}_stderr"][i] == pytest.approx(r[n][1], rel=0.01), (i, n)
    np.testing.assert_allclose(tab["redchi"], tab["chisqr"] / 6, rtol=1e-12)


def test_vectorized_errors_are_calibrated_with_per_point_weights():
    """200 curves with known per-point noise σ and weights 1/σ: χ²_ν averages 1 and the pulls
    (value − truth)/stderr of each parameter have zero mean and unit spread — within 5 standard errors
    of those statistics (mean χ²_ν: √(2/58)/√200 = 0.013; mean pull 1/√200 = 0.071; spread 1/√400 = 0.05)."""
    rng = np.random.default_rng(41)
    B = np.linspace(-0.06, 0.06, 60)
    truth = {"alpha": -0.5, "L_phi": 200.0}
    clean = F.hln(B, truth["alpha"], F.char_field(truth["L_phi"] * 1e-9))
    sigma = 0.01 * np.ptp(clean) * (1.0 + np.abs(B) / 0.06)  # noise grows with |B|
    curves = [(i, pd.DataFrame({"field_T": B, "delta_sigma_S": clean + sigma * rng.standard_normal(B.size),
                                "sigma": sigma})) for i in range(200)]  # weights=COLUMN names the 1σ uncertainties
    tab = fit_batch(curves, "hln", engine="vectorized", weights="sigma", workers=1, progress=False).table
    assert (tab["engine"] == "vectorized").mean() > 0.95
    assert abs(tab["redchi"].mean() - 1.0) < 5 * math.sqrt(2 / 58) / math.sqrt(200)
    for k, v in truth.items():
        pulls = ((tab[k] - v) / tab[f"{k}_stderr"]).to_numpy()
        assert abs(np.std(pulls, ddof=1) - 1.0) < 5 / math.sqrt(2 * pulls.size), k
        assert abs(np.mean(pulls)) < 5 / math.sqrt(pulls.size), k


def test_error_column_sets_the_errors_in_both_engines():
    """Curves with a per-point 1σ column whose scatter is 100× smaller (χ²_ν ≈ 10⁻⁴): the vectorized engine states
    the errors the uncertainties give, as ``sigmafit.fit`` does (tested against the normal equations in
    test_fitting_core), not 100× smaller ones."""
    import pandas as pd

    import sigmafit
    from sigmafit.models.formulas import localization as LF

    B = np.linspace(-0.1, 0.1, 101)
    rng = np.random.default_rng(3)
    curves = []
    for i in range(3):
        y = LF.hln(B, -0.5, LF.char_field(150e-9)) + rng.normal(0.0, 1e-9, B.size)
        curves.append((f"c{i}", pd.DataFrame({"field_T": B, "delta_sigma_S": y, "err": np.full(B.size, 1e-7)})))
    tab = fit_batch(curves, "hln", engine="vectorized", workers=1, progress=False, weights="err").table
    assert (tab["engine"] == "vectorized").all() and (tab["redchi"] < 1e-3).all()
    # independent: C = (JᵀWJ)⁻¹ with J by central differences of the formula at the fitted values, W = 1/σ²
    row = tab.iloc[0]

    def f(a, L):
        return LF.hln(B, a, LF.char_field(L * 1e-9))

    a0, L0 = row["alpha"], row["L_phi"]
    J = np.column_stack([(f(a0 + 1e-6, L0) - f(a0 - 1e-6, L0)) / 2e-6, (f(a0, L0 + 1e-4) - f(a0, L0 - 1e-4)) / 2e-4])
    C = np.linalg.inv(J.T @ J / 1e-14)
    assert row["alpha_stderr"] == pytest.approx(math.sqrt(C[0, 0]), rel=1e-3)
    assert row["L_phi_stderr"] == pytest.approx(math.sqrt(C[1, 1]), rel=1e-3)
    for (label, df), (_, row) in zip(curves, tab.iterrows()):
        single = sigmafit.fit(df, "hln", weights="err", warn=False)
        assert row["L_phi_stderr"] == pytest.approx(single.stderr("L_phi"), rel=1e-3), label
        assert row["alpha_stderr"] == pytest.approx(single.stderr("alpha"), rel=1e-3), label
