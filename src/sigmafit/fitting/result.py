"""``FitResult``: one fitted curve, its numbers, its warnings, and how to show them.

The JSON schema of :meth:`FitResult.summary` is the one in DESIGN.md §4 and is shared
with ``sigmafit fit --json`` and the batch table.  A ``stderr`` of ``None`` means
"could not be estimated", never 0.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import lmfit
import numpy as np

from .._version import __version__
from ..models.base import derived_names, independent_kwargs, param_units


def _num(v: Any) -> float | None:
    """A JSON-safe float: NaN/inf/None → None."""
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _stderr(p: lmfit.Parameter) -> float | None:
    """The uncertainty, or None when there is none to report (fixed, or not estimable): never 0."""
    s = _num(p.stderr)
    if s is None or s == 0.0 or (not p.vary and not p.expr):
        return None
    return s


@dataclass
class FitResult:
    """The outcome of :func:`sigmafit.fit` for one curve.

    Attributes
    ----------
    model_name : registry name (or class name of a user-supplied lmfit Model).
    lmfit_result : the underlying :class:`lmfit.model.ModelResult`.
    x, y, weights : the data actually fitted (after windowing), as numpy arrays.
    x_name, y_name : canonical column names of x and y.
    source : where the data came from (path, curve label, preparation steps).
    window : the x window used and how it was chosen.
    warnings : every reason not to trust a number, as sentences.
    intervals : profile-likelihood confidence intervals when asked for (name → {"-1sigma":…, "+1sigma":…}).
    excluded : outliers found by a robust loss and left out of the final fit, as (x, y).
    """

    model_name: str
    lmfit_result: lmfit.model.ModelResult
    x: np.ndarray
    y: np.ndarray
    weights: np.ndarray | None = None
    x_name: str = "x"
    y_name: str = "y"
    source: dict[str, Any] = field(default_factory=dict)
    window: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    intervals: dict[str, dict[str, float]] | None = None
    #: points a robust loss identified as outliers and left out: (x, y), or None
    excluded: tuple[np.ndarray, np.ndarray] | None = None
    #: further JSON-able results attached by analysis steps (e.g. "spectral_weight"); copied into the summary
    extras: dict[str, Any] = field(default_factory=dict)

    # -- numbers ----------------------------------------------------------------
    @property
    def params(self) -> lmfit.Parameters:
        """Fitted lmfit Parameters (values, stderr, correlations, derived expressions)."""
        return self.lmfit_result.params

    @property
    def model(self) -> lmfit.Model:
        return self.lmfit_result.model

    @property
    def success(self) -> bool:
        return bool(self.lmfit_result.success)

    @property
    def units(self) -> dict[str, str]:
        return param_units(self.model)

    @property
    def independent(self) -> str:
        return self.model.independent_vars[0]

    def eval(self, x=None) -> np.ndarray:
        """Model values at ``x`` (default: the fitted x) with the fitted parameters."""
        xv = self.x if x is None else np.asarray(x, dtype=float)
        return np.asarray(self.model.eval(self.params, **independent_kwargs(self.model, xv)), dtype=float)

    def eval_components(self, x=None) -> dict[str, np.ndarray]:
        """Each component's contribution at ``x`` (one entry for a single model)."""
        xv = self.x if x is None else np.asarray(x, dtype=float)
        comps = self.model.eval_components(params=self.params, **independent_kwargs(self.model, xv))
        return {k: np.broadcast_to(np.asarray(v, dtype=float), np.shape(xv)) for k, v in comps.items()}

    @property
    def residual(self) -> np.ndarray:
        """Data minus model at the fitted points (unweighted)."""
        return self.y - self.eval()

    def value(self, name: str) -> float:
        return float(self.params[name].value)

    def stderr(self, name: str) -> float | None:
        return _stderr(self.params[name])

    def statistics(self) -> dict[str, Any]:
        r = self.lmfit_result
        res = self.residual
        ss_tot = float(np.sum((self.y - np.mean(self.y)) ** 2))
        r2 = 1.0 - float(np.sum(res**2)) / ss_tot if ss_tot > 0 else None
        return {
            "ndata": int(r.ndata),
            "nvarys": int(r.nvarys),
            "chisqr": _num(r.chisqr),
            "redchi": _num(r.redchi),
            "r_squared": _num(r2),
            "aic": _num(r.aic),
            "bic": _num(r.bic),
            "nfev": int(r.nfev),
        }

    def curve_data(self, n_fine: int = 400) -> dict[str, Any]:
        """The fitted points and the model on a fine grid, so a report can redraw the fit without refitting.

        ``{"x": […], "y": […], "residual": […], "fine_x": […], "fine_y": […], "components": {name: […]}, "parts": k}``;
        for complex observables y, residual and fine_y hold the k parts one after the other.
        """
        x = self.x
        if x.size > 1 and np.all(x > 0) and x.max() / x.min() > 20:
            fine = np.geomspace(x.min(), x.max(), n_fine)
        else:
            fine = np.linspace(x.min(), x.max(), n_fine) if x.size > 1 else x
        out: dict[str, Any] = {
            "x": x.tolist(), "y": self.y.tolist(), "residual": self.residual.tolist(),
            "fine_x": fine.tolist(), "fine_y": self.eval(fine).tolist(), "parts": int(self.y.size // max(x.size, 1)),
        }
        if self.excluded is not None:
            out["excluded_x"], out["excluded_y"] = self.excluded[0].tolist(), self.excluded[1].tolist()
        if len(getattr(self.model, "components", [])) > 1 and out["parts"] == 1:
            out["components"] = {k.rstrip("_"): v.tolist() for k, v in self.eval_components(fine).items()}
        return out

    def summary(self, include_data: bool = False) -> dict[str, Any]:
        """Plain JSON-able dict (DESIGN.md §4 schema); ``include_data`` adds :meth:`curve_data` under ``"data"``."""
        units = self.units
        derived = derived_names(self.model)
        params, der = {}, {}
        for name, p in self.params.items():
            entry = {"value": _num(p.value), "stderr": _stderr(p), "unit": units.get(name, "")}
            if name in derived:
                der[name] = entry
            elif p.expr:  # user constraint: report like a derived quantity
                der[name] = entry
            else:
                entry["vary"] = bool(p.vary)
                params[name] = entry
        out: dict[str, Any] = {
            "model": self.model_name,
            "success": self.success,
            "params": params,
            "derived": der,
            "statistics": self.statistics(),
            "warnings": list(self.warnings),
            "source": {**self.source, "x": self.x_name, "y": self.y_name},
            "window": dict(self.window),
            "software": {"sigmafit": __version__, "lmfit": lmfit.__version__},
        }
        if self.intervals is not None:
            out["intervals"] = self.intervals
        out.update(self.extras)
        if include_data:
            out["data"] = self.curve_data()
        return out

    def to_json(self, path=None, *, include_data: bool = True, **kwargs) -> str:
        """The summary (with the curve data, by default) as JSON text; also written to ``path`` when given."""
        text = json.dumps(self.summary(include_data=include_data), indent=2, **kwargs)
        if path is not None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        return text

    # -- presentation (delegated to sigmafit.report, imported lazily) ------------
    def report(self) -> str:
        """Human-readable text: parameters ± errors (one rounding rule), statistics, warnings."""
        from ..report.text import fit_report

        return fit_report(self.summary())

    def __str__(self) -> str:
        return self.report()

    def plot(self, ax=None, **kwargs):
        """Data, model, components and residuals; returns the main Axes (never calls show()).

        Drawn by :func:`sigmafit.report.plots.plot_saved_fit` from :meth:`curve_data`, so a live
        result and a saved one look the same.  ``kwargs``: ``residuals``, ``components``, ``xscale``.
        """
        from ..report.plots import plot_saved_fit

        if "xscale" not in kwargs:
            scales = {getattr(c, "plot_xscale", "linear") for c in getattr(self.model, "components", [self.model])}
            if "log" in scales and np.all(self.x > 0):
                kwargs["xscale"] = "log"
        ax = plot_saved_fit(self.curve_data(), ax=ax, x_name=self.x_name, y_name=self.y_name,
                            model_name=self.model_name, **kwargs)
        if self.warnings:
            ax.set_title(f"{len(self.warnings)} warning(s): see the report", fontsize="small", color="darkred")
        return ax

    def _repr_html_(self) -> str:
        from ..report.html import fit_html

        return fit_html(self)
