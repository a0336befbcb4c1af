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
    "graphene-soc": dict(L_phi=400.0, L_asy=150.0, L_so=60.0),
    "graphene-soc-tau": dict(tau_phi=20.0, tau_asy=10.0, tau_so=0.5),
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
    mt = models.get("graphene-soc-tau")
    D, taus = 0.02, (10.0, 2.0, 0.5)
    fields = [HBAR_OVER_4E / (D * t * 1e-12) for t in taus]
    np.testing.assert_allclose(mt.eval(B=B, tau_phi=10.0, tau_asy=2.0, tau_so=0.5, D=D), F.graphene_soc(B, *fields), rtol=1e-14)


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
    p = g.make_params(L_phi=400.0, L_asy=50.0, L_so=150.0)  # B_so < B_asy
    assert any("unphysical" in s for s in g.diagnose(p, x))


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
    y = m.eval(B=B, tau_phi=20.0, tau_asy=10.0, tau_so=0.5, D=0.05)
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
        for k in ("L_phi", "L_asy", "L_so"):
            assert 1.0 < r.params[k].value < 1e5
        r2 = 1 - r.chisqr / np.sum((y - y.mean()) ** 2)
        assert r2 > 0.4  # 700 mK is noisy (r² ≈ 0.5); base T ≈ 0.8
        assert r.params["L_phi"].stderr is not None and r.params["L_phi"].stderr < 0.2 * r.params["L_phi"].value
        lphi.append(r.params["L_phi"].value)
    assert lphi[0] > lphi[-1]  # dephasing length shrinks from base temperature to 700 mK
    assert max(lphi) > 300.0 and G_Q > 0
