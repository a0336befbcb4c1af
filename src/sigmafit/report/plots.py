"""Figures of fits.  Every function takes ``ax=None``, returns the Axes and never calls ``show()``."""

from __future__ import annotations

import numpy as np

from ..io.columns import label


def _axes(ax, residuals: bool):
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax, None
    if residuals:
        fig, (ax, rax) = plt.subplots(2, 1, sharex=True, figsize=(5.0, 4.6), gridspec_kw={"height_ratios": [3, 1], "hspace": 0.06}, layout="constrained")
        return ax, rax
    fig, ax = plt.subplots(figsize=(5.0, 3.6), layout="constrained")
    return ax, None


def plot_fit(result, ax=None, *, residuals: bool = True, components: bool = True, scale: float = 1.0, ylabel: str | None = None):
    """Data (points), model (line), components (dashed) and, on a new figure, residuals below.

    ``scale`` multiplies y for display (e.g. ``1/G_Q`` to show Δσ in units of e²/πh).
    Returns the main Axes; the residual Axes, when drawn, is ``ax.residual_axes``.
    """
    ax, rax = _axes(ax, residuals)
    x, y = result.x, result.y
    parts = y.size // x.size
    order = np.argsort(x)
    fine = np.linspace(x.min(), x.max(), 600) if x.size > 1 else x
    if x.size > 1 and np.all(x > 0) and x.max() / x.min() > 20:
        fine = np.geomspace(x.min(), x.max(), 600)
    model_fine = result.eval(fine)
    names = ["", " (imag.)", " (3)", " (4)"]
    for k in range(parts):
        yk = y[k * x.size:(k + 1) * x.size]
        mk = model_fine[k * fine.size:(k + 1) * fine.size]
        ax.plot(x[order], yk[order] * scale, "o", ms=3, alpha=0.6, label=f"data{names[k]}", color=f"C{2 * k}")
        ax.plot(fine, mk * scale, "-", lw=1.6, label=f"{result.model_name} fit{names[k]}", color=f"C{2 * k + 1}")
    if components and hasattr(result.model, "components") and len(result.model.components) > 1 and parts == 1:
        for cname, cval in result.eval_components(fine).items():
            ax.plot(fine, cval * scale, "--", lw=1, label=cname.rstrip("_"))
    ax.set_ylabel(ylabel or label(result.y_name))
    ax.legend(frameon=False, fontsize="small")
    xscale = next((getattr(c, "plot_xscale", "linear") for c in getattr(result.model, "components", [result.model])), "linear")
    if xscale == "log" and np.all(x > 0):
        ax.set_xscale("log")
    if rax is not None:
        res = result.residual
        for k in range(parts):
            rk = res[k * x.size:(k + 1) * x.size]
            rax.plot(x[order], rk[order] * scale, ".", ms=3, color=f"C{2 * k}")
        rax.axhline(0, color="k", lw=0.8)
        rax.set_ylabel("residual")
        rax.set_xlabel(label(result.x_name))
        ax.residual_axes = rax
    else:
        ax.set_xlabel(label(result.x_name))
    if result.warnings:
        ax.set_title(f"{len(result.warnings)} warning(s): see report", fontsize="small", color="darkred")
    return ax


def plot_global(result, ax=None, *, scale: float = 1.0, offset: float = 0.0):
    """All curves of a global fit with their model lines, optionally offset for clarity."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5.0, 3.8), layout="constrained")
    for i, lab in enumerate(result.labels):
        x, y = result.xs[i], result.ys[i]
        order = np.argsort(x)
        fine = np.linspace(x.min(), x.max(), 400)
        c = f"C{i % 10}"
        ax.plot(x[order], y[order] * scale + i * offset, "o", ms=2.5, alpha=0.5, color=c)
        ax.plot(fine, result.eval(i, fine) * scale + i * offset, "-", color=c, label=f"{result.by or 'curve'} = {lab}")
    ax.set_xlabel(label(result.x_name))
    ax.set_ylabel(label(result.y_name))
    ax.legend(frameon=False, fontsize="small")
    return ax


def plot_many(results, ax=None, *, offset: float = 0.0):
    """Several single-curve FitResults on one Axes (data points and fit lines), labelled by curve."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5.0, 3.8), layout="constrained")
    for i, r in enumerate(results):
        order = np.argsort(r.x)
        fine = np.linspace(r.x.min(), r.x.max(), 400)
        c = f"C{i % 10}"
        curve = r.source.get("curve")
        lab = ", ".join(f"{k} = {v:g}" for k, v in curve.items()) if isinstance(curve, dict) else str(curve if curve is not None else i)
        ax.plot(r.x[order], r.y[order] + i * offset, "o", ms=2.5, alpha=0.5, color=c)
        ax.plot(fine, r.eval(fine) + i * offset, "-", color=c, label=lab)
    ax.set_xlabel(label(results[0].x_name))
    ax.set_ylabel(label(results[0].y_name))
    ax.legend(frameon=False, fontsize="small")
    return ax
