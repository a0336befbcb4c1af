"""The report documents — ``report.html`` and ``report.pdf`` — built from *saved* results, never by fitting.

Inputs: :class:`~.load.ResultSet` objects (:func:`~.load.load_results` reads ``--json`` files and batch
folders).  A law that the caller fitted to the results of a set (for example
``sigmafit.fitting.fit_dephasing(glob).summary(include_data=True)``) is a set of its own whose ``source.from``
(or ``meta["from"]``) names that set: it gets its section and overview row, and is drawn with the parameter it
describes.  This package never fits; ``sigmafit run`` and ``sigmafit report`` (the CLI) do that fit.

What :func:`write_report` writes into ``out``: ``report.html`` (figures embedded as base64 PNG, inline CSS,
no script, no external resource — it opens offline), ``report.pdf`` (the same overview, tables, warnings
and figures on A4 pages), and every figure as PNG and PDF in ``out/figures``.  It opens with a summary
table across all fits; every number reads in its natural unit under the PDG rule; each warning sits in
the row of the number it concerns, in the table's words.  Reproducibility: software versions, command,
options, and every input file with its sha256.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import platform
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .._version import __version__
from .attach import curve_warnings, split_warnings, untagged_warnings  # noqa: F401 - re-exported for callers
from .figures import Figure, FigureStore, curve_figures, draw_all, single_figures, trend_figures
from .labels import CONVENTIONS
from .load import ResultSet, classify, load_results, result_set, sha256_of  # noqa: F401 - re-exported for callers
from .tables import batch_table, curves_table, esc, overview_html, overview_rows, params_table, shared_table, stats_pieces

#: Names of the documents written into the report folder.
REPORT_NAME = "report.html"
PDF_NAME = "report.pdf"

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:1180px;margin:1.5em auto;padding:0 1em;color:#111;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em} h2{border-bottom:1px solid #bbb;padding-bottom:.2em;margin-top:2em} h3{margin-bottom:.3em}
table{border-collapse:collapse;margin:.5em 0 1em 0;font-size:.95em} th,td{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}
th{background:#f2f2f2;text-align:left} td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.warn,li.warn,p.warn{color:#a00000} td.warn ul{margin:0;padding-left:1.1em;max-width:42em} tr.has-warning td:first-child{border-left:3px solid #c00}
.ok{color:#2a6a2a} .fixed{color:#666} .figs{display:flex;flex-wrap:wrap;gap:1em 1.5em}
figure{margin:.4em 0 .8em 0;flex:0 1 560px} figure img{width:100%;max-width:560px;height:auto;border:1px solid #eee}
figcaption{font-size:.9em;color:#333} code,pre{background:#f6f6f6} pre{padding:.6em;overflow-x:auto;font-size:.85em}
.small{font-size:.88em;color:#444} nav ul{columns:2}
"""


@dataclass
class Section:
    """One result set in the report: its HTML body and the figures drawn for it."""

    anchor: str
    title: str
    set_: ResultSet
    html: str
    figures: list[Figure] = field(default_factory=list)


def figure_html(fig: Figure) -> str:
    """A <figure> element with the PNG embedded and the file names in the caption."""
    b64 = base64.b64encode(fig.png).decode("ascii")
    return (f"<figure id='fig-{esc(fig.slug)}'><img alt='{esc(fig.caption)}' src='data:image/png;base64,{b64}'/>"
            f"<figcaption>{esc(fig.caption)} <span class='small'>(figures/{esc(fig.slug)}.png, .pdf)</span></figcaption></figure>")


def _figs(figs: Sequence[Figure]) -> str:
    return f"<div class='figs'>{''.join(figure_html(f) for f in figs)}</div>" if figs else ""


def _source_line(s: Mapping[str, Any], set_: ResultSet) -> str:
    src = s.get("source") or {}
    bits = []
    if set_.path:
        bits.append(f"result file <code>{esc(set_.path)}</code>")
    if src.get("path"):
        bits.append(f"data <code>{esc(src['path'])}</code>")
    if src.get("x"):
        bits.append(f"{esc(src.get('y'))} against {esc(src.get('x'))}")
    if src.get("weights"):
        bits.append(f"weights {esc(src['weights'])}")
    if set_.fitted_from:
        bits.append(f"a law fitted to the results of <b>{esc(set_.fitted_from)}</b> (not to data)")
    return "<p class='small'>" + "; ".join(bits) + "</p>" if bits else ""


def stats_line(summary: Mapping[str, Any]) -> str:
    """'converged, 174 points, 2 varied, χ²_ν = 4.854×10⁻¹⁷, R² = …, window: …' as HTML."""
    ok = "converged" if summary.get("success", True) else "<b class='warn'>did not converge</b>"
    return "<p class='small'>" + ", ".join([ok, *(esc(p) for p in stats_pieces(summary))]) + "</p>"


def count_warnings(set_: ResultSet) -> int:
    """Number of warnings a result set carries (its own, its curves', a batch table's)."""
    if set_.kind == "batch":
        t = set_.table
        return int(t["n_warnings"].fillna(0).sum()) if "n_warnings" in t.columns else 0
    s = set_.summary or {}
    return len(s.get("warnings") or []) + sum(len(c.get("warnings") or []) for c in s.get("curves") or [])


def _section_body(set_: ResultSet, store: FigureStore, trends: Sequence[Mapping[str, Any]]) -> tuple[str, list[Figure]]:
    """HTML of one set and its figures; ``trends``: summaries of the laws fitted to its results (drawn in its trends)."""
    s = set_.summary
    if set_.kind == "single":
        figs = draw_all(store, single_figures(set_))
        body = _source_line(s, set_) + stats_line(s) + params_table(s)
        if not s.get("data"):
            body += "<p class='small'>no curve data saved with this result — table only.</p>"
        return body + _figs(figs), figs
    if set_.kind == "batch":
        t, info = set_.table, set_.run_info or {}
        head = f"<p class='small'>batch table <code>{esc(set_.path)}</code>: {len(t)} curves, model {esc(info.get('model', '?'))}"
        if info.get("counts"):
            head += ", " + ", ".join(f"{v} {k}" for k, v in info["counts"].items())
        figs = draw_all(store, trend_figures(set_, trends))
        trend = f"<h3>Trends</h3>{_figs(figs)}" if figs else ""
        return head + ". Batch tables hold no curve data: trends only.</p>" + batch_table(t, model=set_.model) + trend, figs
    n = len(s.get("curves") or [])
    if set_.kind == "global":
        shared = ", ".join(s.get("shared") or {}) or "none"
        head = _source_line(s, set_) + stats_line(s) + f"<p>global fit of {n} curves; shared: {esc(shared)}</p>" + shared_table(s)
    else:
        head = _source_line((s.get("curves") or [{}])[0], set_) + f"<p>{n} curves fitted one by one.</p>"
    figs = draw_all(store, curve_figures(set_))
    tfigs = draw_all(store, trend_figures(set_, trends))
    more = "" if n <= 12 else f"<p class='small'>{n - 12} more curves are in the overlay only.</p>"
    trend = f"<h3>Trends</h3>{_figs(tfigs)}" if tfigs else ""
    return head + curves_table(s) + _figs(figs) + more + trend, figs + tfigs


def _inputs(sets: Sequence[ResultSet], inputs: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    all_inputs = [dict(i) for i in inputs]
    for i in all_inputs:
        if not i.get("sha256") and i.get("path"):
            i["sha256"] = sha256_of(i["path"])
    known = {str(i.get("path")) for i in all_inputs}
    for s in sets:
        srcs = [("result", s.path)]
        if s.summary:
            srcs.append(("data (from result)", (s.summary.get("source") or {}).get("path")))
            srcs += [("data (from result)", (c.get("source") or {}).get("path")) for c in s.summary.get("curves") or []]
        for role, p in srcs:
            if p and p not in known and p != "fit results":
                all_inputs.append({"role": role, "path": p, "sha256": sha256_of(p)})
                known.add(p)
    return all_inputs


def versions() -> dict[str, str]:
    """Versions of sigmafit, Python and the numerical stack, and the platform."""
    import lmfit
    import matplotlib
    import numpy
    import pandas
    import scipy

    return {"sigmafit": __version__, "python": sys.version.split()[0], "numpy": numpy.__version__, "scipy": scipy.__version__,
            "pandas": pandas.__version__, "lmfit": lmfit.__version__, "matplotlib": matplotlib.__version__,
            "platform": platform.platform()}


def _repro_html(sets, inputs, command, options, recipe_text) -> str:
    rows = "".join(f"<tr><td>{esc(i.get('role', ''))}</td><td><code>{esc(i.get('path'))}</code></td>"
                   f"<td><code class='small'>{esc(i.get('sha256') or 'not available')}</code></td></tr>" for i in inputs)
    saved = sorted({json.dumps(s.summary.get("software"), sort_keys=True) for s in sets if s.summary and s.summary.get("software")})
    out = [f"<p>report written {_dt.datetime.now().astimezone().isoformat(timespec='seconds')} by sigmafit {esc(__version__)}.</p>"]
    if command:
        out.append(f"<p>command:</p><pre>{esc(command)}</pre>")
    if options:
        out.append(f"<p>options:</p><pre>{esc(json.dumps(dict(options), indent=2, default=str))}</pre>")
    out.append(f"<h3>Inputs</h3><table class='inputs'><thead><tr><th>role</th><th>file</th><th>sha256</th></tr></thead><tbody>{rows}</tbody></table>")
    out.append("<h3>Software</h3><table><tbody>" + "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in versions().items())
               + "</tbody></table>")
    if saved:
        out.append("<p class='small'>software recorded in the results: " + "; ".join(esc(v) for v in saved) + "</p>")
    if recipe_text:
        out.append(f"<h3>Recipe</h3><pre>{esc(recipe_text)}</pre>")
    return "".join(out)




def _laws_for(set_: ResultSet, sets: Sequence[ResultSet]) -> list[Mapping[str, Any]]:
    """Summaries of the laws among ``sets`` that were fitted to ``set_``'s results (a dephasing law to a WAL fit)."""
    return [s.summary for s in sets if s.fitted_from == set_.name and s.summary]


def write_report(results: Iterable[ResultSet], out: str | Path, *, title: str = "sigmafit report", command: str | None = None,
                 options: Mapping[str, Any] | None = None, inputs: Iterable[Mapping[str, Any]] = (),
                 recipe_text: str | None = None, notes: Iterable[str] = (), pdf: bool = True) -> Path:
    """Write ``out/report.html``, ``out/report.pdf`` and ``out/figures/*.png|pdf`` from saved results; returns the HTML path.

    A law fitted to the results of a set is among ``results`` as a set of its own naming that set in
    ``source.from`` or ``meta["from"]`` (what ``sigmafit run`` and ``sigmafit report`` hand over): it is shown
    like any fit and drawn with the parameter it describes.  ``command``/``options``/``inputs``
    (``{"role", "path", "sha256"}``; sha256 computed when missing) and ``recipe_text`` go into the
    reproducibility section.  ``pdf=False`` skips report.pdf.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sets = list(results)
    notes = list(notes)  # read twice: the HTML and the PDF
    store = FigureStore(out / "figures")
    anchors = {s.name: re.sub(r"[^A-Za-z0-9_-]+", "-", s.name) for s in sets}
    sections = []
    for s in sets:
        body, figs = _section_body(s, store, _laws_for(s, sets) if s.kind != "single" else [])
        what = {"single": "fit", "multi": "fits, one per curve", "global": "global fit", "batch": "batch"}[s.kind]
        sections.append(Section(anchors[s.name], f"{s.name} — {s.model} {what}", s, body, figs))
    n_warn = sum(count_warnings(s) for s in sets)
    overview = overview_rows(sets, anchors)
    all_inputs = _inputs(sets, inputs)
    nav = "".join(f"<li><a href='#{a.anchor}'>{esc(a.title)}</a></li>" for a in sections)
    warn_line = (f"<p class='warn'>⚠ {n_warn} warning(s): each is shown in the table row of the number it concerns.</p>"
                 if n_warn else "<p class='ok'>no warnings.</p>")
    body = "".join(f"<section id='{sec.anchor}'><h2>{esc(sec.title)}</h2>{sec.html}</section>" for sec in sections)
    doc = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="sigmafit {esc(__version__)}"><title>{esc(title)}</title><style>{CSS}</style></head>
<body><h1>{esc(title)}</h1>
<p class="small">{esc(CONVENTIONS)}{' The same report as a PDF: <a href="' + PDF_NAME + '">' + PDF_NAME + '</a>.' if pdf else ''}</p>
{''.join(f"<p>{esc(n)}</p>" for n in notes)}{warn_line}
<section id="summary"><h2>Summary of all fits</h2>{overview_html(overview)}</section>
<nav><ul>{nav}<li><a href="#reproducibility">Reproducibility</a></li></ul></nav>
{body}
<section id="reproducibility"><h2>Reproducibility</h2>{_repro_html(sets, all_inputs, command, options, recipe_text)}</section>
</body></html>
"""
    path = out / REPORT_NAME
    path.write_text(doc, encoding="utf-8")
    if pdf:
        from .pdf import write_pdf

        write_pdf(out / PDF_NAME, title=title, overview=overview, sections=sections, n_warnings=n_warn, notes=notes,
                  inputs=all_inputs, command=command)
    return path
