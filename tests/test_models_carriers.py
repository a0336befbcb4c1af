"""Hall and two-band models: PHYSICS.md §6 values, hand formulas, simulate → fit → recover, identifiability.

Data are simulated with :func:`sigmafit.models.formulas.tensor.resistivity` (SI, the tensor tested against
PHYSICS.md §6 in test_formulas_tensor.py), not with the models' own transport-unit wrappers.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import sigmafit
from sigmafit.constants import E_CHARGE
from sigmafit.exceptions import DataFormatError, ModelOptionError
from sigmafit.models.formulas import carriers as F
from sigmafit.models.formulas import tensor


def _fit(df, model, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sigmafit.fit(df, model, warn=False, **kw)


def _pull(par, truth):
    return (par.value - truth) / par.stderr


def _sheet_curves(bands_si, B, noise_xx, noise_xy, seed):
    """ρ_xx, ρ_xy (Ω per square) of SI sheet bands (n in m⁻², μ in m²/Vs) with Gaussian noise."""
    rng = np.random.default_rng(seed)
    rxx, rxy = tensor.resistivity(B, bands_si)
    return pd.DataFrame({"field_T": B,
                         "sheet_resistance_ohm": rxx + noise_xx * rng.standard_normal(B.size),
                         "hall_resistance_ohm": rxy + noise_xy * rng.standard_normal(B.size)})


# --------------------------------------------------------------------------- formulas
def test_hall_density_and_mobility_by_hand():
    # R_H = 1/(q n): electrons, n_s = 3e15 m⁻² = 3e11 cm⁻² → R_H = −1/(1.602176634e-19 · 3e15) = −2080.503 Ω/T
    R_H = -1.0 / (E_CHARGE * 3e15)
    assert R_H == pytest.approx(-2080.5030, rel=1e-7)
    assert F.hall_density(R_H) == pytest.approx(-3e11, rel=1e-14)
    # bulk: 1e19 cm⁻³ holes = 1e25 m⁻³ → R_H = 6.2415e-7 Ω·m = 6.2415e-5 Ω·cm/T
    assert F.hall_density(1.0 / (E_CHARGE * 1e25) * 100.0) == pytest.approx(1e19, rel=1e-14)
    # μ = |R_H|/ρ: 2080.5 Ω/T over 4161 Ω = 0.5 /T = 0.5 m²/Vs = 5000 cm²/Vs
    assert F.hall_mobility(R_H, 2.0 * abs(R_H)) == pytest.approx(5000.0, rel=1e-14)


def test_two_band_low_field_limits_match_textbook_and_physics_table():
    # PHYSICS.md §6 bands in transport units (1e19 cm⁻³, 1000 cm²/Vs electrons; 5e18, 500 holes)
    bands = [(1e19, 1000.0, -1), (5e18, 500.0, +1)]
    rho0, RH, a2 = F.two_band_low_field(bands)
    assert rho0 == pytest.approx(4.99320725956861e-6 * 100, rel=1e-12)  # PHYSICS.md ρ_xx(0) in Ω·cm
    # textbook R_H = (p μh² − n μe²)/(e (p μh + n μe)²) in SI (m³/C = Ω·m/T) → Ω·cm/T
    n, p, me, mh = 1e25, 5e24, 0.1, 0.05
    assert RH == pytest.approx((p * mh**2 - n * me**2) / (E_CHARGE * (p * mh + n * me) ** 2) * 100, rel=1e-12)
    # a₂ against a finite difference of the exact tensor at small B
    B = 1e-3
    rxx = F.two_band(B, bands)[0]
    assert (rxx - rho0) / B**2 == pytest.approx(a2, rel=1e-5)
    # the slope of ρ_xy at small B is R_H (PHYSICS.md table: −3.49883875345621e-7 Ω·m at 1 T is below the slope)
    assert F.two_band(B, bands)[1] / B == pytest.approx(RH, rel=1e-5)


# --------------------------------------------------------------------------- one band
def test_hall_sheet_recovers_density_and_mobility():
    """One electron band, n_s = 3e11 cm⁻², μ = 5000 cm²/Vs, ±1 Ω noise on both parts: n_s, μ_H within 5σ."""
    B = np.linspace(0.0, 2.0, 81)
    df = _sheet_curves([(3e15, 0.5, -1)], B, 1.0, 1.0, seed=11)
    res = _fit(df, "hall")
    n_s, mu = res.params["n_s"], res.params["mu_H"]
    assert n_s.value < 0  # electrons
    assert abs(_pull(n_s, -3e11)) < 5 and abs(_pull(mu, 5000.0)) < 5
    assert n_s.stderr / 3e11 < 0.01
    assert 0.6 < res.summary()["statistics"]["redchi"] < 1.5  # per-part noise weights: χ²_ν ≈ 1
    assert res.summary()["derived"]["mu_H"]["unit"] == "cm²/(V·s)"
    assert res.warnings == []


def test_hall_fit_with_estimated_noise_says_when_the_model_misses_within_the_noise():
    """A ρ_xx with a ln B term (a weak-localization tail, not a B² magnetoresistance) fitted with a₂ free: the held-term
    check has nothing to name, so χ²_ν against the estimated noise must (expected 1 ± ~0.3 for 61 points a part)."""
    B = np.linspace(0.5, 2.0, 61)
    clean = _sheet_curves([(3e15, 0.5, -1)], B, 1.0, 1.0, seed=12)
    assert not any("χ²_ν" in w for w in _fit(clean, "hall", init={"mr2": 0.0}).warnings)
    tail = clean.assign(sheet_resistance_ohm=clean["sheet_resistance_ohm"] + 40.0 * np.log(B))  # ≫ 1 Ω noise
    res = _fit(tail, "hall", init={"mr2": 0.0})
    assert res.summary()["statistics"]["redchi"] > 3
    assert any("χ²_ν" in w and "noise estimated from the data's point-to-point scatter" in w for w in res.warnings)


def _with_errors(df, err_xx, err_xy):
    out = df.assign(rxx_err=err_xx, rxy_err=err_xy)
    out.attrs["sigmafit"] = {"errors": {"sheet_resistance_ohm": "rxx_err", "hall_resistance_ohm": "rxy_err"}}
    return out


def test_hall_error_columns_are_one_sigma_and_chi2_checks_them():
    """±1 Ω noise on both parts.  Error columns saying 1 Ω are honest: χ²_ν ≈ 1 (1 ± 0.11 for 162 − 2 points), no
    warning.  Error columns saying 0.1 Ω are 10× too small: χ²_ν ≈ 10² and the fit says so."""
    B = np.linspace(0.0, 2.0, 81)
    df = _sheet_curves([(3e15, 0.5, -1)], B, 1.0, 1.0, seed=11)
    honest = _fit(_with_errors(df, 1.0, 1.0), "hall")
    assert 0.6 < honest.summary()["statistics"]["redchi"] < 1.5
    assert honest.source["weights"] == "1/rxx_err+rxy_err (the data's own uncertainties)"
    assert not any("χ²_ν" in w for w in honest.warnings)
    small = _fit(_with_errors(df, 0.1, 0.1), "hall")
    assert 60 < small.summary()["statistics"]["redchi"] < 150
    assert any("χ²_ν" in w and "with the data's uncertainties" in w for w in small.warnings)


def test_hall_weights_column_is_one_sigma_of_every_part():
    """``weights=COLUMN`` (the CLI's ``--weights COL``) names 1σ uncertainties: weight 1/σ for both parts, checked by χ²_ν."""
    B = np.linspace(0.0, 2.0, 81)
    df = _sheet_curves([(3e15, 0.5, -1)], B, 1.0, 1.0, seed=11).assign(sigma=0.1)
    res = _fit(df, "hall", weights="sigma")
    np.testing.assert_allclose(res.weights, 10.0)
    assert res.source["weights"] == "1/sigma (per-point 1σ uncertainties of sheet_resistance_ohm+hall_resistance_ohm)"
    assert any("χ²_ν" in w and "with the data's uncertainties" in w for w in res.warnings)

def test_hall_3d_and_cubic_term_give_the_zero_field_slope():
    """Two bands in Ω·cm: with a₂ and h₃ free, R_H is the zero-field slope of ρ_xy (the two-band R_H(0)) and
    ρ_xx(0) the PHYSICS.md value; with a₂ held at 0 the model says the data disagree."""
    bands_si = [(1e25, 0.1, -1), (5e24, 0.05, +1)]
    B = np.linspace(0.0, 1.5, 61)
    rng = np.random.default_rng(5)
    rxx, rxy = tensor.resistivity(B, bands_si)
    df = pd.DataFrame({"field_T": B, "resistivity_ohm_cm": 100 * rxx + 1e-8 * rng.standard_normal(B.size),
                       "hall_resistivity_ohm_cm": 100 * rxy + 1e-8 * rng.standard_normal(B.size)})
    held = _fit(df, "hall-3d", init={"h3": 0.0})  # a₂ held at 0 although two bands have magnetoresistance
    assert any("ρ_xx has a B² magnetoresistance that the model holds at 0" in w for w in held.warnings)
    res = _fit(df, "hall-3d", init={"h3": 0.0, "mr2": 0.0})
    assert not any("holds at 0" in w for w in res.warnings)
    n, p, me, mh = 1e25, 5e24, 0.1, 0.05
    RH0 = (p * mh**2 - n * me**2) / (E_CHARGE * (p * mh + n * me) ** 2) * 100  # Ω·cm/T, textbook
    assert abs(_pull(res.params["R_H"], RH0)) < 5
    assert abs(_pull(res.params["rho_xx0"], 4.99320725956861e-4)) < 5  # PHYSICS.md §6 ρ_xx(0) in Ω·cm


def test_hall_without_geometry_column_is_one_sentence():
    df = pd.DataFrame({"field_T": [0.0, 0.5, 1.0], "resistance_ohm": [1.0, 1.0, 1.0], "hall_resistance_ohm": [0.0, 1.0, 2.0]})
    with pytest.raises(DataFormatError, match="fitting 'hall' needs the canonical column 'sheet_resistance_ohm'"):
        sigmafit.fit(df, "hall")


def test_superconducting_rho_flagged():
    model = sigmafit.models.get("hall")
    p = model.make_params()
    p["rho_xx0"].set(value=-1e-4)
    assert any("Hall mobility is undefined" in w for w in model.diagnose(p, np.linspace(0, 1, 5)))


# --------------------------------------------------------------------------- two bands
ELECTRONS_HOLES = [(2e16, 0.8, -1), (1e16, 0.15, +1)]  # SI sheet: 2e12 cm⁻², 8000 cm²/Vs; 1e12 cm⁻², 1500 cm²/Vs
TRUTH = {"n1": 2e12, "mu1": 8000.0, "n2": 1e12, "mu2": 1500.0}


def test_two_band_all_four_parameters_fixed_by_high_field_data():
    """μ₁B up to 7: the Lorentzian crossover is in the data and fixes all four parameters (within 5σ)."""
    df = _sheet_curves(ELECTRONS_HOLES, np.linspace(0.0, 9.0, 91), 0.5, 0.5, seed=3)
    res = _fit(df, "two-band")
    for k, v in TRUTH.items():
        assert abs(_pull(res.params[k], v)) < 5, k
        assert res.params[k].stderr < 0.05 * v, k
    assert not any("μB" in w for w in res.warnings)
    assert res.warnings == []


def test_two_band_low_field_cannot_separate_the_bands_and_says_so():
    """|B| ≤ 0.2 T (μB ≤ 0.16): only ρ₀, R_H and the B² term are measured; the warning fires."""
    df = _sheet_curves(ELECTRONS_HOLES, np.linspace(0.0, 0.2, 41), 0.05, 0.05, seed=4)
    res = _fit(df, "two-band")
    assert any("μB ≤" in w and "three combinations" in w for w in res.warnings)


def test_two_band_constrained_by_zero_field_resistivity():
    df = _sheet_curves(ELECTRONS_HOLES, np.linspace(0.0, 9.0, 91), 0.5, 0.5, seed=6)
    rho0 = float(tensor.resistivity(0.0, ELECTRONS_HOLES)[0])
    res = _fit(df, "two-band", rho_xx0=rho0)
    assert res.params["mu2"].expr  # μ2 follows from σ(0) = e(n1μ1 + n2μ2)
    assert res.summary()["statistics"]["nvarys"] == 3
    for k in ("n1", "mu1", "n2"):
        assert abs(_pull(res.params[k], TRUTH[k])) < 5, k
    assert res.params["mu2"].value == pytest.approx(1500.0, rel=0.01)


def test_two_band_free_signs_find_the_carrier_types():
    df = _sheet_curves(ELECTRONS_HOLES, np.linspace(0.0, 9.0, 91), 0.5, 0.5, seed=8)
    res = _fit(df, "two-band", signs="free")
    n = sorted((res.params["n1"].value, res.params["n2"].value))
    assert n[0] == pytest.approx(-2e12, rel=0.02) and n[1] == pytest.approx(1e12, rel=0.02)


def test_two_band_options_are_checked():
    with pytest.raises(ModelOptionError, match="signs must be one of"):
        sigmafit.models.get("two-band", signs="xy")
    with pytest.raises(ModelOptionError, match="rho_xx0 must be a resistivity > 0"):
        sigmafit.models.get("two-band-3d", rho_xx0=-1.0)
