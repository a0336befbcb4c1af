"""The raw-file generator ``tests/simulate_raw.py`` is itself checked against PHYSICS.md before anything trusts it."""

from __future__ import annotations

import math

import numpy as np
import pytest

import sigmafit
import simulate_raw as sim

#: PHYSICS.md §1 (mpmath, 40 digits)
Y_TABLE = {0.01: 2.6901826618245157, 0.1: 0.76196587910085527, 1: 0.036489973978576521, 10: 4.1594130364069125e-4,
           100: 4.1665937538438327e-6, 1e6: 4.1666666666659375e-14, 1e12: 4.1666666666666667e-26}


def L_of(B_T: float) -> float:
    """Length (nm) of the characteristic field B = ħ/(4eL²) (ħ/(4e) = 1.64552989238e-16 T·m², PHYSICS.md §1)."""
    return math.sqrt(1.64552989238e-16 / B_T) * 1e9


def test_y_function_matches_physics_table():
    x = np.array(list(Y_TABLE))
    np.testing.assert_allclose(sim.y_function(x), list(Y_TABLE.values()), rtol=1e-10)
    assert sim.y_function(np.array([np.inf]))[0] == 0.0


def test_constants_match_physics_md():
    assert sim.GQ == pytest.approx(1.23314709834e-5, rel=1e-11)
    assert sim.field_of(100.0) == pytest.approx(16.455e-3, rel=1e-4)  # "L = 100 nm ↔ B = 16.455 mT"


def test_hln_dp_matches_physics_table():
    got = sim.wal(np.array([0.01, 0.1]), "hln-dp", L_of(0.01), L_of(0.1)) / sim.GQ
    np.testing.assert_allclose(got, [-0.0178539078573264, -0.345690612559227], rtol=1e-10)


def test_hln_so_limits():
    """No elastic cut-off: B_so → 0 gives +G_Q·Y(B_φ/B) (WL), B_so → ∞ gives −½G_Q·Y(B_φ/B) (WAL), PHYSICS.md §2."""
    B = np.array([0.1])
    wl = sim.wal(B, "hln-so", L_of(0.01), 1e9) / sim.GQ
    wal = sim.wal(B, "hln-so", L_of(0.01), 1e-3) / sim.GQ
    assert wl[0] == pytest.approx(0.76196587910085527, rel=1e-9)
    assert wal[0] == pytest.approx(-0.5 * 0.76196587910085527, rel=1e-6)
    assert sim.wal(np.array([0.0]), "hln-so", 200.0, 30.0)[0] == 0.0


def test_tensor_one_band_and_fukuyama_by_hand():
    """ρ_xx = 1/σ0 and ρ_xy = sB/(e n) for one band (PHYSICS.md §6); the Fukuyama form keeps ρ_xy with Δσ ≠ 0."""
    B = np.array([0.0, 1.0, 5.0])
    sigma0, mu = 1e-3, 0.1
    n = sigma0 / (sim.E * mu)
    for sign in (1, -1):
        rxx, rxy = sim.resistivity(B, sigma0, mu, sign, 0.0)
        np.testing.assert_allclose(rxx, 1.0 / sigma0, rtol=1e-12)
        np.testing.assert_allclose(rxy, sign * B / (sim.E * n), rtol=1e-12)
    ds = np.array([-2e-5, -3e-5, 1e-5])
    rxx, rxy = sim.resistivity(B, sigma0, mu, 1, ds, "fukuyama")
    np.testing.assert_allclose(rxx, 1.0 / (sigma0 + ds), rtol=1e-12)
    np.testing.assert_allclose(rxy, B / (sim.E * n), rtol=1e-12)
    rxx, rxy = sim.resistivity(B, sigma0, mu, 1, ds, "none")
    sxx, sxy = sigma0 / (1 + (mu * B) ** 2) + ds, -sigma0 * mu * B / (1 + (mu * B) ** 2)
    np.testing.assert_allclose(rxx, sxx / (sxx**2 + sxy**2), rtol=1e-12)


def test_schedule_two_sweeps_and_fine_steps():
    inst = sim.Instrument(step_T=0.0025, bmax_T=0.5)
    pts, direction = sim.schedule(inst)
    assert pts[0] == 0.5 and pts[-1] == 0.5 and pts.min() == -0.5
    assert (np.diff(pts[direction < 0]) < 0).all() and (np.diff(pts[direction > 0]) > 0).all()
    assert np.allclose(np.abs(np.diff(pts[direction < 0])), 0.0025)
    fine, _ = sim.schedule(sim.Instrument(step_T=0.0025, fine_step_T=0.00025, fine_range_T=0.02, bmax_T=0.1))
    steps = np.abs(np.diff(np.unique(fine)))
    assert steps.min() == pytest.approx(0.00025) and steps.max() == pytest.approx(0.0025)


def test_file_loads_as_a_ppms_resistivity_file(tmp_path):
    s = sim.random_case(tmp_path / "a.dat", 3, std_columns=True)
    df = sigmafit.load(s.path)
    meta = df.attrs["sigmafit"]
    assert meta["format"] == "quantum_design" and meta["flavour"] == "resistivity"
    assert {c: meta["channels"][c]["role"] for c in (1, 2)} == {1: "xx", 2: "xy"}
    assert "resistance_std_ohm" in df.columns and df["Number of Readings"].eq(25).all()
    n = sim.schedule(s.instrument)[0].size
    assert (df["channel"] == 1).sum() == n == (df["channel"] == 2).sum()
    # the reported field jitters around the set points by at most jitter_T
    assert np.abs(df.loc[df.channel == 1, "field_T"].to_numpy() - sim.schedule(s.instrument)[0]).max() <= 1e-5 + 1e-9
    assert abs(s.instrument.B_off_T) <= 6e-4 and s.truth()["film"]["wal"] == "hln-dp"


def test_seeded_and_repeatable(tmp_path):
    a = sim.random_case(tmp_path / "a.dat", 11)
    b = sim.random_case(tmp_path / "b.dat", 11)
    assert a.path.read_text() == b.path.read_text()
    assert a.truth()["film"] == b.truth()["film"]
