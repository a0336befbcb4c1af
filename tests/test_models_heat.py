"""Heat capacity C(T) = γT + βT³ (+ Schottky), thermal conductivity κ = aT + bT^p, molar conversion, C/T vs T².

Independent numbers: PHYSICS.md §6 (12π⁴R/5 = 1943.770 J mol⁻¹ K⁻¹; γ = 0.695 mJ mol⁻¹ K⁻² ↔ 0.2948 states
eV⁻¹ atom⁻¹), hand calculations written out below, and simulate → fit → recover (≈ 5 standard errors).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import sigmafit
from sigmafit.constants import LORENZ_0
from sigmafit.exceptions import DataFormatError
from sigmafit.models.formulas import heat as F
from sigmafit.models.heat import electronic_kappa
from sigmafit.prepare.heat import c_over_t, molar_heat_capacity


def _fit(df, model, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sigmafit.fit(df, model, warn=False, **kw)


def test_constants_against_physics_md():
    assert F.DEBYE_T3 == pytest.approx(1943.770, abs=5e-4)  # PHYSICS.md §6: 12π⁴R/5
    assert LORENZ_0 == pytest.approx(2.443004509e-8, rel=1e-9)  # PHYSICS.md §6: (π²/3)(k_B/e)²
    # copper: γ = 0.695 mJ mol⁻¹ K⁻² ↔ 0.2948 states eV⁻¹ atom⁻¹ (PHYSICS.md §6, r = 1)
    assert F.dos_at_fermi_level(0.695e-3) == pytest.approx(0.2948, abs=5e-5)
    # Θ_D ↔ β round trip and a hand value: Θ_D = 343.5 K, r = 1 → β = 1943.770/343.5³ = 4.7960e-5 J mol⁻¹ K⁻⁴
    assert F.beta_from_debye(343.5, 1) == pytest.approx(1943.770 / 343.5**3, rel=1e-6)
    assert F.debye_temperature(F.beta_from_debye(250.0, 3), 3) == pytest.approx(250.0, rel=1e-14)


def test_derived_quantities_of_the_model():
    model = sigmafit.models.get("heat-capacity")
    p = model.make_params()
    p["gamma"].set(value=0.695)
    p["r"].set(value=2.0)
    p["beta"].set(value=2 * 1943.770 / 300.0**3 * 1e3)  # β for Θ_D = 300 K and r = 2, in mJ
    assert p["theta_D"].value == pytest.approx(300.0, rel=1e-6)
    assert p["N_EF"].value == pytest.approx(0.2948, abs=5e-5)  # per formula unit (γ is per mole of f.u.)
    assert p["N_EF_atom"].value == pytest.approx(0.2948 / 2, abs=5e-5)


def test_schottky_limits():
    T = np.array([1e-3, 1e3])
    # T ≪ Δ: exponentially small (no overflow warning); T ≫ Δ: x²eˣ/(1+eˣ)² = y²·sech²y with y = Δ/2T,
    # sech²y = 1 − y² + (2/3)y⁴ − …
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c = F.schottky(T, 1.0, 10.0)
    assert c[0] == 0.0
    y = 10.0 / 2e3
    assert c[1] == pytest.approx(8.31446261815324 * y**2 * (1 - y**2 + 2 * y**4 / 3), rel=1e-12)


def _simulated_c(rng, theta=300.0, r=2, gamma=1.2, noise=0.005, T=None, **extra):
    T = np.linspace(1.8, 6.0, 60) if T is None else T
    beta = F.beta_from_debye(theta, r)
    C = F.low_t_heat_capacity(T, gamma * 1e-3, beta, **extra) * (1 + noise * rng.standard_normal(T.size))
    return pd.DataFrame({"temperature_K": T, "molar_heat_capacity_J_per_molK": C})


def test_debye_temperature_within_one_percent():
    """Θ_D = 300 K, r = 2, γ = 1.2 mJ mol⁻¹ K⁻², 0.5 % noise, 1.8–6 K: Θ_D within 1 % and 5 standard errors."""
    rng = np.random.default_rng(1)
    res = _fit(_simulated_c(rng), "heat-capacity", fix={"r": 2})
    th, g = res.params["theta_D"], res.params["gamma"]
    assert abs(th.value / 300.0 - 1) < 0.01
    assert abs(th.value - 300.0) < 5 * th.stderr
    assert abs(g.value - 1.2) < 5 * g.stderr
    assert res.summary()["derived"]["theta_D"]["unit"] == "K"
    # default weights 1/σ with σ² = (f·Ĉ)² + a² estimated from the data: χ²_ν ≈ 1 (it was 0.005², the squared
    # relative noise, with the former 1/|C| weights)
    assert 0.5 < res.summary()["statistics"]["redchi"] < 2.0
    assert res.warnings == []


def test_relative_default_weights_are_not_an_estimated_noise():
    """C and κ span decades: both are weighted by 1/σ, σ² = (f·ŷ)² + a² — only its shape is used (the covariance is
    scaled by χ²_ν), so no χ²_ν is read against an estimated noise."""
    from sigmafit.fitting.curve import curve_data
    from sigmafit.fitting.options import FitSettings

    df = _simulated_c(np.random.default_rng(1))
    y = df["molar_heat_capacity_J_per_molK"].to_numpy()
    kappa = pd.DataFrame({"temperature_K": df["temperature_K"], "thermal_conductivity_W_per_mK": 1e3 * y})
    for name, data in (("heat-capacity", df), ("kappa", kappa)):
        curve = curve_data(data, sigmafit.models.get(name), FitSettings())
        assert curve.noise_estimated is False and curve.weighted is False, name
        # both 1/σ, σ² = (f·ŷ)² + a² (relative and absolute scatter; tests/test_coverage_carriers.py, test_coverage_misc.py)
        from sigmafit.models.guess.heat import noise_weights

        exponents = (1.0, 3.0, 5.0)  # C: T, T³, T⁵; κ with p = 3: T, T^p, T^(p+2)
        np.testing.assert_allclose(curve.weights, noise_weights(data["temperature_K"].to_numpy(), data.iloc[:, 1].to_numpy(),
                                                                exponents), rtol=1e-12)


def test_schottky_anomaly_recovered():
    rng = np.random.default_rng(2)
    df = _simulated_c(rng, T=np.geomspace(0.4, 8.0, 80), n_sch=0.01, delta=2.0, noise=0.003)
    res = _fit(df, "heat-capacity", fix={"r": 2}, init={"n_sch": 0.02, "Delta": 1.5})
    for name, truth in (("n_sch", 0.01), ("Delta", 2.0), ("theta_D", 300.0), ("gamma", 1.2)):
        p = res.params[name]
        assert abs(p.value - truth) < 5 * p.stderr, name


def test_t_cubed_range_warning():
    rng = np.random.default_rng(3)
    df = _simulated_c(rng, theta=100.0, T=np.linspace(2, 12, 30))  # reaches Θ_D/8
    res = _fit(df, "heat-capacity", fix={"r": 2})
    assert any("T³ law holds for T ≲ Θ_D/50" in w for w in res.warnings)


def test_molar_conversion_and_c_over_t():
    # 12.5 mg of a compound with M = 250 g/mol is 5e-5 mol: C_molar = C / 5e-5
    df = pd.DataFrame({"temperature_K": [2.0, 4.0], "heat_capacity_J_per_K": [1e-7, 4e-7], "heat_capacity_err_J_per_K": [1e-9, 2e-9]})
    df.attrs["sigmafit"] = {"source": "c.dat", "errors": {"heat_capacity_J_per_K": "heat_capacity_err_J_per_K"}}
    out = molar_heat_capacity(df, sample_mass_mg=12.5, molar_mass_g_per_mol=250.0, sample_mass_err_mg=0.125)
    np.testing.assert_allclose(out["molar_heat_capacity_J_per_molK"], [2e-3, 8e-3], rtol=1e-12)
    # 1 % from C and 1 % from the mass in quadrature: √2 %
    np.testing.assert_allclose(out["molar_heat_capacity_err_J_per_molK"], [2e-3 * math.sqrt(2) * 0.01, 8e-3 * 0.01 * math.hypot(0.5, 1)], rtol=1e-12)
    assert out.attrs["sigmafit"]["errors"]["molar_heat_capacity_J_per_molK"] == "molar_heat_capacity_err_J_per_molK"
    assert "molar_heat_capacity_J_per_molK" not in df.columns  # input untouched
    ct = c_over_t(out)
    np.testing.assert_allclose(ct["temperature_squared_K2"], [4.0, 16.0])
    np.testing.assert_allclose(ct["c_over_t_J_per_molK2"], [1e-3, 2e-3], rtol=1e-12)
    assert "c_over_t_err_J_per_molK2" in ct.columns


def test_negative_heat_capacity_is_one_sentence():
    df = pd.DataFrame({"temperature_K": [2.0, 3.0, 4.0], "heat_capacity_J_per_K": [1e-7, -2e-8, 3e-7]})
    df.attrs["sigmafit"] = {"source": "run7.dat"}
    with pytest.raises(DataFormatError, match=r"run7\.dat: column 'heat_capacity_J_per_K' has 1 value\(s\) ≤ 0 \(first at row 1, temperature_K = 3"):
        molar_heat_capacity(df, sample_mass_mg=1.0, molar_mass_g_per_mol=100.0)
    molar = pd.DataFrame({"temperature_K": [2.0, 3.0, 4.0, 5.0], "molar_heat_capacity_J_per_molK": [1e-3, 2e-3, -1e-4, 5e-3]})
    with pytest.raises(DataFormatError, match="addenda"):
        sigmafit.fit(molar, "heat-capacity")
    with pytest.raises(ValueError, match="sample_mass_mg must be > 0"):
        molar_heat_capacity(df.iloc[[0]], sample_mass_mg=0.0, molar_mass_g_per_mol=100.0)


def test_kappa_fit_and_phonon_subtraction():
    """κ = aT + bT³ with a = L₀/ρ₀ (ρ₀ = 1 µΩ·cm) and b = 2e-3: both recovered; κ − bT³ = aT within its error."""
    rng = np.random.default_rng(4)
    T = np.linspace(1.0, 10.0, 40)
    a = LORENZ_0 / 1e-8  # ρ₀ = 1e-8 Ω·m
    kap = F.power_law_kappa(T, a, 2e-3) * (1 + 0.01 * rng.standard_normal(T.size))
    df = pd.DataFrame({"temperature_K": T, "thermal_conductivity_W_per_mK": kap,
                       "thermal_conductivity_err_W_per_mK": 0.01 * F.power_law_kappa(T, a, 2e-3)})
    df.attrs["sigmafit"] = {"errors": {"thermal_conductivity_W_per_mK": "thermal_conductivity_err_W_per_mK"}}
    res = _fit(df, "kappa")
    assert abs(res.params["a"].value - a) < 5 * res.params["a"].stderr
    assert abs(res.params["b"].value - 2e-3) < 5 * res.params["b"].stderr
    ke = electronic_kappa(df, res.params)
    err = ke["electronic_thermal_conductivity_err_W_per_mK"].to_numpy()
    assert np.all(err > df["thermal_conductivity_err_W_per_mK"].to_numpy())  # the phonon error is added
    pull = (ke["electronic_thermal_conductivity_W_per_mK"] - a * T) / err
    assert np.sqrt(np.mean(pull**2)) < 2.0


def test_phonons_fixed_at_zero_give_an_infinite_debye_temperature():
    """``--fix beta=0`` (electrons only): Θ_D = (12π⁴Rr/5β)^⅓ is infinite — a value, not a ZeroDivisionError."""
    rng = np.random.default_rng(3)
    res = _fit(_simulated_c(rng), "heat-capacity", fix={"r": 2, "beta": 0})
    assert res.params["beta"].value == 0.0 and not res.params["beta"].vary
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy's "divide by zero", from lmfit's interpreter
        assert math.isinf(res.params["theta_D"].value)
    assert math.isfinite(res.params["gamma"].value)
