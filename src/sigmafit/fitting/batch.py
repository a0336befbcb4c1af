"""``fit_batch``: many curves, one model — fast, parallel, resumable, never stopped by one bad curve.

::

    res = sigmafit.fit_batch(curves, "hln-dp", out="run1")          # [(label, DataFrame or (x, y)), …]
    res = sigmafit.fit_batch(df, "hln", by="gate_V", seed_from_previous=True)
    res.summary_line()       # '2000 curves: 1990 ok, 8 with warnings, 2 failed …'
    res.table                # one row per curve: labels, values, stderr, statistics, status
    res.failed               # the rows that failed, with the reason

Engines
    ``"vectorized"`` fits every curve of a chunk at once with a batched Levenberg–Marquardt and analytic
    Jacobians (:mod:`sigmafit.fitting.vectorized`; the HLN family); ``"lmfit"`` calls :func:`sigmafit.fit` per
    curve, spread over processes; ``"auto"`` (default) takes the vectorized engine whenever the model and options
    allow it.  Curves the vectorized engine cannot bring to convergence are refitted with lmfit.

Store
    With ``out=DIR`` finished curves go to ``DIR/results.sqlite`` chunk by chunk (:mod:`sigmafit.fitting.store`);
    running the same batch again resumes it.  At the end ``results.csv`` (and ``results.parquet`` with pyarrow)
    and ``run.json`` are written.

Each curve gets fresh Parameters (the model's ``guess`` on its own data, or a copy of the previous curve's result
with ``seed_from_previous``); nothing is shared between curves.  Files: :func:`sigmafit.workflow.fit_batch_files`.
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import numpy as np

from .._version import __version__
from ..exceptions import FitError
from ..models import registry
from . import parallel, schema
from .batch_result import BatchResult
from .options import BATCH_KEYS, BatchOptions, FitSettings, Window, batch_from, fingerprint, split_options
from .progress import Progress
from .rows import error_text, failed_row, finish_row, make_table, row_from_summary
from .single import fit
from .store import BatchStore, write_outputs
from .tasks import CurveTask, Job, as_tasks, assign_ids
from .vectorized import prepare_arrays, refit_reason, run_vector_job, vectorizable

#: Curves per chunk of the vectorized engine and of lmfit (upper limits; one store commit each).
VECTOR_CHUNK = 256
LMFIT_CHUNK = 16


# --------------------------------------------------------------------------------------------
# one chunk
# --------------------------------------------------------------------------------------------


def _seed_params(model_name: str, model_options, seed: Mapping[str, float] | None):
    if not seed:
        return None
    params = registry.get(model_name, **model_options).make_params()
    for name, p in params.items():
        v = seed.get(name)
        if p.expr is None and v is not None and np.isfinite(v) and p.min <= v <= p.max:
            p.set(value=float(v))
    return params


def _fit_one_lmfit(task: CurveTask, job: Job, seed: Mapping[str, float] | None = None):
    """Row and fitted values of one curve with :func:`sigmafit.fit`; failures become rows."""
    if task.error:
        return failed_row(task.error), None
    window, settings = job.options["window"], job.options["settings"]
    params = _seed_params(job.model, job.model_options, task.start or seed)
    if params is not None:  # given or seeded start values replace guess and init (fix: start_parameters, in the try)
        settings = replace(settings, init={})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fit(task.data, job.model, params=params, window=window, settings=settings, warn=False,
                    source={"path": task.source} if task.source else None, **job.model_options)
            after = job.options.get("after_fit")
            if after is not None and r.success:  # e.g. the field offset's error (sigmafit.workflow.OffsetRefit)
                after(r, task.source, task.label, task.data)
            row = row_from_summary(r.summary())
        values = {n: float(p.value) for n, p in r.params.items() if p.expr is None} if r.success else None
        return row, values
    except Exception as exc:  # noqa: BLE001 - every failure is recorded in the row, the batch goes on
        return failed_row(error_text(exc)), None


def run_lmfit_job(job: Job) -> list[tuple[CurveTask, dict[str, Any]]]:
    """Fit a chunk with lmfit, one curve after another (a chain passes each result on as a seed)."""
    out = []
    seed = job.seed
    for task in job.tasks:
        row, values = _fit_one_lmfit(task, job, seed if job.chain else None)
        out.append((task, finish_row(task, row, "lmfit")))
        if job.chain and values is not None:
            seed = values
    return out


def run_job(job: Job) -> list[tuple[CurveTask, dict[str, Any]]]:
    """Executor entry point (picklable): fit one chunk with its engine (vectorized rows may ask for a refit)."""
    return run_vector_job(job) if job.engine == "vectorized" else run_lmfit_job(job)


def _refits(job: Job, results, originals: Mapping[int, CurveTask]) -> list[tuple[CurveTask, dict[str, Any]]]:
    """The chunk's rows with every curve the vectorized engine handed back refitted with lmfit, here, with its
    own data (``originals``: the tasks by index, DataFrames included)."""
    out = []
    for task, row in results:
        reason = refit_reason(row)
        if reason is not None:
            task = originals[task.index]
            row = finish_row(task, _fit_one_lmfit(task, job)[0], "lmfit-refit",
                             note=f"vectorized engine: {reason}; refitted with lmfit")
        out.append((task, row))
    return out


# --------------------------------------------------------------------------------------------
# the driver
# --------------------------------------------------------------------------------------------


def _chunks(seq: Sequence[Any], size: int) -> list[list[Any]]:
    return [list(seq[i : i + size]) for i in range(0, len(seq), size)]


def _row_values(row: Mapping[str, Any] | None, model: str) -> dict[str, float] | None:
    if not row:
        return None
    names = [p.name for p in registry.model_class(model).params_table]
    out = {n: float(row[n]) for n in names if row.get(n) is not None and np.isfinite(row[n])}
    return out or None


def _chain_runner(tasks, done, model: str, model_options, options, size: int = LMFIT_CHUNK) -> Iterator:
    """seed_from_previous: each source's curves in order, in this process, one stored chunk at a time; every chunk
    starts from the last good result before it (also from a previous, interrupted run)."""
    chains: dict[Any, list[CurveTask]] = {}
    for t in tasks:
        chains.setdefault(t.source, []).append(t)
    for chain in chains.values():
        seed = None
        for t in chain:
            if t.id not in done:
                break
            prev = done[t.id]
            seed = _row_values(prev, model) if prev.get("status") != "failed" else seed
        todo = [t for t in chain if t.id not in done]
        for part in _chunks(todo, size):
            job = Job("lmfit", model, dict(model_options), dict(options), part, seed=seed, chain=True)
            results = run_job(job)
            yield job, results
            for _, row in results:
                if row.get("status") != "failed":
                    seed = _row_values(row, model) or seed


def _engine(model: str, batch: BatchOptions, window: Window, settings: FitSettings, model_options) -> str:
    why_not = vectorizable(model, window, settings, model_options)
    if batch.seed_from_previous:
        why_not = why_not or "seed_from_previous fits the curves one after another"
    if batch.engine == "vectorized" and why_not:
        raise FitError(f"the vectorized engine cannot be used here: {why_not}; use engine='lmfit' or 'auto'")
    return "vectorized" if batch.engine in ("auto", "vectorized") and not why_not else "lmfit"


def _jobs(pending: list[CurveTask], chosen: str, model: str, model_options, options, size: int) -> list[Job]:
    """Chunks of ``size`` curves; a vectorized chunk carries the curves' arrays instead of their DataFrames."""
    if chosen != "vectorized":
        return [Job(chosen, model, model_options, options, c) for c in _chunks(pending, size)]
    arrays = prepare_arrays(pending, model, options["settings"])
    light = [t.light() for t in pending]
    return [Job(chosen, model, model_options, options, light[i : i + size], arrays=arrays[i : i + size])
            for i in range(0, len(pending), size)]


def _runner(pending, done, tasks, chosen, model, model_options, options, batch: BatchOptions, workers: int):
    if batch.seed_from_previous:
        return _chain_runner(tasks, done, model, model_options, options)
    size = batch.chunk_size or (
        max(1, min(VECTOR_CHUNK, math.ceil(len(pending) / workers))) if chosen == "vectorized"
        else max(1, min(LMFIT_CHUNK, math.ceil(len(pending) / (4 * workers)))))
    jobs = _jobs(pending, chosen, model, model_options, options, size)
    if batch.scheduler is not None:
        runs = parallel.run_dask(run_job, jobs, batch.scheduler)
    elif workers > 1 and len(jobs) > 1:
        runs = parallel.run_local(run_job, jobs, min(workers, len(jobs)))
    else:
        runs = parallel.run_inline(run_job, jobs)
    if chosen != "vectorized":
        return runs
    originals = {t.index: t for t in pending}
    return ((job, _refits(job, results, originals)) for job, results in runs)


def _run_info(model: str, model_options, id_options, engine, n, counts, elapsed, n_resumed) -> dict[str, Any]:
    return {"model": model, "model_options": dict(model_options), "options": dict(id_options), "engine": engine,
            "curves": n, "counts": counts, "elapsed_s": round(elapsed, 3), "resumed": n_resumed,
            "software": {**schema.software(), "numpy": np.__version__, "python": sys.version.split()[0]},
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def fit_tasks(tasks: list[CurveTask], model: str, *, batch: BatchOptions, window: Window, settings: FitSettings,
              model_options: Mapping[str, Any], after_fit=None) -> BatchResult:
    """Fit prepared tasks (the engine of :func:`fit_batch` and of :func:`sigmafit.workflow.fit_batch_files`).

    ``after_fit(result, source, label, curve)``, when given (picklable), amends each successful lmfit fit before its
    row is made (the workflow's field-offset error of Hall curves)."""
    t0 = time.monotonic()
    if not isinstance(model, str):
        raise FitError("fit_batch needs a registry model name (e.g. 'hln-dp'), so every curve gets a fresh model")
    registry.model_class(model)  # unknown names fail here, once, with the list of choices
    chosen = _engine(model, batch, window, settings, model_options)
    workers = parallel.default_workers() if batch.workers is None else int(batch.workers)
    id_options = fingerprint(window, settings, model_options=dict(model_options), seed_from_previous=batch.seed_from_previous,
                             sigmafit=__version__)  # results of another version are not resumed as if they were these
    assign_ids(tasks, model, id_options)
    options = {"window": window, "settings": settings, "after_fit": after_fit}
    store = prog = None
    done: dict[str, dict[str, Any]] = {}
    try:
        if batch.out is not None:
            store = BatchStore(batch.out)
            store.start_run({"model": model, "options": id_options}, replace=batch.replace)
            done = store.done(t.id for t in tasks)
        prog = Progress(len(tasks), len(done), batch.progress, f"{model}")
        if done:
            prog.message(f"resuming: {len(done)} of {len(tasks)} curves already done in {batch.out}")
        pending = [t for t in tasks if t.id not in done]
        rows: dict[str, dict[str, Any]] = {}
        for _job, results in _runner(pending, done, tasks, chosen, model, model_options, options, batch, workers):
            fresh = [(t, r) for t, r in results if t.id not in done]  # a resumed chain repeats nothing
            if store is not None:
                store.write([(t.id, t.index, t.source, t.label, r) for t, r in fresh])
            rows.update({t.id: r for t, r in fresh})
            prog.update(len(fresh))
        prog.close()
        if store is not None:
            stored = store.done(t.id for t in tasks)
            records = [{**stored[t.id], "index": t.index} for t in tasks if t.id in stored]
        else:
            records = [rows[t.id] for t in tasks if t.id in rows]
        table = make_table(records, model, model_options)
        elapsed = time.monotonic() - t0
        shown = getattr(registry.get(model, **model_options), "display_name", model)
        result = BatchResult(table=table, model_name=shown, options=dict(id_options),
                             out=None if batch.out is None else Path(batch.out), n_resumed=len(done), elapsed=elapsed,
                             engine=chosen)
        if batch.out is not None:
            write_outputs(batch.out, table, _run_info(model, model_options, id_options, chosen, len(table), result.counts(),
                                                      elapsed, len(done)))
        return result
    finally:
        if prog is not None:
            prog.close()
        if store is not None:
            store.close()


def fit_batch(curves, model: str, *, by: str | None = None, start: Sequence[Mapping[str, float] | None] | None = None,
              window: Window | None = None, settings: FitSettings | None = None, batch: BatchOptions | None = None,
              **options: Any) -> BatchResult:
    """Fit many curves with one model; failures are recorded in the table, never raised.

    Parameters
    ----------
    curves : iterable of ``(label, DataFrame)`` or ``(label, (x, y))``, or one DataFrame split with ``by=``.
    model : registry name (``"hln-dp"``, ``"hln"``, ``"lnT"`` …).
    by : column of ``curves`` (a DataFrame) that labels the curves, e.g. ``"gate_V"``.
    start : start values per curve (``[{"L_phi": 150, "L_so": 40}, …]`` in input order) instead of the model's
        ``guess``; ``fix`` still applies.
    window, settings, batch : option objects (:mod:`sigmafit.fitting.options`), or the same as flat keywords:
        how the batch runs — ``out`` (folder for the resumable store and the final ``results.csv``/``run.json``;
        None keeps everything in memory), ``replace`` (discard a run with other settings in ``out``),
        ``seed_from_previous`` (start each curve from the previous curve's fit; in order, with lmfit),
        ``engine`` (``"auto"``, ``"vectorized"``, ``"lmfit"``), ``workers`` (local processes; default the CPUs),
        ``scheduler`` (Dask address or Client), ``progress``, ``chunk_size``; and the fit options of
        :func:`sigmafit.fit` (``x, y, weights, xmin, xmax, bmax, window_factor, fix, init, background, method,
        loss, max_nfev``) applied to every curve.  Other keywords go to the model's constructor.

    Returns
    -------
    BatchResult, with ``table`` (one row per curve, in input order) and ``summary_line()``.
    """
    flat = {k: v for k, v in options.items() if v is not None}
    batch = batch or batch_from(flat)
    w_opts, s_opts, model_options = split_options({k: v for k, v in flat.items() if k not in BATCH_KEYS})
    tasks = as_tasks(curves, by)
    if start is not None:
        start = list(start)
        if len(start) != len(tasks):
            raise FitError(f"start= gives {len(start)} sets of start values for {len(tasks)} curves")
        for t, s0 in zip(tasks, start):
            t.start = None if s0 is None else {str(k): float(v) for k, v in dict(s0).items()}
    return fit_tasks(tasks, model, batch=batch, window=window or w_opts, settings=settings or s_opts,
                     model_options=model_options)

