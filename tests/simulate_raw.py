"""An independent generator of raw magnetotransport files, written as Quantum Design PPMS Resistivity ``.dat``.

Used by the measurement-model tests and benchmarks as the "truth" side of simulate → load → fit.  It shares
no code with ``sigmafit.models`` on purpose: the weak-(anti)localization correction is computed here from
``scipy.special.digamma`` with its own large-x series, the conductivity tensor is inverted with
``numpy.linalg.inv`` on explicit 2×2 matrices, and the constants come straight from ``scipy.constants``.

Physics (SI, sheet quantities, PHYSICS.md §2 and §6):

* Drude band: σ_xx = σ0/(1 + μ²B²), σ_xy = −s·σ0·μB/(1 + μ²B²) (s = +1 holes, −1 electrons), n_s = σ0/(eμ);
* WL/WAL correction Δσ(B) of ``hln-dp`` or ``hln-so`` (no elastic cut-off); with ``hall_wl="fukuyama"``
  (default) it renormalizes the transport time, σ0 → σ0 + Δσ and μ → μ(1 + Δσ/σ0) at fixed n_s, so that the Hall
  coefficient is not changed by weak localization (Fukuyama, J. Phys. Soc. Jpn. 48, 2169 (1980); Altshuler et
  al., PRB 22, 5142 (1980)); with ``hall_wl="none"`` Δσ is added to σ_xx and σ_xy stays classical;
* ρ = σ⁻¹; Hall bar R_xx = ρ_xx·L/W, R_xy = ρ_xy;
* instrument: the magnet reports B_rep = B_true + B_off + lag·direction (direction = +1 while sweeping up,
  −1 down), the reported value itself jitters by a few µT around the set point; R_xx picks up a fraction
  ``pickup`` of ρ_xy, R_xy picks up a fraction ``pickup_xy`` of R_xx and a constant ``offset_xy``; each
  reported value is the mean of ``readings`` readings with white noise, so its standard deviation is
  ``noise_xx`` / ``noise_xy`` (Ω); the optional ``Std. Dev.`` columns hold the sample standard deviation of
  the single readings (√readings times larger), as the PPMS Resistivity option writes it.

Sweeps: +B_max → −B_max, then −B_max → +B_max, per temperature, with a constant field step (or a finer step
inside |B| ≤ ``fine_range_T``).  Files are seeded and take milliseconds to make.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
from scipy import constants as sc
from scipy.special import digamma

E = sc.e
HBAR = sc.hbar
GQ = sc.e**2 / (math.pi * sc.h)

_HEADER = """[Header]
TITLE, {title}
FILEOPENTIME,30422650.78,12/18/2024,10:42 AM
BYAPP, Resistivity, 2.1, 1.0
INFO, APPNAME, PPMS MultiVu Application, 1.5.11
INFO, Rxx, Sample1 Name
INFO, 1, Sample1 Cross Section
INFO, 1, Sample1 Length
INFO, Ohm, Sample1 Units
INFO, Rxy, Sample2 Name
INFO, 1, Sample2 Cross Section
INFO, 1, Sample2 Length
INFO, Ohm, Sample2 Units
INFO, , Sample3 Name
INFO, 1, Sample3 Cross Section
INFO, 1, Sample3 Length
INFO, Ohm-m, Sample3 Units
INFO, , Sample4 Name
INFO, 1, Sample4 Cross Section
INFO, 1, Sample4 Length
INFO, Ohm-m, Sample4 Units
FIELDGROUP, Resistivity,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23
STARTUPGROUP, Resistivity
STARTUPAXIS, X, 2, LINEAR, AUTO
STARTUPAXIS, Y1, 7, LINEAR, AUTO
STARTUPAXIS, Y2, 9, LINEAR, AUTO
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


# --- physics, written independently of sigmafit.models ---------------------------------------------


def y_function(x):
    """Y(x) = ψ(½ + x) − ln x (x ≥ 0, Y(∞) = 0); the series 1/(24x²) − 7/(960x⁴) + 31/(8064x⁶) above x = 60."""
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    small = x < 60.0
    xs = x[small]
    out[small] = digamma(0.5 + xs) - np.log(xs)
    xl = x[~small & np.isfinite(x)]
    z = 1.0 / (xl * xl)
    out[~small & np.isfinite(x)] = z * (1.0 / 24.0 - z * (7.0 / 960.0 - z * 31.0 / 8064.0))
    return out


def _y_of(H, B):
    b = np.abs(np.asarray(B, dtype=float))
    with np.errstate(divide="ignore"):
        return y_function(np.where(b > 0, H / np.where(b > 0, b, 1.0), np.inf))


def field_of(L_nm: float) -> float:
    """ħ/(4eL²) in T for L in nm."""
    return HBAR / (4.0 * E * (L_nm * 1e-9) ** 2)


def wal(B, kind: str, L_phi_nm: float, L_so_nm: float):
    """Δσ(B) = σ(B) − σ(0) in S of ``hln-dp`` or ``hln-so`` (PHYSICS.md §2, no elastic cut-off)."""
    bp, bs = field_of(L_phi_nm), field_of(L_so_nm)
    if kind == "hln-dp":
        return -GQ * (0.5 * _y_of(bp, B) - _y_of(bp + bs, B) - 0.5 * _y_of(bp + 2.0 * bs, B))
    if kind == "hln-so":
        return -GQ * (-1.5 * _y_of(bp + 4.0 * bs / 3.0, B) + 0.5 * _y_of(bp, B))
    raise ValueError(f"kind must be 'hln-dp' or 'hln-so', not {kind!r}")


def resistivity(B, sigma0, mu, sign, dsigma, hall_wl="fukuyama"):
    """(ρ_xx, ρ_xy) in Ω of a Drude band with the correction ``dsigma``, by inverting each 2×2 tensor.

    ``hall_wl="fukuyama"``: the correction renormalizes the transport time, σ0 → f·σ0 and μ → f·μ with
    f = 1 + Δσ/σ0 (so ρ_xx = 1/(σ0 + Δσ) and ρ_xy = sB/(e n_s) exactly); ``"none"``: Δσ added to σ_xx only.
    """
    B = np.asarray(B, dtype=float)
    f = 1.0 + dsigma / sigma0 if hall_wl == "fukuyama" else 1.0
    s0, m = sigma0 * f, mu * f
    d = 1.0 + (m * B) ** 2
    sxx = s0 / d + (0.0 if hall_wl == "fukuyama" else dsigma)
    sxy = -sign * s0 * m * B / d
    tensor = np.empty(B.shape + (2, 2))
    tensor[..., 0, 0] = sxx
    tensor[..., 1, 1] = sxx
    tensor[..., 0, 1] = sxy
    tensor[..., 1, 0] = -sxy
    rho = np.linalg.inv(tensor)
    return rho[..., 0, 0], rho[..., 0, 1]


# --- what is simulated --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Film:
    """The sample: a Hall bar with one Drude band and a WL/WAL correction (lengths nm, σ0 S, n_s cm⁻²)."""

    wal: str = "hln-dp"
    L_phi_nm: float = 250.0
    L_so_nm: float = 60.0
    sigma0_S: float = 1e-3
    n_s_cm2: float = 5e12
    carrier: str = "holes"
    hall_wl: str = "fukuyama"
    width_um: float = 10.0
    length_um: float = 40.0

    @property
    def sign(self) -> int:
        return 1 if self.carrier == "holes" else -1

    @property
    def mu(self) -> float:
        """Mobility (m²/Vs) = σ0/(e n_s)."""
        return self.sigma0_S / (E * self.n_s_cm2 * 1e4)


@dataclass(frozen=True)
class Instrument:
    """The measurement: field schedule, magnet offset and lag, contact pickup, noise (T, Ω)."""

    B_off_T: float = 0.0
    lag_T: float = 2e-5
    jitter_T: float = 1e-5
    pickup: float = 0.02
    pickup_xy: float = 0.005
    offset_xy_ohm: float = 0.5
    noise_xx_ohm: float = 0.2
    noise_xy_ohm: float = 0.05
    step_T: float = 2.5e-3
    fine_step_T: float | None = None
    fine_range_T: float = 0.02
    bmax_T: float = 0.5
    std_columns: bool = False
    readings: int = 25


@dataclass(frozen=True)
class Curve:
    """One temperature set point: its temperature (K), L_φ (nm) and σ0 (S)."""

    T: float
    L_phi_nm: float
    sigma0_S: float


@dataclass
class Simulated:
    """What a file was made with (JSON-able through :meth:`truth`)."""

    path: Path
    film: Film
    instrument: Instrument
    curves: list[Curve] = field(default_factory=list)

    def truth(self) -> dict:
        return {"path": str(self.path), "film": asdict(self.film), "instrument": asdict(self.instrument),
                "curves": [asdict(c) for c in self.curves]}


def _half_grid(inst: Instrument) -> np.ndarray:
    """Set points 0 … B_max (T), fine inside |B| ≤ fine_range_T when asked."""
    n = int(round(inst.bmax_T / inst.step_T))
    coarse = np.arange(n + 1) * inst.step_T
    if inst.fine_step_T is None:
        return coarse
    m = int(round(inst.fine_range_T / inst.fine_step_T))
    fine = np.arange(m) * inst.fine_step_T
    return np.concatenate([fine, coarse[coarse >= inst.fine_range_T - 1e-12]])


def schedule(inst: Instrument) -> tuple[np.ndarray, np.ndarray]:
    """(set points, direction) of the two sweeps +B_max → −B_max → +B_max."""
    half = _half_grid(inst)
    down = np.concatenate([half[::-1], -half[1:]])
    up = down[::-1]
    points = np.concatenate([down, up])
    direction = np.concatenate([-np.ones(down.size), np.ones(up.size)])
    return points, direction


def _rows(film: Film, inst: Instrument, curve: Curve, rng: np.random.Generator, t0: float) -> tuple[list[str], float]:
    setp, direction = schedule(inst)
    b_rep = setp + rng.uniform(-inst.jitter_T, inst.jitter_T, setp.size)
    b_true = b_rep - inst.B_off_T - inst.lag_T * direction
    ds = wal(b_true, film.wal, curve.L_phi_nm, film.L_so_nm)
    mu = curve.sigma0_S / (E * film.n_s_cm2 * 1e4)
    rxx, rxy = resistivity(b_true, curve.sigma0_S, mu, film.sign, ds, film.hall_wl)
    R_xx = rxx * film.length_um / film.width_um
    clean_xx = R_xx + inst.pickup * rxy
    clean_xy = rxy + inst.pickup_xy * R_xx + inst.offset_xy_ohm
    meas_xx = clean_xx + rng.normal(0.0, inst.noise_xx_ohm, setp.size)
    meas_xy = clean_xy + rng.normal(0.0, inst.noise_xy_ohm, setp.size)
    root = math.sqrt(inst.readings)
    dof = inst.readings - 1
    std_xx = inst.noise_xx_ohm * root * np.sqrt(rng.chisquare(dof, setp.size) / dof)
    std_xy = inst.noise_xy_ohm * root * np.sqrt(rng.chisquare(dof, setp.size) / dof)
    temps = curve.T + rng.normal(0.0, 0.002, setp.size)
    times = t0 + np.cumsum(4.0 + rng.uniform(0.0, 0.5, setp.size))
    lines = []
    for i in range(setp.size):
        sd = f"{std_xx[i]:.9g},{std_xy[i]:.9g}" if inst.std_columns else ","
        lines.append(
            f",{times[i]:.2f},4369,{temps[i]:.9g},{b_rep[i] * 1e4:.7f},0,{meas_xx[i]:.12g},10,{meas_xy[i]:.12g},10,,,,,"
            f"{sd},,,{inst.readings},{meas_xx[i]:.12g},{meas_xy[i]:.12g},,"
        )
    return lines, float(times[-1])


def write(path, film: Film, inst: Instrument, curves: list[Curve], seed: int, *, title: str = "simulated WAL film") -> Simulated:
    """Write one PPMS Resistivity file with a field-sweep pair per curve; return what it was made with."""
    rng = np.random.default_rng(seed)
    lines: list[str] = []
    t = 30423338.25
    for c in curves:
        rows, t = _rows(film, inst, c, rng, t)
        lines += rows
    path = Path(path)
    path.write_text(_HEADER.format(title=title) + "\n".join(lines) + "\n", encoding="ascii")
    return Simulated(path, film, inst, list(curves))


def one_temperature(path, seed: int, *, film: Film | None = None, inst: Instrument | None = None, T: float = 2.0) -> Simulated:
    """A file of one temperature; ``film``/``inst`` default to the values above."""
    film = film or Film()
    return write(path, film, inst or Instrument(), [Curve(T, film.L_phi_nm, film.sigma0_S)], seed)


def four_temperatures(path, seed: int, *, film: Film | None = None, inst: Instrument | None = None,
                      temperatures=(2.0, 4.0, 8.0, 16.0), L_phi_1K_nm: float = 400.0, A_lnT: float = 0.5) -> Simulated:
    """Sweeps at four temperatures: L_φ = L_φ(1 K)·T^(−1/2), one L_so, σ0(T) = σ0(1 K) + A·G_Q·ln T."""
    film = film or Film(wal="hln-so", L_so_nm=40.0)
    curves = [Curve(T, L_phi_1K_nm / math.sqrt(T), film.sigma0_S + A_lnT * GQ * math.log(T)) for T in temperatures]
    return write(path, film, inst or Instrument(), curves, seed)


def random_case(path, seed: int, **instrument) -> Simulated:
    """One file of the coverage study: an ``hln-dp`` film and instrument drawn at random from ``seed``.

    L_φ ∈ [150, 400] nm (B_φ ≈ 1.0–7.3 mT around the 2.5 mT step), L_so ∈ [40, 80] nm, σ0 ∈ [0.8, 1.25] mS,
    n_s ∈ [2, 10]·10¹² cm⁻² of either sign, B_off uniform in ±0.6 mT, pickup ∈ ±3 %, pickup_xy ∈ ±1 %,
    offset_xy ∈ ±2 Ω; the noise and steps of :class:`Instrument` unless overridden by ``instrument``.
    """
    rng = np.random.default_rng(seed)
    film = Film(
        wal="hln-dp",
        L_phi_nm=float(rng.uniform(150.0, 400.0)),
        L_so_nm=float(rng.uniform(40.0, 80.0)),
        sigma0_S=float(rng.uniform(0.8e-3, 1.25e-3)),
        n_s_cm2=float(rng.uniform(2e12, 1e13)),
        carrier="holes" if rng.uniform() < 0.5 else "electrons",
    )
    inst = replace(
        Instrument(),
        B_off_T=float(rng.uniform(-6e-4, 6e-4)),
        pickup=float(rng.uniform(-0.03, 0.03)),
        pickup_xy=float(rng.uniform(-0.01, 0.01)),
        offset_xy_ohm=float(rng.uniform(-2.0, 2.0)),
        **instrument,
    )
    return one_temperature(path, seed + 1_000_003, film=film, inst=inst)
