"""An independent generator of Hall and heat-capacity files as Quantum Design PPMS writes them.

Used by ``tests/test_coverage_carriers.py`` and ``benchmarks/coverage_carriers.py`` as the "truth" side of
simulate → ``sigmafit fit`` → compare.  It shares no code with ``sigmafit.models`` on purpose: the
conductivity tensor of the bands is built and inverted here with ``numpy.linalg.inv`` on explicit 2×2
matrices (checked against the PHYSICS.md §6 table in the tests), the constants come from ``scipy.constants``
and the Debye T³ coefficient from its definition 12π⁴R/5·r/Θ_D³.

Hall files (PPMS *Resistivity option* ``.dat``, bridge 1 = R_xx, bridge 2 = R_xy, Ω):

* bands (n_s in cm⁻², μ in cm²/Vs, s = +1 holes, −1 electrons): σ_xx = Σ e n μ/(1 + μ²B²),
  σ_xy = −Σ s e n μ²B/(1 + μ²B²) (SI), ρ = σ⁻¹; Hall bar R_xx = ρ_xx·L/W, R_xy = ρ_xy;
* instrument: the magnet reads B_rep = B_true + B_off + lag·direction with a few-µT jitter, sweeps
  +B_max → −B_max → +B_max; R_xx picks up a fraction of ρ_xy, R_xy a fraction of R_xx (misaligned Hall
  contacts, up to ±30 % as in real files) and a constant; white noise of fixed size on each channel.

Heat-capacity files (PPMS *Heat Capacity option* ``.dat``: ``Samp HC (µJ/K)`` and ``Samp HC Err (µJ/K)``), or
a user's CSV export without an error column:

* C_m = γT + βT³ per mole of formula units (β = 12π⁴R·r/(5Θ_D³)), sample C = C_m·m/M;
* noise relative (σ = f·C), absolute (σ = a), or both in quadrature; the error column, when written, is σ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import constants as sc

E = sc.e
R_GAS = sc.R
DEBYE_T3 = 12.0 * math.pi**4 / 5.0 * sc.R  # J/(mol K): β = DEBYE_T3·r/Θ_D³

_RES_HEADER = """[Header]
TITLE, {title}
FILEOPENTIME,30422650.78,12/18/2024,10:42 AM
BYAPP, Resistivity, 2.1, 1.0
INFO, APPNAME, PPMS MultiVu Application, 1.5.11
INFO, Rxx, Sample1 Name
INFO, 1, Sample1 Cross Section
INFO, 1, Sample1 Length
INFO, Ohm, Sample1 Units
INFO, Hall, Sample2 Name
INFO, 1, Sample2 Cross Section
INFO, 1, Sample2 Length
INFO, Ohm, Sample2 Units
INFO, , Sample3 Name
INFO, , Sample4 Name
DATATYPE, TIME, 2
DATATYPE, COMMENT, 1
TEMPERATURETOLERANCE, 0.05
[Data]
Comment,Time Stamp (sec),Status (code),Temperature (K),Magnetic Field (Oe),Sample Position (deg),\
Bridge 1 Resistivity (Ohm),Bridge 1 Excitation (uA),Bridge 2 Resistivity (Ohm),Bridge 2 Excitation (uA),\
Bridge 3 Resistivity (Ohm-m),Bridge 3 Excitation (uA),Bridge 4 Resistivity (Ohm-m),Bridge 4 Excitation (uA),\
Bridge 1 Std. Dev. (Ohm),Bridge 2 Std. Dev. (Ohm),Bridge 3 Std. Dev. (Ohm-m),Bridge 4 Std. Dev. (Ohm-m),\
Number of Readings,Bridge 1 Resistance (Ohms),Bridge 2 Resistance (Ohms),Bridge 3 Resistance (Ohms),\
Bridge 4 Resistance (Ohms)
"""

_HC_HEADER = """[Header]
; Heat Capacity Data File
TITLE, {title}
BYAPP, HeatCapacity, 1.5, 1.0
INFO, {mass:.3f}, SAMPLE_MASS
INFO, {material}, SAMPLE_MATERIAL
[Data]
Comment (),Time Stamp (Seconds),System Status (Code),Puck Temp (Kelvin),Sample Temp (Kelvin),Temp Rise (Kelvin),\
Samp HC (µJ/K),Samp HC Err (µJ/K),Addenda HC (µJ/K),Total HC (µJ/K),Fit Deviation (ChiSquare)
"""


# --- physics, written independently of sigmafit.models ------------------------------------------------
def band_resistivity(B, bands) -> tuple[np.ndarray, np.ndarray]:
    """ρ_xx, ρ_xy (Ω per square for sheet densities in cm⁻²) of classical bands [(n_cm2, mu_cm2Vs, s), …] at B (T)."""
    B = np.atleast_1d(np.asarray(B, dtype=float))
    sxx = np.zeros_like(B)
    sxy = np.zeros_like(B)
    for n_cm2, mu_cm2, s in bands:
        n, mu = n_cm2 * 1e4, mu_cm2 * 1e-4  # m⁻², m²/Vs
        d = 1.0 + (mu * B) ** 2
        sxx += E * n * mu / d
        sxy += -s * E * n * mu**2 * B / d
    rxx = np.empty_like(B)
    rxy = np.empty_like(B)
    for i in range(B.size):  # ρ = σ⁻¹ of the explicit 2×2 tensor
        rho = np.linalg.inv(np.array([[sxx[i], sxy[i]], [-sxy[i], sxx[i]]]))
        rxx[i], rxy[i] = rho[0, 0], rho[0, 1]
    return rxx, rxy


def debye_beta(theta_D: float, r: float) -> float:
    """β (J mol⁻¹ K⁻⁴) of the Debye T³ law for Θ_D (K) and r atoms per formula unit."""
    return DEBYE_T3 * r / theta_D**3


# --- Hall files ------------------------------------------------------------------------------------------
@dataclass
class HallFile:
    """What a Hall file was made with: bands, Hall bar (µm) and instrument."""

    path: Path
    bands: list
    width_um: float
    length_um: float
    bmax_T: float
    noise_xx: float
    noise_xy: float
    T: float
    extra: dict = field(default_factory=dict)

    @property
    def n_s(self) -> float:
        """Signed one-band sheet density (cm⁻²): > 0 holes."""
        n, _, s = self.bands[0]
        return s * n

    @property
    def mu_H(self) -> float:
        return self.bands[0][1]

    @property
    def rho_xx0(self) -> float:
        return float(band_resistivity(0.0, self.bands)[0][0])


def hall_file(path, bands, *, width_um, length_um, bmax_T, step_T, noise_xx, noise_xy, rng, B_off_T=0.0, lag_T=0.0,
              pickup=0.0, pickup_xy=0.0, offset_xy=0.0, T=2.0, title="simulated Hall bar") -> HallFile:
    """Write one PPMS Resistivity file: two sweeps +B_max → −B_max → +B_max at one temperature."""
    n = int(round(bmax_T / step_T))
    half = np.arange(n + 1) * step_T
    down = np.concatenate([half[::-1], -half[1:]])
    setp = np.concatenate([down, down[::-1][1:]])
    direction = np.concatenate([-np.ones(down.size), np.ones(down.size - 1)])
    b_rep = setp + rng.uniform(-1e-5, 1e-5, setp.size)
    b_true = b_rep - B_off_T - lag_T * direction
    rxx, rxy = band_resistivity(b_true, bands)
    R_xx = rxx * length_um / width_um
    meas_xx = R_xx + pickup * rxy + rng.normal(0.0, noise_xx, setp.size)
    meas_xy = rxy + pickup_xy * R_xx + offset_xy + rng.normal(0.0, noise_xy, setp.size)
    temps = T + rng.normal(0.0, 0.002, setp.size)
    times = 30423338.25 + np.cumsum(4.0 + rng.uniform(0.0, 0.5, setp.size))
    lines = [
        f",{times[i]:.2f},4369,{temps[i]:.9g},{b_rep[i] * 1e4:.7f},0,{meas_xx[i]:.12g},10,{meas_xy[i]:.12g},10,,,,,,,,,25,"
        f"{meas_xx[i]:.12g},{meas_xy[i]:.12g},,"
        for i in range(setp.size)
    ]
    path = Path(path)
    path.write_text(_RES_HEADER.format(title=title) + "\n".join(lines) + "\n", encoding="ascii")
    return HallFile(path, list(bands), width_um, length_um, bmax_T, noise_xx, noise_xy, T,
                    {"B_off_T": B_off_T, "pickup": pickup, "pickup_xy": pickup_xy})


def _loguniform(rng, lo, hi) -> float:
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def random_one_band(path, seed: int) -> HallFile:
    """A one-band Hall bar drawn from ``seed``: n_s 10¹¹–10¹⁴ cm⁻² of either sign, μ 50–20 000 cm²/Vs,
    W 5–50 µm with L/W 1–5, B_max 1–9 T in 100–200 steps a sweep direction, field offset ±2 mT, magnet lag
    ≤ 50 µT, R_xx pickup of ±2 % of ρ_xy, R_xy pickup of ±30 % of R_xx plus a constant, and white noise of
    2·10⁻⁵–10⁻³ of R_xx on R_xx and 0.3–1 of that on R_xy."""
    rng = np.random.default_rng(seed)
    n = _loguniform(rng, 1e11, 1e14)
    mu = _loguniform(rng, 50.0, 2e4)
    s = 1.0 if rng.uniform() < 0.5 else -1.0
    W = round(float(rng.uniform(5.0, 50.0)), 1)  # as a user types them: 0.1 µm
    L = round(W * float(rng.uniform(1.0, 5.0)), 1)
    bmax = float(rng.choice([1.0, 2.0, 5.0, 9.0]))
    step = bmax / int(rng.integers(100, 201))
    R_xx = float(band_resistivity(0.0, [(n, mu, s)])[0][0]) * L / W
    noise_xx = R_xx * _loguniform(rng, 2e-5, 1e-3)
    noise_xy = noise_xx * float(rng.uniform(0.3, 1.0))
    return hall_file(path, [(n, mu, s)], width_um=W, length_um=L, bmax_T=bmax, step_T=step, noise_xx=noise_xx,
                     noise_xy=noise_xy, rng=rng, B_off_T=float(rng.uniform(-2e-3, 2e-3)), lag_T=float(rng.uniform(0, 5e-5)),
                     pickup=float(rng.uniform(-0.02, 0.02)), pickup_xy=float(rng.uniform(-0.3, 0.3)),
                     offset_xy=float(rng.uniform(-1.0, 1.0)) * noise_xy * 100, T=float(rng.uniform(2.0, 300.0)))


def random_two_band(path, seed: int, *, b_off_max_T: float = 2e-3) -> HallFile:
    """Electrons (band 1) and holes (band 2) drawn from ``seed``: n 10¹²–10¹³ cm⁻² each, μ₁ 2000–10 000 and
    μ₂ 300–3000 cm²/Vs, B_max 9 T (μ₁B_max ≥ 1.8: separable), 150 steps a sweep direction, W = 10 µm, L = 40 µm,
    pickup and offset as :func:`random_one_band`, noise 10⁻⁵–3·10⁻⁴ of R_xx (both channels the same size)."""
    rng = np.random.default_rng(seed)
    bands = [(_loguniform(rng, 1e12, 1e13), _loguniform(rng, 2000.0, 1e4), -1.0),
             (_loguniform(rng, 1e12, 1e13), _loguniform(rng, 300.0, 3000.0), 1.0)]
    R_xx = float(band_resistivity(0.0, bands)[0][0]) * 4.0
    noise = R_xx * _loguniform(rng, 1e-5, 3e-4)
    return hall_file(path, bands, width_um=10.0, length_um=40.0, bmax_T=9.0, step_T=0.06, noise_xx=noise, noise_xy=noise,
                     rng=rng, B_off_T=float(rng.uniform(-1.0, 1.0)) * b_off_max_T, lag_T=float(rng.uniform(0, 5e-5)),
                     pickup=float(rng.uniform(-0.02, 0.02)), pickup_xy=float(rng.uniform(-0.3, 0.3)),
                     offset_xy=float(rng.uniform(-1.0, 1.0)) * noise * 100, T=float(rng.uniform(2.0, 100.0)))


# --- heat-capacity files ---------------------------------------------------------------------------------
@dataclass
class HeatFile:
    """What a heat-capacity file was made with (γ, β in mJ mol⁻¹ K⁻² / K⁻⁴; mass mg; molar mass g/mol)."""

    path: Path
    gamma: float
    beta: float
    theta_D: float
    r: int
    mass_mg: float
    molar_mass: float
    noise: str


def heat_file(path, *, gamma, theta_D, r, mass_mg, molar_mass, T, rel, absolute_uJ, rng, error_column: bool,
              title="simulated sample") -> HeatFile:
    """Write a PPMS heat-capacity ``.dat`` (``error_column``) or a user CSV of T and sample C in µJ/K (no errors).

    ``gamma`` in mJ mol⁻¹ K⁻²; noise σ = √((rel·C)² + absolute_uJ²) in µJ/K on the sample's C.
    """
    beta = debye_beta(theta_D, r)  # J/(mol K⁴)
    moles = mass_mg * 1e-3 / molar_mass
    C = (gamma * 1e-3 * T + beta * T**3) * moles * 1e6  # µJ/K
    sigma = np.hypot(rel * C, absolute_uJ)
    meas = C + rng.normal(0.0, 1.0, T.size) * sigma
    path = Path(path)
    if error_column:
        addenda = 0.08 * T + 0.002 * T**3  # µJ/K, a typical puck
        rise = 0.02 * T
        times = 1000.0 + np.cumsum(rng.uniform(60.0, 120.0, T.size))
        lines = [f",{times[i]:.1f},1,{T[i] - rise[i] / 2:.5f},{T[i]:.5f},{rise[i]:.4f},{meas[i]:.6g},{sigma[i]:.3g},"
                 f"{addenda[i]:.5g},{meas[i] + addenda[i]:.5g},{rng.uniform(0.001, 0.01):.3f}" for i in range(T.size)]
        path.write_text(_HC_HEADER.format(title=title, mass=mass_mg, material="X") + "\n".join(lines) + "\n", encoding="utf-8")
    else:
        lines = [f"{T[i]:.5f},{meas[i]:.6g}" for i in range(T.size)]
        path.write_text("Temperature (K),Sample HC (uJ/K)\n" + "\n".join(lines) + "\n", encoding="utf-8")
    kind = ("relative" if rel else "") + ("+" if rel and absolute_uJ else "") + ("absolute" if absolute_uJ else "")
    return HeatFile(path, gamma, beta * 1e3, theta_D, r, mass_mg, molar_mass, kind)


def random_heat(path, seed: int, *, noise: str = "relative", error_column: bool = True) -> HeatFile:
    """A low-T C(T) drawn from ``seed``: γ 0.3–10 mJ mol⁻¹ K⁻², Θ_D 150–450 K, r 1–3 atoms per formula unit,
    1.8 K to min(Θ_D/35, 10 K) in 25–50 log-spaced set points (1 or 3 measurements each, 0.3 % temperature
    scatter), mass 2–30 mg, molar mass 50–300 g/mol.  ``noise``: "relative" (0.2–2 % of C), "absolute"
    (0.2–2 % of the median C, the same at every T) or "mixed" (both)."""
    rng = np.random.default_rng(seed)
    theta = float(rng.uniform(150.0, 450.0))
    r = int(rng.integers(1, 4))
    tmax = min(theta / 35.0, 10.0)
    n_set = int(rng.integers(25, 51))
    reps = int(rng.choice([1, 3]))
    T = np.repeat(np.geomspace(1.8, tmax, n_set), reps) * (1.0 + rng.normal(0.0, 0.003, n_set * reps))
    gamma = _loguniform(rng, 0.3, 10.0)
    mass = float(rng.uniform(2.0, 30.0))
    molar = float(rng.uniform(50.0, 300.0))
    moles = mass * 1e-3 / molar
    C_med = float(np.median((gamma * 1e-3 * T + debye_beta(theta, r) * T**3) * moles * 1e6))
    f = _loguniform(rng, 2e-3, 2e-2)
    rel = f if noise in ("relative", "mixed") else 0.0
    absolute = f * C_med if noise in ("absolute", "mixed") else 0.0
    return heat_file(path, gamma=gamma, theta_D=theta, r=r, mass_mg=mass, molar_mass=molar, T=T, rel=rel,
                     absolute_uJ=absolute, rng=rng, error_column=error_column)


# --- the studies: simulate, run the command a user types, read its JSON ------------------------------
def _value(js: dict, name: str) -> tuple[float, float]:
    for group in ("params", "derived"):
        p = (js.get(group) or {}).get(name)
        if p is not None:
            v, e = p.get("value"), p.get("stderr")
            return (float(v) if v is not None else math.nan, float(e) if e is not None else math.nan)
    return math.nan, math.nan


def hall_case(folder, seed: int):
    """(file, flags, truth) of one study-1 file: ``sigmafit fit FILE --model hall --width W --length L``."""
    h = random_one_band(Path(folder) / f"hall_{seed:03d}.dat", seed)
    flags = ["--model", "hall", "--width", f"{h.width_um:g}", "--length", f"{h.length_um:g}"]
    return h.path, flags, {"n_s": h.n_s, "mu_H": h.mu_H}


def two_band_case(folder, seed: int, *, b_off_max_T: float = 2e-3):
    """Study 2: ``sigmafit fit FILE --model two-band --width 10 --length 40`` (default signs: band 1 electrons)."""
    h = random_two_band(Path(folder) / f"twoband_{seed:03d}.dat", seed, b_off_max_T=b_off_max_T)
    (n1, mu1, _), (n2, mu2, _) = h.bands
    return h.path, ["--model", "two-band", "--width", "10", "--length", "40"], {"n1": n1, "mu1": mu1, "n2": n2, "mu2": mu2}


def heat_case(folder, seed: int, *, noise: str, error_column: bool):
    """Study 3: ``sigmafit fit FILE --model heat-capacity --mass-mg m --molar-mass M --fix r=R``."""
    suffix = ".dat" if error_column else ".csv"
    h = random_heat(Path(folder) / f"hc_{noise}_{int(error_column)}_{seed:03d}{suffix}", seed, noise=noise,
                    error_column=error_column)
    flags = ["--model", "heat-capacity", "--mass-mg", f"{h.mass_mg:.6g}", "--molar-mass", f"{h.molar_mass:.6g}",
             "--fix", f"r={h.r}"]
    return h.path, flags, {"gamma": h.gamma, "beta": h.beta, "theta_D": h.theta_D}


def run_study(cases) -> dict:
    """Fit every (file, flags, truth) with the CLI in-process; pulls per parameter, χ²_ν, failures, silent misses."""
    import json

    from sigmafit.cli.main import main

    pulls: dict[str, list[float]] = {}
    redchi, failed, silent, codes = [], [], [], []
    for path, flags, truth in cases:
        out = Path(path).with_suffix(".json")
        code = main(["fit", str(path), *flags, "--json", str(out)])
        codes.append(code)
        if code not in (0, 1) or not out.exists():
            failed.append(str(path))
            continue
        js = json.loads(out.read_text())
        if not js.get("success", False):
            failed.append(str(path))
        redchi.append(float((js.get("statistics") or {}).get("redchi", math.nan)))
        worst = 0.0
        for name, t in truth.items():
            v, e = _value(js, name)
            z = (v - t) / e if e and e > 0 else math.nan
            pulls.setdefault(name, []).append(z)
            worst = max(worst, abs(z) if np.isfinite(z) else math.inf)
        if worst > 3 and not js.get("warnings"):
            silent.append(str(path))
    return {"pulls": {k: np.asarray(v) for k, v in pulls.items()}, "redchi": np.asarray(redchi), "failed": failed,
            "silent": silent, "codes": codes}
