"""Delimited text tables: CSV, TSV, semicolon (comma decimals) or whitespace, ``#`` comments.

The layout is found from the first few hundred lines (:func:`layout`): the separator, the first
row of data, the header line just above it (or a commented header such as ``# T P0`` when it is
the only one), and free-text *preamble* lines before the header, which are skipped and reported
(count and first line in ``attrs["sigmafit"]["preamble"]`` and a DataWarning).  The data block
is then parsed by pandas' C engine (:func:`sigmafit.io._text.read_table`).

Units come from the headers (``Field (Oe)``, ``B [T]``, ``Temp_K``, ``R_xy (Ohm)``, …) through
the column vocabulary (:mod:`sigmafit.io.vocabulary`) and are converted once.  Spectra (x in
cm⁻¹, eV, meV, THz, nm or µm) get ``wavenumber_cm-1`` and are sorted (:mod:`sigmafit.io.optics`).

Also handled: headerless two-column files (OPUS ``.dpt`` exports: wavenumber, value) and
"row-oriented" files whose comment says ``First row: …  Second row: …`` (transposed).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..exceptions import DataFormatError, DataWarning
from . import _text, optics
from .mapping import canonicalize
from .units import UnitError, parse_unit, spectral_kind

COMMENT_CHARS = ("#", "%", "//")
#: How many lines (at most) are inspected to find the header; the rest goes to the C parser.
HEAD_LINES = 400
_SEPS = ("\t", ";", ",", None)


@dataclass
class Layout:
    """Where the table is: separator, decimal mark, header, first data line (0-based), skipped lines."""

    sep: str | None
    decimal: str
    data_start: int
    header: list[str] | None = None
    header_line: int | None = None  # 0-based line of the header (None: headerless)
    header_text: str | None = None
    commented_header: bool = False
    preamble: list[tuple[int, str]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def _is_comment(s: str) -> bool:
    return s.startswith(COMMENT_CHARS)


def _detect_sep(body: list[str]) -> tuple[str | None, str]:
    """(separator or None for whitespace, decimal mark) from lines that are mostly data."""
    best = (None, ".")
    for sep in _SEPS:
        counts = [len(_text.split_line(ln, sep)) for ln in body]
        mode = max(set(counts), key=counts.count) if counts else 1
        if mode < 2 or counts.count(mode) < 0.6 * len(counts):
            continue
        if sep == "," and sum(bool(re.search(r"\d,\d+[ \t]+[-+]?\.?\d", ln)) for ln in body) > len(body) / 2:
            continue  # whitespace-separated numbers with decimal commas
        best = (sep, ".")
        break
    sep = best[0]
    text = " ".join(body)
    comma = sep != "," and bool(re.search(r"\d,\d", text)) and not re.search(r"\d\.\d", text)
    return sep, "," if comma else "."


def _is_data(line: str, sep: str | None, decimal: str) -> bool:
    fields = [f for f in _text.split_line(line, sep) if f]
    if not fields:
        return False
    conv = (lambda f: f.replace(",", ".")) if decimal == "," else (lambda f: f)
    numeric = sum(_text.is_number(conv(f)) for f in fields)
    return numeric >= 0.5 * len(fields)


def split_header(line: str, sep: str | None, widths: set[int]) -> list[str] | None:
    """Column names of a header line, or None when no reading gives as many names as the rows have fields.

    ``widths``: the field counts of the first data rows.  With a separator character the header
    may be longer than the rows (trailing empty fields left out).  With whitespace separation a
    name may hold spaces only when the names are separated by two or more spaces or tabs; a
    ``(unit)`` or ``[unit]`` token joins the name before it.
    """
    if sep is not None:
        names = [f.strip().strip('"') for f in line.split(sep)]
        while len(names) > max(widths) and names and not names[-1]:
            names.pop()
        return names if len(names) >= min(widths) and len(names) >= 2 or widths == {1} else None
    for names in (re.split(r"\s{2,}|\t", line.strip()), _join_units(line.split())):
        if len(names) in widths:
            return names
    return None


def _join_units(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for t in tokens:
        if out and re.match(r"^[(\[].*[)\]]$", t):
            out[-1] = f"{out[-1]} {t}"
        else:
            out.append(t)
    return out


def layout(lines: list[str], path) -> Layout:
    """Find the table in the first lines of a text file (see module docstring)."""
    rows = [(i, ln.strip()) for i, ln in enumerate(lines) if ln.strip()]
    content = [(i, s) for i, s in rows if not _is_comment(s)]
    if not content:
        raise DataFormatError(f"{path}, line {len(lines)}: only comments, no rows of data", path=path,
                              line=len(lines))
    tail = [s for _, s in content[-50:]]
    sep, decimal = _detect_sep(tail)
    typical = [len(_text.split_line(s, sep)) for s in tail]
    usual = max(set(typical), key=typical.count)
    is_row = [_is_data(s, sep, decimal) and usual // 2 <= len(_text.split_line(s, sep)) <= 2 * usual
              for _, s in content]
    # the first row of data: a row followed mostly by rows (a stray number in a preamble is not; a repeated
    # header or a damaged line among the first rows does not hide the start)
    k0 = next((k for k in range(len(content)) if is_row[k] and sum(is_row[k:k + 5]) >= 0.6 * len(is_row[k:k + 5])),
              None)
    if k0 is None:
        line = content[0][0] + 1
        raise DataFormatError(f"{path}, line {line}: no numeric data found (expected columns of numbers)",
                              path=path, line=line)
    data_start = content[k0][0]
    counts = [len(_text.split_line(s, sep)) for _, s in content[k0:k0 + 50]]
    widths = {n for n in set(counts) if counts.count(n) >= max(1, len(counts) // 10)}
    out = Layout(sep, decimal, data_start)
    out.comments = [s.lstrip("#%/ ").strip() for i, s in rows if i < data_start and _is_comment(s)]
    before = content[:k0]
    if before:
        i, s = before[-1]
        names = split_header(s, sep, widths)
        if names is not None:
            out.header, out.header_line, out.header_text = names, i, lines[i]
            before = before[:-1]
    if out.header is None:
        comment = next(((i, s) for i, s in reversed(rows) if i < data_start and _is_comment(s)), None)
        if comment is not None and not before:
            names = split_header(comment[1].lstrip("#%/ "), sep, widths)
            if names is not None and sum(not _text.is_number(n) for n in names) > len(names) / 2:
                out.header, out.header_line, out.commented_header = names, comment[0], True
    out.preamble = [(i + 1, s) for i, s in before]
    return out


def read(path, *, x_unit=None, y_unit=None, **_ignored) -> pd.DataFrame:
    """Read a delimited text table into canonical columns (see module docstring)."""
    text, enc = _text.read_text(path)
    meta = _text.new_meta(path, "delimited")
    meta["encoding"] = enc
    lay = layout(text[: _offset(text, HEAD_LINES)].split("\n"), path)
    meta["comments"] = lay.comments
    if lay.decimal == ",":
        meta["notes"].append("decimal comma converted")
    _report_preamble(lay, meta, path)
    body = text[_offset(text, lay.data_start):]
    del text  # the body is a copy: a large file is not held twice while it is parsed
    inner = 0
    if "#" in body or "%" in body or "/" in body:  # one fast scan per character before the line-by-line regex
        body, inner = re.subn(r"(?m)^[ \t]*(?:#|%|//).*$", "", body)
    if inner:
        meta["notes"].append(f"{inner} comment lines inside the data skipped")
    header = None if lay.header is None else _text.unique_names(lay.header, meta)
    raw = body.encode("utf-8", "surrogateescape")
    del body  # parsed from the bytes alone
    df = _text.read_table(raw, header, sep=lay.sep, path=path, first_line=lay.data_start + 1, meta=meta,
                          decimal=lay.decimal, repeated_header=None if lay.commented_header else lay.header_text)
    if not any(pd.api.types.is_numeric_dtype(df[c]) for c in df.columns):
        raise DataFormatError(f"{path}, line {lay.data_start + 1}: no numeric data found (expected columns of numbers)",
                              path=path, line=lay.data_start + 1)
    if lay.header is None:
        df = _headerless(df, path, meta, lay.comments, x_unit)
    elif lay.commented_header:
        meta["notes"].append(f"column names read from the commented header on line {lay.header_line + 1}")
    df = canonicalize(df, meta, path=path, x_unit=x_unit, y_unit=y_unit, line=lay.data_start + 1)
    if "wavenumber_cm-1" in df.columns:
        df = optics.finish_spectrum(df, meta)
    else:
        meta["kind"] = _kind(df)
    return _text.finish(df, meta)


def _offset(text: str, line: int) -> int:
    """Character offset of the start of 0-based ``line`` (the end of the text if it has fewer lines)."""
    pos = 0
    for _ in range(line):
        nxt = text.find("\n", pos)
        if nxt < 0:
            return len(text)
        pos = nxt + 1
    return pos


def _report_preamble(lay: Layout, meta: dict, path) -> None:
    if not lay.preamble:
        return
    n, (first_no, first) = len(lay.preamble), lay.preamble[0]
    meta["preamble"] = {"lines": n, "first": first, "first_line": first_no}
    warnings.warn(f"{Path(str(path)).name}: {n} line{'s' if n > 1 else ''} of free text before the column header "
                  f"skipped (line {first_no}: {first[:60]!r})", DataWarning, stacklevel=3)


def _kind(df: pd.DataFrame) -> str:
    cols = set(df.columns)
    transport = {"resistance_ohm", "hall_resistance_ohm", "resistivity_ohm_cm", "conductance_S",
                 "sheet_resistance_ohm", "sheet_conductance_S", "delta_sigma_S", "delta_sigma_S_per_m",
                 "conductivity_S_per_cm", "carrier_density_cm-3"}
    if cols & transport:
        return "transport"
    if "moment_emu" in cols:
        return "magnetometry"
    if cols & {"heat_capacity_J_per_K", "molar_heat_capacity_J_per_molK", "thermal_conductivity_W_per_mK"}:
        return "thermal"
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
        x = out.iloc[:, 0].to_numpy(dtype=float)
        resets = int((x[1:] < x[:-1]).sum())
        if resets:
            out.insert(0, "step", (pd.Series(x).diff() < 0).cumsum().to_numpy())
            meta["notes"].append(f"x restarts {resets} times: {resets + 1} blocks numbered in 'step'")
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
    """A column name for a headerless x column in ``unit`` (the unit's kind says what it is)."""
    try:
        u = parse_unit(unit, celsius_c=True)
    except UnitError:
        return f"x ({unit})"
    kind = spectral_kind(u)
    if kind == "frequency" and u.factor < 1e11:
        kind = None
    if kind is not None:
        return f"{kind} ({unit})"
    for name, ref in (("field", "T"), ("temperature", "K"), ("gate", "V")):
        if u.same_kind(parse_unit(ref)):
            return f"{name} ({unit})"
    return f"x ({unit})"
