"""Shared low-level helpers of the readers: decoding, compiled table parsing, metadata, warnings.

Every reader builds a ``meta`` dict with :func:`new_meta`, records what it drops with
:func:`drop` (a :class:`~sigmafit.exceptions.DataWarning` *and* an entry in
``meta["dropped"]``) and returns :func:`finish` (which sets ``df.attrs["sigmafit"]``
on the final frame — pandas 3 copy-on-write drops attrs on many operations).

Tables are parsed by pandas' C engine (:func:`read_table`); the per-line work that remains in
Python is bounded (the first few hundred lines, to find the header), so loading is O(n) and fast.
"""

from __future__ import annotations

import io
import re
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError, DataWarning

#: Encodings tried in order; latin-1 never fails, so it is last.
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


def read_bytes(path, limit: int | None = None) -> bytes:
    """Read a whole file (or its first ``limit`` bytes), turning OS errors into :class:`DataFormatError`."""
    p = Path(path)
    if not p.exists():
        raise DataFormatError(f"{p}: no such file", path=p)
    if p.is_dir():
        raise DataFormatError(f"{p} is a folder, not a data file", path=p)
    try:
        if limit is None:
            data = p.read_bytes()
        else:
            with p.open("rb") as fh:
                data = fh.read(limit)
    except OSError as exc:
        raise DataFormatError(f"{p}: cannot be read ({exc.strerror or exc})", path=p) from None
    if not data or data.isspace():
        raise DataFormatError(f"{p} is empty: expected a header and rows of numbers", path=p, line=1)
    return data


def utf16_encoding(data: bytes) -> str | None:
    """``"utf-16"`` (BOM), ``"utf-16-le"``/``"utf-16-be"`` (ASCII text with every other byte NUL), or None."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    head = data[:4096]
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.7 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.7 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> bool:
    """True when the first 4 KiB hold NUL bytes or mostly control characters (UTF-16 text is not binary)."""
    if utf16_encoding(data):
        return False
    head = data[:4096]
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return ctrl > 0.05 * max(len(head), 1)


def decode(data: bytes, path, *, partial: bool = False) -> tuple[str, str]:
    """Decode bytes as UTF-16 (BOM or NUL pattern), UTF-8 (BOM stripped), cp1252 or latin-1; normalize line ends.

    Returns ``(text, encoding)``.  Raises :class:`DataFormatError` for binary content and for NUL
    bytes inside a text file (a damaged file).  ``partial=True``: ``data`` is the start of a file
    (a character cut at the end is not an error).
    """
    if looks_binary(data):
        raise DataFormatError(
            f"{path} is a binary file of no format sigmafit knows (expected text, QCoDeS SQLite or Bruker OPUS)",
            path=path, line=1)
    enc16 = utf16_encoding(data)
    if enc16:
        try:
            text = data.decode(enc16, "ignore" if partial else "strict")
        except UnicodeDecodeError as exc:
            raise DataFormatError(f"{path}: looks like UTF-16 text but byte {exc.start} is not valid UTF-16 "
                                  "(a damaged file?)", path=path) from None
        enc = enc16
        text = text.lstrip("\ufeff")
    else:
        for enc in ENCODINGS:  # latin-1 never fails, so one of them is kept
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise DataFormatError(f"{path}, line {line}: a NUL byte inside a text file (the file is damaged, or in a "
                              "binary format sigmafit does not know)", path=path, line=line)
    return text.replace("\r\n", "\n").replace("\r", "\n"), enc


def one_line(message: object, limit: int = 200) -> str:
    """A library's error message as one short line (for a DataFormatError's parenthesis)."""
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
        "mappings": [],
        "assumptions": [],
        "errors": {},
        "preamble": None,
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
    meta["notes"] = list(dict.fromkeys(meta["notes"]))
    out.attrs["sigmafit"] = meta
    return out


# --- tables -----------------------------------------------------------------

_NUM_RE = re.compile(r"^\s*[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?\s*$")
_NAN_WORDS = ("nan", "-nan", "inf", "-inf", "+inf", "infinity", "-infinity")


def is_number(s: str) -> bool:
    """True for a plain decimal number (dot or comma decimal mark), ``NaN`` or ``inf``."""
    return bool(_NUM_RE.match(s)) or s.strip().lower() in _NAN_WORDS


def split_line(line: str, sep: str | None) -> list[str]:
    """Split one line on ``sep`` (``None`` = runs of whitespace)."""
    return line.split() if sep is None else [f.strip() for f in line.split(sep)]


def unique_names(names: list[str], meta: dict) -> list[str]:
    """Column names made unique (``R``, ``R.1``) with a DataWarning; empty names become ``column_N``."""
    out, seen = [], Counter()
    for i, n in enumerate(names):
        n = n.strip() or f"column_{i + 1}"
        seen[n] += 1
        out.append(n if seen[n] == 1 else f"{n}.{seen[n] - 1}")
    dups = [n for n, c in seen.items() if c > 1]
    if dups:
        drop(meta, f"duplicated column names made unique by a .1, .2 … suffix: {', '.join(map(repr, dups))} "
             "(the first of each is used)", sum(seen[n] - 1 for n in dups))
    return out


#: Bytes per block of :func:`field_counts` (its temporary arrays are a few times this, not a few times the file).
COUNT_BLOCK = 1 << 24


def field_counts(raw: bytes, sep: str | None) -> np.ndarray:
    """Number of fields of every non-blank line of UTF-8 ``raw`` (vectorized; quoted separators not counted),
    in blocks of whole lines of about :data:`COUNT_BLOCK` bytes."""
    if len(raw) <= COUNT_BLOCK:
        return _field_counts(raw, sep)
    out, start = [], 0
    while start < len(raw):
        end = raw.find(b"\n", start + COUNT_BLOCK)
        end = len(raw) if end < 0 else end + 1
        out.append(_field_counts(raw[start:end], sep))
        start = end
    return np.concatenate(out)


def _field_counts(raw: bytes, sep: str | None) -> np.ndarray:
    if b'"' in raw:
        raw = re.sub(rb'"[^"\n]*"', b'""', raw)
    a = np.frombuffer(raw, dtype=np.uint8)
    nl = np.flatnonzero(a == 10)
    starts = np.concatenate(([0], nl + 1))
    ends = np.concatenate((nl, [a.size]))
    keep = starts < a.size
    starts, ends = starts[keep], ends[keep]
    if not starts.size:
        return np.zeros(0, dtype=np.int64)
    if sep is None:
        tok = (a != 32) & (a != 9) & (a != 10) & (a != 13)
        first = np.flatnonzero(tok & ~np.concatenate(([False], tok[:-1])))
        counts = np.searchsorted(first, ends) - np.searchsorted(first, starts)
        return counts[counts > 0]
    at = np.flatnonzero(a == ord(sep))
    counts = np.searchsorted(at, ends) - np.searchsorted(at, starts) + 1
    maybe_blank = np.flatnonzero((counts == 1) & (ends - starts < 64))
    if maybe_blank.size and maybe_blank.size < 10_000:  # empty or whitespace-only lines, skipped by the parser
        blank = [k for k in maybe_blank if not raw[starts[k]:ends[k]].strip()]
        return np.delete(counts, blank)
    if maybe_blank.size:
        ws = (a == 32) | (a == 9) | (a == 10) | (a == 13)
        return counts[np.logical_or.reduceat(~ws, starts)]
    return counts


_ROW_IN_MESSAGE = re.compile(r"(?:row|line)\s+(\d+)", re.I)


def read_table(data: str | bytes, header: list[str] | None, *, sep: str | None, path, first_line: int, meta: dict,
               decimal: str = ".", repeated_header: str | None = None) -> pd.DataFrame:
    """Parse the data block ``data`` (no header line; text, or text encoded as UTF-8) with pandas' C engine.

    Numeric columns become float; columns whose non-empty cells are mostly not numbers stay text.
    ``first_line`` is the 1-based file line of the block's first line (for messages).  Blank lines
    are skipped.  Rows shorter than the header are padded with NaN: when *every* row has the same
    shorter length (MultiVu omits trailing empty fields) this is only noted; rows whose length
    differs from the usual one are counted and warned about.  Extra fields beyond the header are
    dropped with a count.  Cells that are not numbers in a numeric column, and infinite values,
    become NaN, counted.  Lines equal to ``repeated_header`` (the header line repeated inside the
    data) are dropped, counted.
    """
    raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    del data
    rep = (repeated_header or "").strip().encode("utf-8", "surrogateescape")
    if rep and rep in raw:
        raw, n = re.subn(rb"(?m)^[ \t]*" + re.escape(rep) + rb"[ \t]*$", b"", raw)
        drop(meta, "repeated header lines inside the data dropped", n)
    counts = field_counts(raw, sep)
    if not counts.size:
        raise DataFormatError(f"{path}, line {first_line}: no data rows after the header", path=path, line=first_line)
    header = [f"column_{i + 1}" for i in range(int(np.bincount(counts).argmax()))] if header is None else header
    ncol = len(header)
    values, freq = np.unique(counts, return_counts=True)
    usual = ncol if ncol in values[freq == freq.max()] else int(values[freq == freq.max()].max())
    if usual < ncol and (counts == usual).all():
        meta["notes"].append(f"rows have {usual} of {ncol} header fields; the missing trailing fields are empty")
    drop(meta, f"ragged rows shorter than the usual {usual} fields (padded with NaN)",
         int(((counts != usual) & (counts < ncol)).sum()))
    drop(meta, f"rows with more fields than the {ncol}-column header (extra fields dropped)", int((counts > ncol).sum()))
    names = list(header) + [f"_extra_{i}" for i in range(max(int(counts.max()) - ncol, 0))]
    options = dict(sep=r"\s+" if sep is None else sep, header=None, names=names, decimal=decimal,
                   skip_blank_lines=True, engine="c", skipinitialspace=True, encoding="utf-8", encoding_errors="replace")
    try:
        with warnings.catch_warnings():  # a column of mixed chunks is typed by _typed on its whole length, counted
            warnings.simplefilter("ignore", pd.errors.DtypeWarning)
            table = pd.read_csv(io.BytesIO(raw), low_memory=True, dtype=_text_hint(raw, options), **options)
    except (pd.errors.ParserError, ValueError, UnicodeError, OverflowError, IndexError) as exc:
        m = _ROW_IN_MESSAGE.search(str(exc))
        line = first_line + int(m.group(1)) - 1 if m else first_line
        raise DataFormatError(f"{path}, line {line}: cannot read the table ({one_line(exc)})",
                              path=path, line=line) from None
    return _typed(table.iloc[:, :ncol], meta)


#: Lines of the block's start that :func:`_text_hint` reads.
HINT_LINES = 2000


def _text_hint(raw: bytes, options: dict) -> dict[str, str] | None:
    """``{column: "category"}`` for the columns that hold text in the first :data:`HINT_LINES` lines of a long block
    (labels, channel names), so the C reader keeps one string per distinct value instead of one per row.  The
    verdict is :func:`_typed`'s, on the whole column."""
    if raw.count(b"\n", 0, 1 << 20) < HINT_LINES:  # a short block: nothing to save
        return None
    try:
        head = pd.read_csv(io.BytesIO(raw), nrows=HINT_LINES, low_memory=False, **options)
    except (pd.errors.ParserError, ValueError, UnicodeError, OverflowError, IndexError):
        return None  # the full read reports it, with its line
    text = {c: "category" for c in head.columns if not pd.api.types.is_numeric_dtype(head[c])}
    return text or None


def _typed(table: pd.DataFrame, meta: dict) -> pd.DataFrame:
    """Numeric columns as float (junk and ±inf → NaN, counted), text columns as text.

    A column the C reader left as text is judged on its distinct cells, each counted as often as it occurs (a label
    column of 8 million rows has a few thousand distinct labels): stripped, parsed once, and the rows rebuilt from
    the distinct values — a text column's rows share one string object per distinct label.
    """
    out = {}
    for col in table.columns:
        s = table[col]
        if not pd.api.types.is_numeric_dtype(s):
            text, v = _text_or_numbers(s, col, meta)
            if text is not None:
                out[col] = pd.Series(text, index=table.index, dtype=object)  # object: not inferred as a string dtype
                continue
        else:
            v = s.to_numpy(dtype=float)
        inf = np.isinf(v)
        if inf.any():
            drop(meta, f"infinite values in column {col!r} (set to NaN)", int(inf.sum()))
            v = np.where(inf, np.nan, v)
        out[col] = v
    return pd.DataFrame(out, index=table.index)


def _text_or_numbers(s: pd.Series, col, meta: dict) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(text rows, None) when the non-empty cells of ``s`` are mostly not numbers, else (None, float rows) with the
    junk cells set to NaN and counted (words that mean "no value", e.g. ``NaN``, ``---``, are not junk)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    cells = pd.Series(np.asarray(uniques, dtype=object), dtype="string").str.strip()
    counts = np.bincount(codes[codes >= 0], minlength=len(cells))
    nonempty = (cells.notna() & (cells != "")).to_numpy(bool)
    num = pd.to_numeric(cells.where(nonempty), errors="coerce")
    nan_words = cells.str.lower().isin(_NAN_WORDS).fillna(False).to_numpy(bool)
    good = int(counts[(num.notna().to_numpy(bool) | nan_words) & nonempty].sum())
    bad = int(counts[nonempty].sum()) - good
    if good == 0 or bad > good:
        labels = np.append(np.asarray(cells.where(nonempty, None).astype(object), dtype=object), None)
        return labels[codes], None  # code −1 (a missing cell) reads the None at the end
    drop(meta, f"non-numeric cells in column {col!r} (set to NaN)", bad)
    return None, np.append(num.to_numpy(dtype=float, na_value=np.nan), np.nan)[codes]
