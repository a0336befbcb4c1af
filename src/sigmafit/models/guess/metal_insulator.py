"""Start values for the 3D metal–insulator models: σ(T) = σ(0) + m·T^½ + b·T^(p/2) and the critical law
σ(0) = σ_c·(x/x_c − 1)^ν.
"""

from __future__ import annotations

import numpy as np

from .heat import linear_coefficients

__all__ = ["critical_start", "metal_start"]


def metal_start(T, sigma, p: float) -> dict[str, float]:
    """σ(0), m, b (S/cm, S/(cm·K^½), S/(cm·K^(p/2))) by linear least squares with the exponent ``p`` fixed."""
    T, sigma = np.asarray(T, dtype=float), np.asarray(sigma, dtype=float)
    ok = np.isfinite(T) & np.isfinite(sigma) & (T >= 0)
    if ok.sum() < 3:
        return {}
    T, sigma = T[ok], sigma[ok]
    columns = [np.ones_like(T), np.sqrt(T)]
    if abs(p - 1.0) > 1e-6:  # p = 1 makes the two terms identical: leave b at its default
        columns.append(T ** (0.5 * p))
    coef = linear_coefficients(columns, sigma)
    out = dict(zip(("sigma0", "m", "b"), (float(c) for c in coef), strict=False))  # b is absent when p = 1
    return {k: v for k, v in out.items() if np.isfinite(v)}


def critical_start(x, sigma0) -> dict[str, float]:
    """σ_c, x_c, ν from a straight line ln σ(0) = ln σ_c + ν·ln(x/x_c − 1), the best x_c of a grid below
    the smallest metallic x (samples with σ(0) ≤ 0 are insulating and only bound x_c from below)."""
    x, s = np.asarray(x, dtype=float), np.asarray(sigma0, dtype=float)
    ok = np.isfinite(x) & np.isfinite(s) & (x > 0)
    x, s = x[ok], s[ok]
    metal = s > 0
    if metal.sum() < 3:
        return {}
    xm, sm = x[metal], s[metal]
    lower = max(x[~metal].max(), 1e-3 * xm.min()) if (~metal).any() else 1e-3 * xm.min()
    best, best_rss = {}, np.inf
    for xc in np.linspace(lower, xm.min(), 200, endpoint=False)[1:]:
        u = np.log(xm / xc - 1.0)
        nu, ln_sc = np.polyfit(u, np.log(sm), 1)
        rss = float(np.sum((np.log(sm) - (ln_sc + nu * u)) ** 2))
        if nu > 0 and rss < best_rss:
            best_rss, best = rss, {"sigma_c": float(np.exp(ln_sc)), "x_c": float(xc), "nu": float(nu)}
    return best
