"""1σ coverage of the temperature family through ``sigmafit fit FILE --model M … --json OUT`` (in-process).

Files from ``tests/simulate_temperature.py`` (independent of sigmafit's formulas, truth drawn per file): hopping R(T)
of an insulating film and an activated semiconductor (PPMS ``.dat``, relative noise), the 2D ln T law of a film's
R_xx(T) (CSV, Hall bar), L_φ(T) from a ``sigmafit batch`` results table with its ``L_phi_stderr`` column, and the
Bloch–Grüneisen R(T) of a metal (PPMS ``.dat``, absolute noise).  With N files the binomial spread of a calibrated
1σ coverage is √(0.683·0.317/N): the window is ±2.5 of it around 68.3 %, and the median pull must stay within
±0.4 (≈ 2.5 standard errors of a median at N = 60).  ``benchmarks/coverage_temperature.py --files 200`` runs the
same studies at N = 200 (table in docs/temperature.md).
"""

from __future__ import annotations


import numpy as np
import pytest

import simulate_temperature as sim
from coverage_study import check_coverage, run_study
from coverage_study import fit_ok as fit
from sigmafit.prepare.noise import relative_noise

N = 60


@pytest.mark.slow
@pytest.mark.parametrize("model", list(sim.STUDIES))
def test_command_covers_the_truth(model, tmp_path):
    res = run_study(sim.STUDIES[model], tmp_path, N)
    check_coverage(model, res, N)
    # per-point σ from the data (R(T)) or the table's stderr column (L_φ): χ²_ν is a goodness of fit
    assert 0.8 < float(np.median(res["redchi"])) < 1.2


def test_metal_with_absolute_noise_keeps_one_sigma(tmp_path):
    """A metal read at a fixed excitation has one σ in Ω however many decades its RRR spans: the scatter-based
    σ of R(T) must not turn relative (it did whenever R spanned a decade, so the residual resistance at low T was
    given RRR times too small an error: χ²_ν = 3.1–13 on all 48 of 200 simulated metals with RRR > 10, ρ0 pulls
    beyond 3 on 7 of them)."""
    hits = 0
    for seed in range(40):
        path, truth = sim.case_bg(tmp_path / f"bg_{seed}.dat", seed)
        R = sim.bloch_gruneisen([2.0, 300.0], truth["rho0"], truth["A"], truth["theta_D"])
        if R[1] < 10.0 * R[0]:
            continue
        hits += 1
        g = fit(path, "bloch-gruneisen")
        assert "units" in g["source"]["weights"] and "relative" not in g["source"]["weights"], g["source"]["weights"]
        assert 0.75 < g["statistics"]["redchi"] < 1.3
        assert abs((g["params"]["rho0"]["value"] - truth["rho0"]) / g["params"]["rho0"]["stderr"]) < 4
    assert hits >= 5


def test_noise_form_follows_the_data():
    """relative_noise: hopping R(T) with a relative precision → relative; a metal with absolute noise → one σ, for
    either span; a small span (both forms alike) → one σ."""
    rng = np.random.default_rng(3)
    T = np.linspace(2.0, 300.0, 600)
    hop = sim.hopping(T, 10.0, 2e4, 0.25)
    assert relative_noise(T, hop * (1 + 0.005 * rng.normal(size=T.size)))
    metal = sim.bloch_gruneisen(T, 1.0, 60.0, 250.0)  # RRR ≈ 16
    assert metal[-1] > 10 * metal[0]
    assert not relative_noise(T, metal + 2e-3 * rng.normal(size=T.size))
    assert relative_noise(T, metal * (1 + 2e-4 * rng.normal(size=T.size)))
    assert not relative_noise(T, 1.0 + 0.5 * T / 300.0 + 1e-3 * rng.normal(size=T.size))


def test_dephasing_uses_the_stderr_column_as_1_sigma(tmp_path):
    """The L_phi_stderr column of a batch results table weights the fit: a point 30 % off with a 100× larger error
    does not move L1 and p beyond their errors (it would without the weights), and the χ²_ν of the clean table is a
    goodness of fit (≈ 1 on average)."""
    rng = np.random.default_rng(11)
    L1, p = 400.0, 1.2
    T = np.array([0.3, 0.5, 0.7, 1.0, 1.4, 2.0, 3.0, 4.0, 6.0, 8.0])
    L = sim.dephasing_length(T, L1, p)
    err = 0.02 * L
    Lobs = L + err * rng.normal(size=T.size)
    Lobs[0], err[0] = 1.3 * L[0], 100 * err[0]
    g = fit(sim.results_table(tmp_path / "results.csv", T, Lobs, err, 1), "dephasing")
    assert "L_phi_err_nm" in g["source"]["weights"]
    for name, truth in (("L1", L1), ("p", p)):
        assert abs(g["params"][name]["value"] - truth) < 3 * g["params"][name]["stderr"]
    g_none = fit(tmp_path / "results.csv", "dephasing", ["--weights", "none"])
    assert abs(g_none["params"]["p"]["value"] - p) > 3 * g["params"]["p"]["stderr"]
    chi = [fit(sim.case_dephasing(tmp_path / f"d{s}.csv", 500 + s)[0], "dephasing")["statistics"]["redchi"]
           for s in range(30)]
    assert 0.8 < float(np.mean(chi)) < 1.25
