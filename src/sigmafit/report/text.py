"""Plain-text reports built from result summaries (never from refitting)."""

from __future__ import annotations

from typing import Any

from .format import format_value


def fit_report(summary: dict[str, Any]) -> str:
    """Text for one fit summary (DESIGN.md §4 schema): parameters, derived values, statistics, warnings."""
    lines = [f"model {summary['model']}: {'converged' if summary['success'] else 'DID NOT CONVERGE'}"]
    src = summary.get("source", {})
    if src.get("path") or src.get("curve") is not None:
        where = src.get("path", "")
        curve = src.get("curve")
        if isinstance(curve, dict):
            where += " [" + ", ".join(f"{k} = {v:g}" if isinstance(v, (int, float)) else f"{k} = {v}" for k, v in curve.items()) + "]"
        elif curve is not None:
            where += f" [{curve}]"
        lines.append(f"data   {where.strip()}  ({src.get('y')} vs {src.get('x')})")
    win = summary.get("window") or {}
    if win.get("how"):
        lines.append(f"window {win['how']}, {win.get('n_points', '?')} points")
    lines.append("parameters:")
    for name, p in summary["params"].items():
        if p.get("vary", True):
            lines.append(f"  {name:<12} {format_value(p['value'], p['stderr'], p.get('unit', ''))}")
        else:
            shown = "∞" if p["value"] is None else f"{p['value']:.6g}"
            lines.append(f"  {name:<12} {shown} {p.get('unit', '')}  (fixed)")
    if summary.get("derived"):
        lines.append("derived:")
        for name, p in summary["derived"].items():
            lines.append(f"  {name:<12} {format_value(p['value'], p['stderr'], p.get('unit', ''))}")
    if summary.get("intervals"):
        lines.append("profile-likelihood 1σ intervals:")
        for name, iv in summary["intervals"].items():
            lines.append(f"  {name:<12} [{iv['-1sigma']:.5g}, {iv['+1sigma']:.5g}]")
    st = summary["statistics"]
    r2 = st.get("r_squared")
    lines.append(
        f"statistics: {st['ndata']} points, {st['nvarys']} varied, reduced χ² {st['redchi']:.4g}"
        + (f", R² {r2:.5f}" if r2 is not None else "")
    )
    if summary["warnings"]:
        lines.append("warnings:")
        lines.extend(f"  ! {w}" for w in summary["warnings"])
    else:
        lines.append("warnings: none")
    return "\n".join(lines)


def global_report(summary: dict[str, Any]) -> str:
    """Text for a global fit: shared parameters, then one line per curve."""
    lines = [f"global {summary['model']} fit over {len(summary['curves'])} curves ({summary.get('by') or 'curve'}): "
             f"{'converged' if summary['success'] else 'DID NOT CONVERGE'}"]
    if summary["shared"]:
        lines.append("shared:")
        for name, p in summary["shared"].items():
            lines.append(f"  {name:<12} {format_value(p['value'], p['stderr'], p.get('unit', ''))}")
    lines.append("per curve:")
    for c in summary["curves"]:
        own = [f"{n} = {format_value(p['value'], p['stderr'], p.get('unit', ''))}" for n, p in c["params"].items()
               if not p.get("shared") and p.get("vary", True)]
        lines.append(f"  {c['label']!s:<10} " + "; ".join(own))
    st = summary["statistics"]
    lines.append(f"statistics: {st['ndata']} points, {st['nvarys']} varied, reduced χ² {st['redchi']:.4g}")
    lines.extend(["warnings:"] + [f"  ! {w}" for w in summary["warnings"]] if summary["warnings"] else ["warnings: none"])
    return "\n".join(lines)
