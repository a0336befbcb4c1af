"""``sigmafit.fit``: fit one curve with one model and say when a number cannot be trusted."""

from __future__ import annotations

import warnings
from typing import Any

import lmfit
import numpy as np

from ..exceptions import FitError, FitQualityWarning
from .curve import (CurveData, Points, carries_offset, curve_data, in_window, primary, resolve_model, start_parameters,
                    with_offset)
from .diagnostics import error_scale, fit_warnings, known_errors, rescale_errors
from .options import MIN_POINTS, FitSettings, Window, split_options
from .result import FitResult
from .robust import robust_fit


def fit_method(model: lmfit.Model, settings: FitSettings) -> str:
    """The minimizer: the one asked for, else the model's preferred one (``fit_method``), else lmfit's leastsq."""
    main = primary(model)
    return settings.method or getattr(main, "fit_method", None) or "leastsq"


def run_lmfit(model: lmfit.Model, params: lmfit.Parameters, points: Points, settings: FitSettings, loss=None):
    """One lmfit least-squares fit (``loss=(name, scale)`` switches to scipy's least_squares)."""
    kws: dict[str, Any] = {}
    method = fit_method(model, settings)
    if loss is not None and loss[0] != "linear":
        method = "least_squares"
        kws["fit_kws"] = {"loss": loss[0], "f_scale": loss[1]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow probes inside the optimizer
        return model.fit(points.y, params, weights=points.w, method=method, max_nfev=settings.max_nfev, **kws,
                         **points.kwargs(model))


def _auto_window(model, main, curve: CurveData, window: Window, settings: FitSettings, result, p0):
    """Iterate |B| ≤ factor·(characteristic field) to convergence: (result, points, record, notes)."""
    if main is None or main.characteristic_x(result.params) is None:
        raise FitError(f"model {model.name!r} has no characteristic field; give --bmax in tesla instead of 'auto'")
    notes: list[str] = []
    limit = None
    points = in_window(curve, window, np.inf)
    for it in range(1, 9):
        new = window.factor * float(main.characteristic_x(result.params))
        mask = window.mask(curve.x, new)
        if mask.sum() < MIN_POINTS:
            kept = limit if limit is not None else float(np.abs(points.x).max())
            notes.append(f"the automatic window |B| ≤ {new:.3g} T holds fewer than {MIN_POINTS} points; kept |B| ≤ {kept:.3g} T")
            break
        converged = limit is not None and abs(new - limit) <= 0.02 * limit
        limit = new
        points = curve.select(mask)
        result = run_lmfit(model, result.params if it > 1 else p0, points, settings)
        if converged:
            break
    else:
        notes.append("the automatic field window did not settle in 8 iterations")
    shown = f"{limit:.4g}" if limit is not None else "?"
    record = {"abs_max": limit, "how": f"auto: |{curve.x_name}| ≤ {shown} = {window.factor:g}·(characteristic field), {it} iterations"}
    return result, points, record, notes


def _known_sigma_probability(best_fit, new_fit) -> float:
    """Probability of a profile point when the weights are per-point 1σ: Δχ² against χ² with as many degrees of
    freedom as parameters fixed (lmfit's default F-test measures Δχ² in units of χ²_ν, like scaled errors)."""
    from scipy.stats import chi2

    return float(chi2.cdf(max(new_fit.chisqr - best_fit.chisqr, 0.0), best_fit.nvarys - new_fit.nvarys))


def _intervals(result, notes: list[str], weighted: bool = False) -> dict[str, dict[str, float]]:
    """Profile-likelihood ±1σ intervals, on the same footing as the errors (:func:`~.diagnostics.error_scale`)."""
    known = known_errors(result.redchi, int(result.nfree), weighted)
    try:
        ci = result.conf_interval(sigmas=[1], prob_func=_known_sigma_probability if known else None)
        return {k: {"-1sigma": float(v[0][1]), "+1sigma": float(v[-1][1])} for k, v in ci.items()}
    except Exception as exc:  # noqa: BLE001 - lmfit raises many kinds here; the fit itself stands
        notes.append(f"profile-likelihood intervals could not be computed ({exc})")
        return {}


def fit(data, model, *, x=None, y=None, weights=None, params: lmfit.Parameters | None = None,
        window: Window | None = None, settings: FitSettings | None = None, source=None, warn: bool = True,
        **options: Any) -> FitResult:
    """Fit one curve.

    Parameters
    ----------
    data : DataFrame with canonical columns, ``(x, y)`` arrays, or y values with ``x=`` an array.
    model : registry name (``"hln"``, ``"lnT"``, ``"drude"`` …) or any lmfit Model.
    x, y : column names when ``data`` is a DataFrame (default: the model's canonical columns).
    weights : None (the data's own uncertainties when the loader announced an error column, else the model's
        default), ``"none"``, ``"relative"``, a column of per-point 1σ uncertainties, or an array multiplying
        the residual.
    params : start Parameters (deep-copied, never modified); default: the model's ``guess``.
    window, settings : a :class:`~sigmafit.fitting.options.Window` / :class:`~sigmafit.fitting.options.FitSettings`;
        or the same as flat keywords in ``options``:
        ``xmin, xmax`` (x units: T, K, cm⁻¹), ``bmax`` (|B| in T, or ``"auto"``: |B| ≤ ``window_factor``·B_φ
        iterated), ``fix, init`` (``{name: value}``), ``background`` (``"quadratic"``: c2·B²; ``"offset"``: a free constant;
        ``"quadratic+offset"``), ``method``,
        ``loss`` (robust: ``"soft_l1"``, ``"huber"`` …), ``conf_interval`` (profile-likelihood ±1σ),
        ``max_nfev``.  Any other keyword goes to the model's constructor (e.g. ``n_oscillators=3``).
    source : extra provenance recorded in the result (e.g. ``{"path": …}``).
    warn : emit one :class:`~sigmafit.exceptions.FitQualityWarning` when ``result.warnings`` is not empty.

    Returns
    -------
    FitResult, whose ``warnings`` list every reason not to trust a number.
    """
    flat = {"x": x, "y": y, "weights": weights, **options}
    w_opts, s_opts, model_options = split_options({k: v for k, v in flat.items() if v is not None})
    window = window or w_opts
    settings = settings or s_opts
    m, name = resolve_model(model, background=settings.background, **model_options)
    main = primary(m)
    curve = curve_data(data, m, settings, source)
    if carries_offset(curve.source, getattr(main, "family", None)):
        m, name = with_offset(m, name)
    points = in_window(curve, window, np.inf if window.auto else None)
    p0 = start_parameters(m, points, settings, params)
    result = run_lmfit(m, p0, points, settings)
    record = window.describe(curve.x_name)
    notes = list(curve.notes)
    if window.auto:
        result, points, auto_record, auto_notes = _auto_window(m, main, curve, window, settings, result, p0)
        record.update(auto_record)
        notes += auto_notes
    intervals = _intervals(result, notes, curve.weighted) if settings.conf_interval else None
    excluded = None
    if settings.robust:
        result, inliers, scale, robust_notes = robust_fit(lambda p, pts, loss=None: run_lmfit(m, p, pts, settings, loss),
                                                          result.params, points, settings.loss, curve.x_name)
        record.update(loss=settings.loss, robust_scale=float(scale),
                      discounted=[float(v) for v in np.tile(points.x, curve.parts)[~inliers]])
        notes += robust_notes
        if curve.parts == 1 and (~inliers).any():
            excluded = (points.x[~inliers], points.y[~inliers])
            points = points.take(inliers)
    record["n_points"] = int(points.x.size)
    if result.errorbars:  # per-point 1σ weights: errors from them, not rescaled by a chance χ²_ν
        rescale_errors(result, error_scale(result.redchi, int(result.nfree), curve.weighted))
    fr = FitResult(model_name=name, lmfit_result=result, x=points.x, y=points.y, weights=points.w, x_name=curve.x_name,
                   y_name=curve.y_name, source=curve.source, window=record, intervals=intervals, excluded=excluded,
                   weighted=curve.weighted, extra_vars=points.extra)
    fr.warnings = notes + fit_warnings(result, m, points, curve.parts, weighted=curve.weighted,
                                       noise_estimated=curve.noise_estimated)
    fr.warnings += [f"assumed: {a}" for a in curve.source.get("assumptions", [])]
    if warn and fr.warnings:
        warnings.warn(f"{name} fit: {len(fr.warnings)} warning(s); first: {fr.warnings[0]}", FitQualityWarning, stacklevel=2)
    return fr
