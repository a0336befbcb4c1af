"""Tables of numbers: one fit's parameters, a global fit's shared and per-curve values, a batch table,
and the overview across every fit of a report.  Rows are built once as plain data (:class:`Row`) and
rendered as HTML here or as PDF pages by :mod:`.pdf`.

Every value reads ``1.31434(17) mT``: PDG rounding (:func:`~.format.round_pdg`) in a natural unit per
quantity (:func:`~.format.natural_unit`); every warning sits in the row of the number it names, in the
words of the table (:func:`~.labels.readable_warning`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from .attach import split_warnings, untagged_warnings, warnings_of_curve
from .format import fmt_redchi, format_compact, natural_unit, round_pdg
from .labels import LABEL_COLUMNS, curve_label, entry_label, name_of, number, param_unit, readable_warnings, short


def esc(v: Any) -> str:
    """HTML-escaped text of ``v`` (``None`` → empty)."""
    return html.escape("" if v is None else str(v))


@dataclass
class Row:
    """One table row: a parameter (or the whole fit) with its value text, unit and warnings."""

    name: str
    symbol: str
    text: str
    entry: Mapping[str, Any] | None = None
    scale: float = 1.0
    unit: str = ""
    derived: bool = False
    fixed: bool = False
    warnings: list[str] = field(default_factory=list)


def stats_pieces(summary: Mapping[str, Any], *, window: bool = True) -> list[str]:
    """The statistics of a fit as text pieces, each format joining them its own way (convergence is said apart):
    ``["174 points", "2 varied", "χ²_ν = 4.854×10⁻¹⁷", "R² = 0.99997", "window: …"]`` (missing ones left out;
    ``window=False`` for a format that states the window on its own line)."""
    st = summary.get("statistics") or {}
    out = []
    if st.get("ndata") is not None:
        out.append(f"{st['ndata']} points")
    if st.get("nvarys") is not None:
        out.append(f"{st['nvarys']} varied")
    if st.get("redchi") is not None:
        out.append(f"χ²_ν = {fmt_redchi(st['redchi'])}")
    if st.get("r_squared") is not None:
        out.append(f"R² = {st['r_squared']:.5f}")
    how = (summary.get("window") or {}).get("how")
    if window and how:
        out.append(f"window: {how}")
    return out


def value_text(entry: Mapping[str, Any] | None, unit: str | None = None, *, scale: float | None = None) -> str:
    """``1.31434(17) mT`` for a summary entry; with ``scale`` (and ``unit`` already prefixed) no unit choice."""
    if entry is None or entry.get("value") is None:
        if entry is not None and entry.get("vary") is False:
            return f"∞ {entry.get('unit', '') if unit is None else unit}".strip()
        return "—"
    val, err = float(entry["value"]), entry.get("stderr")
    u = entry.get("unit", "") if unit is None else unit
    if scale is not None:
        return format_compact(val * scale, None if err is None else float(err) * scale, u, prefix=False)
    if entry.get("vary") is False and not entry.get("shared"):
        sc, uu = natural_unit(val, None, u)
        return f"{round_pdg(val * sc, None)[0]} {uu}".strip().replace("-", "−")
    return format_compact(val, None if err is None else float(err), u)


def param_rows(summary: Mapping[str, Any], *, labels: Sequence[str] | None = None,
               warnings: Iterable[str] | None = None) -> list[Row]:
    """Rows of one fit: a "whole fit" row for warnings naming no parameter, then parameters, then derived."""
    model = str(summary.get("model", ""))
    groups = [("params", summary.get("params") or {}), ("derived", summary.get("derived") or {})]
    names = [n for _, g in groups for n in g]
    raw = list(summary.get("warnings") or []) if warnings is None else list(warnings)
    per, rest = split_warnings(raw, names)
    rows = []
    if rest:
        rows.append(Row("", "whole fit", "", warnings=readable_warnings(rest, model, labels)))
    for group, entries in groups:
        for n, e in entries.items():
            fixed = e.get("vary") is False and not e.get("shared")
            rows.append(Row(n, name_of(n, model), value_text(e), e, unit=e.get("unit", ""), derived=group == "derived",
                            fixed=fixed, warnings=readable_warnings(per[n], model, labels)))
    return rows


def _num_cell(row_text: str, entry: Mapping[str, Any] | None, name: str, *, scale: float | None = None, curve: Any = None,
              fixed: bool = False) -> str:
    """A table cell with the value text and data-* attributes (the rounded value in the shown unit) for tools."""
    v = e = ""
    if entry is not None and entry.get("value") is not None:
        err = entry.get("stderr")
        if scale is None:
            scale, _ = natural_unit(float(entry["value"]), None if err is None else float(err), entry.get("unit", ""))
        v, e = round_pdg(float(entry["value"]) * scale, None if err is None else float(err) * scale)
    attrs = f" data-param='{esc(name)}' data-value='{esc(v)}' data-stderr='{esc(e or '')}'"
    if curve is not None:
        attrs += f" data-curve='{esc(curve)}'"
    cls = "num fixed" if fixed else "num"
    return f"<td class='{cls}'{attrs}>{esc(row_text)}{' (fixed)' if fixed else ''}</td>"


def warn_cell(warnings: Sequence[str]) -> str:
    """The warnings of a row as a list (or a quiet dash)."""
    if not warnings:
        return "<td class='ok'>—</td>"
    items = "".join(f"<li>⚠ {esc(w)}</li>" for w in warnings)
    return f"<td class='warn'><ul>{items}</ul></td>"


def rows_html(rows: Sequence[Row], *, head: str = "quantity", curve: Any = None) -> str:
    """An HTML table of :func:`param_rows`: quantity | value ± 1σ (with unit) | warnings."""
    out = []
    for r in rows:
        cls = " class='has-warning'" if r.warnings else ""
        if not r.name:
            out.append(f"<tr{cls}><td><i>{esc(r.symbol)}</i></td><td class='num'></td>{warn_cell(r.warnings)}</tr>")
            continue
        tag = " <span class='small'>(derived)</span>" if r.derived else ""
        cell = _num_cell(r.text, r.entry, r.name, curve=curve, fixed=r.fixed)
        out.append(f"<tr{cls}><td title='{esc(r.name)}'>{esc(r.symbol)}{tag}</td>{cell}{warn_cell(r.warnings)}</tr>")
    return (f"<table class='params'><thead><tr><th>{esc(head)}</th><th>value (1σ)</th><th>warnings</th></tr></thead>"
            f"<tbody>{''.join(out)}</tbody></table>")


def params_table(summary: Mapping[str, Any]) -> str:
    """One fit as an HTML table (each warning in the row of the number it names)."""
    return rows_html(param_rows(summary))


def curve_labels(summary: Mapping[str, Any]) -> list[str]:
    """Display labels (``T = 2 K``) of the curves of a multi or global summary, in order."""
    by = summary.get("by")
    return [entry_label(c, by, i)[0] for i, c in enumerate(summary.get("curves") or [])]


def shared_table(summary: Mapping[str, Any]) -> str:
    """Shared parameters of a global fit, with the fit's untagged warnings in their rows."""
    shared = summary.get("shared") or {}
    if not shared:
        return ""
    sub = {"model": summary.get("model"), "params": {n: {**e, "shared": True} for n, e in shared.items()}}
    rows = param_rows(sub, labels=curve_labels(summary), warnings=untagged_warnings(summary.get("warnings") or []))
    for r in rows:
        r.symbol += " (shared)" if r.name else ""
    return rows_html(rows, head="shared by all curves", curve="shared").replace("class='params'", "class='params shared'", 1)


def _columns(curves: Sequence[Mapping[str, Any]], shared: set[str]) -> tuple[list[str], dict[str, Any]]:
    """(per-curve varied and derived names, parameters fixed for every curve)."""
    names: list[str] = []
    fixed: dict[str, Any] = {}
    for c in curves:
        for n, e in (c.get("params") or {}).items():
            if n in shared:
                continue
            if e.get("vary") is False:
                fixed[n] = e
            elif n not in names:
                names.append(n)
    for c in curves:
        names += [n for n in (c.get("derived") or {}) if n not in names]
    return names, fixed


def column_unit(entries: Sequence[Mapping[str, Any] | None]) -> tuple[float, str]:
    """One natural unit for a table column: chosen from the median magnitude of its values."""
    vals = sorted(abs(float(e["value"])) for e in entries if e and e.get("value") is not None and float(e["value"]) != 0)
    unit = next((e.get("unit", "") for e in entries if e), "")
    if not vals:
        return 1.0, unit
    return natural_unit(vals[len(vals) // 2], None, unit)


def curves_table(summary: Mapping[str, Any]) -> str:
    """One row per curve of a multi-curve or global result, its own warnings in its row."""
    curves = summary.get("curves") or []
    model = str(summary.get("model", ""))
    by = summary.get("by") or (entry_label(curves[0], None, 0)[2] if curves else None)
    names, fixed = _columns(curves, set((summary.get("shared") or {}).keys()))
    values = [{**(c.get("params") or {}), **(c.get("derived") or {})} for c in curves]
    units = {n: column_unit([v.get(n) for v in values]) for n in names}
    head = "".join(f"<th title='{esc(n)}'>{esc(short(name_of(n, model)))}{' (' + esc(units[n][1]) + ')' if units[n][1] else ''}</th>"
                   for n in names)
    labels = curve_labels(summary)
    rows = []
    for i, (c, vals) in enumerate(zip(curves, values)):
        _, raw, _ = entry_label(c, by, i)
        own = readable_warnings(warnings_of_curve(summary, i), model, labels)
        cells = "".join(_num_cell(value_text(vals.get(n), "", scale=units[n][0]) if vals.get(n) else "—", vals.get(n), n,
                                  scale=units[n][0], curve=raw) for n in names)
        conv = "" if c.get("success", True) else " <b class='warn'>(did not converge)</b>"
        cls = " class='has-warning'" if own else ""
        shown = f"{float(raw):g}" if number(raw) is not None and by in LABEL_COLUMNS else labels[i]
        rows.append(f"<tr{cls}><td data-curve='{esc(raw)}'>{esc(shown)}{conv}</td>{cells}{warn_cell(own)}</tr>")
    note = ""
    if fixed:
        note = "<p class='small fixed'>fixed for every curve: " + ", ".join(
            f"{esc(name_of(n, model))} = {esc(value_text(e))}" for n, e in fixed.items()) + "</p>"
    first = f"{LABEL_COLUMNS[by][0]} ({LABEL_COLUMNS[by][1]})" if by in LABEL_COLUMNS else (by or "curve")
    return (f"<table class='curves'><thead><tr><th>{esc(first)}</th>{head}<th>warnings</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{note}")


_BATCH_SKIP = {"warnings", "curve_id", "fitted_at", "attempt", "run", "engine", "note", "nfev", "aic", "bic", "chisqr", "nvarys",
               "n_warnings", "success", "ndata", "redchi", "r_squared", "status", "error"}


def batch_table(table, max_rows: int = 200, *, model: str | None = None) -> str:
    """A batch results table: label columns, parameters (PDG rounded, one unit per column), status, warnings."""
    import pandas as pd

    cols = list(table.columns)
    params = [c for c in cols if f"{c}_stderr" in cols]
    units = {p: param_unit(p, model) for p in params}
    labels = [c for c in cols if c not in set(params) | {f"{p}_stderr" for p in params} | _BATCH_SKIP]
    show = [c for c in ("status", "redchi") if c in cols]
    head = "".join(f"<th>{esc(c)}</th>" for c in labels)
    head += "".join(f"<th title='{esc(p)}'>{esc(short(name_of(p, model)))}</th>" for p in params)
    head += "".join(f"<th>{'χ²_ν' if c == 'redchi' else esc(c)}</th>" for c in show) + "<th>warnings</th>"
    rows = []
    for _, r in table.head(max_rows).iterrows():
        cells = "".join(f"<td>{esc('' if pd.isna(r[c]) else r[c])}</td>" for c in labels)
        for p in params:
            v, e = r[p], r[f"{p}_stderr"]
            entry = None if pd.isna(v) else {"value": float(v), "stderr": None if pd.isna(e) else float(e),
                                             "unit": units[p]}
            cells += _num_cell(value_text(entry) if entry else "—", entry, p, curve=r.get("label"))
        for c in show:
            v = r[c]
            cells += f"<td>{esc('' if pd.isna(v) else (fmt_redchi(v) if c == 'redchi' else v))}</td>"
        w = [] if "warnings" not in cols or pd.isna(r["warnings"]) or not str(r["warnings"]) else str(r["warnings"]).split("; ")
        if "error" in cols and not pd.isna(r["error"]) and str(r["error"]) and str(r["error"]) not in w:
            w = [f"failed: {r['error']}"] + w
        w = readable_warnings(w, model)
        rows.append(f"<tr{' class=has-warning' if w else ''}>{cells}{warn_cell(w)}</tr>")
    more = f"<p class='small'>first {max_rows} of {len(table)} rows</p>" if len(table) > max_rows else ""
    return f"<table class='batch'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


# ---------------------------------------------------------------------------------------------
# the overview across all fits of a report
# ---------------------------------------------------------------------------------------------
@dataclass
class OverviewRow:
    """One fit (or one curve of a set) in the overview table."""

    fit: str
    anchor: str
    model: str
    curve: str
    numbers: list[tuple[str, str]]
    redchi: str
    n_warnings: int


def _main_numbers(entries: Mapping[str, Any], model: str, skip: Iterable[str] = ()) -> list[tuple[str, str]]:
    return [(short(name_of(n, model)), value_text(e)) for n, e in entries.items()
            if n not in skip and e.get("vary", True) and e.get("value") is not None]


def overview_rows(sets: Sequence[Any], anchors: Mapping[str, str]) -> list[OverviewRow]:
    """Every fit of a report with its varied parameters, χ²_ν as the fit gave it, and its number of warnings."""
    out = []
    for s in sets:
        anchor = anchors.get(s.name, s.name)
        if s.kind == "batch":
            t = s.table
            nw = int(t["n_warnings"].fillna(0).sum()) if "n_warnings" in t.columns else 0
            out.append(OverviewRow(s.name, anchor, s.model, f"{len(t)} curves (batch)", [], "see table", nw))
            continue
        summ = s.summary
        model = str(summ.get("model", ""))
        if s.kind == "single":
            out.append(OverviewRow(s.name, anchor, model, "", _main_numbers(summ.get("params") or {}, model),
                                   fmt_redchi((summ.get("statistics") or {}).get("redchi")), len(summ.get("warnings") or [])))
            continue
        shared = summ.get("shared") or {}
        glob = summ.get("warnings") or []
        labels = curve_labels(summ)
        for i, c in enumerate(summ.get("curves") or []):
            nums = _main_numbers(c.get("params") or {}, model, skip=shared)
            if i == 0 and shared:
                nums = [(f"{sym} (shared)", txt) for sym, txt in _main_numbers(shared, model)] + nums
            nw = len(warnings_of_curve(summ, i)) + (len(untagged_warnings(glob)) if i == 0 and s.kind == "global" else 0)
            stats = summ.get("statistics") if s.kind == "global" else c.get("statistics")
            red = fmt_redchi((stats or {}).get("redchi"))
            out.append(OverviewRow(s.name, anchor, model, labels[i], nums, red + (" (global)" if s.kind == "global" else ""), nw))
    return out


def overview_html(rows: Sequence[OverviewRow]) -> str:
    """The overview as an HTML table; each fit links to its section."""
    body = []
    for r in rows:
        nums = "; ".join(f"{esc(a)} = {esc(b)}" for a, b in r.numbers) or "—"
        warn = f"<td class='warn num'>{r.n_warnings}</td>" if r.n_warnings else "<td class='ok num'>0</td>"
        body.append(f"<tr><td><a href='#{esc(r.anchor)}'>{esc(r.fit)}</a></td><td>{esc(r.model)}</td><td>{esc(r.curve)}</td>"
                    f"<td>{nums}</td><td class='num'>{esc(r.redchi)}</td>{warn}</tr>")
    return ("<table class='overview'><thead><tr><th>fit</th><th>model</th><th>curve</th><th>main numbers (1σ)</th>"
            f"<th>χ²_ν</th><th>warnings</th></tr></thead><tbody>{''.join(body)}</tbody></table>")


__all__ = ["Row", "OverviewRow", "batch_table", "curve_label", "curves_table", "overview_html", "overview_rows", "param_rows",
           "params_table", "rows_html", "shared_table", "value_text", "warn_cell", "fmt_redchi", "column_unit", "stats_pieces"]
