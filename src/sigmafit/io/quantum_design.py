"""Quantum Design MultiVu ``.dat`` files: PPMS Resistivity, PPMS AC Transport (ACT),
DynaCool/PPMS ETO, DynaCool Resistivity, and magnetometry (MPMS/VSM) files.

Layout: ``[Header]`` with ``INFO``/``TITLE``/… lines, then ``[Data]``, one comma-separated
column-header line and the rows (found by content, never by a fixed skip).

Output (long format, see :mod:`sigmafit.io.columns`): one row per point *per channel*,
``channel`` (int), ``resistance_ohm`` (Ω), ``temperature_K`` (K), ``field_T`` (T, from Oe),
``time_s`` (s), ``status_code``, ``angle_deg`` (deg), ``current_A`` (A), and per format
``voltage_V`` (V), ``resistance_std_ohm`` (Ω), ``resistivity_ohm_cm`` (Ω·cm).  Channel
roles ("xx"/"xy") come from the sample names in the header.  Magnetometry files (no
resistance columns) are returned wide with ``moment_emu`` and ``kind = "magnetometry"``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError
from . import _text
from .columns import CANONICAL
from .mapping import canonicalize, split_header
from .units import UnitError, parse_unit

_KEY_LAST = re.compile(r"^([A-Z][A-Z0-9_]*|Sample\s*\d+\s+[A-Za-z ]+)$")
_CHAN = re.compile(r"^(?P<pre>.*?)\s*\b(?:Bridge\s*(?P<b>\d)|ch(?:annel)?\s*(?P<c>\d+))\b\s*(?P<post>.*)$", re.I)


def is_multivu(text: str) -> bool:
    """Content test: a ``[Header]`` section of MultiVu, or a ``[Data]`` line after ``INFO`` lines."""
    head = text[:20000]
    return head.lstrip().startswith("[Header]") or ("\n[Data]" in head and "\nINFO" in head)


def parse_header(lines: list[str]) -> dict[str, str]:
    """``INFO`` and other header lines → ``{key: value}`` (keys lower-case with ``_``).

    Handles both orders: ``INFO,<value>,<KEY>`` (ACT/ETO) and ``INFO, APPNAME, <value>``;
    values may contain commas (they are re-joined).
    """
    info: dict[str, str] = {}
    for line in lines:
        parts = [p.strip() for p in line.split(",")]
        tag = parts[0].upper()
        if tag == "INFO" and len(parts) >= 3:
            if _KEY_LAST.match(parts[-1]) and not (parts[1].isupper() and parts[1] == "APPNAME"):
                key, value = parts[-1], ",".join(parts[1:-1]).strip()
            else:
                key, value = parts[1], ",".join(parts[2:]).strip()
            info[re.sub(r"\s+", "_", key.strip()).lower()] = value
        elif tag in ("TITLE", "BYAPP", "FILEOPENTIME"):
            info[tag.lower()] = ",".join(parts[1:]).strip()
    return info


def _role(name: str | None) -> str | None:
    if not name:
        return None
    low = name.lower()
    if re.search(r"(?<![a-z])(hall|rxy|r_xy|xy)(?![a-z])", low):
        return "xy"
    if re.search(r"(?<![a-z])(tmr|rxx|r_xx|xx|longitudinal|mr)(?![a-z])", low):
        return "xx"
    return None


def _num(s: str | None) -> float | None:
    try:
        return float(s) if s not in (None, "") else None
    except ValueError:
        return None


def _geometry(info: dict, n: int) -> dict:
    """Geometry of sample/channel ``n`` from INFO (lengths in µm, areas in µm²)."""
    um_per_cm = parse_unit("cm").factor_to(parse_unit("um"))
    g: dict = {}
    sep = _num(info.get(f"sample{n}_lead_separation")) or _num(info.get(f"sample{n}_length"))
    area = _num(info.get(f"sample{n}_cross_section"))
    if sep is not None:
        g["lead_separation_um"] = sep * um_per_cm
    if area is not None:
        g["cross_section_um2"] = area * um_per_cm**2
    if sep == 1 and area == 1:
        g["defaults"] = True  # MultiVu defaults: resistivity columns are meaningless
    comment = info.get(f"sample{n}_comment", "")
    dims = re.findall(r"\b([A-Za-z])\s*=\s*([0-9.]+)", comment)
    unit = re.search(r"([0-9.]+)\s*(mm|um|µm|cm)\b", comment)
    if dims and unit:
        g["comment_dimensions"] = {k: float(v) for k, v in dims}
        g["comment_unit"] = unit.group(2)
    return g


def _channel_name(info: dict, n: int) -> str | None:
    for key in (f"sample{n}_name", f"sample{n}_material"):
        if info.get(key):
            return info[key]
    return None


_DATA = re.compile(r"(?im)^[ \t]*\[data\][ \t]*$")


def read(path, *, x_unit=None, y_unit=None, **_ignored) -> pd.DataFrame:
    """Read a MultiVu ``.dat`` file into the long transport layout (see module docstring)."""
    text, enc = _text.read_text(path)
    mark = _DATA.search(text)
    if mark is None:
        n = text.count("\n") + 1
        raise DataFormatError(
            f"{path}, line {n}: MultiVu header ends without a [Data] line (truncated file?); "
            "expected '[Data]' then the column names",
            path=path, line=n)
    idx = text.count("\n", 0, mark.start())  # 0-based line of [Data]
    rest = text[mark.end():]
    hdr = re.search(r"(?m)^[ \t]*\S.*$", rest)
    if hdr is None:
        raise DataFormatError(f"{path}, line {idx + 1}: no column-name line after [Data]", path=path, line=idx + 1)
    hdr_no = idx + rest.count("\n", 0, hdr.start())  # 0-based line of the column names
    info = parse_header(text[: mark.start()].split("\n"))
    meta = _text.new_meta(path, "quantum_design")
    meta["encoding"] = enc
    meta["header"] = info
    header = _text.unique_names([h.strip() for h in hdr.group(0).split(",")], meta)
    wide = _text.read_table(rest[hdr.end():], header, sep=",", path=path, first_line=hdr_no + 2, meta=meta,
                            repeated_header=hdr.group(0))
    app = (info.get("byapp", "") + " " + info.get("appname", "")).lower()
    flavour = "act" if "actransport" in app.replace(" ", "") or any(c.startswith("Volts ch") for c in header) else (
        "eto" if "electrical transport" in app or "eto status code" in [h.lower() for h in header] else "resistivity")
    sample = info.get("sample1_material") or info.get("title")
    meta["sample"] = None if not sample or sample.lower() == "default name" else sample
    meta["instrument"] = info.get("byapp")
    if "ETO Status Code" in wide.columns:
        wide = wide.rename(columns={"ETO Status Code": "Status (code)"})
    common, per_chan = _split_channel_columns(wide.columns, flavour)
    if not per_chan:
        return _wide(wide, meta, path, x_unit, y_unit)
    if flavour == "act" and "Excitation (mA)" not in wide.columns:
        raise DataFormatError(f"{path}, line {hdr_no + 1}: PPMS AC Transport file without an 'Excitation (mA)' "
                              "column (needed for R = V/I)", path=path, line=hdr_no + 1, column="Excitation (mA)")
    frames = []
    for n in sorted(per_chan):
        f = _channel_frame(wide, common, per_chan[n], n, flavour, info, meta, path, x_unit, y_unit)
        if f is not None:
            frames.append(f)
    meta["flavour"] = flavour
    if not frames:
        raise DataFormatError(f"{path}: no channel holds any resistance reading", path=path, line=hdr_no + 1)
    df = pd.concat(frames, ignore_index=True)
    first = ["channel", "temperature_K", "field_T", "resistance_ohm"]
    df = df[[c for c in first if c in df.columns] + [c for c in df.columns if c not in first]]
    return _text.finish(df, meta)


def _split_channel_columns(columns, flavour: str):
    """Return (common columns, {channel: {generic name: original column}})."""
    common, per = [], {}
    for col in columns:
        m = _CHAN.match(col)
        is_bridge = m is not None and m.group("b") is not None
        if m is None or (flavour == "act" and is_bridge) or col.lower().startswith("eto channel"):
            common.append(col)
            continue
        n = int(m.group("b") or m.group("c"))
        generic = re.sub(r"\s+", " ", f"{m.group('pre')} {m.group('post')}").strip()
        per.setdefault(n, {})[generic] = col
    per = {n: cols for n, cols in per.items() if _reading_column(cols, flavour)}
    return common, per


def _reading_column(cols: dict, flavour: str) -> str | None:
    """Generic name of the channel's main reading column."""
    order = ["Volts"] if flavour == "act" else ["Resistance (Ohms)", "Resistance (ohms)", "Resistivity (Ohm)"]
    for name in order:
        if name in cols:
            return name
    return None


#: Per-channel columns (generic name without the channel, unit removed) with a canonical column.
_CHANNEL_TARGETS = {"Excitation": "current_A", "AC Current": "current_A", "Std. Dev.": "resistance_std_ohm",
                    "Resistance Std. Dev.": "resistance_std_ohm", "Frequency": "frequency_Hz",
                    "Phase Angle": "phase_deg"}


def _scaled(wide, rows, column: str, target: str, meta: dict):
    """Column ``column`` (unit in its name) in the unit of canonical column ``target``, or None if it cannot be."""
    name, unit = split_header(column)
    series = wide.loc[rows, column]
    if not pd.api.types.is_numeric_dtype(series):
        return None
    try:
        factor = parse_unit(unit or "").factor_to(parse_unit(CANONICAL[target].unit))
    except UnitError:
        return None
    meta["units"][target] = unit
    return series * factor


def _channel_frame(wide, common, cols, n, flavour, info, meta, path, x_unit, y_unit):
    reading = _reading_column(cols, flavour)
    values = wide[cols[reading]]
    name = _channel_name(info, n)
    if not pd.api.types.is_numeric_dtype(values) or values.isna().all():
        meta["notes"].append(f"channel {n} ({name or 'unnamed'}) holds no readings: not a channel")
        return None
    rows = values.notna()
    sub = wide.loc[rows, common].copy()
    extra = {}
    if flavour == "act":
        amps = _scaled(wide, rows, "Excitation (mA)", "current_A", meta)
        if amps is None:
            raise DataFormatError(f"{path}: column 'Excitation (mA)' holds no numbers (needed for R = V/I)",
                                  path=path, column="Excitation (mA)")
        extra["resistance_ohm"] = wide.loc[rows, cols["Volts"]] / amps
        extra["voltage_V"] = wide.loc[rows, cols["Volts"]]
        meta["notes"].append(f"channel {n}: resistance_ohm = Volts ch{n} / Excitation (mA→A)")
        if "Res. (ohm-cm)" in cols:
            extra["resistivity_ohm_cm"] = _scaled(wide, rows, cols["Res. (ohm-cm)"], "resistivity_ohm_cm", meta)
    else:
        extra["resistance_ohm"] = _scaled(wide, rows, cols[reading], "resistance_ohm", meta)
    for generic, orig in cols.items():
        if orig == cols[reading] or generic in ("Volts", "Res. (ohm-cm)"):
            continue
        target = _CHANNEL_TARGETS.get(split_header(generic)[0])
        scaled = _scaled(wide, rows, orig, target, meta) if target and target not in extra else None
        extra[target if scaled is not None else generic] = scaled if scaled is not None else wide.loc[rows, orig]
    extra = {k: v for k, v in extra.items() if v is not None}
    sub = canonicalize(sub, meta, path=path, x_unit=x_unit, y_unit=y_unit, reserved=frozenset(extra))
    for k, v in extra.items():
        sub[k] = v.to_numpy()
    sub.insert(0, "channel", n)
    prev = meta["origin"].get("resistance_ohm")
    here = cols[reading] if flavour != "act" else f"{cols['Volts']} / Excitation (mA)"
    meta["origin"]["resistance_ohm"] = f"{prev}; {here}" if prev else here
    if "resistivity_ohm_cm" in extra:
        meta["origin"]["resistivity_ohm_cm"] = "Res. chN (ohm-cm)"
    if "voltage_V" in extra:
        meta["units"]["voltage_V"] = "V"
        meta["origin"]["voltage_V"] = "Volts chN"
    if flavour == "eto":
        bad = (sub["resistance_ohm"] == 0).to_numpy()
        if bad.any():
            codes = sorted({int(c) for c in sub.loc[bad, "status_code"].dropna()}) if "status_code" in sub else []
            _text.drop(meta, f"invalid ETO readings on channel {n} written as 0 (ETO status {codes}) dropped",
                       int(bad.sum()))
            sub = sub.loc[~bad]
    geom = _geometry(info, n)
    meta["channels"][n] = {"name": name, "role": _role(name), "points": int(len(sub)), "column": cols[reading]}
    if geom:
        meta["geometry"][n] = geom
    if geom.get("defaults"):
        meta["notes"].append(f"channel {n}: cross section and length are MultiVu defaults (1); "
                             "resistivity columns are R×1 and meaningless")
    return sub


def _wide(wide, meta, path, x_unit, y_unit) -> pd.DataFrame:
    """Files without resistance channels (MPMS/VSM magnetometry, Heat Capacity, thermal transport): one wide table."""
    df = canonicalize(wide, meta, path=path, x_unit=x_unit, y_unit=y_unit)
    cols = set(df.columns)
    if "moment_emu" in cols:
        meta["kind"] = "magnetometry"
    elif cols & {"heat_capacity_J_per_K", "molar_heat_capacity_J_per_molK", "thermal_conductivity_W_per_mK"}:
        meta["kind"] = "thermal"
    else:
        meta["kind"] = "other"
    meta["notes"].append("no resistance columns: no transport data in this file")
    if "field_T" in df.columns and np.isfinite(df["field_T"]).sum() == 0:
        meta["notes"].append("field column is empty")
    return _text.finish(df, meta)
