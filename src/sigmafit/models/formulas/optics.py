"""Optical response of conductors and insulators: Drude, Lorentz, Drude–Smith, sum rules.

Pure numpy, vectorized, complex-valued.  Conventions (DESIGN.md §3, PHYSICS.md §5):

* time dependence e^{−iωt}; σ = σ1 + iσ2 with σ1 ≥ 0 for a passive medium; ε2 ≥ 0;
* every frequency (ν, ω_p, γ, ν0, cut-offs) is a wavenumber in **cm⁻¹**; σ is in **S/cm**;
* ``Z = Z_OPT = 1/(2π c ε0)`` ≈ 59.9585 Ω, so that, in these units,
  ε(ν) = ε∞ + i·Z·σ(ν)/ν  and  σ1 = ν·ε2/Z;
* σ is the *conduction* part measured from ε∞ (``σ = −iν(ε − ε∞)/Z``); pass ``eps_inf=1`` to
  :func:`eps_to_sigma` for the "total" σ referred to vacuum.

Terms of the dielectric function (each one passive for ω_p ≥ 0, γ > 0, ν0 ≥ 0):

    ε(ν) = ε∞ − Σ_D ω_p²/(ν² + iγν) + Σ_j ω_pj²/(ν0_j² − ν² − iγ_j ν)

References: M. Dressel and G. Grüner, *Electrodynamics of Solids* (CUP 2002), ch. 5 and 6;
N. V. Smith, Phys. Rev. B 64, 155106 (2001) for Drude–Smith.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from scipy.integrate import cumulative_trapezoid

from ...constants import C_CM_PER_S, E_CHARGE, EPS0, M_E, SUM_RULE, Z_OPT

__all__ = [
    "N_EFF_PER_WP2",
    "drude_eps",
    "drude_lorentz_eps",
    "drude_lorentz_sigma",
    "drude_range",
    "drude_sigma",
    "drude_smith_sigma",
    "drude_smith_spectral_weight",
    "drude_spectral_weight",
    "effective_wp",
    "eps_from_nk",
    "eps_to_sigma",
    "extended_drude",
    "lorentz_eps",
    "lorentz_sigma",
    "lorentz_spectral_weight",
    "model_spectral_weight",
    "n_eff",
    "nk_from_eps",
    "reflectance",
    "sigma_to_eps",
    "spectral_weight",
]

#: n/(m*/m_e) in cm⁻³ per (cm⁻¹)² of ω_p²:  n = ε0 m_e (2πc ν_p)² / e²  (SI, then m⁻³ → cm⁻³).
N_EFF_PER_WP2: float = EPS0 * M_E * (2.0 * math.pi * C_CM_PER_S) ** 2 / E_CHARGE**2 * 1e-6

DrudeTerm = tuple[float, float]  # (wp, gamma)
LorentzTerm = tuple[float, float, float]  # (wp, nu0, gamma)
SmithTerm = tuple[float, float, float]  # (wp, gamma, c)


def _arr(v):
    return np.asarray(v, dtype=float)


# --- single terms: conductivity -------------------------------------------------------


def drude_sigma(nu, wp, gamma):
    """Drude optical conductivity σ(ν) (S/cm, complex).

    σ(ν) = σ0 / (1 − iν/γ) = ω_p² / (Z (γ − iν)),   σ0 = ω_p²/(Z γ),   Z = 1/(2π c ε0)

    ``nu``, ``wp`` (plasma frequency of the free carriers) and ``gamma`` (scattering rate
    1/(2πcτ)) in cm⁻¹.  σ1 = σ0/(1 + ν²/γ²) ≥ 0.  Finite at ν = 0 for γ > 0.
    Reference: Dressel & Grüner, *Electrodynamics of Solids*, eq. (5.1.x).
    """
    nu, wp, gamma = _arr(nu), _arr(wp), _arr(gamma)
    return wp**2 / (Z_OPT * (gamma - 1j * nu))


def lorentz_sigma(nu, wp, nu0, gamma):
    """Lorentz-oscillator conductivity σ(ν) (S/cm, complex).

    σ(ν) = (ω_p²/Z) · ν / (γν + i(ν0² − ν²))  =  −iν·ε_L(ν)/Z,

    σ1(ν) = (ω_p²/Z) · γν² / ((ν0² − ν²)² + γ²ν²) ≥ 0.  ``wp`` oscillator strength (plasma
    frequency of the bound charge), ``nu0`` resonance, ``gamma`` width, all cm⁻¹.
    ν0 = 0 is the Drude term (the ν → 0 limit is then σ0 = ω_p²/(Zγ)).
    Reference: Dressel & Grüner, ch. 6.
    """
    nu, wp, nu0, gamma = np.broadcast_arrays(_arr(nu), _arr(wp), _arr(nu0), _arr(gamma))
    den = gamma * nu + 1j * (nu0**2 - nu**2)
    at_zero = den == 0  # only ν = 0 with ν0 = 0: the Drude limit
    safe = np.where(at_zero, 1.0, den)
    num = np.where(at_zero, 1.0 / np.where(gamma == 0, np.inf, gamma), nu)
    return wp**2 / Z_OPT * num / safe


def drude_smith_sigma(nu, wp, gamma, c):
    """Drude–Smith conductivity (S/cm, complex), −1 ≤ c ≤ 0.

    σ(ν) = σ0/(1 − iν/γ) · [1 + c/(1 − iν/γ)],   σ0 = ω_p²/(Zγ)

    c is the persistence of velocity after one collision (c = 0: Drude; c = −1: full
    backscattering, σ(0) = 0).  dc value σ(0) = σ0(1 + c).
    σ1 = σ0 [(1 + c) + x²(1 − c)]/(1 + x²)² ≥ 0 for |c| ≤ 1, x = ν/γ.
    Reference: N. V. Smith, Phys. Rev. B 64, 155106 (2001), eq. (8).
    """
    nu, wp, gamma, c = _arr(nu), _arr(wp), _arr(gamma), _arr(c)
    d = 1.0 - 1j * nu / gamma
    return wp**2 / (Z_OPT * gamma) / d * (1.0 + c / d)


# --- single terms: dielectric function -----------------------------------------------


def drude_eps(nu, wp, gamma):
    """Drude contribution to ε: −ω_p²/(ν² + iγν) (dimensionless; diverges at ν = 0)."""
    nu, wp, gamma = _arr(nu), _arr(wp), _arr(gamma)
    with np.errstate(divide="ignore", invalid="ignore"):
        return -(wp**2) / (nu**2 + 1j * gamma * nu)


def lorentz_eps(nu, wp, nu0, gamma):
    """Lorentz contribution to ε: ω_p²/(ν0² − ν² − iγν) (dimensionless), ε2 ≥ 0."""
    nu, wp, nu0, gamma = _arr(nu), _arr(wp), _arr(nu0), _arr(gamma)
    with np.errstate(divide="ignore", invalid="ignore"):
        return wp**2 / (nu0**2 - nu**2 - 1j * gamma * nu)


def drude_lorentz_sigma(nu, drude_terms: Iterable[DrudeTerm] = (), lorentz_terms: Iterable[LorentzTerm] = ()):
    """σ(ν) (S/cm) of a sum of Drude terms ``(wp, gamma)`` and Lorentz terms ``(wp, nu0, gamma)``."""
    nu = _arr(nu)
    out = np.zeros(nu.shape, dtype=complex)
    for wp, gamma in drude_terms:
        out = out + drude_sigma(nu, wp, gamma)
    for wp, nu0, gamma in lorentz_terms:
        out = out + lorentz_sigma(nu, wp, nu0, gamma)
    return out


def drude_lorentz_eps(nu, eps_inf, drude_terms: Iterable[DrudeTerm] = (), lorentz_terms: Iterable[LorentzTerm] = ()):
    """Drude–Lorentz dielectric function (dimensionless, complex).

    ε(ν) = ε∞ − Σ_D ω_p²/(ν² + iγν) + Σ_j ω_pj²/(ν0_j² − ν² − iγ_j ν)

    ``drude_terms``: iterable of ``(wp, gamma)``; ``lorentz_terms``: iterable of
    ``(wp, nu0, gamma)``; all in cm⁻¹.  Reference: Dressel & Grüner, eq. (6.1.x).
    """
    nu = _arr(nu)
    out = np.full(nu.shape, eps_inf, dtype=complex)
    for wp, gamma in drude_terms:
        out = out + drude_eps(nu, wp, gamma)
    for wp, nu0, gamma in lorentz_terms:
        out = out + lorentz_eps(nu, wp, nu0, gamma)
    return out


# --- conversions -------------------------------------------------------------------------


def sigma_to_eps(nu, sigma, eps_inf=1.0):
    """ε(ν) = ε∞ + i·Z·σ(ν)/ν  (σ in S/cm, ν in cm⁻¹): ε1 = ε∞ − Zσ2/ν, ε2 = Zσ1/ν.

    ν = 0 gives ±inf/NaN (no warning).  The real-valued DataFrame form is
    :func:`sigmafit.prepare.optics.sigma_to_eps` (the layers cannot share code: formulas import only
    the constants, prepare imports nothing from models).
    """
    nu = _arr(nu)
    sigma = np.asarray(sigma, dtype=complex)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (eps_inf - Z_OPT * sigma.imag / nu) + 1j * (Z_OPT * sigma.real / nu)


def eps_to_sigma(nu, eps, eps_inf=1.0):
    """σ(ν) = −iν(ε − ε∞)/Z (S/cm): σ1 = ν ε2/Z, σ2 = ν(ε∞ − ε1)/Z.

    ``eps_inf=1`` (default) refers σ to vacuum (σ2 then contains the bound-charge
    polarization); pass the model's ε∞ to get the conduction part only.
    """
    nu = _arr(nu)
    eps = np.asarray(eps, dtype=complex)
    return nu * eps.imag / Z_OPT + 1j * (-nu * (eps.real - eps_inf) / Z_OPT)


def eps_from_nk(n, k):
    """ε = (n + ik)² = n² − k² + 2ink (complex; k ≥ 0 gives ε2 ≥ 0 for n ≥ 0)."""
    n, k = _arr(n), _arr(k)
    return (n * n - k * k) + 1j * (2.0 * n * k)


def nk_from_eps(eps):
    """Complex refractive index N = n + ik = √ε on the principal branch (n ≥ 0).

    For a passive medium (ε2 ≥ 0, including ε2 = −0.0, which is treated as +0) this gives
    k ≥ 0.  Returns the complex array N; use ``N.real``, ``N.imag``.
    """
    eps = np.asarray(eps, dtype=complex)
    return np.sqrt(eps.real + 1j * (eps.imag + 0.0))


def reflectance(eps):
    """Bulk normal-incidence reflectance from vacuum: R = |(√ε − 1)/(√ε + 1)|² (0 ≤ R ≤ 1)."""
    N = nk_from_eps(eps)
    return np.abs((N - 1.0) / (N + 1.0)) ** 2


# --- extended Drude analysis ------------------------------------------------------------------


def extended_drude(nu, sigma):
    """The (ω_p(ν), γ(ν)) in cm⁻¹ that one Drude term needs to give the complex σ (S/cm) at each ν.

    A Drude term has 1/σ = Z(γ − iν)/ω_p², so at every frequency

        ω_p²(ν) = −Zν / Im(1/σ),   γ(ν) = −ν·Re(1/σ) / Im(1/σ)

    (the two-parameter form of the extended-Drude or memory-function analysis; Allen & Mikkelsen,
    Phys. Rev. B 15, 2952 (1977); Dressel & Grüner §12.2).  A Drude metal gives constants; a
    scattering rate that grows with ν (electron–electron, interband absorption) shows as a rising
    γ(ν).  Pass the conduction σ (``eps_to_sigma(nu, eps, eps_inf)``).  NaN where σ2 ≤ 0 (not
    Drude-like there).  Returns ``(wp, gamma)`` arrays.
    """
    nu = _arr(nu)
    sigma = np.asarray(sigma, dtype=complex)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / sigma
        ok = inv.imag < 0
        wp2 = np.where(ok, -Z_OPT * nu / np.where(ok, inv.imag, -1.0), np.nan)
        gamma = np.where(ok, -nu * inv.real / np.where(ok, inv.imag, -1.0), np.nan)
    return np.sqrt(wp2), gamma


def drude_range(nu, sigma, *, gamma_spread: float = 1.3, wp_spread: float = 1.1, min_points: int = 5):
    """The widest band of sorted ν (cm⁻¹) where the data are one Drude term: ``(nu_lo, nu_hi)`` or None.

    Widest run of consecutive frequencies over which the extended-Drude γ(ν) stays within a factor
    ``gamma_spread`` and ω_p(ν) within ``wp_spread`` (max/min), with at least ``min_points``
    points (see :func:`extended_drude`; pass the conduction σ, complex).  A Drude fit inside it
    describes the data whichever observable is fitted; outside it the fitted γ is an average of a
    frequency-dependent rate.
    """
    nu = _arr(nu)
    order = np.argsort(nu, kind="stable")
    nu = nu[order]
    wp, gamma = extended_drude(nu, np.asarray(sigma, dtype=complex)[order])
    good = np.isfinite(wp) & np.isfinite(gamma) & (gamma > 0)
    best = None
    for i in np.flatnonzero(good):
        stop = np.flatnonzero(~good[i:])
        g, w = gamma[i : i + (stop[0] if stop.size else nu.size - i)], wp[i : i + (stop[0] if stop.size else nu.size - i)]
        ok = (np.maximum.accumulate(g) <= gamma_spread * np.minimum.accumulate(g)) & (
            np.maximum.accumulate(w) <= wp_spread * np.minimum.accumulate(w))
        n = int(np.argmin(ok)) if not ok.all() else ok.size  # points before the first violation
        if n >= min_points and (best is None or n - 1 > best[1] - best[0]):
            best = (int(i), int(i) + n - 1)
    return None if best is None else (float(nu[best[0]]), float(nu[best[1]]))


# --- spectral weight and sum rules ---------------------------------------------------------


def spectral_weight(nu, sigma1, cutoffs=None):
    """Spectral weight of data, W(Ω) = ∫_{ν_min}^{Ω} σ1(ν) dν  (S/cm · cm⁻¹), trapezoid rule.

    ``nu`` need not be sorted (it is sorted here, inputs untouched).  With ``cutoffs=None``
    the running integral at every (sorted) ν is returned; otherwise W at each cut-off,
    integrating the piecewise-linear σ1 exactly up to it.  Cut-offs outside
    [min ν, max ν] raise ``ValueError``.  The integral starts at the lowest measured
    frequency: add the weight below it (e.g. from a Drude extrapolation) yourself.
    Sum rule: ω_p² = SUM_RULE · W(∞), see :func:`effective_wp`.
    """
    nu, s1 = _arr(nu), _arr(sigma1)
    if nu.shape != s1.shape or nu.ndim != 1:
        raise ValueError(f"nu and sigma1 must be 1-D of equal length, got shapes {nu.shape} and {s1.shape}")
    order = np.argsort(nu, kind="stable")
    nu, s1 = nu[order], s1[order]
    cum = cumulative_trapezoid(s1, nu, initial=0.0)
    if cutoffs is None:
        return cum
    cut = _arr(cutoffs)
    if np.any(cut < nu[0]) or np.any(cut > nu[-1]):
        raise ValueError(f"cutoffs must lie within the data range [{nu[0]:g}, {nu[-1]:g}] cm-1, got {cut}")
    i = np.clip(np.searchsorted(nu, cut, side="right") - 1, 0, nu.size - 1)
    s_cut = np.interp(cut, nu, s1)
    return cum[i] + 0.5 * (s1[i] + s_cut) * (cut - nu[i])


def effective_wp(weight):
    """Effective plasma frequency (cm⁻¹) of a spectral weight W (S/cm·cm⁻¹): ω_p,eff = √(SUM_RULE·W).

    SUM_RULE = 2Z/π ≈ 38.1708 (PHYSICS.md §5).
    """
    return np.sqrt(SUM_RULE * _arr(weight))


def n_eff(wp, *, m_eff=1.0, cell_volume_A3=None):
    """Carrier density from a plasma frequency: n = ε0 m* ω_p² / e².

    ``wp`` in cm⁻¹ (ω = 2πc·ν), ``m_eff`` = m*/m_e.  Returns carriers per cm³, or per unit
    cell if ``cell_volume_A3`` (Å³) is given.  With m_eff = 1 it is the n/m* ratio
    (cm⁻³ per m_e).  Reference: Dressel & Grüner eq. (5.1.x), ω_p² = n e²/(ε0 m*).
    """
    n = N_EFF_PER_WP2 * _arr(wp) ** 2 * m_eff
    if cell_volume_A3 is not None:
        n = n * _arr(cell_volume_A3) * 1e-24
    return n


def drude_spectral_weight(cutoff, wp, gamma):
    """∫_0^Ω σ1_Drude dν = σ0 γ arctan(Ω/γ) = (ω_p²/Z) arctan(Ω/γ)  (Ω = ∞ allowed → ω_p²/SUM_RULE)."""
    return _arr(wp) ** 2 / Z_OPT * np.arctan(_arr(cutoff) / _arr(gamma))


def drude_smith_spectral_weight(cutoff, wp, gamma, c):
    """∫_0^Ω σ1_DS dν = σ0 γ [arctan X + c X/(1 + X²)], X = Ω/γ.  The full weight does not depend on c."""
    X = _arr(cutoff) / _arr(gamma)
    with np.errstate(invalid="ignore"):
        frac = np.where(np.isinf(X), 0.0, X / (1.0 + X**2))
    return _arr(wp) ** 2 / Z_OPT * (np.arctan(X) + _arr(c) * frac)


def _lorentz_primitive(v, r1, r2, nu0sq):
    """F(v) with F' = v/(ν0² − v² − iγv) = −v/((v − r1)(v − r2)), roots r1, r2 of v² + iγv − ν0²."""
    s = 0.5 * (r1 - r2)
    c = 0.5 * (r1 + r2)  # = −iγ/2
    small = np.abs(s) < 1e-3 * np.abs(c)
    safe_s = np.where(small, 1.0, s)
    with np.errstate(divide="ignore", invalid="ignore"):
        # r·log(v − r) with the r → 0 limit (0) where ν0 = 0
        g1 = np.where(r1 == 0, 0.0, r1 * np.log(np.where(r1 == 0, 1.0, v - r1)))
        g2 = np.where(r2 == 0, 0.0, r2 * np.log(np.where(r2 == 0, 1.0, v - r2)))
        exact = -(g1 - g2) / (2.0 * safe_s)
        # nearly critical damping: −[g'(c) + g'''(c) s²/6], g(r) = r log(v − r)
        u = v - c
        g1p = np.log(u) - c / u
        g3p = -1.0 / u**2 - 2.0 * v / u**3
        series = -(g1p + g3p * s**2 / 6.0)
    return np.where(small, series, exact)


def lorentz_spectral_weight(cutoff, wp, nu0, gamma):
    """∫_0^Ω σ1_Lorentz dν in closed form (S/cm·cm⁻¹); Ω = ∞ gives ω_p²/SUM_RULE.

    σ1 = (ω_p²/Z)·Im[ν/(ν0² − ν² − iγν)], and ν/(ν0² − ν² − iγν) = −ν/((ν − r1)(ν − r2)) with
    r1,2 the roots of ν² + iγν − ν0² (both in the lower half plane, so log(ν − r) is
    continuous along the real axis):  ∫ = −[r1 log(ν − r1) − r2 log(ν − r2)]/(r1 − r2).
    The roots are computed without cancellation (r1 r2 = −ν0²) and the critically damped
    case (r1 ≈ r2) uses the Taylor expansion in (r1 − r2).  ν0 = 0 reduces to
    :func:`drude_spectral_weight`.
    """
    cutoff, wp, nu0, gamma = np.broadcast_arrays(_arr(cutoff), _arr(wp), _arr(nu0), _arr(gamma))
    full = wp**2 / Z_OPT * (np.pi / 2.0)
    fin = np.where(np.isinf(cutoff), 0.0, cutoff)
    b = 1j * gamma
    d = np.sqrt(b**2 + 4.0 * nu0**2 + 0j)
    # larger-magnitude root first, the other from the product r1 r2 = −ν0²
    q = np.where(np.abs(-b + d) >= np.abs(-b - d), (-b + d) / 2.0, (-b - d) / 2.0)
    q = np.where(q == 0, -b, q)
    r_big = q
    r_small = -(nu0**2) / q
    F = _lorentz_primitive(fin + 0j, r_big, r_small, nu0**2) - _lorentz_primitive(np.zeros_like(fin) + 0j, r_big, r_small, nu0**2)
    part = wp**2 / Z_OPT * F.imag
    out = np.where(np.isinf(cutoff), full, part)
    return out[()] if out.ndim == 0 else out


def model_spectral_weight(
    cutoff,
    *,
    drude_terms: Sequence[DrudeTerm] = (),
    lorentz_terms: Sequence[LorentzTerm] = (),
    smith_terms: Sequence[SmithTerm] = (),
):
    """Analytic ∫_0^Ω σ1 dν (S/cm·cm⁻¹) of a sum of Drude, Lorentz and Drude–Smith terms.

    ``cutoff`` Ω in cm⁻¹ (scalar or array; ``np.inf`` for the full sum rule, where
    SUM_RULE · W(∞) = Σ ω_p² over all terms — the f-sum rule of the model).
    """
    out = np.zeros(np.shape(cutoff))
    for wp, gamma in drude_terms:
        out = out + drude_spectral_weight(cutoff, wp, gamma)
    for wp, nu0, gamma in lorentz_terms:
        out = out + lorentz_spectral_weight(cutoff, wp, nu0, gamma)
    for wp, gamma, c in smith_terms:
        out = out + drude_smith_spectral_weight(cutoff, wp, gamma, c)
    return out[()] if out.ndim == 0 else out
