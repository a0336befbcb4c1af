"""Windows: keep the rows with a column inside a range (inclusive), counting what is kept."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError
from ._common import finish, require


def window(df: pd.DataFrame, x: str, xmin: float | None = None, xmax: float | None = None) -> pd.DataFrame:
    """Rows with ``xmin ≤ df[x] ≤ xmax`` (either bound optional, in the unit of ``x``).

    The step record gives ``n_kept`` and ``n_total``; an empty result raises
    :class:`DataFormatError` naming the range and the data's span.
    """
    require(df, [x], "window")
    if xmin is not None and xmax is not None and xmin > xmax:
        raise ValueError(f"window on {x!r}: xmin = {xmin} is larger than xmax = {xmax}")
    v = df[x].to_numpy(float)
    keep = np.isfinite(v)
    if xmin is not None:
        keep &= v >= xmin
    if xmax is not None:
        keep &= v <= xmax
    return _finish_window(df, keep, x, "window", {"xmin": xmin, "xmax": xmax})


def field_window(df: pd.DataFrame, bmax: float, *, x: str = "field_T") -> pd.DataFrame:
    """Rows with |B| ≤ ``bmax`` (T); see :func:`window` for the bookkeeping."""
    require(df, [x], "field_window")
    if not (np.isfinite(bmax) and bmax > 0):
        raise ValueError(f"bmax must be a field > 0 (T); got {bmax!r}")
    v = df[x].to_numpy(float)
    keep = np.isfinite(v) & (np.abs(v) <= bmax)
    return _finish_window(df, keep, x, "field_window", {"bmax": bmax})


def _finish_window(df: pd.DataFrame, keep: np.ndarray, x: str, step: str, bounds: dict) -> pd.DataFrame:
    n_kept = int(keep.sum())
    if n_kept == 0 and len(df):
        v = df[x].to_numpy(float)
        span = f"{np.nanmin(v):g} to {np.nanmax(v):g}" if np.isfinite(v).any() else "no finite values"
        raise DataFormatError(f"no data left in the window {bounds} on {x!r}: the data span {span}", column=x)
    out = df.loc[keep].copy()
    return finish(out, df, step, x=x, **bounds, n_kept=n_kept, n_total=len(df))
