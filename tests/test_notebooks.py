"""The notebooks in notebooks/ teach the README's public API: committed without outputs, they run top to
bottom (nbclient, kernel python3, cwd notebooks/, matplotlib's inline backend as in Jupyter); results show
as a table with the figure (``_repr_html_``), and each notebook ends with a figure for a paper."""

from __future__ import annotations

from pathlib import Path

import nbclient
import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
#: The API the notebooks may use (README "A short tour"); private pipeline helpers are not teaching material.
PRIVATE = ("pipeline.curves", "glob.by =", "from sigmafit.fitting import pipeline", "best_observable")


def test_one_notebook_per_family():
    assert NAMES == ["01_wal_single_fit.ipynb", "02_temperature_series.ipynb", "03_optics.ipynb", "04_temperature_laws.ipynb",
                     "05_carriers_and_heat.ipynb"]


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stripped_and_uses_the_public_api(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: commit notebooks without outputs"
            assert not any(p in cell.source for p in PRIVATE), f"{name}: uses a private helper"


def _html_outputs(nb) -> list[str]:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            html = o.get("data", {}).get("text/html")
            if html:
                out.append(html if isinstance(html, str) else "".join(html))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs(name, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    html = _html_outputs(nb)
    results = [h for h in html if "data:image/png;base64," in h and "<table" in h]
    assert results, f"{name}: no result displayed as a table with its figure"
    assert all("warning(s): see the report" not in h for h in html)
    last = [c for c in nb.cells if c.cell_type == "code"][-1]
    assert any("image/png" in o.get("data", {}) for o in last.outputs), f"{name}: does not end with a figure"
