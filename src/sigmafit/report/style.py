"""The publication style of every sigmafit figure: journal-column sizes, ≥ 7 pt text at print size, ticks
inside on all four sides, readable log ticks, no offset text, legends outside the data."""

from __future__ import annotations

import math

import numpy as np

#: One journal column and a full page width (inches): PRB/APS 3.4 in and 7.0 in.
COLUMN_WIDTH = 3.4
PAGE_WIDTH = 7.0
#: Figure sizes (inches): one column; one column with a residual panel; full width.
COLUMN_FIGSIZE = (COLUMN_WIDTH, 2.6)
COLUMN_FIGSIZE_RESID = (COLUMN_WIDTH, 3.3)
WIDE_FIGSIZE = (PAGE_WIDTH, 3.0)
#: Smallest font (points) any figure uses at its printed size.
MIN_FONT_PT = 8.0

PAPER_RC = {
    "font.size": MIN_FONT_PT, "axes.labelsize": 9.0, "axes.titlesize": 9.0, "xtick.labelsize": MIN_FONT_PT,
    "ytick.labelsize": MIN_FONT_PT, "legend.fontsize": MIN_FONT_PT, "lines.linewidth": 1.2, "lines.markersize": 3.5,
    "axes.linewidth": 0.8, "xtick.direction": "in", "ytick.direction": "in", "xtick.top": True, "ytick.right": True,
    "xtick.minor.visible": True, "ytick.minor.visible": True, "savefig.dpi": 300, "pdf.fonttype": 42, "ps.fonttype": 42,
    "legend.frameon": False, "legend.handlelength": 1.6, "axes.formatter.useoffset": False,
    "axes.formatter.limits": (-4, 5), "axes.formatter.use_mathtext": True, "mathtext.default": "regular",
    "figure.dpi": 110,
}


def paper_style():
    """Context manager: the matplotlib settings of :data:`PAPER_RC` (column-width figures, 8 pt text)."""
    import matplotlib as mpl

    return mpl.rc_context(PAPER_RC)


def new_axes(residuals: bool, figsize: tuple[float, float] | None = None):
    """(main Axes, residual Axes or None) of a new constrained-layout figure one column wide."""
    import matplotlib.pyplot as plt

    if residuals:
        fig, (ax, rax) = plt.subplots(2, 1, sharex=True, figsize=figsize or COLUMN_FIGSIZE_RESID, layout="constrained",
                                      gridspec_kw={"height_ratios": [2.6, 1]})
        return ax, rax
    _, ax = plt.subplots(figsize=figsize or COLUMN_FIGSIZE, layout="constrained")
    return ax, None


def tidy_log_axes(ax) -> None:
    """Readable tick labels on log axes: plain numbers (2, 5, 10, 20 …), no overlapping minor labels."""
    from matplotlib import ticker

    for axis, get_scale, lim in ((ax.xaxis, ax.get_xscale, ax.get_xlim), (ax.yaxis, ax.get_yscale, ax.get_ylim)):
        if get_scale() != "log":
            continue
        lo, hi = lim()
        decades = math.log10(hi / lo) if lo > 0 and hi > lo else 10.0
        subs = (1.0, 2.0, 5.0) if decades < 1.6 else (1.0, 3.0) if decades < 2.6 else (1.0,)
        axis.set_major_locator(ticker.LogLocator(base=10.0, subs=subs))
        axis.set_major_formatter(ticker.FuncFormatter(_plain_number))
        axis.set_minor_locator(ticker.LogLocator(base=10.0, subs=np.arange(2, 10) * 1.0))
        axis.set_minor_formatter(ticker.NullFormatter())


def _plain_number(v: float, _pos=None) -> str:
    """Tick text of a log axis: ``2``, ``0.5``, ``1000``; a power of ten outside 10⁻³…10⁴."""
    if v <= 0:
        return ""
    exp = math.floor(math.log10(v) + 1e-12)
    if -3 <= exp <= 4:
        return f"{v:g}"
    mant = v / 10.0**exp
    return f"$10^{{{exp}}}$" if abs(mant - 1) < 1e-9 else f"${mant:g}\\times10^{{{exp}}}$"


def legend_outside(ax, *, where: str | None = None, handles=None, labels=None):
    """A legend outside the data: above the Axes in rows (≤ 4 entries) or to its right (more), never on points.

    ``where`` forces ``"top"`` or ``"right"``.  Returns the Legend (None when nothing is labelled).
    """
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    where = where or ("top" if len(handles) <= 4 else "right")
    if where == "top":
        total = sum(len(lb) for lb in labels)
        ncols = 1 if total > 44 else min(len(handles), 2 if total > 26 else 3)
        return ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.0, 1.02), ncols=ncols, borderaxespad=0.0,
                         columnspacing=1.0, handletextpad=0.5)
    return ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, handletextpad=0.5)
