"""The presentation backend takes plain summaries (never result objects) and never fits; its Jupyter views
hold the table (warnings in their rows) and the figure; a summary without data says how to get it."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from sigmafit.exceptions import SigmafitError  # noqa: E402
from sigmafit.report import backend  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "report"


def saved(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def test_backend_has_exactly_the_agreed_functions():
    assert sorted(backend.__all__) == sorted(["fit_text", "global_text", "plot_fit", "plot_global", "plot_batch", "fit_html",
                                              "global_html", "batch_html"])


def test_fit_html_has_table_warning_and_figure():
    s = saved("hopping")
    before = json.dumps(s, sort_keys=True)
    html = backend.fit_html(s)
    assert json.dumps(s, sort_keys=True) == before  # the input summary is not modified
    assert "<table" in html and "data:image/png;base64," in html
    assert "T₀ and s are correlated" in html and "χ²_ν = 1.109×10⁻⁵" in html
    assert "warning(s): see the report" not in html


def test_global_html_has_shared_and_per_curve_rows():
    html = backend.global_html(saved("wal"))
    assert "shared by all curves" in html and html.count("data-param='L_phi'") == 4 and "<img" in html


def test_plot_needs_the_data_block():
    s = saved("lnT")
    del s["data"]
    with pytest.raises(SigmafitError, match="include_data=True"):
        backend.plot_fit(s)
    assert "<img" not in backend.fit_html(s)  # the table alone


def _batch_frame(x: str, y: str, xs, curve, by: str, values) -> "pandas.DataFrame":
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(3)
    return pd.concat([pd.DataFrame({x: xs, y: curve(xs, v) * (1 + rng.normal(0, 1e-4, xs.size)), by: v}) for v in values],
                     ignore_index=True)


def test_drude_batch_plot_reads_gamma_in_wavenumbers():
    """γ of a Drude batch is a scattering rate in cm⁻¹ (DESIGN.md §3), not heat capacity's Sommerfeld γ in
    mJ/(mol·K²), which the unit scan found first when the batch's model was not passed on."""
    import numpy as np

    import sigmafit
    from sigmafit.models.formulas.optics import drude_sigma

    nu = np.linspace(50.0, 5000.0, 200)
    df = _batch_frame("wavenumber_cm-1", "sigma1_S_per_cm", nu, lambda x, g: drude_sigma(x, 12000.0, g).real,
                      "temperature_K", (100.0, 150.0, 220.0))
    res = sigmafit.fit_batch(df, "drude", by="temperature_K", progress=False, workers=1)
    ax = res.plot("gamma")
    assert ax.get_ylabel().endswith("(cm⁻¹)")
    assert "data:image/png;base64," in res._repr_html_()  # the Jupyter view draws it too


def test_lnt_batch_plots_sigma0_in_siemens():
    """An lnT batch plots σ₀ in its model's unit (S, sheet conductance), not optics' S/cm; without a model the
    unit scan reads the class tables and no longer stops at the measurement model, whose units() needs an
    instance (TypeError)."""
    import numpy as np

    import sigmafit
    from sigmafit.constants import G_Q
    from sigmafit.report.labels import param_unit

    T = np.geomspace(2.0, 20.0, 40)
    df = _batch_frame("temperature_K", "sheet_conductance_S", T, lambda t, vg: 1e-3 + 1e-5 * vg + G_Q * np.log(t), "gate_V",
                      (0.0, 1.0, 2.0))
    res = sigmafit.fit_batch(df, "lnT", by="gate_V", progress=False, workers=1)
    assert res.plot("sigma0").get_ylabel().endswith("(mS)")  # σ₀ ≈ 1 mS
    assert backend.plot_batch(res.table, "sigma0", model="lnT").get_ylabel().endswith("(mS)")
    assert backend.plot_batch(res.table, "A").get_ylabel()  # no model: the scan runs through every registered model
    assert param_unit("T0") == "K" and param_unit("L1") == "nm" and param_unit("wp", "drude") == "cm⁻¹"


def test_batch_table_and_trend_rows_carry_each_parameters_unit():
    """The report's batch table and batch trend figures show γ of a Drude batch in cm⁻¹ (they had no unit at all)."""
    import numpy as np

    import sigmafit
    from sigmafit.models.formulas.optics import drude_sigma
    from sigmafit.report.figures import trend_rows
    from sigmafit.report.load import ResultSet
    from sigmafit.report.tables import batch_table

    nu = np.linspace(50.0, 5000.0, 200)
    df = _batch_frame("wavenumber_cm-1", "sigma1_S_per_cm", nu, lambda x, g: drude_sigma(x, 12000.0, g).real,
                      "temperature_K", (100.0, 150.0))
    res = sigmafit.fit_batch(df, "drude", by="temperature_K", progress=False, workers=1)
    html = batch_table(res.table, model="drude")
    assert html.count("cm⁻¹") >= 2  # γ (and ω_p) of both rows
    set_ = ResultSet(name="drude", kind="batch", table=res.table, run_info={"model": "drude", "by": "temperature_K"})
    by, rows = trend_rows(set_)
    assert by == "temperature_K" and [r["gamma"]["unit"] for r in rows] == ["cm⁻¹", "cm⁻¹"]


def test_every_format_states_the_same_statistics():
    """One list of statistics pieces, joined by each format: the Jupyter head, the HTML report, the text and the PDF
    line say the same (hopping.json: 120 points, 3 varied, χ²_ν = 1.10892115e-5 → 1.109×10⁻⁵, R² = 0.999982661 →
    0.99998); the Jupyter head used to stop at χ²_ν and print 'None points' for a summary without ndata."""
    from sigmafit.report.document import stats_line
    from sigmafit.report.pdf import _stats as pdf_stats

    s = saved("hopping")
    line = "120 points, 3 varied, χ²_ν = 1.109×10⁻⁵, R² = 0.99998"
    assert f"converged, {line}, window: all data</p>" in backend.fit_html(s)
    assert stats_line(s) == f"<p class='small'>converged, {line}, window: all data</p>"
    assert pdf_stats(s) == f"converged, {line}, window: all data"
    assert f"statistics: {line}\n" in backend.fit_text(s)
    del s["statistics"]["ndata"]
    assert "None" not in backend.fit_html(s) and "None" not in backend.fit_text(s)
