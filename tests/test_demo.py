"""The demo recovers what the sample data were made with (sample_data/parameters.json).

Tolerance: |recovered − true| ≤ max(3σ, rel·|true|).  The statistical σ of these fits is tiny
(noise 0.05 Ω on 4 kΩ), so systematic effects the σ does not contain dominate and a relative
tolerance is stated per quantity:

* weak localization (L_so 3 %, L_φ 2 %): the field step (10 mT) is wider than the cusp at 2 K
  (B_φ ≈ 1.3 mT), the file has a 3 mT field offset and a 1 % Hall pick-up, so σ(0) and the
  symmetrized Δσ(B) carry a bias the fit's σ knows nothing about;
* p and L1 (0.05, 3 %): inherit the L_φ bias through a 4-point law;
* ln T slope A (2 %): two contact glitches and Bloch–Grüneisen curvature below 10 K;
* hopping s (3 %), T0 (5 %): R0, T0, s are > 0.97 correlated (the fit warns so);
* optics ω_p, γ, ε∞ (1 %, 2 %, 2 %): 1 % multiplicative noise on σ1, σ2.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from test_report_shared import SAMPLE, demo_output, load_result

from sigmafit.cli.demo import comparison, find_sample_data

TOLERANCE = {  # (result, parameter): relative tolerance, or absolute for p
    ("wal", "L_so"): 0.03, ("wal", "L_phi"): 0.02, ("dephasing", "L1"): 0.03, ("lnT", "A"): 0.02,
    ("hopping", "s"): 0.03, ("hopping", "T0"): 0.05, ("optics", "wp"): 0.01, ("optics", "gamma"): 0.02,
    ("optics", "eps_inf"): 0.02,
}
P_ABS = 0.05


def _truth():
    import json

    return json.loads((SAMPLE / "parameters.json").read_text(encoding="utf-8"))


def _summaries():
    return {n: load_result(n) for n in ("wal", "lnT", "hopping", "optics", "dephasing")}


def test_demo_recovers_the_truth():
    rows = comparison(_summaries(), _truth())
    assert len(rows) >= 12
    bad = []
    for r in rows:
        assert r["recovered"] is not None, f"{r['quantity']} missing from the results"
        dev = abs(r["recovered"] - r["true"])
        three_sigma = 3 * r["stderr"] if r["stderr"] else 0.0
        tol = P_ABS if r["param"] == "p" else TOLERANCE[(r["result"], r["param"])] * abs(r["true"])
        if dev > max(three_sigma, tol):
            bad.append(f"{r['quantity']}: {r['recovered']:.6g} ± {r['stderr']} vs true {r['true']:.6g}")
    assert not bad, "; ".join(bad)


def test_demo_truth_independent_of_the_comparison_helper():
    """Check the headline numbers straight from the JSON, not through cli.demo.comparison."""
    truth = _truth()
    wal = load_result("wal")
    assert wal["global"] is True and wal["shared"]["L_so"]["unit"] == "nm"
    assert wal["shared"]["L_so"]["value"] == pytest.approx(truth["film"]["L_so_nm"], rel=0.03)
    temps = sorted(float(c["label"]) for c in wal["curves"])
    assert temps == truth["film"]["temperatures_K"]
    for c in wal["curves"]:
        assert c["params"]["L_phi"]["value"] == pytest.approx(truth["film"]["L_phi_nm"][str(float(c["label"]))], rel=0.02)
    assert load_result("dephasing")["params"]["p"]["value"] == pytest.approx(truth["film"]["p"], abs=P_ABS)
    assert load_result("optics")["params"]["gamma"]["value"] == pytest.approx(truth["optics"]["gamma_cm-1"], rel=0.02)


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
