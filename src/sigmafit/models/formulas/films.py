"""Normal-incidence transmission and reflection of a film on a substrate (films, slabs, THz sheets).

Conventions (DESIGN.md §3, PHYSICS.md §5): time dependence e^{−iωt}, complex refractive index
N = n + ik with k ≥ 0, frequencies ν in cm⁻¹, film thickness in nm, substrate thickness in mm,
σ in S/cm.  Light comes from vacuum onto the film side; the substrate (if any) has vacuum behind it.

* Interface a → b: r_ab = (N_a − N_b)/(N_a + N_b), t_ab = 2N_a/(N_a + N_b); power transmission
  T = Re(N_b)/Re(N_a)·|t|² (Born & Wolf, *Principles of Optics*, §1.5).
* Coherent layer f of thickness d between a and b (Airy sum, Heavens, *Optical Properties of
  Thin Solid Films*, ch. 4), phase thickness δ = 2πνN_f d:
  r = (r_af + r_fb e^{2iδ})/(1 + r_af r_fb e^{2iδ}),  t = t_af t_fb e^{iδ}/(1 + r_af r_fb e^{2iδ}).
* Thick substrate of thickness D, incoherent (intensities add; internal attenuation
  A = exp(−4πk_s ν D)): with front (film) reflectance R_f, R_f' (from inside), transmittances T_f,
  T_f', and back face R_b, T_b:
  T = T_f·A·T_b/(1 − R_f'·R_b·A²),  R = R_f + T_f·T_f'·R_b·A²/(1 − R_f'·R_b·A²).
* Thin-film (Tinkham) limit, |N_f|·2πνd ≪ 1, film on a substrate of index n_s, ratio to the bare
  substrate (THz time-domain spectroscopy; M. Tinkham, Phys. Rev. 104, 845 (1956); Dressel &
  Grüner, *Electrodynamics of Solids*, eq. 11.1.x):
  T_film/T_substrate = |(1 + n_s)/(1 + n_s + Z0·σ_□)|²,  σ_□ = σ·d,  Z0 = 1/(ε0c) ≈ 376.73 Ω.
  σ here is the total (vacuum-referred) film conductivity −iν(ε − 1)/Z; Z0σ_□ = −2πiνd(ε − 1).
"""

from __future__ import annotations

import math

import numpy as np

from ...constants import Z_OPT

__all__ = [
    "Z0_OHM",
    "bare_substrate",
    "film_on_substrate",
    "interface",
    "layer",
    "thin_film_reflectance",
    "thin_film_transmission",
]

#: Impedance of free space Z0 = 1/(ε0 c) = 2π·Z_OPT ≈ 376.73 Ω.
Z0_OHM: float = 2.0 * math.pi * Z_OPT
#: nm and mm in cm (ν is in cm⁻¹).
_NM_CM = 1e-7
_MM_CM = 0.1


def _c(v):
    return np.asarray(v, dtype=complex)


def interface(Na, Nb):
    """Amplitude coefficients (r, t) of the interface a → b: r = (Na − Nb)/(Na + Nb), t = 2Na/(Na + Nb)."""
    Na, Nb = _c(Na), _c(Nb)
    return (Na - Nb) / (Na + Nb), 2.0 * Na / (Na + Nb)


def layer(nu, N_film, d_nm, N_in=1.0, N_out=1.0):
    """Coherent layer between two half-spaces: amplitude coefficients seen from both sides.

    Returns ``(r, t, r_back, t_back)``: reflection and transmission for light incident from the
    ``N_in`` side, and from the ``N_out`` side.  ``nu`` in cm⁻¹, ``d_nm`` in nm.
    """
    nu = np.asarray(nu, dtype=float)
    Nf, Na, Nb = _c(N_film), _c(N_in), _c(N_out)
    phase = np.exp(1j * 2.0 * math.pi * nu * Nf * (float(d_nm) * _NM_CM))
    r_af, t_af = interface(Na, Nf)
    r_fb, t_fb = interface(Nf, Nb)
    r_fa, t_fa = interface(Nf, Na)
    r_bf, t_bf = interface(Nb, Nf)
    den = 1.0 + r_af * r_fb * phase**2
    r = (r_af + r_fb * phase**2) / den
    t = t_af * t_fb * phase / den
    den_b = 1.0 + r_bf * r_fa * phase**2
    r_back = (r_bf + r_fa * phase**2) / den_b
    t_back = t_bf * t_fa * phase / den_b
    return r, t, r_back, t_back


def _power(t, N_from, N_to):
    return np.real(_c(N_to)) / np.real(_c(N_from)) * np.abs(t) ** 2


def _incoherent(Tf, Rf, Tf_back, Rf_back, Rb, Tb, A):
    """Intensity sum over the round trips inside an incoherent substrate (see module docstring)."""
    den = 1.0 - Rf_back * Rb * A**2
    return Tf * A * Tb / den, Rf + Tf * Tf_back * Rb * A**2 / den


def film_on_substrate(nu, N_film, d_nm, N_sub, d_sub_mm=None, *, coherent: bool = True):
    """(T, R) of vacuum | film | substrate (| vacuum), normal incidence from the film side.

    ``N_film``, ``N_sub`` complex indices (arrays over ν or scalars), ``d_nm`` film thickness
    (nm), ``d_sub_mm`` substrate thickness (mm; ``None`` = semi-infinite substrate: T is the power
    transmitted into it).  The substrate is always incoherent; ``coherent=False`` treats the film
    incoherently too (a slab much thicker than the coherence length: no fringes).
    """
    nu = np.asarray(nu, dtype=float)
    Ns = _c(N_sub) * np.ones(nu.shape)
    Nf = _c(N_film) * np.ones(nu.shape)
    if coherent:
        r, t, r_back, t_back = layer(nu, Nf, d_nm, 1.0, Ns)
        Rf, Tf = np.abs(r) ** 2, _power(t, 1.0, Ns)
        Rf_back, Tf_back = np.abs(r_back) ** 2, _power(t_back, Ns, 1.0)
    else:  # incoherent film: its two faces and its absorption, in intensities
        r1, t1 = interface(1.0, Nf)
        r2, t2 = interface(Nf, Ns)
        A_f = np.exp(-4.0 * math.pi * np.imag(Nf) * nu * float(d_nm) * _NM_CM)
        R1, T1, R2, T2 = np.abs(r1) ** 2, _power(t1, 1.0, Nf), np.abs(r2) ** 2, _power(t2, Nf, Ns)
        Tf, Rf = _incoherent(T1, R1, _power(interface(Nf, 1.0)[1], Nf, 1.0), R1, R2, T2, A_f)
        Tf_back, Rf_back = _incoherent(_power(interface(Ns, Nf)[1], Ns, Nf), R2, T2, R2, R1,
                                       _power(interface(Nf, 1.0)[1], Nf, 1.0), A_f)
    if d_sub_mm is None:
        return Tf, Rf
    rb, tb = interface(Ns, 1.0)
    A = np.exp(-4.0 * math.pi * np.imag(Ns) * nu * float(d_sub_mm) * _MM_CM)
    return _incoherent(Tf, Rf, Tf_back, Rf_back, np.abs(rb) ** 2, _power(tb, Ns, 1.0), A)


def bare_substrate(nu, N_sub, d_sub_mm=None):
    """(T, R) of the substrate alone (vacuum | substrate (| vacuum)), the reference of a ratio."""
    nu = np.asarray(nu, dtype=float)
    return film_on_substrate(nu, 1.0, 0.0, N_sub, d_sub_mm)


def _z0_sheet(nu, eps_film, d_nm):
    """Z0·σ_□ = −2πiνd(ε − 1) (dimensionless), σ_□ the film's vacuum-referred sheet conductance."""
    return -2j * math.pi * np.asarray(nu, dtype=float) * float(d_nm) * _NM_CM * (_c(eps_film) - 1.0)


def thin_film_transmission(nu, eps_film, d_nm, N_sub):
    """Tinkham thin-film ratio T_film/T_substrate = |(1 + N_s)/(1 + N_s + Z0σ_□)|² (see module docstring).

    ``eps_film`` the film's ε (σ_□ = σ·d with σ = −iν(ε − 1)/Z in S/cm, d in cm), ``N_sub`` the
    substrate index.  Valid for |N_f|·2πνd ≪ 1.
    """
    Ns = _c(N_sub)
    return np.abs((1.0 + Ns) / (1.0 + Ns + _z0_sheet(nu, eps_film, d_nm))) ** 2


def thin_film_reflectance(nu, eps_film, d_nm, N_sub):
    """Thin-film reflectance from the film side: |(1 − N_s − Z0σ_□)/(1 + N_s + Z0σ_□)|²."""
    Ns = _c(N_sub)
    y = _z0_sheet(nu, eps_film, d_nm)
    return np.abs((1.0 - Ns - y) / (1.0 + Ns + y)) ** 2
