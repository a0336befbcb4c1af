"""Models fitted to one or several canonical columns at once: data selection and per-part weights.

A *joint* model fits k columns against one x (ρ_xx and ρ_xy against B): its output, the data and
the weights are the columns one after the other, ``y = concat(part_1, …, part_k)`` of length k·N —
the layout :func:`sigmafit.fit` accepts for ``len(y) = k·len(x)`` (as for the complex optics
observables).  :class:`ColumnData` gives a model ``fit_data`` (DataFrame → arrays, with the error
columns announced in ``df.attrs["sigmafit"]["errors"]`` turned into weights 1/error: per-point 1σ,
so the fit checks χ²_ν against 1) and ``default_weights`` (each part weighted by its own
point-to-point noise), so that χ²_ν means something even when the parts differ by orders of magnitude.
"""

from __future__ import annotations

from typing import Any, ClassVar

import lmfit
import numpy as np
import pandas as pd

from ..exceptions import DataFormatError
from ..prepare._common import meta_of, require
from ..prepare.heat import require_positive

__all__ = ["ColumnData", "point_noise"]


def _inverse(err: np.ndarray) -> np.ndarray:
    """1/err where err > 0, NaN elsewhere (the fit leaves those points out and says so)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(err > 0, 1.0 / err, np.nan)


def point_noise(x, y) -> float:
    """Point-to-point noise of ``y(x)`` from second differences, in the unit of ``y``.

    With y sorted by x and the spacings h₁ = x_i − x_{i−1}, h₂ = x_{i+1} − x_i, the second divided difference
    d_i = (h₂·y_{i−1} − (h₁ + h₂)·y_i + h₁·y_{i+1}) / √(h₁² + h₂² + (h₁ + h₂)²) vanishes for any locally linear
    curve *whatever the spacing* and has variance σ² for independent noise σ (on an even grid it is
    (y_{i+1} − 2y_i + y_{i−1})/√6).  The spacing matters: symmetrized Hall data hold two rows per set point
    (up/down sweeps paired at ±B) a few µT apart, and the plain second difference of such a steep line
    (R_xy = R_H·B) is R_H × the field step — tens of times the noise.  A robust first estimate
    (1.4826·MAD) sets a 4σ cut against glitches; the RMS of the differences inside it gives σ (unbiased
    for Gaussian noise, ≈ 9 % scatter from 80 points).  A curve that bends strongly between neighbouring
    points inflates it.  NaN with fewer than 5 finite points.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 5:
        return float("nan")
    order = np.argsort(x[ok], kind="stable")
    xs, ys = x[ok][order], y[ok][order]
    h1, h2 = xs[1:-1] - xs[:-2], xs[2:] - xs[1:-1]
    norm = np.sqrt(h1 * h1 + h2 * h2 + (h1 + h2) ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = (h2 * ys[:-2] - (h1 + h2) * ys[1:-1] + h1 * ys[2:]) / norm
    d = d[norm > 0]
    if d.size < 3:
        return float("nan")
    d = d - np.median(d)
    s0 = 1.4826 * np.median(np.abs(d))
    keep = np.abs(d) <= 4.0 * s0 if s0 > 0 else np.ones(d.size, dtype=bool)
    return float(np.sqrt(np.mean(d[keep] ** 2)))


class ColumnData:
    """Mixin for a :class:`~sigmafit.models.base.SigmafitModel` fitted to :attr:`columns` against ``x``.

    Sets nothing else; the model class gives ``x`` and ``columns`` (and ``positive`` when its data
    must be > 0, e.g. a heat capacity).
    """

    #: the canonical columns fitted, in the order they are stacked
    columns: ClassVar[tuple[str, ...]] = ()
    #: non-empty when the data must be > 0: why, and what to do (ends the DataFormatError's sentence)
    positive: ClassVar[str] = ""
    #: how the stacked parts read in figures and tables (one label per column)
    part_labels: ClassVar[tuple[str, ...]] = ()
    #: :meth:`default_weights` are 1/(each part's estimated noise): a fit with them checks χ²_ν against 1
    default_weights_estimate_noise: ClassVar[bool] = True

    def fit_data(self, df: pd.DataFrame, *, x=None, y=None, weights=None) -> dict[str, Any]:
        """The arrays of a fit of ``df`` (:func:`sigmafit.fit`'s protocol): x and the stacked columns.

        ``y`` may name other columns, joined with ``+`` (``"resistance_ohm+hall_resistance_ohm"``).
        ``weights``: None — 1/error from the error columns of ``df.attrs["sigmafit"]["errors"]`` when every
        part has one (per-point 1σ: the fit checks χ²_ν), else none here and the fit applies
        :meth:`default_weights`; ``"none"``/``"relative"`` — none here (the fit applies the scheme); a
        column name — per-point 1σ uncertainties of every part (weights 1/error); an array of the stacked
        length — weights as given.
        """
        xname = x or self.x
        cols = tuple(str(y).split("+")) if y else self.columns
        if len(cols) != len(self.columns):
            raise DataFormatError(f"model {self.name!r} fits {len(self.columns)} column(s) ({'+'.join(self.columns)}); y={y!r} names {len(cols)}")
        require(df, [xname, *cols], f"fitting {self.name!r}")
        xv = np.asarray(pd.to_numeric(df[xname], errors="coerce"), dtype=float)
        parts = [np.asarray(pd.to_numeric(df[c], errors="coerce"), dtype=float) for c in cols]
        if self.positive:
            for c in cols:
                require_positive(df, c, x=xname, why=self.positive)
        yname = "+".join(cols)
        out = {"x": xv, "y": np.concatenate(parts), "weights": None, "x_name": xname, "y_name": yname,
               "weighted": False, "weights_how": None, "independent": {}}
        errors = meta_of(df).get("errors") or {}
        err_cols = [errors.get(c) for c in cols]
        if weights is not None and not isinstance(weights, str):
            out["weights"] = np.asarray(weights, dtype=float)
        elif isinstance(weights, str) and weights not in ("none", "relative"):
            require(df, [weights], f"fitting {self.name!r} (the weights column of 1σ uncertainties)")
            out.update(weights=_inverse(np.tile(np.asarray(df[weights], dtype=float), len(cols))), weighted=True,
                       weights_how=f"1/{weights} (per-point 1σ uncertainties of {yname})")
        elif weights is None and all(e is not None and e in df.columns for e in err_cols):
            out.update(weights=_inverse(np.concatenate([np.asarray(df[e], dtype=float) for e in err_cols])), weighted=True,
                       weights_how=f"1/{'+'.join(err_cols)} (the data's own uncertainties)")
        return out

    def data_parts(self) -> int:
        """One part per fitted column."""
        return len(self.columns) or 1

    def guess(self, data, x=None, **kwargs):
        """Start parameters from stacked data (lmfit protocol).

        Points where any part or x is not finite are left out; the model's ``_guess(y, x)`` sees the
        stacked parts and x repeated once per part (``x[: x.size // len(columns)]`` is the x axis).
        Start values are clipped into the bounds of *this instance's* parameters (an option such as
        ``signs="free"`` may have widened the table's), kept strictly inside them, and never set on a
        constrained (expression) parameter; keyword arguments override them.
        """
        y = np.asarray(data, dtype=float)
        k = len(self.columns) or 1
        if y.size % k:
            raise ValueError(f"{self.name}: {y.size} data values are not {k} parts of equal length")
        parts = y.reshape(k, -1)
        xv = np.asarray(x, dtype=float) if x is not None else np.arange(parts.shape[1], dtype=float)
        if xv.shape != parts[0].shape:
            raise ValueError(f"{self.name}: x has {xv.size} points but each of the {k} parts has {parts.shape[1]}")
        ok = np.isfinite(xv) & np.all(np.isfinite(parts), axis=0)
        values = self._guess(parts[:, ok].ravel(), np.tile(xv[ok], k)) if ok.sum() >= 3 else {}
        params = self.make_params()
        for name, value in values.items():
            par = params.get(self.prefix + name)
            if par is None or par.expr or not par.vary or not np.isfinite(value):
                continue
            v = float(np.clip(value, par.min, par.max))
            if v in (par.min, par.max):  # strictly inside so the fit can move
                v = par.value if par.min < par.value < par.max else v
            par.set(value=v)
        return lmfit.models.update_param_vals(params, self.prefix, **kwargs)

    def default_weights(self, x, y):
        """each part weighted by 1/(its point-to-point noise, from second differences)"""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        k = y.size // max(x.size, 1)
        if k < 2 or k * x.size != y.size:
            return None
        parts = y.reshape(k, -1)
        noise = np.array([point_noise(x, p) for p in parts])
        scale = np.array([np.sqrt(np.nanmean(p * p)) if np.isfinite(p).any() else np.nan for p in parts])
        # a noiseless part (simulated data) gets a floor far below the other parts' noise
        floor = 1e-9 * np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
        noise = np.where(np.isfinite(noise) & (noise > floor), noise, floor)
        return np.concatenate([np.full(x.size, 1.0 / s) for s in noise])

