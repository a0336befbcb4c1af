"""One curve per value of a label column: the single rule every fit path uses to split a DataFrame.

Temperatures are clustered into set points (:func:`sigmafit.prepare.group_levels`, tolerance
``TEMPERATURE_TOLERANCE_K``) so that drift of a few mK does not split a curve; any other column splits on its
exact values (numbers or text).  Rows without a label belong to no curve: they are counted and warned about,
never dropped silently.

The split sorts the rows by curve once (a private copy) and hands out each curve as a shallow slice of it, so
thousands of curves cost one copy, not one each; the result (:class:`CurveSplit`) also says where each curve's
rows lie in that copy, so a batch can read a column for every curve at once.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError, DataWarning
from .pipeline import TEMPERATURE_TOLERANCE_K, group_levels


def plain(value: Any) -> Any:
    """A label as plain Python (numpy scalars → int/float/str)."""
    return value.item() if isinstance(value, np.generic) else value


def set_points(values) -> np.ndarray:
    """Set point of every temperature (NaN stays NaN), as :func:`group_levels` clusters them."""
    v = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    labels = np.full(v.shape, np.nan)
    ok = np.isfinite(v)
    if ok.any():
        labels[ok] = group_levels(v[ok], TEMPERATURE_TOLERANCE_K)[0]
    return labels


class CurveSplit(list):
    """``[(label, curve DataFrame), …]`` as :func:`split_curves` returns it, plus where the curves' rows lie.

    ``frame`` holds every labelled row sorted by curve (no attrs), ``bounds`` the ``(start, stop)`` row positions
    of each curve in it (curve ``i`` is ``frame.iloc[start:stop]``), ``by`` the label column.  ``frame`` is None
    when the curves are not slices of one frame (no ``by``).
    """

    def __init__(self, items=(), *, frame: pd.DataFrame | None = None, bounds: np.ndarray | None = None,
                 by: str | None = None):
        super().__init__(items)
        self.frame = frame
        self.bounds = bounds
        self.by = by


def _copy_on_write() -> bool:
    """True when pandas copies a slice before writing into it (always from pandas 3 on)."""
    if int(pd.__version__.split(".")[0]) >= 3:
        return True
    try:
        return bool(pd.options.mode.copy_on_write)
    except AttributeError:  # pragma: no cover - pandas without the option
        return False


def _runs(values: np.ndarray) -> np.ndarray | None:
    """Start positions of the runs of equal consecutive values (None when the values cannot be compared so)."""
    if values.size < 2:
        return np.zeros(values.size, dtype=np.int64)
    try:
        change = np.asarray(values[1:] != values[:-1])
    except (TypeError, ValueError):
        return None
    if change.dtype != bool:
        return None  # missing values that compare to neither True nor False (pd.NA)
    return np.concatenate([[0], np.flatnonzero(change) + 1])


def _groups(key: pd.Series) -> tuple[np.ndarray, list[Any], np.ndarray, int]:
    """(row order sorted by group, group labels in groupby's order, rows per group, unlabelled rows).

    Rows of one curve usually come in runs: the groupby sees one value per run, not one per row."""
    starts = _runs(key.to_numpy())
    if starts is None:
        starts = np.arange(len(key))
    lengths = np.diff(np.append(starts, len(key)))
    first = key.iloc[starts].reset_index(drop=True)
    gb = first.groupby(first, sort=True)
    labels = [plain(k) for k in gb.size().index]
    run_codes = gb.ngroup().to_numpy(dtype=float)
    labelled = np.isfinite(run_codes)
    counts = np.bincount(run_codes[labelled].astype(np.int64), weights=lengths[labelled], minlength=len(labels))
    codes = np.repeat(run_codes, lengths)
    keep = np.flatnonzero(np.isfinite(codes))
    order = keep[np.argsort(codes[keep], kind="stable")]
    seen = counts > 0  # categories without rows are no curves
    return order, [lab for lab, k in zip(labels, seen) if k], counts[seen].astype(np.int64), int(lengths[~labelled].sum())


def split_curves(df: pd.DataFrame, by: str | None) -> CurveSplit:
    """``[(label, curve), …]`` sorted by label; ``by=None`` gives the whole frame as one curve.

    Each curve's ``attrs["sigmafit"]["curve"]`` records ``{by: label}``.  A curve is a shallow slice of a private
    sorted copy of ``df``: changing it never changes ``df`` or another curve.
    """
    if by is None:
        return CurveSplit([(None, df)])
    if by not in df.columns:
        raise DataFormatError(f"cannot split curves by {by!r}: no such column (columns: {', '.join(map(str, df.columns))})",
                              path=df.attrs.get("sigmafit", {}).get("source"), column=by)
    key = pd.Series(set_points(df[by]), index=df.index) if by == "temperature_K" else df[by]
    order, labels, counts, missing = _groups(key)
    if missing:
        warnings.warn(f"{missing} rows have no {by} value and belong to no curve; they were left out", DataWarning, stacklevel=2)
    bare = df.copy(deep=False)
    bare.attrs = {}  # attrs are set per curve below; none are deep-copied on the way
    frame = bare.take(order)
    stops = np.cumsum(counts)
    bounds = np.stack([stops - counts, stops], axis=1) if counts.size else np.zeros((0, 2), dtype=np.int64)
    meta = df.attrs.get("sigmafit", {})
    out = CurveSplit(frame=frame, bounds=bounds, by=by)
    cow = _copy_on_write()
    for label, (a, b) in zip(labels, bounds):
        g = frame.iloc[a:b] if cow else frame.iloc[a:b].copy(deep=False)  # without copy-on-write: no shared view
        g.attrs = {**df.attrs, "sigmafit": {**meta, "curve": {by: label}}}
        out.append((label, g))
    return out


def distinct_set_points(df: pd.DataFrame, column: str = "temperature_K") -> int:
    """How many temperature set points ``df`` holds (0 without the column)."""
    if column not in df.columns:
        return 0
    levels = np.unique(set_points(df[column]))
    return int(np.isfinite(levels).sum())
