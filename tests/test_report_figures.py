"""Structural tests of the publication figures, drawn from FIXED saved summaries (tests/data/report/*.json):
units on every axis (residuals included), the law's natural axes (where the law is a straight line),
legends outside the data, column width and ≥ 7 pt text, the model's 1σ band and residuals normalized by
the per-point errors when those are saved, readable labels (``T = 2 K``, ``L_φ``, ``c₂``)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from sigmafit.report import backend  # noqa: E402
from sigmafit.report.style import COLUMN_WIDTH, paper_style  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "report"


def saved(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _data_points_px(ax) -> np.ndarray:
    """Display coordinates of every drawn data point and model vertex of ``ax``."""
    pts = [ln.get_xydata() for ln in ax.get_lines() if len(ln.get_xydata())]
    pts += [c.get_offsets() for c in ax.collections if len(getattr(c, "get_offsets", lambda: [])())]
    xy = np.concatenate([np.asarray(p, float) for p in pts])
    xy = xy[np.all(np.isfinite(xy), axis=1)]
    if ax.get_xscale() == "log" or ax.get_yscale() == "log":
        xy = xy[(xy[:, 0] > 0) | (ax.get_xscale() != "log")]
        xy = xy[(xy[:, 1] > 0) | (ax.get_yscale() != "log")]
    return ax.transData.transform(xy)


def check_publication_rules(ax) -> None:
    """Width of one column, text ≥ 7 pt, a unit on every axis label, no offset text, legend off the data."""
    fig = ax.figure
    fig.canvas.draw()
    assert fig.get_size_inches()[0] == pytest.approx(COLUMN_WIDTH)
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()]
    assert min(t.get_fontsize() for t in texts) >= 7
    for a in fig.axes:
        if a.get_ylabel():
            assert a.get_ylabel().rstrip().endswith(")"), f"no unit on the y axis: {a.get_ylabel()!r}"
        for axis in (a.xaxis, a.yaxis):
            assert axis.get_offset_text().get_text() == "", "a bare offset/exponent text on an axis"
    xlabels = [a.get_xlabel() for a in fig.axes if a.get_xlabel()]
    assert xlabels and all(x.rstrip().endswith(")") for x in xlabels)
    leg = ax.get_legend()
    assert leg is not None
    box = leg.get_window_extent(fig.canvas.get_renderer())
    pts = _data_points_px(ax)
    inside = (pts[:, 0] >= box.x0) & (pts[:, 0] <= box.x1) & (pts[:, 1] >= box.y0) & (pts[:, 1] <= box.y1)
    assert not inside.any(), f"the legend covers {int(inside.sum())} data points"
    for a in fig.axes:
        boxes = [lb.get_window_extent() for lb in a.xaxis.get_ticklabels() + a.yaxis.get_ticklabels()
                 if lb.get_visible() and lb.get_text() and a.bbox.expanded(1.3, 1.3).contains(*np.mean(lb.get_window_extent().get_points(), axis=0))]
        for i, b1 in enumerate(boxes):
            assert not any(b1.overlaps(b2) for b2 in boxes[i + 1:]), "tick labels overlap"


def _line(ax, label_part: str):
    return next(ln for ln in ax.get_lines() if label_part in str(ln.get_label()))


def test_lnT_law_is_a_straight_line_on_a_log_T_axis():
    s = saved("lnT")
    ax = backend.plot_fit(s)
    check_publication_rules(ax)
    assert ax.get_xscale() == "log" and ax.get_ylabel() == "σ$_□$ (mS)"
    x, y = _line(ax, "lnT").get_data()
    # σ = σ0 + A·G_Q·ln T is linear in ln T: a straight line on this axis
    coef = np.polyfit(np.log(x), y, 1)
    assert np.max(np.abs(np.polyval(coef, np.log(x)) - y)) < 1e-5 * np.ptp(y)  # a ln law on a linear T axis misses a line by ~10 % of the range
    assert ax.residual_axes.get_ylabel() == "residual (nS)"  # residuals of ~30 nS in nS, not with a 1e−5 offset


def test_hopping_is_log_R_against_T_to_the_minus_s():
    s = saved("hopping")
    ax = backend.plot_fit(s)
    check_publication_rules(ax)
    assert ax.get_yscale() == "log"
    assert ax.residual_axes.get_xlabel() == r"$T^{-0.50}$ (K$^{-0.50}$)"
    x, y = _line(ax, "vrh").get_data()
    svalue = s["params"]["s"]["value"]
    T = np.asarray(s["data"]["fine_x"])
    np.testing.assert_allclose(x, T ** -svalue)
    # ln R = ln R0 + T0^s · T^(−s): straight in (T^(−s), ln R)
    coef = np.polyfit(x, np.log(y), 1)
    assert np.max(np.abs(np.polyval(coef, x) - np.log(y))) < 1e-6
    assert coef[0] == pytest.approx(s["params"]["T0"]["value"] ** svalue, rel=1e-6)
    assert ax.residual_axes.get_ylabel() == "residual (%)"


def test_heat_capacity_is_C_over_T_against_T_squared():
    """C = γT + βT³ (PHYSICS.md §6) for a family that lands later: recognized by the y column, drawn as C/T vs T²."""
    gamma, beta = 0.695e-3, 0.05e-3  # J mol⁻¹ K⁻² and J mol⁻¹ K⁻⁴ (hand-chosen)
    T = np.linspace(2.0, 10.0, 30)
    fine = np.linspace(2.0, 10.0, 200)
    C = gamma * T + beta * T**3
    s = {"model": "debye-heat", "success": True, "params": {"gamma": {"value": gamma, "stderr": 1e-6, "unit": "J/(mol·K²)"}},
         "statistics": {"ndata": 30, "nvarys": 2, "redchi": 1.0}, "warnings": [],
         "source": {"x": "temperature_K", "y": "heat_capacity_J_per_mol_K"},
         "data": {"x": T.tolist(), "y": C.tolist(), "residual": [0.0] * 30, "fine_x": fine.tolist(),
                  "fine_y": (gamma * fine + beta * fine**3).tolist(), "parts": 1}}
    ax = backend.plot_fit(s, residuals=False)
    x, y = _line(ax, "debye-heat").get_data()
    np.testing.assert_allclose(x, fine**2)
    np.testing.assert_allclose(np.polyfit(x, y, 1), [beta, gamma], rtol=1e-9)
    assert ax.get_xlabel() == r"$T^2$ (K$^2$)" and ax.get_ylabel().startswith("$C/T$")


def test_dephasing_is_log_log():
    ax = backend.plot_fit(saved("dephasing"))
    check_publication_rules(ax)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_ylabel() == r"$L_\varphi$ (nm)"


def test_optics_both_parts_with_units():
    ax = backend.plot_fit(saved("optics"))
    check_publication_rules(ax)
    labels = [str(ln.get_label()) for ln in ax.get_lines()]
    assert any("σ_1" in lb or r"\sigma_1" in lb for lb in labels) and any(r"\sigma_2" in lb for lb in labels)
    assert ax.residual_axes.get_ylabel() == "residual (S/cm)"


def test_band_and_normalized_residuals_when_errors_are_saved():
    s = saved("lnT_errors")
    ax = backend.plot_fit(s)
    check_publication_rules(ax)
    bands = [c for c in ax.collections if "±1σ" in str(c.get_label())]
    assert len(bands) == 1
    # the band spans fine_y ± fine_band (in mS on this axis)
    verts = bands[0].get_paths()[0].vertices
    d = s["data"]
    top = (np.asarray(d["fine_y"]) + np.asarray(d["fine_band"])) * 1e3
    assert verts[:, 1].max() == pytest.approx(top.max(), rel=1e-12)
    rax = ax.residual_axes
    assert rax.get_ylabel() == r"residual ($\sigma$)"
    _, r = rax.get_lines()[0].get_data()
    order = np.argsort(d["x"])
    np.testing.assert_allclose(r, (np.asarray(d["residual"]) / np.asarray(d["y_err"]))[order])


def test_global_overlay_labels_and_legend_outside():
    s = saved("wal")
    ax = backend.plot_global(s)
    check_publication_rules(ax)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["T = 2 K", "T = 4 K", "T = 8 K", "T = 15 K"]
    assert ax.get_ylabel() == r"$\Delta\sigma$ ($e^2/\pi h$)"


def test_trend_with_law_has_visible_error_bars_and_readable_label(tmp_path):
    from sigmafit.report.figures import trend_figures
    from sigmafit.report.load import load_results

    [wal] = load_results([DATA / "wal.json"])
    dep = saved("dephasing")
    with paper_style():  # as the report draws them (figures.draw_all)
        figs = {name: (fig, cap) for fig, name, cap in trend_figures(wal, [dep])}
        fig, cap = figs["wal_L_phi_vs_temperature_K"]
        ax = fig.axes[0]
        check_publication_rules(ax)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log" and "dephasing law" in cap
    law = next(ln for ln in ax.get_lines() if "p = 1.0006(9)" in str(ln.get_label()))
    np.testing.assert_allclose(law.get_xdata(), dep["data"]["fine_x"])
    # the L_φ errors (0.02 nm on 350 nm) cannot be seen on this axis: the legend says so
    assert any("smaller than the symbols" in t.get_text() for t in ax.get_legend().get_texts())
    bg = figs["wal_bg_c2_vs_temperature_K"][0].axes[0]
    assert bg.get_ylabel() == "c₂ (nS/T²)"
