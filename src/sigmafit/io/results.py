"""Saved fit results as data: one row per fitted curve, so results can be fitted in turn.

This is how a dephasing law is fitted to the L_φ values of a set of weak-localization
fits "straight from that result": ``sigmafit fit out.json --model dephasing``.

Reads

* the JSON written by ``sigmafit fit --json`` (one fit, a multi-curve ``{"model", "curves": […]}``
  set, or a global fit with ``"global": true``) and by :meth:`FitResult.to_json`;
* a results table (CSV) written by ``sigmafit batch``: columns ``<param>`` and ``<param>_stderr``.

Columns: the curve label (``temperature_K`` …, or ``curve``), every parameter ``<name>`` and
``<name>_stderr`` (NaN when not estimable), and for lengths the canonical ``L_phi_nm`` /
``L_phi_err_nm``.  ``attrs["sigmafit"]["errors"]`` maps a value column to its error column
(``{"L_phi_nm": "L_phi_err_nm"}``), which :func:`sigmafit.fit` turns into weights 1/error.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError
from . import _text

#: Result parameters with a canonical column: parameter → (value column, error column).
CANONICAL_PARAMS = {"L_phi": ("L_phi_nm", "L_phi_err_nm")}


def is_results_json(text: str) -> bool:
    head = text.lstrip()[:4000]
    return head.startswith("{") and '"model"' in head and ('"params"' in head or '"curves"' in head)


def is_results_table(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0]
    return "_stderr" in first and "," in first


def _num(v: Any) -> float:
    return float("nan") if v is None else float(v)


def _label_columns(entry: dict) -> dict[str, Any]:
    src = entry.get("source", {}) or {}
    curve = src.get("curve", entry.get("label"))
    if isinstance(curve, dict):
        return dict(curve)
    if curve is None:
        return {}
    return {"curve": curve}


def param_columns(params: dict, derived: dict | None = None) -> dict[str, float]:
    """``{name: value, name_stderr: stderr}`` for every parameter and derived entry of a summary (NaN for null)."""
    row: dict[str, float] = {}
    for group in (params, derived or {}):
        for name, p in group.items():
            row[name] = _num(p.get("value"))
            row[f"{name}_stderr"] = _num(p.get("stderr"))
    return row


def _row(label: dict[str, Any], params: dict, derived: dict | None = None, success: bool | None = None) -> dict[str, Any]:
    row = dict(label)
    if success is not None:
        row["success"] = bool(success)
    row.update(param_columns(params, derived))
    return row


def _frame(rows: list[dict], path, meta: dict, by: str | None) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    errors = {}
    for name, (vcol, ecol) in CANONICAL_PARAMS.items():
        if name in df.columns:
            df[vcol] = df[name]
            df[ecol] = df.get(f"{name}_stderr", np.nan)
            errors[vcol] = ecol
    if by and by in df.columns:
        df = df.sort_values(by, kind="stable")
    meta["errors"] = errors
    return _text.finish(df, meta)


def read(path, **_ignored) -> pd.DataFrame:
    """Read saved results (JSON from ``sigmafit fit --json`` or a batch results CSV)."""
    text, _enc = _text.read_text(path)
    meta = _text.new_meta(path, "results")
    meta["kind"] = "results"
    if is_results_table(text):
        import io as _io

        df = pd.read_csv(_io.StringIO(text))
        rows = df.to_dict("records")
        by = next((c for c in ("temperature_K", "gate_V", "field_T") if c in df.columns), None)
        meta["notes"].append("results table: one row per fitted curve")
        return _frame(rows, path, meta, by)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFormatError(f"not valid JSON ({exc.msg})", path=path, line=exc.lineno) from None
    return summary_table(doc, path=path, meta=meta)


def summary_table(doc: dict, *, path=None, meta: dict | None = None) -> pd.DataFrame:
    """One row per fitted curve from a result summary dict (one fit, a multi-curve set, or a global fit).

    Shared parameters of a global fit are repeated on every row.  Used by :func:`read` and by
    :func:`sigmafit.fitting.tables.dephasing_table`.
    """
    if meta is None:
        meta = _text.new_meta(path or "fit results", "results")
        meta["kind"] = "results"
    if not isinstance(doc, dict) or "model" not in doc:
        raise DataFormatError("this JSON is not a sigmafit result (no 'model' key)", path=path)
    meta["notes"].append(f"results of model {doc['model']}")
    by = doc.get("by")
    rows = []
    if doc.get("global"):
        shared = doc.get("shared", {})
        for c in doc.get("curves", []):
            label = {by: c["label"]} if by else {"curve": c["label"]}
            params = {**c.get("params", {}), **{k: v for k, v in shared.items() if k not in c.get("params", {})}}
            rows.append(_row(label, params, c.get("derived"), c.get("success", doc.get("success"))))
    elif "curves" in doc:
        for c in doc["curves"]:
            label = _label_columns(c)
            by = by or next(iter(label), None)
            rows.append(_row(label, c.get("params", {}), c.get("derived"), c.get("success")))
    else:
        rows.append(_row(_label_columns(doc), doc.get("params", {}), doc.get("derived"), doc.get("success")))
    if not rows:
        raise DataFormatError("the result holds no fitted curves", path=path)
    for r in rows:
        for k, v in list(r.items()):
            if isinstance(v, float) and math.isinf(v):
                r[k] = float("nan")
    return _frame(rows, path, meta, by)
