"""Summaries of a loaded frame, for ``sigmafit info`` and notebooks.

:func:`describe` returns a plain JSON-able dict (columns with units and origins, rows,
channels with roles, sweeps, metadata, dropped counts, suspicious columns);
:func:`format_description` renders it as text.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .columns import CANONICAL, unit_of

#: Values this small but nonzero are float garbage (e.g. 1.7e-41 sample positions), not data.
DENORMAL = 1e-30


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if not math.isfinite(float(v)) else float(v)
    return v


def count_sweeps(x: np.ndarray, rel_tol: float = 0.02) -> int:
    """Number of monotonic sweeps in ``x``: direction reversals + 1 (steps below ``rel_tol`` × range ignored)."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if x.size < 2:
        return int(x.size > 0)
    span = np.ptp(x)
    if span == 0:
        return 1
    tol = rel_tol * span
    direction, ext, reversals = 0, x[0], 0
    for v in x[1:]:
        if direction == 0:
            if abs(v - ext) > tol:
                direction, ext = (1 if v > ext else -1), v
        elif direction * (v - ext) > 0:
            ext = v
        elif abs(v - ext) > tol:
            reversals += 1
            direction, ext = -direction, v
    return reversals + 1


def _sweeps(df: pd.DataFrame) -> dict:
    """Sweeps per channel along field (if it varies) else temperature."""
    axis = None
    for col in ("field_T", "temperature_K", "gate_V"):
        if col in df.columns and np.nanmax(np.abs(df[col].to_numpy(dtype=float) - np.nanmedian(df[col]))) > 1e-3:
            axis = col
            break
    if axis is None:
        return {}
    try:  # prefer the pipeline's own segmentation when it exists
        from sigmafit.prepare.sweeps import segment  # type: ignore[import-not-found]

        if axis == "gate_V":
            raise LookupError("segment() sweeps field or temperature only")
        seg = segment(df, x=axis)
        by = ["channel"] if "channel" in seg.columns else []
        if by:
            counts = {str(k): int(g["sweep"].nunique()) for k, g in seg.groupby(by[0])}
        else:
            counts = {"all": int(seg["sweep"].nunique())}
        return {"axis": axis, "method": "sigmafit.prepare.sweeps.segment", "per_channel": counts}
    except Exception:  # module missing or not applicable: simple local count
        pass
    if "channel" in df.columns:
        counts = {str(k): count_sweeps(g[axis].to_numpy()) for k, g in df.groupby("channel")}
    else:
        counts = {"all": count_sweeps(df[axis].to_numpy())}
    return {"axis": axis, "method": "direction reversals", "per_channel": counts}


def describe(df: pd.DataFrame) -> dict:
    """Plain-dict summary of a loaded frame (see module docstring)."""
    meta = df.attrs.get("sigmafit", {})
    origin, units = meta.get("origin", {}), meta.get("units", {})
    cols, suspicious = [], []
    for c in df.columns:
        s = df[c]
        entry: dict[str, Any] = {"name": str(c), "canonical": c in CANONICAL, "unit": unit_of(c) if c in CANONICAL
                                 else None, "from": origin.get(c), "original_unit": units.get(c),
                                 "non_null": int(s.notna().sum())}
        if pd.api.types.is_numeric_dtype(s) and s.notna().any():
            v = s.to_numpy(dtype=float)
            entry.update(min=float(np.nanmin(v)), max=float(np.nanmax(v)))
            tiny = (v != 0) & (np.abs(v) < DENORMAL)
            if np.any(tiny):
                suspicious.append(f"column {c!r} holds {int(tiny.sum())} garbage denormal values (|x| < 1e-30)")
            elif len(s) > 1 and np.nanmin(v) == np.nanmax(v) and c not in ("channel", "run_id", "step"):
                entry["constant"] = True
        if not s.notna().any():
            entry["all_nan"] = True
        cols.append(entry)
    empty = [e["name"] for e in cols if e.get("all_nan")]
    const = [e["name"] for e in cols if e.get("constant")]
    if empty:
        suspicious.append(f"{len(empty)} all-empty columns: {', '.join(empty)}")
    if const:
        suspicious.append(f"{len(const)} constant columns: {', '.join(const)}")
    kind = meta.get("kind", "other")
    if kind == "magnetometry":
        suspicious.append("magnetometry only: no transport data (no resistance/conductance column)")
    return _plain({
        "source": meta.get("source"),
        "format": meta.get("format"),
        "kind": kind,
        "rows": int(len(df)),
        "columns": cols,
        "channels": meta.get("channels", {}),
        "sweeps": _sweeps(df),
        "sample": meta.get("sample"),
        "geometry": meta.get("geometry", {}),
        "dropped": meta.get("dropped", []),
        "notes": meta.get("notes", []),
        "suspicious": suspicious,
        "extra": {k: meta[k] for k in ("run_id", "experiment", "instrument", "encoding", "flavour") if meta.get(k)},
    })


def format_description(d: dict) -> str:
    """Render :func:`describe` output as readable text."""
    out = [f"file:    {d['source']}", f"format:  {d['format']} ({d['kind']})", f"rows:    {d['rows']}"]
    if d.get("sample"):
        out.append(f"sample:  {d['sample']}")
    for k, v in d.get("extra", {}).items():
        out.append(f"{k}: {v}")
    out.append("columns:")
    for c in d["columns"]:
        if not c["canonical"] and not c.get("from"):
            continue
        unit = f" [{c['unit']}]" if c.get("unit") else ""
        src = f"  <- {c['from']!r}" if c.get("from") else ""
        if c.get("original_unit") and c.get("unit") and c["original_unit"] != "code":
            src += f" (file unit: {c['original_unit']})"
        rng = f"  {c['min']:.6g} … {c['max']:.6g}" if "min" in c else "  (empty)"
        out.append(f"  {c['name']}{unit}{rng}{src}")
    others = [c["name"] for c in d["columns"] if not c["canonical"] and not c.get("from")]
    if others:
        out.append(f"  + {len(others)} original columns kept unrenamed: {', '.join(others[:12])}"
                   + (" …" if len(others) > 12 else ""))
    if d["channels"]:
        out.append("channels:")
        for n, ch in d["channels"].items():
            out.append(f"  {n}: {ch.get('name')!s}  role={ch.get('role')}  points={ch.get('points')}")
    if d["sweeps"]:
        s = d["sweeps"]
        per = ", ".join(f"{k}: {v}" for k, v in s["per_channel"].items())
        out.append(f"sweeps along {s['axis']} ({s['method']}): {per}")
    if d["geometry"]:
        out.append(f"geometry: {d['geometry']}")
    if d["kind"] == "magnetometry":
        out.append("transport: none — this file has magnetometry data only")
    for item in d["dropped"]:
        out.append(f"dropped: {item['count']} {item['reason']}")
    for s in d["suspicious"]:
        out.append(f"suspicious: {s}")
    for n in d["notes"]:
        out.append(f"note: {n}")
    return "\n".join(out)
