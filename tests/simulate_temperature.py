"""An independent generator of R(T) and L_φ(T) files for the coverage of the temperature family.

It shares no code with ``sigmafit.models`` on purpose: the laws are written here from the textbook formulas
(PHYSICS.md §4; Ziman, Electrons and Phonons, ch. 9 for Bloch–Grüneisen) with ``scipy.integrate.quad`` for the
Bloch–Grüneisen integral and ``scipy.constants`` for e, h, k_B.  Files look like the instruments write them:

* ``ppms_rt`` — a Quantum Design PPMS Resistivity ``.dat`` (``[Header]`` … ``[Data]``, ``Temperature (K)``,
  ``Magnetic Field (Oe)``, ``Bridge 1 Resistance (Ohms)``, ``Bridge 1 Std. Dev. (Ohm)`` = standard deviation of
  the single readings that were averaged, ``Number of Readings``) of a cool-down at a constant rate, one row per
  averaged reading, the reported temperature jittering by a few mK;
* ``csv_rt`` — a CSV of a film cool-down like ``sample_data/wal_film_rt.csv``: ``Temperature (K),Field (T),Rxx
  (Ohm),Rxy (Ohm)``;
* ``results_table`` — L_φ at a set of temperatures the way ``sigmafit batch`` writes ``results.csv``
  (``index,source,label,temperature_K,L_phi,L_phi_stderr,…,status``).

Each ``case_*`` draws its truth from a physically sensible range with a seed and returns (path, truth dict).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from scipy import constants as sc
from scipy.integrate import quad

GQ = sc.e**2 / (math.pi * sc.h)  # S, = 1.23314709834e-5 (PHYSICS.md header)
MEV_PER_K = sc.k / (1e-3 * sc.e)  # k_B in meV/K

_PPMS_HEADER = """[Header]
TITLE, {title}
FILEOPENTIME,30422650.78,11/30/2026,09:12 AM
BYAPP, Resistivity, 2.1, 1.0
INFO, APPNAME, PPMS MultiVu Application, 1.5.11
INFO, {title}, Sample1 Name
INFO, 1, Sample1 Cross Section
INFO, 1, Sample1 Length
INFO, Ohm, Sample1 Units
FIELDGROUP, Resistivity,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23
STARTUPGROUP, Resistivity
DATATYPE, TIME, 2
DATATYPE, COMMENT, 1
TEMPERATURETOLERANCE, 0.05
[Data]
Comment,Time Stamp (sec),Status (code),Temperature (K),Magnetic Field (Oe),Sample Position (deg),\
Bridge 1 Resistivity (Ohm),Bridge 1 Excitation (uA),Bridge 1 Std. Dev. (Ohm),Number of Readings,\
Bridge 1 Resistance (Ohms)
"""


# --- physics, written independently of sigmafit.models ----------------------------------------------


def hopping(T, R0, T0, s):
    """R0·exp[(T0/T)^s] (PHYSICS.md §4)."""
    return R0 * np.exp((T0 / np.asarray(T, float)) ** s)


def activated(T, R0, Ea_meV):
    """R0·exp[E_a/(k_B T)], E_a in meV."""
    return R0 * np.exp(Ea_meV / (MEV_PER_K * np.asarray(T, float)))


def bg_integral(z: float, n: float = 5.0) -> float:
    """J_n(z) = ∫₀^z xⁿ eˣ/(eˣ − 1)² dx by adaptive quadrature (integrand x^(n−2) near 0)."""
    def f(x):
        if x < 1e-6:
            return x ** (n - 2.0)
        em = math.exp(-x)
        return x**n * em / (1.0 - em) ** 2
    val, _ = quad(f, 0.0, z, limit=200, epsabs=0.0, epsrel=1e-12)
    return val


def bloch_gruneisen(T, rho0, A, theta, n=5.0):
    """ρ0 + A·(T/Θ)ⁿ·J_n(Θ/T) (Ziman ch. 9); high T → ρ0 + A·T/((n−1)Θ), low T → ρ0 + A·n!ζ(n)(T/Θ)ⁿ."""
    T = np.atleast_1d(np.asarray(T, float))
    return rho0 + A * np.array([(t / theta) ** n * bg_integral(theta / t, n) for t in T])


def dephasing_length(T, L1, p, L_sat=math.inf):
    """(1/L_sat² + T^p/L1²)^(−½) (PHYSICS.md §4); L_sat = ∞ gives L1·T^(−p/2)."""
    T = np.asarray(T, float)
    return 1.0 / np.sqrt(1.0 / L_sat**2 + T**p / L1**2)


# --- sampling and writers -----------------------------------------------------------------------------


def cooldown(rng, t_hi: float, t_lo: float, step_hi: float = 0.5, step_lo: float = 0.1, knee: float = 20.0):
    """Reported temperatures of a constant-rate cool-down (coarser steps above ``knee``), a few mK jitter."""
    hi = np.arange(t_hi, max(knee, t_lo), -step_hi)
    lo = np.arange(min(knee, t_hi), t_lo - 1e-9, -step_lo) if t_lo < knee else np.array([])
    T = np.concatenate([hi, lo])
    T = T + rng.normal(0.0, 0.003, T.size)
    return T[T > 0.5 * t_lo]


def ppms_rt(path, T_rep, R_meas, sigma, rng, *, readings: int = 25, title: str = "sample") -> Path:
    """PPMS Resistivity .dat: one row per averaged reading; Std. Dev. = single-reading SD (√readings × σ)."""
    dof = readings - 1
    std = sigma * math.sqrt(readings) * np.sqrt(rng.chisquare(dof, T_rep.size) / dof)
    times = 30423338.25 + np.cumsum(15.0 + rng.uniform(0.0, 0.5, T_rep.size))
    lines = [
        f",{times[i]:.2f},4369,{T_rep[i]:.6f},{rng.normal(0, 0.3):.4f},0,{R_meas[i]:.9g},10,{std[i]:.6g},{readings},"
        f"{R_meas[i]:.9g}"
        for i in range(T_rep.size)
    ]
    path = Path(path)
    path.write_text(_PPMS_HEADER.format(title=title) + "\n".join(lines) + "\n", encoding="ascii")
    return path


def csv_rt(path, T_rep, Rxx, Rxy, rng) -> Path:
    rows = ["Temperature (K),Field (T),Rxx (Ohm),Rxy (Ohm)"]
    field = rng.normal(0.0, 8e-6, T_rep.size)
    rows += [f"{T_rep[i]:.4f},{field[i]:.3e},{Rxx[i]:.6f},{Rxy[i]:.6f}" for i in range(T_rep.size)]
    path = Path(path)
    path.write_text("\n".join(rows) + "\n", encoding="ascii")
    return path


# --- the cases ------------------------------------------------------------------------------------------


def case_vrh(path, seed: int, s: float = 0.25):
    """Insulating film, 2–300 K cool-down, Mott hopping R0·exp[(T0/T)^s], relative noise 0.3–1 %."""
    rng = np.random.default_rng(seed)
    truth = {"R0": float(math.exp(rng.uniform(math.log(2.0), math.log(200.0)))),
             "T0": float(math.exp(rng.uniform(math.log(3e3), math.log(1e5)))), "s": s}
    rel = float(rng.uniform(0.003, 0.01))
    T_rep = cooldown(rng, 300.0, 2.0)
    T_true = T_rep + rng.normal(0.0, 0.002, T_rep.size)  # the thermometer reads the sample within 2 mK
    R = hopping(T_true, truth["R0"], truth["T0"], s)
    sigma = rel * R
    R_meas = R + rng.normal(0.0, 1.0, R.size) * sigma
    return ppms_rt(path, T_rep, R_meas, sigma, rng, title="insulating film"), truth


def case_arrhenius(path, seed: int):
    """Semiconductor, 100–330 K cool-down, activated R0·exp[E_a/k_B T], E_a 30–150 meV, relative noise 0.3–1 %."""
    rng = np.random.default_rng(seed)
    truth = {"R0": float(math.exp(rng.uniform(math.log(0.1), math.log(10.0)))), "Ea": float(rng.uniform(30.0, 150.0))}
    rel = float(rng.uniform(0.003, 0.01))
    T_rep = cooldown(rng, 330.0, 100.0, step_hi=0.5, knee=0.0)
    R = activated(T_rep, truth["R0"], truth["Ea"])
    R_meas = R * (1.0 + rel * rng.normal(0.0, 1.0, R.size))
    return ppms_rt(path, T_rep, R_meas, rel * R, rng, title="activated semiconductor"), truth


def case_lnT(path, seed: int, width_um: float = 10.0, length_um: float = 40.0, jitter_K: float = 0.002):
    """Weakly disordered film: σ_□ = 1/R_BG(T) + A·G_Q·ln T, Hall bar W × L, 300 → 1.8 K, relative noise 1–5e-4.

    ``truth["sigma0"]`` is σ_□ at 1 K (= 1/R_BG(1 K): the phonon part there is < 1e-9 of ρ0)."""
    rng = np.random.default_rng(seed)
    Rs0 = float(math.exp(rng.uniform(math.log(300.0), math.log(5000.0))))
    A = float(rng.uniform(0.3, 1.5))
    A_bg, theta = float(rng.uniform(0.1, 0.5)) * Rs0, float(rng.uniform(250.0, 450.0))
    rel = float(rng.uniform(1e-4, 5e-4))
    T_rep = cooldown(rng, 300.0, 1.8, step_hi=1.0, step_lo=0.1)
    T_true = T_rep + rng.normal(0.0, jitter_K, T_rep.size)
    sig = 1.0 / bloch_gruneisen(T_true, Rs0, A_bg, theta) + A * GQ * np.log(T_true)
    Rxx = (length_um / width_um) / sig
    Rxx = Rxx * (1.0 + rel * rng.normal(0.0, 1.0, Rxx.size))
    Rxy = 0.002 * Rxx + rng.normal(0.0, rel * Rs0, Rxx.size)  # misaligned Hall contacts pick up a little R_xx
    truth = {"sigma0": float(1.0 / bloch_gruneisen([1.0], Rs0, A_bg, theta)[0]), "A": A}
    return csv_rt(path, T_rep, Rxx, Rxy, rng), truth


def results_table(path, T, L, L_err, seed: int) -> Path:
    """L_φ at each T as ``sigmafit batch`` writes ``results.csv`` (one row per fitted curve)."""
    rng = np.random.default_rng(seed + 1)
    rows = [("index,source,label,temperature_K,L_phi,L_phi_stderr,L_so,L_so_stderr,B_phi,B_phi_stderr,ndata,nvarys,"
             "chisqr,redchi,success,status,n_warnings,warnings,error,engine,note,curve_id")]
    for i, (t, l, e) in enumerate(zip(T, L, L_err)):
        lso, bphi = float(rng.normal(45.0, 1.0)), 1.6455e2 / l**2
        chi = float(rng.chisquare(236))
        rows.append(f"{i},sweeps_{t:g}K.dat,temperature_K={t:g},{t:g},{l:.6g},{e:.4g},{lso:.5g},{rng.uniform(0.5, 2):.3g},"
                    f"{bphi:.5g},{2 * bphi * e / l:.3g},240,4,{chi:.5g},{chi / 236:.5g},True,ok,0,,,vectorized,,{i}")
    path = Path(path)
    path.write_text("\n".join(rows) + "\n", encoding="ascii")
    return path


_T_SET = np.array([0.3, 0.4, 0.5, 0.7, 1.0, 1.4, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 20.0])


def case_dephasing(path, seed: int, saturation: bool = False):
    """L_φ from weak-localization fits at 8–14 temperatures between 0.3 and 20 K, relative errors 1–5 % per point,
    the stderr column as a fit reports it (its own value times the relative error, the relative error itself known
    to ~5 %).  ``saturation``: 1/L² = 1/L_sat² + T^p/L1² with T_sat drawn inside the data (0.6–3 K)."""
    rng = np.random.default_rng(seed)
    k = int(rng.integers(8, 15))
    T = np.sort(rng.choice(_T_SET, size=k, replace=False))
    if saturation:  # enough points around and above the crossover
        T = np.unique(np.concatenate([T, [0.3, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0]]))
    L1, p = float(math.exp(rng.uniform(math.log(150.0), math.log(1500.0)))), float(rng.uniform(0.8, 2.5))
    truth = {"L1": L1, "p": p}
    L_sat = math.inf
    if saturation:
        T_sat = float(math.exp(rng.uniform(math.log(0.6), math.log(3.0))))
        L_sat = L1 * T_sat ** (-p / 2.0)
        truth["L_sat"] = L_sat
    L = dephasing_length(T, L1, p, L_sat)
    rel = rng.uniform(0.01, 0.05, T.size)
    L_obs = L * (1.0 + rel * rng.normal(0.0, 1.0, T.size))
    err = rel * L * np.sqrt(rng.chisquare(200, T.size) / 200)
    return results_table(path, T, L_obs, err, seed), truth


def case_bg(path, seed: int):
    """Metal film/wire, 300 → 2 K cool-down, ρ0 + A(T/Θ)⁵J₅(Θ/T), Θ 150–450 K, RRR 1.5–20, absolute noise
    (fixed excitation): σ = 2e-5–2e-4 of R(300 K)."""
    rng = np.random.default_rng(seed)
    rho0 = float(math.exp(rng.uniform(math.log(0.5), math.log(20.0))))
    theta = float(rng.uniform(150.0, 450.0))
    rrr = float(math.exp(rng.uniform(math.log(1.5), math.log(20.0))))
    A = (rrr - 1.0) * rho0 / (bloch_gruneisen([300.0], 0.0, 1.0, theta)[0])
    truth = {"rho0": rho0, "A": float(A), "theta_D": theta}  # A scaled so that R(300 K) = RRR·ρ0
    sigma = float(rng.uniform(2e-5, 2e-4)) * rrr * rho0
    T_rep = cooldown(rng, 300.0, 2.0, step_hi=1.0, step_lo=0.5)
    T_true = T_rep + rng.normal(0.0, 0.002, T_rep.size)
    R = bloch_gruneisen(T_true, rho0, A, theta) + rng.normal(0.0, sigma, T_rep.size)
    return ppms_rt(path, T_rep, R, np.full(R.size, sigma), rng, title="metal film"), truth


HALLBAR = ["--width", "10", "--length", "40"]

#: study name → (case function of this module, model, file suffix, extra flags, parameters compared): the coverage
#: studies of tests/test_coverage_temperature.py and benchmarks/coverage_temperature.py (tests/coverage_study.py)
STUDIES = {
    "vrh (s free)": (case_vrh, "vrh", ".dat", [], ("R0", "T0", "s")),
    "vrh-mott3d": (case_vrh, "vrh-mott3d", ".dat", [], ("R0", "T0")),
    "arrhenius": (case_arrhenius, "arrhenius", ".dat", [], ("R0", "Ea")),
    "lnT --tmax 10 (Hall bar)": (case_lnT, "lnT", ".csv", ["--tmax", "10", *HALLBAR], ("sigma0", "A")),
    "dephasing (results table)": (case_dephasing, "dephasing", ".csv", [], ("L1", "p")),
    "dephasing-sat (results table)": (lambda p, s: case_dephasing(p, s, saturation=True), "dephasing-sat", ".csv",
                                      [], ("L1", "p", "L_sat")),
    "bloch-gruneisen": (case_bg, "bloch-gruneisen", ".dat", [], ("rho0", "A", "theta_D")),
}
