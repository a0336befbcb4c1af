r"""Per-point uncertainty σᵢ (Ω) of raw resistance readings, so that χ²_ν of a fit means something.

The rule (one value per curve and channel unless the instrument's own column is trusted):

1. **Scatter of the data.**  Within each sweep, in field order, every reading is compared with the value at its
   own field of a quadratic through its two neighbours on each side (least squares over the four points):
   r_i = y_i − ŷ_i, Var r_i = σ²(1 + Σ_j w_j²) with w the weights of ŷ_i; the standardised residuals
   z_i = r_i/√(1 + Σw²) are pooled over the sweeps of the curve.  σ is their robust scale (1.4826·MAD), refined
   once by the RMS of the |z| < 3σ residuals (÷ 0.9733, the variance a 3σ cut keeps of a Gaussian).  A
   quadratic through ±2 steps follows any smooth curve (cubic terms cancel by symmetry); the cusp of weak
   localization, narrower than a step, spoils a handful of residuals, which the robust scale ignores.
   Readings whose four neighbours span fewer than three distinct fields (dwells) give no residual.
2. **The instrument's standard-deviation column** (``resistance_std_ohm``, or a ``Std. Dev. (…)`` column in the
   unit of the file's ``Resistivity (…)`` column, scaled by the row's resistance/resistivity ratio) is used,
   point by point, only when it agrees with the scatter of the data within a factor 1.5 — either as it stands
   (the standard deviation of the reported value) or divided by √(``Number of Readings``) (a standard deviation
   of the single readings that were averaged).  Quantum Design does not say which one its files hold, and real
   files show both and neither; the data decide, and the sentence says what was found.
3. Too few residuals (fewer than ``MIN_RESIDUALS``) and no usable column: :class:`DataFormatError`.

White noise is assumed: noise correlated between neighbouring readings (slow drift within a few steps) is
partly taken as signal and σ is then underestimated — χ²_ν > 1 shows it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError

#: residuals needed for a data-based noise estimate of one curve and channel
MIN_RESIDUALS = 10
#: the instrument column is trusted when its median is within this factor of the data's scatter
AGREEMENT = 1.5
#: E[z² | |z| < 3] of a standard normal
_CLIP3 = 0.97333
_STD_COL = re.compile(r"^Std\. ?Dev\. \((?P<unit>[^)]*)\)$")


@dataclass(frozen=True)
class NoiseEstimate:
    """σ (Ω) per reading of one curve's channel; ``kind`` says which rule gave it, ``method`` the details."""

    sigma: np.ndarray
    kind: str
    method: str
    scatter_ohm: float | None
    n_residuals: int
    instrument_median_ohm: float | None = None


#: the short names of the rules (``NoiseEstimate.kind``)
SCATTER = "scatter of the data about a local quadratic"
COLUMN = "the file's standard-deviation column"
COLUMN_MEAN = "the file's standard-deviation column / √(number of readings)"


def local_residuals(field, value, sweep) -> np.ndarray:
    """Standardised residuals z_i of each reading about a quadratic through its ±2 neighbours (same sweep).

    Neighbours are taken in field order within each sweep; NaN where a reading has no neighbours on both
    sides or its neighbourhood spans fewer than three distinct fields.
    """
    b = np.asarray(field, dtype=float)
    y = np.asarray(value, dtype=float)
    s = np.asarray(sweep)
    z = np.full(b.shape, np.nan)
    for code in pd.unique(s):
        idx = np.flatnonzero(s == code)
        idx = idx[np.argsort(b[idx], kind="stable")]
        if idx.size < 5:
            continue
        bi, yi = b[idx], y[idx]
        centre = np.arange(2, idx.size - 2)
        nb = centre[:, None] + np.array([-2, -1, 1, 2])[None, :]
        d = bi[nb] - bi[centre][:, None]
        d = d / np.maximum(np.abs(d).max(axis=1, keepdims=True), 1e-300)  # ŷ does not depend on the field unit
        X = np.stack([np.ones_like(d), d, d * d], axis=-1)  # (n, 4, 3)
        XtX = np.einsum("nki,nkj->nij", X, X)
        distinct = 1 + np.sum(np.diff(np.sort(d, axis=1), axis=1) > 1e-6, axis=1)
        good = distinct >= 3
        good[good] = np.linalg.cond(XtX[good]) < 1e10
        if not good.any():
            continue
        e0 = np.zeros((int(good.sum()), 3, 1))
        e0[:, 0, 0] = 1.0
        coef = np.linalg.solve(XtX[good], e0)[..., 0]  # (XᵀX)⁻¹e₀
        w = np.einsum("nki,ni->nk", X[good], coef)  # ŷ = Σ w y
        pred = np.sum(w * yi[nb[good]], axis=1)
        zc = (yi[centre[good]] - pred) / np.sqrt(1.0 + np.sum(w * w, axis=1))
        z[idx[centre[good]]] = zc
    return z


def robust_sigma(z: np.ndarray) -> float:
    """1.4826·MAD of ``z`` refined by the RMS of |z| < 3σ (÷ 0.9733); NaN for an empty array."""
    z = z[np.isfinite(z)]
    if z.size == 0:
        return math.nan
    s = 1.4826 * float(np.median(np.abs(z - np.median(z))))
    if s <= 0:
        return float(np.sqrt(np.mean(z * z)))
    keep = z[np.abs(z) < 3.0 * s]
    return float(np.sqrt(np.mean(keep * keep) / _CLIP3)) if keep.size else s


def instrument_sigma(df: pd.DataFrame) -> tuple[np.ndarray | None, str | None]:
    """The file's per-reading standard deviation in Ω (``resistance_std_ohm`` or ``Std. Dev. (u)`` scaled by
    ``resistance_ohm / Resistivity (u)`` of the same row) and the column used; (None, None) when absent."""
    if "resistance_std_ohm" in df.columns:
        v = df["resistance_std_ohm"].to_numpy(float)
        if np.isfinite(v).any():
            return v, "resistance_std_ohm"
    for col in df.columns:
        m = _STD_COL.match(str(col))
        partner = f"Resistivity ({m.group('unit')})" if m else None
        if m and partner in df.columns:
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = df["resistance_ohm"].to_numpy(float) / df[partner].to_numpy(float)
            v = df[col].to_numpy(float) * ratio
            if np.isfinite(v).any():
                return v, f"{col} × resistance/{partner}"
    return None, None


def estimate(df: pd.DataFrame, *, what: str) -> NoiseEstimate:
    """σ per reading (Ω) of one curve's channel: columns ``field_T``, ``resistance_ohm``, ``sweep`` (+ instrument).

    ``what`` names the curve and channel in messages (e.g. ``"T = 2 K, R_xx"``).
    """
    z = local_residuals(df["field_T"], df["resistance_ohm"], df["sweep"])
    n = int(np.isfinite(z).sum())
    scatter = robust_sigma(z) if n >= MIN_RESIDUALS else None
    inst, col = instrument_sigma(df)
    size = len(df)
    if inst is not None:
        med = float(np.nanmedian(inst))
        readings = float(np.nanmedian(df["Number of Readings"])) if "Number of Readings" in df.columns else 1.0
        readings = readings if np.isfinite(readings) and readings >= 1 else 1.0
        options = [(1.0, COLUMN, f"{col} as the standard deviation of each reading")]
        if readings > 1:
            options.append((math.sqrt(readings), COLUMN_MEAN, f"{col} / √{readings:g} (standard deviation of the "
                                                              f"{readings:g} single readings averaged into each value)"))
        per_point = np.where(np.isfinite(inst) & (inst > 0), inst, med)
        if scatter is None:
            return NoiseEstimate(per_point, COLUMN, f"{options[0][2]} (not checked: only {n} residuals to compare with)",
                                 None, n, med)
        ratios = [(abs(math.log(med / div / scatter)), div, kind, text) for div, kind, text in options
                  if med > 0 and scatter > 0]
        best = min(ratios, default=None)
        if best is not None and best[0] <= math.log(AGREEMENT):
            return NoiseEstimate(per_point / best[1], best[2], f"{best[3]}, which agrees with the scatter of the data "
                                 f"({scatter:.3g} Ω)", scatter, n, med)
        method = (f"{SCATTER} ({scatter:.3g} Ω); the file's {col} (median {med:.3g} Ω"
                  + (f", {med / math.sqrt(readings):.3g} Ω per √{readings:g}" if readings > 1 else "")
                  + ") disagrees with it and was not used")
        return NoiseEstimate(np.full(size, scatter), SCATTER, method, scatter, n, med)
    if scatter is None:
        raise DataFormatError(
            f"cannot estimate the noise of {what}: only {n} readings have two neighbours on each side in their sweep "
            f"(need {MIN_RESIDUALS}) and the file has no standard-deviation column; measure more points or a second "
            "sweep, or give the uncertainties (errors=)"
        )
    return NoiseEstimate(np.full(size, scatter), SCATTER, f"{SCATTER} ({scatter:.3g} Ω)", scatter, n)


#: y must span more than this factor before the form of the noise (one σ or one relative σ) matters
FORM_SPAN = 3.0


def relative_noise(x, y) -> bool:
    """True when the scatter of ``y`` about its local quadratic in ``x`` grows in proportion to ``y``.

    Positive ``y`` spanning more than :data:`FORM_SPAN` only.  The residuals of y and of ln y are split at the
    terciles of y; the form whose robust scale is the more nearly equal in the lowest and highest third wins
    (absolute noise makes the ln y scatter of the low third larger by y_high/y_low, relative noise the y scatter
    of the high third).  Too few residuals in a third: relative when y spans more than a decade.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any() or np.any(y[ok] <= 0) or y[ok].max() <= FORM_SPAN * y[ok].min():
        return False
    sweep = np.zeros(x.size, dtype=int)
    z_abs = local_residuals(x, y, sweep)
    z_rel = local_residuals(x, np.log(np.where(ok, y, np.nan)), sweep)
    q1, q2 = np.nanquantile(y[ok], [1.0 / 3.0, 2.0 / 3.0])
    low, high = ok & (y <= q1), ok & (y >= q2)
    if min(np.isfinite(z_abs[low]).sum(), np.isfinite(z_abs[high]).sum()) < MIN_RESIDUALS:
        return bool(y[ok].max() > 10.0 * y[ok].min())
    spread = []
    for z in (z_abs, z_rel):
        lo, hi = robust_sigma(z[low]), robust_sigma(z[high])
        spread.append(abs(math.log(lo / hi)) if lo > 0 and hi > 0 else math.inf)
    return bool(spread[1] < spread[0])


def with_scatter_errors(df: pd.DataFrame, x: str, y: str) -> pd.DataFrame:
    """``df`` with ``<y>_err``: the σ of each value of ``y`` from the scatter of the data about a local quadratic in
    ``x`` (:func:`local_residuals`, :func:`robust_sigma`), announced in ``attrs["sigmafit"]["errors"]`` with the rule
    in ``attrs["sigmafit"]["weights"]`` — so that a fit's χ²_ν is a goodness of fit.

    One σ for the curve, or one *relative* σ (the scatter of ln y) when the data say the noise grows with y
    (:func:`relative_noise`: hopping R(T) read with a relative precision; a metal read at a fixed excitation keeps
    one σ however many decades its RRR spans).  Unchanged when ``y`` already has an error column or too few
    residuals exist (< ``MIN_RESIDUALS``): then the fit stays unweighted and says so.
    """
    meta = df.attrs.get("sigmafit", {})
    if (meta.get("errors") or {}).get(y) in df.columns or x not in df.columns or y not in df.columns:
        return df
    xv, yv = df[x].to_numpy(float), df[y].to_numpy(float)
    ok = np.isfinite(xv) & np.isfinite(yv)
    relative = relative_noise(xv, yv)
    values = np.log(np.where(ok & (yv > 0), yv, np.nan)) if relative else yv
    z = local_residuals(xv, values, np.zeros(xv.size, dtype=int))
    n = int(np.isfinite(z).sum())
    if n < MIN_RESIDUALS:
        return df
    scale = robust_sigma(z)
    if not (np.isfinite(scale) and scale > 0):
        return df
    out = df.copy()
    err = f"{y}_err"
    out[err] = scale * np.abs(yv) if relative else np.full(yv.size, scale)
    out.attrs = {**df.attrs, "sigmafit": {**meta, "errors": {**(meta.get("errors") or {}), y: err},
                                          "weights": (f"1/σ, σ from the scatter of the data about a local quadratic in {x} "
                                                      f"({n} residuals): {'relative, ' + format(scale, '.3g') + ' of ' + y if relative else format(scale, '.3g') + ' in ' + y + ' units'}")}}
    return out
