"""Helpers shared by the prepare steps: column checks, attrs bookkeeping, grouping.

Every public prepare function returns a *new* DataFrame whose ``attrs`` are a deep copy
of the input's, with one record appended to ``attrs["sigmafit"]["prepare"]`` describing
the step and the choices it made (a plain, JSON-able dict).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError


def require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise :class:`DataFormatError` naming the first canonical column that ``df`` lacks.

    ``what`` says which step needs it (used in the message).
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} expects a pandas DataFrame, got {type(df).__name__}")
    for col in columns:
        if col not in df.columns:
            have = ", ".join(map(str, df.columns)) or "no columns"
            raise DataFormatError(
                f"{what} needs the canonical column {col!r}, but the data have: {have}",
                path=_source(df),
                column=col,
            )


def _source(df: pd.DataFrame) -> str | None:
    meta = df.attrs.get("sigmafit") if isinstance(df.attrs, dict) else None
    if isinstance(meta, dict):
        src = meta.get("source")
        return None if src is None else str(src)
    return None


def meta_of(df: pd.DataFrame) -> dict:
    """The ``attrs["sigmafit"]`` dict of ``df`` (an empty dict when missing). Read only."""
    meta = df.attrs.get("sigmafit")
    return meta if isinstance(meta, dict) else {}


def last_step(df: pd.DataFrame, step: str) -> dict | None:
    """The newest record of the prepare step named ``step`` in ``attrs["sigmafit"]["prepare"]`` (None: no such step)."""
    return next((s for s in reversed(meta_of(df).get("prepare") or []) if s.get("step") == step), None)


def error_values(df: pd.DataFrame, column: str) -> np.ndarray | None:
    """The uncertainties of ``column`` (float array) from the error column announced in ``attrs["sigmafit"]["errors"]``;
    None when none is announced or it is missing from ``df``."""
    err = (meta_of(df).get("errors") or {}).get(column)
    return df[err].to_numpy(float) if err in df.columns else None


def jsonable(value: Any) -> Any:
    """Convert numpy scalars/arrays (recursively) to plain Python for the attrs record."""
    if isinstance(value, dict):
        return {jsonable(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


def finish(result: pd.DataFrame, source: pd.DataFrame, step: str | None = None, /, **record: Any) -> pd.DataFrame:
    """Give ``result`` a deep copy of ``source.attrs`` and append a step record.

    pandas only propagates ``attrs`` through some operations, so every step sets them
    explicitly on its result.
    """
    attrs = copy.deepcopy(dict(source.attrs))
    meta = attrs.get("sigmafit")
    if not isinstance(meta, dict):
        meta = {}
    if step is not None:
        steps = list(meta.get("prepare", []))
        steps.append({"step": step, **jsonable(record)})
        meta["prepare"] = steps
    attrs["sigmafit"] = meta
    result.attrs = attrs
    return result


def as_list(by: str | Sequence[str] | None) -> list[str]:
    """``None`` → ``[]``, a column name → ``[name]``, a sequence → list."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def groups(df: pd.DataFrame, keys: list[str]) -> Iterator[tuple[tuple, pd.DataFrame]]:
    """Iterate ``(key_tuple, sub_frame)`` in order of first appearance; one group if no keys."""
    if not keys:
        yield (), df
        return
    for key, sub in df.groupby(keys, sort=False, dropna=False):
        yield (key if isinstance(key, tuple) else (key,)), sub


def unique_sorted(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort by ``x`` and average ``y`` over identical ``x`` values; NaNs removed."""
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if x.size == 0:
        return x, y
    ux, inv = np.unique(x, return_inverse=True)
    sums = np.bincount(inv, weights=y, minlength=ux.size)
    counts = np.bincount(inv, minlength=ux.size)
    return ux, sums / counts


def interp_nan(xnew: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Linear interpolation of ``y(x)`` at ``xnew``; NaN outside ``[min x, max x]`` (no extrapolation;
    a relative 1e-9 of the span is allowed at the ends for rounding)."""
    xs, ys = unique_sorted(np.asarray(x, float), np.asarray(y, float))
    out = np.full(np.shape(xnew), np.nan)
    if xs.size == 0:
        return out
    if xs.size == 1:
        hit = np.isclose(xnew, xs[0], rtol=0.0, atol=1e-12 * max(1.0, abs(xs[0])))
        out[hit] = ys[0]
        return out
    eps = 1e-9 * (xs[-1] - xs[0])  # grid points that miss the data's end by rounding only
    inside = (xnew >= xs[0] - eps) & (xnew <= xs[-1] + eps)
    out[inside] = np.interp(xnew[inside], xs, ys)
    return out
