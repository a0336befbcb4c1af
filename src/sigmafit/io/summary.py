"""Summaries of a loaded frame, for ``sigmafit info`` and notebooks.

:func:`describe` returns a plain JSON-able dict (columns with units and origins, rows,
channels with roles, metadata, dropped counts, suspicious columns);
:func:`format_description` renders it as text, with the sweeps when the caller added them
(``sigmafit info`` adds :func:`sigmafit.prepare.sweeps.sweep_summary`: finding sweeps is a
preparation step, and io does not import prepare).
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
    if d.get("sweeps"):
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
