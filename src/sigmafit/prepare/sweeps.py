"""Sweeps: split a measurement into monotonic field (or temperature) sweeps, average dwells.

A *sweep* is a run of consecutive rows in which the swept variable ``x`` moves one way.
Direction reversals are found with a hysteresis rule: a reversal is accepted only when
``x`` retreats from the running extreme by more than ``threshold`` (default 2 % of the
span of ``x``), so noise at a turning point or during a dwell never splits a sweep.  A
step in another control variable (temperature when sweeping field, field when sweeping
temperature) larger than its ``steps`` threshold also starts a new sweep: a PPMS file
that changes temperature at the turning point gives one sweep per (direction, T).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._common import as_list, finish, groups, require

#: Default step thresholds of the *other* control variables (absolute, in their units).
DEFAULT_STEPS = {"temperature_K": 0.05, "field_T": 0.005}
#: Temperature steps are also allowed to scale with T: threshold = max(0.05 K, 0.5 % · T).
_REL_TEMPERATURE_STEP = 0.005


def _reversal_starts(x: np.ndarray, threshold: float) -> list[int]:
    """Indices (into ``x``) where a new sweep starts because ``x`` reversed direction.

    Hysteresis rule: while moving up, the running maximum is tracked; once ``x`` falls more
    than ``threshold`` below it, the sweep ends at the maximum and the next one starts right
    after it (and symmetrically while moving down).  NaNs are skipped.
    """
    starts: list[int] = []
    finite = np.flatnonzero(np.isfinite(x))
    if finite.size < 2:
        return starts
    direction = 0
    first = finite[0]
    imax = imin = first
    ext = first
    for i in finite[1:]:
        xi = x[i]
        if direction == 0:
            if xi > x[imax]:
                imax = i
            if xi < x[imin]:
                imin = i
            if x[imax] - x[imin] > threshold:
                direction = 1 if imax > imin else -1
                ext = imax if direction > 0 else imin
                # a move the other way before the first clear direction is a reversal too
                other = imin if direction > 0 else imax
                if other != first and abs(x[other] - x[first]) > threshold:
                    starts.append(int(other) + 1)
        elif direction > 0:
            if xi >= x[ext]:
                ext = i
            elif x[ext] - xi > threshold:
                starts.append(int(ext) + 1)
                seg = finite[(finite > ext) & (finite <= i)]
                ext = int(seg[np.argmin(x[seg])])
                direction = -1
        else:
            if xi <= x[ext]:
                ext = i
            elif xi - x[ext] > threshold:
                starts.append(int(ext) + 1)
                seg = finite[(finite > ext) & (finite <= i)]
                ext = int(seg[np.argmax(x[seg])])
                direction = 1
    return starts


def _step_starts(v: np.ndarray, threshold: float, relative: float = 0.0) -> list[int]:
    """Indices where ``v`` jumps between consecutive finite points by more than the threshold."""
    finite = np.flatnonzero(np.isfinite(v))
    if finite.size < 2:
        return []
    dv = np.abs(np.diff(v[finite]))
    thr = np.maximum(threshold, relative * np.abs(v[finite[1:]]))
    return [int(i) for i in finite[1:][dv > thr]]


def _labels(n: int, starts: Sequence[int], min_points: int) -> np.ndarray:
    """Sweep label per point from start indices; pieces shorter than ``min_points`` join the next one."""
    cuts = sorted({s for s in starts if 0 < s < n})
    bounds = [0, *cuts, n]
    pieces = [[bounds[k], bounds[k + 1]] for k in range(len(bounds) - 1)]
    merged: list[list[int]] = []
    carry = None
    for a, b in pieces:
        if carry is not None:
            a = carry
            carry = None
        if b - a < min_points and b != n:
            carry = a  # too short (transition points, a lone point after a fast return): join the next
            continue
        merged.append([a, b])
    if merged and merged[-1][1] - merged[-1][0] < min_points and len(merged) > 1:
        last = merged.pop()
        merged[-1][1] = last[1]
    labels = np.empty(n, dtype=np.int64)
    for k, (a, b) in enumerate(merged):
        labels[a:b] = k
    return labels


def _direction(x: np.ndarray, threshold: float) -> int:
    xf = x[np.isfinite(x)]
    if xf.size < 2:
        return 0
    i_max, i_min = int(np.argmax(xf)), int(np.argmin(xf))
    if xf[i_max] - xf[i_min] <= threshold / 2:
        return 0
    return 1 if i_max > i_min else -1


def segment(
    df: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    x: str = "field_T",
    *,
    threshold: float | None = None,
    steps: Mapping[str, float] | None = None,
    min_points: int = 3,
) -> pd.DataFrame:
    """Add ``sweep`` (0, 1, 2 … in time order) and ``sweep_direction`` (+1 up, −1 down, 0 flat).

    Parameters
    ----------
    df : tidy data in acquisition (row) order.
    by : column(s) whose value changes also start a new sweep (processed group by group,
        groups in order of first appearance, numbering continues across groups).
    x : the swept column, ``"field_T"`` (T) or ``"temperature_K"`` (K).
    threshold : reversal threshold in the unit of ``x``; default 2 % of the span of ``x``
        within the channel (noise smaller than this never splits a sweep).
    steps : ``{column: threshold}`` — a jump larger than this between consecutive rows in
        a *control* column starts a new sweep.  Default: when ``x`` is the field, a
        temperature step of more than max(0.05 K, 0.5 % · T); when ``x`` is the
        temperature, a field step of more than 5 mT.  Pass ``{}`` to disable.
    min_points : pieces shorter than this (transition points) are joined to the next sweep.

    Sweeps are numbered per ``channel`` when that column exists (each channel from 0).
    """
    require(df, [x], "segment")
    keys = as_list(by)
    require(df, keys, "segment(by=...)")
    if steps is None:
        other = "temperature_K" if x != "temperature_K" else "field_T"
        steps = {other: DEFAULT_STEPS[other]} if other in df.columns else {}
    require(df, list(steps), "segment(steps=...)")
    out = df.copy()
    n = len(out)
    if n == 0:
        out["sweep"] = np.zeros(0, dtype=np.int64)
        out["sweep_direction"] = np.zeros(0, dtype=np.int64)
        return finish(out, df, "segment", x=x, by=keys, n_sweeps={})
    sweep = np.zeros(n, dtype=np.int64)
    direction = np.zeros(n, dtype=np.int64)
    if "channel" in out.columns:
        chan_codes, chan_values = pd.factorize(out["channel"], use_na_sentinel=False)
    else:
        chan_codes, chan_values = np.zeros(n, dtype=np.int64), ["all"]
    group_codes = (
        out.groupby(keys, sort=False, dropna=False).ngroup().to_numpy() if keys else np.zeros(n, dtype=np.int64)
    )
    xall = out[x].to_numpy(float)
    used_thr: dict = {}
    for ci, cval in enumerate(chan_values):
        cpos = np.flatnonzero(chan_codes == ci)
        xc = xall[cpos]
        span = float(np.nanmax(xc) - np.nanmin(xc)) if np.isfinite(xc).any() else 0.0
        thr = float(threshold) if threshold is not None else 0.02 * span
        used_thr[cval.item() if hasattr(cval, "item") else cval] = thr
        nxt = 0
        for gcode in pd.unique(group_codes[cpos]):
            gpos = cpos[group_codes[cpos] == gcode]
            xg = xall[gpos]
            starts = _reversal_starts(xg, thr)
            for col, sthr in steps.items():
                v = out[col].to_numpy(float)[gpos]
                rel = _REL_TEMPERATURE_STEP if col == "temperature_K" else 0.0
                starts += _step_starts(v, float(sthr), rel)
            lab = _labels(len(xg), starts, min_points)
            sweep[gpos] = lab + nxt
            for k in np.unique(lab):
                sel = lab == k
                direction[gpos[sel]] = _direction(xg[sel], thr)
            nxt += int(lab.max()) + 1 if lab.size else 0
    out["sweep"] = sweep
    out["sweep_direction"] = direction
    n_sweeps = {str(v): int(np.unique(sweep[chan_codes == i]).size) for i, v in enumerate(chan_values)}
    return finish(out, df, "segment", x=x, by=keys, threshold=used_thr, steps=dict(steps), n_sweeps=n_sweeps)


def dedupe_turning_points(
    df: pd.DataFrame, x: str = "field_T", *, tol: float | None = None
) -> pd.DataFrame:
    """Average consecutive rows whose ``x`` repeats (turning points, dwells) into one row.

    Within each ``channel``/``sweep`` (when present), a run of consecutive rows whose ``x``
    stays within ``tol`` of the run's first row is replaced by one row: numeric columns are
    averaged, other columns take the first value.  Default ``tol``: 10 % of the median
    |Δx| between consecutive rows of the group.  The number of rows merged is recorded in
    the step record (``n_removed``) and in ``attrs["sigmafit"]["dropped"]``.
    """
    require(df, [x], "dedupe_turning_points")
    keys = [k for k in ("channel", "sweep") if k in df.columns]
    numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
    keep_int = [c for c in numeric if c in ("channel", "sweep", "sweep_direction")]
    pieces = []
    n_removed = 0
    used_tol = []
    for _, g in groups(df, keys):
        xv = g[x].to_numpy(float)
        if tol is None:
            d = np.abs(np.diff(xv))
            d = d[np.isfinite(d) & (d > 0)]
            t = 0.1 * float(np.median(d)) if d.size else 0.0
        else:
            t = float(tol)
        used_tol.append(t)
        run = np.zeros(len(xv), dtype=np.int64)
        r, ref = 0, xv[0] if len(xv) else np.nan
        for i in range(1, len(xv)):
            if not (abs(xv[i] - ref) <= t):
                r += 1
                ref = xv[i]
            run[i] = r
        if r + 1 == len(xv):
            pieces.append(g)
            continue
        n_removed += len(xv) - (r + 1)
        agg = {c: ("mean" if c in numeric and c not in keep_int else "first") for c in g.columns}
        merged = g.groupby(run, sort=False).agg(agg)
        pieces.append(merged)
    out = pd.concat(pieces, ignore_index=True) if pieces else df.iloc[0:0].copy()
    out = out[list(df.columns)]
    out = finish(out, df, "dedupe_turning_points", x=x, tol=used_tol[0] if len(set(used_tol)) == 1 else used_tol, n_removed=n_removed)
    if n_removed:
        meta = out.attrs["sigmafit"]
        meta["dropped"] = [*meta.get("dropped", []), {"reason": f"repeated {x} at turning points/dwells averaged (prepare.dedupe_turning_points)", "count": n_removed}]
    return out


def describe_sweeps(df: pd.DataFrame, x: str = "field_T") -> pd.DataFrame:
    """One row per sweep: ``sweep``, ``channel``, ``direction``, ``x_min``, ``x_max``,
    ``n_points`` and ``temperature_K`` (mean, K; NaN if absent).  Runs :func:`segment` first
    when ``df`` has no ``sweep`` column.
    """
    require(df, [x], "describe_sweeps")
    data = df if "sweep" in df.columns else segment(df, x=x)
    keys = [k for k in ("channel", "sweep") if k in data.columns]
    rows = []
    for key, g in groups(data, keys):
        kd = dict(zip(keys, key, strict=True))
        xv = g[x].to_numpy(float)
        rows.append(
            {
                "sweep": int(kd["sweep"]),
                "channel": int(kd["channel"]) if "channel" in kd else np.nan,
                "direction": int(g["sweep_direction"].iloc[0]) if "sweep_direction" in g.columns else 0,
                "x_min": float(np.nanmin(xv)),
                "x_max": float(np.nanmax(xv)),
                "n_points": len(g),
                "temperature_K": float(g["temperature_K"].mean()) if "temperature_K" in g.columns else np.nan,
            }
        )
    out = pd.DataFrame(rows, columns=["sweep", "channel", "direction", "x_min", "x_max", "n_points", "temperature_K"])
    out = out.sort_values(["channel", "sweep"] if "channel" in keys else ["sweep"], ignore_index=True)
    return finish(out, df, None)


def sweep_summary(df: pd.DataFrame) -> dict:
    """Sweeps per channel along the axis that varies (field, else temperature, else gate), by :func:`segment`.

    ``{"axis": column, "method": "sigmafit.prepare.sweeps.segment", "per_channel": {"1": n, …}}``
    (``"all"`` without a channel column); ``{}`` when no axis varies by more than 1e-3.  Used by
    ``sigmafit info``.
    """
    axis = None
    for col in ("field_T", "temperature_K", "gate_V"):
        if col in df.columns:
            v = df[col].to_numpy(dtype=float)
            if np.isfinite(v).any() and np.nanmax(np.abs(v - np.nanmedian(v))) > 1e-3:
                axis = col
                break
    if axis is None:
        return {}
    seg = segment(df, x=axis)
    if "channel" in seg.columns:
        counts = {str(k): int(g["sweep"].nunique()) for k, g in seg.groupby("channel")}
    else:
        counts = {"all": int(seg["sweep"].nunique())}
    return {"axis": axis, "method": "sigmafit.prepare.sweeps.segment", "per_channel": counts}
