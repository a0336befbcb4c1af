r"""The field offset B₀ of Hall curves (R_xx and R_xy of one file): its estimate, its standard error, and the
share of one part in the other that ±B pairs of unequal |B| leave.

* :func:`hall_field_offset` — B₀ from the symmetry of R_xx with the Hall pickup removed;
* :func:`hall_field_offset_error` — the standard error of that estimate (noise propagated through it);
* :func:`remove_pair_crosstalk` — after the offset, a measured +B and its −B partner differ in |B| (by twice the
  offset when the magnet stepped symmetrically about its own zero): the even part then carries O′·ΔB/2 of the odd
  part and the odd part E′·ΔB/2 of the even part, which this takes out.

Antisymmetrizing R_xy about a B₀ off by δ leaves q·δ·dR_xx/dB of the R_xx that misaligned contacts put into R_xy
(q up to a third) in the Hall part, so the densities and mobilities fitted to it depend on B₀: a fit that takes
B₀ from :func:`hall_field_offset` carries its error (``sigmafit fit`` propagates it, see
:func:`sigmafit.fitting.offset_error.with_field_offset_error`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import last_step, unique_sorted
from .noise import local_residuals, robust_sigma
from .pipeline import _LABEL
from .symmetrize import PICKUP_FREE_CONTRAST, offset_search, refine_minimum

__all__ = ["curve_field_offset", "field_step", "hall_field_offset", "hall_field_offset_error", "local_slope",
           "remove_pair_crosstalk", "shifted_offsets"]

#: name suffixes of the partner columns that carry a column's other part through the pairing
ODD_PART, EVEN_PART = "~odd", "~even"
#: half-width, in field steps, of the local line whose slope is a part's derivative
SLOPE_HALF_WIDTH_STEPS = 2.5
#: half-width, in field steps, of the lines whose slopes give the derivative of the asymmetry in B₀
SIGMA_SLOPE_STEPS = 2.0
#: readings of one curve closer in B than this many field steps are averaged before the symmetry search
MERGE_STEPS = 0.25


def field_step(data: pd.DataFrame) -> float:
    """The typical field step (T): the median |ΔB| > 0 between consecutive readings of one sweep (and curve)."""
    keys = [k for k in (_LABEL, "sweep") if k in data.columns]
    parts = [np.abs(np.diff(g["field_T"].to_numpy(float))) for _, g in (data.groupby(keys, sort=False) if keys else [(0, data)])]
    d = np.concatenate(parts) if parts else np.zeros(0)
    d = d[np.isfinite(d) & (d > 0)]
    return float(np.median(d)) if d.size else float("nan")


def local_slope(b: np.ndarray, v: np.ndarray, parity: int, half_width: float) -> np.ndarray:
    """dv/d|B| at each ``b`` (≥ 0): the slope of the least-squares line through the points within ``half_width``,
    with the mirror images (−b, parity·v) of an even (+1) or odd (−1) function — so an even part has slope 0 at
    B = 0 and a window at small |B| is not one-sided.  0 where fewer than 3 points fall in the window."""
    b = np.asarray(b, dtype=float)
    v = np.asarray(v, dtype=float)
    side = b > 0  # a point at B = 0 is its own mirror image
    x = np.concatenate([b, -b[side]])
    y = np.concatenate([v, parity * v[side]])
    ok = np.isfinite(x) & np.isfinite(y)
    order = np.argsort(x[ok], kind="stable")
    x, y = x[ok][order], y[ok][order]
    y = y - (np.median(y) if y.size else 0.0)  # sums of centred values: no cancellation
    sums = [np.concatenate([[0.0], np.cumsum(t)]) for t in (np.ones_like(x), x, y, x * x, x * y)]
    lo = np.searchsorted(x, b - half_width, side="left")
    hi = np.searchsorted(x, b + half_width, side="right")
    n, sx, sy, sxx, sxy = (s[hi] - s[lo] for s in sums)
    den = n * sxx - sx * sx
    good = (n >= 3) & (den > 0)
    return np.where(good, (n * sxy - sx * sy) / np.where(good, den, 1.0), 0.0)


def remove_pair_crosstalk(out: pd.DataFrame, partner: dict[str, str], step: float) -> pd.DataFrame:
    """Take the other part's share out of each part of ±B pairs of unequal |B|, and drop the partner columns.

    ``out`` are the rows of :func:`~sigmafit.prepare.symmetrize.symmetrize_parts` (``field_plus_T``,
    ``field_minus_T``: the |B| of the two readings) with, for each column in ``partner``, its other part under the
    partner's name (suffix :data:`ODD_PART` or :data:`EVEN_PART`).  A pair of readings at B₊ and −B₋ gives the odd
    part ½[R(B₊) − R(−B₋)] = O(B̄) + ½[E(B₊) − E(B₋)] ≈ O + E′·(B₊ − B₋)/2, E the even part (for R_xy: the R_xx
    that misaligned contacts pick up); likewise the even part carries O′·(B₊ − B₋)/2.  E′ and O′ are the slopes of
    the partner parts on the pairs (a line through ±``SLOPE_HALF_WIDTH_STEPS`` field steps ``step``, T)."""
    res = out.drop(columns=list(partner.values()))
    if np.isfinite(step) and step > 0 and len(out):
        for _, g in out.groupby(_LABEL, sort=False):
            b = g["field_T"].to_numpy(float)
            half = 0.5 * (g["field_plus_T"].to_numpy(float) - g["field_minus_T"].to_numpy(float))
            for col, part in partner.items():
                parity = -1 if part.endswith(ODD_PART) else 1
                slope = local_slope(b, g[part].to_numpy(float), parity, SLOPE_HALF_WIDTH_STEPS * step)
                res.loc[g.index, col] = g[col].to_numpy(float) - np.where(np.isfinite(half), half, 0.0) * slope
    res.attrs = out.attrs
    return res


def _hall_asymmetry(xs, rxx, rxy, b0, u) -> np.ndarray:
    """Mean squared asymmetry of R_xx about each candidate ``b0`` after removing the best multiple of R_xy's own
    asymmetry (misaligned contacts put a fraction of ρ_xy(B) into R_xx — linear in B for one band, not for two)."""
    c = np.atleast_1d(np.asarray(b0, dtype=float))[:, None]
    r = np.interp(c + u, xs, rxx) - np.interp(c - u, xs, rxx)
    h = np.interp(c + u, xs, rxy) - np.interp(c - u, xs, rxy)
    hh = np.sum(h * h, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        k = np.where(hh > 0, np.sum(r * h, axis=1, keepdims=True) / hh, 0.0)
    return np.mean((r - k * h) ** 2, axis=1)


def _sorted_channels(g: pd.DataFrame, xx: str, xy: str):
    """(fields, R_xx, R_xy, readings per field) pooled over the sweeps and sorted by B, readings closer than
    ``MERGE_STEPS`` field steps averaged (the up and down sweeps' readings at one set point: interpolating between
    two readings a few µT apart would give the asymmetry slopes of noise/µT); None when R_xy's fields differ."""
    B = g["field_T"].to_numpy(float)
    xs, rxx = unique_sorted(B, g[xx].to_numpy(float))
    xs2, rxy = unique_sorted(B, g[xy].to_numpy(float)) if xy in g.columns else (xs, np.zeros_like(rxx))
    if xs2.size != xs.size:
        return None
    count = np.ones(xs.size)
    step = field_step(g)
    if xs.size > 2 and np.isfinite(step) and step > 0:
        lab = np.cumsum(np.concatenate([[True], np.diff(xs) > MERGE_STEPS * step])) - 1
        count = np.bincount(lab).astype(float)
        xs, rxx, rxy = (np.bincount(lab, weights=v) / count for v in (xs, rxx, rxy))
    return xs, rxx, rxy, count


def hall_field_offset(g: pd.DataFrame, xx: str = "resistance_ohm", xy: str = "hall_resistance_ohm") -> float | None:
    """The field offset B₀ (T) of one curve from the symmetry of R_xx, with the Hall pickup removed; None when
    R_xx does not fix it.

    The asymmetry ⟨[R_xx(B₀+u) − R_xx(B₀−u) − k·(R_xy(B₀+u) − R_xy(B₀−u))]²⟩_u, k fitted per candidate, is
    minimised over candidates within ±10 % of the largest |B| (then refined).  Removing the R_xy-shaped part
    matters: the pickup of a two-band ρ_xy is not linear in B, and the estimate that removes only a·B
    (:func:`~sigmafit.prepare.symmetrize.field_offset`) then moves B₀ by tenths of a tesla.  B₀ is determined
    when the asymmetry varies over the candidates by more than ``PICKUP_FREE_CONTRAST`` times its minimum; a
    flat R_xx (one Drude band) or a pure parabola does not fix it, and Hall curves then need none: ρ_xy = R_H·B
    is odd about any shift, and a wrong B₀ would move R_xx(0) by pickup·R_H·B₀.  Its standard error:
    :func:`hall_field_offset_error`.
    """
    found = _sorted_channels(g, xx, xy)
    if found is None or found[0].size < 5 or found[0][0] >= 0 or found[0][-1] <= 0:
        return None
    xs, rxx, rxy, _ = found
    grid = offset_search(xs)
    if grid is None:
        return None
    cand, u = grid
    cost = _hall_asymmetry(xs, rxx, rxy, cand, u)
    low, mid = float(cost.min()), float(np.median(cost))
    if not (mid - low > PICKUP_FREE_CONTRAST * low and mid > 0):
        return None
    return refine_minimum(lambda c: float(_hall_asymmetry(xs, rxx, rxy, c, u)[0]), cand, cost)


def _interp_adjoint(xs: np.ndarray, at: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Σ_u w_u·∂y(at_u)/∂y_i for linear interpolation of y on ``xs``: what each reading contributes."""
    i = np.clip(np.searchsorted(xs, at, side="right") - 1, 0, xs.size - 2)
    t = np.clip((at - xs[i]) / (xs[i + 1] - xs[i]), 0.0, 1.0)
    out = np.zeros(xs.size)
    np.add.at(out, i, (1.0 - t) * w)
    np.add.at(out, i + 1, t * w)
    return out


def hall_field_offset_error(g: pd.DataFrame, b0: float, xx: str = "resistance_ohm",
                            xy: str = "hall_resistance_ohm") -> float | None:
    r"""Standard error (T) of the B₀ of :func:`hall_field_offset` of one curve: the readings' noise propagated
    through the minimum of its asymmetry (Gauss–Newton); None when it cannot be computed.

    With e_u = r_u − k·h_u the residuals it minimises (r, h: the differences of R_xx and R_xy at B₀ ± u, linear in
    the readings through the interpolation), J_u = ∂e_u/∂B₀ = d/du[R_xx(B₀+u) + R_xx(B₀−u)] − k·d/du[R_xy(…)]
    (slopes of lines through ±2 field steps) and J⊥ its part orthogonal to h (k is fitted too), a change δy of the
    readings moves B₀ by −J⊥·δe/(J⊥·J⊥).  With δe = A·δy_xx − k·A·δy_xy (A: the interpolation weights, the same
    for both channels),

    .. math::  σ_{B_0}^2 = (s_{xx}^2 + k^2 s_{xy}^2)\,\lVert A^T J_\perp\rVert^2 / (J_\perp\cdot J_\perp)^2

    — the sandwich form, which counts every reading once however densely the u grid samples it.  The noise s of
    each channel is the scatter of the pooled readings about local quadratics: the estimate interpolates the
    sweeps together, so the scatter between up and down sweeps (magnet lag) acts on it as noise.
    Calibrated on simulated two-band files (``tests/test_coverage_carriers.py``): pulls (B̂₀ − B₀)/σ of spread ≈ 1.
    """
    found = _sorted_channels(g, xx, xy)
    if found is None or found[0].size < 5 or not np.isfinite(b0):
        return None
    xs, rxx, rxy, count = found
    grid = offset_search(xs)
    step = field_step(g)
    if grid is None or not (np.isfinite(step) and step > 0):
        return None
    u = grid[1]
    plus, minus = b0 + u, b0 - u
    r = np.interp(plus, xs, rxx) - np.interp(minus, xs, rxx)
    h = np.interp(plus, xs, rxy) - np.interp(minus, xs, rxy)
    hh = float(h @ h)
    k = float(r @ h) / hh if hh > 0 else 0.0
    half = SIGMA_SLOPE_STEPS * step
    J = (local_slope(u, np.interp(plus, xs, rxx) + np.interp(minus, xs, rxx), 1, half)
         - k * local_slope(u, np.interp(plus, xs, rxy) + np.interp(minus, xs, rxy), 1, half))
    if hh > 0:
        J = J - float(J @ h) / hh * h
    jj = float(J @ J)
    a = _interp_adjoint(xs, plus, J) - _interp_adjoint(xs, minus, J)
    sweep = g["sweep"].to_numpy() if "sweep" in g.columns else np.zeros(g.shape[0], dtype=int)
    s_xx = robust_sigma(local_residuals(g["field_T"].to_numpy(float), g[xx].to_numpy(float), sweep))
    s_xy = robust_sigma(local_residuals(g["field_T"].to_numpy(float), g[xy].to_numpy(float), sweep)) if xy in g.columns else 0.0
    var = (s_xx**2 + k**2 * s_xy**2) * float(np.sum(a * a / count)) / jj**2 if jj > 0 else np.nan
    return float(np.sqrt(var)) if np.isfinite(var) and var > 0 else None


def _estimated_record(curve: pd.DataFrame) -> dict | None:
    """The ``field_offset`` step of a curve prepared with ``field_offset="auto"`` (B₀ and standard error of every
    curve of its file), else None."""
    rec = last_step(curve, "field_offset")
    return rec if rec is not None and rec.get("mode") == "auto" and rec.get("B0_sigma_T") else None


def shifted_offsets(curve: pd.DataFrame, sign: float) -> dict[float, float] | None:
    """{set point: B₀ + ``sign``·σ} in T for every curve of the file ``curve`` was prepared from with
    ``field_offset="auto"`` (B₀ as estimated where it has no standard error, 0 where undetermined) — the
    ``field_offset`` that prepares the whole file once with every estimated offset moved by ``sign`` standard errors."""
    rec = _estimated_record(curve)
    if rec is None:
        return None
    sigma = rec["B0_sigma_T"]
    return {float(k): float(b0) + sign * float(sigma.get(k) or 0.0) for k, b0 in rec["B0_T"].items()}


def curve_field_offset(curve: pd.DataFrame) -> tuple[float, float] | None:
    """(B₀, its standard error) in T of one Hall curve prepared with ``field_offset="auto"``, from its preparation
    record; None when B₀ was given, not determined, or has no standard error."""
    rec = _estimated_record(curve)
    if rec is None:
        return None
    by = (last_step(curve, "hall_curves") or {}).get("by")
    keys = list(rec["B0_sigma_T"])
    if len(keys) == 1:
        key = keys[0]
    elif by in curve.columns and len(curve):
        value = float(curve[by].iloc[0])
        key = min(keys, key=lambda k: abs(float(k) - value))
        if not np.isclose(float(key), value, rtol=1e-9, atol=1e-12):
            return None
    else:
        return None
    sigma, b0 = rec["B0_sigma_T"][key], rec["B0_T"].get(key)
    if sigma is None or b0 is None or not (np.isfinite(sigma) and sigma > 0):
        return None
    return float(b0), float(sigma)
