"""The Zabrodskii log-derivative in O(N) memory: same numbers as its definition, and 10⁶ points stay small.

The definition (``zabrodskii`` docstring, and the implementation before the O(N) rewrite): at every
T_i, fit ln R = c0 + c1·u + c2·u² by least squares over the points with |u| ≤ window/2,
u = ln T − ln T_i, and report w_i = −c1; windows with fewer than ``min_points`` points (or fewer than
three distinct T, where the quadratic is not determined) give NaN.  ``_direct`` below evaluates exactly that, one window at a time with
``numpy.linalg.lstsq`` — no shared code with the module under test.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from sigmafit.models.formulas import temperature as F


def _direct(T, R, window, min_points=5):
    order = np.argsort(T, kind="stable")
    u, y = np.log(T[order]), np.log(R[order])
    h = 0.5 * window
    out = np.full(u.size, np.nan)
    for i in range(u.size):
        sel = (u >= u[i] - h) & (u <= u[i] + h)
        du, dy = u[sel] - u[i], y[sel] - y[i]
        if sel.sum() < min_points or np.unique(du).size < 3:  # a quadratic needs three distinct T
            continue
        X = np.column_stack([np.ones_like(du), du, du * du])
        coef, *_ = np.linalg.lstsq(X, dy, rcond=None)
        out[i] = -coef[1]
    return T[order], out


@pytest.mark.parametrize("seed", range(6))
def test_same_numbers_as_the_definition(seed):
    """Random grids (unsorted, repeated temperatures), noisy hopping and metallic R, windows 0.02–5."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 300))
    T = np.exp(rng.uniform(np.log(0.05), np.log(400.0), n))
    if seed % 2:
        T = np.round(T, 1) + 0.05  # repeated temperatures
    R = F.vrh(T, 10.0, 100.0, 0.5) * (1 + 0.01 * rng.standard_normal(n)) if seed < 3 else 1.0 + 0.01 * T
    for window in (0.02, 0.1, 0.3, 1.0, 5.0):
        T_ref, w_ref = _direct(T, R, window)
        T_got, w_got = F.zabrodskii(T, R, window=window)
        np.testing.assert_array_equal(T_got, T_ref)
        np.testing.assert_array_equal(np.isnan(w_got), np.isnan(w_ref))
        ok = np.isfinite(w_ref)
        np.testing.assert_allclose(w_got[ok], w_ref[ok], rtol=1e-9, atol=1e-9 * np.abs(w_ref[ok]).max(initial=0.0))


def test_a_million_points_with_a_wide_window_stay_small():
    """10⁶ points, window = 1/6 of the ln T range (≈ 1.7·10⁵ points per window, the case that asked for
    28.7 GiB at 74 000 rows): peak traced memory stays under 300 MB (≈ 40 arrays of N floats), and the
    numbers are right: ln R quadratic in u = ln T, which the local quadratic reproduces exactly, so
    w = −d ln R/d ln T = 0.5 − 0.2 u at every point."""
    T = np.geomspace(2.0, 300.0, 1_000_000)
    u = np.log(T)
    R = np.exp(3.0 - 0.5 * u + 0.1 * u * u)
    window = float(np.ptp(np.log(T))) / 6
    tracemalloc.start()
    try:
        Tz, w = F.zabrodskii(T, R, window=window)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 300e6, f"peak {peak / 1e6:.0f} MB"
    np.testing.assert_allclose(w, 0.5 - 0.2 * np.log(Tz), rtol=1e-9, atol=1e-9)
