"""Where batch chunks run: in this process, in a local process pool, or on a Dask cluster.

Every executor takes a picklable function and a list of jobs and yields ``(job, result)``
as jobs finish (any order), so the caller can store each finished chunk at once.  Dask is
imported only on its own path (``pip install "sigmafit[dask]"``); the local pool uses the
standard library (``concurrent.futures``; workers are forked when the parent runs a single
thread — fast to start — and spawned otherwise, which is safe whatever threads exist).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Callable, Iterable, Iterator

from .._optional import require


def default_workers() -> int:
    """Default number of local worker processes: the number of CPUs."""
    return max(1, os.cpu_count() or 1)


def _end_with_parent(parent: int) -> None:
    """Worker initializer: a daemon thread ends this worker when its parent process is gone (also on kill -9)."""

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="sigmafit-parent-watch", daemon=True).start()


def run_inline(fn: Callable[[Any], Any], jobs: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
    """Run the jobs one after another in this process."""
    for job in jobs:
        yield job, fn(job)


def run_local(fn: Callable[[Any], Any], jobs: list[Any], workers: int) -> Iterator[tuple[Any, Any]]:
    """Run the jobs on ``workers`` local processes, at most ``2 × workers`` in flight.

    Stopping the iteration early (Ctrl-C, an error in the caller) cancels the jobs that
    have not started and waits for the running ones to end.
    """
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods and threading.active_count() == 1 else "spawn")
    pending = list(reversed(jobs))
    ex = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_end_with_parent, initargs=(os.getpid(),))
    try:
        running: dict[Any, Any] = {}

        def fill() -> None:
            while pending and len(running) < 2 * workers:
                job = pending.pop()
                running[ex.submit(fn, job)] = job

        fill()
        while running:
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for fut in done:
                job = running.pop(fut)
                yield job, fut.result()
            fill()
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


def run_dask(fn: Callable[[Any], Any], jobs: list[Any], scheduler: Any) -> Iterator[tuple[Any, Any]]:
    """Run the jobs on a Dask distributed cluster.

    ``scheduler`` is a ``dask.distributed.Client`` (used as is, left open) or the address
    of a scheduler (``"tcp://host:8786"``; a client is opened and closed here).  The
    workers need sigmafit installed in the same version.
    """
    distributed = require("distributed", "running a batch on a Dask cluster")
    own = not isinstance(scheduler, distributed.Client)
    client = distributed.Client(scheduler) if own else scheduler
    futures = []
    try:
        futures = [client.submit(fn, job, pure=False) for job in jobs]
        index = {f.key: job for f, job in zip(futures, jobs)}
        for fut, result in distributed.as_completed(futures, with_results=True):
            yield index[fut.key], result
    finally:
        for f in futures:
            if not f.done():
                f.cancel()
        if own:
            client.close()
