"""Hall curves from instrument-like files, Kohler's rule and the Wiedemann–Franz ratio.

Synthetic files are built like the PPMS ones: long format with a ``channel`` column and roles in
``attrs["sigmafit"]["channels"]``, up and down sweeps, an even pickup in the Hall channel and an odd
Hall leak in R_xx, noise.  Truth comes from the SI tensor and from L₀ = (π²/3)(k_B/e)² (PHYSICS.md §6).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import sigmafit
from sigmafit.constants import LORENZ_0
from sigmafit.exceptions import DataFormatError, DataWarning
from sigmafit.models.heat import electronic_kappa
from sigmafit.models.formulas import tensor
from sigmafit.prepare import Geometry
from sigmafit.prepare.carriers import hall_curves, kohler, kohler_collapse, lorenz_ratio

W_UM, L_UM = 10.0, 30.0


def _fit(df, model, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sigmafit.fit(df, model, warn=False, **kw)


def _long_file(densities, key="temperature_K", values=(2.0, 10.0), mu=0.4, noise=0.05, seed=0, bmax=2.0):
    """Two channels (1 = xx, 2 = xy), one down and one up sweep per set point, one electron band per set point.

    R_xx = R_□·L/W + 0.02·R_xy (odd leak), R_xy = ρ_xy + 0.1·R_xx (even pickup); SI sheet density n (m⁻²).
    """
    rng = np.random.default_rng(seed)
    rows = []
    t = 0.0
    for value, n in zip(values, densities, strict=True):
        for B in (np.linspace(bmax, -bmax, 81), np.linspace(-bmax, bmax, 81)):
            rxx_sheet, rxy = tensor.resistivity(B, [(n, mu, -1)])
            rxx = rxx_sheet * L_UM / W_UM
            meas_xx = rxx + 0.02 * rxy + noise * rng.standard_normal(B.size)
            meas_xy = rxy + 0.1 * rxx + noise * rng.standard_normal(B.size)
            jitter = 1e-3 * rng.standard_normal(B.size)
            for ch, r in ((1, meas_xx), (2, meas_xy)):
                rows.append(pd.DataFrame({"time_s": t + np.arange(B.size), "field_T": B, key: value + jitter,
                                          "channel": ch, "resistance_ohm": r}))
            t += B.size
    df = pd.concat(rows, ignore_index=True).sort_values(["time_s", "channel"], kind="stable", ignore_index=True)
    df.attrs["sigmafit"] = {"source": "synthetic.dat", "channels": {1: {"name": "TMR", "role": "xx"}, 2: {"name": "Hall", "role": "xy"}}}
    return df


def test_hall_curves_antisymmetrize_and_recover_density_per_temperature():
    df = _long_file([3e15, 6e15])
    curves = hall_curves(df, Geometry("hallbar", width_um=W_UM, length_um=L_UM))
    assert sorted(curves["curve"].unique()) == ["T = 10 K", "T = 2 K"]
    assert curves.attrs["sigmafit"]["prepare"][-1]["step"] == "hall_curves"
    for (T, n), (_, g) in zip(((2.0, 3e15), (10.0, 6e15)), curves.groupby("temperature_K"), strict=True):
        truth_xx, truth_xy = tensor.resistivity(g["field_T"].to_numpy(), [(n, 0.4, -1)])
        # the pickup (even) and the leak (odd) are gone; what is left is the averaged noise (0.05/2 per point)
        assert np.max(np.abs(g["hall_resistance_ohm"] - truth_xy)) < 0.25
        assert np.max(np.abs(g["sheet_resistance_ohm"] - truth_xx)) < 0.25 * W_UM / L_UM
        res = _fit(g, "hall")
        n_s = res.params["n_s"]
        assert abs(n_s.value - (-n * 1e-4)) < 5 * n_s.stderr, T
        assert abs(res.params["mu_H"].value - 4000.0) < 5 * res.params["mu_H"].stderr
    assert "hall_resistance_ohm" not in df.columns  # input untouched


def test_hall_curves_per_gate_and_bulk_units():
    df = _long_file([2e15, 4e15, 6e15], key="gate_V", values=(-5.0, 0.0, 5.0), seed=2)
    curves = hall_curves(df, Geometry("hallbar", width_um=W_UM, length_um=L_UM, thickness_nm=50.0), by="gate_V", tolerance=0.05)
    assert list(curves["curve"].unique()) == ["gate_V = -5", "gate_V = 0", "gate_V = 5"]
    for (gate, g), n in zip(curves.groupby("gate_V"), (2e15, 4e15, 6e15), strict=True):
        res = _fit(g, "hall-3d")
        dens = res.params["n"]  # cm⁻³ = n_s / t: 1e-4·n (cm⁻²) / 50e-7 cm
        assert abs(dens.value - (-n * 1e-4 / 50e-7)) < 5 * dens.stderr, gate


def test_hall_file_without_field_reversal_is_one_sentence():
    df = _long_file([3e15], values=(2.0,))
    df = df[df["field_T"] >= 0].reset_index(drop=True)
    with pytest.raises(DataFormatError, match=r"synthetic\.dat: hall_curves needs the field reversed \(B > 0 and B < 0\) at T = 2 K"):
        hall_curves(df, Geometry("sheet"))


# --------------------------------------------------------------------------- Kohler
def _kohler_file(mobility_scale, seed=0, noise=1e-4):
    """Sheet resistance of two bands at three temperatures; band mobilities scaled per temperature."""
    rng = np.random.default_rng(seed)
    rows = []
    B = np.linspace(-9.0, 9.0, 181)
    for T, (f1, f2) in zip((5.0, 50.0, 150.0), mobility_scale, strict=True):
        rxx, _ = tensor.resistivity(B, [(2e16, 0.3 * f1, -1), (1e16, 0.1 * f2, +1)])
        rows.append(pd.DataFrame({"temperature_K": T, "field_T": B, "sheet_resistance_ohm": rxx * (1 + noise * rng.standard_normal(B.size))}))
    return pd.concat(rows, ignore_index=True)


def test_kohler_collapse_holds_for_one_scattering_time_and_fails_otherwise():
    """Both mobilities scaled by one factor (one scattering time): MR = F(B/ρ₀) exactly, spread at the noise level.
    Only one band's mobility changing with T: Kohler's rule is violated and the spread is large."""
    obeys = kohler(_kohler_file([(1.0, 1.0), (0.6, 0.6), (0.3, 0.3)]))
    assert set(obeys.columns) >= {"curve", "temperature_K", "magnetoresistance", "kohler_x_T_per_ohm", "rho0"}
    good = kohler_collapse(obeys)
    bad = kohler_collapse(kohler(_kohler_file([(1.0, 1.0), (0.6, 1.0), (0.3, 1.0)])))
    assert good.n_curves == bad.n_curves == 3
    assert good.spread < 0.01
    assert bad.spread > 0.1
    # the B = 0 reference: MR = 0 there, and ρ₀ is the zero-field value of each curve
    at0 = obeys[obeys["field_T"] == 0]
    np.testing.assert_allclose(at0["magnetoresistance"], 0.0, atol=1e-12)


def test_kohler_leaves_out_superconducting_curves_with_a_count():
    df = _kohler_file([(1.0, 1.0), (0.6, 0.6), (0.3, 0.3)])
    df.loc[(df["temperature_K"] == 5.0) & (df["field_T"].abs() < 1.0), "sheet_resistance_ohm"] = 0.0
    with pytest.warns(DataWarning, match="1 curve"):
        out = kohler(df)
    assert sorted(out["temperature_K"].unique()) == [50.0, 150.0]


def test_kohler_takes_rho0_at_the_smallest_field_after_a_field_offset():
    """±2 T sweeps measured with a 13 mT offset: after field_offset="auto" no field is exactly 0 (the estimate
    matches 13 mT only to rounding), yet ρ₀ is the zero-field sheet resistance 1/(e Σ n_i μ_i) of each curve, not a refusal."""
    B = np.linspace(-2.0, 2.0, 81)
    bands = {5.0: [(2e16, 0.3, -1), (1e16, 0.1, +1)], 50.0: [(2e16, 0.15, -1), (1e16, 0.05, +1)]}
    df = pd.concat([pd.DataFrame({"temperature_K": T, "field_T": B + 0.013,
                                  "sheet_resistance_ohm": tensor.resistivity(B, b)[0]}) for T, b in bands.items()],
                   ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        out = kohler(df, field_offset="auto")
    e = 1.602176634e-19  # C; Σ nμ = 2e16·0.3 + 1e16·0.1 = 7e15 and half that at 50 K (m⁻² · m²/Vs)
    rho0 = out.groupby("temperature_K")["rho0"].first()
    assert rho0[5.0] == pytest.approx(1.0 / (e * 7e15), rel=1e-9)
    assert rho0[50.0] == pytest.approx(1.0 / (e * 3.5e15), rel=1e-9)
    at = out.attrs["sigmafit"]["prepare"][-1]["rho0_field_T"]
    assert len(at) == 2 and max(at) < 1e-9
    lowest = out.loc[out.groupby("curve")["field_T"].idxmin()]
    np.testing.assert_allclose(lowest["magnetoresistance"], 0.0, atol=1e-12)


# --------------------------------------------------------------------------- Wiedemann–Franz
def _tables(rng, rho_law, kappa_law, T_kappa, T_rho):
    rho = rho_law(T_rho)
    sig = pd.DataFrame({"temperature_K": T_rho, "resistivity_ohm_cm": rho * (1 + 0.003 * rng.standard_normal(T_rho.size)),
                        "resistivity_err_ohm_cm": 0.003 * rho})
    sig.attrs["sigmafit"] = {"errors": {"resistivity_ohm_cm": "resistivity_err_ohm_cm"}}
    k = kappa_law(T_kappa)
    kap = pd.DataFrame({"temperature_K": T_kappa, "thermal_conductivity_W_per_mK": k * (1 + 0.01 * rng.standard_normal(T_kappa.size)),
                        "thermal_conductivity_err_W_per_mK": 0.01 * k})
    kap.attrs["sigmafit"] = {"source": "kappa.csv", "errors": {"thermal_conductivity_W_per_mK": "thermal_conductivity_err_W_per_mK"}}
    return kap, sig


def test_lorenz_ratio_of_an_elastic_metal_is_L0():
    """Elastic scattering: κ = L₀σT exactly (ρ = 2 µΩ·cm + 1e-9·T³ Ω·cm on its own grid); L/L₀ = 1 within errors."""
    rng = np.random.default_rng(12)

    def rho(T):  # Ω·cm
        return 2e-6 + 1e-9 * T**3

    kap, sig = _tables(rng, rho, lambda T: LORENZ_0 * T / (rho(T) * 1e-2), np.linspace(2, 30, 40), np.linspace(1, 40, 400))
    out = lorenz_ratio(kap, sig)
    pull = (out["lorenz_over_L0"] - 1.0) / out["lorenz_over_L0_err"]
    assert np.sqrt(np.mean(pull**2)) < 1.5
    assert abs(out["lorenz_over_L0"].mean() - 1.0) < 5 * out["lorenz_over_L0_err"].mean() / np.sqrt(len(out))
    # the error is the κ and σ errors in quadrature (1 % and 0.3 %, σ interpolated between two points)
    assert out["lorenz_over_L0_err"].between(0.0100, 0.0105 * 1.01).all()
    assert out.attrs["sigmafit"]["errors"]["lorenz_over_L0"] == "lorenz_over_L0_err"


def test_phonon_subtracted_lorenz_ratio():
    """κ = L₀T/ρ₀ + bT³ (residual-resistivity metal with phonons): raw L/L₀ rises above 1, κ − fitted bT³ gives 1."""
    rng = np.random.default_rng(13)
    rho0 = 1e-6  # Ω·cm
    kap, sig = _tables(rng, lambda T: np.full(T.shape, rho0), lambda T: LORENZ_0 * T / (rho0 * 1e-2) + 0.05 * T**3,
                       np.linspace(1, 12, 30), np.linspace(0.5, 15, 100))
    raw = lorenz_ratio(kap, sig)
    assert raw["lorenz_over_L0"].iloc[-1] > 1.2
    fit = _fit(kap, "kappa")
    elec = lorenz_ratio(electronic_kappa(kap, fit.params), sig, kappa_column="electronic_thermal_conductivity_W_per_mK")
    pull = (elec["lorenz_over_L0"] - 1.0) / elec["lorenz_over_L0_err"]
    assert np.sqrt(np.mean(pull**2)) < 1.5


def test_lorenz_ratio_bad_tables():
    rng = np.random.default_rng(1)
    kap, sig = _tables(rng, lambda T: 1e-6 + 0 * T, lambda T: T, np.linspace(20, 40, 5), np.linspace(1, 10, 10))
    with pytest.raises(DataFormatError, match=r"kappa\.csv: the κ table \(20–40 K\) and the σ table \(1–10 K\) share no temperature range"):
        lorenz_ratio(kap, sig)
    kap, sig = _tables(rng, lambda T: 1e-6 + 0 * T, lambda T: T, np.linspace(5, 15, 11), np.linspace(1, 10, 10))
    with pytest.warns(DataWarning, match="5 κ point"):
        out = lorenz_ratio(kap, sig)
    assert len(out) == 6
