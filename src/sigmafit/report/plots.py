"""Figures of fits, redrawn from saved numbers (the ``"data"`` block of a summary) — never refitted.

Every function takes ``ax=None``, returns the main Axes and never calls ``show()``; the residual panel,
when drawn, is ``ax.residual_axes``.  Each law is drawn on the axes where it is a straight line
(:func:`view_for`): ln T on a log T axis, hopping as log R against T^(−s), heat capacity as C/T against
T², dephasing on log–log axes.  The model carries its 1σ band (``fine_band``) when it was saved, and the
residuals are normalized by the per-point errors (``y_err``) when those were saved, else shown in the
data's unit (log-scale views: relative, in %).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from .labels import column_axis, family, model_class, tidy_curve_label
from .style import (  # noqa: F401 - COLUMN_FIGSIZE, PAPER_RC and paper_style are part of this module's API
    COLUMN_FIGSIZE,
    COLUMN_FIGSIZE_RESID,
    PAPER_RC,
    legend_outside,
    new_axes,
    paper_style,
    tidy_log_axes,
)

_HOPPING_PARAMS = ("R0",)


@dataclass(frozen=True)
class View:
    """How a law is drawn: x and y transforms (from the saved SI/table units), scales and labels."""

    fx: Callable[[np.ndarray], np.ndarray]
    fy: Callable[[np.ndarray, np.ndarray], np.ndarray]
    xlabel: str
    ylabel: str
    xscale: str = "linear"
    yscale: str = "linear"
    #: residual unit: "unit" (data − model in the y unit), "relative" (%), set to "norm" when y_err is saved
    resid: str = "unit"
    resid_scale: float = 1.0
    resid_label: str = ""


def _param(params: Mapping[str, Any] | None, name: str, default: float | None = None) -> float | None:
    e = (params or {}).get(name)
    v = e.get("value") if isinstance(e, Mapping) else e
    return default if v is None else float(v)


def _hopping_exponent(model: str, params: Mapping[str, Any] | None) -> float | None:
    """s of R = R0·exp[(T0/T)^s] for a hopping model (1 for activated), None for other models."""
    cls = model_class(model)
    names = {p.name for p in getattr(cls, "params_table", ())}
    if not cls or not set(_HOPPING_PARAMS) <= names or getattr(cls, "y", "") != "resistance_ohm":
        return None
    if "s" in names:
        default = next(p.default for p in cls.params_table if p.name == "s")
        return _param(params, "s", default)
    if "Ea" in names or "T0" in names:
        return 1.0
    return None


def _ylabel_unit(label: str) -> tuple[str, str]:
    """('σ$_□$', 'mS') from 'σ$_□$ (mS)'."""
    if label.endswith(")") and " (" in label:
        name, unit = label[:-1].rsplit(" (", 1)
        return name, unit
    return label, ""


def view_for(model: str, x_name: str, y_name: str, x, y, params: Mapping[str, Any] | None = None,
             xscale: str | None = None) -> View:
    """The axes on which ``model``'s law is a straight line (see the module docstring)."""
    x = np.asarray(x, float)
    xs, xlab = column_axis(x_name, x)
    ys, ylab = column_axis(y_name.split("+")[0], y)
    s = _hopping_exponent(model, params) if x_name == "temperature_K" else None
    if s is not None and s > 0:
        xl = r"$1/T$ (K$^{-1}$)" if s == 1 else rf"$T^{{-{s:.2f}}}$ (K$^{{-{s:.2f}}}$)"
        return View(lambda t: np.asarray(t, float) ** (-s), lambda t, r: np.asarray(r, float) * ys, xl, ylab,
                    yscale="log", resid="relative")
    if family(model) == "heat" or y_name.startswith("heat_capacity"):
        name, unit = _ylabel_unit(ylab)
        return View(lambda t: np.asarray(t, float) ** 2, lambda t, c: np.asarray(c, float) * ys / np.asarray(t, float),
                    r"$T^2$ (K$^2$)", f"$C/T$ ({unit}/K)" if unit else "$C/T$")
    if model.startswith("dephasing") or y_name == "L_phi_nm":
        return View(lambda t: np.asarray(t, float) * xs, lambda t, v: np.asarray(v, float) * ys, xlab, ylab, "log", "log",
                    resid="relative")
    if xscale is None:
        cls = model_class(model)
        wide = x.size > 1 and np.all(x > 0) and x.max() / x.min() > 20
        xscale = "log" if (getattr(cls, "plot_xscale", "linear") == "log" and np.all(x > 0)) or wide else "linear"
    return View(lambda t: np.asarray(t, float) * xs, lambda t, v: np.asarray(v, float) * ys, xlab, ylab, xscale)


def _residual_view(view: View, data: Mapping[str, Any], x: np.ndarray, y: np.ndarray, res: np.ndarray) -> View:
    """The residual unit: normalized by y_err when saved, else relative (log views) or in the data's unit."""
    from dataclasses import replace

    from .format import scaled_label, split_prefix

    if data.get("y_err") is not None and len(data["y_err"]) == len(y):
        return replace(view, resid="norm", resid_label=r"residual ($\sigma$)")
    if view.resid == "relative":
        return replace(view, resid_label="residual (%)")
    _, unit = _ylabel_unit(view.ylabel)
    shown = view.fy(np.resize(x, res.size), res)  # residuals in the y axis's unit
    factor, base = split_prefix(unit)
    m = re.match(r"^\$10\^\{?(-?\d+)\}?\$ (.+)$", unit)  # "$10^3$ S/cm"
    if m:
        factor, base = 10.0 ** int(m.group(1)), m.group(2)
    # rescaled so that the ticks read 1…1000 and no offset text such as "1e−5" appears
    scale, lab = scaled_label(shown * factor, base, "residual")
    return replace(view, resid_scale=scale * factor, resid_label=lab)


def _residuals(view: View, x, y, res, y_err=None, fit=None) -> np.ndarray:
    if view.resid == "norm":
        return np.asarray(res, float) / np.asarray(y_err, float)
    if view.resid == "relative":
        return 100.0 * np.asarray(res, float) / np.asarray(fit, float)
    return view.fy(x, res) * view.resid_scale


def _parts(arr, n: int, k: int) -> np.ndarray:
    return np.asarray(arr, float)[k * n:(k + 1) * n]


def plot_saved_fit(data: Mapping[str, Any], ax=None, *, x_name: str = "x", y_name: str = "y", model_name: str = "fit",
                   residuals: bool = True, components: bool = True, xscale: str | None = None,
                   params: Mapping[str, Any] | None = None, label: str | None = None):
    """One saved curve: points, the model on its fine grid with its 1σ band, components (dashed), residuals.

    ``data`` is the ``"data"`` block of a summary (``x, y, residual, fine_x, fine_y, parts``, optional
    ``components``, ``excluded_x/_y``, ``y_err``, ``fine_band``); ``params`` (the summary's parameters)
    choose the axes of laws that depend on them (the hopping exponent s).  ``label`` names the curve in
    the legend (``T = 2 K``).  Returns the main Axes (the residual Axes is ``ax.residual_axes``).
    """
    x = np.asarray(data["x"], float)
    y = np.asarray(data["y"], float)
    fx, fy = np.asarray(data["fine_x"], float), np.asarray(data["fine_y"], float)
    res = np.asarray(data.get("residual", []), float)
    parts = int(data.get("parts", 1) or 1)
    view = view_for(model_name, x_name, y_name, x, y, params, xscale)
    draw_res = residuals and res.size == y.size and ax is None
    view = _residual_view(view, data, x, y, res) if draw_res else view
    ax, rax = (ax, None) if ax is not None else new_axes(draw_res)
    names = (r"$\sigma_1$", r"$\sigma_2$") if parts == 2 else tuple(f"part {k + 1}" for k in range(parts))
    order = np.argsort(x)
    band = data.get("fine_band")
    y_err = data.get("y_err")
    for k in range(parts):
        yk, fk = _parts(y, x.size, k), _parts(fy, fx.size, k)
        tag = f" {names[k]}" if parts > 1 else ""
        color_d, color_m = f"C{2 * k}", f"C{2 * k + 1}" if parts > 1 else "C3"
        if band is not None and len(band) == fy.size:
            bk = _parts(band, fx.size, k)
            ax.fill_between(view.fx(fx), view.fy(fx, fk - bk), view.fy(fx, fk + bk), color=color_m, alpha=0.25, lw=0,
                            zorder=1, label=f"model ±1σ{tag}")
        ax.plot(view.fx(fx), view.fy(fx, fk), "-", color=color_m, zorder=2, label=f"{label or model_name}{tag}")
        ek = None if y_err is None or len(y_err) != y.size else view.fy(x, _parts(y_err, x.size, k))
        few = x.size <= 60
        ax.errorbar(view.fx(x[order]), view.fy(x[order], yk[order]), yerr=None if ek is None or not few else np.abs(ek[order]),
                    fmt="o", ms=3.2 if few else 2.2, mfc="white" if few else color_d, mec=color_d, mew=0.8, ecolor=color_d,
                    elinewidth=0.8, capsize=1.5, alpha=1.0 if few else 0.7, zorder=3, label=f"data{tag}")
    if data.get("excluded_x"):
        ex = np.asarray(data["excluded_x"], float)
        ax.plot(view.fx(ex), view.fy(ex, np.asarray(data["excluded_y"], float)), "x", ms=5, color="C3", zorder=4,
                label="outliers (left out)")
    if components and data.get("components") and parts == 1:
        for i, (cname, cval) in enumerate(data["components"].items()):
            ax.plot(view.fx(fx), view.fy(fx, np.asarray(cval, float)), "--", lw=0.9, color=f"C{4 + i}", zorder=2,
                    label=_component_name(cname))
    ax.set_xscale(view.xscale)
    ax.set_yscale(view.yscale)
    ax.set_ylabel(view.ylabel)
    tidy_log_axes(ax)
    legend_outside(ax)
    if rax is not None:
        for k in range(parts):
            fit_at_x = _parts(y, x.size, k) - _parts(res, x.size, k)
            err_k = None if view.resid != "norm" else _parts(y_err, x.size, k)
            r = _residuals(view, x, _parts(y, x.size, k), _parts(res, x.size, k), err_k, fit_at_x)
            rax.plot(view.fx(x[order]), r[order], "o", ms=2.0, color=f"C{2 * k}", mec="none", zorder=3)
        rax.set_xscale(view.xscale)
        tidy_log_axes(rax)
        rax.set_ylabel(view.resid_label)
    return _finish_axes(ax, rax, view.xlabel)


def _component_name(name: str) -> str:
    n = name.rstrip("_")
    if n.endswith("bg") or "background" in n:
        return "background"
    return n


def _finish_axes(ax, rax, xlab: str):
    """x label on the lowest Axes; a zero line on the residual Axes (``ax.residual_axes``)."""
    if rax is not None:
        rax.axhline(0, color="k", lw=0.6, zorder=1)
        rax.set_xlabel(xlab)
        rax.yaxis.get_label().set_fontsize(PAPER_RC["font.size"])
        ax.residual_axes = rax
        ax.tick_params(labelbottom=False)
    else:
        ax.set_xlabel(xlab)
    return ax


def plot_saved_curves(curves: list[tuple[str, Mapping[str, Any]]], ax=None, *, x_name: str = "x", y_name: str = "y",
                      residuals: bool = True, model_name: str = ""):
    """Several saved curves (label, data block) with their model lines on one Axes, residuals below.

    Labels such as ``temperature_K = 2`` read ``T = 2 K``; the legend sits to the right of the data.
    """
    ys = np.concatenate([np.asarray(d["y"], float) for _, d in curves]) if curves else np.zeros(0)
    xs = np.concatenate([np.asarray(d["x"], float) for _, d in curves]) if curves else np.zeros(0)
    view = view_for(model_name, x_name, y_name, xs, ys)
    have_res = residuals and ax is None and all(len(d.get("residual", [])) == len(d["y"]) for _, d in curves)
    if have_res:
        allres = np.concatenate([np.asarray(d["residual"], float) for _, d in curves])
        view = _residual_view(view, {}, xs, ys, allres)
    ax, rax = (ax, None) if ax is not None else new_axes(have_res)
    for i, (lab, d) in enumerate(curves):
        x = np.asarray(d["x"], float)
        o = np.argsort(x)
        c = f"C{i % 10}"
        n = x.size
        y = np.asarray(d["y"], float)[:n]
        fx = np.asarray(d["fine_x"], float)
        fy = np.asarray(d["fine_y"], float)[:fx.size]
        band = d.get("fine_band")
        if band is not None and len(band) >= fx.size:
            b = np.asarray(band, float)[:fx.size]
            ax.fill_between(view.fx(fx), view.fy(fx, fy - b), view.fy(fx, fy + b), color=c, alpha=0.25, lw=0, zorder=1)
        ax.plot(view.fx(x[o]), view.fy(x[o], y[o]), "o", ms=2.2, alpha=0.6, color=c, mec="none", zorder=3)
        ax.plot(view.fx(fx), view.fy(fx, fy), "-", color=c, label=tidy_curve_label(lab), zorder=2)
        if rax is not None:
            r = np.asarray(d["residual"], float)[:n]
            rr = _residuals(view, x, y, r, None, y - r)
            rax.plot(view.fx(x[o]), rr[o], "o", ms=1.8, color=c, mec="none")
    ax.set_xscale(view.xscale)
    ax.set_yscale(view.yscale)
    tidy_log_axes(ax)
    ax.set_ylabel(view.ylabel)
    legend_outside(ax, where="right")
    if rax is not None:
        rax.set_ylabel(view.resid_label)
    return _finish_axes(ax, rax, view.xlabel)


def _trend_axis_label(text: str) -> str:
    """A canonical column name given as an axis label reads as quantity and unit (``temperature_K`` → T (K))."""
    from ..io.columns import CANONICAL
    from .labels import AXIS_SYMBOLS

    if text in AXIS_SYMBOLS or text in CANONICAL:
        return column_axis(text)[1]
    return text


def plot_trend(x, y, yerr=None, ax=None, *, xlabel: str = "", ylabel: str = "", law: dict | None = None,
               logx: bool = False, logy: bool = False, label: str | None = None):
    """A fitted parameter against a label (temperature, gate …) with ±1σ error bars and an optional law.

    ``law``: ``{"x", "y"}`` of the law on a fine grid, optional ``"band"`` (1σ half-width) and ``"label"``.
    When every error bar is smaller than its symbol the legend says so (the bars are drawn all the same).
    """
    law = law or {}
    fit_x, fit_y, fit_band, fit_label = law.get("x"), law.get("y"), law.get("band"), law.get("label")
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=COLUMN_FIGSIZE, layout="constrained")
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    err = None if yerr is None else np.where(np.isfinite(np.asarray(yerr, float)), np.asarray(yerr, float), 0.0)
    if fit_x is not None and fit_y is not None:
        fxa, fya = np.asarray(fit_x, float), np.asarray(fit_y, float)
        if fit_band is not None:
            b = np.asarray(fit_band, float)
            ax.fill_between(fxa, fya - b, fya + b, color="C3", alpha=0.25, lw=0, zorder=1, label="law ±1σ")
        ax.plot(fxa, fya, "-", color="C3", zorder=2, label=fit_label or "law")
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    small = err is not None and _bars_hidden(ax, y, err, logy)
    what = label or "fit results"
    if err is not None:
        what += " (±1σ smaller than the symbols)" if small else " (±1σ)"
    ax.errorbar(x, y, yerr=err, fmt="o", ms=4, mfc="white", mec="C0", mew=1.0, ecolor="C0", elinewidth=1.0, capsize=2.5,
                zorder=3, label=what)
    tidy_log_axes(ax)
    ax.set_xlabel(_trend_axis_label(xlabel))
    ax.set_ylabel(_trend_axis_label(ylabel))
    legend_outside(ax, where="top")
    return ax


def _bars_hidden(ax, y, err, logy: bool) -> bool:
    """True when every error bar is shorter than about one symbol (≈ 2 % of the y range)."""
    ok = np.isfinite(y) & np.isfinite(err) & ((y > 0) if logy else True)
    if not ok.any():
        return False
    yv, ev = y[ok], err[ok]
    if logy:
        span = np.log10(yv.max() / yv.min()) if yv.min() > 0 else 0.0
        size = np.log10((yv + ev) / yv)
    else:
        span = float(np.ptp(yv))
        size = ev
    span = span if span > 0 else (abs(float(yv.mean())) or 1.0) * (0.4 if logy else 1.0)
    return bool(np.all(size < 0.02 * span))


def plot_zabrodskii(T, R, ax=None, *, s_model: float | None = None, window: float | None = None):
    """Zabrodskii plot: w = −d ln R / d ln T against T on log–log axes; the slope is −s.

    A straight line of slope −s identifies the hopping law (¼ Mott 3D, ⅓ Mott 2D, ½ Efros–Shklovskii,
    1 activated).  ``s_model`` draws the slope of a fitted law through the middle of the points.
    """
    import matplotlib.pyplot as plt

    from ..models.formulas.temperature import zabrodskii

    T = np.asarray(T, float)
    R = np.asarray(R, float)
    ok = np.isfinite(T) & np.isfinite(R) & (T > 0) & (R > 0)
    T, R = T[ok], R[ok]
    if window is None:
        window = max(0.15, float(np.ptp(np.log(T))) / 6) if T.size > 1 else 0.3
    Tw, w = zabrodskii(T, R, window=window)
    good = np.isfinite(w) & (w > 0)
    if ax is None:
        _, ax = plt.subplots(figsize=COLUMN_FIGSIZE, layout="constrained")
    if s_model is not None and good.sum() >= 2:
        tm = np.exp(np.mean(np.log(Tw[good])))
        wm = np.exp(np.mean(np.log(w[good])))
        tt = np.geomspace(Tw[good].min(), Tw[good].max(), 50)
        ax.plot(tt, wm * (tt / tm) ** (-s_model), "-", color="C3", zorder=2, label=f"slope $-s$ = {-s_model:.2f} (fit)")
    ax.plot(Tw[good], w[good], "o", ms=3, mfc="white", mec="C0", zorder=3, label=r"$w = -d\ln R/d\ln T$ (data)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    tidy_log_axes(ax)
    ax.set_xlabel(r"$T$ (K)")
    ax.set_ylabel(r"$w = -d\ln R/d\ln T$")
    legend_outside(ax, where="top")
    return ax
