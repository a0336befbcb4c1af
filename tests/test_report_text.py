"""Text reports against saved output (iminuit's habit), from FIXED input summaries (tests/data/report/*.json).

The expected ``*.txt`` files are regression values: written once by ``backend.fit_text`` / ``global_text``
from these inputs and checked by hand against the JSON (each number re-rounded by the PDG rule in its
natural unit — σ₀ = (1.00001142 ± 0.0000082)e-3 S → 1.000011 ± 0.000008 mS — and each lmfit name in a warning mapped to the
table's symbol and curve label).  After a deliberate change of the layout, rewrite them and read the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sigmafit.report import backend

DATA = Path(__file__).resolve().parent / "data" / "report"


@pytest.mark.parametrize("name", ["lnT", "lnT_errors", "hopping", "optics", "dephasing", "wal"])
def test_text_report_matches_saved_output(name):
    summary = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    text = backend.global_text(summary) if summary.get("global") else backend.fit_text(summary)
    assert text + "\n" == (DATA / f"{name}.txt").read_text(encoding="utf-8")


def test_text_report_reads_like_the_tables():
    """Independent of the saved files: symbols, natural units and readable warnings (hand-worked values)."""
    wal = json.loads((DATA / "wal.json").read_text(encoding="utf-8"))
    text = backend.global_text(wal)
    assert "c0_bg_c2" not in text and "bg_c2" not in text and "temperature_K = " not in text
    # L_so = 24.9880… ± 0.1083… nm → error digits 108 (≤ 354): two digits → 24.99 ± 0.11 nm
    assert "L_so             24.99 ± 0.11 nm" in text
    # c₂ = −1.2e-7 ± 0.8e-7 S/T² reads in nS/T²
    assert "T = 2 K    L_φ = 353.834(23) nm; c₂ = −120(80) nS/T²" in text
    single = dict(wal["curves"][0], model="hln-so", success=True, statistics={"ndata": 174, "nvarys": 2, "redchi": 1.0},
                  warnings=[], source={"x": "field_T", "y": "delta_sigma_S"})
    single["derived"] = {"B_phi": {"value": 1.31434e-3, "stderr": 1.7e-7, "unit": "T"}}
    assert "B_phi            1.31434 ± 0.00017 mT   B_φ" in backend.fit_text(single)


def test_warnings_read_in_symbols_but_code_to_type_keeps_the_parameter_name():
    from sigmafit.report.labels import readable_warning

    text = "ρ_xx has a B² magnetoresistance that the model holds at 0: free mr2 (init={'mr2': 0}); or --fix mr2=0"
    out = readable_warning(text, "hall")
    assert "free a₂" in out  # prose reads in the table's symbol
    assert "init={'mr2': 0}" in out and "--fix mr2=0" in out  # what the user types still works
