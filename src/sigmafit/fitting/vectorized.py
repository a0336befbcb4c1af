"""The vectorized batch engine's glue: curves prepared exactly as :func:`sigmafit.fit` prepares them, fitted all
at once by :mod:`sigmafit.fitting.engine`, summarised in the one result schema.

Two halves.  In the driving process :func:`prepare_arrays` turns every curve into :class:`CurveArrays` — the
finite points :func:`~sigmafit.fitting.curve.curve_data` gives, with its record — reading the curves of one split
DataFrame from the whole frame at once (one :func:`curve_data` call, then row ranges) wherever that gives exactly
what the per-curve call gives; only these arrays travel to the worker processes.  There :func:`run_vector_job`
applies the window, estimates start values for the whole chunk
(:func:`~sigmafit.models.guess.localization.guess_many`, with the clip/init/fix rules of
:meth:`~sigmafit.models.base.SigmafitModel.guess_values`), fits every curve at once and builds the rows
(:func:`~sigmafit.fitting.rows.chunk_rows`).

Curves that the engine cannot bring to convergence, or that have no error bars at its optimum, come back marked
for a refit with lmfit, which the driver does with the curve's own data (the row's ``engine`` column says so).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..exceptions import FitError
from ..models import registry
from ..models.base import background_powers, inside_bounds
from . import engine as E
from .curve import CurveData, apply_settings, carries_offset, curve_data, in_window, primary, with_offset
from .options import FitSettings, Window
from .rows import REFIT, chunk_rows, error_text, failed_row, finish_row
from .tasks import CurveTask, Job


def vectorizable(model, window: Window, settings: FitSettings, model_options: Mapping[str, Any]) -> str | None:
    """None when the vectorized engine fits ``model`` with every one of these options as sigmafit.fit would; else the
    reason it cannot (the batch then uses lmfit)."""
    if not isinstance(model, str):
        return "the model is not a registry name"
    if model not in E.SPECS:
        return f"model {model!r} has no vectorized form (vectorized: {', '.join(sorted(E.SPECS))})"
    if model_options:
        return "model options are given"
    if settings.background:
        return "a background is added"
    if settings.loss != "linear":
        return "a robust loss is asked for"
    if settings.method not in (None, "leastsq"):
        return f"method {settings.method!r} is asked for"
    if settings.max_nfev is not None:
        return "max_nfev caps lmfit's function evaluations"
    if settings.conf_interval:
        return "profile-likelihood intervals are asked for"
    if window.auto:
        return "the automatic field window (bmax='auto') refits iteratively"
    w = settings.weights
    if w is not None and not isinstance(w, str):
        return "one weights array cannot apply to every curve"
    names = [p.name for p in registry.model_class(model).params_table]
    missing = set(names) - set(E.SPECS[model].names)
    return f"the vectorized form of {model!r} lacks {sorted(missing)}" if missing else None


@dataclass
class CurveArrays:
    """The finite points of one curve (before the window) and the record of how they were chosen, as
    :func:`~sigmafit.fitting.curve.curve_data` gives them: x, y, weights (None: equal), column names, whether the
    weights are 1/σ, the provenance record and the notes (points left out)."""

    x: np.ndarray
    y: np.ndarray
    w: np.ndarray | None
    x_name: str
    y_name: str
    weighted: bool
    source: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def curve(self) -> CurveData:
        return CurveData(x=self.x, y=self.y, weights=self.w, x_name=self.x_name, y_name=self.y_name,
                         weighted=self.weighted, source=self.source, notes=self.notes)


def _from_curve(curve: CurveData) -> CurveArrays:
    if curve.parts != 1:
        raise FitError(f"y has {curve.y.size} values for {curve.x.size} x values; they must match")
    if curve.independent:
        raise FitError("the vectorized engine fits one independent variable; this model needs more")
    return CurveArrays(curve.x, curve.y, curve.weights, curve.x_name, curve.y_name, curve.weighted, curve.source,
                       list(curve.notes))


def _one(task: CurveTask, model, settings) -> CurveArrays | str:
    """One curve through :func:`curve_data` (its error as a sentence)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _from_curve(curve_data(task.data, model, settings, {"path": task.source} if task.source else None))
    except Exception as exc:  # noqa: BLE001 - recorded, the batch goes on
        return error_text(exc)


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - arrays and other values without a plain equality: not the same
        return False


def _same_record(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """True when two curves' attrs agree except for ``attrs["sigmafit"]["curve"]`` (their label)."""
    if a.keys() != b.keys() or not all(_same(a[k], b[k]) for k in a if k != "sigmafit"):
        return False
    ma, mb = a.get("sigmafit") or {}, b.get("sigmafit") or {}
    return ma.keys() == mb.keys() and all(_same(ma[k], mb[k]) for k in ma if k != "curve")


def _numeric(frame: pd.DataFrame, name: str) -> np.ndarray:
    return np.asarray(pd.to_numeric(frame[name], errors="coerce"), dtype=float)


def _whole_frame(tasks: list[CurveTask], model, settings) -> tuple[CurveData, np.ndarray] | None:
    """:func:`curve_data` of the whole frame the curves of ``tasks`` were split from, and each row's place among
    its finite points (the cumulative count); None when the per-curve calls could give anything else."""
    first = tasks[0]
    split = first.group[0]
    main = primary(model)
    if main is None or hasattr(main, "fit_data") or settings.weights == "relative":
        return None
    attrs = first.data.attrs
    if any(t.source != first.source or not _same_record(t.data.attrs, attrs) for t in tasks[1:]):
        return None
    frame = split.frame.copy(deep=False)
    frame.attrs = attrs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        curve = curve_data(frame, model, settings, {"path": first.source} if first.source else None)
    column_weights = isinstance(settings.weights, str) and settings.weights != "none"
    if curve.parts != 1 or curve.independent or not {curve.x_name, curve.y_name} <= set(frame.columns):
        return None
    if curve.weights is not None and not (curve.weighted or column_weights):
        return None  # weights that depend on the whole curve (a model's default scheme)
    x, y = _numeric(frame, curve.x_name), _numeric(frame, curve.y_name)
    finite = np.isfinite(x) & np.isfinite(y)
    if int(finite.sum()) != curve.x.size or not (np.array_equal(x[finite], curve.x) and np.array_equal(y[finite], curve.y)):
        return None  # the weights left out further points: per curve
    return curve, np.concatenate([[0], np.cumsum(finite)])


def _split_arrays(tasks: list[CurveTask], model, settings) -> list[CurveArrays | str]:
    """The curves of one split frame, read from the frame at once where that is exact, else one by one."""
    whole = _whole_frame(tasks, model, settings)
    if whole is None:
        return [_one(t, model, settings) for t in tasks]
    curve, cum = whole
    out: list[CurveArrays | str] = []
    bounds = tasks[0].group[0].bounds
    for t in tasks:
        a, b = bounds[t.group[1]]
        i, j = cum[a], cum[b]
        if j - i != b - a:  # points left out: the per-curve call writes its own note
            out.append(_one(t, model, settings))
            continue
        source = {**curve.source, "curve": t.data.attrs["sigmafit"]["curve"]}
        out.append(CurveArrays(curve.x[i:j], curve.y[i:j], None if curve.weights is None else curve.weights[i:j],
                               curve.x_name, curve.y_name, curve.weighted, source))
    return out


def prepare_arrays(tasks: list[CurveTask], model_name: str, settings) -> list[CurveArrays | str]:
    """:class:`CurveArrays` of every task (or the sentence why it has none), in order.

    The curves of one :class:`~sigmafit.prepare.split.CurveSplit` are read from its frame together; the
    result is what :func:`~sigmafit.fitting.curve.curve_data` gives for each curve alone.
    """
    model = registry.get(model_name)
    out: list[CurveArrays | str | None] = [None] * len(tasks)
    splits: dict[int, list[int]] = {}
    for k, t in enumerate(tasks):
        if t.error:
            out[k] = t.error
        elif t.group is not None and isinstance(t.data, pd.DataFrame):
            splits.setdefault(id(t.group[0]), []).append(k)
        else:
            out[k] = _one(t, model, settings)
    for ks in splits.values():
        for k, arr in zip(ks, _split_arrays([tasks[k] for k in ks], model, settings)):
            out[k] = arr
    return out  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------
# the worker: window, start values, fit, rows
# --------------------------------------------------------------------------------------------


def _start_values(job: Job, model, template, spec: E.VectorSpec, tasks: list[CurveTask], X, Y, M) -> np.ndarray:
    """(c, k) start values: the template's, then the caller's start values or the batched guess (clipped like
    :meth:`~sigmafit.models.base.SigmafitModel.guess_values`) with ``init``, then ``fix``."""
    settings = job.options["settings"]
    col = {n: j for j, n in enumerate(spec.names)}
    base = [float(template[n].value) for n in spec.names]
    P0 = np.tile(np.array(base, dtype=float), (len(tasks), 1))
    need = np.array([i for i, t in enumerate(tasks) if not t.start], dtype=int)
    if need.size:
        from ..models.guess import localization as G

        if job.model in G.VECTORIZED:
            guessed = G.guess_many(job.model, X[need], Y[need], M[need], background=background_powers(model))
        else:
            per = [primary(model).guess_values(Y[i][M[i]], X[i][M[i]], background_powers(model)) for i in need]
            guessed = {n: np.array([g.get(n, np.nan) for g in per]) for n in spec.names}
        for p in type(primary(model)).params_table:
            if p.vary and p.name in guessed and p.name in col:
                for i, v in zip(need, guessed[p.name]):
                    if np.isfinite(v):
                        P0[i, col[p.name]] = inside_bounds(p, float(v))
        for name, v in settings.init.items():
            P0[need, col[name]] = float(v)
    for i, t in enumerate(tasks):
        for name, v in (t.start or {}).items():
            if name in col and np.isfinite(v):
                P0[i, col[name]] = float(v)
    for name, v in settings.fix.items():
        P0[:, col[name]] = float(v)
    return P0


def _fit_group(job: Job, live: list, offset: bool) -> list[dict[str, Any]]:
    """Rows of the windowed curves ``live`` fitted together: the registry model, plus the free Δσ offset and the
    classical c₂B² where Δσ was computed from raw R(B) and measured from a reference point (as :func:`sigmafit.fit`
    adds them, :func:`~sigmafit.fitting.curve.with_offset`)."""
    model, name = registry.get(job.model), job.model
    spec = E.SPECS[job.model]
    if offset:
        model, name = with_offset(model, name)
    template = model.make_params()  # bounds, defaults and expressions; values are per curve below
    settings = job.options["settings"]
    apply_settings(template, settings.fix, settings.init)
    if offset:
        spec = E.plus_background(spec, "bg_c2", "off_c0")  # the names with_offset gives the two terms
    X, Y, W, M = E.pad([(p.x, p.y, p.w) for _, _, p in live])
    P0 = _start_values(job, model, template, spec, [t for t, _, _ in live], X, Y, M)
    vary = np.array([bool(template[n].vary) for n in spec.names])
    lo = np.array([template[n].min for n in spec.names], dtype=float)
    hi = np.array([template[n].max for n in spec.names], dtype=float)
    res = E.fit_arrays_two_pass(spec, X, Y, P0, weights=W, mask=M, vary=vary, lower=lo, upper=hi)
    return chunk_rows(model, name, template, res, live, P0, job.options["window"])


def run_vector_job(job: Job) -> list[tuple[CurveTask, dict[str, Any]]]:
    """Fit a chunk with the vectorized engine (executor entry point; picklable job with :class:`CurveArrays`).

    Rows of curves that did not converge, or ended without error bars, carry :data:`~.rows.REFIT` (the reason)
    instead of results: the caller refits them with lmfit.
    """
    window = job.options["window"]
    family = registry.model_class(job.model).family
    rows: dict[int, dict[str, Any]] = {}
    groups: dict[bool, list[tuple[CurveTask, CurveArrays, Any]]] = {}
    for t, arr in zip(job.tasks, job.arrays or []):
        if t.error or isinstance(arr, str):
            rows[t.index] = finish_row(t, failed_row(t.error or arr), "vectorized")
            continue
        try:
            groups.setdefault(carries_offset(arr.source, family), []).append((t, arr, in_window(arr.curve(), window)))
        except Exception as exc:  # noqa: BLE001 - recorded, the batch goes on
            rows[t.index] = finish_row(t, failed_row(error_text(exc)), "vectorized")
    for offset, live in groups.items():
        for (t, _, _), row in zip(live, _fit_group(job, live, offset)):
            rows[t.index] = row
    return [(t, rows[t.index]) for t in job.tasks]


def refit_reason(row: Mapping[str, Any]) -> str | None:
    """Why a vectorized row must be refitted with lmfit (None: it stands)."""
    return row.get(REFIT)
