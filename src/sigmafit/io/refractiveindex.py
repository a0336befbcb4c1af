"""refractiveindex.info database YAML files (``tabulated nk``, ``tabulated n``, ``tabulated k``).

Parsed without PyYAML: the files are a few top-level keys (``REFERENCES: |``,
``COMMENTS: |``, ``DATA:``) and a ``DATA`` list whose items have ``type:`` and either a
``data: |`` literal block (rows: wavelength in µm, then n and/or k) or ``coefficients:``
(``formula N`` dispersion, not supported).

Output: ``wavenumber_cm-1`` (cm⁻¹ = 10⁴/λ[µm], ascending), ``wavelength_um`` (µm, the
original x), ``n``, ``k`` (N = n + ik, k ≥ 0).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError
from . import _text
from .optics import to_wavenumber


def is_refractiveindex(text: str) -> bool:
    """Content test: a top-level ``DATA:`` key followed by ``- type:`` items."""
    return bool(re.search(r"^DATA:\s*$", text, re.M)) and bool(re.search(r"^\s*-\s*type:", text, re.M))


def parse(text: str) -> dict:
    """Minimal parser: ``{"REFERENCES": str, "COMMENTS": str, "DATA": [{"type", "data"|..., "line"}]}``.

    ``line`` is the 1-based line number where each ``DATA`` item starts.
    """
    out: dict = {}
    items: list[dict] = []
    lines = text.split("\n")
    key_re = re.compile(r"^(\s*)(-\s+)?([A-Za-z_]+):\s*(.*?)\s*$")
    i, top = 0, None
    while i < len(lines):
        m = key_re.match(lines[i])
        if m is None or lines[i].lstrip().startswith("#"):
            i += 1
            continue
        indent, dash, name, value = len(m.group(1)), m.group(2), m.group(3), m.group(4)
        if value in ("|", ">", "|-", ">-"):  # literal block: following lines indented deeper
            j, block = i + 1, []
            while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent):
                block.append(lines[j].strip())
                j += 1
            value, nxt = "\n".join(block).strip(), j
        else:
            value, nxt = value.strip("'\""), i + 1
        if indent == 0 and not dash:
            top = name
            out[name] = value
        elif top == "DATA":
            if dash:
                items.append({"line": i + 1})
            if items:
                items[-1][name] = value
        i = nxt
    out["DATA"] = items
    return out


def read(path, **_ignored) -> pd.DataFrame:
    """Read a refractiveindex.info YAML file (see module docstring for the columns)."""
    text, enc = _text.read_text(path)
    doc = parse(text)
    meta = _text.new_meta(path, "refractiveindex")
    meta["kind"] = "optics"
    meta["references"] = re.sub(r"<[^>]+>", "", doc.get("REFERENCES", "")).strip() or None
    meta["sample"] = doc.get("COMMENTS") or None
    frames = []
    for item in doc["DATA"]:
        typ = item.get("type", "")
        if typ.startswith("formula"):
            if len(doc["DATA"]) == 1:
                raise DataFormatError(f"{path}, line {item['line']}: '{typ}' formula dispersion not supported "
                                      "(only 'tabulated nk', 'tabulated n', 'tabulated k')", path=path,
                                      line=item["line"])
            meta["notes"].append(f"'{typ}' block skipped: formula dispersion not supported")
            continue
        if not typ.startswith("tabulated"):
            raise DataFormatError(f"{path}, line {item['line']}: unknown DATA type {typ!r}", path=path,
                                  line=item["line"])
        names = ["wavelength (um)"] + list(typ.split()[1])
        rows = [ln for ln in item.get("data", "").split("\n") if ln.strip()]
        if not rows:
            raise DataFormatError(f"{path}, line {item['line']}: '{typ}' block has no data rows", path=path,
                                  line=item["line"])
        frames.append(_text.parse_table(rows, names, sep=None, path=path, first_line=item["line"] + 2, meta=meta))
    if not frames:
        raise DataFormatError(f"{path}: no DATA block with tabulated values", path=path)
    df = frames[0]
    for extra in frames[1:]:  # 'tabulated n' + 'tabulated k' pairs: align on wavelength
        df = df.merge(extra, on="wavelength (um)", how="outer")
    meta["_spectral"] = [("wavelength (um)", "um")]
    for c in ("n", "k"):
        if c in df.columns:
            meta["units"][c] = ""
            meta["origin"][c] = c
            df[c] = df[c].astype(float)
    df = to_wavenumber(df, meta)
    if "wavelength_um" in df.columns:
        df["wavelength_um"] = np.asarray(df["wavelength_um"], dtype=float)
    return _text.finish(df, meta)
