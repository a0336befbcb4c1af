"""BatchResult shows itself in Jupyter as a summary, a figure and the table; .plot() draws a trend; the
backend's batch_html and plot_batch take the plain table."""

import numpy as np
import pandas as pd

import sigmafit
from sigmafit.models.formulas import localization as F


def _frame():
    B = np.linspace(-0.1, 0.1, 200)
    rng = np.random.default_rng(0)
    rows = []
    for T, L in ((2.0, 300.0), (4.0, 220.0), (8.0, 150.0)):
        y = F.hln(B, -0.5, F.char_field(L * 1e-9))
        rows.append(pd.DataFrame({"field_T": B, "delta_sigma_S": y + rng.normal(0, 2e-8, B.size), "temperature_K": T}))
    return pd.concat(rows, ignore_index=True)


def test_batch_repr_has_summary_figure_and_table():
    res = sigmafit.fit_batch(_frame(), "hln", by="temperature_K", progress=False, workers=1)
    html = res._repr_html_()
    assert res.summary_line() in html
    assert "data:image/png;base64," in html
    assert "<table" in html and "L_phi" in html


def test_batch_plot_is_the_parameter_against_temperature():
    res = sigmafit.fit_batch(_frame(), "hln", by="temperature_K", progress=False, workers=1)
    ax = res.plot("L_phi")
    xs, ys = ax.lines[0].get_data()
    np.testing.assert_allclose(xs, [2.0, 4.0, 8.0])
    np.testing.assert_allclose(ys, [300.0, 220.0, 150.0], rtol=0.02)
    assert ax.get_xlabel() == "$T$ (K)"  # a canonical column given as the label reads as quantity (unit)


def test_backend_batch_views_take_the_plain_table():
    from sigmafit.report import backend

    res = sigmafit.fit_batch(_frame(), "hln", by="temperature_K", progress=False, workers=1)
    html = backend.batch_html(res.table, res.summary_line())
    assert res.summary_line() in html and "data:image/png;base64," in html and "data-param='L_phi'" in html
    ax = backend.plot_batch(res.table, "L_phi")
    assert ax.get_xlabel() == "$T$ (K)" and ax.get_ylabel() == "$L_\\mathrm{φ}$ (nm)"
