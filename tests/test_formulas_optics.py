"""Optics formulas against PHYSICS.md §5, independent forms, limits and quadrature."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import constants as sc
from scipy.integrate import quad

from sigmafit.constants import CM1_PER_EV, SUM_RULE, TAU_FS_CM, Z_OPT
from sigmafit.io.units import parse_unit, to_cm1
from sigmafit.models.formulas import optics as F

NU = np.geomspace(1.0, 1e5, 301)


# --- PHYSICS.md §5 numbers ----------------------------------------------------------------


def test_physics_md_constants():
    assert Z_OPT == pytest.approx(59.9585, rel=2e-6)
    assert SUM_RULE == pytest.approx(38.1708, rel=2e-6)
    assert TAU_FS_CM == pytest.approx(5308.84, rel=2e-6)
    assert CM1_PER_EV == pytest.approx(8065.544, rel=1e-7)
    assert to_cm1(1.0, parse_unit("THz")) == pytest.approx(33.35641, rel=1e-6)
    # the often quoted 120/π is 0.07 % high
    assert 120 / math.pi / SUM_RULE - 1 == pytest.approx(7e-4, abs=1e-4)
    # E[eV] = 1.23984198/λ[µm];  ν = 1e4/λ
    assert to_cm1(1.0, parse_unit("um")) / CM1_PER_EV == pytest.approx(1.23984198, rel=1e-8)


def test_physics_md_drude_example():
    wp, gamma = 1e4, 100.0
    sigma0 = F.drude_sigma(0.0, wp, gamma)
    assert sigma0.real == pytest.approx(16678.2, abs=0.05)
    assert sigma0.imag == 0.0
    assert TAU_FS_CM / gamma == pytest.approx(53.09, abs=0.005)


def test_drude_sigma_matches_sigma0_form():
    wp, gamma = 2.3e4, 340.0
    s0 = wp**2 / (Z_OPT * gamma)
    s = F.drude_sigma(NU, wp, gamma)
    np.testing.assert_allclose(s, s0 / (1 - 1j * NU / gamma), rtol=1e-13)
    np.testing.assert_allclose(s.real, s0 / (1 + NU**2 / gamma**2), rtol=1e-13)
    # e^{-iωt}: σ2 > 0 for a Drude metal (inductive response)
    assert np.all(s.imag > 0)


def test_lorentz_sigma1_textbook_form_and_drude_limit():
    wp, nu0, gamma = 3e3, 800.0, 60.0
    s1 = wp**2 / Z_OPT * gamma * NU**2 / ((nu0**2 - NU**2) ** 2 + gamma**2 * NU**2)
    np.testing.assert_allclose(F.lorentz_sigma(NU, wp, nu0, gamma).real, s1, rtol=1e-12)
    nu = np.r_[0.0, NU]
    np.testing.assert_allclose(F.lorentz_sigma(nu, wp, 0.0, gamma), F.drude_sigma(nu, wp, gamma), rtol=1e-13)
    assert F.lorentz_sigma(0.0, wp, nu0, gamma) == 0  # an insulator has no dc conductivity


def test_eps_and_sigma_are_one_description():
    drude, lor = [(1.2e4, 150.0)], [(5e3, 2e3, 300.0), (8e3, 2e4, 4e3)]
    eps = F.drude_lorentz_eps(NU, 3.5, drude, lor)
    sig = F.drude_lorentz_sigma(NU, drude, lor)
    np.testing.assert_allclose(F.sigma_to_eps(NU, sig, 3.5), eps, rtol=1e-12)
    np.testing.assert_allclose(F.eps_to_sigma(NU, eps, 3.5), sig, rtol=1e-10, atol=1e-9 * np.abs(sig).max())
    # σ1 = ν ε2 / Z
    np.testing.assert_allclose(sig.real, NU * eps.imag / Z_OPT, rtol=1e-12)
    # PHYSICS.md form of ε, term by term
    manual = 3.5 - 1.2e4**2 / (NU**2 + 1j * 150 * NU)
    for wp, nu0, g in lor:
        manual = manual + wp**2 / (nu0**2 - NU**2 - 1j * g * NU)
    np.testing.assert_allclose(eps, manual, rtol=1e-12)


def test_drude_smith_limits():
    wp, gamma = 1e4, 200.0
    np.testing.assert_allclose(F.drude_smith_sigma(NU, wp, gamma, 0.0), F.drude_sigma(NU, wp, gamma), rtol=1e-13)
    s0 = wp**2 / (Z_OPT * gamma)
    for c in (-1.0, -0.6, -0.2):
        assert F.drude_smith_sigma(0.0, wp, gamma, c).real == pytest.approx(s0 * (1 + c), rel=1e-12, abs=1e-9)
    # c = −1: σ1 is suppressed at ν = 0 and peaks at finite frequency (ν = γ√(1/ … ) > 0)
    s1 = F.drude_smith_sigma(NU, wp, gamma, -1.0).real
    assert 0 < np.argmax(s1) < NU.size - 1


def test_nk_and_reflectance():
    # metal with ε = −4 exactly: N = 2i whatever the sign of zero
    for eps in (-4 + 0j, complex(-4.0, -0.0)):
        assert F.nk_from_eps(eps) == pytest.approx(2j)
    n, k = 2.5, 0.7
    assert F.nk_from_eps(F.eps_from_nk(n, k)) == pytest.approx(n + 1j * k)
    assert F.reflectance(1.0 + 0j) == 0.0
    assert F.reflectance(2.25 + 0j) == pytest.approx(((1.5 - 1) / (1.5 + 1)) ** 2)
    assert F.reflectance(-1e8 + 0j) == pytest.approx(1.0, abs=1e-3)  # perfect metal
    # R = ((n−1)² + k²)/((n+1)² + k²)
    assert F.reflectance(F.eps_from_nk(n, k)) == pytest.approx(((n - 1) ** 2 + k**2) / ((n + 1) ** 2 + k**2))


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e6, 1e6), st.floats(0, 1e6))
def test_nk_principal_branch_passive(e1, e2):
    N = F.nk_from_eps(complex(e1, e2))
    assert N.real >= 0 and N.imag >= 0
    assert 0.0 <= F.reflectance(complex(e1, e2)) <= 1.0 + 1e-12


# --- passivity and plasma edge --------------------------------------------------------------

freq = st.floats(1e-3, 1e6)
rate = st.floats(1e-6, 1e6)


@settings(max_examples=200, deadline=None)
@given(wp=st.floats(0, 1e6), nu0=st.floats(0, 1e6), gamma=rate, c=st.floats(-1, 0), eps_inf=st.floats(0, 100))
def test_passivity_in_bounds(wp, nu0, gamma, c, eps_inf):
    nu = np.geomspace(1e-3, 1e7, 200)
    for s in (F.drude_sigma(nu, wp, gamma), F.lorentz_sigma(nu, wp, nu0, gamma), F.drude_smith_sigma(nu, wp, gamma, c)):
        assert np.all(np.isfinite(s))
        assert np.all(s.real >= 0)
        assert np.all(F.sigma_to_eps(nu, s, eps_inf).imag >= 0)
    assert np.all(F.lorentz_eps(nu, wp, nu0, gamma).imag >= 0)
    assert np.all(F.drude_eps(nu, wp, gamma).imag >= 0)


@pytest.mark.parametrize("eps_inf", [1.0, 4.0, 9.5])
def test_drude_metal_negative_eps1_below_screened_plasma_frequency(eps_inf):
    wp, gamma = 7e4, 300.0
    nu_star = math.sqrt(wp**2 / eps_inf - gamma**2)  # ε1(ν*) = 0 exactly
    eps = F.drude_lorentz_eps(NU, eps_inf, [(wp, gamma)])
    assert np.all(eps.real[NU < 0.999 * nu_star] < 0)
    assert np.all(eps.real[NU > 1.001 * nu_star] > 0)
    assert F.drude_lorentz_eps(nu_star, eps_inf, [(wp, gamma)]).real == pytest.approx(0.0, abs=1e-9)
    # the reflectance edge sits there: R close to 1 below, low just above
    R = F.reflectance(eps)
    assert R[NU < 0.3 * nu_star].min() > 0.95
    assert R[NU > 1.2 * nu_star][0] < 0.2


# --- spectral weight and sum rules ---------------------------------------------------------


def test_spectral_weight_trapezoid():
    nu = np.array([10.0, 30.0, 20.0, 50.0])  # unsorted on purpose
    s1 = 2.0 * nu + 1.0  # linear: trapezoid is exact
    exact = lambda a, b: (b**2 - a**2) + (b - a)  # noqa: E731
    np.testing.assert_allclose(F.spectral_weight(nu, s1), [exact(10, x) for x in (10, 20, 30, 50)])
    np.testing.assert_allclose(F.spectral_weight(nu, s1, [10.0, 25.0, 50.0]), [0.0, exact(10, 25), exact(10, 50)])
    assert nu.tolist() == [10.0, 30.0, 20.0, 50.0]  # input untouched
    with pytest.raises(ValueError, match="cutoffs must lie within"):
        F.spectral_weight(nu, s1, [60.0])


def test_effective_wp_and_n_eff():
    wp, gamma = 1e4, 100.0
    assert F.effective_wp(F.drude_spectral_weight(np.inf, wp, gamma)) == pytest.approx(wp, rel=1e-12)
    # n from ω_p in SI, independently: n = ε0 m ω²/e² with ω = 2πc·(100 ν)
    omega = 2 * math.pi * sc.c * 100 * wp
    n_si = sc.epsilon_0 * sc.m_e * omega**2 / sc.e**2 * 1e-6
    assert F.n_eff(wp) == pytest.approx(n_si, rel=1e-12)
    assert F.n_eff(wp, m_eff=2.0) == pytest.approx(2 * n_si, rel=1e-12)
    assert F.n_eff(wp, cell_volume_A3=50.0) == pytest.approx(n_si * 50e-24, rel=1e-12)
    # gold: one free electron per atom, n = 5.90e22 cm⁻³ ↔ ħω_p ≈ 9.0 eV
    assert math.sqrt(5.90e22 / F.N_EFF_PER_WP2) / CM1_PER_EV == pytest.approx(9.02, abs=0.02)


def _quad_sigma1(f, cutoff, points=()):
    pts = sorted(p for p in points if 0 < p < cutoff)
    edges = [0.0, *pts, cutoff]
    return sum(quad(f, a, b, limit=400, epsabs=0, epsrel=1e-11)[0] for a, b in zip(edges[:-1], edges[1:]))


@pytest.mark.parametrize(
    ("wp", "nu0", "gamma"),
    [(1e4, 0.0, 100.0), (5e3, 1e3, 50.0), (5e3, 1e3, 2e3), (5e3, 1e3, 2000.0001), (5e3, 1e3, 1999.9), (3e3, 10.0, 5e3), (2e4, 3e4, 1e4)],
)
@pytest.mark.parametrize("cutoff", [300.0, 1e3, 1.1e3, 5e4])
def test_lorentz_spectral_weight_closed_form_vs_quadrature(wp, nu0, gamma, cutoff):
    closed = F.lorentz_spectral_weight(cutoff, wp, nu0, gamma)
    numeric = _quad_sigma1(lambda v: F.lorentz_sigma(v, wp, nu0, gamma).real, cutoff, [nu0])
    assert closed == pytest.approx(numeric, rel=1e-6, abs=1e-9 * wp**2 / Z_OPT)


def test_drude_closed_forms():
    wp, gamma = 1e4, 100.0
    s0 = wp**2 / (Z_OPT * gamma)
    assert F.drude_spectral_weight(250.0, wp, gamma) == pytest.approx(s0 * gamma * math.atan(2.5), rel=1e-14)
    for c in (0.0, -0.4, -1.0):
        for cut in (50.0, 400.0):
            numeric = _quad_sigma1(lambda v: F.drude_smith_sigma(v, wp, gamma, c).real, cut)
            assert F.drude_smith_spectral_weight(cut, wp, gamma, c) == pytest.approx(numeric, rel=1e-9)
        # full weight of Drude–Smith does not depend on c
        assert SUM_RULE * F.drude_smith_spectral_weight(np.inf, wp, gamma, c) == pytest.approx(wp**2, rel=1e-12)


def test_model_sum_rule_full_range():
    drude, lor, smith = [(1.1e4, 120.0)], [(4e3, 900.0, 80.0), (9e3, 1.5e4, 3e3)], [(2e3, 500.0, -0.7)]
    total = sum(t[0] ** 2 for t in drude + lor + smith)
    W = F.model_spectral_weight(np.inf, drude_terms=drude, lorentz_terms=lor, smith_terms=smith)
    assert SUM_RULE * W == pytest.approx(total, rel=1e-12)
    # numerical quadrature of σ1 to ν = 1e8 cm⁻¹ (the missing tail is ~2γ/(πΛ) ≈ 2e-5)
    def s1(v):
        s = F.drude_lorentz_sigma(v, drude, lor) + F.drude_smith_sigma(v, *smith[0])
        return s.real

    numeric = _quad_sigma1(s1, 1e8, [120.0, 500.0, 900.0, 1.5e4, 1e5, 1e6, 1e7])
    assert SUM_RULE * numeric == pytest.approx(total, rel=1e-4)
    # array cut-offs, monotone, approaching the full weight
    cuts = np.array([1e2, 1e3, 1e4, 1e6])
    w = F.model_spectral_weight(cuts, drude_terms=drude, lorentz_terms=lor, smith_terms=smith)
    assert np.all(np.diff(w) > 0) and w[-1] < W
