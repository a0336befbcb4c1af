"""Lake Shore Hall Measurement System (HMS) exports.

Layout: ``[Sample parameters]`` (``Thickness =\\t3.0 [µm]`` …), ``[Measurements]``, then
``<Step N: …>`` blocks with ``key:\\tvalue [unit]`` settings (``Field at:\\t3.0 [kG]``) and tab
tables whose headers carry units in brackets.  Files are usually latin-1 with CRLF line ends.

Output: the rows of every table of every step, kept apart: ``step`` (N), ``measurement``
(``"zero-field"`` or ``"hall"``: one R(T) each over all steps, so a fit splits curves by it —
``attrs["sigmafit"]["split_by"] = "measurement"``) and ``table`` (``"step 1 zero-field"``, ``"step 1 hall 0.3 T"``),
``temperature_K`` (K), ``field_T`` (T, from G; from the step's ``Field at`` setting, or 0 for a
zero-field table, when the table has no field column), ``resistivity_ohm_cm`` (Ω·cm),
``hall_coefficient_cm3_per_C`` (cm³/C), ``carrier_density_cm-3`` (cm⁻³), ``mobility_cm2_per_Vs``
(cm²/(V·s)) and the text column ``Type`` (n/p).  Geometry: ``thickness_um`` (µm) and
``thickness_nm`` (nm) from the sample parameters.  Tables are parsed by pandas' C engine.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError
from . import _text
from .mapping import canonicalize
from .units import UnitError, convert, parse_unit

_STEP = re.compile(r"^<Step\s+(\d+):\s*(.*?)>\s*$")


def is_lakeshore(text: str) -> bool:
    """Content test: ``[Sample parameters]`` section or ``<Step N: …>`` blocks."""
    head = text[:5000]
    return "[Sample parameters]" in head or bool(re.search(r"^<Step \d+:", text, re.M))


def _value_unit(s: str) -> tuple[float | None, str | None]:
    m = re.match(r"^\s*([-+0-9.eE]+)\s*(?:\[(.*?)\])?", s)
    if not m:
        return None, None
    try:
        return float(m.group(1)), m.group(2)
    except ValueError:
        return None, m.group(2)


def _quantity(s: str, target: str) -> float | None:
    """``"3.0 [kG]"`` → 0.3 for target ``"T"``; None when the value or unit cannot be read."""
    value, unit = _value_unit(s)
    if value is None or not np.isfinite(value) or not unit:
        return None
    try:
        return float(convert(value, parse_unit(unit), parse_unit(target)))
    except UnitError:
        return None


def _is_table_header(lines: list[str], i: int) -> bool:
    ln = lines[i]
    if ln.count("\t") < 1 or "[" not in ln or i + 1 >= len(lines):
        return False
    first = [f for f in lines[i + 1].split("\t") if f.strip()]
    return bool(first) and _text.is_number(first[0])


def _scan(lines: list[str], meta: dict, path) -> tuple[dict, list]:
    """Settings per step and the tables ``(step, header line number, header, rows)``."""
    section, step, settings, tables = None, None, {}, []
    i = 0
    while i < len(lines):
        ln = lines[i].strip()
        if ln.startswith("[") and ln.endswith("]"):
            section = ln[1:-1]
        elif m := _STEP.match(ln):
            step = int(m.group(1))
            settings[step] = {"title": m.group(2)}
        elif section == "Measurements" and _is_table_header(lines, i):
            j = i + 1
            while j < len(lines) and lines[j].strip() and not lines[j].startswith("<"):
                j += 1
            tables.append((step, i + 1, [h.strip() for h in ln.split("\t")], lines[i + 1:j]))
            i = j
            continue
        elif section == "Sample parameters" and "\t" in ln:
            _sample_parameter(ln, meta)
        elif section == "Sample parameters" and ln:
            meta["sample"] = ln
        elif step is not None and "\t" in ln:
            key, _, val = ln.partition("\t")
            settings[step][key.strip(" :")] = val.strip()
        i += 1
    return settings, tables


def _sample_parameter(ln: str, meta: dict) -> None:
    key, _, val = ln.partition("\t")
    key = key.strip(" =:")
    if key.lower() == "thickness" and (um := _quantity(val, "um")) is not None:
        meta["geometry"]["thickness_um"] = um
        meta["geometry"]["thickness_nm"] = um * 1e3
    elif key.lower() == "sample type":
        meta["geometry"]["type"] = val.strip()
    else:
        meta.setdefault("sample_parameters", {})[key] = val.strip()


def read(path, **_ignored) -> pd.DataFrame:
    """Read a Lake Shore HMS export (see module docstring)."""
    text, enc = _text.read_text(path)
    lines = text.split("\n")
    meta = _text.new_meta(path, "lakeshore_hms")
    meta["encoding"] = enc
    settings, tables = _scan(lines, meta, path)
    meta["steps"] = settings
    if not tables:
        raise DataFormatError(f"{path}, line {len(lines)}: Lake Shore HMS file without any data table "
                              "(expected a 'Temperature [K]<tab>Field [G]…' header)",
                              path=path, line=len(lines))
    frames = []
    for stp, hline, header, rows in tables:
        if not [r for r in rows if r.strip()]:
            meta["notes"].append(f"table at line {hline} has no rows")
            continue
        frames.append(_table(stp, hline, header, rows, settings.get(stp, {}), meta, path))
    if not frames:
        raise DataFormatError(f"{path}: every data table is empty", path=path, line=tables[0][1])
    df = pd.concat(frames, ignore_index=True)
    for col in ("measurement", "table"):
        df[col] = df[col].astype(str)
    origins = {m.get("original") for m in meta["mappings"] if m.get("canonical") == "resistivity_ohm_cm"}
    meta["origin"]["resistivity_ohm_cm"] = " / ".join(sorted(o for o in origins if o))
    meta["split_by"] = "measurement"  # zero-field and in-field ρ(T) are two curves; the steps are temperature ranges
    meta["notes"].append("'table' names the table a row comes from (zero-field resistivity, or Hall at a field, "
                         "per step): fit one curve per table")
    return _text.finish(df, meta)


def _table(stp, hline, header, rows, setting, meta, path) -> pd.DataFrame:
    t = _text.read_table("\n".join(rows), _text.unique_names(header, meta), sep="\t", path=path,
                         first_line=hline + 1, meta=meta)
    kind = "zero-field" if any(h.lower().startswith("zero-field") for h in header) else "hall"
    t = canonicalize(t, meta, path=path, line=hline)
    field = 0.0 if kind == "zero-field" else _quantity(setting.get("Field at", ""), "T")
    if "field_T" not in t.columns and field is not None:
        t["field_T"] = field
        meta["notes"].append(f"table at line {hline}: no field column; field_T = {field:g} T from the step settings")
    label = f"step {stp if stp is not None else 0} {kind}"
    if kind == "hall" and field is not None:
        label += f" {field:g} T"
    t.insert(0, "table", label)
    t.insert(0, "measurement", kind)
    t.insert(0, "step", stp if stp is not None else 0)
    return t
