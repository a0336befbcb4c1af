"""The demo recovers what the sample data were made with (sample_data/parameters.json) within 2σ.

The weak-localization curves are fitted as the instrument measured them (the measurement model of the raw
R_xx, R_xy readings, per-point noise from the data), so their errors are calibrated and every recovered number
lies within 2 of its own standard errors of the truth; the dephasing law fitted to those L_φ has χ²_ν < 2
(the acceptance of the raw-file issue).  The other fits stay inside their windows of validity (ln T below 8 K,
hopping below T0), where they too recover their parameters within 2σ.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from test_report_shared import SAMPLE, demo_output, load_result

from sigmafit.cli.demo import comparison, find_sample_data


def _truth():
    import json

    return json.loads((SAMPLE / "parameters.json").read_text(encoding="utf-8"))


def _summaries():
    return {n: load_result(n) for n in ("wal", "lnT", "hopping", "optics", "heat", "dephasing")}


def test_demo_recovers_the_truth():
    rows = comparison(_summaries(), _truth())
    assert len(rows) >= 12
    bad = []
    for r in rows:
        assert r["recovered"] is not None, f"{r['quantity']} missing from the results"
        assert r["stderr"], f"{r['quantity']} has no error bar"
        if abs(r["recovered"] - r["true"]) > 2 * r["stderr"]:
            bad.append(f"{r['quantity']}: {r['recovered']:.6g} ± {r['stderr']:.2g} vs true {r['true']:.6g}")
    assert not bad, "; ".join(bad)
    deph = load_result("dephasing")
    assert deph["statistics"]["redchi"] < 2


def test_demo_truth_independent_of_the_comparison_helper():
    """Check the headline numbers straight from the JSON, not through cli.demo.comparison."""
    truth = _truth()
    wal = load_result("wal")
    assert wal["global"] is True and wal["shared"]["L_so"]["unit"] == "nm"
    so = wal["shared"]["L_so"]
    assert abs(so["value"] - truth["film"]["L_so_nm"]) <= 2 * so["stderr"]
    temps = sorted(float(c["label"]) for c in wal["curves"])
    assert temps == truth["film"]["temperatures_K"]
    for c in wal["curves"]:
        e = c["params"]["L_phi"]
        assert abs(e["value"] - truth["film"]["L_phi_nm"][str(float(c["label"]))]) <= 2 * e["stderr"]
        b = c["params"]["B_off"]  # the magnet's field offset the file was made with, fitted, not subtracted
        assert abs(b["value"] - truth["film"]["field_offset_T"]) <= 2 * b["stderr"]
    p = load_result("dephasing")["params"]["p"]
    assert abs(p["value"] - truth["film"]["p"]) <= 2 * p["stderr"]
    g = load_result("optics")["params"]["gamma"]
    assert abs(g["value"] - truth["optics"]["gamma_cm-1"]) <= 2 * g["stderr"]


def test_demo_writes_report_figures_and_json():
    out = demo_output()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<img" in html and "data:image/png;base64," in html
    assert "http://" not in html and "https://" not in html and "<script" not in html  # offline, self-contained
    pngs = sorted((out / "figures").glob("*.png"))
    pdfs = sorted((out / "figures").glob("*.pdf"))
    assert len(pngs) >= 8 and {p.stem for p in pngs} == {p.stem for p in pdfs}
    for name in ("wal_all", "wal_dephasing" if (out / "figures" / "wal_dephasing.png").exists() else "dephasing_dephasing",
                 "hopping_zabrodskii", "optics_fit", "lnT_fit"):
        assert (out / "figures" / f"{name}.png").stat().st_size > 5000, name
        assert (out / "figures" / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
    for p in pngs:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_find_sample_data_and_missing_data(tmp_path):
    assert find_sample_data() == SAMPLE
    env = {**os.environ, "MPLBACKEND": "Agg"}
    p = subprocess.run([sys.executable, "-m", "sigmafit.cli.main", "demo", "--data", str(tmp_path), "--out", str(tmp_path / "o")],
                       capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "sample data were not found" in p.stderr and "Traceback" not in p.stderr
