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

from ..constants import LENGTH_TO_NM
from ..exceptions import DataFormatError
from . import _text
from .units import canonicalize

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
    um_per_cm = LENGTH_TO_NM["cm"] / LENGTH_TO_NM["um"]
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


def read(path, *, x_unit=None, y_unit=None, **_ignored) -> pd.DataFrame:
    """Read a MultiVu ``.dat`` file into the long transport layout (see module docstring)."""
    text, enc = _text.read_text(path)
    lines = text.split("\n")
    idx = next((i for i, ln in enumerate(lines) if ln.strip().upper().startswith("[DATA]")), None)
    if idx is None:
        raise DataFormatError(
            f"{path}, line {len(lines)}: MultiVu header ends without a [Data] line (truncated file?); "
            "expected '[Data]' then the column names",
            path=path, line=len(lines))
    hdr_no = idx + 1
    while hdr_no < len(lines) and not lines[hdr_no].strip():
        hdr_no += 1
    if hdr_no >= len(lines):
        raise DataFormatError(f"{path}, line {idx + 1}: no column-name line after [Data]", path=path, line=idx + 1)
    info = parse_header(lines[:idx])
    meta = _text.new_meta(path, "quantum_design")
    meta["encoding"] = enc
    meta["header"] = info
    header = [h.strip() for h in lines[hdr_no].split(",")]
    wide = _text.parse_table(lines[hdr_no + 1:], header, sep=",", path=path, first_line=hdr_no + 2, meta=meta)
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
        return _magnetometry(wide, meta, path, x_unit, y_unit)
    frames = []
    for n in sorted(per_chan):
        f = _channel_frame(wide, common, per_chan[n], n, flavour, info, meta, path, x_unit, y_unit)
        if f is not None:
            frames.append(f)
    meta["flavour"] = flavour
    if not frames:
        raise DataFormatError(f"{path}: no channel holds any resistance reading", path=path, line=hdr_no + 1)
    df = pd.concat(frames, ignore_index=True)
    meta["notes"] = list(dict.fromkeys(meta["notes"]))
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


def _channel_frame(wide, common, cols, n, flavour, info, meta, path, x_unit, y_unit):
    reading = _reading_column(cols, flavour)
    values = wide[cols[reading]]
    name = _channel_name(info, n)
    if values.isna().all():
        meta["notes"].append(f"channel {n} ({name or 'unnamed'}) holds no readings: not a channel")
        return None
    rows = values.notna()
    sub = wide.loc[rows, common].copy()
    extra = {}
    if flavour == "act":
        amps = wide.loc[rows, "Excitation (mA)"] * 1e-3
        extra["resistance_ohm"] = wide.loc[rows, cols["Volts"]] / amps
        extra["voltage_V"] = wide.loc[rows, cols["Volts"]]
        meta["notes"].append(f"channel {n}: resistance_ohm = Volts ch{n} / Excitation (mA→A)")
        if "Res. (ohm-cm)" in cols:
            extra["resistivity_ohm_cm"] = wide.loc[rows, cols["Res. (ohm-cm)"]]
    else:
        extra["resistance_ohm"] = wide.loc[rows, cols[reading]]
    for generic, orig in cols.items():
        if orig == cols[reading] or generic in ("Volts", "Res. (ohm-cm)"):
            continue
        target = {"Excitation (uA)": "current_A", "Std. Dev. (Ohm)": "resistance_std_ohm",
                  "Std. Dev. (Ohms)": "resistance_std_ohm", "Resistance Std. Dev. (Ohms)": "resistance_std_ohm",
                  "AC Current (mA)": "current_A", "Frequency (Hz)": "frequency_Hz",
                  "Phase Angle (deg)": "phase_deg"}.get(generic)
        if target == "current_A":
            unit = "uA" if "(uA)" in generic else "mA"
            extra[target] = wide.loc[rows, orig] * (1e-6 if unit == "uA" else 1e-3)
            meta["units"]["current_A"] = unit
        elif target and target not in extra:
            extra[target] = wide.loc[rows, orig]
        else:
            extra[generic] = wide.loc[rows, orig]
    sub = canonicalize(sub, meta, path=path, x_unit=x_unit, y_unit=y_unit, reserved=frozenset(extra))
    for k, v in extra.items():
        sub[k] = v.to_numpy()
    sub.insert(0, "channel", n)
    meta["units"]["resistance_ohm"] = "ohm"
    prev = meta["origin"].get("resistance_ohm")
    here = cols[reading] if flavour != "act" else f"{cols['Volts']} / Excitation (mA)"
    meta["origin"]["resistance_ohm"] = f"{prev}; {here}" if prev else here
    if "resistivity_ohm_cm" in extra:
        meta["units"]["resistivity_ohm_cm"] = "ohm cm"
        meta["origin"]["resistivity_ohm_cm"] = "Res. chN (ohm-cm)"
    if "voltage_V" in extra:
        meta["units"]["voltage_V"] = "V"
        meta["origin"]["voltage_V"] = "Volts chN"
    if flavour == "eto":
        bad = sub["resistance_ohm"] == 0
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


def _magnetometry(wide, meta, path, x_unit, y_unit) -> pd.DataFrame:
    df = canonicalize(wide, meta, path=path, x_unit=x_unit, y_unit=y_unit)
    meta["kind"] = "magnetometry" if "moment_emu" in df.columns else "other"
    meta["notes"].append("no resistance columns: no transport data in this file")
    if "field_T" in df.columns and np.isfinite(df["field_T"]).sum() == 0:
        meta["notes"].append("field column is empty")
    return _text.finish(df, meta)
