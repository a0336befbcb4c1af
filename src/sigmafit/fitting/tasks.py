"""The curves of a batch: one task per curve, its label and provenance, and the id that makes a batch resumable.

A curve's id hashes its source, its label, the model, the fit options and its data (:func:`assign_ids`), so a
resumed batch refits exactly the curves whose data or settings changed.  The data digest is computed once per
curve from the numeric columns it will be fitted on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..exceptions import FitError
from ..prepare.split import plain, split_curves
from .store import canonical_json, curve_id, data_digest


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


def digest(data) -> str:
    """Short hash of a curve's numbers (every numeric column of a DataFrame, or the arrays)."""
    if isinstance(data, pd.DataFrame):
        cols = [data[c].to_numpy(dtype=float, na_value=np.nan) for c in data.columns if pd.api.types.is_numeric_dtype(data[c])]
        return data_digest(*cols)
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return data_digest(*data)
    return data_digest(data)


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


def as_tasks(curves, by: str | None) -> list[CurveTask]:
    """Tasks from ``[(label, DataFrame or (x, y)), …]``, a list of DataFrames, or one DataFrame split ``by`` a column."""
    if isinstance(curves, pd.DataFrame):
        items = split_curves(curves, by)
    else:
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
    return [CurveTask(index=i, source=source_of(d), label=lab, data=d, labels=curve_labels(d)) for i, (lab, d) in enumerate(items)]


def assign_ids(tasks: list[CurveTask], model: str, id_options: Mapping[str, Any]) -> None:
    """Give every task its stable id (identical curves twice get distinct ids, so both are fitted)."""
    seen: dict[str, int] = {}
    for t in tasks:
        d = "" if t.error else digest(t.data)
        if t.start:
            d += canonical_json(t.start)
        cid = curve_id(t.source, t.label, model, id_options, d)
        n = seen.get(cid, 0)
        seen[cid] = n + 1
        t.id = cid if n == 0 else curve_id(cid, n, model, id_options)
