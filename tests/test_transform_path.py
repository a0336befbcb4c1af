"""The transform path on raw files made like real ones: Δσ from measured ±B pairs, fitted with a free offset.

``raw_sweeps`` writes what an instrument gives for one temperature: a down- and an up-sweep of
R_xx and R_xy (Ω per square) on nominal set points 2.5 mT apart, read with a field offset of up
to ±0.6 mT, with Hall pickup in R_xx, an even pickup in R_xy, field read-back jitter and
Gaussian noise.  The sample is one electron band (PHYSICS.md §6 tensor) with the hln-dp
correction added to σ_xx.  ``benchmarks/transform_path_coverage.py`` uses the same generator
for the coverage and pull study.
"""

from __future__ import annotations

import lmfit
import numpy as np
import pandas as pd
import pytest

import sigmafit
import sigmafit.prepare as prep
from sigmafit import models
from sigmafit.models.formulas import localization as F
from sigmafit.models.formulas.tensor import band_conductivity, invert

TRUTH = {"L_phi": 200.0, "L_so": 60.0}  # nm: B_φ = 4.1 mT (under two steps), B_so = 46 mT
NOISE_OHM = 0.05
N_SHEET, MOBILITY = 1e17, 0.02  # m⁻², m²/Vs: R_□ = 3.1 kΩ, μB ≤ 0.002 in the window


def raw_sweeps(rng: np.random.Generator, *, b0: float | None = None, L_phi: float = TRUTH["L_phi"],
               L_so: float = TRUTH["L_so"], step: float = 2.5e-3, bmax: float = 0.1) -> pd.DataFrame:
    """Down- then up-sweep at 2 K of R_xx, R_xy (Ω/□) against the *reported* field (T); true B = reported − b0."""
    b0 = rng.uniform(-0.6e-3, 0.6e-3) if b0 is None else b0
    down = np.arange(bmax, -bmax - step / 2, -step)
    reported = np.concatenate([down, down[::-1][1:]]) + rng.normal(0.0, 20e-6, 2 * down.size - 1)
    true = reported - b0
    sxx, sxy = band_conductivity(true, N_SHEET, MOBILITY, -1)
    sxx = sxx + F.hln_dp(true, F.char_field(L_phi * 1e-9), F.char_field(L_so * 1e-9))
    rxx, rxy = invert(sxx, sxy)
    r_meas = rxx + 0.01 * rxy + rng.normal(0.0, NOISE_OHM, true.size)  # misaligned contacts: Hall pickup
    h_meas = rxy + 0.002 * rxx + rng.normal(0.0, NOISE_OHM, true.size)  # even pickup in the Hall voltage
    df = pd.DataFrame({"time_s": 5.0 * np.arange(true.size), "temperature_K": 2.0 + rng.normal(0, 2e-3, true.size),
                       "field_T": reported, "resistance_ohm": r_meas, "hall_resistance_ohm": h_meas})
    df.attrs["sigmafit"] = {"source": "simulated.dat", "truth": {"field_offset_T": b0, **TRUTH}}
    return df


def _weights(curve: pd.DataFrame) -> np.ndarray:
    """1/σ of each row's Δσ: √n_averaged · R_□² / σ_R (dσ = −dR/R², readings averaged)."""
    return np.sqrt(curve["n_averaged"].to_numpy()) * curve["sheet_resistance_ohm"].to_numpy() ** 2 / NOISE_OHM


def fit_curve(curve: pd.DataFrame, *, free_offset: bool = True):
    """``sigmafit.fit`` of one transform-path curve: hln-dp (+ a free constant) + the classical c₂·B² background."""
    model = models.get("hln-dp")
    if free_offset:
        model = model + lmfit.models.ConstantModel(prefix="off_")
    params = model.make_params(L_phi=150.0, L_so=50.0, **({"off_c": 0.0} if free_offset else {}))
    params.add("bg_c2", value=0.0)
    return sigmafit.fit(curve, model, weights=_weights(curve), params=params, background="quadratic", warn=False)


def _pair_averaged(field_plus_T, field_minus_T, L_phi, L_so, bg_c2, off_c):
    """What one transform-path row holds: the mean of hln-dp + c₂B² at its two readings' |B|, plus the offset."""
    f = models.model_class("hln-dp").function
    return 0.5 * sum(f(b, L_phi, L_so) + bg_c2 * b**2 for b in (field_plus_T, field_minus_T)) + off_c


def fit_curve_pair_averaged(curve: pd.DataFrame):
    """lmfit fit of the same curve with the model averaged over each row's two measured fields."""
    model = lmfit.Model(_pair_averaged, independent_vars=["field_plus_T", "field_minus_T"])
    params = model.make_params(L_phi=dict(value=150.0, min=0.0), L_so=dict(value=50.0, min=0.0), bg_c2=0.0, off_c=0.0)
    return model.fit(curve["delta_sigma_S"].to_numpy(), params, weights=_weights(curve),
                     field_plus_T=curve["field_plus_T"].to_numpy(), field_minus_T=curve["field_minus_T"].to_numpy())


def test_transform_path_pairs_measured_points_of_an_offset_file():
    df = raw_sweeps(np.random.default_rng(7), b0=0.6e-3)
    out = prep.magnetoconductance(df, prep.Geometry("sheet"), by=None)
    rec = {s["step"]: s for s in out.attrs["sigmafit"]["prepare"]}
    assert rec["field_offset"]["B0_T"][0.0] == pytest.approx(0.6e-3, abs=0.1e-3)
    sym = rec["symmetrize_parts"]
    assert sym["groups"][0]["pairing"].startswith("1 up/down pair")
    assert sym["n_unpaired"] == 0  # the offset shifts the grid by ¼ step: every reading still finds a partner
    # 0.6 mT on 2.5 mT steps: partners are 1.2–1.3 mT off the mirror field (plus jitter), never more than 0.6 step
    pairs = out["n_averaged"] > 1
    assert out.loc[pairs, "pair_mismatch_T"].between(0.9e-3, 1.6e-3).all()
    assert out["pair_mismatch_T"].max() <= 0.6 * 2.5e-3
    # Δσ is referred to the measured σ at the smallest |B|, and says so
    assert out["delta_sigma_S"].iloc[0] == 0.0
    assert out.attrs["sigmafit"]["delta_sigma_reference"]["fit_offset"] == "free"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_transform_path_with_a_free_offset_recovers_the_lengths(seed):
    """Raw file → magnetoconductance (auto offset, pairing) → hln-dp + free offset + c₂B²: the truth within 5 σ,
    both with the model at each row's mean field and averaged over its two readings."""
    out = prep.magnetoconductance(raw_sweeps(np.random.default_rng(seed)), prep.Geometry("sheet"), by=None)
    for r in (fit_curve(out), fit_curve_pair_averaged(out)):
        assert r.success
        for k, v in TRUTH.items():
            p = r.params[k]
            assert p.stderr is not None and abs(p.value - v) < 5 * p.stderr, (seed, k, p.value, p.stderr, v)
        redchi = r.redchi if hasattr(r, "redchi") else r.summary()["statistics"]["redchi"]
        assert 0.5 < redchi < 2.0  # the weights are the rows' real noise


@pytest.mark.parametrize("seed", [4, 11])
def test_transform_command_starts_in_the_right_minimum(tmp_path, seed):
    """``sigmafit fit FILE --transform`` on the coverage-study files whose classical c₂B² (large mobility) once sent
    the start of L_so to the top of the search range: the fit then ended at L_so ≈ 0.05–2 nm with L_φ 13–22σ off.
    Start values that allow for the offset and c₂B² (``background_powers``) land at the truth within 4σ."""
    import json

    import simulate_raw as sim
    from sigmafit.cli.main import main

    s = sim.random_case(tmp_path / "raw.dat", seed)
    out = tmp_path / "fit.json"
    code = main(["fit", str(s.path), "--model", "hln-dp", "--width", "10", "--length", "40", "--bmax", "0.3",
                 "--transform", "--json", str(out)])
    assert code in (0, 1)
    result = json.loads(out.read_text())
    params = result["params"]
    assert "n_averaged" in result["source"]["weights"]  # rows of one reading count 1/√2 of a pair
    for name, truth in (("L_phi", s.film.L_phi_nm), ("L_so", s.film.L_so_nm)):
        p = params[name]
        assert abs(p["value"] - truth) < 4 * p["stderr"], (name, p, truth)


def test_rows_weigh_by_the_readings_they_average():
    """Without other weights a symmetrized row of n readings weighs √n: the point near B = 0 paired with itself
    (one reading) counts 1/√2 of a pair."""
    from sigmafit.fitting.curve import curve_data
    from sigmafit.fitting.options import FitSettings

    out = prep.magnetoconductance(raw_sweeps(np.random.default_rng(1)), prep.Geometry("sheet"), by=None)
    assert set(out["n_averaged"]) == {1, 2}
    curve = curve_data(out, models.get("hln-dp"), FitSettings())
    np.testing.assert_allclose(curve.weights, np.sqrt(out["n_averaged"].to_numpy(float)), rtol=0)
    assert not curve.weighted  # relative weights: χ²_ν is not read against a known noise
    assert curve_data(out, models.get("hln-dp"), FitSettings(weights="none")).weights is None
