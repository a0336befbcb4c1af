"""The batch table: one row per curve, flattened from the one result schema, in a fixed column order.

Columns: ``index, source, label``, the curve's label columns (``temperature_K`` …), each parameter and derived
quantity with ``<name>_stderr`` (NaN when not estimable), the statistics, then ``success, status`` ("ok" |
"warning" | "failed"), ``n_warnings, warnings, error, engine, note, curve_id`` (and, with a store, ``attempt,
run, fitted_at``).
"""

from __future__ import annotations

import copy
import dataclasses
import warnings
from types import SimpleNamespace
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..exceptions import FitError, SigmafitError
from ..io.results import param_columns
from ..models import registry
from ..models.base import components, derived_names, param_units
from . import schema
from .curve import Points, primary
from .diagnostics import error_scale, fit_warnings
from .tasks import CurveTask

#: Columns every table has, in this order, before the parameters.
LABEL_COLUMNS = ("index", "source", "label")
STAT_COLUMNS = ("ndata", "nvarys", "chisqr", "redchi", "r_squared", "aic", "bic", "nfev")
TAIL_COLUMNS = ("success", "status", "n_warnings", "warnings", "error", "engine", "note", "curve_id")
STORE_COLUMNS = ("attempt", "run", "fitted_at")
#: Key of a vectorized row that must be refitted with lmfit (its value: the reason).
REFIT = "_refit"


def _status(success: bool, warns: list[str], error: str | None) -> str:
    if error or not success:
        return "failed"
    return "warning" if warns else "ok"


def row_from_summary(summary: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a fit summary (the schema of :meth:`FitResult.summary`) into one row (NaN for missing numbers)."""
    row: dict[str, Any] = param_columns(summary.get("params", {}), summary.get("derived"))
    stats = summary.get("statistics", {})
    for k in STAT_COLUMNS:
        v = stats.get(k)
        row[k] = np.nan if v is None else v
    warns = list(summary.get("warnings", []))
    success = bool(summary.get("success"))
    error = None
    runaway = [n for n, e in summary.get("params", {}).items() if e.get("vary") and e.get("value") is None]
    if success and runaway:
        # "converged" with a parameter at ±inf: no usable number came out of this curve
        success = False
        error = (f"the fit did not converge to finite values ({', '.join(runaway)} ran off to infinity): "
                 "the model cannot describe these data")
    if not success and error is None:
        error = next((w for w in warns if "did not converge" in w), "the fit did not converge")
    notes = list((summary.get("source") or {}).get("notes") or [])
    row.update(success=success, status=_status(success, warns, error), n_warnings=len(warns),
               warnings="; ".join(warns), error=error, note="; ".join(notes) or None)
    return row


def failed_row(error: str) -> dict[str, Any]:
    return {"success": False, "status": "failed", "n_warnings": 0, "warnings": "", "error": error}


def error_text(exc: BaseException) -> str:
    """One line for a failed curve: the sentence of a SigmafitError, else the exception's type and text."""
    if isinstance(exc, SigmafitError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else f"{type(exc).__name__} raised while fitting"


def finish_row(task: CurveTask, row: dict[str, Any], engine: str, note: str | None = None) -> dict[str, Any]:
    """A row with the task's labels in front and the engine, note and curve id at the end."""
    out = {"index": task.index, "source": task.source, "label": task.label, **task.labels}
    out.update(row)
    out.update(engine=engine, note="; ".join(n for n in (row.get("note"), note) if n) or None, curve_id=task.id)
    return out


def param_order(model_name: str, model_options) -> list[str]:
    """Parameter and derived names of the model in table order, each followed by its ``_stderr`` column."""
    try:
        m = registry.get(model_name, **model_options)
        names = [p.name for p in m.params_table] + [d.name for d in m.derived_table]
    except Exception:  # noqa: BLE001 - ordering only
        return []
    return [c for n in names for c in (n, f"{n}_stderr")]


def order_columns(table: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Labels, label columns, parameters, other columns, statistics, then the status columns."""
    first = [c for c in LABEL_COLUMNS if c in table.columns]
    tail = [c for c in TAIL_COLUMNS + STORE_COLUMNS if c in table.columns]
    stats = [c for c in STAT_COLUMNS if c in table.columns]
    params = [c for c in order if c in table.columns]
    rest = [c for c in table.columns if c not in first + tail + stats + params]
    labels = [c for c in rest if not c.endswith("_stderr") and f"{c}_stderr" not in table.columns]
    others = [c for c in rest if c not in labels]
    return table[first + labels + params + others + stats + tail]


def make_table(records: list[dict[str, Any]], model_name: str, model_options) -> pd.DataFrame:
    """The batch table from row dicts, text columns with None (not NaN) where empty, columns ordered."""
    table = pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=list(LABEL_COLUMNS + TAIL_COLUMNS))
    for col in ("error", "note"):
        if col in table.columns:
            table[col] = table[col].astype(object).where(table[col].notna(), None)
    return order_columns(table, param_order(model_name, model_options))


# --------------------------------------------------------------------------------------------
# rows of a vectorized chunk (engine.BatchFit), the same as row_from_summary of sigmafit.fit's summary
# --------------------------------------------------------------------------------------------


class _Par:
    """The attributes of an lmfit Parameter that the diagnostics and the schema read (cheap by the thousand)."""

    __slots__ = ("name", "value", "stderr", "correl", "vary", "min", "max", "expr")

    def __init__(self, name, value, vary, lo, hi, expr=None):
        self.name, self.value, self.vary, self.min, self.max, self.expr = name, value, vary, lo, hi, expr
        self.stderr = None
        self.correl = None


def _derived(template, values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
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


def derived_with_errors(template, names, values: np.ndarray, vi: np.ndarray, covar: np.ndarray):
    """Derived values (c,) and their propagated stderr (c,), linear propagation with central differences.

    ``template`` is a scratch copy of the lmfit Parameters: its expression interpreter is given arrays.
    """
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
    return val, err


def _curve_params(template, res, i: int, derived) -> dict[str, _Par]:
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


def _warnings(model, template, shim, points: Points, weighted: bool) -> list[str]:
    """:func:`fit_warnings` of one curve; a ``diagnose`` that needs real lmfit Parameters gets them."""
    try:
        return fit_warnings(shim, model, points, 1, weighted=weighted)
    except Exception:  # noqa: BLE001 - a diagnose() that needs real lmfit Parameters
        real = copy.deepcopy(template)
        for name, p in shim.params.items():
            if p.expr is None:
                real[name].set(value=p.value, vary=p.vary)
            real[name].stderr, real[name].correl = p.stderr, p.correl
        return fit_warnings(SimpleNamespace(**{**vars(shim), "params": real}), model, points, 1, weighted=weighted)


def data_checks(model, template, res, live) -> list[dict[str, list[str]]]:
    """The data checks (``diagnose_data``) of every curve of a vectorized fit, by the components that make them for
    many curves at once (``diagnose_data_many``): {component name: sentences} per curve."""
    out: list[dict[str, list[str]]] = [{} for _ in live]
    values = {n: res.values[:, j] for j, n in enumerate(res.names)}
    for comp in components(model):
        many = getattr(comp, "diagnose_data_many", None)
        if many is not None:
            for d, s in zip(out, many(template, values, [p.x for _, _, p in live], [p.y for _, _, p in live])):
                d[comp.name] = s
    return out


def _summary(model, model_name: str, template, res, i: int, derived, arrays, points: Points, p0, window, checks):
    """The summary (one result schema) of curve ``i`` of a vectorized fit: what sigmafit.fit's summary holds
    (``checks``: its :func:`data_checks`)."""
    params = _curve_params(template, res, i, derived)
    x, y, w = points.x, points.y, points.w
    best = res.best_fit[i, : x.size]
    resid_w = (y - best) * (1.0 if w is None else w)
    stats = schema.statistics(y=y, model_y=best, residual_weighted=resid_w, nvarys=len(res.varied),
                              nfev=int(res.nfev[i]), weighted=arrays.weighted)
    init = {n: float(p0[i, j]) for j, n in enumerate(res.names)}
    shim = SimpleNamespace(success=True, message="Fit succeeded.", params=params, model=model, init_values=init,
                           best_fit=best, redchi=stats["redchi"], ndata=x.size, nvarys=len(res.varied), data_checks=checks)
    warns = list(arrays.notes) + _warnings(model, template, shim, points, arrays.weighted)
    warns += [f"assumed: {a}" for a in arrays.source.get("assumptions", [])]
    out_p, out_d = schema.param_entries(params, param_units(model), derived_names(model))
    record = window.describe(arrays.x_name)
    record["n_points"] = int(x.size)
    return schema.fit_summary(model=model_name, success=True, params=out_p, derived=out_d, statistics=stats,
                              warnings=warns, source={**arrays.source, "x": arrays.x_name, "y": arrays.y_name},
                              window=record)


def _refit_reason(res, i: int) -> str | None:
    if not res.converged[i]:
        return res.message[i]
    if not bool(np.all(np.isfinite(res.stderr[i]))):  # singular curvature: lmfit decides what this curve gives
        return "no error bars at the vectorized optimum"
    return None


def chunk_rows(model, model_name: str, template, res, live, p0: np.ndarray, window) -> list[dict[str, Any]]:
    """Rows of the curves of a vectorized chunk (``live``: (task, CurveArrays, windowed Points) per row of ``res``).

    A converged curve keeps the vectorized result, also when a parameter is not determined by the data (a flat
    valley of χ²): the row carries the generic "not determined" warning and a note; where along such a valley
    any optimizer stops — lmfit included — depends on its path, so a refit would add cost, not information.
    Curves that did not converge or have no error bars are marked :data:`REFIT` with the reason.
    """
    # per-point 1σ weights: errors from them, not rescaled by a chance χ²_ν (as sigmafit.fit does)
    factor = np.array([error_scale(float(r), int(d), arrays.weighted) for r, d, (_, arrays, _) in zip(res.redchi, res.dof, live)])
    if np.any(factor != 1.0):
        res = dataclasses.replace(res, covar=res.covar * factor[:, None, None])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        derived = derived_with_errors(copy.deepcopy(template), res.names, res.values, res.varied, res.covar)
        checks = data_checks(model, template, res, live)
    rows = []
    varied = [res.names[j] for j in res.varied]
    own = {p.name for p in primary(model).params_table}  # the physics: a free Δσ offset is naturally ≈ 0 ± its error
    for i, (task, arrays, points) in enumerate(live):
        reason = _refit_reason(res, i)
        if reason is None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    summary = _summary(model, model_name, template, res, i, derived, arrays, points, p0, window, checks[i])
                loose = [n for a, n in enumerate(varied)
                         if n in own and not res.stderr[i, a] <= abs(res.values[i, res.varied[a]])]
                note = f"{', '.join(loose)} not determined by the data: the value depends on the start" if loose else None
                rows.append(finish_row(task, row_from_summary(summary), "vectorized", note=note))
                continue
            except Exception as exc:  # noqa: BLE001 - fall through to lmfit
                reason = error_text(exc)
        rows.append({REFIT: reason})
    return rows
