"""Which figures a report shows for each saved result, and where they are written.

Per fit: data, model (with its 1σ band when saved), components and residuals on the law's natural axes;
a Zabrodskii plot for hopping fits.  Per set of curves: an overlay, one figure per curve (at most
:data:`MAX_CURVE_FIGURES`), and every fitted parameter against the curve label — L_φ(T) with its
dephasing law when the caller fitted one to these results (a trend summary whose ``source.from`` names
the set).  :class:`FigureStore` writes each figure as PNG (200 dpi) and PDF into ``figures/``.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import numpy as np

from .format import format_compact, natural_unit
from .labels import LABEL_COLUMNS, curve_label, entry_label, name_of, number, param_unit, short
from .plots import paper_style, plot_saved_curves, plot_saved_fit, plot_trend, plot_zabrodskii

#: At most this many per-curve figures per result set (the overlay shows them all).
MAX_CURVE_FIGURES = 12
#: Resolution of the PNG copies (the PDF copies are vector graphics): 680 px across one column.
PNG_DPI = 200
#: Parameters not drawn as trends (derived fields and times repeat the lengths they come from).
_NO_TREND = ("tau", "rho_dc", "hbar_wp", "n_over_m", "L_s", "L_e")


@dataclass
class Figure:
    """A figure written to disk: its file stem, caption and PNG bytes (for embedding)."""

    slug: str
    caption: str
    png: bytes
    size_in: tuple[float, float]


@dataclass
class FigureStore:
    """Saves figures as PNG (PNG_DPI) + PDF in ``folder``; keeps what it wrote (:attr:`figures`)."""

    folder: Path
    figures: list[Figure] = field(default_factory=list)
    names: set[str] = field(default_factory=set)

    def __post_init__(self):
        self.folder = Path(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def slug(self, text: str) -> str:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:60] or "figure"
        name, k = base, 2
        while name in self.names:
            name, k = f"{base}_{k}", k + 1
        self.names.add(name)
        return name

    def add(self, fig, name: str, caption: str) -> Figure:
        """Write ``fig`` as ``<slug>.png`` and ``<slug>.pdf``, close it, and return its record."""
        import matplotlib.pyplot as plt

        slug = self.slug(name)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=PNG_DPI)
        (self.folder / f"{slug}.png").write_bytes(buf.getvalue())
        fig.savefig(self.folder / f"{slug}.pdf", format="pdf")
        rec = Figure(slug, caption, buf.getvalue(), tuple(float(v) for v in fig.get_size_inches()))
        plt.close(fig)
        self.figures.append(rec)
        return rec


def mathtext(sym: str) -> str:
    """An axis-ready symbol: ``L_φ`` → ``$L_\\mathrm{φ}$``; symbols without a subscript stay as they are."""
    if "_" not in sym or sym.startswith("$"):
        return sym
    base, sub = sym.split("_", 1)
    return f"${base}_\\mathrm{{{sub}}}$"


def x_y_names(summary: Mapping[str, Any], data: Mapping[str, Any] | None = None) -> tuple[str, str]:
    """(x column, y column) of the summary's picture: the data block's own names when it gives them (a model of raw
    readings shows Δσ(B) though it fitted R_xx, R_xy), else the columns the summary was fitted on (for curves
    fitted one by one, which carry no source of their own: the first curve's)."""
    src = summary.get("source") or ((summary.get("curves") or [{}])[0].get("source")) or {}
    data = data if data is not None else (summary.get("data") or {})
    return str(data.get("x_name") or src.get("x", "x")), str(data.get("y_name") or src.get("y", "y"))


def single_figures(set_, model_label: str | None = None) -> Iterator[tuple[Any, str, str]]:
    """(figure, name, caption) of one saved fit: the fit on its natural axes, and a Zabrodskii plot for hopping."""
    s = set_.summary
    data = s.get("data")
    if not data:
        return
    xn, yn = x_y_names(s)
    model = str(s.get("model"))
    params = s.get("params") or {}
    ax = plot_saved_fit(data, x_name=xn, y_name=yn, model_name=model, params=params, label=model_label or f"{model} fit")
    what = _law_axes(ax, model)
    tag = "dephasing" if model.startswith("dephasing") else "fit"
    yield ax.figure, f"{set_.name}_{tag}", f"{set_.name}: data, {model} fit{what} and residuals."
    if "s" in params and "R0" in params and xn == "temperature_K":
        try:
            ax = plot_zabrodskii(data["x"], np.asarray(data["y"])[: len(data["x"])], s_model=params["s"].get("value"))
        except ValueError:
            return
        yield ax.figure, f"{set_.name}_zabrodskii", (f"{set_.name}: Zabrodskii plot w = −d ln R/d ln T; a straight line of "
                                                     "slope −s identifies the hopping law.")


def _law_axes(ax, model: str) -> str:
    """Words for the caption saying on which axes the law is straight."""
    xs, ys = ax.get_xscale(), ax.get_yscale()
    xl = ax.residual_axes.get_xlabel() if hasattr(ax, "residual_axes") else ax.get_xlabel()
    if ys == "log" and "T^" in xl or "1/T" in xl:
        return " (log R against T^(−s): the hopping law is a straight line)"
    if xs == "log" and ys == "log":
        return " (log–log axes)"
    if xs == "log" and model == "lnT":
        return " on a log T axis (the ln T law is a straight line)"
    if xl.startswith("$T^2$"):
        return " (C/T against T²: γ + βT² is a straight line)"
    return ""


def curve_figures(set_) -> Iterator[tuple[Any, str, str]]:
    """Overlay of all curves of a multi/global set, then one figure per curve (at most :data:`MAX_CURVE_FIGURES`)."""
    s = set_.summary
    curves = [c for c in s.get("curves") or [] if c.get("data")]
    if not curves:
        return
    xn, yn = x_y_names(s, curves[0]["data"])
    model = str(s.get("model"))
    labelled = [(entry_label(c, s.get("by"), i)[0], c) for i, c in enumerate(curves)]
    ax = plot_saved_curves([(lab, c["data"]) for lab, c in labelled], x_name=xn, y_name=yn, model_name=model)
    yield ax.figure, f"{set_.name}_all", f"{set_.name}: all curves with their {model} fits (lines) and residuals."
    for lab, c in labelled[:MAX_CURVE_FIGURES]:
        params = {**(s.get("shared") or {}), **(c.get("params") or {})}
        ax = plot_saved_fit(c["data"], x_name=xn, y_name=yn, model_name=model, params=params, label=f"{model}, {lab}")
        yield ax.figure, f"{set_.name}_{lab}", f"{set_.name}, {lab}: data, fit and residuals."


def trend_rows(set_) -> tuple[str | None, list[dict[str, Any]]]:
    """(label column, rows of {label, name: entry}) of a multi, global or batch set (failed rows left out)."""
    import pandas as pd

    if set_.kind == "batch":
        t = set_.table
        info = set_.run_info or {}
        by = (info.get("options") or {}).get("by") or info.get("by")
        if not by or by not in t.columns:
            by = next((c for c in LABEL_COLUMNS if c in t.columns), None)
        if by is None and "label" in t.columns and pd.to_numeric(t["label"], errors="coerce").notna().all():
            by = "label"
        if by is None:
            return None, []
        params = [c for c in t.columns if f"{c}_stderr" in t.columns]
        rows = []
        for _, r in t.iterrows():
            if "status" in t.columns and r["status"] == "failed":
                continue
            rows.append({"label": r[by], **{p: {"value": r[p], "stderr": None if pd.isna(r[f"{p}_stderr"]) else r[f"{p}_stderr"],
                                                "unit": param_unit(p, set_.model), "vary": True} for p in params}})
        return by, rows
    s = set_.summary or {}
    by = s.get("by")
    rows = []
    for i, c in enumerate(s.get("curves") or []):
        _, raw, col = entry_label(c, by, i)
        by = by or col
        row: dict[str, Any] = {"label": raw}
        for g in ("params", "derived"):
            for n, e in (c.get(g) or {}).items():
                row[n] = {**e, "vary": bool(e.get("vary", True)) and not e.get("shared")}
        rows.append(row)
    return by, rows


def _law_for(name: str, trends: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The trend summary (a law fitted to these results) that describes parameter ``name``, if any."""
    for t in trends:
        src = t.get("source") or {}
        if (src.get("y") == f"{name}_nm" or (name == "L_phi" and str(t.get("model", "")).startswith("dephasing"))) and t.get("data"):
            return t
    return None


def trend_figures(set_, trends: Sequence[Mapping[str, Any]] = ()) -> Iterator[tuple[Any, str, str]]:
    """Each fitted parameter against the curve label (±1σ); L_φ(T) with the dephasing law from ``trends``."""
    by, rows = trend_rows(set_)
    if by is None or len(rows) < 2 or any(number(r["label"]) is None for r in rows):
        return
    x = np.array([float(r["label"]) for r in rows])
    logx = by == "temperature_K" and bool(np.all(x > 0)) and x.max() / x.min() > 3
    xlabel = f"${LABEL_COLUMNS[by][0]}$ ({LABEL_COLUMNS[by][1]})" if by in LABEL_COLUMNS else by
    model = set_.model
    for n in [k for k in rows[0] if k != "label"]:
        entries = [r.get(n) for r in rows]
        if any(e is None for e in entries) or not any(e.get("vary") for e in entries):
            continue
        y = np.array([math.nan if e.get("value") is None else float(e["value"]) for e in entries])
        if not np.isfinite(y).any() or np.nanstd(y) == 0 or n.startswith("B_") or n in _NO_TREND:
            continue
        err = np.array([math.nan if e.get("stderr") is None else float(e["stderr"]) for e in entries])
        scale, unit = natural_unit(float(np.nanmedian(np.abs(y))), None, entries[0].get("unit", ""))
        sym = mathtext(short(name_of(n, model)))
        law = _law_for(n, trends) if by == "temperature_K" else None
        kw: dict[str, Any] = {}
        if law is not None:
            d = law["data"]
            p = (law.get("params") or {}).get("p") or {}
            kw = {"law": {"x": d["fine_x"], "y": np.asarray(d["fine_y"], float) * scale,
                          "band": None if d.get("fine_band") is None else np.asarray(d["fine_band"], float) * scale,
                          "label": f"$L_\\varphi \\propto T^{{-p/2}}$, p = {format_compact(p.get('value'), p.get('stderr'))}"}}
        ax = plot_trend(x, y * scale, err * scale, xlabel=xlabel, ylabel=f"{sym} ({unit})" if unit else sym, logx=logx,
                        logy=law is not None, label=f"{sym} from the fits", **kw)
        cap = f"{set_.name}: {short(name_of(n, model))} against {curve_label(by, '…').split(' =')[0]} (error bars ±1σ)"
        if law is not None:
            cap += f", with the {law.get('model')} law fitted to these values (log–log)"
        yield ax.figure, f"{set_.name}_{n}_vs_{by}", cap + "."


def draw_all(store: FigureStore, items: Iterator[tuple[Any, str, str]]) -> list[Figure]:
    """Draw every (figure, name, caption) of ``items`` in the paper style and save it in ``store``."""
    out = []
    with paper_style():
        for fig, name, caption in items:
            out.append(store.add(fig, name, caption))
    return out
