"""Damaged copies of real files, for the input-layer fuzz test (``tests/test_io_fuzz.py``) and the
by-hand ``sigmafit fit`` sweep (``python tests/io_damage.py fit OUTDIR``).

Every damage is a pure function ``(data: bytes, rng: random.Random) -> bytes`` drawn with a seeded
generator, so a failing case is reproduced from its name (``<file>~<damage>~<seed>``).  The damages
are the ones users sent: truncation at a random byte, flipped or inserted bytes, ``inf`` / ``1e400``
/ ``NaN`` / ``---`` cells, a repeated header line, a column dropped from some rows, CR-only line
ends, UTF-16, NUL bytes, and for SQLite databases broken pages and dropped tables.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SKIP_NAMES = {"SOURCE.md", "LICENSE", "README.md", "make_sample_data.py", "demo.toml", "parameters.json"}


def real_files(external: Path) -> list[Path]:
    """Every real data file under ``external`` and ``sample_data`` (documentation left out)."""
    files = [p for p in sorted(external.rglob("*")) if p.is_file() and p.name not in SKIP_NAMES]
    files += [p for p in sorted((REPO / "sample_data").iterdir()) if p.is_file() and p.name not in SKIP_NAMES]
    return files


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, max(len(data), 2))]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def insert_bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(b) + 1)
        b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))
    return bytes(b)


_NUMBER = re.compile(rb"(?<![\w.])[-+]?\d+\.?\d*(?:[eE][-+]?\d+)?(?![\w.])")
BAD_CELLS = (b"inf", b"-inf", b"1e400", b"-1e400", b"NaN", b"---", b"nan", b"Infinity")


def bad_cells(data: bytes, rng: random.Random) -> bytes:
    """Replace some numbers by inf, 1e400, NaN or ``---``."""
    spans = [m.span() for m in _NUMBER.finditer(data)]
    if not spans:
        return data + b"\n---\n"
    chosen = sorted(rng.sample(spans, min(len(spans), rng.randint(1, 12))), reverse=True)
    out = bytearray(data)
    for a, b in chosen:
        out[a:b] = rng.choice(BAD_CELLS)
    return bytes(out)


def _header_index(lines: list[bytes]) -> int:
    """Index of the most likely column-header line: the line before the first run of numeric lines."""
    for i, ln in enumerate(lines[:-1]):
        nxt = lines[i + 1].strip()
        if ln.strip() and nxt and re.match(rb"^[,\s]*[-+]?[\d.]", nxt) and not re.match(rb"^[,\s]*[-+]?[\d.]", ln.strip()):
            return i
    return 0


def repeat_header(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    if len(lines) < 3:
        return data + data
    h = _header_index(lines)
    at = rng.randrange(h + 1, len(lines) + 1)
    return b"".join(lines[:at] + [lines[h]] + lines[at:])


def drop_column(data: bytes, rng: random.Random) -> bytes:
    """Remove one field from some of the data rows."""
    lines = _lines(data)
    sep = b"\t" if data.count(b"\t") > data.count(b",") else b","
    h = _header_index(lines)
    rows = list(range(h + 1, len(lines)))
    if not rows:
        return data
    col = rng.randrange(4)
    for i in rng.sample(rows, max(1, len(rows) // rng.choice((2, 5, 20)))):
        end = b"\r\n" if lines[i].endswith(b"\r\n") else (b"\n" if lines[i].endswith(b"\n") else b"")
        body = lines[i][: len(lines[i]) - len(end)]
        parts = body.split(sep) if sep in body else body.split()
        if len(parts) > col:
            del parts[col]
            lines[i] = (sep if sep in body else b" ").join(parts) + end
    return b"".join(lines)


def cr_only(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")


def utf16(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("latin-1")
    return text.encode(rng.choice(("utf-16", "utf-16-le", "utf-16-be")))


def nul_bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 5)):
        i = rng.randrange(len(b) + 1)
        b[i:i] = b"\x00" * rng.randint(1, 4)
    return bytes(b)


def sqlite_pages(data: bytes, rng: random.Random) -> bytes:
    """Overwrite one or more whole 4 KiB pages (the header page excluded, sometimes included) with noise."""
    b = bytearray(data)
    page = int.from_bytes(data[16:18], "big") or 4096 if len(data) > 18 else 4096
    npages = max(len(b) // page, 1)
    for _ in range(rng.randint(1, 3)):
        k = rng.randrange(0 if rng.random() < 0.2 else min(1, npages - 1), npages)
        noise = bytes(rng.randrange(256) for _ in range(page)) if rng.random() < 0.5 else b"\x00" * page
        b[k * page:(k + 1) * page] = noise[: len(b) - k * page]
    return bytes(b)


def sqlite_drop_table(data: bytes, rng: random.Random) -> bytes:
    """Drop a table (``runs``, ``experiments``, ``layouts`` or a results table) from a copy of the database."""
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "db.sqlite"
        p.write_bytes(data)
        con = sqlite3.connect(p)
        try:
            names = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
            name = rng.choice(names)
            con.execute(f'drop table "{name}"')
            con.commit()
        finally:
            con.close()
        return p.read_bytes()


TEXT_DAMAGES: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "truncate": truncate, "flip": flip_bytes, "insert": insert_bytes, "cells": bad_cells,
    "header": repeat_header, "column": drop_column, "cr": cr_only, "utf16": utf16, "nul": nul_bytes,
}
BINARY_DAMAGES: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "truncate": truncate, "flip": flip_bytes, "insert": insert_bytes, "nul": nul_bytes,
}
SQLITE_DAMAGES: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "truncate": truncate, "flip": flip_bytes, "pages": sqlite_pages, "droptable": sqlite_drop_table,
}


def damages_for(path: Path) -> dict[str, Callable[[bytes, random.Random], bytes]]:
    head = path.read_bytes()[:16]
    if head.startswith(b"SQLite format 3"):
        return SQLITE_DAMAGES
    if head.startswith(b"\x0a\x0a\xfe\xfe"):
        return BINARY_DAMAGES
    return TEXT_DAMAGES


def variants(files: list[Path], per_damage: int, seed: int = 20240611):
    """``(name, original path, damaged bytes)`` for every file × damage × ``per_damage`` seeds."""
    for path in files:
        data = path.read_bytes()
        for kind, damage in damages_for(path).items():
            for k in range(per_damage):
                s = seed + 7919 * k + sum(map(ord, path.name + kind))
                yield f"{path.name}~{kind}~{s}", path, damage(data, random.Random(s))


def write_variants(files: list[Path], out: Path, per_damage: int) -> list[Path]:
    """Write every variant to ``out`` (keeping each original's suffix); returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, path, data in variants(files, per_damage):
        p = out / (name.replace("~", "_") + path.suffix)
        p.write_bytes(data)
        written.append(p)
    return written


def _fit_sweep(outdir: str) -> None:  # pragma: no cover - run by hand, not in CI
    """``sigmafit fit DAMAGED --model hln --sheet`` over every variant: return codes, crash kinds, and the
    refusals (exit 2) that do not name the file, grouped by where they come from."""
    import collections
    import contextlib
    import io
    import re as _re
    import traceback
    import warnings

    from sigmafit.cli.main import main

    external = Path(os.environ.get("SIGMAFIT_EXTERNAL_DATA", REPO.parent / "shared" / "external"))
    paths = write_variants(real_files(external), Path(outdir), per_damage=int(os.environ.get("PER_DAMAGE", "1")))
    codes: collections.Counter = collections.Counter()
    crashes: dict[str, list[str]] = collections.defaultdict(list)
    unnamed: dict[str, list[str]] = collections.defaultdict(list)
    for p in paths:
        err = io.StringIO()
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                code = main(["fit", str(p), "--model", "hln", "--sheet"])
        except Exception as exc:
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            crashes[f"{type(exc).__name__} at {Path(tb.filename).name}:{tb.lineno}"].append(p.name)
            code = "crash"
        codes[code] += 1
        last = [ln for ln in err.getvalue().splitlines() if ln.startswith("sigmafit fit: error")]
        if code == 2 and last and p.name not in last[-1]:
            unnamed[_re.sub(r"[-+]?\d[\d.e+-]*", "N", last[-1])[:110]].append(p.name)
    print(f"{len(paths)} variants: " + ", ".join(f"exit {k}: {v}" for k, v in codes.items()))
    for where, names in sorted(crashes.items(), key=lambda kv: -len(kv[1])):
        print(f"crash {len(names):4d}  {where}  e.g. {names[0]}")
    for msg, names in sorted(unnamed.items(), key=lambda kv: -len(kv[1])):
        print(f"refusal without the file name {len(names):4d}  {msg}  e.g. {names[0]}")


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) == 3 and sys.argv[1] == "fit":
        _fit_sweep(sys.argv[2])
    else:
        print("usage: python tests/io_damage.py fit OUTDIR")
