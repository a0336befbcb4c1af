"""HTML fragments for Jupyter (``_repr_html_``): the report's tables (:mod:`.document`) with the figure."""

from __future__ import annotations

import base64
import html
import io

from .document import curves_table, params_table, shared_table


def figure_png_base64(fig, dpi: int = 110) -> str:
    """A matplotlib figure as a base64 PNG string (the figure is closed)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def fit_html(result) -> str:
    """Table and figure of one FitResult for Jupyter."""
    s = result.summary()
    ax = result.plot()
    img = figure_png_base64(ax.figure)
    st = s["statistics"]
    head = f"<b>{html.escape(s['model'])}</b> — {'converged' if s['success'] else 'did not converge'}, {st['ndata']} points, reduced χ² {st['redchi']:.3g}"
    return f"<div class='sigmafit-fit'><p>{head}</p>{params_table(s)}<img src='data:image/png;base64,{img}'/></div>"


def global_html(result) -> str:
    """Shared parameters, per-curve table (warnings in their rows) and overlay figure of a global fit."""
    s = result.summary()
    img = figure_png_base64(result.plot().figure)
    head = f"<b>global {html.escape(s['model'])}</b> over {len(s['curves'])} curves — {'converged' if s['success'] else 'did not converge'}"
    return (f"<div class='sigmafit-global'><p>{head}</p>{shared_table(s)}{curves_table(s, 'global')}"
            f"<img src='data:image/png;base64,{img}'/></div>")
