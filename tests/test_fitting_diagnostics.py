"""The generic reasons not to trust a fit, at their thresholds, through ``sigmafit.fit(...).warnings``.

The ``lnT`` law σ = σ0 + A·G_Q·ln T is linear in its parameters, so its fits can be designed by hand:

* the correlation of σ0 and A is −mean(u)/√mean(u²) with u = ln T (equal weights), fixed by the grid;
* a residual pattern made orthogonal to (1, u) is left untouched by the fit, so the runs test sees
  exactly the pattern's signs; its z is computed here from the Wald–Wolfowitz formula.

Each threshold is pinned from both sides (one case just beyond, one just inside).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import sigmafit
from sigmafit.constants import G_Q

N = 40


def _correlation(u: np.ndarray) -> float:
    """corr(σ0, A) of an unweighted straight-line fit in u: −Σu / √(N Σu²)."""
    return float(-u.sum() / math.sqrt(u.size * np.sum(u * u)))


def _grid_with_correlation(r: float) -> np.ndarray:
    """T grid (K), N points uniform in ln T around ln 20 K, whose σ0–A correlation is −r."""
    c = math.log(20.0)
    # uniform points over [c − h, c + h]: mean u² = c² + h²(N + 1)/(3(N − 1))
    h = math.sqrt(c * c * (1 / r**2 - 1) * 3 * (N - 1) / (N + 1))
    return np.exp(np.linspace(c - h, c + h, N))


@pytest.mark.parametrize(("r", "warned"), [(0.96, True), (0.94, False)])
def test_correlation_warning_threshold(r, warned):
    T = _grid_with_correlation(r)
    assert _correlation(np.log(T)) == pytest.approx(-r, abs=1e-12)
    rng = np.random.default_rng(5)
    y = 1e-3 + 0.8 * G_Q * np.log(T) + 1e-3 * G_Q * rng.standard_normal(N)
    res = sigmafit.fit((T, y), "lnT", warn=False)
    hits = [w for w in res.warnings if "correlated" in w]
    assert bool(hits) is warned, res.warnings
    if warned:  # the printed r is the grid's
        assert f"(r = {-r:+.3f})" in hits[0]


def _signs(runs: list[int]) -> np.ndarray:
    out, sign = [], 1.0
    for n in runs:
        out += [sign] * n
        sign = -sign
    return np.array(out)


def _runs_z(s: np.ndarray) -> float:
    """Wald–Wolfowitz: z = (R − μ)/σ, μ = 2n₊n₋/n + 1, σ² = (μ − 1)(μ − 2)/(n − 1)."""
    n_pos, n_neg, n = int((s > 0).sum()), int((s < 0).sum()), s.size
    runs = 1 + int(np.count_nonzero(s[1:] != s[:-1]))
    mu = 2 * n_pos * n_neg / n + 1
    return (runs - mu) / math.sqrt((mu - 1) * (mu - 2) / (n - 1))


# 20 + and 20 − signs in 10 runs (z = −3.52) and in 13 runs (z = −2.56)
PATTERNS = {10: [4] * 10, 13: [3, 4, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 2]}


@pytest.mark.parametrize(("runs", "warned"), [(10, True), (13, False)])
def test_structured_residual_threshold(runs, warned):
    T = np.geomspace(1.0, 100.0, N)
    u = np.log(T)
    s = _signs(PATTERNS[runs])
    assert s.size == N and (s > 0).sum() == N // 2
    X = np.column_stack([np.ones(N), u])
    pattern = s - X @ np.linalg.lstsq(X, s, rcond=None)[0]  # orthogonal to what the fit can absorb
    assert np.all(np.sign(pattern) == s)
    z = _runs_z(s)
    assert z == pytest.approx(-3.524 if runs == 10 else -2.563, abs=1e-3)
    y = 1e-3 + 0.8 * G_Q * u + 0.01 * G_Q * pattern
    res = sigmafit.fit((T, y), "lnT", warn=False)
    np.testing.assert_allclose(res.y - res.lmfit_result.best_fit, 0.01 * G_Q * pattern, rtol=1e-6, atol=1e-6 * G_Q)
    hits = [w for w in res.warnings if "structured" in w]
    assert bool(hits) is warned, res.warnings
    if warned:
        assert f"z = {z:.1f}" in hits[0]
