"""One curve per value of a label column: the single rule every fit path uses to split a DataFrame.

Temperatures are clustered into set points (:func:`sigmafit.prepare.group_levels`, tolerance
``TEMPERATURE_TOLERANCE_K``) so that drift of a few mK does not split a curve; any other column splits on its
exact values (numbers or text).  Rows without a label belong to no curve: they are counted and warned about,
never dropped silently.
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


def split_curves(df: pd.DataFrame, by: str | None) -> list[tuple[Any, pd.DataFrame]]:
    """``[(label, curve), …]`` sorted by label; ``by=None`` gives the whole frame as one curve.

    Each curve's ``attrs["sigmafit"]["curve"]`` records ``{by: label}``.
    """
    if by is None:
        return [(None, df)]
    if by not in df.columns:
        raise DataFormatError(f"cannot split curves by {by!r}: no such column (columns: {', '.join(map(str, df.columns))})",
                              path=df.attrs.get("sigmafit", {}).get("source"), column=by)
    key = pd.Series(set_points(df[by]), index=df.index) if by == "temperature_K" else df[by]
    missing = int(key.isna().sum())
    if missing:
        warnings.warn(f"{missing} rows have no {by} value and belong to no curve; they were left out", DataWarning, stacklevel=2)
    out = []
    for k, g in df.groupby(key, sort=True):
        label = plain(k)
        g = g.copy()
        g.attrs = {**df.attrs, "sigmafit": {**df.attrs.get("sigmafit", {}), "curve": {by: label}}}
        out.append((label, g))
    return out


def distinct_set_points(df: pd.DataFrame, column: str = "temperature_K") -> int:
    """How many temperature set points ``df`` holds (0 without the column)."""
    if column not in df.columns:
        return 0
    levels = np.unique(set_points(df[column]))
    return int(np.isfinite(levels).sum())
