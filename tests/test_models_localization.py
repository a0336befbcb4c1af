"""Localization models: tables, simulate → fit → recover, finiteness, guess on real data, diagnostics."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest

from sigmafit import models
from sigmafit.constants import E2_OVER_H, G_Q, HBAR_OVER_4E
from sigmafit.models.formulas import localization as F

FAMILY = "magnetoconductance"
OURS = ["hln", "hln-so", "hln-dp", "graphene", "graphene-soc", "graphene-soc-tau", "kawabata", "wire"]

# truth for simulate → fit → recover (table units); field range and noise below
TRUTH = {
    "hln": dict(alpha=-0.5, L_phi=150.0),
    "hln-so": dict(L_phi=300.0, L_so=80.0),
    "hln-dp": dict(L_phi=300.0, L_so=80.0),
    "graphene": dict(L_phi=400.0, L_i=150.0, L_star=40.0),
    "graphene-soc": dict(L_phi=400.0, L_asy=150.0, L_sym=65.0),
    "graphene-soc-tau": dict(tau_phi=20.0, tau_asy=10.0, tau_sym=0.5),
    "kawabata": dict(L_phi=200.0),
    "wire": dict(L_phi=500.0, L_so=200.0),
}


@pytest.fixture
def external_dir() -> Path:
    """``$SIGMAFIT_EXTERNAL_DATA`` or ``<repo>/../shared/external``; fail in CI if missing, skip otherwise."""
    root = Path(os.environ.get("SIGMAFIT_EXTERNAL_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "external"))
    if not root.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"external test data not found at {root} (set SIGMAFIT_EXTERNAL_DATA)")
        pytest.skip(f"external test data not found at {root}")
    return root


def test_registered_with_tables():
    names = models.available(FAMILY)
    assert set(OURS) <= set(names)
    for name in OURS:
        cls = models.model_class(name)
        assert cls.x == "field_T"
        m = models.get(name)
        assert m.independent == "B"
        units = cls.units()
        for p in cls.params_table:
            if p.name.startswith("L_"):
                assert units[p.name] == "nm" and p.min == 0.0
            if p.name.startswith("tau_"):
                assert units[p.name] == "ps" and p.min == 0.0
    assert models.model_class("kawabata").y == "delta_sigma_S_per_m"
    assert models.model_class("wire").y == "conductance_S"
    assert models.model_class("hln").y == "delta_sigma_S"


def test_derived_fields_are_exact_expressions():
    m = models.get("hln-so")
    p = m.make_params(L_phi=100.0, L_so=30.0)
    assert p["B_phi"].value == pytest.approx(HBAR_OVER_4E / (100e-9) ** 2, rel=1e-14)
    assert p["B_so"].value == pytest.approx(HBAR_OVER_4E / (30e-9) ** 2, rel=1e-14)
    mt = models.get("graphene-soc-tau")
    pt = mt.make_params(tau_phi=10.0, D=0.02)
    assert pt["B_phi"].value == pytest.approx(HBAR_OVER_4E / (0.02 * 10e-12), rel=1e-14)
    assert pt["L_phi"].value == pytest.approx(math.sqrt(0.02 * 10e-12) * 1e9, rel=1e-14)
    # prefixed models rewrite the expressions
    mp = models.get("hln", prefix="a_")
    pp = mp.make_params()
    pp["a_L_phi"].set(value=200.0)
    pp.update_constraints()
    assert pp["a_B_phi"].value == pytest.approx(HBAR_OVER_4E / (200e-9) ** 2, rel=1e-14)


def test_models_match_formulas():
    B = np.linspace(-0.05, 0.05, 11)
    lf = lambda L: F.char_field(L * 1e-9)  # noqa: E731
    np.testing.assert_allclose(models.get("hln").eval(B=B, alpha=-0.5, L_phi=200.0), F.hln(B, -0.5, lf(200.0)), rtol=1e-15)
    # hln-so defaults: L_e = 0 (B_e = inf, no elastic term) and L_s = inf (no magnetic scattering)
    m = models.get("hln-so")
    p = m.make_params(L_phi=200.0, L_so=50.0)
    assert p["L_e"].value == 0.0 and not p["L_e"].vary and p["L_s"].value == math.inf and not p["L_s"].vary
    np.testing.assert_allclose(m.eval(p, B=B), F.hln_so(B, lf(200.0), lf(50.0)), rtol=1e-15)
    # L_e is a mean free path with B_e = ħ/(2eℓ²)
    np.testing.assert_allclose(
        m.eval(B=B, L_phi=200.0, L_so=50.0, L_e=20.0, L_s=math.inf), F.hln_so(B, lf(200.0), lf(50.0), 2 * lf(20.0)), rtol=1e-15
    )
    # graphene-soc-tau: B_x = ħ/(4eDτ_x) and B_so = B_asy + B_sym (1/τ_so = 1/τ_asy + 1/τ_sym)
    mt = models.get("graphene-soc-tau")
    D, taus = 0.02, (10.0, 2.0, 0.5)
    bp, ba, bs = (HBAR_OVER_4E / (D * t * 1e-12) for t in taus)
    np.testing.assert_allclose(mt.eval(B=B, tau_phi=10.0, tau_asy=2.0, tau_sym=0.5, D=D), F.graphene_soc(B, bp, ba, ba + bs),
                               rtol=1e-14)
    ml = models.get("graphene-soc")
    np.testing.assert_allclose(ml.eval(B=B, L_phi=300.0, L_asy=100.0, L_sym=40.0),
                               F.graphene_soc(B, lf(300.0), lf(100.0), lf(100.0) + lf(40.0)), rtol=1e-14)


def test_graphene_soc_total_rate_is_derived():
    """τ_so = (1/τ_asy + 1/τ_sym)⁻¹ and L_so = (L_asy⁻² + L_sym⁻²)^(−½) are expressions, ≤ τ_asy, L_asy by construction."""
    pt = models.get("graphene-soc-tau").make_params(tau_asy=2.0, tau_sym=0.5, D=0.02)
    assert pt["tau_so"].expr and pt["tau_so"].value == pytest.approx(0.4, rel=1e-14)  # 1/(1/2 + 2)
    assert pt["L_so"].value == pytest.approx(math.sqrt(0.02 * 0.4e-12) * 1e9, rel=1e-14)
    assert pt["B_so"].value == pytest.approx(HBAR_OVER_4E / (0.02 * 0.4e-12), rel=1e-14)
    pl = models.get("graphene-soc").make_params(L_asy=30.0, L_sym=40.0)
    assert pl["L_so"].value == pytest.approx(24.0, rel=1e-14)  # 1/√(1/900 + 1/1600) = 1200/50
    assert pl["B_so"].value == pytest.approx(pl["B_asy"].value + pl["B_sym"].value, rel=1e-14)
    for name, so, asy in (("graphene-soc-tau", "tau_so", "tau_asy"), ("graphene-soc", "L_so", "L_asy")):
        assert "tau_so" not in [p.name for p in models.model_class(name).params_table]
        assert "L_so" not in [p.name for p in models.model_class(name).params_table]
        rng = np.random.default_rng(5)
        for _ in range(20):  # any free values: the total rate is at least the asymmetric one
            p = models.get(name).make_params(**{asy: rng.uniform(0.1, 100), asy.replace("asy", "sym"): rng.uniform(0.1, 100)})
            assert p[so].value <= p[asy].value


def _simulate(name, seed=0):
    rng = np.random.default_rng(seed)
    m = models.get(name)
    B = rng.permutation(np.linspace(-0.1, 0.1, 301))  # unsorted ±B
    y0 = m.eval(m.make_params(**TRUTH[name]), B=B)
    y = y0 + rng.normal(0.0, 0.02 * np.ptp(y0), B.size)
    return m, B, y


@pytest.mark.parametrize("name", OURS)
def test_simulate_guess_fit_recover(name):
    m, B, y = _simulate(name)
    p = m.guess(y, x=B)
    r = m.fit(y, p, B=B)
    assert r.success
    for k, v in TRUTH[name].items():
        par = r.params[k]
        assert par.stderr is not None and par.stderr > 0
        assert abs(par.value - v) < 4 * par.stderr, f"{name}.{k}: {par.value} ± {par.stderr} vs {v}"


@pytest.mark.parametrize("name", ["hln", "hln-so", "graphene-soc"])
def test_guess_on_positive_field_data_with_offset(name):
    m, B, y = _simulate(name, seed=3)
    keep = B >= 0
    B, y = B[keep], y[keep] + 0.01 * np.ptp(y)  # one half only, small constant offset
    r = m.fit(y, m.guess(y, x=B), B=B)
    assert r.success
    assert abs(r.params["L_phi"].value / TRUTH[name]["L_phi"] - 1) < 0.25


def _extreme_values(p):
    vals = [v for v in (p.min, p.max) if math.isfinite(v)]
    if p.name.startswith(("L_", "tau_", "W", "L", "D")):
        vals += [1e-3 * max(p.default, 1.0), 1e6 * max(p.default, 1.0)]
    else:
        vals += [-1e3, 1e3]
    return vals


@pytest.mark.parametrize("name", models.available(FAMILY))
def test_finite_at_bounds_and_extremes(name):
    m = models.get(name)
    cls = models.model_class(name)
    B = np.array([-30.0, -1.0, -1e-3, -1e-9, 0.0, 1e-9, 1e-3, 1.0, 30.0])
    base = {p.name: p.default for p in cls.params_table}
    for p in cls.params_table:
        for v in _extreme_values(p):
            args = dict(base, **{p.name: v})
            y = m.eval(B=B, **args)
            assert np.all(np.isfinite(y)), f"{name} not finite at {p.name} = {v}"
            assert y[B == 0][0] == 0.0


@pytest.mark.parametrize("name", OURS)
def test_characteristic_x_is_B_phi(name):
    m = models.get(name)
    p = m.make_params(**TRUTH[name])
    bx = m.characteristic_x(p)
    assert bx > 0 and math.isfinite(bx)
    if "B_phi" in p:
        assert bx == pytest.approx(p["B_phi"].value, rel=1e-12)


def test_diagnose_alpha_cusp_and_spin_orbit():
    m = models.get("hln")
    x = np.linspace(-0.1, 0.1, 2001)
    p = m.make_params(alpha=-0.5, L_phi=150.0)
    assert m.diagnose(p, x) == []
    p["alpha"].set(value=-37.0)
    assert any("geometry" in s and "units" in s for s in m.diagnose(p, x))
    p = m.make_params(alpha=-0.5, L_phi=2000.0)  # B_phi = 41 µT < field step 0.1 mT
    assert any("inside the cusp" in s for s in m.diagnose(p, x))
    so = models.get("hln-so")
    p = so.make_params(L_phi=300.0, L_so=2.0)  # B_so = 41 T ≫ 10·0.1 T
    assert any("L_so is not constrained" in s for s in so.diagnose(p, x))
    p = so.make_params(L_phi=300.0, L_so=1e5)
    assert any("below the field step" in s for s in so.diagnose(p, x))
    p = so.make_params(L_phi=300.0, L_so=80.0, L_e=5.0)  # B_e = 13 T; 0.1 T is fine
    assert so.diagnose(p, x) == []
    p["L_e"].set(value=300.0)  # B_e = 3.7 mT ≪ 0.1 T
    assert any("B_e" in s for s in so.diagnose(p, x))
    g = models.get("graphene-soc")
    p = g.make_params(L_phi=400.0, L_asy=50.0, L_sym=1e5)  # B_sym = 16 nT ≪ the 0.1 mT field step
    assert any("symmetric rate is not resolved" in s for s in g.diagnose(p, x))
    p = g.make_params(L_phi=400.0, L_asy=1.0, L_sym=50.0)  # B_asy = 165 T ≫ 10·0.1 T
    assert any("asymmetric rate is only bounded" in s for s in g.diagnose(p, x))


def test_wire_guess_uses_geometry():
    m = models.get("wire")
    B = np.linspace(0, 0.5, 200)
    truth = dict(L_phi=800.0, L_so=300.0, W=100.0, L=5.0)
    y = m.eval(B=B, **truth)
    r = m.fit(y, m.guess(y, x=B, W=100.0, L=5.0), B=B)
    assert r.params["W"].value == 100.0 and r.params["L"].value == 5.0
    assert r.params["L_phi"].value == pytest.approx(800.0, rel=1e-4)


def test_tau_guess_rescales_with_D():
    m = models.get("graphene-soc-tau")
    B = np.linspace(-0.05, 0.05, 201)
    y = m.eval(B=B, tau_phi=20.0, tau_asy=10.0, tau_sym=0.5, D=0.05)
    p = m.guess(y, x=B, D=0.05)
    assert p["D"].value == 0.05
    assert p["tau_phi"].value == pytest.approx(20.0, rel=0.3)


def test_tbg_wse2_processed_curves(external_dir):
    """Real graphene/WSe₂ WAL (Polski, CC0): guess + fit converge with graphene-soc at 4 temperatures."""
    path = external_dir / "magnetotransport" / "tbg_wse2_wal_polski" / "Data_array.txt"
    data = np.loadtxt(path)
    B = data[0].reshape(4, 120) * 1e-3  # mT → T
    dsig = data[1].reshape(4, 120) * E2_OVER_H  # e²/h → S (no W/L: not a sheet conductance)
    m = models.get("graphene-soc")
    lphi = []
    for b, y in zip(B, dsig):
        r = m.fit(y, m.guess(y, x=b), B=b)
        assert r.success
        for k in ("L_phi", "L_asy", "L_sym"):
            assert 1.0 < r.params[k].value < 1e5
        r2 = 1 - r.chisqr / np.sum((y - y.mean()) ** 2)
        assert r2 > 0.4  # 700 mK is noisy (r² ≈ 0.5); base T ≈ 0.8
        assert r.params["L_phi"].stderr is not None and r.params["L_phi"].stderr < 0.2 * r.params["L_phi"].value
        lphi.append(r.params["L_phi"].value)
    assert lphi[0] > lphi[-1]  # dephasing length shrinks from base temperature to 700 mK
    assert max(lphi) > 300.0 and G_Q > 0


def test_every_localization_model_has_independent_references():
    from sigmafit.models import localization

    names = [n for n in models.available(FAMILY) if models.model_class(n).__module__ == localization.__name__]
    assert set(OURS) <= set(names)
    for name in names:
        refs = models.model_class(name).reference_values
        assert refs, f"{name} has no reference values"
        assert all(r.source.strip() for r in refs)


def test_graphene_soc_references_fail_for_a_wrong_total_rate():
    """The hand value 3 − γ − (7/2)ln 2 tells B_so = B_asy + B_sym apart from B_so = B_sym alone."""
    ref = models.model_class("graphene-soc").reference_values[2]
    bp, ba, bs = (F.char_field(ref.params[k] * 1e-9) for k in ("L_phi", "L_asy", "L_sym"))
    good = F.graphene_soc(np.asarray(ref.x), bp, ba, ba + bs)
    wrong = F.graphene_soc(np.asarray(ref.x), bp, ba, bs)
    np.testing.assert_allclose(good, ref.y, rtol=1e-11)
    assert not np.allclose(wrong, ref.y, rtol=1e-3)


def test_tbg_wse2_authors_global_fit_is_expressible(external_dir):
    """Polski's "fit A" (SOURCE.md): τ_asy, τ_sym shared, one τ_φ per temperature, τ_φ(base) = 40.5 ps and D fixed.

    Built from graphene-soc-tau instances with lmfit Parameters (one prefix per curve); the
    fit must converge and give the derived τ_so with an error, below τ_asy by construction.
    """
    import lmfit

    data = np.loadtxt(external_dir / "magnetotransport" / "tbg_wse2_wal_polski" / "Data_array.txt")
    B = data[0].reshape(4, 120) * 1e-3  # mT → T
    dsig = data[1].reshape(4, 120) * E2_OVER_H  # e²/h → S
    D = 4.5e5**2 / 2 * (1.5982 * 1.054571817e-34 * math.sqrt(math.pi * 0.69021e16) / (1.602176634e-19 * 4.5e5))
    assert D == pytest.approx(0.03485, rel=1e-3)  # SOURCE.md: D = v_F² τ/2 with the authors' τ
    parts = [models.get("graphene-soc-tau", prefix=f"c{i}_") for i in range(4)]
    params = lmfit.Parameters()
    params.add("tau_asy", value=1.0, min=0.0)
    params.add("tau_sym", value=1.0, min=0.0)
    for i, m in enumerate(parts):
        params.update(m.make_params(tau_phi=40.5 if i == 0 else 20.0, D=D))
        params[f"c{i}_tau_asy"].set(expr="tau_asy")
        params[f"c{i}_tau_sym"].set(expr="tau_sym")
    params["c0_tau_phi"].set(vary=False)
    params.add("tau_so", expr="1/(1/tau_asy + 1/tau_sym)")

    def residual(p):
        return np.concatenate([(m.eval(p, B=b) - y) / E2_OVER_H for m, b, y in zip(parts, B, dsig)])

    res = lmfit.minimize(residual, params)
    assert res.success and res.nvarys == 5 and res.ndata == 480
    p = res.params
    for k in ("tau_asy", "tau_sym"):  # the two rates trade off against each other on these data …
        assert p[k].stderr is not None and np.isfinite(p[k].stderr), k
    for k in ("tau_so", "c1_tau_phi", "c3_tau_phi"):  # … while their sum and the dephasing times are determined
        assert p[k].stderr is not None and 0 < p[k].stderr < 0.5 * p[k].value, k
    assert p["tau_so"].value <= min(p["tau_asy"].value, p["tau_sym"].value)
    assert p["c0_tau_so"].value == pytest.approx(p["tau_so"].value, rel=1e-12)  # each curve's derived τ_so
    taus = [p[f"c{i}_tau_phi"].value for i in range(4)]
    assert all(np.diff(taus) < 0), taus  # dephasing time falls from base to 700 mK


def test_graphene_soc_tau_total_time_error_is_propagated():
    """stderr(τ_so) from the fit equals J·C·Jᵀ with J = (τ_so²/τ_asy², τ_so²/τ_sym²) and C the fitted covariance."""
    m, B, y = _simulate("graphene-soc-tau", seed=4)
    r = m.fit(y, m.guess(y, x=B), B=B)
    i, j = r.var_names.index("tau_asy"), r.var_names.index("tau_sym")
    C = r.covar[np.ix_([i, j], [i, j])]
    ta, ts, tso = r.params["tau_asy"].value, r.params["tau_sym"].value, r.params["tau_so"].value
    assert tso == pytest.approx(1 / (1 / ta + 1 / ts), rel=1e-12) and tso < ta
    J = np.array([tso**2 / ta**2, tso**2 / ts**2])
    assert r.params["tau_so"].stderr == pytest.approx(math.sqrt(J @ C @ J), rel=1e-6)


def test_a_length_at_its_bound_or_huge_gives_a_derived_field_not_an_exception():
    """B_φ = ħ/(4e L_φ²): L_φ = 0 (the bound, where a hopeless fit can stop) is B_φ = ∞ and L_φ = 10²⁰⁰ nm is
    B_φ = 0 — numbers a row can carry, where Python floats raised ZeroDivisionError and OverflowError."""
    import warnings

    p = models.get("hln-dp").make_params()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p["L_phi"].set(value=0.0)
        assert math.isinf(p["B_phi"].value)
        p["L_phi"].set(value=1e200)
        assert p["B_phi"].value == 0.0
    p["L_phi"].set(value=120.0)  # and the ordinary value is unchanged: ħ/(4e L²) with L in m
    assert p["B_phi"].value == pytest.approx(HBAR_OVER_4E / (120e-9) ** 2, rel=1e-12)


def test_offset_score_test_is_the_exact_f_test_for_a_linear_model():
    """For a model linear in its parameters the score test of an added constant is the F test of refitting with it
    (RSS₀ − RSS₁)/(RSS₁/(n − k − 1)), and the parameters' move is the refit's — both by plain least squares here."""
    from sigmafit.models.localization_checks import offset_statistics

    rng = np.random.default_rng(11)
    n = 60
    x = np.linspace(0.01, 1.0, n)
    J = np.column_stack([x, x**2])
    curves = [J @ [1.0, -0.5] + 0.02 * rng.normal(size=n) + off for off in (0.0, 0.01, 0.05)]
    Js, rs, masks = [], [], []
    expected = []
    for y in curves:
        beta0 = np.linalg.lstsq(J, y, rcond=None)[0]
        rss0 = np.sum((y - J @ beta0) ** 2)
        J1 = np.column_stack([J, np.ones(n)])
        beta1 = np.linalg.lstsq(J1, y, rcond=None)[0]
        rss1 = np.sum((y - J1 @ beta1) ** 2)
        expected.append(((rss0 - rss1) / (rss1 / (n - 3)), beta1[2], beta1[:2] - beta0))
        Js.append(np.vstack([J, np.zeros((5, 2))]))  # padding rows, masked out
        rs.append(np.concatenate([y - J @ beta0, np.full(5, 7.0)]))
        masks.append(np.arange(n + 5) < n)
    c, F, shift = offset_statistics(np.array(Js), np.array(rs), np.array(masks))
    for a, (F_ref, c_ref, move) in enumerate(expected):
        assert F[a] == pytest.approx(F_ref, rel=1e-9)
        assert c[a] == pytest.approx(c_ref, rel=1e-9, abs=1e-12)
        np.testing.assert_allclose(shift[a], move, rtol=1e-8, atol=1e-12)
    assert F[0] < 9 < F[2]
