"""Robust fits: a loss that discounts glitches finds the outliers, least squares on the rest gives the numbers.

The loss scale is the residuals' robust noise level (1.4826·MAD), estimated from a plain fit and refined once
from the robust one.  Points beyond 3× that scale are outliers; the parameters and their errors then come from
ordinary least squares on the inliers, started at the robust solution, so the reported uncertainties are not
inflated by the glitches — and the outliers are named, never dropped silently.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

#: Points beyond this many robust noise scales are outliers.
OUTLIER_SCALES = 3.0


def robust_scale(r: np.ndarray) -> float:
    """Noise scale from the median absolute deviation (1.4826·MAD, Gaussian-consistent)."""
    r = r[np.isfinite(r)]
    return float(1.4826 * np.median(np.abs(r - np.median(r)))) if r.size else 0.0


def _weighted_residual(result, y, w) -> np.ndarray:
    r = y - result.best_fit
    return r if w is None else r * w


def robust_fit(run: Callable, params, points, loss: str, x_name: str = "x"):
    """Fit with a robust ``loss`` through ``run(params, points, loss=(name, scale))``.

    ``points`` holds x, y, w and further independent variables (``extra``).  Returns ``(result, inliers, scale,
    notes)``: the final least-squares result on the inliers, the inlier mask over y, the robust scale and a
    sentence naming the outliers (if any).
    """
    x, y, w = points.x, points.y, points.w
    parts = y.size // x.size
    result = run(params, points, loss=("linear", 1.0))
    for _ in range(2):
        scale = robust_scale(_weighted_residual(result, y, w)) or 1.0
        result = run(result.params, points, loss=(loss, scale))
    inliers = np.abs(_weighted_residual(result, y, w)) <= OUTLIER_SCALES * scale
    nfree = sum(1 for p in result.params.values() if p.vary and not p.expr)
    notes = []
    if (~inliers).any() and inliers.sum() > nfree and parts == 1:
        kept = points.take(inliers)
        result = run(result.params, kept, loss=("linear", 1.0))
    elif parts != 1:
        inliers = np.ones(y.shape, dtype=bool)
    if (~inliers).any():
        xs = np.tile(x, parts)[~inliers]
        shown = ", ".join(f"{v:.4g}" for v in xs[:12]) + (" …" if xs.size > 12 else "")
        notes.append(f"{int((~inliers).sum())} points lie beyond {OUTLIER_SCALES:g}× the robust noise scale: the {loss} loss "
                     f"found them and they were left out of the final least-squares fit ({x_name} = {shown})")
    return result, inliers, scale, notes
