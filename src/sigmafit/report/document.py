"""The self-contained HTML report, built from *saved* results — never by refitting a curve.

Inputs (:func:`load_results`):

* JSON written by ``sigmafit fit --json`` / :meth:`FitResult.to_json`, in its three shapes: one fit
  (``{"model", "params", …}``), several curves fitted one by one (``{"model", "curves": [summary, …]}``),
  and a global fit (``{"global": true, "shared": …, "curves": […]}``);
* batch output folders (``results.csv`` + ``run.json``) or a ``results.csv`` itself: treated as a
  table — trend plots of parameters against the label column, no per-curve plots.

What :func:`write_report` writes into ``out``: ``report.html`` (figures embedded as base64 PNG, inline
CSS, no script, no external resource — it opens offline), and every figure as PNG and PDF in
``out/figures``.  Per curve: data, model line, components and residuals from the saved ``"data"``
block.  Tables: every number under the one rounding rule (:func:`~sigmafit.report.format.round_pdg`),
each warning in the row of the number it concerns.  Trends: fitted parameters against temperature
(or gate …); L_φ(T) with its dephasing law — a fit of *results* (:func:`sigmafit.fitting.tables.fit_dephasing`),
done when a set has L_φ at ≥ 3 temperatures and no saved dephasing result was given; a Zabrodskii
plot for hopping fits.  Reproducibility: software versions, command, options, and every input file
with its sha256.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import html
import io
import json
import math
import platform
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from .._version import __version__
from ..exceptions import SigmafitError
from .format import format_value, round_pdg

#: Name of the HTML file written into the report folder.
REPORT_NAME = "report.html"
#: At most this many per-curve figures per result set (the overlay shows them all).
MAX_CURVE_FIGURES = 12
_HOPPING = ("vrh", "vrh-es", "vrh-mott2d", "vrh-mott3d", "arrhenius")


# ---------------------------------------------------------------------------------------------
# loading saved results
# ---------------------------------------------------------------------------------------------
@dataclass
class ResultSet:
    """One saved result: a single fit, a multi-curve set, a global fit, or a batch table."""

    name: str
    kind: str  # "single" | "multi" | "global" | "batch"
    summary: dict[str, Any] | None = None
    table: Any = None  # pandas DataFrame for batches
    path: str | None = None
    run_info: dict[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # e.g. {"from": "<fit name>"} for a dephasing result

    @property
    def model(self) -> str:
        if self.summary is not None:
            return str(self.summary.get("model", ""))
        return str((self.run_info or {}).get("model", ""))


def sha256_of(path: str | Path) -> str | None:
    """Hex sha256 of a file, or None when it cannot be read."""
    try:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


def classify(summary: Mapping[str, Any]) -> str:
    """'global', 'multi' or 'single' for a saved JSON summary; SigmafitError for anything else."""
    if not isinstance(summary, Mapping) or "model" not in summary:
        raise SigmafitError("not a sigmafit result: a JSON object with a 'model' key was expected")
    if summary.get("global"):
        return "global"
    if "curves" in summary:
        return "multi"
    if "params" in summary:
        return "single"
    raise SigmafitError("not a sigmafit result: it has neither 'params' nor 'curves'")


def result_set(summary: Mapping[str, Any], name: str, *, path: str | None = None, meta: Mapping[str, Any] | None = None) -> ResultSet:
    """A :class:`ResultSet` from an in-memory summary dict (what ``--json`` writes)."""
    return ResultSet(name=name, kind=classify(summary), summary=dict(summary), path=path, meta=dict(meta or {}))


def load_results(paths: Iterable[str | Path]) -> list[ResultSet]:
    """Read saved results: ``--json`` files and batch folders / ``results.csv`` (see module docstring)."""
    import pandas as pd

    out: list[ResultSet] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            csv = path / "results.csv"
            if not csv.exists():
                raise SigmafitError(f"{path} is a folder without results.csv; give a batch output folder or JSON files")
            run = path / "run.json"
            info = json.loads(run.read_text(encoding="utf-8")) if run.exists() else None
            out.append(ResultSet(name=path.name, kind="batch", table=pd.read_csv(csv), path=str(csv), run_info=info))
            continue
        if not path.exists():
            raise SigmafitError(f"no such file: {path}")
        if path.suffix.lower() == ".csv":
            run = path.with_name("run.json")
            info = json.loads(run.read_text(encoding="utf-8")) if run.exists() else None
            out.append(ResultSet(name=path.stem, kind="batch", table=pd.read_csv(path), path=str(path), run_info=info))
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SigmafitError(f"{path} is not a JSON result file ({exc.__class__.__name__}: {exc})") from None
        try:
            out.append(result_set(data, path.stem, path=str(path)))
        except SigmafitError as exc:
            raise SigmafitError(f"{path}: {exc}") from None
    return out


# ---------------------------------------------------------------------------------------------
# warnings attached to numbers
# ---------------------------------------------------------------------------------------------
_ALIASES = {
    "L_phi": ("L_phi", "L_φ", "B_phi", "B_φ", "dephasing length"),
    "L_so": ("L_so", "B_so", "spin–orbit"),
    "alpha": ("alpha", "α"),
    "eps_inf": ("eps_inf", "ε∞"),
    "sigma0": ("sigma0", "σ0"),
    "gamma": ("gamma", "γ"),
}
_CURVE_TAG = re.compile(r"^\[(?P<key>[^\]=]+?)\s*=\s*(?P<val>[^\]]+)\]\s*")


def _mentions(warning: str, name: str) -> bool:
    for token in _ALIASES.get(name, (name,)):
        if re.search(rf"(?<![\w]){re.escape(token)}(?![\w])", warning):
            return True
    return False


def split_warnings(warnings: Iterable[str], names: Iterable[str]) -> tuple[dict[str, list[str]], list[str]]:
    """({parameter: warnings naming it}, warnings naming none) — a warning may concern several numbers."""
    names = list(names)
    per: dict[str, list[str]] = {n: [] for n in names}
    rest = []
    for w in warnings:
        hit = [n for n in names if _mentions(w, n)]
        for n in hit:
            per[n].append(w)
        if not hit:
            rest.append(w)
    return per, rest


def _same_label(a: Any, b: Any) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    except (TypeError, ValueError):
        return str(a).strip() == str(b).strip()


def curve_warnings(warnings: Iterable[str], label: Any) -> list[str]:
    """Warnings of a global fit tagged ``[by = label] …`` for this curve (tag removed)."""
    out = []
    for w in warnings:
        m = _CURVE_TAG.match(w)
        if m and _same_label(m.group("val"), label):
            out.append(w[m.end():])
    return out


def untagged_warnings(warnings: Iterable[str]) -> list[str]:
    return [w for w in warnings if not _CURVE_TAG.match(w)]


# ---------------------------------------------------------------------------------------------
# HTML pieces
# ---------------------------------------------------------------------------------------------
CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:1100px;margin:1.5em auto;padding:0 1em;color:#111;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em} h2{border-bottom:1px solid #bbb;padding-bottom:.2em;margin-top:2em} h3{margin-bottom:.3em}
table{border-collapse:collapse;margin:.5em 0 1em 0;font-size:.92em} th,td{border:1px solid #ccc;padding:.25em .55em;vertical-align:top}
th{background:#f2f2f2;text-align:left} td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.warn,li.warn{color:#a00000} td.warn ul{margin:0;padding-left:1.1em} tr.has-warning td:first-child{border-left:3px solid #c00}
.ok{color:#2a6a2a} .fixed{color:#666} figure{display:inline-block;margin:.4em .8em .8em 0;vertical-align:top}
figure img{width:3.4in;max-width:100%;height:auto;border:1px solid #eee} figcaption{font-size:.85em;color:#444;max-width:3.4in}
code,pre{background:#f6f6f6} pre{padding:.6em;overflow-x:auto;font-size:.85em} .small{font-size:.85em;color:#444}
nav ul{columns:2}
"""


def _esc(v: Any) -> str:
    return html.escape("" if v is None else str(v))


def _pdg_cell(entry: Mapping[str, Any] | None, *, name: str = "", curve: Any = None, unit: bool = False) -> str:
    """A table cell "value ± error" under the PDG rule, with data-* attributes for tools and tests."""
    if entry is None:
        return "<td class='num'>—</td>"
    val, err = entry.get("value"), entry.get("stderr")
    if val is None:
        text, v, e = "—", "", ""
    else:
        err = None if err is None else float(err)
        v, e = round_pdg(float(val), err)
        text = format_value(float(val), err)
    if unit and entry.get("unit"):
        text += f" {entry['unit']}"
    fixed = entry.get("vary") is False and not entry.get("shared")
    cls = "num fixed" if fixed else "num"
    attrs = f" data-param='{_esc(name)}' data-value='{_esc(v)}' data-stderr='{_esc(e or '')}'"
    if curve is not None:
        attrs += f" data-curve='{_esc(curve)}'"
    return f"<td class='{cls}'{attrs}>{_esc(text)}{' (fixed)' if fixed else ''}</td>"


def _warn_cell(warnings: list[str]) -> str:
    if not warnings:
        return "<td class='ok'>—</td>"
    items = "".join(f"<li>⚠ {_esc(w)}</li>" for w in warnings)
    return f"<td class='warn'><ul>{items}</ul></td>"


def params_table(summary: Mapping[str, Any]) -> str:
    """One fit: parameter | value ± 1σ | unit | warnings (each warning in the row of the number it names)."""
    groups = [("params", summary.get("params") or {}), ("derived", summary.get("derived") or {})]
    names = [n for _, g in groups for n in g]
    per, rest = split_warnings(summary.get("warnings") or [], names)
    rows = []
    if rest:
        rows.append(f"<tr class='has-warning'><td><i>whole fit</i></td><td class='num'></td><td></td>{_warn_cell(rest)}</tr>")
    for group, entries in groups:
        for n, e in entries.items():
            tag = " <span class='small'>(derived)</span>" if group == "derived" else ""
            cls = " class='has-warning'" if per[n] else ""
            rows.append(f"<tr{cls}><td>{_esc(n)}{tag}</td>{_pdg_cell(e, name=n)}<td>{_esc(e.get('unit', ''))}</td>{_warn_cell(per[n])}</tr>")
    return ("<table class='params'><thead><tr><th>parameter</th><th>value ± 1σ</th><th>unit</th><th>warnings</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _stats_line(summary: Mapping[str, Any]) -> str:
    st = summary.get("statistics") or {}
    parts = [("converged" if summary.get("success", True) else "<b class='warn'>did not converge</b>")]
    if st.get("ndata") is not None:
        parts.append(f"{st['ndata']} points")
    if st.get("nvarys") is not None:
        parts.append(f"{st['nvarys']} varied")
    if st.get("redchi") is not None:
        parts.append(f"reduced χ² {st['redchi']:.4g}")
    if st.get("r_squared") is not None:
        parts.append(f"R² {st['r_squared']:.5f}")
    win = summary.get("window") or {}
    if win.get("how"):
        parts.append(f"window: {_esc(win['how'])}")
    return "<p class='small'>" + ", ".join(parts) + "</p>"


def _curve_name(entry: Mapping[str, Any], by: str | None, i: int) -> tuple[str, Any]:
    """(display label, raw label) of a curve entry of a multi or global summary."""
    if "label" in entry:
        lab = entry["label"]
        return (f"{float(lab):g}" if _is_number(lab) else str(lab)), lab
    cur = (entry.get("source") or {}).get("curve")
    if isinstance(cur, Mapping) and cur:
        k, v = next(iter(cur.items()))
        if len(cur) == 1:
            return (f"{float(v):g}" if _is_number(v) else str(v)), v
        return ", ".join(f"{a} = {b}" for a, b in cur.items()), v
    if cur is not None:
        return str(cur), cur
    return f"curve {i}", i


def _label_unit(by: str | None) -> str:
    return {"temperature_K": "T (K)", "gate_V": "V_g (V)"}.get(by or "", by or "curve")


def curves_table(summary: Mapping[str, Any], kind: str) -> str:
    """Per-curve table of a multi-curve or global result: one row per curve, its own warnings in the row."""
    by = summary.get("by")
    curves = summary.get("curves") or []
    if not by and curves:
        cur = (curves[0].get("source") or {}).get("curve")
        if isinstance(cur, Mapping) and cur:
            by = next(iter(cur))
    shared = set((summary.get("shared") or {}).keys())
    names: list[str] = []
    fixed: dict[str, Any] = {}
    for c in curves:
        for n, e in (c.get("params") or {}).items():
            if n in shared:
                continue
            if e.get("vary") is False:
                fixed[n] = e
                continue
            if n not in names:
                names.append(n)
    for c in curves:
        for n in (c.get("derived") or {}):
            if n not in names:
                names.append(n)
    units = {}
    for c in curves:
        for g in ("params", "derived"):
            for n, e in (c.get(g) or {}).items():
                units.setdefault(n, e.get("unit", ""))
    head = "".join(f"<th>{_esc(n)}{' (' + _esc(units[n]) + ')' if units.get(n) else ''}</th>" for n in names)
    rows = []
    glob_warn = summary.get("warnings") or []
    for i, c in enumerate(curves):
        disp, raw = _curve_name(c, by, i)
        own = list(c.get("warnings") or []) + (curve_warnings(glob_warn, raw) if kind == "global" else [])
        values = {**(c.get("params") or {}), **(c.get("derived") or {})}
        cells = "".join(_pdg_cell(values.get(n), name=n, curve=raw) for n in names)
        conv = "" if c.get("success", True) else " <b class='warn'>(did not converge)</b>"
        cls = " class='has-warning'" if own else ""
        rows.append(f"<tr{cls}><td data-curve='{_esc(raw)}'>{_esc(disp)}{conv}</td>{cells}{_warn_cell(own)}</tr>")
    note = ""
    if fixed:
        note = "<p class='small fixed'>fixed for every curve: " + ", ".join(
            f"{_esc(n)} = {'∞' if e.get('value') is None else _esc(round_pdg(e['value'], None)[0])} {_esc(e.get('unit', ''))}"
            for n, e in fixed.items()) + "</p>"
    return (f"<table class='curves'><thead><tr><th>{_esc(_label_unit(by))}</th>{head}<th>warnings</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{note}")


def shared_table(summary: Mapping[str, Any]) -> str:
    shared = summary.get("shared") or {}
    if not shared:
        return ""
    per, rest = split_warnings(untagged_warnings(summary.get("warnings") or []), list(shared))
    rows = []
    if rest:
        rows.append(f"<tr class='has-warning'><td><i>whole fit</i></td><td class='num'></td><td></td>{_warn_cell(rest)}</tr>")
    for n, e in shared.items():
        cls = " class='has-warning'" if per[n] else ""
        rows.append(f"<tr{cls}><td>{_esc(n)} (shared)</td>{_pdg_cell(e, name=n, curve='shared')}<td>{_esc(e.get('unit', ''))}</td>{_warn_cell(per[n])}</tr>")
    return ("<table class='params shared'><thead><tr><th>shared parameter</th><th>value ± 1σ</th><th>unit</th><th>warnings</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def batch_table(table, max_rows: int = 200) -> str:
    """A batch results table: label columns, parameters (PDG rounded), status and the row's warnings."""
    import pandas as pd

    cols = list(table.columns)
    params = [c for c in cols if f"{c}_stderr" in cols]
    skip = set(params) | {f"{c}_stderr" for c in params} | {"warnings", "curve_id", "fitted_at", "attempt", "run", "engine", "note",
                                                            "nfev", "aic", "bic", "chisqr", "nvarys", "n_warnings", "success"}
    labels = [c for c in cols if c not in skip and c not in ("ndata", "redchi", "r_squared", "status", "error")]
    show = [c for c in ("status", "redchi") if c in cols]
    head = "".join(f"<th>{_esc(c)}</th>" for c in labels + params + show) + "<th>warnings</th>"
    rows = []
    for _, r in table.head(max_rows).iterrows():
        cells = "".join(f"<td>{_esc('' if pd.isna(r[c]) else r[c])}</td>" for c in labels)
        for p in params:
            v, e = r[p], r[f"{p}_stderr"]
            entry = None if pd.isna(v) else {"value": float(v), "stderr": None if pd.isna(e) else float(e)}
            cells += _pdg_cell(entry, name=p, curve=r.get("label"))
        for c in show:
            v = r[c]
            cells += f"<td>{_esc('' if pd.isna(v) else (f'{v:.4g}' if isinstance(v, float) else v))}</td>"
        w = [] if "warnings" not in cols or pd.isna(r["warnings"]) or not str(r["warnings"]) else str(r["warnings"]).split("; ")
        if "error" in cols and not pd.isna(r["error"]) and str(r["error"]) and str(r["error"]) not in w:
            w = [f"failed: {r['error']}"] + w
        cls = " class='has-warning'" if w else ""
        rows.append(f"<tr{cls}>{cells}{_warn_cell(w)}</tr>")
    more = f"<p class='small'>first {max_rows} of {len(table)} rows</p>" if len(table) > max_rows else ""
    return f"<table class='batch'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


# ---------------------------------------------------------------------------------------------
# figures
# ---------------------------------------------------------------------------------------------
class _Figures:
    """Saves figures as PNG + PDF in ``folder`` and returns an embeddable <figure> element."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.names: set[str] = set()
        self.files: list[Path] = []

    def slug(self, text: str) -> str:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:60] or "figure"
        name, k = base, 2
        while name in self.names:
            name, k = f"{base}_{k}", k + 1
        self.names.add(name)
        return name

    def add(self, fig, name: str, caption: str) -> str:
        import matplotlib.pyplot as plt

        slug = self.slug(name)
        png = self.folder / f"{slug}.png"
        pdf = self.folder / f"{slug}.pdf"
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=300)
        png.write_bytes(buf.getvalue())
        fig.savefig(pdf, format="pdf")
        plt.close(fig)
        self.files += [png, pdf]
        b64 = base64.b64encode(buf.getvalue()).decode("ascii")
        return (f"<figure id='fig-{_esc(slug)}'><img alt='{_esc(caption)}' src='data:image/png;base64,{b64}'/>"
                f"<figcaption>{_esc(caption)} <span class='small'>(figures/{_esc(slug)}.png, .pdf)</span></figcaption></figure>")


def _x_y_names(summary: Mapping[str, Any]) -> tuple[str, str]:
    src = summary.get("source") or {}
    return str(src.get("x", "x")), str(src.get("y", "y"))


def _is_number(v: Any) -> bool:
    try:
        return math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def _trend_rows(set_: ResultSet) -> tuple[str | None, list[dict[str, Any]]]:
    """(label column, rows of {label, name: (value, stderr, unit, vary)}) of a multi/global/batch set."""
    import pandas as pd

    if set_.kind == "batch":
        t = set_.table
        info = set_.run_info or {}
        by = (info.get("options") or {}).get("by") or info.get("by")
        if not by or by not in t.columns:
            by = next((c for c in ("temperature_K", "gate_V", "field_T", "angle_deg") if c in t.columns), None)
        if by is None and "label" in t.columns and pd.to_numeric(t["label"], errors="coerce").notna().all():
            by = "label"
        if by is None:
            return None, []
        params = [c for c in t.columns if f"{c}_stderr" in t.columns]
        rows = []
        for _, r in t.iterrows():
            if "status" in t.columns and r["status"] == "failed":
                continue
            rows.append({"label": r[by], **{p: (r[p], None if pd.isna(r[f"{p}_stderr"]) else r[f"{p}_stderr"], "", True) for p in params}})
        return by, rows
    s = set_.summary or {}
    curves = s.get("curves") or []
    by = s.get("by")
    rows = []
    for i, c in enumerate(curves):
        _, raw = _curve_name(c, by, i)
        if by is None:
            cur = (c.get("source") or {}).get("curve")
            if isinstance(cur, Mapping) and cur:
                by = next(iter(cur))
        row = {"label": raw}
        for g in ("params", "derived"):
            for n, e in (c.get(g) or {}).items():
                row[n] = (e.get("value"), e.get("stderr"), e.get("unit", ""), bool(e.get("vary", True)) and not e.get("shared"))
        rows.append(row)
    return by, rows


_SYMBOL = {"L_phi": r"$L_\varphi$", "L_so": r"$L_{so}$", "alpha": r"$\alpha$", "L_e": r"$L_e$", "wp": r"$\omega_p$",
           "gamma": r"$\gamma$", "eps_inf": r"$\varepsilon_\infty$", "p": "$p$", "A": "$A$", "T0": "$T_0$", "s": "$s$",
           "sigma0": r"$\sigma_0$", "tau": r"$\tau$", "B_phi": r"$B_\varphi$", "B_so": r"$B_{so}$"}


def _axis_name(n: str, unit: str) -> str:
    unit = {"cm⁻¹": r"cm$^{-1}$"}.get(unit, unit)
    return f"{_SYMBOL.get(n, n)} ({unit})" if unit else _SYMBOL.get(n, n)


# ---------------------------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------------------------
def _inputs_table(inputs: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{_esc(i.get('role', ''))}</td><td><code>{_esc(i.get('path'))}</code></td>"
        f"<td><code class='small'>{_esc(i.get('sha256') or 'not available')}</code></td></tr>" for i in inputs)
    return f"<table class='inputs'><thead><tr><th>role</th><th>file</th><th>sha256</th></tr></thead><tbody>{rows}</tbody></table>"


def _versions() -> dict[str, str]:
    import lmfit
    import matplotlib
    import pandas
    import scipy

    return {"sigmafit": __version__, "python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
            "pandas": pandas.__version__, "lmfit": lmfit.__version__, "matplotlib": matplotlib.__version__,
            "platform": platform.platform()}


class _Builder:
    def __init__(self, out: Path):
        self.figs = _Figures(out / "figures")
        self.sections: list[tuple[str, str, str]] = []  # (anchor, title, html)
        self.n_warnings = 0
        self.extra_results: list[ResultSet] = []

    def _source_line(self, s: Mapping[str, Any], set_: ResultSet) -> str:
        src = s.get("source") or {}
        bits = []
        if set_.path:
            bits.append(f"result file <code>{_esc(set_.path)}</code>")
        if src.get("path"):
            bits.append(f"data <code>{_esc(src['path'])}</code>")
        if src.get("x"):
            bits.append(f"{_esc(src.get('y'))} against {_esc(src.get('x'))}")
        if src.get("weights"):
            bits.append(f"weights {_esc(src['weights'])}")
        if set_.meta.get("from"):
            bits.append(f"fitted to the results of <b>{_esc(set_.meta['from'])}</b>")
        return "<p class='small'>" + "; ".join(bits) + "</p>" if bits else ""

    def single(self, set_: ResultSet) -> str:
        from .plots import paper_style, plot_saved_fit, plot_trend, plot_zabrodskii

        s = set_.summary
        self.n_warnings += len(s.get("warnings") or [])
        parts = [self._source_line(s, set_), _stats_line(s), params_table(s)]
        data = s.get("data")
        xn, yn = _x_y_names(s)
        if data:
            with paper_style():
                if s.get("model") in ("dephasing", "dephasing-sat"):
                    p = (s.get("params") or {}).get("p", {})
                    v, e = round_pdg(p.get("value", math.nan), p.get("stderr"))
                    ax = plot_trend(data["x"], data["y"], None, xlabel=r"$T$ (K)", ylabel=r"$L_\varphi$ (nm)",
                                    fit_x=data["fine_x"], fit_y=data["fine_y"], fit_label=f"$T^{{-p/2}}$, p = {v}" + (f" ± {e}" if e else ""),
                                    logx=True, logy=True, label=r"$L_\varphi$ from fits")
                    parts.append(self.figs.add(ax.figure, f"{set_.name}_dephasing", f"{set_.name}: L_φ(T) and the dephasing law L_φ = L1·T^(−p/2) (log–log)."))
                else:
                    ax = plot_saved_fit(data, x_name=xn, y_name=yn, model_name=str(s.get("model")))
                    parts.append(self.figs.add(ax.figure, f"{set_.name}_fit", f"{set_.name}: data, {s.get('model')} fit and residuals."))
                if s.get("model") in _HOPPING and xn == "temperature_K":
                    sv = ((s.get("params") or {}).get("s") or {}).get("value")
                    try:
                        ax = plot_zabrodskii(data["x"], data["y"][: len(data["x"])], s_model=sv)
                        parts.append(self.figs.add(ax.figure, f"{set_.name}_zabrodskii",
                                                   f"{set_.name}: Zabrodskii plot w = −d ln R/d ln T; a straight line of slope −s identifies the hopping law."))
                    except ValueError:
                        pass
        else:
            parts.append("<p class='small'>no curve data saved with this result (write it with <code>--json</code> from this version) — table only.</p>")
        return "".join(parts)

    def curves(self, set_: ResultSet) -> str:
        from .plots import paper_style, plot_saved_curves, plot_saved_fit

        s = set_.summary
        kind = set_.kind
        glob = s.get("warnings") or []
        self.n_warnings += len(glob) + sum(len(c.get("warnings") or []) for c in s.get("curves") or [])
        parts = []
        first = (s.get("curves") or [{}])[0]
        if kind == "global":
            parts.append(self._source_line(s, set_) + _stats_line(s))
            parts.append(f"<p>global fit of {len(s.get('curves') or [])} curves; shared: {_esc(', '.join(s.get('shared') or {}) or 'none')}</p>")
            parts.append(shared_table(s))
        else:
            parts.append(self._source_line(first, set_) + f"<p>{len(s.get('curves') or [])} curves fitted one by one.</p>")
        parts.append(curves_table(s, kind))
        xn, yn = _x_y_names(s if kind == "global" else first)
        with_data = [(c, c.get("data")) for c in s.get("curves") or [] if c.get("data")]
        by = s.get("by")
        if with_data:
            with paper_style():
                labelled = []
                for i, (c, d) in enumerate(with_data):
                    disp, raw = _curve_name(c, by, i)
                    cur = (c.get("source") or {}).get("curve")
                    is_t = by == "temperature_K" or (isinstance(cur, Mapping) and "temperature_K" in cur)
                    if _is_number(raw) and is_t:
                        disp = f"{float(raw):g} K"
                    labelled.append((disp, d))
                ax = plot_saved_curves(labelled, x_name=xn, y_name=yn)
                parts.append(self.figs.add(ax.figure, f"{set_.name}_all", f"{set_.name}: all curves with their {s.get('model')} fits and residuals."))
                for (c, d), (disp, _) in list(zip(with_data, labelled))[:MAX_CURVE_FIGURES]:
                    ax = plot_saved_fit(d, x_name=xn, y_name=yn, model_name=str(s.get("model")))
                    ax.text(0.97, 0.05, disp, transform=ax.transAxes, ha="right", va="bottom")
                    parts.append(self.figs.add(ax.figure, f"{set_.name}_{disp}", f"{set_.name}, {disp}: data, fit and residuals."))
                if len(with_data) > MAX_CURVE_FIGURES:
                    parts.append(f"<p class='small'>{len(with_data) - MAX_CURVE_FIGURES} more curves are in the overlay only.</p>")
        parts.append(self.trends(set_))
        return "".join(parts)

    def batch(self, set_: ResultSet) -> str:
        t = set_.table
        info = set_.run_info or {}
        if "n_warnings" in t.columns:
            self.n_warnings += int(t["n_warnings"].fillna(0).sum())
        head = f"<p class='small'>batch table <code>{_esc(set_.path)}</code>: {len(t)} curves, model {_esc(info.get('model', '?'))}"
        if info.get("counts"):
            head += ", " + ", ".join(f"{v} {k}" for k, v in info["counts"].items())
        head += ". Batch tables hold no curve data: trends only.</p>"
        return head + batch_table(t) + self.trends(set_)

    def trends(self, set_: ResultSet) -> str:
        from .plots import paper_style, plot_trend

        by, rows = _trend_rows(set_)
        if not rows or by is None or not all(_is_number(r["label"]) for r in rows) or len(rows) < 2:
            return ""
        x = np.array([float(r["label"]) for r in rows])
        names = [n for n in rows[0] if n != "label"]
        parts = ["<h3>Trends</h3>"]
        logx = by == "temperature_K" and np.all(x > 0) and x.max() / x.min() > 3
        xlabel = {"temperature_K": r"$T$ (K)", "gate_V": r"$V_g$ (V)"}.get(by, by)
        with paper_style():
            for n in names:
                vals = [r.get(n) for r in rows]
                if any(v is None for v in vals):
                    continue
                varied = any(v[3] for v in vals)
                y = np.array([math.nan if v[0] is None else float(v[0]) for v in vals])
                if not varied or not np.isfinite(y).any() or np.nanstd(y) == 0:
                    continue
                if n.startswith("B_") or n in ("tau", "rho_dc", "hbar_wp", "n_over_m", "L_s", "L_e"):
                    continue
                err = np.array([math.nan if v[1] is None else float(v[1]) for v in vals])
                ax = plot_trend(x, y, err, xlabel=xlabel, ylabel=_axis_name(n, vals[0][2]), logx=logx)
                parts.append(self.figs.add(ax.figure, f"{set_.name}_{n}_vs_{by}", f"{set_.name}: {n} against {by} (error bars ±1σ)."))
            parts.append(self.dephasing(set_, by))
        return "".join(parts) if len(parts) > 1 else ""

    def dephasing(self, set_: ResultSet, by: str | None) -> str:
        """L_φ(T) with its dephasing law: a fit of the results (≥ 3 temperatures), unless one was saved."""
        from ..exceptions import FitError
        from ..fitting.tables import dephasing_table, fit_dephasing
        from .plots import plot_trend

        if by != "temperature_K" or self.has_saved_dephasing:
            return ""
        src = set_.table if set_.kind == "batch" else set_.summary
        try:
            table = dephasing_table(src)
        except FitError:
            return ""
        if table["temperature_K"].nunique() < 3:
            return ""
        try:
            res = fit_dephasing(src)
        except FitError as exc:
            return f"<p class='warn'>dephasing fit of the L_φ values: {_esc(exc)}</p>"
        summary = res.summary(include_data=True)
        new = ResultSet(name=f"{set_.name}_dephasing", kind="single", summary=summary, meta={"from": set_.name})
        self.extra_results.append(new)
        p = summary["params"]["p"]
        v, e = round_pdg(p["value"], p["stderr"])
        ax = plot_trend(table["temperature_K"], table["L_phi_nm"], table["L_phi_err_nm"], xlabel=r"$T$ (K)",
                        ylabel=r"$L_\varphi$ (nm)", fit_x=summary["data"]["fine_x"], fit_y=summary["data"]["fine_y"],
                        fit_label=f"$T^{{-p/2}}$, p = {v}" + (f" ± {e}" if e else ""), logx=True, logy=True, label=r"$L_\varphi$")
        fig = self.figs.add(ax.figure, f"{set_.name}_dephasing", f"{set_.name}: L_φ(T) with the dephasing law L1·T^(−p/2), fitted to these results.")
        self.n_warnings += len(summary.get("warnings") or [])
        return (f"<h3>Dephasing law fitted to these L_φ values</h3><p class='small'>a fit of the results above (weights 1/σ of L_φ), "
                f"not a refit of the curves</p>{params_table(summary)}{fig}")

    has_saved_dephasing = False


def write_report(results: Iterable[ResultSet], out: str | Path, *, title: str = "sigmafit report",
                 command: str | None = None, options: Mapping[str, Any] | None = None,
                 inputs: Iterable[Mapping[str, Any]] = (), recipe_text: str | None = None,
                 notes: Iterable[str] = ()) -> Path:
    """Write ``out/report.html`` and ``out/figures/*.png|pdf`` from saved results; returns the HTML path.

    ``command``/``options``/``inputs`` (``{"role", "path", "sha256"}``; sha256 is computed when missing)
    and ``recipe_text`` go into the reproducibility section; data files named in the results' ``source``
    are listed with their sha256 when they can still be read.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sets = list(results)
    b = _Builder(out)
    b.has_saved_dephasing = any(s.model in ("dephasing", "dephasing-sat") for s in sets)
    for s in sets:
        anchor = re.sub(r"[^A-Za-z0-9_-]+", "-", s.name)
        if s.kind == "single":
            body = b.single(s)
        elif s.kind in ("multi", "global"):
            body = b.curves(s)
        else:
            body = b.batch(s)
        what = {"single": "fit", "multi": "fits, one per curve", "global": "global fit", "batch": "batch"}[s.kind]
        b.sections.append((anchor, f"{s.name} — {s.model} {what}", body))

    # reproducibility
    all_inputs = [dict(i) for i in inputs]
    for i in all_inputs:
        if not i.get("sha256") and i.get("path"):
            i["sha256"] = sha256_of(i["path"])
    known = {str(i.get("path")) for i in all_inputs}
    for s in sets:
        if s.path and s.path not in known:
            all_inputs.append({"role": "result", "path": s.path, "sha256": sha256_of(s.path)})
            known.add(s.path)
        srcs = []
        if s.summary:
            srcs.append((s.summary.get("source") or {}).get("path"))
            srcs += [(c.get("source") or {}).get("path") for c in s.summary.get("curves") or []]
        for p in srcs:
            if p and p not in known and p != "fit results":
                all_inputs.append({"role": "data (from result)", "path": p, "sha256": sha256_of(p)})
                known.add(p)
    versions = _versions()
    saved_versions = sorted({json.dumps(s.summary.get("software"), sort_keys=True) for s in sets if s.summary and s.summary.get("software")})
    repro = [f"<p>report written {_dt.datetime.now().astimezone().isoformat(timespec='seconds')} by sigmafit {_esc(__version__)}.</p>"]
    if command:
        repro.append(f"<p>command:</p><pre>{_esc(command)}</pre>")
    if options:
        repro.append(f"<p>options:</p><pre>{_esc(json.dumps(dict(options), indent=2, default=str))}</pre>")
    repro.append("<h3>Inputs</h3>" + _inputs_table(all_inputs))
    repro.append("<h3>Software</h3><table><tbody>" + "".join(f"<tr><td>{_esc(k)}</td><td>{_esc(v)}</td></tr>" for k, v in versions.items()) + "</tbody></table>")
    if saved_versions:
        repro.append("<p class='small'>software recorded in the results: " + "; ".join(_esc(v) for v in saved_versions) + "</p>")
    if recipe_text:
        repro.append(f"<h3>Recipe</h3><pre>{_esc(recipe_text)}</pre>")

    nav = "".join(f"<li><a href='#{a}'>{_esc(t)}</a></li>" for a, t, _ in b.sections)
    warn_line = (f"<p class='warn'>⚠ {b.n_warnings} warning(s): each is shown in the table row of the number it concerns.</p>"
                 if b.n_warnings else "<p class='ok'>no warnings.</p>")
    note_html = "".join(f"<p>{_esc(n)}</p>" for n in notes)
    body = "".join(f"<section id='{a}'><h2>{_esc(t)}</h2>{h}</section>" for a, t, h in b.sections)
    doc = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="sigmafit {_esc(__version__)}"><title>{_esc(title)}</title><style>{CSS}</style></head>
<body><h1>{_esc(title)}</h1>
<p class="small">Conventions: Δσ(B) = σ(B) − σ(0) = α·G_Q·Y(B_φ/B), G_Q = e²/(πh); lengths in nm, fields in T, optical frequencies in cm⁻¹,
σ in S/cm. Uncertainties are 1σ, rounded by the PDG rule. Nothing here was refitted except laws fitted to fit results (marked).</p>
{note_html}{warn_line}<nav><ul>{nav}<li><a href="#reproducibility">Reproducibility</a></li></ul></nav>
{body}
<section id="reproducibility"><h2>Reproducibility</h2>{''.join(repro)}</section>
</body></html>
"""
    path = out / REPORT_NAME
    path.write_text(doc, encoding="utf-8")
    return path
