"""Weak-localization formulas against PHYSICS.md † values (40-digit mpmath), limits and asymptotics.

Every term of every formula is pinned by a value computed outside the code: the PHYSICS.md tables
(Y, hln-so with and without magnetic scattering, hln-dp, graphene, f₃), or a hand calculation written
out in the test from those tables.  The Jacobians are checked against central differences of the
formulas, so a coefficient changed in a formula and its Jacobian together is still caught by the values.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import digamma

from sigmafit.constants import G_Q, HBAR_OVER_4E
from sigmafit.models.formulas import localization as F

# PHYSICS.md §1 † table: x, Y(x)
Y_TABLE = [
    (0.01, 2.6901826618245157),
    (0.1, 0.76196587910085527),
    (1.0, 0.036489973978576521),
    (10.0, 4.1594130364069125e-4),
    (100.0, 4.1665937538438327e-6),
    (1e6, 4.1666666666659375e-14),
    (1e12, 4.1666666666666667e-26),
]

# PHYSICS.md §2 † table: B, B_phi, B_so, B_e, Δσ/G_Q
HLN_SO_TABLE = [
    (0.01, 0.01, 0.1, 1.0, -0.0179444704445297),
    (0.1, 0.01, 0.1, 1.0, -0.353032565047120),
    (0.5, 0.01, 0.1, 1.0, -0.650259413094482),
    (0.1, 0.01, 0.0, 1.0, +0.761549937797215),
    (0.1, 0.01, 100.0, 1.0, -0.380982945245116),
]
HLN_DP_TABLE = [
    (0.01, 0.01, 0.1, -0.0178539078573264),
    (0.1, 0.01, 0.1, -0.345690612559227),
    (0.1, 0.01, 0.0, +0.761965879100855),
]
# PHYSICS.md §3 † table: δ, f3(δ)
# (corrected table: Hurwitz-zeta closed form at 80 digits)
F3_TABLE = [
    (0.0, 0.60489864342163037),
    (0.1, 0.19094553156511189),
    (1.0, 0.019112205794725419),
    (10.0, 6.5809023949153232e-4),
    (100.0, 2.0833105478209583e-5),
]
# PHYSICS.md §2, "more independent values" (mpmath, 40 digits): B, B_phi, B_i, B_star, Δσ/G_Q
GRAPHENE_TABLE = [
    (0.01, 0.001, 0.05, 0.5, 0.761530672819776),
    (0.1, 0.001, 0.05, 0.5, 2.651606928503),
    (1.0, 0.001, 0.05, 0.5, 3.99411130719527),
    (0.1, 0.01, 0.01, 0.01, 0.0450731662414627),
]
# same table, hln-so with magnetic scattering: B, B_phi, B_so, B_e, B_s, Δσ/G_Q
HLN_SO_MAGNETIC_TABLE = [
    (0.1, 0.01, 0.1, 1.0, 0.005, -0.167947919308129),
    (0.5, 0.01, 0.1, 1.0, 0.02, -0.0503964708058248),
    (0.1, 0.002, 0.0, 1e9, 0.01, +1.10875292605296),
]
# Y(x) at the table's x, for hand calculations below
Y_OF = dict(Y_TABLE)

B_GRID = np.array([-0.3, -0.05, -1e-3, -1e-6, 0.0, 1e-6, 1e-3, 0.05, 0.3])


@pytest.mark.parametrize(("x", "expected"), Y_TABLE)
def test_Y_table(x, expected):
    assert F.Y(x) == pytest.approx(expected, rel=1e-13)


def test_Y_vectorized_table_and_special_values():
    xs, ys = np.array(Y_TABLE).T
    np.testing.assert_allclose(F.Y(xs), ys, rtol=1e-13)
    out = F.Y(np.array([0.0, np.inf, -1.0, np.nan]))
    assert out[0] == np.inf and out[1] == 0.0 and np.isnan(out[2]) and np.isnan(out[3])
    assert F.Y(1e300) == 0.0  # underflows quietly, no warning


def test_Y_series_coefficients():
    # exact (1 − 2^(1−2k)) B_2k/(2k): 1/24, −7/960, 31/8064, −127/30720
    assert F._Y_SERIES[:4] == pytest.approx([1 / 24, -7 / 960, 31 / 8064, -127 / 30720], rel=1e-15)


def test_Y_and_dY_continuous_at_the_switch():
    # direct difference below x = 7, series above: both sides carry ≲ 6e-13 relative error there
    # (a deliberate trade for speed: one digamma or one short polynomial per point)
    switch = F._X_SERIES
    below, above = np.nextafter(switch, 0.0), switch
    assert F.Y(below) == pytest.approx(F.Y(above), rel=1e-12)
    assert F.dY(below) == pytest.approx(F.dY(above), rel=1e-12)


def test_trigamma_against_scipy():
    from scipy.special import polygamma

    z = np.geomspace(0.5, 1e6, 2001)
    np.testing.assert_allclose(F.trigamma(z), polygamma(1, z), rtol=5e-15)


def test_Y_agrees_with_direct_difference_where_that_is_exact():
    # below x ≈ 1 the direct difference has no cancellation: any method must agree with it
    x = np.linspace(1.0, 3.0, 41)
    direct = digamma(0.5 + x) - np.log(x)
    np.testing.assert_allclose(F.Y(x), direct, rtol=5e-14)


def test_Y_asymptotics_up_to_1e12():
    x = np.logspace(2, 12, 41)
    series = 1 / (24 * x**2) - 7 / (960 * x**4) + 31 / (8064 * x**6) - 127 / (30720 * x**8)
    np.testing.assert_allclose(F.Y(x), series, rtol=1e-14)
    # the naive difference is already wrong at 1e6 (why the series exists)
    assert abs((digamma(0.5 + 1e6) - math.log(1e6)) / F.Y(1e6) - 1) > 1e-3


def test_Y_positive_and_decreasing():
    x = np.logspace(-6, 12, 2000)
    y = F.Y(x)
    assert np.all(y > 0) and np.all(np.diff(y) < 0)


def test_dY_matches_finite_differences_and_asymptotics():
    x = np.logspace(-2, 6, 60)
    h = 1e-5 * x
    fd = (F.Y(x + h) - F.Y(x - h)) / (2 * h)
    np.testing.assert_allclose(F.dY(x), fd, rtol=1e-6)
    big = np.logspace(3, 12, 10)
    np.testing.assert_allclose(F.dY(big), -1 / (12 * big**3) + 7 / (240 * big**5), rtol=1e-12)
    assert F.dY(0.0) == -np.inf and F.dY(np.inf) == 0.0


def test_char_field_and_length():
    assert F.char_field(100e-9) == pytest.approx(16.455e-3, rel=1e-4)  # PHYSICS.md §1
    assert F.char_field(1.0) == pytest.approx(1.64552989238e-16, rel=1e-10)
    assert F.char_field(0.0) == np.inf and F.char_field(np.inf) == 0.0
    L = np.array([1e-9, 3e-7, 2e-5])
    np.testing.assert_allclose(F.char_length(F.char_field(L)), L, rtol=1e-15)


@pytest.mark.parametrize(("B", "B_phi", "B_so", "B_e", "expected"), HLN_SO_TABLE)
def test_hln_so_table(B, B_phi, B_so, B_e, expected):
    assert F.hln_so(B, B_phi, B_so, B_e) / G_Q == pytest.approx(expected, rel=1e-10)
    assert F.hln_so(-B, B_phi, B_so, B_e) / G_Q == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize(("B", "B_phi", "B_so", "expected"), HLN_DP_TABLE)
def test_hln_dp_table(B, B_phi, B_so, expected):
    assert F.hln_dp(B, B_phi, B_so) / G_Q == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize(("B", "B_phi", "B_so", "B_e", "B_s", "expected"), HLN_SO_MAGNETIC_TABLE)
def test_hln_so_magnetic_table(B, B_phi, B_so, B_e, B_s, expected):
    # pins H1 = B_e + B_so + B_s, H2 = B_phi + (4/3)B_so + (2/3)B_s and H3 = B_phi + 2B_s
    assert F.hln_so(B, B_phi, B_so, B_e, B_s) / G_Q == pytest.approx(expected, rel=1e-11)
    assert F.hln_so(-B, B_phi, B_so, B_e, B_s) / G_Q == pytest.approx(expected, rel=1e-11)


@pytest.mark.parametrize(("B", "B_phi", "B_i", "B_star", "expected"), GRAPHENE_TABLE)
def test_graphene_table(B, B_phi, B_i, B_star, expected):
    # PHYSICS.md quotes 2.651606928503 to 13 digits: rel 1e-11 is within every row's precision
    assert F.graphene(B, B_phi, B_i, B_star) / G_Q == pytest.approx(expected, rel=1e-11)


def test_hln_by_hand_from_the_Y_table():
    # Δσ = α·G_Q·Y(B_phi/B): B = 0.1 T, B_phi = 0.01 T → x = 0.1
    assert F.hln(0.1, -0.5, 0.01) == pytest.approx(-0.5 * G_Q * Y_OF[0.1], rel=1e-13)
    assert F.hln(-0.01, 1.0, 0.1) == pytest.approx(G_Q * Y_OF[10.0], rel=1e-13)


def test_graphene_soc_by_hand_from_the_Y_table():
    # B = 0.1 T, B_phi = 0.01 T, B_asy = 0.045 T, B_so = 0.99 T:
    # x = 0.1, (B_phi + 2B_asy)/B = 1, (B_phi + B_so)/B = 10  →  −½[Y(0.1) − Y(1) − 2Y(10)]
    expected = -0.5 * (Y_OF[0.1] - Y_OF[1.0] - 2 * Y_OF[10.0])
    assert F.graphene_soc(0.1, 0.01, 0.045, 0.99) / G_Q == pytest.approx(expected, rel=1e-13)
    # same numbers, swapped roles (B_asy = 0.495 T, B_so = 0.09 T): −½[Y(0.1) − Y(10) − 2Y(1)]
    expected = -0.5 * (Y_OF[0.1] - Y_OF[10.0] - 2 * Y_OF[1.0])
    assert F.graphene_soc(0.1, 0.01, 0.495, 0.09) / G_Q == pytest.approx(expected, rel=1e-13)


def test_hln_so_limits():
    B, bp = np.array([1e-3, 0.02, 0.4]), 0.01
    wl = G_Q * F.Y(bp / B)
    np.testing.assert_allclose(F.hln_so(B, bp, 0.0), wl, rtol=1e-14)  # B_so → 0, B_e → ∞
    np.testing.assert_allclose(F.hln_so(B, bp, 1e9), -0.5 * wl, rtol=1e-12)  # B_so → ∞
    np.testing.assert_allclose(F.hln_so(B, bp, 0.05, np.inf, 0.0), F.hln_so(B, bp, 0.05), rtol=0)
    # B_s = 0 is the formula without magnetic scattering; strong B_s quenches everything
    assert np.all(np.abs(F.hln_so(B, bp, 0.05, np.inf, 1e6)) < 1e-12 * G_Q)
    np.testing.assert_allclose(F.hln(B, 1.0, bp), wl, rtol=0)


def test_hln_dp_limits():
    B, bp = np.array([1e-3, 0.02, 0.4]), 0.01
    np.testing.assert_allclose(F.hln_dp(B, bp, 1e9), -0.5 * G_Q * F.Y(bp / B), rtol=1e-12)


def test_graphene_limits():
    B, bp = np.array([1e-3, 0.02, 0.4]), 0.01
    wl = G_Q * F.Y(bp / B)
    np.testing.assert_allclose(F.graphene(B, bp, 1e12, 1e12), wl, rtol=1e-12)  # B_i, B_* → ∞
    np.testing.assert_allclose(F.graphene(B, bp, 0.0, 1e12), 0.0, atol=1e-12 * G_Q)  # no intervalley: WL cancels
    np.testing.assert_allclose(F.graphene_soc(B, bp, 1e12, 1e12), -0.5 * wl, rtol=1e-12)  # strong SOC: WAL
    np.testing.assert_allclose(F.graphene_soc(B, bp, 0.0, 0.0), wl, rtol=1e-14)  # no SOC: WL
    # by hand: B = B_phi, B_asy = B_phi/2, B_so = B_phi  →  −½[Y(1) − Y(2) − 2Y(2)]
    assert F.graphene_soc(0.01, 0.01, 0.005, 0.01) == pytest.approx(-0.5 * G_Q * (F.Y(1.0) - 3 * F.Y(2.0)), rel=1e-14)


@pytest.mark.parametrize(
    "fun, args",
    [
        (F.hln, (-0.5, 0.01)),
        (F.hln_so, (0.01, 0.1, 1.0, 0.002)),
        (F.hln_dp, (0.01, 0.1)),
        (F.graphene, (0.01, 0.05, 0.2)),
        (F.graphene_soc, (0.01, 0.05, 0.2)),
        (F.kawabata, (0.01,)),
    ],
)
def test_zero_at_zero_field_and_even(fun, args):
    y = fun(B_GRID, *args)
    assert np.all(np.isfinite(y))
    assert fun(0.0, *args) == 0.0
    np.testing.assert_array_equal(y, y[::-1])


def test_wire_zero_even_and_limits():
    lp, W, L = 1e-6, 50e-9, 10e-6
    g = F.wire(B_GRID, lp, np.inf, W, L)
    assert F.wire(0.0, lp, 1e-7, W, L) == 0.0
    np.testing.assert_array_equal(g, g[::-1])
    assert np.all(g[B_GRID != 0] > 0)  # WL without spin–orbit
    assert np.all(F.wire(B_GRID[B_GRID != 0], lp, 1e-9, W, L) < 0)  # strong SO: WAL
    # by hand: L_so = inf, L_B = L_phi at B* = √3ħ/(e W L_phi): ΔG = −(2e²/hL)·(L_phi/√2 − L_phi)
    from sigmafit.constants import E2_OVER_H, E_CHARGE, HBAR

    Bs = math.sqrt(3) * HBAR / (E_CHARGE * W * lp)
    expected = -(2 * E2_OVER_H / L) * (lp / math.sqrt(2) - lp)
    assert F.wire(Bs, lp, np.inf, W, L) == pytest.approx(expected, rel=1e-12)
    # by hand, with spin–orbit: L_so = (2/3)L_phi makes (4/3)L_so⁻² = 3 L_phi⁻², and B = 3ħ/(e W L_phi)
    # makes L_B⁻² = 3 L_phi⁻².  G(B) − G(0) in units of −(2e²/hL)·L_phi:
    # (3/2)(1/√7 − 1/√4) − (1/2)(1/√4 − 1/√1) = 1.5/√7 − 0.5
    B3 = 3 * HBAR / (E_CHARGE * W * lp)
    expected = -(2 * E2_OVER_H / L) * lp * (1.5 / math.sqrt(7) - 0.5)
    assert F.wire(B3, lp, 2 * lp / 3, W, L) == pytest.approx(expected, rel=1e-12)
    assert F.wire(-B3, lp, 2 * lp / 3, W, L) == F.wire(B3, lp, 2 * lp / 3, W, L)


@pytest.mark.parametrize(("delta", "expected"), F3_TABLE)
def test_f3_physics_table(delta, expected):
    assert F.f3(delta) == pytest.approx(expected, rel=1e-13)


def test_f3_limits():
    from scipy.special import zeta

    assert F.f3(0.0) == pytest.approx((math.sqrt(2) - 1) * abs(zeta(0.5)), rel=1e-14)
    d = np.logspace(3, 12, 10)
    np.testing.assert_allclose(F.f3(d) * 48 * d**1.5, 1.0, rtol=1e-6)  # f3 ≈ δ^(−3/2)/48 (+ O(δ^−7/2))
    assert F.f3(np.inf) == 0.0 and np.isnan(F.f3(-1.0))
    xs, ys = np.array(F3_TABLE).T
    np.testing.assert_allclose(F.f3(xs), ys, rtol=1e-13)  # vectorized call
    assert np.all(np.diff(F.f3(np.logspace(-8, 8, 200))) < 0)


def test_kawabata_prefactor():
    from sigmafit.constants import E_CHARGE, HBAR

    assert F.kawabata(0.1, 0.1) == pytest.approx(G_Q * math.sqrt(E_CHARGE * 0.1 / HBAR) * 0.019112205794725419, rel=1e-13)
    assert F.kawabata(-0.1, 0.1) == F.kawabata(0.1, 0.1)


def _central(fun, args, i, B, rel=1e-6):
    a = list(args)
    h = rel * abs(a[i])
    up, dn = a.copy(), a.copy()
    up[i] += h
    dn[i] -= h
    return (fun(B, *up) - fun(B, *dn)) / (2 * h)


@pytest.mark.parametrize(
    "fun, jac, args",
    [
        (F.hln, F.hln_jac, (-0.5, 0.01)),
        (F.hln_so, F.hln_so_jac, (0.01, 0.1, 1.0, 0.002)),
        (F.hln_dp, F.hln_dp_jac, (0.01, 0.1)),
        (F.graphene, F.graphene_jac, (0.01, 0.05, 0.2)),
        (F.graphene_soc, F.graphene_soc_jac, (0.01, 0.05, 0.2)),
    ],
)
def test_jacobians_against_central_differences(fun, jac, args):
    B = np.array([-0.2, -0.01, 0.0, 2e-3, 0.03, 0.5])
    J = jac(B, *args)
    assert len(J) == len(args)
    for i, col in enumerate(J):
        fd = _central(fun, args, i, B)
        np.testing.assert_allclose(col, fd, rtol=1e-6, atol=1e-12 * np.max(np.abs(fd)))
        assert col[B == 0][0] == 0.0


def test_hln_so_jac_default_arguments():
    B = np.array([0.01, 0.1])
    dphi, dso, de, ds = F.hln_so_jac(B, 0.01, 0.1)
    np.testing.assert_array_equal(de, 0.0)  # B_e = inf: no dependence
    np.testing.assert_allclose(dphi, _central(F.hln_so, [0.01, 0.1], 0, B), rtol=1e-6)


def test_constants_not_typed():
    assert HBAR_OVER_4E == pytest.approx(1.64552989238e-16, rel=1e-10)
    assert G_Q == pytest.approx(1.23314709834e-5, rel=1e-10)
