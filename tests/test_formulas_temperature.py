"""Temperature-law formulas against values computed another way (PHYSICS.md §4).

Bloch–Grüneisen references use scipy.integrate.quad on the eˣ/(eˣ−1)² form of the
integrand and the exponential series J_n(z) = Σ_k γ(n+1, kz)/kⁿ — neither is what the code
uses (Gauss–Jacobi plus an incomplete-gamma tail).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import constants, integrate, special

from sigmafit.constants import G_Q
from sigmafit.models.formulas import temperature as F

ZETA5 = 1.0369277551433699263  # ζ(5), tabulated value (Abramowitz & Stegun 23.3)


# --------------------------------------------------------------------------- ln T
def test_ln_t_values():
    assert G_Q == pytest.approx(1.23314709834e-5, rel=1e-10)  # PHYSICS.md header
    assert F.ln_t(1.0, 2e-3, 0.7) == pytest.approx(2e-3, abs=0)
    assert F.ln_t(math.e, 2e-3, 0.7) == pytest.approx(2e-3 + 0.7 * 1.23314709834e-5, rel=1e-12)
    T = np.array([[1.0, 2.0], [4.0, 8.0]])
    out = F.ln_t(T, 0.0, 1.0)
    assert out.shape == (2, 2)
    np.testing.assert_allclose(np.diff(out.ravel()), G_Q * math.log(2), rtol=1e-12)


def _numeric_jacobian(f, T, params, rel=1e-6):
    cols = []
    for i, v in enumerate(params):
        h = rel * max(abs(v), 1e-3)
        up, dn = list(params), list(params)
        up[i] += h
        dn[i] -= h
        cols.append((f(T, *up) - f(T, *dn)) / (2 * h))
    return np.stack(cols)


@pytest.mark.parametrize(
    ("f", "jac", "params"),
    [
        (F.ln_t, F.ln_t_jacobian, (1e-3, 0.8)),
        (F.vrh, F.vrh_jacobian, (50.0, 300.0, 0.5)),
        (F.vrh, F.vrh_jacobian, (2.0, 1e4, 0.25)),
        (F.vrh, F.vrh_jacobian, (50.0, 20.0, 0.5)),  # T0 inside the T range: T0/T < 1 above 20 K
        (F.arrhenius, F.arrhenius_jacobian, (3.0, 4.0)),
    ],
)
def test_jacobians_match_finite_differences(f, jac, params):
    T = np.geomspace(2.0, 200.0, 25)
    J = jac(T, *params)
    assert J.shape == (len(params), T.size)
    np.testing.assert_allclose(J, _numeric_jacobian(f, T, params), rtol=1e-6, atol=1e-12)


def test_vrh_jacobian_at_zero_T0_is_finite():
    J = F.vrh_jacobian(np.array([1.0, 10.0]), 5.0, 0.0, 0.5)
    assert np.all(np.isfinite(J))
    np.testing.assert_allclose(J[0], 1.0)
    # limits T0 → 0⁺ by hand for s = 2: ∂R/∂T0 = R·s·T0^(s−1)/T^s → 0 and ∂R/∂s = R·x·ln(T0/T) → 0
    np.testing.assert_array_equal(F.vrh_jacobian(np.array([1.0, 10.0]), 5.0, 0.0, 2.0), [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]])


def test_documented_defaults():
    T = np.geomspace(2.0, 60.0, 80)
    R = F.vrh(T, 50.0, 200.0, 0.5)
    np.testing.assert_array_equal(F.zabrodskii(T, R)[1], F.zabrodskii(T, R, window=0.3, min_points=5)[1])
    assert F.bg_integral(3.0) == F.bg_integral(3.0, 5)
    assert F.kondo(7.0, 40.0, 7.0) == F.kondo(7.0, 40.0, 7.0, 0.225)


def test_jacobians_are_zero_where_the_exponent_is_capped():
    # beyond EXP_MAX the functions are flat in T0/E_a (held at R0·e^EXP_MAX): central differences give 0 there
    T = np.array([1e-3, 1e-2, 50.0])  # the first two capped, the last not
    for f, jac, params in ((F.vrh, F.vrh_jacobian, (2.0, 1e4, 1.0)), (F.arrhenius, F.arrhenius_jacobian, (2.0, 100.0))):
        J, fd = jac(T, *params), _numeric_jacobian(f, T, params)
        np.testing.assert_array_equal(J[1:, :2], 0.0)
        np.testing.assert_allclose(J, fd, rtol=1e-6, atol=1e-12)


# --------------------------------------------------------------------------- dephasing
def test_dephasing_power_law_and_saturation():
    T = np.geomspace(0.01, 100.0, 50)
    np.testing.assert_allclose(F.dephasing(T, 300.0, 1.2), 300.0 * T**-0.6, rtol=1e-13)
    direct = (1.0 / 500.0**2 + T**2 / 300.0**2) ** -0.5
    np.testing.assert_allclose(F.dephasing(T, 300.0, 2.0, 500.0), direct, rtol=1e-13)
    assert F.dephasing(1e-9, 300.0, 2.0, 500.0) == pytest.approx(500.0, rel=1e-12)
    # no overflow for absurd inputs; L1 = 0 gives L = 0 without a warning
    assert np.isfinite(F.dephasing(1e300, 1.0, 3.0, 10.0))
    assert F.dephasing(2.0, 0.0, 1.0) == 0.0


# --------------------------------------------------------------------------- hopping
def test_vrh_and_arrhenius():
    T = np.geomspace(2.0, 300.0, 40)
    np.testing.assert_allclose(F.vrh(T, 7.0, 0.0, 0.5), 7.0)
    np.testing.assert_allclose(F.vrh(T, 7.0, 100.0, 0.25), 7.0 * np.exp((100.0 / T) ** 0.25), rtol=1e-14)
    # e/k_B = 11604.518 K/eV (CODATA 2018): 1 meV ↔ 11.604518 K
    assert 1.0 / F.MEV_PER_K == pytest.approx(11.604518, rel=1e-7)
    Ea = 5.0
    np.testing.assert_allclose(F.arrhenius(T, 2.0, Ea), F.vrh(T, 2.0, Ea / F.MEV_PER_K, 1.0), rtol=1e-13)
    np.testing.assert_allclose(
        F.arrhenius(T, 2.0, Ea), 2.0 * np.exp(Ea * 1e-3 * constants.e / (constants.k * T)), rtol=1e-13
    )


def test_exponent_cap_keeps_results_finite():
    assert np.isfinite(F.vrh(1e-3, 1.0, 1e9, 1.0))
    assert np.isfinite(F.arrhenius(1e-3, 1.0, 1e6))
    assert F.vrh(1e-3, 1.0, 1e9, 1.0) == pytest.approx(math.exp(F.EXP_MAX))


# --------------------------------------------------------------------------- Bloch–Grüneisen
def _quad_J(z, n):
    def f(x):
        return x**n * math.exp(-x) / (-math.expm1(-x)) ** 2

    pts = [p for p in (1.0, 5.0, 10.0, 20.0, 40.0) if p < z]
    return integrate.quad(f, 0.0, z, epsabs=0.0, epsrel=1e-13, limit=500, points=pts or None)[0]


def _series_J(z, n, kmax=200_000):
    k = np.arange(1, kmax + 1, dtype=float)
    return special.gamma(n + 1) * float(np.sum(special.gammainc(n + 1, k * z) / k**n))


@pytest.mark.parametrize("n", [2.0, 2.5, 3.0, 5.0, 7.0])
@pytest.mark.parametrize("z", [1e-6, 1e-3, 0.1, 1.0, 3.0, 10.0, 19.99, 20.01, 35.0, 80.0, 300.0])
def test_bg_integral_against_quad(n, z):
    assert float(F.bg_integral(z, n)) == pytest.approx(_quad_J(z, n), rel=1e-10)


@pytest.mark.parametrize("z", [2.0, 25.0, 100.0, 1e4])
def test_bg_integral_against_exponential_series(z):
    # the series is exact; its truncation error at kmax is < 1e-20 relative for n = 5 here
    assert float(F.bg_integral(z, 5)) == pytest.approx(_series_J(z, 5.0), rel=1e-11)


def test_bg_integral_limits_and_vectorization():
    assert float(F.bg_integral(np.inf, 5)) == pytest.approx(120 * ZETA5, rel=1e-14)
    assert float(F.bg_integral(1e-4, 5)) == pytest.approx(1e-16 / 4 * (1 - 1e-8 / 18), rel=1e-13)
    z = np.array([[0.0, 0.5], [25.0, np.inf]])
    out = F.bg_integral(z, 5)
    assert out.shape == (2, 2)
    assert out[0, 0] == 0.0
    with pytest.raises(ValueError, match="exponent n must be > 1"):
        F.bg_integral(1.0, 1.0)


def test_bloch_gruneisen_low_and_high_temperature_limits():
    rho0, A, th = 10.0, 300.0, 250.0
    # low T: rho − rho0 = A·Γ(6)ζ(5)·(T/Θ)^5 (tail e^(−100) negligible)
    T = th / 100.0
    assert F.bloch_gruneisen(T, rho0, A, th) - rho0 == pytest.approx(A * 120 * ZETA5 * (T / th) ** 5, rel=1e-12)
    # high T: rho − rho0 = A·T/(4Θ)·(1 − z²/18 + O(z⁴)), z = Θ/T
    T = 100.0 * th
    z = th / T
    assert F.bloch_gruneisen(T, rho0, A, th) - rho0 == pytest.approx(A * T / (4 * th) * (1 - z**2 / 18), rel=1e-9)
    # n = 3: high-T slope A/((n−1)Θ)
    assert F.bloch_gruneisen(1e6, 0.0, A, th, 3) == pytest.approx(A * 1e6 / (2 * th), rel=1e-6)
    # T → 0 gives rho0 exactly, without warnings
    assert F.bloch_gruneisen(0.0, rho0, A, th) == rho0
    np.testing.assert_allclose(
        F.bloch_gruneisen(np.array([50.0, 300.0]), rho0, A, th),
        [rho0 + A * (T_ / th) ** 5 * _quad_J(th / T_, 5) for T_ in (50.0, 300.0)],
        rtol=1e-11,
    )


def test_kondo_goldhaber_gordon_form():
    assert F.kondo(7.0, 40.0, 7.0) == pytest.approx(20.0, rel=1e-14)
    assert F.kondo(1e-6, 40.0, 7.0) == pytest.approx(40.0, rel=1e-12)
    T = np.geomspace(0.1, 300.0, 30)
    s = 0.225
    Tkp = 7.0 / math.sqrt(2 ** (1 / s) - 1)
    np.testing.assert_allclose(F.kondo(T, 40.0, 7.0), 40.0 * (Tkp**2 / (T**2 + Tkp**2)) ** s, rtol=1e-14)
    assert np.all(np.diff(F.kondo(T, 40.0, 7.0)) < 0)
    assert F.kondo(5.0, 40.0, 0.0) == 0.0


# --------------------------------------------------------------------------- Zabrodskii
def test_zabrodskii_exact_vrh():
    T = np.geomspace(2.0, 60.0, 300)
    R = F.vrh(T, 50.0, 200.0, 0.5)
    Tz, w = F.zabrodskii(T, R, window=0.3)
    np.testing.assert_allclose(w, 0.5 * (200.0 / Tz) ** 0.5, rtol=1e-3)
    h = F.hopping_exponent(Tz, w)
    assert h.s == pytest.approx(0.5, abs=1e-5)
    assert h.T0 == pytest.approx(200.0, rel=5e-3)


@pytest.mark.parametrize(("s", "T0"), [(0.5, 200.0), (0.25, 2e4)])
def test_zabrodskii_recovers_hopping_exponent_from_noisy_data(s, T0):
    """1 % multiplicative noise, 250 points over 2–60 K: s within 0.03 and within 3 stated errors."""
    rng = np.random.default_rng(11)
    T = np.geomspace(2.0, 60.0, 250)
    R = F.vrh(T, 50.0, T0, s) * (1 + 0.01 * rng.standard_normal(T.size))
    order = rng.permutation(T.size)  # unsorted input is fine
    window = 0.4
    Tz, w = F.zabrodskii(T[order], R[order], window=window)
    assert np.all(np.diff(Tz) >= 0)
    per_window = T.size * window / math.log(30.0)
    h = F.hopping_exponent(Tz, w, correlation_points=per_window)
    assert abs(h.s - s) < 0.03
    assert abs(h.s - s) < 3 * h.s_err
    assert 0 < h.s_err < 0.03


def test_hopping_exponent_errors_match_the_scatter():
    """s_err and T0_err against the spread of 400 noisy repetitions (the delta method, checked by Monte Carlo).

    ln w = ln s + s ln T0 − s ln T + ε with independent ε (σ = 0.02): the stated errors must equal the
    standard deviations of s and ln T0 over the repetitions.  With 400 draws a sample standard deviation is
    good to 1/√800 ≈ 3.5 %; the tolerance is 15 % (≈ 4 of those).
    """
    rng = np.random.default_rng(17)
    T = np.geomspace(2.0, 60.0, 40)
    s_true, T0_true = 0.5, 200.0
    w0 = s_true * (T0_true / T) ** s_true
    fits = [F.hopping_exponent(T, w0 * np.exp(0.02 * rng.standard_normal(T.size))) for _ in range(400)]
    s = np.array([h.s for h in fits])
    lnT0 = np.log([h.T0 for h in fits])
    s_err = np.mean([h.s_err for h in fits])
    lnT0_err = np.mean([h.T0_err / h.T0 for h in fits])
    assert np.std(s, ddof=1) == pytest.approx(s_err, rel=0.15)
    assert np.std(lnT0, ddof=1) == pytest.approx(lnT0_err, rel=0.15)
    assert abs(np.mean(s) - s_true) < 5 * s_err / math.sqrt(len(fits))
    # correlation_points inflates both errors by its square root
    h1, h4 = F.hopping_exponent(T, w0 * 1.01), F.hopping_exponent(T, w0 * 1.01, correlation_points=4.0)
    assert h4.s_err == pytest.approx(2 * h1.s_err, rel=1e-12) and h4.T0_err == pytest.approx(2 * h1.T0_err, rel=1e-12)


def test_zabrodskii_metal_and_errors():
    T = np.linspace(10.0, 300.0, 60)
    _, w = F.zabrodskii(T, 1.0 + 0.01 * T)  # metal: w < 0
    assert np.all(w[np.isfinite(w)] < 0)
    T0 = T.copy()
    T0.setflags(write=False)
    F.zabrodskii(T0, 1.0 + 0.01 * T0)  # read-only input is not modified
    with pytest.raises(ValueError, match="same length"):
        F.zabrodskii(T, T[:-1])
    with pytest.raises(ValueError, match="R > 0"):
        F.zabrodskii(T, -T)
    with pytest.raises(ValueError, match="window must be > 0"):
        F.zabrodskii(T, T, window=0)
    # too few points per window → NaN, not an error
    _, w = F.zabrodskii([1.0, 2.0, 4.0, 8.0], [4.0, 3.0, 2.0, 1.0], window=0.1)
    assert np.all(np.isnan(w))
    with pytest.raises(ValueError, match="at least 3 points"):
        F.hopping_exponent([1.0, 2.0], [1.0, 0.5])


def test_zabrodskii_window_is_full_width_in_ln_T():
    # points 0.16 apart in ln T: a window of full width 0.3 (±0.15) holds one point, so nothing is
    # estimated; full width 0.34 (±0.17) holds three, enough for the local quadratic with min_points = 3
    T = np.exp(np.arange(12) * 0.16)
    R = F.vrh(T, 1.0, 50.0, 0.5)
    assert np.all(np.isnan(F.zabrodskii(T, R, window=0.3, min_points=3)[1]))
    _, w = F.zabrodskii(T, R, window=0.34, min_points=3)
    assert np.all(np.isfinite(w[1:-1])) and np.isnan(w[0]) and np.isnan(w[-1])  # the ends have two points
    # three points on a parabola in ln T: the local quadratic is exact, w = −d ln R/d ln T = s(T0/T)^s
    np.testing.assert_allclose(w[1:-1], 0.5 * (50.0 / T[1:-1]) ** 0.5, rtol=0.02)


def test_minimum_sizes_are_accepted():
    # three points make a straight line (hopping_exponent), four a parabola (ln_t_curvature)
    h = F.hopping_exponent([1.0, 2.0, 4.0], [1.0, 0.5, 0.25])
    assert h.s == pytest.approx(1.0, rel=1e-12) and h.npoints == 3
    c = F.ln_t_curvature([1.0, 2.0, 4.0, 8.0], G_Q * np.array([0.0, 1.0, 4.0, 9.0]) * math.log(2) ** 2)
    assert c.c == pytest.approx(1.0, rel=1e-9)  # σ/G_Q = (ln T)², exactly
    with pytest.raises(ValueError, match="at least 4"):
        F.ln_t_curvature([1.0, 2.0, 4.0], [0.0, 1.0, 2.0])
    _, w = F.zabrodskii(np.geomspace(1, 2, 9), np.geomspace(4, 1, 9), window=1.0, min_points=3)
    assert np.all(np.isfinite(w))


def test_straight_line_errors_by_hand():
    """Slope errors of the ln T fits against the textbook formulas for a straight line y = a + b·u:
    err(b)² = σ²/Σ(u − ū)² with σ given, or with σ² = RSS/(N − 2) from the scatter; and numpy's
    quadratic polyfit (cov scaled by RSS/(N − 3)) for the curvature."""
    rng = np.random.default_rng(8)
    T = np.geomspace(0.5, 20.0, 25)
    u = np.log(T)
    Sxx = np.sum((u - u.mean()) ** 2)
    s0 = F.ln_t(T, 1e-3, 1.3) + 0.05 * G_Q * rng.standard_normal(T.size)
    sq = F.ln_t(T, 1e-3, 0.4) + 0.05 * G_Q * rng.standard_normal(T.size)
    given = F.interaction_separation(T, s0, sq, sigma_err=np.full(T.size, 0.05 * G_Q),
                                     sigma_Bq_err=np.full(T.size, 0.05 * G_Q))
    assert given.A_B0_err == pytest.approx(0.05 / math.sqrt(Sxx), rel=1e-10)
    scatter = F.interaction_separation(T, s0, sq)
    b, a = np.polyfit(u, s0 / G_Q, 1)
    rss = np.sum((s0 / G_Q - a - b * u) ** 2)
    assert scatter.A_B0 == pytest.approx(b, rel=1e-10)
    assert scatter.A_B0_err == pytest.approx(math.sqrt(rss / (T.size - 2) / Sxx), rel=1e-10)
    # curvature: numpy.polyfit(deg=2, cov=True) scales the covariance by RSS/(N − deg − 1)
    bent = s0 + 0.1 * G_Q * (u - u.mean()) ** 2
    coef, cov = np.polyfit(u - u.mean(), bent / G_Q, 2, cov=True)
    c = F.ln_t_curvature(T, bent)
    assert c.c == pytest.approx(coef[0], rel=1e-9)
    assert c.c_err == pytest.approx(math.sqrt(cov[0, 0]), rel=1e-9)
    assert c.slope == pytest.approx(coef[1], rel=1e-9)
    # hopping exponent: s = −slope of ln w against ln T, its error from the scatter as above
    lw = np.log(0.5 * (200.0 / T) ** 0.5) + 0.03 * rng.standard_normal(T.size)
    h = F.hopping_exponent(T, np.exp(lw))
    b, a = np.polyfit(u, lw, 1)
    rss = np.sum((lw - a - b * u) ** 2)
    assert h.s == pytest.approx(-b, rel=1e-10)
    assert h.s_err == pytest.approx(math.sqrt(rss / (T.size - 2) / Sxx), rel=1e-10)
    # T0 = exp(lnT0), lnT0 = (c0 − ln s)/s with s = −c1: delta method with a numerical gradient and
    # numpy's covariance of (c1, c0) (polyfit scales it by RSS/(N − 2) for a line)
    (c1, c0), cov = np.polyfit(u, lw, 1, cov=True)

    def ln_t0(c0_, c1_):
        return (c0_ - math.log(-c1_)) / -c1_

    d = 1e-6
    grad = np.array([(ln_t0(c0, c1 + d) - ln_t0(c0, c1 - d)) / (2 * d), (ln_t0(c0 + d, c1) - ln_t0(c0 - d, c1)) / (2 * d)])
    assert h.T0 == pytest.approx(math.exp(ln_t0(c0, c1)), rel=1e-9)
    assert h.T0_err / h.T0 == pytest.approx(math.sqrt(grad @ cov @ grad), rel=1e-6)


def test_zabrodskii_is_the_local_quadratic_it_describes():
    """Against a plain loop: at each T_i, numpy.polyfit of ln R on u = ln T − ln T_i (deg 2) over
    |u| ≤ window/2; w_i = −(linear coefficient).  Noisy, unevenly spaced data, so every point's
    window is lopsided and the intercept is not zero."""
    rng = np.random.default_rng(12)
    T = np.sort(rng.uniform(2.0, 40.0, 70))
    R = F.vrh(T, 30.0, 300.0, 0.5) * np.exp(0.01 * rng.standard_normal(T.size))
    window = 0.35
    Tz, w = F.zabrodskii(T, R, window=window, min_points=5)
    np.testing.assert_array_equal(Tz, T)
    u, y = np.log(T), np.log(R)
    expected = np.full(T.size, np.nan)
    for i in range(T.size):
        sel = np.abs(u - u[i]) <= window / 2
        if sel.sum() >= 5:
            expected[i] = -np.polyfit(u[sel] - u[i], y[sel], 2)[1]
    np.testing.assert_array_equal(np.isnan(w), np.isnan(expected))
    np.testing.assert_allclose(w, expected, rtol=1e-8, atol=1e-12)


# --------------------------------------------------------------------------- separation, curvature
def test_interaction_separation_exact_and_noisy():
    T = np.geomspace(0.3, 20.0, 40)
    alpha_p, inter = 1.0, 0.6  # WL with p = 1, F̃σ = 0.533
    s0 = F.ln_t(T, 5e-4, alpha_p + inter)
    sq = F.ln_t(T, 4.9e-4, inter)
    r = F.interaction_separation(T, s0, sq)
    assert r.alpha_p == pytest.approx(alpha_p, abs=1e-9)
    assert r.interaction == pytest.approx(inter, abs=1e-9)
    assert r.F_sigma == pytest.approx(4 / 3 * (1 - inter), abs=1e-9)

    rng = np.random.default_rng(3)
    noise = 0.02 * G_Q
    res = [
        F.interaction_separation(
            T,
            s0 + noise * rng.standard_normal(T.size),
            sq + noise * rng.standard_normal(T.size),
            sigma_err=np.full(T.size, noise),
            sigma_Bq_err=np.full(T.size, noise),
        )
        for _ in range(200)
    ]
    ap = np.array([x.alpha_p for x in res])
    err = res[0].alpha_p_err
    assert err == pytest.approx(math.hypot(res[0].A_B0_err, res[0].A_Bq_err))
    # F̃σ = (4/3)(1 − A(B_q)), so its error is (4/3)·err(A(B_q)); the interaction coefficient is A(B_q) itself
    assert res[0].F_sigma_err == pytest.approx(4 / 3 * res[0].A_Bq_err, rel=1e-12)
    assert (res[0].interaction, res[0].interaction_err) == (res[0].A_Bq, res[0].A_Bq_err)
    # stated error matches the scatter of 200 repetitions (±15 %) and the mean is unbiased
    assert np.std(ap) == pytest.approx(err, rel=0.15)
    assert abs(np.mean(ap) - alpha_p) < 4 * err / math.sqrt(len(res))


def test_interaction_separation_other_temperatures_and_shapes():
    T0, Tq = np.geomspace(1, 10, 10), np.geomspace(2, 20, 7)
    r = F.interaction_separation(T0, F.ln_t(T0, 0, 1.5), F.ln_t(Tq, 0, 0.5), T_Bq=Tq)
    assert r.alpha_p == pytest.approx(1.0, abs=1e-9)
    with pytest.raises(ValueError, match="must match"):
        F.interaction_separation(T0, np.ones(3), np.ones(10))


def test_ln_t_curvature():
    T = np.geomspace(0.5, 30.0, 60)
    rng = np.random.default_rng(5)
    straight = F.ln_t(T, 1e-3, 1.0) + 0.01 * G_Q * rng.standard_normal(T.size)
    assert F.ln_t_curvature(T, straight).significance < 4
    u = np.log(T) - np.log(T).mean()
    bent = straight + 0.2 * G_Q * u**2
    c = F.ln_t_curvature(T, bent)
    assert c.c == pytest.approx(0.2, abs=5 * c.c_err)
    assert c.significance > 50
    assert c.slope == pytest.approx(1.0, abs=0.05)
