"""The presentation backend of result objects: summaries in, text, figures and HTML out.

``sigmafit.fitting`` never imports ``sigmafit.report``; a result looks this module up by name
(``sigmafit.fitting.result.PRESENTATION_BACKEND``) and hands it plain data — a summary dict with its curve
data (``summary(include_data=True)``) or a batch table — never itself.
"""

from __future__ import annotations

import html

import numpy as np

from .document import curves_table, params_table, shared_table
from .html import figure_png_base64
from .plots import plot_saved_curves, plot_saved_fit, plot_trend
from .text import fit_report, global_report


def _xscale(summary: dict, x) -> str | None:
    from ..models import registry

    name = str(summary.get("model", "")).split("+")[0]
    try:
        scale = registry.model_class(name).plot_xscale
    except Exception:  # noqa: BLE001 - a user model: let the plot decide
        return None
    x = np.asarray(x, dtype=float)
    return "log" if scale == "log" and x.size and np.all(x > 0) else None


def fit_text(summary: dict) -> str:
    """Text report of one fit."""
    return fit_report(summary)


def global_text(summary: dict) -> str:
    """Text report of a global fit."""
    return global_report(summary)


def plot_fit(summary: dict, ax=None, **kwargs):
    """Data, model, components and residuals of one fit; returns the main Axes."""
    data = summary["data"]
    if "xscale" not in kwargs:
        kwargs["xscale"] = _xscale(summary, data["x"])
    src = summary.get("source", {})
    ax = plot_saved_fit(data, ax=ax, x_name=src.get("x", "x"), y_name=src.get("y", "y"), model_name=summary["model"], **kwargs)
    if summary.get("warnings"):
        ax.set_title(f"{len(summary['warnings'])} warning(s): see the report", fontsize="small", color="darkred")
    return ax


def plot_global(summary: dict, ax=None, **kwargs):
    """Every curve of a global fit with its model line; returns the main Axes."""
    by = summary.get("by") or "curve"
    src = summary.get("source", {})
    curves = [(f"{by} = {c['label']}", c["data"]) for c in summary["curves"]]
    return plot_saved_curves(curves, ax=ax, x_name=src.get("x", "x"), y_name=src.get("y", "y"), **kwargs)


def plot_batch(table, param: str | None = None, ax=None, *, x: str | None = None):
    """A fitted parameter of a batch (default: the first) against the curve label, ±1σ error bars."""
    from ..exceptions import SigmafitError

    tab = table[table["status"] != "failed"]
    params = [c[: -len("_stderr")] for c in tab.columns if c.endswith("_stderr")]
    if not params:
        raise SigmafitError("no fitted parameters to plot: every curve failed")
    name = param or params[0]
    if name not in tab.columns:
        raise SigmafitError(f"no parameter {name!r} in the batch table; choose one of: {', '.join(params)}")
    xcol = x or next((c for c in ("temperature_K", "gate_V", "field_T") if c in tab.columns), "index")
    err = tab.get(f"{name}_stderr")
    return plot_trend(tab[xcol], tab[name], None if err is None else err, ax=ax, xlabel=xcol, ylabel=name,
                      logx=xcol == "temperature_K" and bool((tab[xcol] > 0).all()))


def fit_html(summary: dict) -> str:
    """Table and figure of one fit for Jupyter."""
    img = figure_png_base64(plot_fit(summary).figure)
    st = summary["statistics"]
    state = "converged" if summary["success"] else "did not converge"
    head = f"<b>{html.escape(summary['model'])}</b> — {state}, {st['ndata']} points, reduced χ² {st['redchi']:.3g}"
    return f"<div class='sigmafit-fit'><p>{head}</p>{params_table(summary)}<img src='data:image/png;base64,{img}'/></div>"


def global_html(summary: dict) -> str:
    """Shared parameters, per-curve table (warnings in their rows) and overlay figure of a global fit."""
    img = figure_png_base64(plot_global(summary).figure)
    state = "converged" if summary["success"] else "did not converge"
    head = f"<b>global {html.escape(summary['model'])}</b> over {len(summary['curves'])} curves — {state}"
    return (f"<div class='sigmafit-global'><p>{head}</p>{shared_table(summary)}{curves_table(summary, 'global')}"
            f"<img src='data:image/png;base64,{img}'/></div>")


def batch_html(table, summary_line: str) -> str:
    """A batch for Jupyter: the summary line, the failures, the first parameter's trend and the table."""
    n_failed = int((table["status"] == "failed").sum()) if len(table) else 0
    fails = ""
    if n_failed:
        items = "".join(f"<li>{html.escape(str(r.label))} ({html.escape(str(r.source))}): {html.escape(str(r.error))}</li>"
                        for r in table[table["status"] == "failed"].head(20).itertuples())
        more = f"<li>… {n_failed - 20} more</li>" if n_failed > 20 else ""
        fails = f"<p>Failed:</p><ul>{items}{more}</ul>"
    figure = ""
    if n_failed < len(table):
        try:
            figure = f"<img src='data:image/png;base64,{figure_png_base64(plot_batch(table).figure)}'/>"
        except Exception:  # noqa: BLE001 - the table still shows
            figure = ""
    cols = [c for c in table.columns if c not in ("curve_id", "warnings", "fitted_at")]
    body = table[cols].head(50).to_html(index=False, na_rep="—", float_format=lambda v: f"{v:.4g}")
    return f"<div class='sigmafit-batch'><p><b>{html.escape(summary_line)}</b></p>{fails}{figure}{body}</div>"
