"""Figures of fits.  Every function takes ``ax=None``, returns the Axes and never calls ``show()``."""

from __future__ import annotations

import math

import numpy as np

from ..io.columns import label


# ---------------------------------------------------------------------------------------------
# Figures redrawn from saved results (the "data" block of a summary) — used by the HTML report.
# ---------------------------------------------------------------------------------------------

#: Figure size (inches) for one journal column; fonts of PAPER_RC stay ≥ 8 pt at this size.
COLUMN_FIGSIZE = (3.4, 2.6)
COLUMN_FIGSIZE_RESID = (3.4, 3.2)
PAPER_RC = {
    "font.size": 8.0, "axes.labelsize": 8.0, "axes.titlesize": 8.0, "xtick.labelsize": 8.0, "ytick.labelsize": 8.0,
    "legend.fontsize": 8.0, "lines.linewidth": 1.2, "lines.markersize": 3.0, "axes.linewidth": 0.8,
    "xtick.direction": "in", "ytick.direction": "in", "xtick.top": True, "ytick.right": True,
    "savefig.dpi": 300, "pdf.fonttype": 42, "legend.frameon": False,
}


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
        axis.set_major_formatter(ticker.FuncFormatter(lambda v, _pos: f"{v:g}"))
        axis.set_minor_locator(ticker.LogLocator(base=10.0, subs=np.arange(2, 10) * 1.0))
        axis.set_minor_formatter(ticker.NullFormatter())


def paper_style():
    """Context manager: matplotlib settings for column-width figures with 8 pt text."""
    import matplotlib as mpl

    return mpl.rc_context(PAPER_RC)


def display_axis(name: str, values=None) -> tuple[float, str]:
    """(multiplier, axis label with unit) for showing a canonical column in a paper figure.

    Δσ is shown in units of G_Q = e²/(πh); sheet conductance in mS; resistances in kΩ or MΩ
    when large; optical conductivity in 10³ S/cm.  Unknown names keep their label.
    """
    from ..constants import G_Q

    big = float(np.nanmax(np.abs(values))) if values is not None and np.size(values) else 0.0
    if name == "delta_sigma_S":
        return 1.0 / G_Q, r"$\Delta\sigma$ ($e^2/\pi h$)"
    if name == "sheet_conductance_S":
        return 1e3, "σ$_□$ (mS)"
    if name in ("resistance_ohm", "sheet_resistance_ohm"):
        sym = "R$_□$" if name.startswith("sheet") else r"$R$"
        if big >= 1e6:
            return 1e-6, f"{sym} (MΩ)"
        if big >= 1e4:
            return 1e-3, f"{sym} (kΩ)"
        return 1.0, f"{sym} (Ω)"
    if name.startswith("sigma1_S_per_cm") or name.startswith("sigma2_S_per_cm"):
        if big >= 1e3:
            return 1e-3, r"$\sigma$ ($10^3$ S/cm)"
        return 1.0, r"$\sigma$ (S/cm)"
    simple = {"field_T": r"$B$ (T)", "temperature_K": r"$T$ (K)", "wavenumber_cm-1": r"$\tilde\nu$ (cm$^{-1}$)",
              "L_phi_nm": r"$L_\varphi$ (nm)", "energy_eV": r"$\hbar\omega$ (eV)"}
    return 1.0, simple.get(name, label(name))


_PART_NAMES = {2: (r"$\sigma_1$", r"$\sigma_2$")}


def _new_axes(residuals: bool):
    import matplotlib.pyplot as plt

    if residuals:
        fig, (ax, rax) = plt.subplots(2, 1, sharex=True, figsize=COLUMN_FIGSIZE_RESID, layout="constrained",
                                      gridspec_kw={"height_ratios": [3, 1]})
        return ax, rax
    _, ax = plt.subplots(figsize=COLUMN_FIGSIZE, layout="constrained")
    return ax, None


def _finish_axes(ax, rax, xlab: str):
    """x label on the lowest Axes; a zero line and label on the residual Axes (``ax.residual_axes``)."""
    if rax is not None:
        rax.axhline(0, color="k", lw=0.6)
        rax.set_ylabel("residual")
        rax.set_xlabel(xlab)
        ax.residual_axes = rax
    else:
        ax.set_xlabel(xlab)
    return ax


def plot_saved_fit(data: dict, ax=None, *, x_name: str = "x", y_name: str = "y", model_name: str = "fit",
                   residuals: bool = True, components: bool = True, xscale: str | None = None):
    """One saved curve: points, model line on its fine grid, components (dashed), residuals below.

    ``data`` is the ``"data"`` block of a summary (``x, y, residual, fine_x, fine_y, parts``,
    optional ``components``) — the figure is redrawn from the saved numbers, nothing is refitted.
    Returns the main Axes (the residual Axes is ``ax.residual_axes`` when drawn).
    """
    x = np.asarray(data["x"], float)
    y = np.asarray(data["y"], float)
    fx = np.asarray(data["fine_x"], float)
    fy = np.asarray(data["fine_y"], float)
    res = np.asarray(data.get("residual", []), float)
    parts = int(data.get("parts", 1) or 1)
    ycol = y_name.split("+")[0]
    scale, ylab = display_axis(ycol, y)
    xscale_, xlab = display_axis(x_name, x)
    ax, rax = (ax, None) if ax is not None else _new_axes(residuals and res.size == y.size)
    order = np.argsort(x)
    names = _PART_NAMES.get(parts, tuple(f"part {k + 1}" for k in range(parts)))
    for k in range(parts):
        yk = y[k * x.size:(k + 1) * x.size]
        fk = fy[k * fx.size:(k + 1) * fx.size]
        tag = f" {names[k]}" if parts > 1 else ""
        ax.plot(x[order] * xscale_, yk[order] * scale, "o", ms=2.5, alpha=0.55, color=f"C{2 * k}", mec="none",
                label=f"data{tag}")
        ax.plot(fx * xscale_, fk * scale, "-", color=f"C{2 * k + 1}", label=f"{model_name}{tag}")
    if data.get("excluded_x"):
        ax.plot(np.asarray(data["excluded_x"], float) * xscale_, np.asarray(data["excluded_y"], float) * scale, "x",
                ms=5, color="C3", label="outliers (left out)")
    if components and data.get("components") and parts == 1:
        for i, (cname, cval) in enumerate(data["components"].items()):
            ax.plot(fx * xscale_, np.asarray(cval, float) * scale, "--", lw=0.9, color=f"C{4 + i}", label=cname)
    ax.set_ylabel(ylab)
    ax.legend(loc="best", handlelength=1.5)
    if xscale is None:
        xscale = "log" if x.size > 1 and np.all(x > 0) and x.max() / x.min() > 20 else "linear"
    ax.set_xscale(xscale)
    tidy_log_axes(ax)
    if rax is not None:
        for k in range(parts):
            rk = res[k * x.size:(k + 1) * x.size]
            rax.plot(x[order] * xscale_, rk[order] * scale, ".", ms=2.5, color=f"C{2 * k}")
    return _finish_axes(ax, rax, xlab)


def plot_saved_curves(curves: list[tuple[str, dict]], ax=None, *, x_name: str = "x", y_name: str = "y",
                      residuals: bool = True):
    """Several saved curves (label, data block) with their model lines on one Axes, residuals below."""
    ys = np.concatenate([np.asarray(d["y"], float) for _, d in curves]) if curves else np.zeros(0)
    scale, ylab = display_axis(y_name.split("+")[0], ys)
    xs_, xlab = display_axis(x_name)
    have_res = residuals and all(len(d.get("residual", [])) == len(d["y"]) for _, d in curves)
    ax, rax = (ax, None) if ax is not None else _new_axes(have_res)
    for i, (lab, d) in enumerate(curves):
        x = np.asarray(d["x"], float)
        o = np.argsort(x)
        c = f"C{i % 10}"
        n = x.size
        ax.plot(x[o] * xs_, np.asarray(d["y"], float)[:n][o] * scale, "o", ms=2.2, alpha=0.5, color=c, mec="none")
        fx = np.asarray(d["fine_x"], float)
        ax.plot(fx * xs_, np.asarray(d["fine_y"], float)[:fx.size] * scale, "-", color=c, label=lab)
        if rax is not None:
            rax.plot(x[o] * xs_, np.asarray(d["residual"], float)[:n][o] * scale, ".", ms=2.2, color=c)
    ax.set_ylabel(ylab)
    ax.legend(loc="best", handlelength=1.5)
    return _finish_axes(ax, rax, xlab)


def plot_trend(x, y, yerr=None, ax=None, *, xlabel: str = "", ylabel: str = "", fit_x=None, fit_y=None,
               fit_label: str | None = None, logx: bool = False, logy: bool = False, label: str | None = None):
    """A fitted parameter against a label (temperature, gate …) with error bars and an optional law."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=COLUMN_FIGSIZE, layout="constrained")
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    err = None if yerr is None else np.where(np.isfinite(np.asarray(yerr, float)), np.asarray(yerr, float), 0.0)
    ax.errorbar(x, y, yerr=err, fmt="o", ms=3.5, capsize=2, color="C0", label=label or "fit results")
    if fit_x is not None and fit_y is not None:
        ax.plot(fit_x, fit_y, "-", color="C1", label=fit_label or "law")
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    tidy_log_axes(ax)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if fit_x is not None or label:
        ax.legend(loc="best", handlelength=1.5)
    return ax


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
    ax.plot(Tw[good], w[good], "o", ms=3, color="C0", mec="none", label=r"$w = -d\ln R/d\ln T$")
    if s_model is not None and good.sum() >= 2:
        tm = np.exp(np.mean(np.log(Tw[good])))
        wm = np.exp(np.mean(np.log(w[good])))
        tt = np.geomspace(Tw[good].min(), Tw[good].max(), 50)
        ax.plot(tt, wm * (tt / tm) ** (-s_model), "-", color="C1", label=f"slope $-s$ = {-s_model:.2f}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    tidy_log_axes(ax)
    ax.set_xlabel(r"$T$ (K)")
    ax.set_ylabel(r"$w = -d\ln R/d\ln T$")
    ax.legend(loc="best", handlelength=1.5)
    return ax
