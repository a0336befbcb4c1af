"""The vectorized batch engine's glue: curves prepared exactly as :func:`sigmafit.fit` prepares them, fitted all
at once by :mod:`sigmafit.fitting.engine`, summarised in the one result schema.

Curves that the engine cannot bring to convergence, or that have no error bars at its optimum, are refitted with
lmfit (the row's ``engine`` column says so).
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Callable, Mapping

import lmfit
import numpy as np

from ..exceptions import FitError
from ..models import registry
from ..models.base import derived_names, param_units
from . import engine as E
from . import schema
from .curve import apply_settings, curve_data, in_window
from .diagnostics import generic_warnings, model_warnings
from .options import FitSettings, Window
from .rows import error_text, failed_row, finish_row, row_from_summary
from .tasks import CurveTask, Job


def vectorizable(model, options: Mapping[str, Any], model_options: Mapping[str, Any]) -> str | None:
    """None when the vectorized engine can fit ``model`` with ``options``; else the reason it cannot."""
    if not isinstance(model, str):
        return "the model is not a registry name"
    if model not in E.SPECS:
        return f"model {model!r} has no vectorized form (vectorized: {', '.join(sorted(E.SPECS))})"
    if model_options:
        return "model options are given"
    if options.get("background"):
        return "a background is added"
    if options.get("loss", "linear") != "linear":
        return "a robust loss is asked for"
    if options.get("method") not in (None, "leastsq"):
        return f"method {options.get('method')!r} is asked for"
    if options.get("bmax") == "auto":
        return "the automatic field window (bmax='auto') refits iteratively"
    w = options.get("weights")
    if w is not None and not isinstance(w, str):
        return "one weights array cannot apply to every curve"
    names = [p.name for p in registry.model_class(model).params_table]
    missing = set(names) - set(E.SPECS[model].names)
    return f"the vectorized form of {model!r} lacks {sorted(missing)}" if missing else None


@dataclass
class _Prepared:
    task: CurveTask
    x: np.ndarray
    y: np.ndarray
    w: np.ndarray | None
    start: dict[str, float]
    notes: list[str]
    source: dict[str, Any]
    window: dict[str, Any]
    x_name: str
    y_name: str
    weighted: bool


class _Par:
    """The attributes of an lmfit Parameter that the diagnostics and the schema read (cheap by the thousand)."""

    __slots__ = ("name", "value", "stderr", "correl", "vary", "min", "max", "expr")

    def __init__(self, name, value, vary, lo, hi, expr=None):
        self.name, self.value, self.vary, self.min, self.max, self.expr = name, value, vary, lo, hi, expr
        self.stderr = None
        self.correl = None


def _prepare(task: CurveTask, model, template: lmfit.Parameters, window: Window, settings: FitSettings) -> _Prepared:
    """The one curve preparation (:func:`curve_data`, :func:`in_window`), start values as plain numbers."""
    curve = curve_data(task.data, model, settings, {"path": task.source} if task.source else None)
    if curve.parts != 1:
        raise FitError(f"y has {curve.y.size} values for {curve.x.size} x values; they must match")
    if curve.independent:
        raise FitError("the vectorized engine fits one independent variable; this model needs more")
    x, y, w, _ = in_window(curve, window)
    record = window.describe(curve.x_name)
    record["n_points"] = int(x.size)
    values = {n: float(p.value) for n, p in template.items() if p.expr is None}
    if task.start:
        values.update({k: float(v) for k, v in task.start.items() if k in values and np.isfinite(v)})
    else:
        values.update(model.guess_values(y, x))
        values.update(settings.init)
    values.update(settings.fix)
    return _Prepared(task, x, y, w, values, list(curve.notes), curve.source, record, curve.x_name, curve.y_name,
                     curve.weighted)


def _derived(template: lmfit.Parameters, values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Vectorized values of the template's expression parameters for arrays of parameter values."""
    interp = template._asteval
    out: dict[str, np.ndarray] = {}
    for name, arr in values.items():
        interp.symtable[name] = arr
    for name, p in template.items():
        if p.expr:
            interp.error = []
            v = interp.eval(p.expr, show_errors=False)
            if interp.error:
                raise FitError(f"cannot evaluate {name} = {p.expr}")
            out[name] = np.asarray(v, dtype=float) * np.ones_like(next(iter(values.values())))
            interp.symtable[name] = out[name]
    return out


def _derived_with_errors(template, names, values: np.ndarray, vi: np.ndarray, covar: np.ndarray):
    """Derived values (c,) and their propagated stderr (c,), linear propagation with central differences."""
    base = {n: values[:, j].copy() for j, n in enumerate(names)}
    val = _derived(template, base)
    if not val:
        return {}, {}
    grads = {k: np.zeros((values.shape[0], vi.size)) for k in val}
    for a, j in enumerate(vi):
        h = 1e-6 * np.where(base[names[j]] != 0, np.abs(base[names[j]]), 1.0)
        up, dn = dict(base), dict(base)
        up[names[j]] = base[names[j]] + h
        dn[names[j]] = base[names[j]] - h
        vu, vd = _derived(template, up), _derived(template, dn)
        for k in val:
            grads[k][:, a] = (vu[k] - vd[k]) / (2 * h)
    err = {}
    for k, g in grads.items():
        with np.errstate(invalid="ignore"):
            var = np.einsum("ca,cab,cb->c", g, covar, g)
            err[k] = np.where(var >= 0, np.sqrt(var), np.nan)
    _derived(template, base)  # leave the interpreter at the best values
    return val, err


def _curve_params(template, res: E.BatchFit, i: int, derived) -> dict[str, _Par]:
    """Parameter-like objects of curve ``i``: values, vary flags, stderr and correlations, derived values."""
    vnames = [res.names[j] for j in res.varied]
    params = {n: _Par(n, None if p.expr else p.value, p.vary, p.min, p.max, p.expr) for n, p in template.items()}
    for j, name in enumerate(res.names):
        params[name].value = float(res.values[i, j])
        params[name].vary = name in vnames
    stderr, cov = res.stderr[i], res.covar[i]
    errorbars = bool(np.all(np.isfinite(stderr))) and vnames != []
    if errorbars:
        for a, na in enumerate(vnames):
            params[na].stderr = float(stderr[a])
            params[na].correl = {nb: float(cov[a, b] / (stderr[a] * stderr[b])) for b, nb in enumerate(vnames) if b != a}
        errorbars = bool(np.all(stderr > 0))
    dval, derr = derived
    for name in dval:
        params[name].value = float(dval[name][i])
        params[name].stderr = float(derr[name][i]) if errorbars else None
    return params


def _model_notes(model, template, params, x, y) -> list[str]:
    shim = SimpleNamespace(success=True, message="Fit succeeded.", params=params, model=model)
    try:
        return model_warnings(shim, x, y)
    except Exception:  # noqa: BLE001 - a diagnose() that needs real lmfit Parameters
        real = copy.deepcopy(template)
        for name, p in params.items():
            if p.expr is None:
                real[name].set(value=p.value, vary=p.vary)
            real[name].stderr, real[name].correl = p.stderr, p.correl
        return model_warnings(SimpleNamespace(params=real, model=model), x, y)


def vector_summary(prep: _Prepared, model, model_name: str, template, res: E.BatchFit, i: int, derived) -> dict[str, Any]:
    """The summary (one result schema) of curve ``i`` of a vectorized fit."""
    params = _curve_params(template, res, i, derived)
    best = res.best_fit[i, : prep.x.size]
    resid_w = (prep.y - best) * (1.0 if prep.w is None else prep.w)
    shim = SimpleNamespace(success=True, message="Fit succeeded.", params=params, model=model)
    warns = prep.notes + generic_warnings(shim, prep.x, resid_w) + _model_notes(model, template, params, prep.x, prep.y)
    stats = schema.statistics(y=prep.y, model_y=best, residual_weighted=resid_w, nvarys=len(res.varied),
                              nfev=int(res.nfev[i]), weighted=prep.weighted)
    out_p, out_d = schema.param_entries(params, param_units(model), derived_names(model))
    return schema.fit_summary(model=model_name, success=True, params=out_p, derived=out_d, statistics=stats, warnings=warns,
                              source={**prep.source, "x": prep.x_name, "y": prep.y_name}, window=prep.window)


def run_vector_job(job: Job, refit: Callable[[CurveTask, Job], dict[str, Any]]) -> list[tuple[CurveTask, dict[str, Any]]]:
    """Fit a chunk with the vectorized engine; unconverged curves are refitted with ``refit`` (lmfit)."""
    model = registry.get(job.model)
    spec = E.SPECS[job.model]
    window, settings = job.options["window"], job.options["settings"]
    template = model.make_params()  # bounds, defaults and expressions; values are per curve below
    apply_settings(template, settings.fix, settings.init)
    vary = np.array([bool(template[n].vary) for n in spec.names])
    lo = np.array([template[n].min for n in spec.names], dtype=float)
    hi = np.array([template[n].max for n in spec.names], dtype=float)
    rows: dict[int, dict[str, Any]] = {}
    preps: list[_Prepared] = []
    for t in job.tasks:
        if t.error:
            rows[t.index] = finish_row(t, failed_row(t.error), "vectorized")
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                preps.append(_prepare(t, model, template, window, settings))
        except Exception as exc:  # noqa: BLE001 - recorded, the batch goes on
            rows[t.index] = finish_row(t, failed_row(error_text(exc)), "vectorized")
    if preps:
        X, Y, W, M = E.pad([(p.x, p.y, p.w) for p in preps])
        P0 = np.array([[p.start[n] for n in spec.names] for p in preps], dtype=float)
        res = E.fit_arrays_two_pass(spec, X, Y, P0, weights=W, mask=M, vary=vary, lower=lo, upper=hi)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scratch = copy.deepcopy(template)  # its expression interpreter gets arrays; the template stays clean
            derived = _derived_with_errors(scratch, spec.names, res.values, res.varied, res.covar)
        for i, prep in enumerate(preps):
            rows[prep.task.index] = _row(prep, model, job, template, res, i, derived, refit)
    return [(t, rows[t.index]) for t in job.tasks]


def _row(prep: _Prepared, model, job: Job, template, res: E.BatchFit, i: int, derived, refit) -> dict[str, Any]:
    t = prep.task
    varied = [res.names[j] for j in res.varied]
    undetermined = [n for a, n in enumerate(varied)
                    if not (np.isfinite(res.stderr[i, a]) and res.stderr[i, a] <= abs(res.values[i, res.varied[a]]))]
    if res.converged[i] and bool(np.all(np.isfinite(res.stderr[i]))):
        # A converged curve keeps the vectorized result, also when a parameter is not determined by the data
        # (a flat valley of χ²): the row carries the generic "not determined" warning and a note; where along
        # such a valley any optimizer stops — lmfit included — depends on its path, so a refit would add cost,
        # not information.
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                summary = vector_summary(prep, model, job.model, template, res, i, derived)
            note = f"{', '.join(undetermined)} not determined by the data: the value depends on the start" if undetermined else None
            return finish_row(t, row_from_summary(summary), "vectorized", note=note)
        except Exception as exc:  # noqa: BLE001 - fall through to lmfit
            reason = error_text(exc)
    elif not res.converged[i]:
        reason = res.message[i]
    else:  # no error bars at the optimum (singular curvature): lmfit decides what this curve gives
        reason = "no error bars at the vectorized optimum"
    return finish_row(t, refit(t, job), "lmfit-refit", note=f"vectorized engine: {reason}; refitted with lmfit")
