"""``FitResult``: one fitted curve, its numbers and its warnings.

The JSON schema of :meth:`FitResult.summary` is the one in DESIGN.md §4 (built by
:mod:`sigmafit.fitting.schema`) and is shared with ``sigmafit fit --json`` and the batch table.  A ``stderr``
of ``None`` means "could not be estimated", never 0.

Results know nothing of how they are shown: ``report()``, ``plot()`` and the Jupyter view hand the summary to
the presentation backend, looked up by module name (:data:`PRESENTATION_BACKEND`, the pandas plotting-backend
pattern), so ``sigmafit.fitting`` never imports ``sigmafit.report``.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

import lmfit
import numpy as np

from ..models.base import derived_names, independent_kwargs, param_units
from . import schema

#: Module that turns summaries into text, figures and HTML (``fit_text``, ``plot_fit``, ``fit_html`` …).
PRESENTATION_BACKEND = "sigmafit.report.backend"


def presentation():
    """The presentation backend module (see :data:`PRESENTATION_BACKEND`)."""
    return import_module(PRESENTATION_BACKEND)


def fine_grid(x: np.ndarray, n: int = 400) -> np.ndarray:
    """``n`` points across the range of ``x`` for a model line: logarithmic when x > 0 spans more than a factor 20."""
    if x.size < 2:
        return x
    if np.all(x > 0) and x.max() / x.min() > 20:
        return np.geomspace(x.min(), x.max(), n)
    return np.linspace(x.min(), x.max(), n)


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
    #: True when ``weights`` are 1/σ of per-point uncertainties (χ²_ν is then a goodness of fit)
    weighted: bool = False
    #: further independent variables of the fitted points, by name (the measurement model's ``channel``)
    extra_vars: dict[str, np.ndarray] = field(default_factory=dict)

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

    def eval(self, x=None, **extra) -> np.ndarray:
        """Model values at ``x`` (default: the fitted points) with the fitted parameters; further independent
        variables (``channel=…``) as keywords (default: those of the fitted points)."""
        xv = self.x if x is None else np.asarray(x, dtype=float)
        extra = extra or (self.extra_vars if x is None else {})
        return np.asarray(self.model.eval(self.params, **independent_kwargs(self.model, xv, extra)), dtype=float)

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
        return schema.stderr_of(self.params[name])

    def statistics(self) -> dict[str, Any]:
        """ndata, nvarys, χ², χ²_ν, R², AIC, BIC, nfev and whether χ² is weighted by per-point uncertainties."""
        r = self.lmfit_result
        model_y = self.eval()
        resid = self.y - model_y
        if self.weights is not None:
            resid = resid * self.weights
        return schema.statistics(y=self.y, model_y=model_y, residual_weighted=resid, nvarys=r.nvarys, nfev=r.nfev,
                                 weighted=self.weighted)

    def band(self, x=None, sigma: float = 1.0) -> np.ndarray | None:
        """Half-width of the model's ``sigma`` confidence band at ``x`` (lmfit ``eval_uncertainty``), or None."""
        xv = self.x if x is None else np.asarray(x, dtype=float)
        if not self.lmfit_result.errorbars or self.lmfit_result.covar is None:
            return None
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                b = self.lmfit_result.eval_uncertainty(params=self.params, sigma=sigma, **independent_kwargs(self.model, xv))
        except Exception:  # noqa: BLE001 - a band that cannot be computed is simply not drawn
            return None
        b = np.asarray(b, dtype=float)
        return b if b.size and np.all(np.isfinite(b)) else None

    def curve_data(self, n_fine: int = 400) -> dict[str, Any]:
        """The fitted points and the model on a fine grid, so a report can redraw the fit without refitting.

        ``{"x": […], "y": […], "residual": […], "fine_x": […], "fine_y": […], "components": {name: […]}, "parts": k}``;
        for complex observables y, residual and fine_y hold the k parts one after the other.  A model fitted to
        raw readings gives its display picture instead (``display_data``: the measurement model's Δσ(B) with the
        raw R_xx, R_xy under ``"raw"``), naming its axes in ``x_name``/``y_name``.
        """
        main = next((c for c in getattr(self.model, "components", [self.model]) if hasattr(c, "display_data")), None)
        if main is not None:
            return main.display_data(self.params, self.x, self.y, self.weights, n_fine=n_fine, **self.extra_vars)
        x = self.x
        fine = fine_grid(x, n_fine)
        out: dict[str, Any] = {
            "x": x.tolist(), "y": self.y.tolist(), "residual": self.residual.tolist(),
            "fine_x": fine.tolist(), "fine_y": self.eval(fine).tolist(), "parts": int(self.y.size // max(x.size, 1)),
        }
        if self.weighted and self.weights is not None:
            with np.errstate(divide="ignore"):
                out["y_err"] = (1.0 / np.asarray(self.weights, dtype=float)).tolist()
        band = self.band(fine)
        if band is not None:
            out["fine_band"] = band.tolist()
        if self.excluded is not None:
            out["excluded_x"], out["excluded_y"] = self.excluded[0].tolist(), self.excluded[1].tolist()
        if len(getattr(self.model, "components", [])) > 1 and out["parts"] == 1:
            out["components"] = {k.rstrip("_"): v.tolist() for k, v in self.eval_components(fine).items()}
        return out

    def summary(self, include_data: bool = False) -> dict[str, Any]:
        """Plain JSON-able dict (DESIGN.md §4 schema); ``include_data`` adds :meth:`curve_data` under ``"data"``."""
        params, der = schema.param_entries(self.params, self.units, derived_names(self.model))
        out = schema.fit_summary(model=self.model_name, success=self.success, params=params, derived=der,
                                 statistics=self.statistics(), warnings=self.warnings,
                                 source={**self.source, "x": self.x_name, "y": self.y_name}, window=self.window)
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

    # -- presentation (the backend reads the summary; results never import it) ---------
    def report(self) -> str:
        """Human-readable text: parameters ± errors (one rounding rule), statistics, warnings."""
        return presentation().fit_text(self.summary())

    def fit_report(self) -> str:
        """The same text as :meth:`report` (lmfit's name for it)."""
        return self.report()

    def __str__(self) -> str:
        return self.report()

    def plot(self, ax=None, **kwargs):
        """Data, model (with its 1σ band), components and residuals; returns the main Axes (never calls show()).

        Drawn from :meth:`summary` with the curve data, so a live result and a saved one look the same.
        ``kwargs``: ``residuals``, ``components``, ``xscale``.
        """
        return presentation().plot_fit(self.summary(include_data=True), ax=ax, **kwargs)

    def _repr_html_(self) -> str:
        return presentation().fit_html(self.summary(include_data=True))
