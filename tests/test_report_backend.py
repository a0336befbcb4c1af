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
