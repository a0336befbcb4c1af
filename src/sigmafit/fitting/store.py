"""The resumable on-disk store of a batch run: one SQLite row per curve, committed per chunk.

A batch run writes into a folder (``--out DIR``)::

    DIR/results.sqlite   one row per curve, keyed by a stable curve id (written as fits finish)
    DIR/results.csv      the whole table at the end (also results.parquet when pyarrow is installed)
    DIR/run.json         model, options, sigmafit/lmfit versions, counts

Each chunk of finished curves is committed in one transaction, so a run stopped at any
moment (Ctrl-C, crash, ``kill -9``) loses at most the chunks in flight; running the same
batch again skips every curve whose id is already stored.  The id hashes the source, the
curve label, the data, the model and the fit options (:func:`curve_id`), so changing any of
them fits the curve again instead of reusing a stale row.

One batch writes into a folder at a time (a lock file, released when the process ends, however it ends), and a
folder that holds a run with other settings (model, window, fit options) is refused unless the caller asks to
replace it, so two analyses never mix in one results table.

SQLite is in the standard library; the store needs no optional package.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from ..exceptions import FitError

#: File names inside the output folder.
DB_NAME = "results.sqlite"
CSV_NAME = "results.csv"
PARQUET_NAME = "results.parquet"
RUN_NAME = "run.json"
LOCK_NAME = ".sigmafit.lock"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS curves (
    id        TEXT PRIMARY KEY,
    idx       INTEGER NOT NULL,
    source    TEXT,
    label     TEXT,
    status    TEXT NOT NULL,
    row       TEXT NOT NULL,
    attempt   INTEGER NOT NULL DEFAULT 1,
    run       INTEGER NOT NULL,
    fitted_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    run       INTEGER PRIMARY KEY,
    started   REAL NOT NULL,
    pid       INTEGER NOT NULL,
    options   TEXT NOT NULL
);
"""


_PLAIN = (str, int, bool, type(None))


def _jsonable(v: Any) -> Any:
    """Plain JSON value; NaN/inf → None, numpy scalars → Python."""
    t = type(v)
    if t is float:  # the common cases of a row first
        return v if math.isfinite(v) else None
    if t in _PLAIN:
        return v
    if t is dict:
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (np.generic,)):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return v


def canonical_json(obj: Any) -> str:
    """Deterministic JSON text (sorted keys) used in curve ids and run.json."""
    return json.dumps(_jsonable(obj), sort_keys=True, default=str, separators=(",", ":"))


def curve_id(source: Any, label: Any, model: str, options: Mapping[str, Any] | str, data_digest: str = "") -> str:
    """Stable id of one curve fit: hash of source, label, model, fit options and the data.

    The same curve fitted with the same model and options gets the same id in every run,
    which is what lets an interrupted batch resume without refitting finished curves.
    ``options`` may be given as its :func:`canonical_json` text (computed once for many curves).
    """
    h = hashlib.sha256()
    text = options if isinstance(options, str) else canonical_json(options)
    for part in (str(source), canonical_json(label), model, text, data_digest):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:24]


def data_digest(*arrays) -> str:
    """Short hash of the numbers of a curve (so edited data are fitted again)."""
    h = hashlib.sha1()
    for a in arrays:
        if a is None:
            h.update(b"none")
            continue
        arr = np.ascontiguousarray(np.asarray(a, dtype=float))
        h.update(str(arr.shape).encode())
        h.update(arr.tobytes())
    return h.hexdigest()[:16]


def hash_bytes(head: bytes, block: np.ndarray) -> str:
    """Short hash of ``head`` and the bytes of a C-contiguous array (one curve's rows of a numeric block)."""
    h = hashlib.sha1(head)
    h.update(np.ascontiguousarray(block).data)
    return h.hexdigest()[:16]


def check_out_folder(folder) -> Path:
    """``folder`` as a Path, refused when it names a file (a batch writes its results into a folder)."""
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise FitError(f"--out {path} is a file, not a folder; give a folder for the batch results")
    return path


class BatchStore:
    """Results of one batch folder, in SQLite (one row per curve id; resumable).

    >>> store = BatchStore("out")            # doctest: +SKIP
    >>> store.start_run({"model": "hln"})    # doctest: +SKIP
    >>> store.done()                         # {curve id: row dict} already fitted
    >>> store.write([(cid, idx, source, label, row), ...])  # one transaction
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = check_out_folder(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = _acquire_lock(self.folder)
        self.path = self.folder / DB_NAME
        # autocommit mode; transactions are opened explicitly in write()
        self._con = sqlite3.connect(self.path, timeout=60.0, isolation_level=None)
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute("PRAGMA synchronous=NORMAL")  # durable against process death (kill -9)
        self._con.executescript(_SCHEMA)
        self.run: int | None = None

    # -- runs --------------------------------------------------------------------------------
    def start_run(self, options: Mapping[str, Any], *, replace: bool = False) -> int:
        """Record a new run (its number is stored with every row it writes).

        A folder whose last run had other ``options`` and holds results is refused (FitError) unless
        ``replace``, which discards those results first.
        """
        text = canonical_json(options)
        last = self._con.execute("SELECT options FROM runs ORDER BY run DESC LIMIT 1").fetchone()
        if last is not None and last[0] != text and self.count():
            if not replace:
                raise FitError(f"{self.folder} holds {self.count()} results of a batch run with other settings "
                               f"({_difference(json.loads(last[0]), json.loads(text))}); choose another --out, or "
                               "pass --replace to discard them")
            self._con.execute("DELETE FROM curves")
        cur = self._con.execute("INSERT INTO runs (started, pid, options) VALUES (?, ?, ?)", (time.time(), os.getpid(), text))
        self.run = int(cur.lastrowid)
        return self.run

    # -- rows --------------------------------------------------------------------------------
    def done(self, ids: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """Stored rows by curve id (only ``ids`` when given), each with its store columns."""
        rows = self._con.execute("SELECT id, row, attempt, run, fitted_at FROM curves").fetchall()
        wanted = None if ids is None else set(ids)
        out = {}
        for cid, text, attempt, run, at in rows:
            if wanted is not None and cid not in wanted:
                continue
            row = json.loads(text)
            row.update(attempt=attempt, run=run, fitted_at=at)
            out[cid] = row
        return out

    def write(self, rows: Iterable[tuple[str, int, Any, Any, Mapping[str, Any]]]) -> None:
        """Commit finished curves ``(id, index, source, label, row)`` in one transaction.

        Writing an id that is already stored replaces its row and counts one more
        ``attempt`` (a resumed run never does this for finished curves).
        """
        now = time.time()
        items = [
            (cid, int(idx), None if src is None else str(src), canonical_json(label), str(row.get("status", "")),
             canonical_json(row), self.run or 0, now)
            for cid, idx, src, label, row in rows
        ]
        if not items:
            return
        con = self._con
        con.execute("BEGIN IMMEDIATE")
        try:
            con.executemany(
                "INSERT INTO curves (id, idx, source, label, status, row, attempt, run, fitted_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET idx=excluded.idx, source=excluded.source, label=excluded.label, "
                "status=excluded.status, row=excluded.row, attempt=curves.attempt + 1, run=excluded.run, "
                "fitted_at=excluded.fitted_at",
                [(cid, idx, src, lab, st, row, run, at) for cid, idx, src, lab, st, row, run, at in items],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def count(self) -> int:
        return int(self._con.execute("SELECT COUNT(*) FROM curves").fetchone()[0])

    def close(self) -> None:
        self._con.close()
        if self._lock is not None:
            self._lock.close()  # releases the lock
            self._lock = None

    def __enter__(self) -> "BatchStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _difference(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """The first settings that differ between two runs, as ``key: old → new``."""
    diffs = [f"{k}: {old.get(k)!r} → {new.get(k)!r}" for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
    return "; ".join(diffs[:3]) + (" …" if len(diffs) > 3 else "")


def _acquire_lock(folder: Path):
    """An exclusive lock on ``folder`` for this process (None where the platform has no ``fcntl``).

    The lock is held by an open file: the operating system releases it when the process ends, also on kill -9.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        return None
    fh = open(folder / LOCK_NAME, "a+", encoding="utf-8")
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.seek(0)
        holder = fh.read().strip() or "another process"
        fh.close()
        raise FitError(f"another batch is writing into {folder} ({holder}); wait for it to finish or choose another --out") from None
    fh.seek(0)
    fh.truncate()
    fh.write(f"pid {os.getpid()}")
    fh.flush()
    return fh


def write_outputs(folder: str | os.PathLike, table, run_info: Mapping[str, Any]) -> list[Path]:
    """Write results.csv (and results.parquet when pyarrow is installed) and run.json."""
    from .._optional import available

    folder = Path(folder)
    written = []
    csv = folder / CSV_NAME
    table.to_csv(csv, index=False)
    written.append(csv)
    if available("pyarrow"):
        pq = folder / PARQUET_NAME
        flat = table.copy()
        for col in flat.columns:  # mixed-type label columns (numbers and text) → text
            if flat[col].dtype == object:
                flat[col] = flat[col].map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
        flat.to_parquet(pq, index=False)
        written.append(pq)
    run = folder / RUN_NAME
    with open(run, "w", encoding="utf-8") as fh:
        json.dump(_jsonable(dict(run_info)), fh, indent=2, default=str)
        fh.write("\n")
    written.append(run)
    return written
