"""Delimited text tables: CSV, TSV, semicolon (comma decimals) or whitespace, ``#`` comments.

Units come from the headers (``Field (Oe)``, ``B [T]``, ``Temp_K``, ``R_xy (Ohm)``, …,
see :mod:`sigmafit.io.units`) and are converted once: field → ``field_T`` (T),
temperature → ``temperature_K`` (K), resistance → ``resistance_ohm`` (Ω), resistivity →
``resistivity_ohm_cm`` (Ω·cm), conductance → ``conductance_S`` (S).  Spectra (x in cm⁻¹,
eV, meV, THz, nm or µm) get ``wavenumber_cm-1`` via :mod:`sigmafit.io.optics`.

Also handled: headerless two-column files (OPUS ``.dpt`` exports: wavenumber, value) and
"row-oriented" files whose comment says ``First row: …  Second row: …`` (transposed).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..exceptions import DataFormatError
from . import _text, optics
from .units import canonicalize

COMMENT_CHARS = ("#", "%", "//")


def _detect_sep(lines: list[str]) -> tuple[str | None, bool]:
    """Return (separator or None for whitespace, decimal_comma)."""
    sample = lines[:20]
    if all("\t" in ln for ln in sample if ln.strip()):
        sep = "\t"
    elif sum(";" in ln for ln in sample) >= len(sample) / 2:
        sep = ";"
    elif sum("," in ln for ln in sample) >= len(sample) / 2 and not re.search(r"\d,\d+\s+\d", sample[-1]):
        sep = ","
    else:
        sep = None
    body = " ".join(sample[1:])
    decimal_comma = sep != "," and bool(re.search(r"\d,\d", body)) and not re.search(r"\d\.\d", body)
    return sep, decimal_comma


def read(path, *, x_unit=None, y_unit=None, **_ignored) -> pd.DataFrame:
    """Read a delimited text table into canonical columns (see module docstring)."""
    text, enc = _text.read_text(path)
    meta = _text.new_meta(path, "delimited")
    meta["encoding"] = enc
    all_lines = text.split("\n")
    comments, body, first = [], [], None
    for i, ln in enumerate(all_lines):
        s = ln.strip()
        if not s:
            continue
        if s.startswith(COMMENT_CHARS):
            comments.append(s.lstrip("#%/ ").strip())
            continue
        if first is None:
            first = i + 1
        body.append(ln)
    if not body:
        raise DataFormatError(f"{path}, line {len(all_lines)}: only comments, no rows of data", path=path,
                              line=len(all_lines))
    meta["comments"] = comments
    sep, dec = _detect_sep(body)
    head = _text.split_line(body[0], sep)
    if dec:
        meta["notes"].append("decimal comma converted")
    headerless = all(_text.is_number(f.replace(",", ".") if dec else f) for f in head if f)
    header = None if headerless else head
    rows = body if headerless else body[1:]
    df = _text.parse_table(rows, header, sep=sep, path=path, first_line=first + (0 if headerless else 1),
                           meta=meta, decimal_comma=dec)
    if not any(pd.api.types.is_numeric_dtype(df[c]) for c in df.columns):
        raise DataFormatError(f"{path}, line {first}: no numeric data found (expected columns of numbers)",
                              path=path, line=first)
    if headerless:
        df = _headerless(df, path, meta, comments, x_unit)
    df = canonicalize(df, meta, path=path, x_unit=x_unit, y_unit=y_unit, line=first)
    if meta.get("_spectral"):
        df = optics.to_wavenumber(df, meta)
    else:
        meta["kind"] = _kind(df)
    return _text.finish(df, meta)


def _kind(df: pd.DataFrame) -> str:
    cols = set(df.columns)
    transport = {"resistance_ohm", "hall_resistance_ohm", "resistivity_ohm_cm", "conductance_S",
                 "sheet_resistance_ohm", "sheet_conductance_S", "delta_sigma_S", "carrier_density_cm-3"}
    if cols & transport:
        return "transport"
    if "moment_emu" in cols:
        return "magnetometry"
    return "other"


_ROW_NAME = re.compile(r"(first|second|third|fourth)\s+row\s*[:,]?\s*([^.;]+)", re.I)


def _headerless(df: pd.DataFrame, path, meta: dict, comments: list[str], x_unit) -> pd.DataFrame:
    """Name the columns of a headerless table (transposing row-oriented files)."""
    names = {m.group(1).lower(): m.group(2).strip() for c in comments for m in _ROW_NAME.finditer(c)}
    if len(df) <= 4 and df.shape[1] >= 10 and len(names) >= len(df):
        order = ["first", "second", "third", "fourth"][: len(df)]
        out = df.T.reset_index(drop=True)
        out.columns = [_clean_row_name(names[o]) for o in order]
        meta["notes"].append("row-oriented file (one quantity per row) transposed")
        x = out.iloc[:, 0].to_numpy()
        resets = (x[1:] < x[:-1]).sum()
        if resets:
            out.insert(0, "step", (pd.Series(x).diff() < 0).cumsum().to_numpy())
            meta["notes"].append(f"x restarts {int(resets)} times: {int(resets) + 1} blocks numbered in 'step'")
        return out
    if df.shape[1] == 2 and Path(str(path)).suffix.lower() == ".dpt":
        meta["notes"].append("headerless OPUS data point table: column 1 = wavenumber (cm-1), column 2 = value")
        return df.set_axis(["wavenumber (cm-1)", "value"], axis=1)
    if df.shape[1] == 2 and x_unit:
        meta["notes"].append(f"headerless two-column file: column 1 taken as x in {x_unit}")
        return df.set_axis([_x_name(x_unit), "value"], axis=1)
    meta["notes"].append("no header line: columns named column_1, column_2, … (pass x_unit to name x)")
    return df


def _clean_row_name(name: str) -> str:
    m = re.match(r"(.*?)\s+in units of\s+(\S+)", name, re.I)
    if m:
        return f"{m.group(1).strip()} ({m.group(2)})"
    return name.strip()


def _x_name(unit: str) -> str:
    from .units import norm_unit
    from ..constants import FIELD_TO_T

    u = norm_unit(unit) or unit
    if u in FIELD_TO_T:
        return f"field ({u})"
    if u in ("nm", "um"):
        return f"wavelength ({u})"
    return {"cm-1": "wavenumber (cm-1)", "eV": "energy (eV)", "meV": "energy (meV)",
            "THz": "frequency (THz)"}.get(u, f"x ({u})")
