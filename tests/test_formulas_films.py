"""Film and slab formulas against hand calculations, energy conservation, limits and phase averaging."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import constants as sc

from sigmafit.models.formulas import films as FF
from sigmafit.models.formulas import optics as F


def test_z0_is_the_impedance_of_free_space():
    assert FF.Z0_OHM == pytest.approx(sc.physical_constants["characteristic impedance of vacuum"][0], rel=1e-9)


def test_interface_amplitudes():
    r, t = FF.interface(1.0, 1.5)
    assert (r, t) == (pytest.approx(-0.2), pytest.approx(0.8))
    assert t == pytest.approx(1 + r)  # E continuous across the interface
    # power: R + T = 1 for lossless media (T = Re(Nb)/Re(Na)|t|²)
    assert abs(r) ** 2 + 1.5 * abs(t) ** 2 == pytest.approx(1.0)


def test_lossless_film_conserves_energy():
    nu = np.linspace(100, 5000, 50)
    T, R = FF.film_on_substrate(nu, 2.4, 800.0, 1.5)  # semi-infinite substrate: T is the power into it
    np.testing.assert_allclose(T + R, 1.0, rtol=1e-12)
    T, R = FF.film_on_substrate(nu, 2.4, 800.0, 1.5, 2.0)  # with the back face: incoherent sum
    np.testing.assert_allclose(T + R, 1.0, rtol=1e-12)


def test_quarter_wave_antireflection_coating():
    """n_f = √n_s and n_f·d = λ/4 cancel the reflection exactly (Born & Wolf §1.6)."""
    ns, nu0 = 2.25, 2000.0
    nf = math.sqrt(ns)
    d_nm = 1e7 / (4 * nu0 * nf)
    T, R = FF.film_on_substrate(np.array([nu0]), nf, d_nm, ns)
    assert R[0] == pytest.approx(0.0, abs=1e-15)
    assert T[0] == pytest.approx(1.0, rel=1e-12)


def test_vanishing_film_is_the_bare_substrate():
    nu = np.geomspace(10, 1e4, 20)
    Ns = 3.42 + 0.01j
    for D in (None, 0.5):
        np.testing.assert_allclose(FF.film_on_substrate(nu, 5 + 20j, 0.0, Ns, D), FF.bare_substrate(nu, Ns, D), rtol=1e-12)


def test_incoherent_slab_by_hand():
    """n = 1.5 slab: T = (1 − R)/(1 + R) = 2n/(n² + 1); with absorption T = (1 − R)²A/(1 − R²A²)."""
    nu = np.array([1000.0])
    T, R = FF.bare_substrate(nu, 1.5, 1.0)
    assert T[0] == pytest.approx(12.0 / 13.0, rel=1e-12)
    assert R[0] == pytest.approx(1 - 12.0 / 13.0, rel=1e-12)
    n, k, D_mm = 1.5, 1e-5, 1.0
    A = math.exp(-4 * math.pi * k * 1000.0 * D_mm * 0.1)
    Ri = ((n - 1) ** 2 + k**2) / ((n + 1) ** 2 + k**2)
    T, _ = FF.bare_substrate(nu, n + 1j * k, D_mm)
    assert T[0] == pytest.approx((1 - Ri) ** 2 * A / (1 - Ri**2 * A**2), rel=1e-6)


def test_incoherent_sum_is_the_phase_average_of_the_coherent_one():
    """A thick slab averaged over a wavelength of optical path: the Airy sum becomes the intensity sum."""
    nu, N = 3000.0, 1.8 + 0.002j
    d0 = 1e5  # nm (0.1 mm)
    half_wave = 1e7 / (2 * nu * N.real)
    ds = d0 + np.linspace(-half_wave / 2, half_wave / 2, 4001)[:-1]  # one fringe period (2δ advances by 2π), centred
    T_coh = np.mean([np.abs(FF.layer(np.array([nu]), N, d, 1.0, 1.0)[1][0]) ** 2 for d in ds])
    T_inc, _ = FF.film_on_substrate(np.array([nu]), N, d0, 1.0, coherent=False)
    assert T_inc[0] == pytest.approx(T_coh, rel=1e-4)


def test_thin_film_limit_is_tinkham():
    """A metal film much thinner than the skin depth: the transfer matrix gives the Tinkham ratio."""
    nu = np.linspace(5, 100, 20)  # THz range
    eps = F.drude_lorentz_eps(nu, 1.0, [(3e4, 200.0)])
    Ns = 3.42
    d = 2.0  # nm; |N|·2πνd ≈ 0.003
    T_tm, _ = FF.film_on_substrate(nu, F.nk_from_eps(eps), d, Ns)
    ratio = T_tm / FF.bare_substrate(nu, Ns)[0]
    np.testing.assert_allclose(FF.thin_film_transmission(nu, eps, d, Ns), ratio, rtol=2e-3)
    R_tm = FF.film_on_substrate(nu, F.nk_from_eps(eps), d, Ns)[1]
    np.testing.assert_allclose(FF.thin_film_reflectance(nu, eps, d, Ns), R_tm, rtol=2e-3)


def test_tinkham_by_hand():
    """σ real with Z0σ_□ = 4 on n_s = 3: T/T_s = (4/8)² and R = (1 − 3 − 4)²/8²."""
    nu = np.array([10.0])
    d_nm = 10.0
    sigma = 4.0 / (FF.Z0_OHM * d_nm * 1e-7)  # S/cm
    eps = F.sigma_to_eps(nu, np.array([sigma + 0j]), 1.0)
    assert FF.thin_film_transmission(nu, eps, d_nm, 3.0)[0] == pytest.approx(0.25, rel=1e-12)
    assert FF.thin_film_reflectance(nu, eps, d_nm, 3.0)[0] == pytest.approx(36.0 / 64.0, rel=1e-12)
