"""The batch table: one row per curve, flattened from the one result schema, in a fixed column order.

Columns: ``index, source, label``, the curve's label columns (``temperature_K`` …), each parameter and derived
quantity with ``<name>_stderr`` (NaN when not estimable), the statistics, then ``success, status`` ("ok" |
"warning" | "failed"), ``n_warnings, warnings, error, engine, note, curve_id`` (and, with a store, ``attempt,
run, fitted_at``).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..exceptions import SigmafitError
from ..io.results import param_columns
from ..models import registry
from .tasks import CurveTask

#: Columns every table has, in this order, before the parameters.
LABEL_COLUMNS = ("index", "source", "label")
STAT_COLUMNS = ("ndata", "nvarys", "chisqr", "redchi", "r_squared", "aic", "bic", "nfev")
TAIL_COLUMNS = ("success", "status", "n_warnings", "warnings", "error", "engine", "note", "curve_id")
STORE_COLUMNS = ("attempt", "run", "fitted_at")


def _status(success: bool, warns: list[str], error: str | None) -> str:
    if error or not success:
        return "failed"
    return "warning" if warns else "ok"


def row_from_summary(summary: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a fit summary (the schema of :meth:`FitResult.summary`) into one row (NaN for missing numbers)."""
    row: dict[str, Any] = param_columns(summary.get("params", {}), summary.get("derived"))
    stats = summary.get("statistics", {})
    for k in STAT_COLUMNS:
        v = stats.get(k)
        row[k] = np.nan if v is None else v
    warns = list(summary.get("warnings", []))
    success = bool(summary.get("success"))
    error = None
    runaway = [n for n, e in summary.get("params", {}).items() if e.get("vary") and e.get("value") is None]
    if success and runaway:
        # "converged" with a parameter at ±inf: no usable number came out of this curve
        success = False
        error = (f"the fit did not converge to finite values ({', '.join(runaway)} ran off to infinity): "
                 "the model cannot describe these data")
    if not success and error is None:
        error = next((w for w in warns if "did not converge" in w), "the fit did not converge")
    notes = list((summary.get("source") or {}).get("notes") or [])
    row.update(success=success, status=_status(success, warns, error), n_warnings=len(warns),
               warnings="; ".join(warns), error=error, note="; ".join(notes) or None)
    return row


def failed_row(error: str) -> dict[str, Any]:
    return {"success": False, "status": "failed", "n_warnings": 0, "warnings": "", "error": error}


def error_text(exc: BaseException) -> str:
    """One line for a failed curve: the sentence of a SigmafitError, else the exception's type and text."""
    if isinstance(exc, SigmafitError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else f"{type(exc).__name__} raised while fitting"


def finish_row(task: CurveTask, row: dict[str, Any], engine: str, note: str | None = None) -> dict[str, Any]:
    """A row with the task's labels in front and the engine, note and curve id at the end."""
    out = {"index": task.index, "source": task.source, "label": task.label, **task.labels}
    out.update(row)
    out.update(engine=engine, note="; ".join(n for n in (row.get("note"), note) if n) or None, curve_id=task.id)
    return out


def param_order(model_name: str, model_options) -> list[str]:
    """Parameter and derived names of the model in table order, each followed by its ``_stderr`` column."""
    try:
        m = registry.get(model_name, **model_options)
        names = [p.name for p in m.params_table] + [d.name for d in m.derived_table]
    except Exception:  # noqa: BLE001 - ordering only
        return []
    return [c for n in names for c in (n, f"{n}_stderr")]


def order_columns(table: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Labels, label columns, parameters, other columns, statistics, then the status columns."""
    first = [c for c in LABEL_COLUMNS if c in table.columns]
    tail = [c for c in TAIL_COLUMNS + STORE_COLUMNS if c in table.columns]
    stats = [c for c in STAT_COLUMNS if c in table.columns]
    params = [c for c in order if c in table.columns]
    rest = [c for c in table.columns if c not in first + tail + stats + params]
    labels = [c for c in rest if not c.endswith("_stderr") and f"{c}_stderr" not in table.columns]
    others = [c for c in rest if c not in labels]
    return table[first + labels + params + others + stats + tail]


def make_table(records: list[dict[str, Any]], model_name: str, model_options) -> pd.DataFrame:
    """The batch table from row dicts, text columns with None (not NaN) where empty, columns ordered."""
    table = pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=list(LABEL_COLUMNS + TAIL_COLUMNS))
    for col in ("error", "note"):
        if col in table.columns:
            table[col] = table[col].astype(object).where(table[col].notna(), None)
    return order_columns(table, param_order(model_name, model_options))
