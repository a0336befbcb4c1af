"""An independent generator of κ(T), hopping/Kondo R(T), σ(T) and σ(0)(x) files for the coverage of the models not
covered elsewhere (``benchmarks/coverage_misc.py``, ``tests/test_coverage_misc.py``).

It shares no code with ``sigmafit.models``: the laws are written here from the textbook formulas (PHYSICS.md §4 and
§6; Goldhaber-Gordon et al., PRL 81, 5225 (1998) for the Kondo form; Berman, Thermal Conduction in Solids, for
κ = aT + bT³) and the hopping / Bloch–Grüneisen laws, cool-down sampling and PPMS Resistivity writer come from the
independent ``tests/simulate_temperature.py``.  Files look like the instruments write them:

* ``tto_dat`` — a Quantum Design PPMS Thermal Transport (TTO) ``.dat`` of a continuous sweep: ``System Temp. (K)``,
  ``Sample Temp (K)`` (the mean sample temperature, the x the loader takes), ``Temp. Diff. (K)``, ``Thermal
  Conductivity (W/K-m)`` and ``Thermal Cond. Err (W/K-m)`` (the TTO's own 1σ estimate, known to ~15 %);
* ``kappa_csv`` — a steady-state κ(T) CSV of a home-built cryostat without an error column;
* ``sigma_csv`` — σ(T) of a 3D metal near the metal–insulator transition from a dilution fridge;
* ``critical_table`` — σ(0) per sample (``Conductivity (S/cm)``, ``Conductivity Err (S/cm)``) against the dopant
  concentration (passed with ``--x``).

Each ``case_*`` draws its truth from a physically sensible range with a seed and returns (path, truth dict).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import simulate_temperature as st

KONDO_S = 0.225  # Goldhaber-Gordon spin-½ exponent
CRITICAL_X = "P concentration (1e18 cm-3)"  # the control-parameter column: pass it with --x

_TTO_HEADER = """[Header]
TITLE, {title}
FILEOPENTIME,30422650.78,11/30/2026,09:12 AM
BYAPP, TTO, 1.3, 1.0
INFO, APPNAME, PPMS MultiVu Application, 1.5.11
INFO, {title}, Sample1 Name
INFO, 0.5, Sample1 Area (mm2)
INFO, 2.0, Sample1 Length (mm)
DATATYPE, TIME, 2
DATATYPE, COMMENT, 1
[Data]
Comment,Time Stamp (sec),Status (code),System Temp. (K),Field (Oe),Sample Temp (K),Temp. Diff. (K),\
Thermal Conductivity (W/K-m),Thermal Cond. Err (W/K-m)
"""


# --- physics, written independently of sigmafit.models ----------------------------------------------


def kappa_law(T, a, b, p=3.0):
    """κ = aT (electrons, a = L0/ρ0) + bT^p (boundary-limited phonons, p = 3), W/(m K)."""
    T = np.asarray(T, float)
    return a * T + b * T**p


def kondo(T, R_K0, T_K, s=KONDO_S):
    """Goldhaber-Gordon: R_K0·[T_K'²/(T² + T_K'²)]^s with T_K' = T_K/√(2^(1/s) − 1), so R_K(T_K) = R_K0/2."""
    T = np.asarray(T, float)
    tkp = T_K / math.sqrt(2.0 ** (1.0 / s) - 1.0)
    return R_K0 * (tkp**2 / (T**2 + tkp**2)) ** s


def metal_sigma(T, sigma0, m, b, p=2.0):
    """σ(0) + m·T^½ + b·T^(p/2) (Lee & Ramakrishnan §III)."""
    T = np.asarray(T, float)
    return sigma0 + m * np.sqrt(T) + b * T ** (p / 2.0)


def critical_sigma(x, sigma_c, x_c, nu):
    """σ_c·(x/x_c − 1)^ν above x_c, 0 below."""
    x = np.asarray(x, float)
    return np.where(x > x_c, sigma_c * np.clip(x / x_c - 1.0, 0.0, None) ** nu, 0.0)


# --- writers -------------------------------------------------------------------------------------------


def tto_dat(path, T_sample, kappa, err, rng, title="sample") -> Path:
    dT = 0.03 * T_sample * (1.0 + 0.05 * rng.normal(size=T_sample.size))  # ΔT ≈ 3 % of T
    t_sys = T_sample - 0.5 * dT + rng.normal(0.0, 0.002, T_sample.size)
    times = 30423338.25 + np.cumsum(40.0 + rng.uniform(0.0, 2.0, T_sample.size))
    lines = [f",{times[i]:.2f},4369,{t_sys[i]:.5f},{rng.normal(0, 0.3):.4f},{T_sample[i]:.5f},{dT[i]:.5f},"
             f"{kappa[i]:.7g},{err[i]:.5g}" for i in range(T_sample.size)]
    path = Path(path)
    path.write_text(_TTO_HEADER.format(title=title) + "\n".join(lines) + "\n", encoding="ascii")
    return path


def kappa_csv(path, T, kappa) -> Path:
    rows = ["Temperature (K),Thermal Conductivity (W/K-m)"] + [f"{t:.4f},{k:.6g}" for t, k in zip(T, kappa)]
    path = Path(path)
    path.write_text("\n".join(rows) + "\n", encoding="ascii")
    return path


# --- cases ---------------------------------------------------------------------------------------------


def case_kappa(path, seed: int, noise: str = "relative", errors: bool = True):
    """A metal's κ(T) 2 → 15–25 K: a = L0/ρ0 with ρ0 1–100 µΩ·cm, the phonon crossover √(a/b) at 4–15 K.

    ``noise``: "relative" (0.5–3 % of κ, the TTO's typical spread) or "absolute" (one σ = 0.3–2 % of κ at the
    top of the sweep, e.g. a fixed heater power and thermometer noise); ``errors``: a PPMS TTO ``.dat`` with its
    error column (the 1σ known to ~15 %), else a CSV without errors.
    """
    rng = np.random.default_rng(seed)
    L0 = math.pi**2 / 3.0 * (1.380649e-23 / 1.602176634e-19) ** 2  # W Ω K⁻² (PHYSICS.md §6: 2.443004509e-8)
    rho0 = math.exp(rng.uniform(math.log(1e-8), math.log(1e-6)))  # Ω m
    a = L0 / rho0
    t_star = float(rng.uniform(4.0, 15.0))
    b = a / t_star**2
    t_max = float(rng.uniform(15.0, 25.0))
    n = int(rng.integers(60, 160))
    T = np.sort(np.exp(rng.uniform(math.log(2.0), math.log(t_max), n)))  # the TTO sweeps log-spaced
    k = kappa_law(T, a, b)
    if noise == "relative":
        sigma = float(rng.uniform(0.005, 0.03)) * k
    else:
        sigma = np.full(n, float(rng.uniform(0.003, 0.02)) * k.max())
    k_meas = k + sigma * rng.normal(size=n)
    truth = {"a": a, "b": b}
    if errors:
        err = sigma * np.sqrt(rng.chisquare(40, n) / 40)
        return tto_dat(path, T, k_meas, err, rng, title="metal bar"), truth
    return kappa_csv(path, T, k_meas), truth


def case_hopping(path, seed: int, s: float):
    """Insulating film, R0·exp[(T0/T)^s] on a PPMS cool-down 300 K → T_min, relative noise 0.3–1 %.

    T0 10–3000 K for Efros–Shklovskii (s = ½), 10³–10⁵ K for 2D Mott (s = ⅓); T_min ≥ 2 K where R(T_min)/R0 reaches
    e^20 (the bridge's range), so the exponent spans a realistic few decades."""
    rng = np.random.default_rng(seed)
    lo, hi = (10.0, 3000.0) if s == 0.5 else (1e3, 1e5)
    T0 = float(math.exp(rng.uniform(math.log(lo), math.log(hi))))
    R0 = float(math.exp(rng.uniform(math.log(2.0), math.log(200.0))))
    t_min = max(2.0, T0 / 20.0 ** (1.0 / s))
    rel = float(rng.uniform(0.003, 0.01))
    T_rep = st.cooldown(rng, 300.0, t_min, step_hi=1.0, step_lo=0.1, knee=max(20.0, 2 * t_min))
    T_true = T_rep + rng.normal(0.0, 0.002, T_rep.size)
    R = st.hopping(T_true, R0, T0, s)
    R_meas = R * (1.0 + rel * rng.normal(size=R.size))
    return st.ppms_rt(path, T_rep, R_meas, rel * R, rng, title="insulating film"), {"R0": R0, "T0": T0}


def case_bg_kondo(path, seed: int):
    """Metal with dilute magnetic impurities, 300 → 2 K: ρ0 + BG(Θ 150–450 K, RRR 2–20) + Kondo (R_K0 5–30 % of ρ0,
    T_K 3–30 K), absolute noise 2e-5–2e-4 of R(300 K)."""
    rng = np.random.default_rng(seed)
    rho0 = float(math.exp(rng.uniform(math.log(0.5), math.log(20.0))))
    theta = float(rng.uniform(150.0, 450.0))
    rrr = float(math.exp(rng.uniform(math.log(2.0), math.log(20.0))))
    A = (rrr - 1.0) * rho0 / st.bloch_gruneisen([300.0], 0.0, 1.0, theta)[0]
    R_K0 = float(rng.uniform(0.05, 0.3)) * rho0
    T_K = float(math.exp(rng.uniform(math.log(3.0), math.log(30.0))))
    truth = {"rho0": rho0, "A": float(A), "theta_D": theta, "R_K0": R_K0, "T_K": T_K}
    sigma = float(rng.uniform(2e-5, 2e-4)) * rrr * rho0
    T_rep = st.cooldown(rng, 300.0, 2.0, step_hi=1.0, step_lo=0.25)
    T_true = T_rep + rng.normal(0.0, 0.002, T_rep.size)
    R = st.bloch_gruneisen(T_true, rho0, A, theta) + kondo(T_true, R_K0, T_K) + rng.normal(0.0, sigma, T_rep.size)
    return st.ppms_rt(path, T_rep, R, np.full(R.size, sigma), rng, title="Kondo metal"), truth


def case_mit_metal(path, seed: int):
    """Doped semiconductor on the metallic side, σ(T) from a dilution fridge 0.05 → 4 K (log-spaced, 40–120 points):
    σ(0) 10–200 S/cm, m of either sign (|m| up to 20 % of σ(0)/K^½), b 0–5 % of σ(0)/K; noise 0.05–0.3 % of σ(0)."""
    rng = np.random.default_rng(seed)
    s0 = float(math.exp(rng.uniform(math.log(10.0), math.log(200.0))))
    m = float(rng.uniform(-0.2, 0.2)) * s0
    b = float(rng.uniform(0.0, 0.05)) * s0
    n = int(rng.integers(40, 120))
    T = np.exp(np.linspace(math.log(0.05), math.log(4.0), n)) * (1.0 + 0.01 * rng.normal(size=n))
    sig = metal_sigma(T, s0, m, b)
    y = sig + float(rng.uniform(5e-4, 3e-3)) * s0 * rng.normal(size=n)
    rows = ["Temperature (K),Conductivity (S/cm)"] + [f"{t:.5f},{v:.7g}" for t, v in zip(T, y)]
    Path(path).write_text("\n".join(rows) + "\n", encoding="ascii")
    return Path(path), {"sigma0": s0, "m": m, "b": b}


def case_mit_critical(path, seed: int):
    """σ(0) of 8–16 samples across the transition (Si:P-like, x in 10¹⁸ cm⁻³): x_c 3–4, ν 0.4–1.3, σ_c 50–300 S/cm;
    each σ(0) an extrapolation with 2–6 % error (and 0.3 S/cm absolute), written with its stderr; 2–4 insulating
    samples (σ(0) = 0 ± 0.3) below x_c."""
    rng = np.random.default_rng(seed)
    x_c, nu, s_c = float(rng.uniform(3.0, 4.0)), float(rng.uniform(0.4, 1.3)), float(rng.uniform(50.0, 300.0))
    k = int(rng.integers(8, 17))
    x_met = np.sort(x_c * (1.0 + np.exp(rng.uniform(math.log(0.02), math.log(1.5), k))))
    x_ins = x_c * rng.uniform(0.7, 0.98, int(rng.integers(2, 5)))
    x = np.concatenate([np.sort(x_ins), x_met])
    s = critical_sigma(x, s_c, x_c, nu)
    err = np.sqrt((rng.uniform(0.02, 0.06, x.size) * s) ** 2 + 0.3**2)
    y = s + err * rng.normal(size=x.size)
    rows = [f"sample,{CRITICAL_X},Conductivity (S/cm),Conductivity Err (S/cm)"]
    rows += [f"S{i + 1},{xi:.4f},{yi:.5g},{ei:.3g}" for i, (xi, yi, ei) in enumerate(zip(x, y, err))]
    Path(path).write_text("\n".join(rows) + "\n", encoding="ascii")
    return Path(path), {"sigma_c": s_c, "x_c": x_c, "nu": nu}


# --- optics: σ1(ν) of Drude–Smith carriers and of two Drude channels ---------------------------------------------------


def drude_smith_sigma1(nu, wp, gamma, c):
    """Re σ, σ = σ0/(1 − iν/γ)·[1 + c/(1 − iν/γ)], σ0 = ω_p²/(Zγ) (Smith, PRB 64, 155106; PHYSICS.md §5), S/cm."""
    import simulate_optics as so

    d = 1.0 - 1j * np.asarray(nu, float) / gamma
    return (wp**2 / (so.Z_OHM * gamma) / d * (1.0 + c / d)).real


def two_drude_sigma1(nu, wp1, gamma1, wp2, gamma2):
    """Σ σ0_j/(1 + ν²/γ_j²), σ0_j = ω_pj²/(Zγ_j), S/cm."""
    import simulate_optics as so

    nu = np.asarray(nu, float)
    return sum(w**2 / (so.Z_OHM * g) / (1.0 + (nu / g) ** 2) for w, g in ((wp1, gamma1), (wp2, gamma2)))


def case_drude_smith(path, seed: int):
    """A nanostructured conductor's σ1 from Kramers–Kronig of FTIR reflectance, 20–3000 cm⁻¹: ω_p 3·10³–2·10⁴ cm⁻¹,
    γ 60–600 cm⁻¹ (log-uniform), c −0.9…−0.1; relative noise 1–2 %."""
    import simulate_optics as so

    rng = np.random.default_rng(seed)
    wp = float(np.exp(rng.uniform(np.log(3e3), np.log(2e4))))
    gamma = float(np.exp(rng.uniform(np.log(60.0), np.log(600.0))))
    c = float(rng.uniform(-0.9, -0.1))
    nu = so.ftir_grid(rng, 20.0, 3000.0)
    y = so.noisy(rng, drude_smith_sigma1(nu, wp, gamma, c), rel=float(rng.uniform(0.01, 0.02)))
    return so.sigma1_file(Path(path), nu, y), {"wp": wp, "gamma": gamma, "c": c}


def case_two_drude(path, seed: int):
    """A multiband metal (pnictide-like), σ1 15–6000 cm⁻¹: narrow channel ω_p1 3·10³–10⁴, γ1 20–80 cm⁻¹; broad
    ω_p2 8·10³–2·10⁴, γ2 300–1500 cm⁻¹; relative noise 1–2 %."""
    import simulate_optics as so

    rng = np.random.default_rng(seed)
    lu = lambda lo, hi: float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    t = {"wp1": lu(3e3, 1e4), "gamma1": lu(20.0, 80.0), "wp2": lu(8e3, 2e4), "gamma2": lu(300.0, 1500.0)}
    nu = so.ftir_grid(rng, 15.0, 6000.0)
    y = so.noisy(rng, two_drude_sigma1(nu, **t), rel=float(rng.uniform(0.01, 0.02)))
    return so.sigma1_file(Path(path), nu, y), t


#: study name → (case function of this module, model, file suffix, extra flags, parameters compared): the coverage
#: studies of tests/test_coverage_misc.py and benchmarks/coverage_misc.py (tests/coverage_study.py)
STUDIES = {
    "kappa relative, TTO .dat + err": (lambda p, s: case_kappa(p, s, "relative", True), "kappa", ".dat", [], ("a", "b")),
    "kappa relative, CSV": (lambda p, s: case_kappa(p, s, "relative", False), "kappa", ".csv", [], ("a", "b")),
    "kappa absolute, TTO .dat + err": (lambda p, s: case_kappa(p, s, "absolute", True), "kappa", ".dat", [], ("a", "b")),
    "kappa absolute, CSV": (lambda p, s: case_kappa(p, s, "absolute", False), "kappa", ".csv", [], ("a", "b")),
    "vrh-es": (lambda p, s: case_hopping(p, s, 0.5), "vrh-es", ".dat", [], ("R0", "T0")),
    "vrh-mott2d": (lambda p, s: case_hopping(p, s, 1.0 / 3.0), "vrh-mott2d", ".dat", [], ("R0", "T0")),
    "bloch-gruneisen-kondo": (case_bg_kondo, "bloch-gruneisen-kondo", ".dat", [],
                              ("rho0", "A", "theta_D", "R_K0", "T_K")),
    "mit-metal": (case_mit_metal, "mit-metal", ".csv", [], ("sigma0", "m", "b")),
    "drude-smith (σ1)": (case_drude_smith, "drude-smith", ".txt", [], ("wp", "gamma", "c")),
    "two-drude (σ1)": (case_two_drude, "two-drude", ".txt", [], ("wp1", "gamma1", "wp2", "gamma2")),
    "mit-critical": (case_mit_critical, "mit-critical", ".csv", ["--x", CRITICAL_X], ("sigma_c", "x_c", "nu")),
}
