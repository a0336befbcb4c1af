"""Simulated optical spectra written the way real files look, for the coverage studies of the optics models.

Independent of sigmafit's formulas (PHYSICS.md §5 written out again here with scipy.constants):
ε(ν) = ε∞ − ω_p²/(ν² + iγν) + Σ_j ω_pj²/(ν0_j² − ν² − iγ_jν),  σ1 = ν·ε2/Z,  Z = Z0/(2π) = 1/(2πcε0) (Ω),
N = n + ik = √ε (k ≥ 0),  R = |(N − 1)/(N + 1)|².  Frequencies in cm⁻¹, σ in S/cm.

Files:

* ``sigma1_file``: an FTIR-derived σ1 spectrum, tab-separated ``Wavenumber (cm-1)``, ``sigma1 (S/cm)``, 2 cm⁻¹-ish
  spacing resampled to a few hundred points, relative noise (1–2 %) or absolute (constant) noise;
* ``nk_yaml``: a refractiveindex.info ``tabulated nk`` table against wavelength in µm (values to 4 digits);
* ``eps_csv``: an IR ellipsometry export, ``Energy (eV)``, ``e1``, ``e2`` as CSV;
* ``reflectance_file``: an FTIR reflectance, ``Wavenumber (cm-1)``, ``R (%)``, absolute noise in R.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import constants as C

#: Z = 1/(2πcε0) in Ω: ε = ε∞ + iZσ/ν with ν in cm⁻¹ and σ in S/cm (the factors 100 of cm cancel).
Z_OHM = 1.0 / (2.0 * np.pi * C.c * C.epsilon_0)
#: ν[cm⁻¹] per eV: E/(hc) with hc in eV·cm.
CM_PER_EV = C.e / (C.h * C.c * 100.0)

assert abs(1e8 / (Z_OHM * 100.0) - 16678.2) < 0.1  # PHYSICS.md §5: σ0 = 16 678.2 S/cm at ω_p = 10⁴, γ = 100 cm⁻¹
assert abs(CM_PER_EV - 8065.544) < 1e-3


@dataclass
class Truth:
    wp: float
    gamma: float
    eps_inf: float = 1.0
    osc: list[tuple[float, float, float]] = field(default_factory=list)  # (wp_j, nu0_j, gamma_j)

    def params(self) -> dict[str, float]:
        out = {"wp": self.wp, "gamma": self.gamma, "eps_inf": self.eps_inf}
        for j, (w, n0, g) in enumerate(self.osc, start=1):
            out.update({f"wp{j}": w, f"nu0{j}": n0, f"gamma{j}": g})
        return out


def eps(nu, t: Truth) -> np.ndarray:
    nu = np.asarray(nu, dtype=float)
    e = t.eps_inf - t.wp**2 / (nu**2 + 1j * t.gamma * nu)
    for w, n0, g in t.osc:
        e = e + w**2 / (n0**2 - nu**2 - 1j * g * nu)
    return e


def sigma1(nu, t: Truth) -> np.ndarray:
    return np.asarray(nu, dtype=float) * eps(nu, t).imag / Z_OHM


def nk(nu, t: Truth) -> np.ndarray:
    N = np.sqrt(eps(nu, t))
    assert np.all(N.imag >= 0)
    return N


def reflectance(nu, t: Truth) -> np.ndarray:
    N = nk(nu, t)
    return np.abs((N - 1.0) / (N + 1.0)) ** 2


def _sig(x: float, digits: int) -> str:
    return f"{x:.{digits - 1}e}" if abs(x) < 1e-3 or abs(x) >= 1e5 else f"{float(f'{x:.{digits - 1}e}'):g}"


def noisy(rng, y, rel: float | None = None, absolute: float | None = None) -> np.ndarray:
    """y with independent Gaussian noise: relative (× (1 + rel·g)) or absolute (+ absolute·g)."""
    g = rng.standard_normal(np.shape(y))
    return y * (1.0 + rel * g) if rel is not None else y + absolute * g


def sigma1_file(path: Path, nu, s1) -> Path:
    lines = ["# Sample: film on sapphire, 300 K; sigma1 from Kramers-Kronig of the FTIR reflectance",
             "# Instrument: Bruker Vertex 80v, resolution 4 cm-1",
             "Wavenumber (cm-1)\tsigma1 (S/cm)"]
    lines += [f"{v:.3f}\t{_sig(s, 6)}" for v, s in zip(nu, s1)]
    path.write_text("\n".join(lines) + "\n")
    return path


def nk_yaml(path: Path, lam_um, n, k) -> Path:
    rows = "\n".join(f"        {lam:.5g} {_sig(a, 4)} {_sig(b, 4)}" for lam, a, b in zip(lam_um, n, k))
    path.write_text("# this file is part of refractiveindex.info database (simulated for a coverage study)\n"
                    "REFERENCES: |\n    simulated Drude metal\nCOMMENTS: |\n    room temperature\n"
                    "DATA:\n  - type: tabulated nk\n    data: |\n" + rows + "\n")
    return path


def eps_csv(path: Path, energy_ev, e1, e2) -> Path:
    lines = ["Energy (eV),e1,e2"] + [f"{E:.5f},{_sig(a, 6)},{_sig(b, 6)}" for E, a, b in zip(energy_ev, e1, e2)]
    path.write_text("\n".join(lines) + "\n")
    return path


def reflectance_file(path: Path, nu, R) -> Path:
    lines = ["# FTIR reflectance against a gold mirror (corrected), 300 K", "Wavenumber (cm-1)\tR (%)"]
    lines += [f"{v:.3f}\t{100.0 * r:.4f}" for v, r in zip(nu, R)]
    path.write_text("\n".join(lines) + "\n")
    return path


# --- random cases ----------------------------------------------------------------------------


def drude_truth(rng) -> Truth:
    """A metal: ω_p 5 000–20 000 cm⁻¹ (log-uniform), γ 60–600 cm⁻¹ (log-uniform), ε∞ 1.5–6."""
    return Truth(wp=float(np.exp(rng.uniform(np.log(5e3), np.log(2e4)))),
                 gamma=float(np.exp(rng.uniform(np.log(60.0), np.log(600.0)))),
                 eps_inf=float(rng.uniform(1.5, 6.0)))


def drude_lorentz_truth(rng) -> Truth:
    """A Drude metal plus one interband/mid-IR peak inside the window."""
    t = drude_truth(rng)
    t.osc = [(float(rng.uniform(6e3, 1.5e4)), float(rng.uniform(1500.0, 4000.0)), float(rng.uniform(400.0, 1500.0)))]
    return t


def ftir_grid(rng, lo: float = 30.0, hi: float = 6000.0, step: float | None = None) -> np.ndarray:
    """A linear FTIR grid (resampled KK output): 8–16 cm⁻¹ steps from ~lo to hi."""
    step = step or float(rng.uniform(8.0, 16.0))
    start = lo + float(rng.uniform(0.0, step))
    return np.arange(start, hi, step)


# --- cases: (file, truth) --------------------------------------------------------------------


def case_sigma1(folder: Path, seed: int, noise: str = "relative", kind: str = "drude"):
    rng = np.random.default_rng(seed)
    t = drude_truth(rng) if kind == "drude" else drude_lorentz_truth(rng)
    nu = ftir_grid(rng)
    s1 = sigma1(nu, t)
    if noise == "relative":
        y = noisy(rng, s1, rel=float(rng.uniform(0.01, 0.02)))
    else:
        y = noisy(rng, s1, absolute=0.01 * float(s1[0]))
    return sigma1_file(folder / f"{kind}_s1_{noise}_{seed:03d}.txt", nu, y), t


def case_nk(folder: Path, seed: int):
    rng = np.random.default_rng(seed)
    t = drude_truth(rng)
    rng = np.random.default_rng(10_000 + seed)  # same truth, its own noise
    lam = np.geomspace(2.0, 250.0, 80)
    N = nk(1e4 / lam, t)
    return nk_yaml(folder / f"drude_nk_{seed:03d}.yml", lam, noisy(rng, N.real, rel=0.01),
                     noisy(rng, N.imag, rel=0.01)), t


def case_eps(folder: Path, seed: int, noise: str = "modulus"):
    """IR ellipsometry ε1, ε2 against energy: noise 1 % of |ε| in each part (``modulus``: errors of Ψ, Δ carry
    over to ε in proportion to |ε|) or 1 % of each part (``relative``, what the default weights assume)."""
    rng = np.random.default_rng(20_000 + seed)
    t = drude_truth(rng)
    E = np.arange(0.03, 1.0, 0.005)
    e = eps(E * CM_PER_EV, t)
    d1, d2 = (0.01 * np.abs(e),) * 2 if noise == "modulus" else (0.01 * np.abs(e.real), 0.01 * e.imag)
    return eps_csv(folder / f"drude_eps_{noise}_{seed:03d}.csv", E, e.real + d1 * rng.standard_normal(E.size),
                     e.imag + d2 * rng.standard_normal(E.size)), t


def case_reflectance(folder: Path, seed: int, clip: bool = False):
    """FTIR R (absolute noise σ_R = 0.2–0.5 %) from 40 cm⁻¹, or from where R < 1 − 3σ_R, across the plasma edge.

    sigmafit refuses R outside [0, 1], which noise near R = 1 and at the plasma minimum gives.  Default: the file
    holds the band where the true R lies 3σ_R inside [0, 1] (the spectrum stops in the edge where R < 3σ_R; truths
    whose R stays within 3σ_R of 1 below the edge are drawn again).  ``clip=True``: the file runs to 1.6× the
    screened plasma frequency and the noisy R is clipped to [0, 1], as a user must do to have it read.
    """
    rng = np.random.default_rng(30_000 + seed)
    noise = float(rng.uniform(0.002, 0.005))
    while True:
        t = drude_truth(rng)
        edge = t.wp / np.sqrt(t.eps_inf)
        nu = np.arange(40.0, 1.6 * edge, float(rng.uniform(4.0, 8.0)))
        R = reflectance(nu, t)
        start = int(np.argmax(R < 1.0 - 3.0 * noise))
        if nu[start] < 0.5 * edge:
            break
    low = np.flatnonzero(R < 3.0 * noise)
    stop = nu.size if clip or not low.size else int(low[0])
    nu, R = nu[start:stop], R[start:stop]
    R = np.clip(noisy(rng, R, absolute=noise), 0.0, 1.0)
    return reflectance_file(folder / f"drude_R{'_clip' if clip else ''}_{seed:03d}.txt", nu, R), t
