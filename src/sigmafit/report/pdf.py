"""``report.pdf``: the report as A4 pages (matplotlib's PdfPages) — the overview across all fits, each fit's
numbers with its warnings beside them, and its figures at print size (one journal column, two to a row)."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import Any, Mapping, Sequence

from .attach import untagged_warnings, warnings_of_curve
from .labels import CONVENTIONS
from .tables import OverviewRow, curve_labels, param_rows, stats_pieces

A4 = (8.27, 11.69)
MARGIN = 0.7  # inches
_TEXT_WIDTH = A4[0] - 2 * MARGIN


class _Pages:
    """A cursor over A4 pages: text lines and images flow down the page, a new page when one is full."""

    def __init__(self, pdf, title: str):
        self.pdf, self.title = pdf, title
        self.fig = None
        self.y = 0.0  # inches from the top
        self.row_x = None  # x of the next image when placing two side by side
        self.row_h = 0.0
        self.page = 0

    def new_page(self):
        import matplotlib.pyplot as plt

        self.close_page()
        self.fig = plt.figure(figsize=A4)
        self.page += 1
        self.fig.text(1 - MARGIN / A4[0], 0.4 / A4[1], f"{self.title} — page {self.page}", ha="right", va="bottom", fontsize=7,
                      color="#555")
        self.y = MARGIN
        self.row_x = None

    def close_page(self):
        import matplotlib.pyplot as plt

        if self.fig is not None:
            self.pdf.savefig(self.fig)
            plt.close(self.fig)
            self.fig = None

    def _room(self, h: float):
        if self.fig is None or self.y + h > A4[1] - MARGIN:
            self.new_page()

    def end_row(self):
        if self.row_x is not None:
            self.y += self.row_h + 0.15
            self.row_x, self.row_h = None, 0.0

    def text(self, s: str, *, size: float = 9.0, weight: str = "normal", color: str = "#111", indent: float = 0.0,
             width: int | None = None, gap: float = 0.0):
        """Wrapped text; ``width`` in characters (default: what fits the page at ``size``)."""
        self.end_row()
        chars = width or int((_TEXT_WIDTH - indent) * 72 / (size * 0.55))
        for line in textwrap.wrap(s, chars, subsequent_indent="  ") or [""]:
            h = size * 1.35 / 72
            self._room(h)
            self.fig.text((MARGIN + indent) / A4[0], 1 - (self.y + h * 0.8) / A4[1], line, fontsize=size, weight=weight,
                          color=color, va="baseline", ha="left")
            self.y += h
        self.y += gap

    def image(self, png: bytes, size_in: tuple[float, float]):
        """A figure at its print size; two one-column figures share a row."""
        import matplotlib.image as mpimg

        w, h = size_in
        if w > _TEXT_WIDTH:
            w, h = _TEXT_WIDTH, h * _TEXT_WIDTH / w
        if self.row_x is not None and self.row_x + w > A4[0] - MARGIN:
            self.end_row()
        if self.row_x is None:
            self._room(h)
            self.row_x, self.row_h = MARGIN, 0.0
        ax = self.fig.add_axes(((self.row_x) / A4[0], 1 - (self.y + h) / A4[1], w / A4[0], h / A4[1]))
        ax.imshow(mpimg.imread(io.BytesIO(png), format="png"), interpolation="none")
        ax.set_axis_off()
        self.row_x += w + 0.2
        self.row_h = max(self.row_h, h)


def _overview(p: _Pages, overview: Sequence[OverviewRow]):
    p.text("Summary of all fits", size=13, weight="bold", gap=0.05)
    for r in overview:
        head = f"{r.fit} — {r.model}" + (f", {r.curve}" if r.curve else "")
        warn = f"{r.n_warnings} warning(s)" if r.n_warnings else "no warnings"
        p.text(f"{head}:  χ²_ν = {r.redchi};  {warn}", size=9, weight="bold", color="#a00000" if r.n_warnings else "#111")
        if r.numbers:
            p.text("; ".join(f"{a} = {b}" for a, b in r.numbers), size=9, indent=0.25, gap=0.03)


def _rows(p: _Pages, rows, head: str | None = None):
    if head:
        p.text(head, size=9.5, weight="bold")
    for r in rows:
        if r.name:
            tag = " (derived)" if r.derived else " (fixed)" if r.fixed else ""
            p.text(f"{r.symbol}{tag} = {r.text}", size=9, indent=0.2)
        for w in r.warnings:
            p.text(f"⚠ {w}", size=8.5, color="#a00000", indent=0.45)


def _stats(s: Mapping[str, Any]) -> str:
    return ", ".join(["converged" if s.get("success", True) else "DID NOT CONVERGE", *stats_pieces(s)])


def _section(p: _Pages, sec):
    set_ = sec.set_
    p.text(sec.title, size=12, weight="bold", gap=0.04)
    s = set_.summary
    if set_.kind == "single":
        p.text(_stats(s), size=8.5, color="#444")
        _rows(p, param_rows(s))
    elif set_.kind in ("multi", "global"):
        labels = curve_labels(s)
        if set_.kind == "global":
            p.text(_stats(s), size=8.5, color="#444")
            sub = {"model": s.get("model"), "params": {n: {**e, "shared": True} for n, e in (s.get("shared") or {}).items()}}
            _rows(p, param_rows(sub, labels=labels, warnings=untagged_warnings(s.get("warnings") or [])), "shared by all curves")
        for i, c in enumerate(s.get("curves") or []):
            own = warnings_of_curve(s, i)
            entry = {"model": s.get("model"), "params": {n: e for n, e in (c.get("params") or {}).items() if not e.get("shared")},
                     "derived": c.get("derived") or {}}
            _rows(p, param_rows(entry, labels=labels, warnings=own), labels[i])
    else:
        p.text(f"batch table {set_.path}: {len(set_.table)} curves; the per-curve numbers are in the HTML report and the CSV.",
               size=9)
    for f in sec.figures:
        p.image(f.png, f.size_in)
    p.end_row()
    p.y += 0.15


def write_pdf(path: str | Path, *, title: str, overview: Sequence[OverviewRow], sections: Sequence[Any], n_warnings: int,
              notes: Sequence[str] = (), inputs: Sequence[Mapping[str, Any]] = (), command: str | None = None) -> Path:
    """Write the report as an A4 PDF: title, conventions, overview, one part per result set, inputs."""
    import matplotlib as mpl
    from matplotlib.backends.backend_pdf import PdfPages

    from .._version import __version__

    path = Path(path)
    with mpl.rc_context({"pdf.fonttype": 42}), PdfPages(path, metadata={"Title": title, "Creator": f"sigmafit {__version__}"}) as pdf:
        p = _Pages(pdf, title)
        p.new_page()
        p.text(title, size=15, weight="bold", gap=0.08)
        p.text(CONVENTIONS, size=8.5, color="#444", gap=0.05)
        for n in notes:
            p.text(n, size=8.5)
        p.text(f"⚠ {n_warnings} warning(s): each is printed under the number it concerns." if n_warnings else "No warnings.",
               size=9.5, color="#a00000" if n_warnings else "#2a6a2a", gap=0.1)
        _overview(p, overview)
        for sec in sections:
            p.new_page()
            _section(p, sec)
        p.new_page()
        p.text("Reproducibility", size=12, weight="bold", gap=0.04)
        if command:
            p.text(f"command: {command}", size=8.5)
        for i in inputs:
            p.text(f"{i.get('role', '')}: {i.get('path')}  sha256 {i.get('sha256') or 'not available'}", size=7.5)
        p.close_page()
    return path


