"""Generate the bundled sample data from stated parameters (run: python sample_data/make_sample_data.py).

Every file is computed with sigmafit's own formulas from the parameters in
``parameters.json`` (written alongside), plus realistic noise and instrument quirks,
so the demo can check that fitting recovers what the data were made with.

Files
-----
wal_film_sweeps.dat   PPMS Resistivity-option file: R_xx (bridge 1) and R_xy (bridge 2) field sweeps
                      +1 T → −1 T → +1 T at 2, 4, 8, 15 K (0.25 mT steps for |B| ≤ 20 mT, 2 mT to 0.2 T, 20 mT beyond) of a thin film with weak antilocalization
                      (HLN with isotropic spin–orbit scattering); field offset, dwell duplicates at the
                      turning points, temperature jitter, Hall misalignment pickup.
wal_film_rt.csv       R_xx(T), R_xy(T) cool-down 300 → 1.8 K of the same film at B = 0: Bloch–Grüneisen
                      metal plus the 2D ln T correction; two contact glitches.
insulating_film_rt.csv  R(T) of an insulating film, Efros–Shklovskii hopping, in kΩ.
metal_optical_sigma.txt  σ1, σ2 (S/cm) against photon energy (eV) of a Drude–Lorentz metal, noise 0.5 % of each part's RMS.
copper_heat_capacity.dat  Quantum Design Heat Capacity export of a 20 mg copper piece, 1.8–7 K: C = γT + βT³ per mole
                      (γ and Θ_D of copper), the sample's C in µJ/K with its error column, 0.5 % noise.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from sigmafit.constants import CM1_PER_EV, E_CHARGE, G_Q
from sigmafit.models.formulas.localization import char_field, hln_so
from sigmafit.models.formulas.optics import drude_lorentz_eps, eps_to_sigma
from sigmafit.models.formulas.temperature import bloch_gruneisen, ln_t, vrh

HERE = Path(__file__).resolve().parent

PARAMS = {
    "film": {
        "description": "thin film Hall bar with weak antilocalization (hln-so), sheet quantities",
        "width_um": 10.0,
        "length_um": 40.0,
        "L_so_nm": 25.0,
        "L_phi_1K_nm": 500.0,
        "p": 1.0,
        "temperatures_K": [2.0, 4.0, 8.0, 15.0],
        "A_lnT": 0.6,
        "R_sheet_0_ohm": 1000.0,
        "bg_A_ohm": 800.0,
        "theta_D_K": 180.0,
        "hall_density_cm-2": 5e13,
        "field_offset_T": 0.003,
        "hall_pickup_fraction": 0.01,
        "noise_Rxx_ohm": 0.05,
        "noise_Rxy_ohm": 0.02,
    },
    "insulator": {"model": "vrh-es", "R0_ohm": 500.0, "T0_K": 40.0, "s": 0.5, "noise_relative": 0.003},
    "optics": {
        "model": "drude-lorentz",
        "eps_inf": 3.0,
        "wp_cm-1": 20000.0,
        "gamma_cm-1": 300.0,
        "oscillators": [{"wp_cm-1": 15000.0, "nu0_cm-1": 12000.0, "gamma_cm-1": 5000.0}],
        "noise_of_rms": 0.005,
    },
    "heat": {
        "model": "heat-capacity",
        "gamma_mJ_per_molK2": 0.695,
        "theta_D_K": 343.0,
        "atoms_per_formula_unit": 1,
        "sample_mass_mg": 20.0,
        "molar_mass_g_per_mol": 63.546,
        "noise_relative": 0.005,
        "seed": 20261130,
    },
    "seed": 20261124,
}


def L_phi_nm(T):
    f = PARAMS["film"]
    return f["L_phi_1K_nm"] * np.power(T, -f["p"] / 2.0)


def sheet_conductance_zero_field(T):
    """σ_□(B=0, T) = 1/R_BG(T) + A·G_Q·ln(T/1 K) (S)."""
    f = PARAMS["film"]
    r_bg = bloch_gruneisen(T, f["R_sheet_0_ohm"], f["bg_A_ohm"], f["theta_D_K"])
    return 1.0 / r_bg + ln_t(T, 0.0, f["A_lnT"])


def sweeps_file(rng) -> str:
    f = PARAMS["film"]
    ratio = f["length_um"] / f["width_um"]
    r_hall = 1.0 / (f["hall_density_cm-2"] * 1e4 * E_CHARGE)  # Ω/T
    b_so = char_field(f["L_so_nm"] * 1e-9)
    header = [
        "[Header]",
        "TITLE, sigmafit sample film WAL-01",
        "FILEOPENTIME,1763971200.00,11/24/2025,9:00 AM",
        "BYAPP, Resistivity, 2.0, 1.0",
        "INFO, Rxx, Sample1 Name",
        "INFO, 1, Sample1 Cross Section",
        "INFO, 1, Sample1 Length",
        "INFO, Ohm-m, Sample1 Units",
        "INFO, Rxy, Sample2 Name",
        "INFO, 1, Sample2 Cross Section",
        "INFO, 1, Sample2 Length",
        "INFO, Ohm-m, Sample2 Units",
        "INFO, , Sample3 Name",
        "INFO, , Sample4 Name",
        "DATATYPE, TIME, 2",
        "DATATYPE, COMMENT, 1",
        "[Data]",
        "Comment,Time Stamp (sec),Status (code),Temperature (K),Magnetic Field (Oe),Sample Position (degrees),"
        "Bridge 1 Resistivity (Ohm-m),Bridge 1 Excitation (uA),Bridge 2 Resistivity (Ohm-m),Bridge 2 Excitation (uA),"
        "Bridge 3 Resistivity (Ohm-m),Bridge 3 Excitation (uA),Bridge 4 Resistivity (Ohm-m),Bridge 4 Excitation (uA),"
        "Bridge 1 Std. Dev. (Ohm-m),Bridge 2 Std. Dev. (Ohm-m),Bridge 3 Std. Dev. (Ohm-m),Bridge 4 Std. Dev. (Ohm-m),"
        "Number of Readings,Bridge 1 Resistance (Ohms),Bridge 2 Resistance (Ohms),Bridge 3 Resistance (Ohms),Bridge 4 Resistance (Ohms)",
    ]
    rows = []
    t_stamp = 3.04e7
    # measured as labs do: 0.25 mT steps through the cusp (|B| ≤ 20 mT), 2 mT to 0.2 T, 20 mT beyond
    half = np.concatenate([np.arange(1.0, 0.2, -0.02), np.arange(0.2, 0.02, -0.002), np.arange(0.02, 0.0, -0.00025)])
    down = np.concatenate([half, [0.0], -half[::-1]])
    up = down[::-1]
    for T in f["temperatures_K"]:
        b_phi = char_field(L_phi_nm(T) * 1e-9)
        sigma0 = sheet_conductance_zero_field(T)
        # dwell: three repeated readings at each turning point
        fields = np.concatenate([down, np.full(3, -1.0), up, np.full(2, 1.0)])
        for b_reported in fields:
            b_true = b_reported - f["field_offset_T"]
            sigma = sigma0 + hln_so(b_true, b_phi, b_so)
            r_xx = ratio / sigma + rng.normal(0.0, f["noise_Rxx_ohm"])
            r_xy = r_hall * b_true + f["hall_pickup_fraction"] * r_xx + rng.normal(0.0, f["noise_Rxy_ohm"])
            temp = T + rng.normal(0.0, 0.002)
            t_stamp += 4.0 + rng.uniform(0, 0.5)
            status = 4369
            rows.append(
                f",{t_stamp:.3f},{status},{temp:.6f},{b_reported * 1e4:.4f},0,"
                f"{r_xx * 1e-3:.9g},10,{r_xy * 1e-3:.9g},10,,,,,"
                f"{abs(rng.normal(0, 1e-6)):.3g},{abs(rng.normal(0, 1e-6)):.3g},,,"
                f"25,{r_xx:.9g},{r_xy:.9g},,"
            )
    return "\r\n".join(header + rows) + "\r\n"


def rt_file(rng) -> str:
    f = PARAMS["film"]
    ratio = f["length_um"] / f["width_um"]
    T = np.concatenate([np.linspace(300.0, 20.0, 150), np.geomspace(19.5, 1.8, 90)])
    T = T + rng.normal(0, 0.01, T.size)
    r_xx = ratio / sheet_conductance_zero_field(T) * (1 + rng.normal(0, 2e-5, T.size))
    r_xy = f["hall_pickup_fraction"] * r_xx + rng.normal(0, 0.02, T.size)
    # two contact glitches at high temperature
    r_xx[[20, 21, 57]] *= [1.35, 1.22, 0.8]
    lines = ["Temperature (K),Field (T),Rxx (Ohm),Rxy (Ohm)"]
    lines += [f"{t:.4f},{1e-5 * rng.standard_normal():.3e},{a:.6f},{b:.6f}" for t, a, b in zip(T, r_xx, r_xy)]
    return "\n".join(lines) + "\n"


def insulator_file(rng) -> str:
    p = PARAMS["insulator"]
    T = np.geomspace(2.0, 60.0, 120)
    R = vrh(T, p["R0_ohm"], p["T0_K"], p["s"]) * (1 + rng.normal(0, p["noise_relative"], T.size))
    lines = ["# insulating film, two-terminal excluded, four-probe R(T) at B = 0", "T (K)\tR (kOhm)"]
    lines += [f"{t:.4f}\t{r / 1e3:.6g}" for t, r in zip(T, R)]
    return "\n".join(lines) + "\n"


def optics_file(rng) -> str:
    p = PARAMS["optics"]
    energy = np.linspace(0.01, 4.0, 400)
    nu = energy * CM1_PER_EV
    osc = [(o["wp_cm-1"], o["nu0_cm-1"], o["gamma_cm-1"]) for o in p["oscillators"]]
    eps = drude_lorentz_eps(nu, p["eps_inf"], [(p["wp_cm-1"], p["gamma_cm-1"])], osc)
    sigma = eps_to_sigma(nu, eps)  # relative to vacuum: sigma2 includes the eps_inf polarization
    # detector-like noise: the same absolute level across the spectrum, a fraction of each part's RMS
    s1 = sigma.real + rng.normal(0, p["noise_of_rms"] * np.sqrt(np.mean(sigma.real**2)), nu.size)
    s2 = sigma.imag + rng.normal(0, p["noise_of_rms"] * np.sqrt(np.mean(sigma.imag**2)), nu.size)
    lines = ["# model metal: Drude + one Lorentz oscillator (see parameters.json)", "energy (eV)\tsigma1 (S/cm)\tsigma2 (S/cm)"]
    lines += [f"{e:.5f}\t{a:.6g}\t{b:.6g}" for e, a, b in zip(energy, s1, s2)]
    return "\n".join(lines) + "\n"


def heat_capacity_file() -> str:
    """A Quantum Design Heat Capacity export (the sample's C in µJ/K, its error column) of parameters["heat"]."""
    from sigmafit.models.formulas.heat import DEBYE_T3

    h = PARAMS["heat"]
    rng = np.random.default_rng(h["seed"])  # its own stream: the other files stay byte for byte as they were
    T = np.geomspace(1.8, 7.0, 36) * (1 + rng.normal(0, 2e-4, 36))
    beta = DEBYE_T3 * h["atoms_per_formula_unit"] / h["theta_D_K"] ** 3  # J/(mol K⁴)
    c_molar = h["gamma_mJ_per_molK2"] * 1e-3 * T + beta * T**3  # J/(mol K)
    moles = h["sample_mass_mg"] * 1e-3 / h["molar_mass_g_per_mol"]
    c_uJ = c_molar * moles * 1e6
    err = h["noise_relative"] * c_uJ
    meas = c_uJ + rng.normal(0, 1, T.size) * err
    header = [
        "[Header]",
        "; Heat Capacity Data File (sigmafit sample data, made by make_sample_data.py)",
        "TITLE, sigmafit sample copper",
        "BYAPP, HeatCapacity, 1.5, 1.0",
        f"INFO, {h['sample_mass_mg']}, SAMPLE_MASS",
        "INFO, Cu, SAMPLE_MATERIAL",
        "[Data]",
        "Comment (),Time Stamp (Seconds),System Status (Code),Puck Temp (Kelvin),Sample Temp (Kelvin),Temp Rise (Kelvin),"
        "Samp HC (µJ/K),Samp HC Err (µJ/K),Addenda HC (µJ/K),Total HC (µJ/K),Fit Deviation (ChiSquare)",
    ]
    rows = [f",{1000.0 + 90 * i:.1f},1,{t * 0.9995:.5f},{t:.5f},{0.02 * t:.4f},{c:.6g},{e:.3g},{0.3 * c:.5g},{1.3 * c:.5g},0.002"
            for i, (t, c, e) in enumerate(zip(T, meas, err))]
    return "\n".join(header + rows) + "\n"


def main() -> None:
    rng = np.random.default_rng(PARAMS["seed"])
    (HERE / "wal_film_sweeps.dat").write_bytes(sweeps_file(rng).encode("ascii"))
    (HERE / "wal_film_rt.csv").write_text(rt_file(rng), encoding="utf-8")
    (HERE / "insulating_film_rt.csv").write_text(insulator_file(rng), encoding="utf-8")
    (HERE / "metal_optical_sigma.txt").write_text(optics_file(rng), encoding="utf-8")
    (HERE / "copper_heat_capacity.dat").write_text(heat_capacity_file(), encoding="utf-8")
    truth = dict(PARAMS)
    truth["film"] = {**PARAMS["film"], "L_phi_nm": {str(T): float(L_phi_nm(T)) for T in PARAMS["film"]["temperatures_K"]},
                     "G_Q_S": G_Q}
    (HERE / "parameters.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
