"""1σ coverage of the weak-localization models on a user's Δσ(B) files, through ``sigmafit fit`` (in-process).

Files from ``tests/simulate_wl.py`` (its own Y(x), Kawabata f₃ by Euler–Maclaurin and wire formula, checked here against
PHYSICS.md §1–3).  With N files the binomial SD of a 68.3 % coverage is √(0.683·0.317/N); the windows are ±2.5 SD.
The 200-file numbers are in docs/localization-models.md (``benchmarks/coverage_wl.py``).  Also the defects these
studies found: graphene fits that slid into L_* → ∞ (start values), a symmetrized curve saved for ±B counted twice,
and a Δσ referenced to a measured reading instead of σ(0) (no free offset for a user's Δσ file).
"""

from __future__ import annotations

import contextlib
import io
import math

import numpy as np
import pytest
import simulate_wl as sim

from sigmafit.cli.main import main


def _window(n: int) -> tuple[float, float]:
    sd = math.sqrt(0.683 * 0.317 / n)
    return 0.683 - 2.5 * sd, 0.683 + 2.5 * sd


def _fit(f: sim.WLFile, tmp_path, extra=()) -> dict:
    out = tmp_path / f"{f.path.stem}.json"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        main(sim.fit_args(f, out, list(extra)))
    assert out.exists(), f"{f.path.name}: no result"
    return sim.read_result(out)


def _study(tmp_path, model: str, n: int, *, sides="positive", offset=False, extra=()):
    pulls: dict[str, list[float]] = {}
    unwarned = []
    for seed in range(n):
        f = sim.random_case(tmp_path, model, seed, offset=offset, sides=sides)
        js = _fit(f, tmp_path, extra)
        for name, truth in f.truth.items():
            p = js["params"][name]
            z = (p["value"] - truth) / p["stderr"] if p.get("stderr") else math.inf
            pulls.setdefault(name, []).append(z)
            if not abs(z) < 3 and not js["warnings"]:
                unwarned.append((seed, name, z))
    return {k: np.asarray(v) for k, v in pulls.items()}, unwarned


def _check(pulls: dict, unwarned: list, n: int) -> None:
    lo, hi = _window(n)
    assert len(unwarned) <= 1, f">3σ misses without a warning: {unwarned}"
    for name, z in pulls.items():
        cov = float(np.mean(np.abs(z) < 1.0))
        assert lo <= cov <= hi, f"{name}: 1σ coverage {cov:.1%} outside {lo:.0%}–{hi:.0%}"
        # the median of n unit normals scatters by 1.2533/√n: ±2.5 of those (0.40 at 60 files)
        assert abs(float(np.median(z))) <= 2.5 * 1.2533 / math.sqrt(n), f"{name}: median pull {np.median(z):+.2f}"


def test_simulator_matches_the_physics_tables():
    y = sim.y_function(np.array([0.01, 0.1, 1.0, 10.0, 100.0, 1e6]))
    np.testing.assert_allclose(y, [2.6901826618245157, 0.76196587910085527, 0.036489973978576521,
                                   4.1594130364069125e-4, 4.1665937538438327e-6, 4.1666666666659375e-14], rtol=1e-11)
    np.testing.assert_allclose(sim.f3([0.0, 0.1, 1.0, 10.0, 100.0]),
                               [0.60489864342163037, 0.19094553156511189, 0.019112205794725419,
                                6.5809023949153232e-4, 2.0833105478209583e-5], rtol=1e-11)

    def L(b):  # length (nm) of the field b (T)
        return math.sqrt(sim.HBAR / (4 * sim.E * b)) * 1e9

    np.testing.assert_allclose(sim.hln_so(np.array([0.01, 0.1, 0.5]), L(0.01), L(0.1), B_e_T=1.0) / sim.G_Q,
                               [-0.0179444704445297, -0.353032565047120, -0.650259413094482], rtol=1e-11)
    np.testing.assert_allclose(sim.graphene(np.array([0.01, 0.1, 1.0]), L(0.001), L(0.05), L(0.5)) / sim.G_Q,
                               [0.761530672819776, 2.651606928503, 3.99411130719527], rtol=1e-11)
    # wire, no spin–orbit, at L_B = L_φ: ΔG = (2e²/(hL))·L_φ·(1 − 1/√2)  (PHYSICS.md §3 by hand)
    B = math.sqrt(3) * sim.HBAR / (sim.E * 50e-9 * 500e-9)
    assert sim.wire(np.array([B]), 500.0, 1e30, 50.0, 10.0)[0] == pytest.approx(
        2 * sim.E2H / 10e-6 * 500e-9 * (1 - 1 / math.sqrt(2)), rel=1e-9)


@pytest.mark.parametrize("model, n", [("hln", 60), ("hln-so", 60), ("graphene", 60)])
def test_coverage_of_a_clean_delta_sigma_file(tmp_path, model, n):
    pulls, unwarned = _study(tmp_path, model, n)
    _check(pulls, unwarned, n)


@pytest.mark.slow
@pytest.mark.parametrize("model, n, extra", [("kawabata", 40, ()), ("wire", 40, ("--y", "delta_sigma_S"))])
def test_coverage_kawabata_and_wire(tmp_path, model, n, extra):
    pulls, unwarned = _study(tmp_path, model, n, extra=extra)
    _check(pulls, unwarned, n)


def test_graphene_start_values_avoid_the_flat_valley_of_long_L_star(tmp_path):
    """Descending from the grid start (B_* < B_i), graphene fits slid into the valley L_* → ∞ (χ² above the
    truth's; 1 file in 8, L_i off by up to 50σ).  The start is now the best of a few local descents."""
    missed = []
    for seed in (22, 33, 51, 63, 136, 147):
        f = sim.random_case(tmp_path, "graphene", seed)
        js = _fit(f, tmp_path)
        for name, truth in f.truth.items():
            p = js["params"][name]
            if not (p["stderr"] and abs(p["value"] - truth) < 4 * p["stderr"]):
                missed.append((seed, name, p["value"], truth))
    assert not missed, missed


def test_mirrored_file_is_flagged_and_xmin_0_is_honest(tmp_path):
    """A symmetrized curve saved for ±B (Δσ(−B) copied from Δσ(B)) counts each value twice: the errors were √2 too
    small (coverage 56 % at 200 files) with no word said.  The fit now says so; ``--xmin 0`` fits the half."""
    f = sim.random_case(tmp_path, "hln", 3, sides="mirrored")
    js = _fit(f, tmp_path)
    assert any("repeats Δσ(B)" in w and "--xmin 0" in w for w in js["warnings"]), js["warnings"]
    half = _fit(f, tmp_path, ["--xmin", "0"])
    assert not any("repeats" in w for w in half["warnings"])
    assert half["params"]["L_phi"]["stderr"] == pytest.approx(js["params"]["L_phi"]["stderr"] * math.sqrt(2), rel=0.1)
    n = 40
    pulls, unwarned = _study(tmp_path, "hln", n, sides="mirrored", extra=("--xmin", "0"))
    _check(pulls, unwarned, n)


def test_offset_of_a_users_delta_sigma_is_reported(tmp_path):
    """Δσ referenced to the reading at a remanent field (not σ(0)): the lengths move by many σ (L_φ coverage 7–17 %
    at 200 files) and the CLI cannot free an offset for a user's Δσ file.  The fit now reports an offset the data
    ask for (F test of one added constant) — and stays quiet on clean files."""
    flagged = clean_flags = 0
    for seed in range(30):
        f = sim.random_case(tmp_path, "graphene", seed, offset=True)
        flagged += any("does not start from 0" in w for w in _fit(f, tmp_path)["warnings"])
        g = sim.random_case(tmp_path, "hln", seed)
        clean_flags += any("does not start from 0" in w for w in _fit(g, tmp_path)["warnings"])
    assert flagged >= 12, flagged  # 128 of 200 at N = 200
    assert clean_flags <= 2, clean_flags  # 4 of 200 at N = 200


@pytest.mark.slow
@pytest.mark.parametrize("model", ["hln", "hln-so"])
def test_background_offset_makes_a_users_offset_file_honest(tmp_path, model):
    """``--background offset`` frees the constant a user's Δσ carries (referenced to the reading at a remanent field
    of 0–3 mT): 1σ coverage back in the binomial window (hln 70 / 69 %, hln-so 66 / 62 % at 100 files each, from
    7–24 % without it)."""
    n = 40
    pulls = []
    for seed in range(n):
        f = sim.random_case(tmp_path, model, seed, offset=True)
        js = _fit(f, tmp_path, ["--background", "offset"])
        assert "offset-bg" in js["model"]
        pulls.append([(js["params"][k]["value"] - v) / js["params"][k]["stderr"] for k, v in f.truth.items()])
    z = np.asarray(pulls)
    lo, hi = _window(n)
    for j, name in enumerate(f.truth):
        cov = float(np.mean(np.abs(z[:, j]) < 1.0))
        assert lo <= cov <= hi, f"{model} {name}: coverage {cov:.0%}"
