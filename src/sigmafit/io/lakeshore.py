"""Lake Shore Hall Measurement System (HMS) exports.

Layout: ``[Sample parameters]`` (``Thickness =\\t3.0 [µm]`` …), ``[Measurements]``, then
``<Step N: …>`` blocks with ``key:\\tvalue [unit]`` settings and tab tables whose headers
carry units in brackets.  Files are usually latin-1 with CRLF line ends.

Output: the rows of every table of every step, with ``step`` (N), ``measurement``
(``"zero-field"`` or ``"hall"``), ``temperature_K`` (K), ``field_T`` (T, from G),
``resistivity_ohm_cm`` (Ω·cm), ``hall_coefficient_cm3_per_C`` (cm³/C), ``carrier_density_cm-3``
(cm⁻³), ``mobility_cm2_per_Vs`` (cm²/(V·s)) and the text column ``Type`` (n/p).
Geometry: ``thickness_um`` (µm) from the sample parameters.
"""

from __future__ import annotations

import re

import pandas as pd

from ..constants import LENGTH_TO_NM
from ..exceptions import DataFormatError
from . import _text
from .units import canonicalize, norm_unit

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


def read(path, **_ignored) -> pd.DataFrame:
    """Read a Lake Shore HMS export (see module docstring)."""
    text, enc = _text.read_text(path)
    lines = text.split("\n")
    meta = _text.new_meta(path, "lakeshore_hms")
    meta["encoding"] = enc
    section, step, settings = None, None, {}
    tables: list[tuple[int | None, int, list[str], list[str]]] = []  # (step, header line, header, rows)
    i = 0
    while i < len(lines):
        ln = lines[i].strip()
        if ln.startswith("[") and ln.endswith("]"):
            section = ln[1:-1]
        elif (m := _STEP.match(ln)):
            step = int(m.group(1))
            settings[step] = {"title": m.group(2)}
        elif section == "Measurements" and ln.startswith("Temperature [") and "\tField [" in ln:
            header = [h.strip() for h in ln.split("\t")]
            j = i + 1
            while j < len(lines) and lines[j].strip() and not lines[j].startswith("<"):
                j += 1
            tables.append((step, i + 1, header, lines[i + 1:j]))
            i = j
            continue
        elif section == "Sample parameters" and "\t" in ln:
            key, _, val = ln.partition("\t")
            key = key.strip(" =:")
            v, u = _value_unit(val)
            if key.lower() == "thickness" and v is not None:
                unit = norm_unit(u) or "um"
                meta["geometry"]["thickness_um"] = v * LENGTH_TO_NM[unit] / LENGTH_TO_NM["um"]
            elif key.lower() == "sample type":
                meta["geometry"]["type"] = val.strip()
            else:
                meta.setdefault("sample_parameters", {})[key] = val.strip()
        elif section == "Sample parameters" and ln and "\t" not in ln:
            meta["sample"] = ln
        elif step is not None and "\t" in ln:
            key, _, val = ln.partition("\t")
            settings[step][key.strip(" :")] = val.strip()
        i += 1
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
        t = _text.parse_table(rows, header, sep="\t", path=path, first_line=hline + 1, meta=meta)
        kind = "zero-field" if any(h.lower().startswith("zero-field") for h in header) else "hall"
        t = t.rename(columns=lambda c: re.sub(r"^Zero-field\s+", "", c))
        t = canonicalize(t, meta, path=path, line=hline)
        t.insert(0, "measurement", kind)
        t.insert(0, "step", stp if stp is not None else 0)
        frames.append(t)
    if not frames:
        raise DataFormatError(f"{path}: every data table is empty", path=path, line=tables[0][1])
    df = pd.concat(frames, ignore_index=True)
    df["measurement"] = df["measurement"].astype(str)
    meta["origin"]["resistivity_ohm_cm"] = "Zero-field Resistivity [ohm cm] / Resistivity [ohm cm]"
    meta["notes"].append("'measurement' says which table a row comes from: zero-field resistivity or Hall at field")
    return _text.finish(df, meta)
