"""1σ coverage of the carriers-and-heat models on simulated instrument files, through ``sigmafit fit`` (in-process).

Files from ``tests/simulate_carriers.py`` (its own tensor inversion and Debye law, checked here against PHYSICS.md
§6).  With N files the binomial SD of a 68.3 % coverage is √(0.683·0.317/N); the windows are ±2.5 SD.  The 200-file
numbers are in docs/carriers-and-heat.md (``benchmarks/coverage_carriers.py``).  Also the defects these studies
found: a field offset "estimated" from a flat R_xx, the noise of uneven fields, relative weights on absolute noise,
±B pairs of unequal |B| that put R_xy's pickup of R_xx into the Hall part, and a field offset whose error was left out.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re

import numpy as np
import pandas as pd
import pytest

import sigmafit
import simulate_carriers as sim
from sigmafit.models.guess.heat import noise_weights
from sigmafit.models.joint import point_noise
from sigmafit.prepare.carriers import hall_field_offset
from sigmafit.prepare.hall_offset import local_slope


def _window(n: int) -> tuple[float, float]:
    sd = math.sqrt(0.683 * 0.317 / n)
    return 0.683 - 2.5 * sd, 0.683 + 2.5 * sd


def _study(cases) -> dict:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return sim.run_study(cases)


def _check(res: dict, n: int) -> None:
    lo, hi = _window(n)
    assert not res["failed"], res["failed"]
    # honest Gaussian errors miss by > 3σ in 0.27 % of values: ~0.3 of N ≤ 60 files with 2–3 parameters; 3 or more
    # unwarned ones (Poisson p < 0.5 %) mean errors too small or a wrong minimum
    assert len(res["silent"]) <= 2, f">3σ misses without a warning: {res['silent']}"
    for name, z in res["pulls"].items():
        assert z.size == n and np.isfinite(z).all(), name
        cov = float(np.mean(np.abs(z) < 1.0))
        assert lo <= cov <= hi, f"{name}: 1σ coverage {cov:.1%} outside {lo:.0%}–{hi:.0%}"
        assert abs(float(np.median(z))) <= 0.35, f"{name}: median pull {np.median(z):+.2f}"


def test_simulator_matches_the_physics_table():
    """PHYSICS.md §6 two-band table (3D, Ω·m): a 1 m thick "sheet" of 1e25 m⁻³ = 1e21 cm⁻²."""
    rxx, rxy = sim.band_resistivity([0.0, 1.0, 5.0], [(1e21, 1000.0, -1.0), (5e20, 500.0, 1.0)])
    np.testing.assert_allclose(rxx, [4.99320725956861e-6, 5.01117561835954e-6, 5.43814652032225e-6], rtol=1e-12)
    np.testing.assert_allclose(rxy, [0.0, -3.49883875345621e-7, -1.79211646692438e-6], rtol=1e-12, atol=1e-20)
    assert sim.DEBYE_T3 == pytest.approx(1943.770, abs=5e-4)


def test_point_noise_of_a_steep_line_on_paired_fields():
    """Symmetrized Hall rows come in pairs a few µT apart: the plain second difference of R_xy = R_H·B saw R_H × the
    field step (×70 the noise before); the divided difference sees the noise."""
    rng = np.random.default_rng(1)
    b = np.repeat(np.arange(1, 151) * 0.06, 2) + np.tile([0.0, 4e-6], 150)
    y = 200.0 * b + rng.normal(0.0, 0.05, b.size)
    assert point_noise(b, y) == pytest.approx(0.05, rel=0.15)
    even = np.linspace(0, 9, 300)  # an even grid gives the classic (y₊ − 2y + y₋)/√6
    y2 = rng.normal(0.0, 1.0, even.size)
    d = y2[2:] - 2 * y2[1:-1] + y2[:-2]
    d = d - np.median(d)
    s0 = 1.4826 * np.median(np.abs(d))
    assert point_noise(even, y2) == pytest.approx(math.sqrt(np.mean(d[np.abs(d) <= 4 * s0] ** 2) / 6), rel=1e-9)


def test_flat_rxx_fixes_no_field_offset_and_a_cusp_does():
    """One Drude band: R_xx is flat, so its symmetry says nothing about B0 (the estimate was −0.88 T on ±9 T)."""
    rng = np.random.default_rng(2)
    B = np.concatenate([np.linspace(9, -9, 301), np.linspace(-9, 9, 301)])
    flat = pd.DataFrame({"field_T": B, "resistance_ohm": 100.0 + 0.01 * 180.0 * B + rng.normal(0, 0.01, B.size),
                         "hall_resistance_ohm": 180.0 * B + rng.normal(0, 0.01, B.size)})
    assert hall_field_offset(flat) is None
    b0 = 3e-3  # two bands with a ρ_xy-shaped pickup in R_xx: B0 found within 0.5 mT
    Bt = B - b0
    rxx, rxy = sim.band_resistivity(Bt, [(2e12, 5000.0, -1.0), (3e12, 800.0, 1.0)])
    two = pd.DataFrame({"field_T": B, "resistance_ohm": 4 * rxx + 0.02 * rxy, "hall_resistance_ohm": rxy + 0.2 * 4 * rxx})
    assert hall_field_offset(two) == pytest.approx(b0, abs=5e-4)


def test_heat_weights_follow_absolute_and_relative_noise():
    T = np.geomspace(1.8, 8.0, 60)
    C = 1e-3 * T + 5e-5 * T**3
    rng = np.random.default_rng(3)
    w_abs = noise_weights(T, C + rng.normal(0, 2e-4, T.size))
    w_rel = noise_weights(T, C * (1 + rng.normal(0, 0.01, T.size)))
    assert w_abs.max() / w_abs.min() < 3.0  # absolute: nearly equal weights (1/|C| would span C's ×40)
    assert w_rel[0] / w_rel[-1] > 10.0  # relative: the small low-T values weigh more


N_HALL = 60
N_HEAT = 50
#: two-band files per study: with 30 the first seeds happen to sit at the edge of the ±2.5 SD window (n1 coverage
#: 46.7 % against 47.1 % at B_off 0, median pull of mu1 +0.44 at ±2 mT) while 200 files give 65.5–71.5 %
N_TWO = 60


@pytest.mark.slow
def test_hall_coverage(tmp_path):
    _check(_study([sim.hall_case(tmp_path, i) for i in range(N_HALL)]), N_HALL)


@pytest.mark.slow
def test_two_band_coverage_without_field_offset(tmp_path):
    """Two bands with pickups and magnet lag but no field offset: B₀ is still estimated (and its error propagated)."""
    _check(_study([sim.two_band_case(tmp_path, i, b_off_max_T=0.0) for i in range(N_TWO)]), N_TWO)


@pytest.mark.slow
def test_two_band_coverage_with_a_field_offset(tmp_path):
    """A ±2 mT offset: the ±B pairs then differ in |B| by twice it (R_xy's pickup of R_xx leaked q·R_xx′·B₀ into the
    Hall part; now taken out), and the estimated B₀'s own error moves n and μ (now in their errors)."""
    _check(_study([sim.two_band_case(tmp_path, i) for i in range(N_TWO)]), N_TWO)


def test_field_offset_error_is_calibrated(tmp_path):
    """The standard error of the B₀ estimated from the symmetry of R_xx against the simulated offsets: pulls of
    spread ≈ 1 (1σ coverage in its ±2.5 binomial-SD window, robust spread 0.75–1.3, median near 0)."""
    from sigmafit.prepare.carriers import hall_curves

    z = []
    for i in range(100):
        h = sim.random_two_band(tmp_path / f"b0_{i:03d}.dat", 1000 + i)
        rec = next(s for s in hall_curves(sigmafit.load(h.path), field_offset="auto").attrs["sigmafit"]["prepare"]
                   if s["step"] == "field_offset")
        (b0,), (sigma,) = rec["B0_T"].values(), rec["B0_sigma_T"].values()
        if sigma is not None:  # undetermined (flat R_xx): no offset subtracted, no error
            z.append((b0 - h.extra["B_off_T"]) / sigma)
    z = np.asarray(z)
    assert z.size >= 90
    lo, hi = _window(z.size)
    assert lo <= float(np.mean(np.abs(z) < 1.0)) <= hi, np.mean(np.abs(z) < 1.0)
    assert 0.75 <= 1.4826 * float(np.median(np.abs(z - np.median(z)))) <= 1.3
    assert abs(float(np.median(z))) <= 0.25


def test_pairs_of_unequal_field_leave_no_pickup_in_the_hall_part(tmp_path):
    """Noise-free two bands, B₀ = 2 mT given exactly, 30 % of R_xx in R_xy: the pairs (60k − B₀, −60k − B₀) differ in
    |B| by 4 mT, which left q·R_xx′·B₀ in the odd part (6·10⁻⁴ of ρ_xy); now ρ_xy to 4·10⁻⁵ (10⁻⁷ above 0.3 T)."""
    from sigmafit.prepare.carriers import hall_curves

    bands = [(3e12, 6000.0, -1.0), (4e12, 800.0, 1.0)]
    h = sim.hall_file(tmp_path / "exact.dat", bands, width_um=10.0, length_um=40.0, bmax_T=9.0, step_T=0.06, noise_xx=0.0,
                      noise_xy=0.0, rng=np.random.default_rng(5), B_off_T=2e-3, pickup=0.02, pickup_xy=0.3, offset_xy=0.0)
    out = hall_curves(sigmafit.load(h.path), field_offset=2e-3)
    b = out["field_T"].to_numpy()
    rho_xx, rho_xy = sim.band_resistivity(b, bands)
    far = b > 0.1
    np.testing.assert_allclose(out["hall_resistance_ohm"].to_numpy()[far], rho_xy[far], rtol=5e-5)
    np.testing.assert_allclose(out["resistance_ohm"].to_numpy(), 4 * rho_xx, rtol=1e-5)


def test_local_slope_of_even_and_odd_parts():
    b = np.linspace(0.0, 3.0, 61)
    np.testing.assert_allclose(local_slope(b, b**2, 1, 0.125)[:-2], 2 * b[:-2], atol=1e-9)  # even: 0 at B = 0, not one-sided
    # x³ through ±2 steps h: 3b² + (Σd⁴/Σd²) = 3b² + 3.4h², mirrored points included (odd: −(−x)³ = x³)
    np.testing.assert_allclose(local_slope(b, b**3, -1, 0.125)[:-2], 3 * b[:-2] ** 2 + 3.4 * 0.05**2, rtol=1e-9)


def test_a_known_field_offset_is_exact_and_an_estimated_one_adds_its_error(tmp_path):
    """``sigmafit fit`` with the default ``--field-offset auto`` adds the spread of the fits at B₀ ± σ to the errors
    and says so; a number given is taken as exact (the errors of the fit of its curves, nothing added)."""
    from sigmafit.prepare.carriers import hall_curves
    from sigmafit.prepare.geometry import Geometry
    from sigmafit.workflow import fit_file

    h = sim.random_two_band(tmp_path / "tb.dat", 7)
    auto = fit_file(h.path, "two-band", width_um=10, length_um=40)[0]
    given = fit_file(h.path, "two-band", width_um=10, length_um=40, field_offset=h.extra["B_off_T"])[0]
    bar = Geometry(kind="hallbar", width_um=10.0, length_um=40.0)
    plain = sigmafit.fit(hall_curves(sigmafit.load(h.path), bar, field_offset="auto"), "two-band", warn=False)
    assert auto.stderr("n1") > 2 * plain.stderr("n1")  # this file: the offset's error dominates that of n1
    assert any("the errors include its uncertainty" in w for w in auto.warnings)
    assert not any("is taken as exact" in w for w in auto.warnings)
    assert not any("errors include" in w for w in given.warnings)
    plain_given = sigmafit.fit(hall_curves(sigmafit.load(h.path), bar, field_offset=h.extra["B_off_T"]), "two-band",
                               warn=False)
    assert given.stderr("n1") == pytest.approx(plain_given.stderr("n1"), rel=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize(("noise", "error_column"), [("relative", True), ("absolute", False), ("relative", False)])
def test_heat_capacity_coverage(tmp_path, noise, error_column):
    _check(_study([sim.heat_case(tmp_path, i, noise=noise, error_column=error_column) for i in range(N_HEAT)]), N_HEAT)


def test_an_uncertain_field_offset_that_moves_the_hall_part_is_said(tmp_path):
    """Two bands, 30 % of R_xx in R_xy, noise 10⁻⁵ of R_xx, B0 = 1.3 mT on 60 mT steps: an error of the estimated B0
    leaves q·δ·dR_xx/dB in the antisymmetrized R_xy, far above its noise (the fits missed by up to 170σ with no
    warning); the preparation says so.  Without the pickup it does not."""
    from sigmafit.prepare.carriers import hall_curves

    bands = [(3e12, 6000.0, -1.0), (4e12, 800.0, 1.0)]
    for pickup_xy, expect in ((0.3, True), (0.0, False)):
        rng = np.random.default_rng(4)
        noise = 1e-5 * 4 * float(sim.band_resistivity(0.0, bands)[0][0])
        h = sim.hall_file(tmp_path / f"p{pickup_xy}.dat", bands, width_um=10.0, length_um=40.0, bmax_T=9.0, step_T=0.06,
                          noise_xx=noise, noise_xy=noise, rng=rng, B_off_T=1.3e-3, pickup=0.01, pickup_xy=pickup_xy,
                          offset_xy=0.0, T=10.0)
        out = hall_curves(sigmafit.load(h.path), field_offset="auto")
        said = [a for a in out.attrs["sigmafit"].get("assumptions", []) if "field offset estimated" in a]
        assert bool(said) is expect, said
        if expect:
            assert re.search(r"R_xy carries (29|30|31)\.\d% of R_xx", said[0]), said[0]


def test_batch_puts_the_field_offset_error_into_the_errors_like_fit(tmp_path):
    """`sigmafit batch` of a two-band file with an estimated field offset gives the errors `sigmafit fit` gives (the
    fits at B0 ± its standard error included), not the smaller ones that leave B0's error out."""
    from sigmafit.cli.main import main

    path, flags, _ = sim.two_band_case(tmp_path, 0)
    single = tmp_path / "one.json"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        main(["fit", str(path), *flags, "--json", str(single)])
        main(["batch", str(path), *flags, "--out", str(tmp_path / "run"), "--workers", "1"])
    one = json.loads(single.read_text())
    b0 = next(s for s in one["source"]["prepare"] if s["step"] == "field_offset")["B0_T"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):  # B0 given: taken as exact
        main(["fit", str(path), *flags, f"--field-offset={next(iter(b0.values())):.17g}", "--json", str(tmp_path / "b0.json")])
    exact = json.loads((tmp_path / "b0.json").read_text())
    row = pd.read_csv(tmp_path / "run" / "results.csv").iloc[0]
    said = [w for w in one["warnings"] if "the errors include its uncertainty" in w]
    assert len(said) == 1 and "the errors include its uncertainty" in row["warnings"]
    assert not any("is taken as exact" in a for a in one["source"].get("assumptions", []))  # no sentence contradicts it
    worst = float(re.search(r"by up to ([0-9.]+)×", said[0]).group(1))
    for name in ("n1", "mu1", "n2", "mu2"):
        assert row[f"{name}_stderr"] == pytest.approx(one["params"][name]["stderr"], rel=1e-6), name
        assert row[name] == pytest.approx(one["params"][name]["value"], rel=1e-9), name
        assert one["params"][name]["stderr"] >= exact["params"][name]["stderr"] * (1 - 1e-6), name
    # √(err² + d²) with d/err = `worst` for the value that moved most
    grown = max(one["params"][n]["stderr"] / exact["params"][n]["stderr"] for n in ("n1", "mu1", "n2", "mu2"))
    assert grown == pytest.approx(math.hypot(1.0, worst), rel=0.05)


def test_a_refit_that_raises_leaves_the_fit_and_says_the_offset_was_not_propagated():
    """The propagation amends a good fit: refits at B0 ± σ that raise (any error) cannot lose it."""
    from types import SimpleNamespace

    from sigmafit.fitting.offset_error import with_field_offset_error

    curve = pd.DataFrame({"field_T": [0.0, 1.0]})
    curve.attrs["sigmafit"] = {"prepare": [{"step": "field_offset", "mode": "auto", "B0_T": {0.0: 1e-3},
                                            "B0_sigma_T": {0.0: 2e-4}}]}
    par = SimpleNamespace(value=1.0, stderr=0.1)
    result = SimpleNamespace(params={"n1": par}, warnings=[], source={})

    def refit(b0):
        raise ValueError("the optimizer gave up")

    with_field_offset_error(result, curve, refit)
    assert par.stderr == 0.1 and par.value == 1.0
    assert result.warnings == ["the field offset B0 = 1 ± 0.2 mT could not be propagated into the errors (the fits at "
                               "B0 ± its error failed)"]


def _three_temperatures(tmp_path):
    """Three simulated two-band files (their own temperatures, offsets and pickups) as one loaded frame, and a .dat
    file holding the three (the PPMS rows one after another, as a cool-down in steps writes them)."""
    hs = [sim.random_two_band(tmp_path / f"t{i}.dat", 40 + i) for i in range(3)]
    frames = [sigmafit.load(h.path) for h in hs]
    df = pd.concat(frames, ignore_index=True)
    df.attrs = frames[0].attrs
    texts = [h.path.read_text().splitlines() for h in hs]
    joined = tmp_path / "three.dat"
    joined.write_text("\n".join(texts[0] + [row for t in texts[1:] for row in t[t.index("[Data]") + 2:]]) + "\n")
    return hs, frames, df, joined


def test_each_curve_takes_its_own_field_offset_from_a_mapping(tmp_path):
    """``field_offset={set point: B0}`` prepares every curve as a number given for its file alone would."""
    from sigmafit.prepare.carriers import hall_curves

    _, frames, df, _ = _three_temperatures(tmp_path)
    auto = hall_curves(df, field_offset="auto")
    keys = list(next(s for s in auto.attrs["sigmafit"]["prepare"] if s["step"] == "field_offset")["B0_T"])
    assert len(keys) == 3
    given = {k: 1e-3 * (j + 1) for j, k in enumerate(keys)}
    together = hall_curves(df, field_offset=given)
    for frame in frames:
        key = min(keys, key=lambda k: abs(k - frame["temperature_K"].median()))
        alone = hall_curves(frame, field_offset=given[key])
        mine = together[together["temperature_K"] == key]
        assert len(mine) == len(alone) > 100
        np.testing.assert_allclose(mine["hall_resistance_ohm"].to_numpy(), alone["hall_resistance_ohm"].to_numpy(), rtol=1e-12)
        np.testing.assert_allclose(mine["field_T"].to_numpy(), alone["field_T"].to_numpy(), rtol=0, atol=1e-15)


def test_the_offset_propagation_prepares_a_file_once_per_side(tmp_path, monkeypatch):
    """A file of several curves is prepared again twice in all (every offset moved by +σ, then by −σ), not twice per
    curve; each curve's errors are the ones its own file alone gives."""
    from sigmafit import workflow

    hs, _, _, joined = _three_temperatures(tmp_path)
    calls = []
    real = workflow.load_curves

    def counting(*args, **kwargs):
        calls.append(args[2].field_offset if len(args) > 2 else None)
        return real(*args, **kwargs)

    monkeypatch.setattr(workflow, "load_curves", counting)
    together = workflow.fit_file(joined, "two-band", width_um=10, length_um=40)
    assert len(together) == 3 and len(calls) == 3, calls  # the fit's own preparation, then one per side
    assert sum(isinstance(c, dict) for c in calls) == 2
    monkeypatch.setattr(workflow, "load_curves", real)
    alone = sorted((workflow.fit_file(h.path, "two-band", width_um=10, length_um=40)[0] for h in hs),
                   key=lambda r: r.params["n1"].value)
    for a, b in zip(sorted(together, key=lambda r: r.params["n1"].value), alone):
        for name in ("n1", "mu1", "n2", "mu2"):
            assert a.stderr(name) == pytest.approx(b.stderr(name), rel=1e-6), name
