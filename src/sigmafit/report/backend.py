"""The presentation backend that result objects call (the pandas plotting-backend pattern).

``sigmafit.fitting`` never imports :mod:`sigmafit.report`: a result looks this module up by name
(``importlib.import_module("sigmafit.report.backend")``) and hands it plain data — summary dicts as
produced by ``FitResult.summary(include_data=True)`` / ``GlobalFitResult.summary(include_data=True)``
(DESIGN.md §4; ``summary["data"]`` holds ``x, y, residual, fine_x, fine_y, parts`` and optionally
``components, excluded_x/_y, y_err, fine_band``) and a batch table (pandas DataFrame).  Nothing here
receives a result object, and nothing here fits.
"""

from __future__ import annotations

import base64
import html
import io

from .labels import entry_label
from .plots import paper_style, plot_saved_curves, plot_saved_fit, plot_trend
from .tables import batch_table, curves_table, params_table, shared_table, stats_pieces
from .text import fit_report, global_report

__all__ = ["fit_text", "global_text", "plot_fit", "plot_global", "plot_batch", "fit_html", "global_html", "batch_html"]


# -- text -------------------------------------------------------------------------------------
def fit_text(summary: dict) -> str:
    """The text report of one fit: parameters ± 1σ (PDG, natural units), derived values, statistics, warnings."""
    return fit_report(summary)


def global_text(summary: dict) -> str:
    """The text report of a global fit: shared parameters, one line per curve with its warnings."""
    return global_report(summary)


# -- figures ----------------------------------------------------------------------------------
def _names(summary: dict) -> tuple[str, str]:
    from .figures import x_y_names

    curves = summary.get("curves") or []
    return x_y_names(summary, (curves[0].get("data") if curves else None))


def plot_fit(summary: dict, ax=None, **kwargs):
    """Data, model (with its 1σ band), components and residuals of one fit; returns the main Axes.

    kwargs: ``residuals`` (bool, default True), ``components`` (bool, default True), ``xscale``
    ("linear"/"log"; default: the law's natural axes).  Needs ``summary["data"]`` (``include_data=True``).
    """
    from ..exceptions import SigmafitError

    if not summary.get("data"):
        raise SigmafitError("this summary holds no curve data: call summary(include_data=True) to plot it")
    x, y = _names(summary)
    src = summary.get("source") or {}
    curve = src.get("curve")
    label = str(summary.get("model"))
    if isinstance(curve, dict) and len(curve) == 1:
        label += ", " + entry_label({"source": src}, None, 0)[0]
    with paper_style():
        return plot_saved_fit(summary["data"], ax=ax, x_name=x, y_name=y, model_name=str(summary.get("model")),
                              params=summary.get("params"), label=label, **kwargs)


def plot_global(summary: dict, ax=None, **kwargs):
    """Every curve of a global fit with its model line (labels ``T = 2 K``), residuals below; returns the Axes.

    kwargs: ``residuals`` (bool, default True).
    """
    from ..exceptions import SigmafitError

    curves = summary.get("curves") or []
    if not all(c.get("data") for c in curves) or not curves:
        raise SigmafitError("this summary holds no curve data: call summary(include_data=True) to plot it")
    x, y = _names(summary)
    items = [(entry_label(c, summary.get("by"), i)[0], c["data"]) for i, c in enumerate(curves)]
    with paper_style():
        return plot_saved_curves(items, ax=ax, x_name=x, y_name=y, model_name=str(summary.get("model")), **kwargs)


def plot_batch(table, param: str | None = None, ax=None, *, x: str | None = None, model: str | None = None):
    """A fitted parameter (default: the first) of a batch table against the curve label, ±1σ error bars.

    Failed rows are left out; ``x`` defaults to ``temperature_K``, ``gate_V`` or ``field_T`` when present,
    else ``index``.  ``model`` (the batch's model name) gives the parameter's symbol and unit.  Returns the
    Axes (never calls show()).
    """
    from ..exceptions import SigmafitError
    from .figures import mathtext
    from .format import natural_unit
    from .labels import name_of, param_unit, short

    tab = table[table["status"] != "failed"] if "status" in table.columns else table
    params = [c[: -len("_stderr")] for c in tab.columns if c.endswith("_stderr")]
    if not params:
        raise SigmafitError("no fitted parameters to plot: every curve failed")
    name = param or params[0]
    if name not in tab.columns:
        raise SigmafitError(f"no parameter {name!r} in the batch table; choose one of: {', '.join(params)}")
    xcol = x or next((c for c in ("temperature_K", "gate_V", "field_T") if c in tab.columns), "index")
    err = tab.get(f"{name}_stderr")
    sym = mathtext(short(name_of(name, model)))
    scale, unit = natural_unit(float(tab[name].abs().median()), None, param_unit(name, model))
    with paper_style():
        return plot_trend(tab[xcol], tab[name] * scale, None if err is None else err * scale, ax=ax, xlabel=xcol,
                          ylabel=f"{sym} ({unit})" if unit else sym, label=sym,
                          logx=xcol == "temperature_K" and bool((tab[xcol] > 0).all()))


# -- Jupyter ----------------------------------------------------------------------------------
def figure_png_base64(fig, dpi: int = 150) -> str:
    """A matplotlib figure as a base64 PNG string (the figure is closed)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _img(ax) -> str:
    return f"<img style='max-width:560px;width:100%' src='data:image/png;base64,{figure_png_base64(ax.figure)}'/>"


def _head(summary: dict, what: str) -> str:
    ok = "converged" if summary.get("success", True) else "<b style='color:#a00000'>did not converge</b>"
    return f"<p><b>{html.escape(what)}</b> — {', '.join([ok, *(html.escape(p) for p in stats_pieces(summary))])}</p>"


def fit_html(summary: dict) -> str:
    """Jupyter view of one fit: parameter table (warnings in their rows) and the figure (when data are saved)."""
    fig = _img(plot_fit(summary)) if summary.get("data") else ""
    return f"<div class='sigmafit-fit'>{_head(summary, str(summary.get('model')))}{params_table(summary)}{fig}</div>"


def global_html(summary: dict) -> str:
    """Jupyter view of a global fit: shared parameters, per-curve table and the overlay figure."""
    curves = summary.get("curves") or []
    fig = _img(plot_global(summary)) if curves and all(c.get("data") for c in curves) else ""
    what = f"global {summary.get('model')} over {len(curves)} curves"
    return f"<div class='sigmafit-global'>{_head(summary, what)}{shared_table(summary)}{curves_table(summary)}{fig}</div>"


def batch_html(table, summary_line: str, model: str | None = None) -> str:
    """Jupyter view of a batch: its summary line, the failures, a trend figure and the first 50 rows
    (``model``: the batch's model name, for symbols and units)."""
    n_failed = int((table["status"] == "failed").sum()) if "status" in table.columns else 0
    fails = ""
    if n_failed:
        bad = table[table["status"] == "failed"].head(20)
        items = "".join(f"<li>{html.escape(str(r.get('label', '')))} ({html.escape(str(r.get('source', '')))}): "
                        f"{html.escape(str(r.get('error', '')))}</li>" for _, r in bad.iterrows())
        more = f"<li>… {n_failed - 20} more</li>" if n_failed > 20 else ""
        fails = f"<p>Failed:</p><ul>{items}{more}</ul>"
    figure = ""
    if n_failed < len(table):
        try:
            figure = _img(plot_batch(table, model=model))
        except Exception:  # noqa: BLE001 - the table still shows
            figure = ""
    return (f"<div class='sigmafit-batch'><p><b>{html.escape(summary_line)}</b></p>{fails}{figure}"
            f"{batch_table(table.head(50), model=model)}</div>")


