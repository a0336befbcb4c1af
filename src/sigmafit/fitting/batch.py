"""``fit_batch``: many curves, one model — fast, parallel, resumable, never stopped by one bad curve.

::

    res = sigmafit.fit_batch(curves, "hln-dp", out="run1")          # [(label, DataFrame or (x, y)), …]
    res = sigmafit.fit_batch(df, "hln", by="gate_V", seed_from_previous=True)
    res = sigmafit.fitting.fit_batch_files(paths, "hln-so", geometry=Geometry("vdp"), out="run2")
    res.summary_line()       # '2000 curves: 1990 ok, 8 with warnings, 2 failed …'
    res.table                # one row per curve: labels, values, stderr, statistics, status
    res.failed               # the rows that failed, with the reason

Engines
    ``"vectorized"`` fits every curve of a batch at once with a batched Levenberg–Marquardt
    and analytic Jacobians (:mod:`sigmafit.fitting.engine`; the HLN family); ``"lmfit"``
    calls :func:`sigmafit.fit` per curve, spread over processes; ``"auto"`` (default) takes
    the vectorized engine whenever the model and options allow it.  Curves the vectorized
    engine cannot bring to convergence are refitted with lmfit (``engine`` column says so).

Store
    With ``out=DIR`` finished curves go to ``DIR/results.sqlite`` chunk by chunk (see
    :mod:`sigmafit.fitting.store`); running the same batch again resumes it.  At the end
    ``results.csv`` (and ``results.parquet`` with pyarrow) and ``run.json`` are written.

Each curve gets fresh Parameters (the model's ``guess`` on its own data, or a copy of the
previous curve's result with ``seed_from_previous``); nothing is shared between curves.
"""

from __future__ import annotations


import copy
import html
import math
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterable, Literal, Mapping, Sequence

import lmfit
import numpy as np
import pandas as pd

from .._version import __version__
from ..exceptions import FitError, SigmafitError
from ..io.results import param_columns
from ..models import registry
from ..models.base import derived_names, param_units
from . import engine as E
from . import parallel
from .diagnostics import generic_warnings, model_warnings
from .result import _num, _stderr
from .single import MIN_POINTS, apply_settings, data_arrays, describe_window, fit, window_mask
from .store import BatchStore, canonical_json, curve_id, data_digest, write_outputs

Engine = Literal["auto", "vectorized", "lmfit"]

#: Columns every table has, in this order, before the parameters.
LABEL_COLUMNS = ("index", "source", "label")
STAT_COLUMNS = ("ndata", "nvarys", "chisqr", "redchi", "r_squared", "aic", "bic", "nfev")
TAIL_COLUMNS = ("success", "status", "n_warnings", "warnings", "error", "engine", "note", "curve_id")

#: Curves per chunk of the vectorized engine and of lmfit (upper limits; one store commit each).
VECTOR_CHUNK = 256
LMFIT_CHUNK = 16
#: Seconds between plain progress lines when no progress bar is shown.
PROGRESS_EVERY = 10.0

_FIT_KEYS = ("x", "y", "weights", "xmin", "xmax", "bmax", "window_factor", "fix", "init", "background",
             "method", "loss", "max_nfev")


# --------------------------------------------------------------------------------------------
# tasks and jobs
# --------------------------------------------------------------------------------------------


@dataclass
class CurveTask:
    """One curve to fit: where it came from, its label, its data (DataFrame or (x, y))."""

    index: int
    source: str | None
    label: Any
    data: Any
    labels: dict[str, Any] = field(default_factory=dict)  # extra label columns (e.g. temperature_K)
    id: str = ""
    error: str | None = None  # set when the curve could not even be prepared (unreadable file)
    start: dict[str, float] | None = None  # start values given by the caller (instead of the guess)


@dataclass
class Job:
    """A chunk of curves for one executor call (picklable)."""

    engine: str
    model: str
    model_options: dict[str, Any]
    options: dict[str, Any]
    tasks: list[CurveTask]
    seed: dict[str, float] | None = None  # seed_from_previous: values of the curve before the chunk
    chain: bool = False


def _digest(data) -> str:
    if isinstance(data, pd.DataFrame):
        try:
            return data_digest(*(pd.to_numeric(data[c], errors="coerce").to_numpy() for c in data.columns
                                 if pd.api.types.is_numeric_dtype(data[c])))
        except Exception:  # pragma: no cover - exotic frames
            return str(pd.util.hash_pandas_object(data, index=False).sum())
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return data_digest(*data)
    return data_digest(data)


def _label_columns(data) -> dict[str, Any]:
    if isinstance(data, pd.DataFrame):
        cur = data.attrs.get("sigmafit", {}).get("curve")
        if isinstance(cur, Mapping):
            return {str(k): v for k, v in cur.items()}
    return {}


def _source_of(data) -> str | None:
    if isinstance(data, pd.DataFrame):
        src = data.attrs.get("sigmafit", {}).get("source")
        return None if src is None else str(src)
    return None


def _as_tasks(curves, by: str | None) -> list[CurveTask]:
    if isinstance(curves, pd.DataFrame):
        if by is None:
            items = [(None, curves)]
        else:
            if by not in curves.columns:
                raise FitError(f"cannot split curves by {by!r}: no such column (columns: {', '.join(map(str, curves.columns))})")
            items = []
            for key, g in curves.groupby(by, sort=True):
                g = g.copy()
                g.attrs = {**curves.attrs, "sigmafit": {**curves.attrs.get("sigmafit", {}), "curve": {by: _plain(key)}}}
                items.append((_plain(key), g))
    else:
        if by is not None:
            raise FitError("by= applies to one DataFrame; for a list of curves give (label, data) pairs")
        items = []
        for i, item in enumerate(curves):
            if isinstance(item, pd.DataFrame):
                items.append((i, item))
            elif isinstance(item, (tuple, list)) and len(item) == 2:
                items.append((item[0], item[1]))
            else:
                raise FitError(f"curve {i}: expected (label, DataFrame) or (label, (x, y)), got {type(item).__name__}")
    return [CurveTask(index=i, source=_source_of(d), label=lab, data=d, labels=_label_columns(d)) for i, (lab, d) in enumerate(items)]


def _plain(v):
    return v.item() if isinstance(v, np.generic) else v


def _assign_ids(tasks: list[CurveTask], model: str, id_options: Mapping[str, Any]) -> None:
    seen: dict[str, int] = {}
    for t in tasks:
        digest = "" if t.error else _digest(t.data)
        if t.start:
            digest += canonical_json(t.start)
        cid = curve_id(t.source, t.label, model, id_options, digest)
        n = seen.get(cid, 0)
        seen[cid] = n + 1
        t.id = cid if n == 0 else curve_id(cid, n, model, id_options)  # identical curves twice: both fitted


# --------------------------------------------------------------------------------------------
# rows
# --------------------------------------------------------------------------------------------


def _status(success: bool, warns: list[str], error: str | None) -> str:
    if error or not success:
        return "failed"
    return "warning" if warns else "ok"


def row_from_summary(summary: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a :meth:`FitResult.summary` dict into one table row (NaN for missing numbers)."""
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
    row.update(success=success, status=_status(success, warns, error), n_warnings=len(warns),
               warnings="; ".join(warns), error=error)
    return row


def failed_row(error: str) -> dict[str, Any]:
    return {"success": False, "status": "failed", "n_warnings": 0, "warnings": "", "error": error}


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, SigmafitError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else f"{type(exc).__name__} raised while fitting"


def _finish_row(task: CurveTask, row: dict[str, Any], engine: str, note: str | None = None) -> dict[str, Any]:
    out = {"index": task.index, "source": task.source, "label": _plain(task.label), **task.labels}
    out.update(row)
    out.update(engine=engine, note=note, curve_id=task.id)
    return out


# --------------------------------------------------------------------------------------------
# lmfit engine (one curve at a time)
# --------------------------------------------------------------------------------------------


def _seed_params(model_name: str, model_options, seed: Mapping[str, float] | None):
    if not seed:
        return None
    m = registry.get(model_name, **model_options)
    params = m.make_params()
    for name, p in params.items():
        v = seed.get(name)
        if p.expr is None and v is not None and np.isfinite(v) and p.min <= v <= p.max:
            p.set(value=float(v))
    return params


def _fit_one_lmfit(task: CurveTask, job: Job, seed: Mapping[str, float] | None):
    """Row and fitted values of one curve with :func:`sigmafit.fit`; failures become rows."""
    if task.error:
        return failed_row(task.error), None
    opts = dict(job.options)
    fix, init = opts.pop("fix", None), opts.pop("init", None)
    params = _seed_params(job.model, job.model_options, task.start or seed)
    if params is not None:
        apply_settings(params, fix, None)  # given or seeded start values replace guess and --init
        init = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fit(task.data, job.model, params=params, fix=fix, init=init, warn=False,
                    source={"path": task.source} if task.source else None, **opts, **job.model_options)
            row = row_from_summary(r.summary())
        values = {n: float(p.value) for n, p in r.params.items() if p.expr is None} if r.success else None
        return row, values
    except Exception as exc:  # noqa: BLE001 - every failure is recorded in the row, the batch goes on
        return failed_row(_error_text(exc)), None


def run_lmfit_job(job: Job) -> list[tuple[CurveTask, dict[str, Any]]]:
    """Fit a chunk with lmfit, one curve after another (a chain passes each result on as a seed)."""
    out = []
    seed = job.seed
    for task in job.tasks:
        row, values = _fit_one_lmfit(task, job, seed if job.chain else None)
        out.append((task, _finish_row(task, row, "lmfit")))
        if job.chain and values is not None:
            seed = values
    return out


# --------------------------------------------------------------------------------------------
# vectorized engine
# --------------------------------------------------------------------------------------------


def vectorizable(model: str | lmfit.Model, options: Mapping[str, Any], model_options: Mapping[str, Any]) -> str | None:
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
    if options.get("method", "leastsq") != "leastsq":
        return f"method {options.get('method')!r} is asked for"
    if isinstance(options.get("bmax"), str):
        return "the automatic field window (bmax='auto') refits iteratively"
    if isinstance(options.get("weights"), str):
        return None
    if options.get("weights") is not None:
        return "one weights array cannot apply to every curve"
    m = registry.get(model)
    names = [p.name for p in m.params_table]
    spec = E.SPECS[model]
    if set(names) - set(spec.names):
        return f"the vectorized form of {model!r} lacks {sorted(set(names) - set(spec.names))}"
    return None


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


class _Par:
    """The attributes of an lmfit Parameter that the diagnostics read (cheap to make by the thousand)."""

    __slots__ = ("name", "value", "stderr", "correl", "vary", "min", "max", "expr")

    def __init__(self, name, value, vary, lo, hi, expr=None):
        self.name, self.value, self.vary, self.min, self.max, self.expr = name, value, vary, lo, hi, expr
        self.stderr = None
        self.correl = None


def _start_values(model, template: lmfit.Parameters, x: np.ndarray, y: np.ndarray, fix, init,
                  given: Mapping[str, float] | None = None) -> dict[str, float]:
    """Start values as ``start_params`` + ``apply_settings`` give them (model ``guess``, then
    ``init``/``fix``), without building an lmfit Parameters object per curve."""
    if given:
        values = {n: float(p.value) for n, p in template.items() if p.expr is None}
        values.update({k: float(v) for k, v in given.items() if k in values and np.isfinite(v)})
        values.update({k: float(v) for k, v in (fix or {}).items()})
        return values
    ok = np.isfinite(y) & np.isfinite(x)
    guessed = model._guess(y[ok], x[ok]) if ok.sum() >= 3 else {}
    values = {n: float(p.value) for n, p in template.items() if p.expr is None}
    for p in model.params_table:
        if p.name in guessed and np.isfinite(guessed[p.name]) and p.vary:
            v = float(np.clip(guessed[p.name], p.min, p.max))
            if v == p.min or v == p.max:  # the rule of SigmafitModel.guess
                v = p.default if p.min < p.default < p.max else v
            values[p.name] = v
    for mapping in (init or {}, fix or {}):
        values.update({k: float(v) for k, v in mapping.items()})
    return values


def _prepare(task: CurveTask, model, template: lmfit.Parameters, opts: Mapping[str, Any]) -> _Prepared:
    """Window, NaN removal and start values exactly as :func:`sigmafit.fit` does them."""
    xv, yv, wv, xn, yn, src = data_arrays(task.data, model, x=opts.get("x"), y=opts.get("y"), weights=opts.get("weights"))
    if task.source:
        src["path"] = task.source
    if yv.size != xv.size:
        raise FitError(f"y has {yv.size} values for {xv.size} x values; they must match")
    notes = []
    finite = np.isfinite(xv) & np.isfinite(yv)
    if wv is not None:
        finite &= np.isfinite(wv)
    if not finite.all():
        notes.append(f"{int((~finite).sum())} points with NaN/inf were left out")
    xmin, xmax, bmax = opts.get("xmin"), opts.get("xmax"), opts.get("bmax")
    window = describe_window(xn, xmin, xmax, bmax)
    mask = finite & window_mask(xv, xmin, xmax, bmax)
    if mask.sum() < MIN_POINTS:
        raise FitError(f"only {int(mask.sum())} points lie in the fit window; need at least {MIN_POINTS}")
    xf, yf = xv[mask], yv[mask]
    wf = None if wv is None else wv[mask]
    window["n_points"] = int(xf.size)
    start = _start_values(model, template, xf, yf, opts.get("fix"), opts.get("init"), task.start)
    return _Prepared(task, xf, yf, wf, start, notes, src, window, xn, yn)


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
        up = dict(base)
        dn = dict(base)
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


def _vector_summary(prep: _Prepared, model, model_name: str, template: lmfit.Parameters, res: E.BatchFit, i: int,
                    derived: tuple[dict, dict]) -> dict[str, Any]:
    """The :meth:`FitResult.summary` dict of curve ``i`` of a vectorized fit."""
    names = res.names
    vnames = [names[j] for j in res.varied]
    cov = res.covar[i]
    stderr = res.stderr[i]
    errorbars = bool(np.all(np.isfinite(stderr))) and vnames != []
    params: dict[str, _Par] = {}
    for n, p in template.items():
        params[n] = _Par(n, None if p.expr else p.value, p.vary, p.min, p.max, p.expr)
    for j, name in enumerate(names):
        params[name].value = float(res.values[i, j])
    for name in names:
        params[name].vary = name in vnames
    if errorbars:
        for a, na in enumerate(vnames):
            params[na].stderr = float(stderr[a])
            params[na].correl = {nb: float(cov[a, b] / (stderr[a] * stderr[b])) for b, nb in enumerate(vnames) if b != a}
        errorbars = bool(np.all(stderr > 0))
    dval, derr = derived
    for name in dval:
        params[name].value = float(dval[name][i])
        params[name].stderr = float(derr[name][i]) if errorbars else None
    best = res.best_fit[i, : prep.x.size]
    w = 1.0 if prep.w is None else prep.w
    resid_w = (best - prep.y) * w
    chisqr = float(res.chisqr[i])
    n, nv = int(prep.x.size), len(vnames)
    redchi = chisqr / (n - nv) if n > nv else math.nan
    with np.errstate(all="ignore"):
        neg2 = n * np.log(chisqr / n) if chisqr > 0 else -np.inf
    resid = prep.y - best
    ss_tot = float(np.sum((prep.y - prep.y.mean()) ** 2))
    r2 = 1.0 - float(np.sum(resid**2)) / ss_tot if ss_tot > 0 else None
    shim = SimpleNamespace(success=True, message="Fit succeeded.", params=params, model=model)
    try:
        model_notes = model_warnings(shim, prep.x, prep.y)
    except Exception:  # noqa: BLE001 - a diagnose() that needs real lmfit Parameters
        real = copy.deepcopy(template)
        for name, p in params.items():
            if p.expr is None:
                real[name].set(value=p.value, vary=p.vary)
            real[name].stderr, real[name].correl = p.stderr, p.correl
        model_notes = model_warnings(SimpleNamespace(params=real, model=model), prep.x, prep.y)
    warns = prep.notes + generic_warnings(shim, prep.x, resid_w) + model_notes
    units = param_units(model)
    dnames = derived_names(model)
    out_p, out_d = {}, {}
    for name, p in params.items():
        entry = {"value": _num(p.value), "stderr": _stderr(p), "unit": units.get(name, "")}
        if name in dnames or p.expr:
            out_d[name] = entry
        else:
            entry["vary"] = bool(p.vary)
            out_p[name] = entry
    return {
        "model": model_name, "success": True, "params": out_p, "derived": out_d,
        "statistics": {"ndata": n, "nvarys": nv, "chisqr": _num(chisqr), "redchi": _num(redchi), "r_squared": _num(r2),
                       "aic": _num(neg2 + 2 * nv), "bic": _num(neg2 + np.log(n) * nv), "nfev": int(res.nfev[i])},
        "warnings": warns, "source": {**prep.source, "x": prep.x_name, "y": prep.y_name}, "window": prep.window,
    }


def run_vector_job(job: Job) -> list[tuple[CurveTask, dict[str, Any]]]:
    """Fit a chunk with the vectorized engine; unconverged curves are refitted with lmfit."""
    model = registry.get(job.model)
    spec = E.SPECS[job.model]
    template = model.make_params()  # bounds, defaults and expressions; values are per curve below
    apply_settings(template, job.options.get("fix"), job.options.get("init"))
    vary = np.array([bool(template[n].vary) for n in spec.names])
    lo = np.array([template[n].min for n in spec.names], dtype=float)
    hi = np.array([template[n].max for n in spec.names], dtype=float)
    rows: dict[int, dict[str, Any]] = {}
    preps: list[_Prepared] = []
    for t in job.tasks:
        if t.error:
            rows[t.index] = _finish_row(t, failed_row(t.error), "vectorized")
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                preps.append(_prepare(t, model, template, job.options))
        except Exception as exc:  # noqa: BLE001 - recorded, the batch goes on
            rows[t.index] = _finish_row(t, failed_row(_error_text(exc)), "vectorized")
    if preps:
        X, Y, W, M = E.pad([(p.x, p.y, p.w) for p in preps])
        P0 = np.array([[p.start[n] for n in spec.names] for p in preps], dtype=float)
        res = E.fit_arrays_two_pass(spec, X, Y, P0, weights=W, mask=M, vary=vary, lower=lo, upper=hi)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scratch = copy.deepcopy(template)  # its expression interpreter gets arrays; the template stays clean
            derived = _derived_with_errors(scratch, spec.names, res.values, res.varied, res.covar)
        for i, prep in enumerate(preps):
            t = prep.task
            undetermined = [n for a, n in enumerate(res.names[j] for j in res.varied)
                            if not (np.isfinite(res.stderr[i, a]) and res.stderr[i, a] <= abs(res.values[i, res.varied[a]]))]
            errorbars = bool(np.all(np.isfinite(res.stderr[i])))
            if res.converged[i] and errorbars:
                # A converged curve keeps the vectorized result, also when a parameter is not
                # determined by the data (a flat valley of χ²): the row carries the generic "not
                # determined" warning and a note; where along such a valley any optimizer stops —
                # lmfit included — depends on its path, so a refit would add cost, not information.
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        summary = _vector_summary(prep, model, job.model, template, res, i, derived)
                    note = (f"{', '.join(undetermined)} not determined by the data: the value depends on the start"
                            if undetermined else None)
                    rows[t.index] = _finish_row(t, row_from_summary(summary), "vectorized", note=note)
                    continue
                except Exception as exc:  # noqa: BLE001 - fall through to lmfit
                    reason = _error_text(exc)
            elif not res.converged[i]:
                reason = res.message[i]
            else:  # no error bars at the optimum (singular curvature): lmfit decides what this curve gives
                reason = "no error bars at the vectorized optimum"
            row, _ = _fit_one_lmfit(t, job, None)
            rows[t.index] = _finish_row(t, row, "lmfit-refit", note=f"vectorized engine: {reason}; refitted with lmfit")
    return [(t, rows[t.index]) for t in job.tasks]


def run_job(job: Job) -> list[tuple[CurveTask, dict[str, Any]]]:
    """Executor entry point (picklable): fit one chunk with its engine."""
    return run_vector_job(job) if job.engine == "vectorized" else run_lmfit_job(job)


# --------------------------------------------------------------------------------------------
# progress
# --------------------------------------------------------------------------------------------


class _Progress:
    """tqdm on a terminal (when installed); otherwise a plain line every PROGRESS_EVERY s; or nothing."""

    def __init__(self, total: int, initial: int, enabled: bool | None, desc: str):
        self.total, self.n, self.desc = total, initial, desc
        self.bar = None
        self.enabled = enabled is not False
        self.t0 = self.last = time.monotonic()
        if not self.enabled:
            return
        from .._optional import available

        if available("tqdm") and sys.stderr.isatty():
            import tqdm

            self.bar = tqdm.tqdm(total=total, initial=initial, desc=desc, unit="curve", file=sys.stderr, dynamic_ncols=True)

    def message(self, text: str) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        else:
            print(text, file=sys.stderr, flush=True)

    def update(self, k: int) -> None:
        self.n += k
        if self.bar is not None:
            self.bar.update(k)
        elif self.enabled and time.monotonic() - self.last >= PROGRESS_EVERY:
            self.last = time.monotonic()
            rate = self.n / max(self.last - self.t0, 1e-9)
            print(f"{self.desc}: {self.n}/{self.total} curves ({rate:.1f}/s)", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# --------------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------------


@dataclass
class BatchResult:
    """The table of a batch (one row per curve) and how the run went.

    ``table`` columns: ``index, source, label`` (+ the ``by`` column or the curve's own
    labels such as ``temperature_K``), each parameter and derived quantity with
    ``<name>_stderr`` (NaN when not estimable), ``ndata, nvarys, chisqr, redchi, r_squared,
    aic, bic, nfev``, ``success``, ``status`` ("ok" | "warning" | "failed"), ``n_warnings``,
    ``warnings`` (joined text), ``error``, ``engine``, ``note``, ``curve_id`` and, with a
    store, ``attempt``, ``run``, ``fitted_at``.
    """

    table: pd.DataFrame
    model_name: str
    options: dict[str, Any] = field(default_factory=dict)
    out: Path | None = None
    n_resumed: int = 0
    elapsed: float = 0.0
    engine: str = ""

    def __len__(self) -> int:
        return len(self.table)

    def counts(self) -> dict[str, int]:
        s = self.table["status"] if len(self.table) else pd.Series(dtype=object)
        return {k: int((s == k).sum()) for k in ("ok", "warning", "failed")}

    @property
    def failed(self) -> pd.DataFrame:
        """Rows of curves that could not be fitted, with ``error``."""
        return self.table[self.table["status"] == "failed"]

    @property
    def warned(self) -> pd.DataFrame:
        return self.table[self.table["status"] == "warning"]

    @property
    def ok(self) -> bool:
        """True when every curve fitted without a warning."""
        return self.counts()["ok"] == len(self.table)

    def summary_line(self) -> str:
        """``"2000 curves: 1990 ok, 8 with warnings, 2 failed (hln-dp, vectorized, 12.3 s, 163 curves/s)"``."""
        c = self.counts()
        n = len(self.table)
        fitted = n - self.n_resumed
        rate = f", {fitted / self.elapsed:.0f} curves/s" if self.elapsed > 0 and fitted else ""
        extra = f"; {self.n_resumed} from a previous run" if self.n_resumed else ""
        return (f"{n} curve{'s' if n != 1 else ''}: {c['ok']} ok, {c['warning']} with warnings, {c['failed']} failed "
                f"({self.model_name}, {self.engine}, {self.elapsed:.1f} s{rate}{extra})")

    def to_csv(self, path, **kwargs) -> None:
        """Write the table as CSV (``index=False`` unless given)."""
        kwargs.setdefault("index", False)
        self.table.to_csv(path, **kwargs)

    def __repr__(self) -> str:
        return f"<BatchResult {self.summary_line()}>"

    def plot(self, param: str | None = None, ax=None, *, x: str | None = None):
        """A fitted parameter (default: the first) against the curve label (temperature, gate, or index).

        Failed curves are left out; error bars are ±1σ.  Returns the Axes (never calls show()).
        """
        from ..report.plots import plot_trend

        tab = self.table[self.table["status"] != "failed"]
        params = [c[: -len("_stderr")] for c in tab.columns if c.endswith("_stderr")]
        if not params:
            raise SigmafitError("no fitted parameters to plot: every curve failed")
        name = param or params[0]
        if name not in tab.columns:
            raise SigmafitError(f"no parameter {name!r} in the batch table; choose one of: {', '.join(params)}")
        xcol = x or next((c for c in ("temperature_K", "gate_V", "field_T") if c in tab.columns), "index")
        err = tab.get(f"{name}_stderr")
        return plot_trend(tab[xcol], tab[name], None if err is None else err, ax=ax, xlabel=xcol, ylabel=name,
                          logx=xcol == "temperature_K" and bool((tab[xcol] > 0).all()))

    def _repr_html_(self) -> str:
        c = self.counts()
        head = html.escape(self.summary_line())
        fails = ""
        if c["failed"]:
            items = "".join(f"<li>{html.escape(str(r.label))} ({html.escape(str(r.source))}): {html.escape(str(r.error))}</li>"
                            for r in self.failed.head(20).itertuples())
            more = f"<li>… {c['failed'] - 20} more</li>" if c["failed"] > 20 else ""
            fails = f"<p>Failed:</p><ul>{items}{more}</ul>"
        cols = [col for col in self.table.columns if col not in ("curve_id", "warnings", "fitted_at")]
        figure = ""
        if c["failed"] < len(self.table):
            from ..report.html import figure_png_base64

            try:
                figure = f"<img src='data:image/png;base64,{figure_png_base64(self.plot().figure)}'/>"
            except Exception:  # noqa: BLE001 - the table still shows
                figure = ""
        return (f"<div class='sigmafit-batch'><p><b>{head}</b></p>{fails}{figure}"
                f"{self.table[cols].head(50).to_html(index=False, na_rep='—', float_format=lambda v: f'{v:.4g}')}</div>")


# --------------------------------------------------------------------------------------------
# the driver
# --------------------------------------------------------------------------------------------


def _chunks(seq: Sequence[Any], size: int) -> list[list[Any]]:
    return [list(seq[i : i + size]) for i in range(0, len(seq), size)]


def _order_columns(table: pd.DataFrame, param_order: list[str]) -> pd.DataFrame:
    first = [c for c in LABEL_COLUMNS if c in table.columns]
    tail = [c for c in TAIL_COLUMNS + ("attempt", "run", "fitted_at") if c in table.columns]
    stats = [c for c in STAT_COLUMNS if c in table.columns]
    params = [c for c in param_order if c in table.columns]
    rest = [c for c in table.columns if c not in first + tail + stats + params]
    labels = [c for c in rest if not c.endswith("_stderr") and f"{c}_stderr" not in table.columns]
    others = [c for c in rest if c not in labels]
    return table[first + labels + params + others + stats + tail]


def _param_order(model_name: str, model_options, options) -> list[str]:
    try:
        m = registry.get(model_name, **model_options)
        names = [p.name for p in m.params_table] + [d.name for d in m.derived_table]
    except Exception:  # noqa: BLE001 - ordering only
        return []
    return [c for n in names for c in (n, f"{n}_stderr")]


def _run_info(model: str, model_options, options, engine, n, counts, elapsed, n_resumed) -> dict[str, Any]:
    return {"model": model, "model_options": dict(model_options), "options": dict(options), "engine": engine,
            "curves": n, "counts": counts, "elapsed_s": round(elapsed, 3), "resumed": n_resumed,
            "software": {"sigmafit": __version__, "lmfit": lmfit.__version__, "numpy": np.__version__,
                         "python": sys.version.split()[0]},
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def _fit_tasks(
    tasks: list[CurveTask],
    model: str,
    *,
    out,
    seed_from_previous: bool,
    engine: Engine,
    workers: int | None,
    scheduler,
    progress: bool | None,
    chunk_size: int | None,
    options: dict[str, Any],
    model_options: dict[str, Any],
) -> BatchResult:
    t0 = time.monotonic()
    if not isinstance(model, str):
        raise FitError("fit_batch needs a registry model name (e.g. 'hln-dp'), so every curve gets a fresh model")
    registry.model_class(model)  # unknown names fail here, once, with the list of choices
    if engine not in ("auto", "vectorized", "lmfit"):
        raise FitError(f"engine must be one of 'auto', 'vectorized', 'lmfit', not {engine!r}")
    why_not = vectorizable(model, options, model_options)
    if seed_from_previous:
        why_not = why_not or "seed_from_previous fits the curves one after another"
    if engine == "vectorized" and why_not:
        raise FitError(f"the vectorized engine cannot be used here: {why_not}; use engine='lmfit' or 'auto'")
    chosen = "vectorized" if engine in ("auto", "vectorized") and not why_not else "lmfit"
    workers = parallel.default_workers() if workers is None else int(workers)
    if workers < 1:
        raise FitError(f"workers must be ≥ 1, not {workers}")

    id_options = {k: v for k, v in options.items() if v is not None}
    id_options.update(model_options=model_options, seed_from_previous=seed_from_previous)
    _assign_ids(tasks, model, id_options)

    store = None
    done: dict[str, dict[str, Any]] = {}
    prog = _Progress(len(tasks), 0, progress, f"{model}")
    try:
        if out is not None:
            store = BatchStore(out)
            done = store.done(t.id for t in tasks)
            store.start_run({"model": model, "options": id_options, "engine": chosen})
            if done:
                prog.message(f"resuming: {len(done)} of {len(tasks)} curves already done in {out}")
        prog.n = len(done)
        if prog.bar is not None:
            prog.bar.update(len(done))
        pending = [t for t in tasks if t.id not in done]

        # jobs
        if seed_from_previous:
            runner = _chain_runner(tasks, done, model, model_options, options)
        else:
            size = chunk_size or (
                max(1, min(VECTOR_CHUNK, math.ceil(len(pending) / max(workers, 1))))
                if chosen == "vectorized" else max(1, min(LMFIT_CHUNK, math.ceil(len(pending) / (4 * workers))))
            )
            jobs = [Job(chosen, model, model_options, options, c) for c in _chunks(pending, size)]
            if scheduler is not None:
                runner = parallel.run_dask(run_job, jobs, scheduler)
            elif workers > 1 and len(jobs) > 1:
                runner = parallel.run_local(run_job, jobs, min(workers, len(jobs)))
            else:
                runner = parallel.run_inline(run_job, jobs)

        rows: dict[str, dict[str, Any]] = {}
        for _job, results in runner:
            fresh = [(t, r) for t, r in results if t.id not in done]  # a resumed chain repeats nothing
            if store is not None:
                store.write([(t.id, t.index, t.source, t.label, r) for t, r in fresh])
            for t, r in fresh:
                rows[t.id] = r
            prog.update(len(fresh))
        prog.close()

        if store is not None:
            stored = store.done(t.id for t in tasks)
            records = [{**stored[t.id], "index": t.index} for t in tasks if t.id in stored]
        else:
            records = [rows[t.id] for t in tasks if t.id in rows]
        table = pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=list(LABEL_COLUMNS + TAIL_COLUMNS))
        for col in ("error", "note"):
            if col in table.columns:
                table[col] = table[col].astype(object).where(table[col].notna(), None)
        table = _order_columns(table, _param_order(model, model_options, options))
        elapsed = time.monotonic() - t0
        result = BatchResult(table=table, model_name=model, options=dict(id_options), out=None if out is None else Path(out),
                             n_resumed=len(done), elapsed=elapsed, engine=chosen)
        if out is not None:
            write_outputs(out, table, _run_info(model, model_options, id_options, chosen, len(table), result.counts(),
                                                elapsed, len(done)))
        return result
    finally:
        prog.close()
        if store is not None:
            store.close()


def _chain_runner(tasks: list[CurveTask], done: Mapping[str, Mapping[str, Any]], model: str, model_options, options,
                  size: int = LMFIT_CHUNK):
    """seed_from_previous: each source's curves in order, in this process, one stored chunk at a time;
    every chunk starts from the last good result before it (also from a previous, interrupted run)."""
    chains: dict[Any, list[CurveTask]] = {}
    for t in tasks:
        chains.setdefault(t.source, []).append(t)
    for chain in chains.values():
        seed = None
        for i in range(0, len(chain)):
            t = chain[i]
            if t.id in done:
                prev = done[t.id]
                seed = _row_values(prev, model) if prev.get("status") != "failed" else seed
                continue
            break
        else:
            continue
        todo = [t for t in chain if t.id not in done]
        for part in _chunks(todo, size):
            job = Job("lmfit", model, dict(model_options), dict(options), part, seed=seed, chain=True)
            results = run_job(job)
            yield job, results
            for _, row in results:
                if row.get("status") != "failed":
                    seed = _row_values(row, model) or seed


def _row_values(row: Mapping[str, Any] | None, model: str) -> dict[str, float] | None:
    if not row:
        return None
    names = [p.name for p in registry.model_class(model).params_table]
    out = {n: float(row[n]) for n in names if row.get(n) is not None and np.isfinite(row[n])}
    return out or None


def _options(x, y, weights, xmin, xmax, bmax, window_factor, fix, init, background, method, loss, max_nfev) -> dict[str, Any]:
    opts = {"x": x, "y": y, "weights": weights, "xmin": xmin, "xmax": xmax, "bmax": bmax, "window_factor": window_factor,
            "fix": dict(fix) if fix else None, "init": dict(init) if init else None, "background": background,
            "method": method, "loss": loss, "max_nfev": max_nfev}
    if opts["window_factor"] is None:
        opts.pop("window_factor")
    return {k: v for k, v in opts.items() if v is not None or k in ("x", "y")}


def fit_batch(
    curves,
    model: str,
    *,
    by: str | None = None,
    out: str | Path | None = None,
    seed_from_previous: bool = False,
    engine: Engine = "auto",
    workers: int | None = None,
    scheduler: Any = None,
    progress: bool | None = None,
    chunk_size: int | None = None,
    x: str | None = None,
    y: str | None = None,
    weights: str | None = None,
    xmin: float | None = None,
    xmax: float | None = None,
    bmax: float | Literal["auto"] | None = None,
    window_factor: float | None = None,
    fix: Mapping[str, float] | None = None,
    init: Mapping[str, float] | None = None,
    background: str | None = None,
    method: str = "leastsq",
    loss: str = "linear",
    max_nfev: int | None = None,
    start: Sequence[Mapping[str, float] | None] | None = None,
    **model_options: Any,
) -> BatchResult:
    """Fit many curves with one model; failures are recorded in the table, never raised.

    Parameters
    ----------
    curves : iterable of ``(label, DataFrame)`` or ``(label, (x, y))``, or one DataFrame split with ``by=``.
    model : registry name (``"hln-dp"``, ``"hln"``, ``"lnT"`` …).
    by : column of ``curves`` (a DataFrame) that labels the curves, e.g. ``"gate_V"``.
    out : folder for the resumable store and the final ``results.csv``/``run.json``; None keeps
        everything in memory.
    seed_from_previous : start each curve from the previous curve's fitted values (gate or
        temperature sweeps); curves are then fitted in order, with lmfit, in this process.
    engine : ``"auto"`` (vectorized when possible), ``"vectorized"`` or ``"lmfit"``.
    workers : local processes (default: the number of CPUs); 1 runs in this process.
    scheduler : Dask scheduler address (``"tcp://host:8786"``) or ``dask.distributed.Client``.
    progress : None (progress bar on a terminal, otherwise a line now and then), True, or False (silent).
    chunk_size : curves per chunk (one store commit each); default chosen from the engine.
    x, y, weights, xmin, xmax, bmax, window_factor, fix, init, background, method, loss, max_nfev :
        as in :func:`sigmafit.fit`, applied to every curve (``weights`` as a column name).
    start : start values per curve (``[{"L_phi": 150, "L_so": 40}, …]`` in input order) instead
        of the model's ``guess``; ``fix`` still applies.
    model_options : passed to the model's constructor.

    Returns
    -------
    BatchResult, with ``table`` (one row per curve, in input order) and ``summary_line()``.
    """
    tasks = _as_tasks(curves, by)
    if start is not None:
        start = list(start)
        if len(start) != len(tasks):
            raise FitError(f"start= gives {len(start)} sets of start values for {len(tasks)} curves")
        for t, s0 in zip(tasks, start):
            t.start = None if s0 is None else {str(k): float(v) for k, v in dict(s0).items()}
    options = _options(x, y, weights, xmin, xmax, bmax, window_factor, fix, init, background, method, loss, max_nfev)
    return _fit_tasks(tasks, model, out=out, seed_from_previous=seed_from_previous, engine=engine, workers=workers,
                      scheduler=scheduler, progress=progress, chunk_size=chunk_size, options=options,
                      model_options=model_options)


def expand_paths(paths: Iterable[str | Path], *, exclude: Iterable[str | Path] = ()) -> list[Path]:
    """Files named in ``paths``; a folder stands for every (non-hidden) file directly in it."""
    skip = {Path(p).resolve() for p in exclude}
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            if p.resolve() in skip:
                continue
            out.extend(f for f in sorted(p.iterdir()) if f.is_file() and not f.name.startswith(".")
                       and f.parent.resolve() not in skip)
        else:
            out.append(p)
    return out


def fit_batch_files(
    paths: Iterable[str | Path],
    model: str,
    *,
    by: str | None = None,
    geometry=None,
    symmetrize: bool = True,
    field_offset=None,
    channel: int | None = None,
    tmin: float | None = None,
    tmax: float | None = None,
    format: str | None = None,
    load_options: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> BatchResult:
    """Load each file (:func:`sigmafit.load`), prepare its curves for ``model``
    (:func:`sigmafit.fitting.pipeline.curves`) and fit them all with :func:`fit_batch`.

    A folder in ``paths`` stands for every file in it.  A file that cannot be read or
    prepared becomes one failed row with the reason; the batch goes on.  ``kwargs`` are
    :func:`fit_batch` options (``out``, ``engine``, ``workers``, ``bmax``, ``fix`` …).
    """
    from .. import io
    from . import pipeline

    model_options = {k: kwargs.pop(k) for k in list(kwargs) if k not in _BATCH_KEYS}
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not p.exists()]
    if paths and len(missing) == len(paths):
        raise FitError(f"no such file or folder: {', '.join(missing)}")
    files = expand_paths(paths, exclude=[kwargs["out"]] if kwargs.get("out") else [])
    if not files:
        raise FitError("no files to fit (the folders given are empty)")
    try:
        m = registry.get(model, **model_options)
    except TypeError as exc:
        raise FitError(f"unknown option for model {model!r}: {exc}") from None
    tasks: list[CurveTask] = []
    for path in files:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                df = io.load(path, format=format, **dict(load_options or {}))
                items = pipeline.curves(df, m, geometry=geometry, by=by, symmetrize=symmetrize, field_offset=field_offset,
                                        channel=channel, y=kwargs.get("y"), tmin=tmin, tmax=tmax)
            if not items:
                raise FitError("no curve to fit after preparation")
        except Exception as exc:  # noqa: BLE001 - an unreadable file is one failed row
            msg = _error_text(exc)
            if str(path) not in msg:
                msg = f"{path}: {msg}"
            tasks.append(CurveTask(index=len(tasks), source=str(path), label=None, data=None, error=msg))
            continue
        for label, curve in items:
            tasks.append(CurveTask(index=len(tasks), source=str(path), label=_plain(label), data=curve,
                                   labels=_label_columns(curve)))
    options = _options(*(kwargs.pop(k, None) for k in ("x", "y", "weights", "xmin", "xmax", "bmax", "window_factor",
                                                          "fix", "init", "background")),
                       kwargs.pop("method", "leastsq"), kwargs.pop("loss", "linear"), kwargs.pop("max_nfev", None))
    if "y" in options and options["y"] is not None and m.family == "magnetoconductance":
        options["y"] = None  # --y names the raw column; the prepared curve has delta_sigma_S
    return _fit_tasks(tasks, model, out=kwargs.get("out"), seed_from_previous=kwargs.get("seed_from_previous", False),
                      engine=kwargs.get("engine", "auto"), workers=kwargs.get("workers"), scheduler=kwargs.get("scheduler"),
                      progress=kwargs.get("progress"), chunk_size=kwargs.get("chunk_size"), options=options,
                      model_options=model_options)


_BATCH_KEYS = {"out", "seed_from_previous", "engine", "workers", "scheduler", "progress", "chunk_size", *_FIT_KEYS}
