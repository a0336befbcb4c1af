"""Plain-text reports built from result summaries (never from refitting).

Each line gives the parameter's name (what ``--fix``/``--init`` and ``res.params`` take), its value
``1.31434 ± 0.00017 mT`` in a natural unit under the PDG rule, and its symbol (``B_φ``); per-curve lines and
warnings read as the tables do (``T = 2 K``, ``c₂ (T = 2 K)``, never ``c0_bg_c2``).
"""

from __future__ import annotations

from typing import Any, Mapping

from .attach import untagged_warnings, warnings_of_curve
from .labels import curve_label, name_of, readable_warnings, short, symbols
from .format import format_value, natural_unit
from .tables import curve_labels, stats_pieces, value_text

_W = 16  # width of the name column


def _source_line(summary: Mapping[str, Any]) -> str | None:
    src = summary.get("source") or {}
    if not (src.get("path") or src.get("curve") is not None):
        return None
    where = str(src.get("path", ""))
    curve = src.get("curve")
    if isinstance(curve, Mapping):
        where += " [" + ", ".join(curve_label(k, v) for k, v in curve.items()) + "]"
    elif curve is not None:
        where += f" [{curve}]"
    return f"data   {where.strip()}  ({src.get('y')} against {src.get('x')})"


def _line(name: str, model: str, entry: Mapping[str, Any], tag: str = "") -> str:
    """``  T0     40.29 ± 0.21 K   T₀``: the name to type (``--fix T0=…``, ``res.params["T0"]``), the value in a
    natural unit under the PDG rule, and the symbol the tables and figures use."""
    sym = short(name_of(name, model))
    if entry.get("value") is None or (entry.get("vary") is False and not entry.get("shared")):
        text = value_text(entry)
    else:
        scale, unit = natural_unit(float(entry["value"]), entry.get("stderr"), entry.get("unit", ""))
        err = entry.get("stderr")
        text = format_value(float(entry["value"]) * scale, None if err is None else float(err) * scale, unit)
    return f"  {name:<{_W}} {text}{tag}" + (f"   {sym}" if sym != name else "")


def _stats(summary: Mapping[str, Any]) -> str:
    return "statistics: " + ", ".join(stats_pieces(summary, window=False))  # the window has a line of its own


def _warnings(lines: list[str], warnings: list[str]) -> None:
    if warnings:
        lines.append("warnings:")
        lines.extend(f"  ! {w}" for w in warnings)
    else:
        lines.append("warnings: none")


def fit_report(summary: Mapping[str, Any]) -> str:
    """Text for one fit summary (DESIGN.md §4 schema): parameters, derived values, statistics, warnings."""
    model = str(summary.get("model", ""))
    lines = [f"model {model}: {'converged' if summary.get('success', True) else 'DID NOT CONVERGE'}"]
    src = _source_line(summary)
    if src:
        lines.append(src)
    win = summary.get("window") or {}
    if win.get("how"):
        lines.append(f"window {win['how']}, {win.get('n_points', '?')} points")
    lines.append("parameters:")
    for name, p in (summary.get("params") or {}).items():
        fixed = p.get("vary", True) is False
        lines.append(_line(name, model, p, "  (fixed)" if fixed else ""))
    if summary.get("derived"):
        lines.append("derived:")
        lines.extend(_line(name, model, p) for name, p in summary["derived"].items())
    if summary.get("intervals"):
        lines.append("profile-likelihood 1σ intervals:")
        for name, iv in summary["intervals"].items():
            lines.append(f"  {name:<{_W}} [{iv['-1sigma']:.5g}, {iv['+1sigma']:.5g}]")
    lines.append(_stats(summary))
    _warnings(lines, readable_warnings(summary.get("warnings") or [], model))
    return "\n".join(lines)


def global_report(summary: Mapping[str, Any]) -> str:
    """Text for a global fit: shared parameters, then one line per curve with its own warnings."""
    model = str(summary.get("model", ""))
    curves = summary.get("curves") or []
    by = summary.get("by")
    labels = curve_labels(summary)
    head = curve_label(by, "…").split(" =")[0] if by else "curve"
    lines = [f"global {model} fit over {len(curves)} curves (one per {head}): "
             f"{'converged' if summary.get('success', True) else 'DID NOT CONVERGE'}"]
    if summary.get("shared"):
        lines.append("shared:")
        lines.extend(_line(name, model, p) for name, p in summary["shared"].items())
    lines.append("per curve:")
    table = symbols(model)
    glob = summary.get("warnings") or []
    for i, c in enumerate(curves):
        lab = labels[i]
        own = [f"{short(table.get(n) or name_of(n, model))} = {value_text(p)}" for n, p in (c.get("params") or {}).items()
               if not p.get("shared") and p.get("vary", True)]
        lines.append(f"  {lab:<10} " + "; ".join(own))
        for w in readable_warnings(warnings_of_curve(summary, i), model, labels):
            lines.append(f"             ! {w}")
    lines.append(_stats(summary))
    _warnings(lines, readable_warnings(untagged_warnings(glob), model, labels))
    return "\n".join(lines)
