"""Start values for the carrier models from ρ_xx(B) and ρ_xy(B) (transport units, see
:mod:`sigmafit.models.formulas.carriers`).

* one band: ρ_xx(0) and R_H from the low-field expansion (:func:`low_field`);
* two bands: every pair of mobilities on a grid around the Hall mobility, with the two densities
  from a linear least-squares solve on σ = ρ⁻¹, is evaluated on the data; the best pair starts the
  fit (:func:`two_band_start`).  Two-band fits have several local minima; starting from the
  best of a grid is what makes them repeatable.
"""

from __future__ import annotations

import numpy as np

from ...constants import MOBILITY_SI

from ..formulas import carriers as F
from ..formulas import tensor
from ..joint import point_noise
from .heat import linear_coefficients

__all__ = ["hall_start", "low_field", "term_significance", "two_band_start"]

#: mobilities tried by :func:`two_band_start`, as multiples of the Hall mobility
MOBILITY_FACTORS = np.geomspace(0.01, 100.0, 25)


def low_field(B, rxx, rxy, fraction: float = 0.35) -> tuple[float, float, float]:
    """(ρ_xx(0), R_H(0), a₂) from ρ_xx = ρ₀ + a₂B² and ρ_xy = R_H·B + h₃B³ over the points with
    |B| ≤ ``fraction``·max|B| (all points when fewer than 6 lie there)."""
    B, rxx, rxy = (np.asarray(a, dtype=float) for a in (B, rxx, rxy))
    a = np.abs(B)
    sel = a <= fraction * a.max()
    if sel.sum() < 6:
        sel = np.ones(B.size, dtype=bool)
    rho0, a2 = linear_coefficients([np.ones(sel.sum()), B[sel] ** 2], rxx[sel])
    RH, _ = linear_coefficients([B[sel], B[sel] ** 3], rxy[sel])
    if not np.isfinite(RH) or sel.sum() < 4:
        RH = float(np.sum(B * rxy) / np.sum(B * B)) if np.any(B != 0) else np.nan
    if not (np.isfinite(rho0) and rho0 > 0):
        pos = rxx[np.isfinite(rxx) & (rxx > 0)]
        rho0 = float(np.min(pos)) if pos.size else np.nan
    return float(rho0), float(RH), float(a2)


def term_significance(base, term, r) -> float:
    """t-statistic of ``term`` in a least-squares fit of ``r`` on ``base`` columns plus ``term`` (0 if undetermined).

    Used on fit residuals: a large |t| means the data hold a component the model does not.
    """
    X = np.column_stack([*base, term])
    ok = np.all(np.isfinite(X), axis=1) & np.isfinite(r)
    X, r = X[ok], r[ok]
    dof = r.size - X.shape[1]
    if dof < 3:
        return 0.0
    coef, *_ = np.linalg.lstsq(X, r, rcond=None)
    res = r - X @ coef
    cov = np.linalg.pinv(X.T @ X) * float(res @ res) / dof
    err = float(np.sqrt(max(cov[-1, -1], 0.0)))
    return float(coef[-1] / err) if err > 0 else 0.0


def hall_start(B, rxx, rxy) -> dict[str, float]:
    """ρ_xx(0) (mean of ρ_xx) and R_H (least-squares slope of ρ_xy through the origin) for the one-band model."""
    B, rxx, rxy = (np.asarray(a, dtype=float) for a in (B, rxx, rxy))
    out = {"rho_xx0": float(np.mean(rxx))}
    if np.any(B != 0):
        out["R_H"] = float(np.sum(B * rxy) / np.sum(B * B))
    return out


def _band_columns(B, mu, sign):
    """σ_xx and σ_xy of one band per unit density (cm units: S per cm⁻², or S/cm per cm⁻³); mu in cm²/Vs.

    The Drude tensor with :func:`~sigmafit.models.formulas.carriers.two_band`'s unit conversions, so that these
    columns times the densities are the σ the misfit of a grid point is computed from."""
    return tensor.band_conductivity(B, F._N_TO_TENSOR, mu * MOBILITY_SI, sign)


def two_band_start(B, rxx, rxy, signs) -> dict[str, float]:
    """Start values n1, mu1, n2, mu2 (transport units) for :class:`~sigmafit.models.carriers.TwoBandModel`.

    Variable projection: σ = ρ⁻¹ is *linear* in the densities once the mobilities are fixed, so for
    every pair of mobilities on a grid around the Hall mobility the densities are one weighted
    linear least-squares solve on σ_xx(B), σ_xy(B) (weights: ρ noise carried to σ, δσ ≈ δρ/|ρ|²);
    the pair with the smallest ρ-space misfit (each part weighted by its point-to-point noise) wins.
    ``signs`` is ``(s1, s2)`` for fixed carrier types, or ``None`` for free signs: every combination
    is tried and the densities come back signed (> 0 holes).
    """
    B, rxx, rxy = (np.asarray(a, dtype=float) for a in (B, rxx, rxy))
    rho0, RH, _ = low_field(B, rxx, rxy)
    if not (np.isfinite(rho0) and rho0 > 0 and np.isfinite(RH) and RH != 0):
        return {}
    grid = F.hall_mobility(RH, rho0) * MOBILITY_FACTORS
    combos = [signs] if signs is not None else [(-1.0, 1.0), (1.0, -1.0), (-1.0, -1.0), (1.0, 1.0)]
    nxx, nxy = point_noise(B, rxx), point_noise(B, rxy)
    wxx = 1.0 / nxx if np.isfinite(nxx) and nxx > 0 else 1.0 / max(np.sqrt(np.mean(rxx**2)), 1e-300)
    wxy = 1.0 / nxy if np.isfinite(nxy) and nxy > 0 else wxx
    sxx, sxy = tensor.invert(rxx, rxy)
    wsig = (rxx**2 + rxy**2) * min(wxx, wxy)  # 1/δσ
    ysig = np.concatenate([sxx, sxy]) * np.tile(wsig, 2)
    best, best_cost = {}, np.inf
    for s1, s2 in combos:
        m1, m2 = (a.ravel() for a in np.meshgrid(grid, grid, indexing="ij"))
        keep = m1 > m2 if s1 == s2 else np.ones(m1.size, dtype=bool)  # same sign: bands are interchangeable
        m1, m2 = m1[keep, None], m2[keep, None]
        c1 = np.concatenate(_band_columns(B, m1, s1), axis=1) * np.tile(wsig, 2)
        c2 = np.concatenate(_band_columns(B, m2, s2), axis=1) * np.tile(wsig, 2)
        g11, g12, g22 = np.sum(c1 * c1, 1), np.sum(c1 * c2, 1), np.sum(c2 * c2, 1)
        r1, r2 = c1 @ ysig, c2 @ ysig
        det = g11 * g22 - g12 * g12
        with np.errstate(divide="ignore", invalid="ignore"):
            n1 = (g22 * r1 - g12 * r2) / det
            n2 = (g11 * r2 - g12 * r1) / det
        ok = np.isfinite(n1) & np.isfinite(n2) & (n1 > 0) & (n2 > 0)
        if not ok.any():
            continue
        n1, n2, m1, m2 = n1[ok, None], n2[ok, None], m1[ok], m2[ok]
        model_xx, model_xy = F.two_band(B[None, :], [(n1, m1, s1), (n2, m2, s2)])
        cost = np.sum((wxx * (model_xx - rxx)) ** 2 + (wxy * (model_xy - rxy)) ** 2, axis=1)
        if not np.isfinite(cost).any():
            continue
        i = int(np.nanargmin(cost))
        if cost[i] < best_cost:
            best_cost = float(cost[i])
            sign1, sign2 = (s1, s2) if signs is None else (1.0, 1.0)
            best = {"n1": sign1 * float(n1[i, 0]), "mu1": float(m1[i, 0]), "n2": sign2 * float(n2[i, 0]), "mu2": float(m2[i, 0])}
    return best
