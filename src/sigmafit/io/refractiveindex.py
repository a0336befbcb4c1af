"""refractiveindex.info database YAML files (``tabulated nk``, ``tabulated n``, ``tabulated k``).

Read with one PyYAML ``SafeLoader`` (its node tree gives the line numbers for messages): top-level
``REFERENCES``, ``COMMENTS`` and a ``DATA`` list whose items have ``type:`` and either a ``data:``
block (rows: wavelength in µm, then n and/or k; parsed by pandas' C engine) or ``coefficients:``
(``formula N`` dispersion, not supported).

Output: ``wavenumber_cm-1`` (cm⁻¹ = 10⁴/λ[µm], ascending), ``wavelength_um`` (µm, the
original x), ``n``, ``k`` (N = n + ik, k ≥ 0).
"""

from __future__ import annotations

import re

import pandas as pd
import yaml

from ..exceptions import DataFormatError
from . import _text
from .mapping import canonicalize
from .optics import finish_spectrum

TABULATED = {"tabulated nk": ["n", "k"], "tabulated n": ["n"], "tabulated k": ["k"]}


def is_refractiveindex(text: str) -> bool:
    """Content test: a top-level ``DATA:`` key followed by ``- type:`` items."""
    return bool(re.search(r"^DATA:\s*$", text, re.M)) and bool(re.search(r"^\s*-\s*type:", text, re.M))


def parse(text: str, path=None) -> dict:
    """``{"REFERENCES": str, "COMMENTS": str, "DATA": [{"type", "data"|…, "line", "data_line"}]}``.

    ``line`` is the 1-based line where each ``DATA`` item starts, ``data_line`` the first line of
    its ``data`` rows.  Raises :class:`DataFormatError` (naming the line) for text that is not YAML
    of that shape.
    """
    try:
        loader = yaml.SafeLoader(text)  # one pass: the node tree (line numbers) is the one constructed into values
        try:
            root = loader.get_single_node()
            doc = None if root is None else loader.construct_document(root)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        if mark is not None:
            line = mark.line + 1
        elif isinstance(getattr(exc, "position", None), int):  # reader errors: a character YAML does not allow
            line = text.count("\n", 0, exc.position) + 1
        else:
            line = None
        why = getattr(exc, "problem", None) or (f"character {exc.character!r} is not allowed in YAML"
                                                if hasattr(exc, "character") else exc)
        raise DataFormatError(f"not valid YAML ({_text.one_line(why)})", path=path, line=line) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("DATA"), list):
        raise DataFormatError("a refractiveindex.info file needs a top-level 'DATA:' list", path=path, line=1)
    nodes = next((v.value for k, v in root.value if getattr(k, "value", None) == "DATA"), [])
    items = []
    for item, node in zip(doc["DATA"], nodes, strict=False):
        if not isinstance(item, dict):
            raise DataFormatError("each DATA item must be a mapping with 'type:'", path=path,
                                  line=node.start_mark.line + 1)
        entry = {str(k): v for k, v in item.items()}
        entry["line"] = node.start_mark.line + 1
        data_node = next((v for k, v in getattr(node, "value", []) if getattr(k, "value", None) == "data"), None)
        entry["data_line"] = data_node.start_mark.line + 2 if data_node is not None else entry["line"]
        items.append(entry)
    return {"REFERENCES": str(doc.get("REFERENCES") or ""), "COMMENTS": str(doc.get("COMMENTS") or ""),
            "DATA": items}


def read(path, **_ignored) -> pd.DataFrame:
    """Read a refractiveindex.info YAML file (see module docstring for the columns)."""
    text, _enc = _text.read_text(path)
    doc = parse(text, path)
    meta = _text.new_meta(path, "refractiveindex")
    meta["kind"] = "optics"
    meta["references"] = re.sub(r"<[^>]+>", "", doc["REFERENCES"]).strip() or None
    meta["sample"] = doc["COMMENTS"].strip() or None
    frames = []
    for item in doc["DATA"]:
        typ = str(item.get("type", ""))
        if typ.startswith("formula"):
            if len(doc["DATA"]) == 1:
                raise DataFormatError(f"{path}, line {item['line']}: '{typ}' formula dispersion not supported "
                                      "(only 'tabulated nk', 'tabulated n', 'tabulated k')", path=path,
                                      line=item["line"])
            meta["notes"].append(f"'{typ}' block skipped: formula dispersion not supported")
            continue
        if typ not in TABULATED:
            raise DataFormatError(f"{path}, line {item['line']}: unknown DATA type {typ!r} (expected "
                                  f"{', '.join(TABULATED)} or a formula)", path=path, line=item["line"])
        rows = item.get("data")
        if not isinstance(rows, str) or not rows.strip():
            raise DataFormatError(f"{path}, line {item['line']}: '{typ}' block has no data rows", path=path,
                                  line=item["line"])
        frames.append(_text.read_table(rows, ["wavelength (um)"] + TABULATED[typ], sep=None, path=path,
                                       first_line=item["data_line"], meta=meta))
    if not frames:
        raise DataFormatError(f"{path}: no DATA block with tabulated values", path=path)
    df = frames[0]
    for extra in frames[1:]:  # 'tabulated n' + 'tabulated k' pairs: align on wavelength
        df = df.merge(extra, on="wavelength (um)", how="outer")
    df = canonicalize(df, meta, path=path)
    if "wavenumber_cm-1" not in df.columns:
        raise DataFormatError(f"{path}: the wavelength column holds no numbers", path=path)
    df = finish_spectrum(df, meta)
    return _text.finish(df, meta)
