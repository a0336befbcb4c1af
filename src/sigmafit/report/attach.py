"""Which number a warning concerns: a warning goes into the table row of the parameter it names, a global
fit's ``[T = 4 K]``-tagged warning into that curve's row, and the rest into a "whole fit" row."""

from __future__ import annotations

import math
import re
from typing import Any, Iterable, Mapping

from ..models.symbols import symbol

#: Further words that name a parameter in warning sentences (its characteristic field, its symbol …).
ALIASES = {
    "L_phi": ("B_phi", "B_φ", "dephasing length"),
    "L_so": ("B_so", "spin–orbit"),
    "alpha": ("α",),
    "eps_inf": ("ε∞",),
    "sigma0": ("σ0",),
}
_CURVE_TAG = re.compile(r"^\[(?P<key>[^\]=]+?)\s*=\s*(?P<val>[^\]]+)\]\s*")


def _tokens(name: str) -> tuple[str, ...]:
    sym = symbol(name).split(" (", 1)[0]
    return tuple(dict.fromkeys((name, sym, *ALIASES.get(name, ()))))


def mentions(warning: str, name: str) -> bool:
    """True when ``warning`` names the parameter ``name`` (by name, symbol or alias) as a whole word."""
    return any(re.search(rf"(?<![\w]){re.escape(t)}(?![\w])", warning) for t in _tokens(name))


def split_warnings(warnings: Iterable[str], names: Iterable[str]) -> tuple[dict[str, list[str]], list[str]]:
    """({parameter: warnings naming it}, warnings naming none) — a warning may concern several numbers."""
    names = list(names)
    per: dict[str, list[str]] = {n: [] for n in names}
    rest = []
    for w in warnings:
        hit = [n for n in names if mentions(w, n)]
        for n in hit:
            per[n].append(w)
        if not hit:
            rest.append(w)
    return per, rest


def same_label(a: Any, b: Any) -> bool:
    """Curve labels compare as numbers when both are numbers (2 == 2.0), else as text."""
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    except (TypeError, ValueError):
        return str(a).strip() == str(b).strip()


def curve_warnings(warnings: Iterable[str], label: Any) -> list[str]:
    """Warnings of a global fit tagged ``[by = label] …`` for this curve (tag removed)."""
    out = []
    for w in warnings:
        m = _CURVE_TAG.match(w)
        if m and same_label(m.group("val"), label):
            out.append(w[m.end():])
    return out


def warnings_of_curve(summary: Mapping[str, Any], i: int) -> list[str]:
    """Warnings of curve ``i`` of a multi or global summary: its own, and for a global fit the fit's warnings
    tagged ``[by = its label]`` (tag removed)."""
    from .labels import entry_label

    c = (summary.get("curves") or [])[i]
    own = list(c.get("warnings") or [])
    if summary.get("global"):
        own += curve_warnings(summary.get("warnings") or [], entry_label(c, summary.get("by"), i)[1])
    return own


def untagged_warnings(warnings: Iterable[str]) -> list[str]:
    """Warnings of a global fit that carry no ``[by = label]`` curve tag."""
    return [w for w in warnings if not _CURVE_TAG.match(w)]
