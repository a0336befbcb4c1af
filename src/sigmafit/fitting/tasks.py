"""The curves of a batch: one task per curve, its label and provenance, and the id that makes a batch resumable.

A curve's id hashes its source, its label, the model, the fit options and its data (:func:`assign_ids`), so a
resumed batch refits exactly the curves whose data or settings changed.  The data digest hashes the curve's
numeric columns once: for the curves of one split DataFrame (:class:`~sigmafit.prepare.split.CurveSplit`) every
curve's digest is one hash of its row range in a row-major block of the frame's numeric columns, read once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..exceptions import FitError
from ..prepare.split import CurveSplit, plain, split_curves
from .store import canonical_json, curve_id, data_digest, hash_bytes


@dataclass
class CurveTask:
    """One curve to fit: where it came from, its label, its data (DataFrame or (x, y)).

    ``group`` = ``(split, i)`` when the curve is the ``i``-th of a :class:`CurveSplit` (its rows are a range of
    ``split.frame``), so that a batch can read and hash all curves of a file at once; it is never pickled.
    """

    index: int
    source: str | None
    label: Any
    data: Any
    labels: dict[str, Any] = field(default_factory=dict)  # extra label columns (e.g. temperature_K)
    id: str = ""
    error: str | None = None  # set when the curve could not even be prepared (unreadable file)
    start: dict[str, float] | None = None  # start values given by the caller (instead of the guess)
    group: tuple[CurveSplit, int] | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["group"] = None  # the whole split must not travel with one curve
        return state

    def light(self) -> "CurveTask":
        """A copy without the data (what a worker needs to label a row)."""
        return CurveTask(self.index, self.source, self.label, None, self.labels, self.id, self.error, self.start)


@dataclass
class Job:
    """A chunk of curves for one executor call (picklable).

    The vectorized engine gets ``arrays`` (one :class:`~sigmafit.fitting.vectorized.CurveArrays` per task, the
    tasks without their DataFrames); the lmfit engine gets the tasks with their data.
    """

    engine: str
    model: str
    model_options: dict[str, Any]
    options: dict[str, Any]
    tasks: list[CurveTask]
    seed: dict[str, float] | None = None  # seed_from_previous: values of the curve before the chunk
    chain: bool = False
    arrays: list[Any] | None = None


def digest(data) -> str:
    """Short hash of a curve's numbers (every numeric column of a DataFrame, or the arrays)."""
    if isinstance(data, pd.DataFrame):
        cols = [data[c].to_numpy(dtype=float, na_value=np.nan) for c in data.columns if pd.api.types.is_numeric_dtype(data[c])]
        return data_digest(*cols)
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return data_digest(*data)
    return data_digest(data)


def split_digests(split: CurveSplit) -> list[str]:
    """Digest of every curve of ``split``: its rows of the frame's numeric columns, row-major, one hash each."""
    frame = split.frame
    cols = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    block = np.empty((len(frame), len(cols)))
    for j, c in enumerate(cols):
        block[:, j] = frame[c].to_numpy(dtype=float, na_value=np.nan)
    head = f"rows×{len(cols)}:".encode()
    return [hash_bytes(head, block[a:b]) for a, b in split.bounds]


def curve_labels(data) -> dict[str, Any]:
    """The label columns recorded on a curve (``attrs["sigmafit"]["curve"]``, e.g. ``{"temperature_K": 2.0}``)."""
    if isinstance(data, pd.DataFrame):
        cur = data.attrs.get("sigmafit", {}).get("curve")
        if isinstance(cur, Mapping):
            return {str(k): plain(v) for k, v in cur.items()}
    return {}


def source_of(data) -> str | None:
    if isinstance(data, pd.DataFrame):
        src = data.attrs.get("sigmafit", {}).get("source")
        return None if src is None else str(src)
    return None


def split_tasks(items, source: str | None = None, first: int = 0) -> list[CurveTask]:
    """Tasks of the curves ``[(label, data), …]`` numbered from ``first``; curves of a :class:`CurveSplit` keep
    where their rows lie.  ``source`` (a file) is the provenance, else each DataFrame's recorded source."""
    split = items if isinstance(items, CurveSplit) and items.frame is not None else None
    out = []
    for i, (lab, d) in enumerate(items):
        src = source if source is not None else source_of(d)
        out.append(CurveTask(index=first + i, source=src, label=plain(lab), data=d, labels=curve_labels(d),
                             group=None if split is None else (split, i)))
    return out


def as_tasks(curves, by: str | None) -> list[CurveTask]:
    """Tasks from ``[(label, DataFrame or (x, y)), …]``, a list of DataFrames, or one DataFrame split ``by`` a column."""
    if isinstance(curves, pd.DataFrame):
        return split_tasks(split_curves(curves, by))
    if by is not None:
        raise FitError("by= applies to one DataFrame; for a list of curves give (label, data) pairs")
    items = []
    for i, item in enumerate(curves):
        if isinstance(item, pd.DataFrame):
            items.append((i, item))
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            items.append((plain(item[0]), item[1]))
        else:
            raise FitError(f"curve {i}: expected (label, DataFrame) or (label, (x, y)), got {type(item).__name__}")
    return split_tasks(items)


def _digests(tasks: list[CurveTask]) -> list[str]:
    """The data digest of every task (split curves hashed from their frame, once per split)."""
    by_split: dict[int, list[str]] = {}
    out = []
    for t in tasks:
        if t.error:
            out.append("")
        elif t.group is not None:
            split, i = t.group
            if id(split) not in by_split:
                by_split[id(split)] = split_digests(split)
            out.append(by_split[id(split)][i])
        else:
            out.append(digest(t.data))
    return out


def assign_ids(tasks: list[CurveTask], model: str, id_options: Mapping[str, Any]) -> None:
    """Give every task its stable id (identical curves twice get distinct ids, so both are fitted)."""
    seen: dict[str, int] = {}
    options = canonical_json(id_options)
    for t, d in zip(tasks, _digests(tasks)):
        if t.start:
            d += canonical_json(t.start)
        cid = curve_id(t.source, t.label, model, options, d)
        n = seen.get(cid, 0)
        seen[cid] = n + 1
        t.id = cid if n == 0 else curve_id(cid, n, model, options)
