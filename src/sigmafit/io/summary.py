"""Summaries of a loaded frame, for ``sigmafit info`` and notebooks.

:func:`describe` returns a plain JSON-able dict: columns with units, each canonical column's
mapping (original header, unit in the file, factor or offset, the vocabulary rule that matched
and where the unit came from), rows, channels with roles, the assumptions the loader made, the
preamble it skipped, dropped counts and suspicious columns.  :func:`format_description` renders
it as text, with the sweeps when the caller added them (``sigmafit info`` adds
:func:`sigmafit.prepare.sweeps.sweep_summary`: finding sweeps is a preparation step, and io does
not import prepare).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .columns import lookup, unit_of

#: Values this small but nonzero are float garbage (e.g. 1.7e-41 sample positions), not data.
DENORMAL = 1e-30
#: Beyond these a canonical value is suspicious (a unit is probably wrong): |B| in T, T in K.
IMPLAUSIBLE = {"field_T": 100.0, "temperature_K": 5000.0}


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def _column(name: str, s: pd.Series, meta: dict, suspicious: list[str]) -> dict[str, Any]:
    origin, units = meta.get("origin", {}), meta.get("units", {})
    known = lookup(name) is not None
    entry: dict[str, Any] = {"name": name, "canonical": known, "unit": unit_of(name) if known else None,
                             "from": origin.get(name), "original_unit": units.get(name),
                             "non_null": int(s.notna().sum())}
    mapping = next((m for m in meta.get("mappings", []) if m.get("canonical") == name), None)
    if mapping is not None:
        entry["mapping"] = {k: mapping.get(k) for k in ("rule", "factor", "offset", "reciprocal", "source")
                            if mapping.get(k) is not None}
    if pd.api.types.is_numeric_dtype(s) and s.notna().any():
        v = s.to_numpy(dtype=float)
        finite = v[np.isfinite(v)]
        if finite.size:
            entry.update(min=float(finite.min()), max=float(finite.max()))
        tiny = (finite != 0) & (np.abs(finite) < DENORMAL)
        if np.any(tiny):
            suspicious.append(f"column {name!r} holds {int(tiny.sum())} garbage denormal values (|x| < 1e-30)")
        elif len(s) > 1 and finite.size and finite.min() == finite.max() and name not in ("channel", "run_id", "step"):
            entry["constant"] = True
        limit = IMPLAUSIBLE.get(name)
        if limit and finite.size and np.abs(finite).max() > limit:
            suspicious.append(f"column {name!r} reaches {np.abs(finite).max():.4g}: is the unit in the file right?")
    elif not pd.api.types.is_numeric_dtype(s) and s.notna().any():
        distinct = pd.unique(s.dropna().astype(str))
        entry.update(distinct=int(distinct.size), values=[str(v) for v in distinct[:6]])
    if not s.notna().any():
        entry["all_nan"] = True
    return entry


def describe(df: pd.DataFrame) -> dict:
    """Plain-dict summary of a loaded frame (see module docstring)."""
    meta = df.attrs.get("sigmafit", {})
    suspicious: list[str] = []
    cols = [_column(str(c), df[c], meta, suspicious) for c in df.columns]
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
        "assumptions": meta.get("assumptions", []),
        "errors": meta.get("errors", {}),
        "preamble": meta.get("preamble"),
        "dropped": meta.get("dropped", []),
        "notes": meta.get("notes", []),
        "suspicious": suspicious,
        "split_by": meta.get("split_by"),
        "extra": {k: meta[k] for k in ("run_id", "experiment", "instrument", "encoding", "flavour") if meta.get(k)},
    })


def _num(v) -> str:
    return "nan" if v is None else f"{v:.6g}"


def _how(c: dict) -> str:
    """``"Oe × 0.0001, rule 'field'"`` for a column's mapping."""
    m = c.get("mapping") or {}
    parts = []
    unit = c.get("original_unit")
    if m.get("reciprocal"):
        parts.append(f"{unit}: {_num(m.get('factor'))} / x")
    elif m.get("offset"):
        parts.append(f"{unit} + {_num(m.get('offset'))}")
    elif m.get("factor") not in (None, 1.0):
        parts.append(f"{unit} × {_num(m.get('factor'))}")
    elif unit:
        parts.append(f"{unit}")
    if m.get("source") in ("default", "option"):
        parts.append({"default": "unit assumed", "option": "unit from the x/y unit option"}[m["source"]])
    if m.get("rule"):
        parts.append(f"rule {m['rule']!r}")
    return ", ".join(parts)


def format_description(d: dict) -> str:
    """Render :func:`describe` output as readable text."""
    out = [f"file:    {d['source']}", f"format:  {d['format']} ({d['kind']})", f"rows:    {d['rows']}"]
    if d.get("sample"):
        out.append(f"sample:  {d['sample']}")
    for k, v in d.get("extra", {}).items():
        out.append(f"{k}: {v}")
    if d.get("preamble"):
        p = d["preamble"]
        out.append(f"preamble: {p['lines']} line(s) of free text before the header skipped (first: {p['first']!r})")
    out.append("columns:")
    for c in d["columns"]:
        if not c["canonical"] and not c.get("from"):
            continue
        unit = f" [{c['unit']}]" if c.get("unit") else ""
        if "min" in c:
            rng = f"  {_num(c.get('min'))} … {_num(c.get('max'))}"
        elif "values" in c:
            rng = f"  {c['distinct']} values: {', '.join(map(repr, c['values']))}" + (" …" if c["distinct"] > 6 else "")
        else:
            rng = "  (empty)"
        src = f"  <- {c['from']!r}" if c.get("from") else ""
        how = _how(c)
        if how and c.get("original_unit") != "code":
            src += f" (file unit: {how})" if c.get("original_unit") else f" ({how})"
        out.append(f"  {c['name']}{unit}{rng}{src}")
    others = [c["name"] for c in d["columns"] if not c["canonical"] and not c.get("from")]
    if others:
        out.append(f"  + {len(others)} original columns kept unrenamed: {', '.join(others[:12])}"
                   + (" …" if len(others) > 12 else ""))
    for value, error in (d.get("errors") or {}).items():
        out.append(f"errors:  {error} is the uncertainty of {value}")
    if d["channels"]:
        out.append("channels:")
        for n, ch in d["channels"].items():
            out.append(f"  {n}: {ch.get('name')!s}  role={ch.get('role')}  points={ch.get('points')}")
    if d.get("sweeps"):
        s = d["sweeps"]
        per = ", ".join(f"{k}: {v}" for k, v in s["per_channel"].items())
        out.append(f"sweeps along {s['axis']} ({s['method']}): {per}")
    if d.get("split_by"):
        out.append(f"curves: one per value of {d['split_by']!r}")
    if d["geometry"]:
        out.append(f"geometry: {d['geometry']}")
    if d["kind"] == "magnetometry":
        out.append("transport: none — this file has magnetometry data only")
    for a in d.get("assumptions", []):
        out.append(f"assumed: {a}")
    for item in d["dropped"]:
        out.append(f"dropped: {item['count']} {item['reason']}")
    for s in d["suspicious"]:
        out.append(f"suspicious: {s}")
    for n in d["notes"]:
        out.append(f"note: {n}")
    return "\n".join(out)
