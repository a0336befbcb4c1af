"""Gate × field 2D arrays with the axes described in the ``#`` header (lock-in map exports).

Example header (RMpolski/Graphene-Spin-Orbit-Analysis ``W5_WAL_arrays``)::

    # #array of lockin830 voltage readings (divide by 10e-9 to get Rxx) at 300mK for electrodes 39-38,
    #  with axis 0 being backgate voltage from -1.74 (top) to -2.32 (bottom) every 0.02 V (30 pts)
    #  and field from -25 to 25 mT, every 0.2 mT (251 pts)

Rows are gate voltages, columns fields.  Output (long): ``gate_V`` (V), ``field_T`` (T),
``voltage_V`` (V, the cell), ``resistance_ohm`` (Ω, = voltage / current when the header
gives "divide by I to get R"), ``temperature_K`` (K, from "at 300mK"; NaN for "base
Temp"), ``current_A`` (A).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError
from . import _text
from .units import UnitError, convert, parse_unit

_GATE = re.compile(r"(?:gate voltage|gate|vbg)\s+from\s+([-+0-9.]+)\s*(?:\(top\))?.*?to\s+([-+0-9.]+)", re.I | re.S)
_FIELD = re.compile(r"field\s+from\s+([-+0-9.]+)\s+to\s+([-+0-9.]+)\s*(mT|T|G|Oe|kOe)", re.I)
_DIV = re.compile(r"divide by\s+([0-9.eE+-]+)\s+to get\s+(R\w*)", re.I)
_TEMP = re.compile(r"\bat\s+([0-9.]+)\s*(mK|K)\b")


def is_array2d(text: str) -> bool:
    """Content test: a ``#`` header describing ``axis 0`` and a ``field from … to …`` range."""
    head = text[:2000]
    return head.lstrip().startswith("#") and "axis 0" in head and bool(_FIELD.search(head))


def read(path, **_ignored) -> pd.DataFrame:
    """Read a gate × field array into the long layout (see module docstring)."""
    text, enc = _text.read_text(path)
    lines = text.split("\n")
    header = " ".join(ln.lstrip("# ").strip() for ln in lines if ln.startswith("#"))
    meta = _text.new_meta(path, "array2d")
    meta["comments"] = [header]
    g, f = _GATE.search(header), _FIELD.search(header)
    if not (g and f):
        raise DataFormatError(f"{path}, line 1: header does not give both the gate and field ranges", path=path,
                              line=1)
    first = next((i for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")), None)
    if first is None:
        raise DataFormatError(f"{path}, line {len(lines)}: header without any row of the array", path=path,
                              line=len(lines))
    offset = sum(len(ln) + 1 for ln in lines[:first])
    table = _text.read_table(text[offset:], None, sep=None, path=path, first_line=first + 1, meta=meta)
    if not all(pd.api.types.is_numeric_dtype(table[c]) for c in table.columns):
        raise DataFormatError(f"{path}, line {first + 1}: the array holds text where numbers were expected",
                              path=path, line=first + 1)
    vals = table.to_numpy(dtype=float)
    nrow, ncol = vals.shape
    try:
        gate = np.linspace(float(g.group(1)), float(g.group(2)), nrow)
        field = convert(np.linspace(float(f.group(1)), float(f.group(2)), ncol), parse_unit(f.group(3)), parse_unit("T"))
    except (ValueError, UnitError):
        raise DataFormatError(f"{path}, line 1: the gate or field range in the header is not a pair of numbers with "
                              "a field unit", path=path, line=1) from None
    unit = f.group(3)
    npts = re.findall(r"\((\d+)\s*pts\)", header)
    if len(npts) >= 2 and (int(npts[0]), int(npts[1])) != (nrow, ncol):
        meta["notes"].append(f"header announces {npts[0]}×{npts[1]} points, file has {nrow}×{ncol}")
    df = pd.DataFrame({
        "gate_V": np.repeat(gate, ncol),
        "field_T": np.tile(field, nrow),
        "voltage_V": vals.ravel(),
    })
    meta["units"].update({"gate_V": "V", "field_T": unit, "voltage_V": "V"})
    meta["origin"].update({"gate_V": "rows (axis 0)", "field_T": "columns (axis 1)", "voltage_V": "array values"})
    d = _DIV.search(header)
    if d and _is_float(d.group(1)) and float(d.group(1)) != 0:
        current = float(d.group(1))
        df["resistance_ohm"] = df["voltage_V"] / current
        df["current_A"] = current
        meta["units"]["resistance_ohm"] = "ohm"
        meta["origin"]["resistance_ohm"] = f"array values / {d.group(1)} A"
        meta["channels"][1] = {"name": d.group(2), "role": "xx" if "xx" in d.group(2).lower() else None,
                               "points": int(nrow * ncol)}
    t = _TEMP.search(header)
    if t and _is_float(t.group(1)):
        df["temperature_K"] = float(convert(float(t.group(1)), parse_unit(t.group(2)), parse_unit("K")))
        meta["units"]["temperature_K"] = t.group(2)
        meta["origin"]["temperature_K"] = "header"
    else:
        df["temperature_K"] = np.nan
        meta["notes"].append("temperature not stated as a number in the header (e.g. 'base Temp'): temperature_K is NaN")
    excl = re.search(r"index\s+(\d+)\s*\(([-+0-9.]+)\s*Vbg\)[^-]*?(?:should be )?excluded", header, re.I)
    if excl and int(excl.group(1)) < nrow:
        bad = np.repeat(np.arange(nrow) == int(excl.group(1)), ncol)
        _text.drop(meta, f"points of gate row {excl.group(1)} ({excl.group(2)} V) dropped: the header says that "
                   "sweep was stopped partway and should be excluded", int(bad.sum()))
        df = df.loc[~bad]
    nan = int(df["voltage_V"].isna().sum())
    if nan:
        meta["notes"].append(f"{nan} empty cells (NaN) in the array")
    df.insert(0, "channel", 1)
    if 1 in meta["channels"]:
        meta["channels"][1]["points"] = int(len(df))
    return _text.finish(df, meta)


def _is_float(text: str) -> bool:
    try:
        return bool(np.isfinite(float(text)))
    except ValueError:
        return False
