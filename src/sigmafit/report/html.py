"""HTML fragments for Jupyter (``_repr_html_``) and the HTML report."""

from __future__ import annotations

import base64
import html
import io

from .format import round_pdg


def figure_png_base64(fig, dpi: int = 110) -> str:
    """A matplotlib figure as a base64 PNG string (the figure is closed)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def params_table_html(summary: dict) -> str:
    """Parameter and derived-value table with one rounding rule and the warnings beneath."""
    rows = []
    for group in ("params", "derived"):
        for name, p in summary.get(group, {}).items():
            v, e = round_pdg(p["value"], p["stderr"])
            err = e if e is not None else "n/a"
            fixed = " (fixed)" if p.get("vary") is False else ""
            flagged = [w for w in summary.get("warnings", []) if name in w.split(" ")[0:6] or w.startswith(name)]
            mark = f' <span title="{html.escape(" | ".join(flagged))}" style="color:#b00">⚠</span>' if flagged else ""
            rows.append(
                f"<tr><td>{html.escape(name)}{mark}</td><td>{v}</td><td>{err}</td><td>{html.escape(p.get('unit', ''))}{fixed}</td></tr>"
            )
    table = (
        "<table class='sigmafit-params'><thead><tr><th>parameter</th><th>value</th><th>± 1σ</th><th>unit</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    warns = summary.get("warnings", [])
    wl = "".join(f"<li>{html.escape(w)}</li>" for w in warns)
    wblock = f"<div class='sigmafit-warnings' style='color:#b00'><b>warnings</b><ul>{wl}</ul></div>" if warns else "<div>no warnings</div>"
    return table + wblock


def fit_html(result) -> str:
    """Table and figure of one FitResult for Jupyter."""
    s = result.summary()
    ax = result.plot()
    img = figure_png_base64(ax.figure)
    st = s["statistics"]
    head = f"<b>{html.escape(s['model'])}</b> — {'converged' if s['success'] else 'did not converge'}, {st['ndata']} points, reduced χ² {st['redchi']:.3g}"
    return f"<div class='sigmafit-fit'><p>{head}</p>{params_table_html(s)}<img src='data:image/png;base64,{img}'/></div>"


def global_html(result) -> str:
    """Per-curve table and overlay figure of a global fit for Jupyter."""
    s = result.summary()
    tab = result.table().to_html(index=False, float_format=lambda v: f"{v:.4g}")
    img = figure_png_base64(result.plot().figure)
    warns = "".join(f"<li>{html.escape(w)}</li>" for w in s["warnings"])
    return f"<div><b>global {html.escape(s['model'])}</b> shared: {', '.join(s['shared']) or 'none'}{tab}<ul style='color:#b00'>{warns}</ul><img src='data:image/png;base64,{img}'/></div>"
