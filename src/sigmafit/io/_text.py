"""Shared low-level helpers of the readers: decoding, table parsing, metadata, warnings.

Every reader builds a ``meta`` dict with :func:`new_meta`, records what it drops with
:func:`drop` (a :class:`~sigmafit.exceptions.DataWarning` *and* an entry in
``meta["dropped"]``) and returns :func:`finish` (which sets ``df.attrs["sigmafit"]``
on the final frame — pandas 3 copy-on-write drops attrs on many operations).
"""

from __future__ import annotations


import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError, DataWarning

#: Encodings tried in order; latin-1 never fails, so it is last.
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


def read_bytes(path) -> bytes:
    """Read a whole file, turning OS errors into :class:`DataFormatError`."""
    p = Path(path)
    if not p.exists():
        raise DataFormatError(f"{p}: no such file", path=p)
    if p.is_dir():
        raise DataFormatError(f"{p} is a folder, not a data file", path=p)
    data = p.read_bytes()
    if not data.strip():
        raise DataFormatError(f"{p} is empty: expected a header and rows of numbers", path=p, line=1)
    return data


def looks_binary(data: bytes) -> bool:
    """True when the first 4 KiB hold NUL bytes or mostly control characters."""
    head = data[:4096]
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return ctrl > 0.05 * max(len(head), 1)


def decode(data: bytes, path) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM stripped), else cp1252, else latin-1; normalize line ends.

    Returns ``(text, encoding)``.  Raises :class:`DataFormatError` for binary content.
    """
    if looks_binary(data):
        raise DataFormatError(
            f"{path} is a binary file of no format sigmafit knows (expected text, QCoDeS SQLite or Bruker OPUS)",
            path=path,
            line=1,
        )
    for enc in ENCODINGS:
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    return text.replace("\r\n", "\n").replace("\r", "\n"), enc


def read_text(path) -> tuple[str, str]:
    """Read and decode a text file: ``(text with \\n line ends, encoding used)``."""
    return decode(read_bytes(path), path)


# --- metadata ---------------------------------------------------------------


def new_meta(path, fmt: str) -> dict[str, Any]:
    """The ``df.attrs["sigmafit"]`` skeleton (layout documented in :mod:`sigmafit.io.columns`)."""
    return {
        "source": str(path),
        "format": fmt,
        "kind": "transport",
        "sample": None,
        "geometry": {},
        "channels": {},
        "dropped": [],
        "units": {},
        "origin": {},
        "notes": [],
    }


def drop(meta: dict, reason: str, count: int) -> None:
    """Record ``count`` dropped/padded items with a reason, and warn (never silent)."""
    if count <= 0:
        return
    meta["dropped"].append({"reason": reason, "count": int(count)})
    warnings.warn(f"{Path(meta['source']).name}: {count} {reason}", DataWarning, stacklevel=3)


def finish(df: pd.DataFrame, meta: dict) -> pd.DataFrame:
    """Reset the index and attach ``meta`` to the final frame."""
    out = df.reset_index(drop=True)
    out.attrs["sigmafit"] = meta
    return out


# --- tables -----------------------------------------------------------------

_NUM_RE = re.compile(r"^\s*[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?\s*$")


def is_number(s: str) -> bool:
    """True for a plain decimal number (dot or comma decimal mark)."""
    return bool(_NUM_RE.match(s)) or s.strip().lower() in ("nan", "inf", "-inf", "+inf")


def split_line(line: str, sep: str | None) -> list[str]:
    """Split one line on ``sep`` (``None`` = runs of whitespace)."""
    return line.split() if sep is None else [f.strip() for f in line.split(sep)]


def parse_table(
    lines: list[str],
    header: list[str] | None,
    *,
    sep: str | None,
    path,
    first_line: int,
    meta: dict,
    decimal_comma: bool = False,
) -> pd.DataFrame:
    """Parse data lines into a DataFrame; numeric columns become float, text columns stay text.

    ``first_line`` is the 1-based file line number of ``lines[0]`` (for messages).  Blank
    lines are skipped.  Rows shorter than the header are padded with NaN: when *every* row
    has the same shorter length (MultiVu omits trailing empty fields) this is only noted;
    rows whose length differs from the usual one are counted and warned about.  Extra
    fields beyond the header are dropped with a count.  Cells that are not numbers in a
    numeric column become NaN, counted.  Empty fields and literal ``NaN`` are NaN.
    """
    rows: list[list[str]] = []
    for line in lines:
        if not line.strip():
            continue
        rows.append(split_line(line, sep))
    if not rows:
        raise DataFormatError(f"{path}, line {first_line}: no data rows after the header", path=path, line=first_line)
    if header is None:
        width = max(len(r) for r in rows)
        header = [f"column_{i + 1}" for i in range(width)]
    ncol = len(header)
    lengths = pd.Series([len(r) for r in rows])
    modes = lengths.mode()
    usual = ncol if (modes == ncol).any() else int(modes.max())
    n_odd = int((lengths != usual).sum())
    n_long = int((lengths > ncol).sum())
    if usual < ncol and n_odd == 0:
        meta["notes"].append(f"rows have {usual} of {ncol} header fields; the missing trailing fields are empty")
    short_odd = int(((lengths != usual) & (lengths < ncol)).sum())
    drop(meta, f"ragged rows shorter than the usual {usual} fields (padded with NaN)", short_odd)
    drop(meta, f"rows with more fields than the {ncol}-column header (extra fields dropped)", n_long)
    rows = [r[:ncol] + [""] * (ncol - len(r)) for r in rows]
    table = pd.DataFrame(rows, columns=_unique(header), dtype=object)
    out = {}
    for col in table.columns:
        vals = table[col].astype(str).str.strip()
        if decimal_comma:
            vals = vals.str.replace(",", ".", regex=False)
        nonempty = vals != ""
        num = pd.to_numeric(vals.where(nonempty, np.nan), errors="coerce")
        good = num.notna() | vals.str.lower().isin(["nan", "-nan"])
        bad = nonempty & ~good
        n_ok = int((nonempty & good).sum())
        if int(nonempty.sum()) and n_ok == 0:
            out[col] = vals.where(nonempty, None).astype("object")
            continue
        drop(meta, f"non-numeric cells in column {col!r} (set to NaN)", int(bad.sum()))
        out[col] = num.astype(float)
    return pd.DataFrame(out)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    res = []
    for n in names:
        n = n.strip() or "unnamed"
        if n in seen:
            seen[n] += 1
            n = f"{n}.{seen[n]}"
        else:
            seen[n] = 0
        res.append(n)
    return res


