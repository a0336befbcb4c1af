"""Kramers–Kronig transforms of optical spectra: reflectance → phase → N (→ ε, σ), and σ1 → σ2.

Pure numpy/scipy functions on arrays (the DataFrame steps are :func:`sigmafit.prepare.optics.kramers_kronig`
and :func:`sigmafit.prepare.optics.kk_sigma2`): a transform of measured data, so it sits with the other
conversions in ``prepare`` (DESIGN.md §1), below the models, and imports only the constants.

Conventions (DESIGN.md §3, PHYSICS.md §5): time dependence e^{−iωt}; N = n + ik with k ≥ 0;
frequencies ν in cm⁻¹; σ in S/cm with σ = −iν(ε − 1)/Z (referred to vacuum, as
:mod:`sigmafit.prepare.optics` writes it), Z = 1/(2πcε0) ≈ 59.9585 Ω.

**Reflectance phase.**  The normal-incidence amplitude r = (N − 1)/(N + 1) = √R·e^{iθ}; ln r is
analytic in the upper half plane, so (Dressel & Grüner, *Electrodynamics of Solids*, §2.4;
Wooten, *Optical Properties of Solids*, §6.3)

    θ(ν) = −(ν/π) P∫₀^∞ ln R(x)/(x² − ν²) dx = (1/2π) ∫₀^∞ ln|(x − ν)/(x + ν)| · (d ln R/dx) dx,

the second form (by parts) has only an integrable logarithmic singularity.  Then
N = (1 + r)/(1 − r), ε = N², σ = −iν(ε − 1)/Z.

**Numerics.**  ln R is taken piecewise linear between the points (data and extrapolation grid),
and each segment is integrated in closed form; the power-law extrapolations above the data,
ln R = C − s ln x, are integrated in closed form too, with Legendre's χ₂(u) = ½[Li₂(u) − Li₂(−u)]:
∫_a^b ln|(x − ν)/(x + ν)| dx/x = −2[χ₂(ν/a) − χ₂(ν/b)] for ν ≤ a.  Nothing is approximated but
the piecewise-linear data, so a spectrum sampled densely enough (a few hundred points per decade)
returns the exact transform to ~10⁻⁴.

**Extrapolations** (the measured range never covers 0 … ∞):

* below the data (``low``): ``"hagen-rubens"`` 1 − R = 2√(2x/(Zσ_dc)) with σ_dc given or matched
  to the lowest point; ``"drude"`` R of a Drude metal ε = ε∞ − ω_p²/(x² + iγx) with the given
  ``drude=(wp, gamma[, eps_inf])`` (cm⁻¹; e.g. from a Drude fit of the low-frequency data);
  ``"constant"`` R = R(ν_min); ``"insulator"`` R = R0 + a·x² fitted to the lowest points
  (ε of an insulator is even and analytic at ν = 0);
* above the data: R ∝ x^(−s) (``high_power`` s) up to ``nu_free``, then the free-electron tail
  R ∝ x⁻⁴ to infinity (s = 4, the default, starts the free-electron tail at the last point).

**Anchoring.**  What the extrapolation above the data gets wrong shows up, for ν well below the
missing absorption, as a phase error linear in ν: −(ν/π)∫ ln R(x)/x² dx over the missing part.
Below the plasma edge of a metal, where R ≈ 1, a phase error of 0.01 rad already changes n and σ1
by tens of per cent.  ``anchor=(nu_a, N_a)``, the complex index known at one frequency (from
ellipsometry, or a table), adds the term a·ν that makes θ(ν_a) match arg((N_a − 1)/(N_a + 1));
a·ν is itself the Kramers–Kronig phase of absorption far above the data (I. Bozovic, Phys. Rev. B
42, 1969 (1990)).

**σ1 → σ2.**  σ2(ν) = −(2ν/π) P∫₀^∞ σ1(x)/(x² − ν²) dx (σ2 > 0 for a Drude metal), with σ1
piecewise linear (closed form per segment; the principal value is the cancellation of the
ln|x − ν| terms of the two segments that meet at ν) and extrapolated below the data
(``"constant"``, ``"drude"``, ``"insulator"`` σ1 ∝ x²) and above it as σ1 ∝ x^(−s) (s = 2, the
Drude and Lorentz tail, by default).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np

from ..constants import Z_OPT

__all__ = [
    "LOW_REFLECTANCE",
    "LOW_SIGMA1",
    "chi2",
    "nk_from_reflectance",
    "reflectance_low_extension",
    "reflectance_phase",
    "sigma2_from_sigma1",
]

LowReflectance = Literal["hagen-rubens", "drude", "constant", "insulator"]
LowSigma1 = Literal["constant", "drude", "insulator"]
#: Accepted low-frequency extrapolations of R and of σ1.
LOW_REFLECTANCE: tuple[str, ...] = ("hagen-rubens", "drude", "constant", "insulator")
LOW_SIGMA1: tuple[str, ...] = ("constant", "drude", "insulator")

#: Points of the extrapolation grid below the data (0 … ν_min).
_N_LOW = 400
#: Number of frequencies treated at once (bounds the (frequencies × segments) work arrays).
_BLOCK = 2_000_000
#: Points per decade and decades of the numerical σ1 tail above the data (then a closed-form remainder).
_TAIL_PER_DECADE = 200
_TAIL_DECADES = 4
#: Lowest points used to fit the "insulator" extrapolation.
_N_FIT = 5


def chi2(u):
    """Legendre's chi function χ₂(u) = Σ_{k≥0} u^{2k+1}/(2k+1)² = ½[Li₂(u) − Li₂(−u)] for 0 ≤ u ≤ 1.

    χ₂(1) = π²/8.  (``scipy.special.spence(z)`` is Li₂(1 − z).)
    """
    from scipy.special import spence  # here: `import sigmafit.prepare` (and the loaders) do not pay for scipy.special

    u = np.asarray(u, dtype=float)
    return 0.5 * (spence(1.0 - u) - spence(1.0 + u))


def _xlogx(a):
    """a·ln|a| with the limit 0 at a = 0."""
    a = np.asarray(a, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a == 0, 0.0, a * np.log(np.abs(a)))


def _log_abs(a):
    """ln|a| with 0 at a = 0 (the terms that cancel in a principal value)."""
    a = np.asarray(a, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(a == 0, 0.0, np.log(np.abs(a)))


def _sorted(nu, y, what: str):
    nu = np.asarray(nu, dtype=float)
    y = np.asarray(y, dtype=float)
    if nu.ndim != 1 or nu.shape != y.shape or nu.size < 3:
        raise ValueError(f"nu and {what} must be 1-D arrays of equal length (at least 3 points), got shapes {nu.shape} and {y.shape}")
    if not (np.all(np.isfinite(nu)) and np.all(np.isfinite(y))):
        raise ValueError(f"nu and {what} must be finite")
    if np.any(nu <= 0):
        raise ValueError(f"nu must be > 0 cm-1, got a minimum of {nu.min():g}")
    order = np.argsort(nu, kind="stable")
    if np.any(np.diff(nu[order]) == 0):
        raise ValueError("nu has repeated values; average or drop them before a Kramers–Kronig transform")
    return nu[order], y[order], order


def _blocks(n_freq: int, n_seg: int):
    step = max(1, _BLOCK // max(n_seg, 1))
    for start in range(0, n_freq, step):
        yield slice(start, min(start + step, n_freq))


# --- reflectance ------------------------------------------------------------------------------


def _drude_reflectance(x, wp, gamma, eps_inf=1.0):
    x = np.asarray(x, dtype=float)
    safe = np.where(x > 0, x, 1.0)
    N = np.sqrt(eps_inf - wp**2 / (safe**2 + 1j * gamma * safe))
    return np.where(x > 0, np.abs((N - 1.0) / (N + 1.0)) ** 2, 1.0)  # a metal reflects fully at ν = 0


def reflectance_low_extension(nu, R, low: LowReflectance = "hagen-rubens", *, sigma_dc: float | None = None,
                              drude: Sequence[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Grid ``x`` (cm⁻¹, from 0 up to but excluding ν_min) and the extrapolated R there.

    ``nu``, ``R`` sorted ascending.  See the module docstring for the choices; ``sigma_dc`` in
    S/cm (Hagen–Rubens), ``drude = (wp, gamma[, eps_inf])`` in cm⁻¹ (Drude).
    """
    nu0, R0 = float(nu[0]), float(R[0])
    t = np.linspace(0.0, 1.0, _N_LOW, endpoint=False)
    if low == "hagen-rubens":
        x = nu0 * t**2  # dense near 0, where 1 − R ∝ √x bends
        if sigma_dc is not None:
            if not sigma_dc > 0:
                raise ValueError(f"sigma_dc must be > 0 S/cm, got {sigma_dc!r}")
            A = 2.0 * math.sqrt(2.0 / (Z_OPT * sigma_dc))
        else:
            A = (1.0 - R0) / math.sqrt(nu0)
        return x, np.clip(1.0 - A * np.sqrt(x), 1e-300, 1.0)
    x = nu0 * t
    if low == "drude":
        if drude is None or len(drude) not in (2, 3):
            raise ValueError("low='drude' needs drude=(wp, gamma) or (wp, gamma, eps_inf) in cm-1, e.g. from a Drude fit of the lowest frequencies")
        return x, _drude_reflectance(x, *map(float, drude))
    if low == "constant":
        return x, np.full(x.shape, R0)
    if low == "insulator":
        k = min(_N_FIT, nu.size)
        a = float(np.polyfit(nu[:k] ** 2, R[:k], 1)[0])
        return x, np.clip(R0 + a * (x**2 - nu0**2), 1e-300, 1.0)
    raise ValueError(f"low must be one of {list(LOW_REFLECTANCE)}, got {low!r}")


def reflectance_phase(nu, R, *, low: LowReflectance = "hagen-rubens", sigma_dc: float | None = None,
                      drude: Sequence[float] | None = None, high_power: float = 4.0,
                      nu_free: float | None = None, anchor: tuple[float, complex] | None = None) -> np.ndarray:
    """Phase θ(ν) (rad) of r = (N − 1)/(N + 1) = √R e^{iθ} from the reflectance R(ν) (0 < R ≤ 1).

    ``nu`` in cm⁻¹ (any order, returned in the same order); extrapolations as in the module
    docstring: ``low`` below the data, R ∝ ν^(−high_power) from the last point to ``nu_free``
    (cm⁻¹, default 10× the last point when ``high_power`` ≠ 4), then R ∝ ν⁻⁴.  ``anchor=(nu_a,
    N_a)`` (cm⁻¹, complex index at ν_a, inside the data) adds the linear phase that matches it.
    """
    nu_s, R_s, order = _sorted(nu, R, "R")
    if np.any(R_s <= 0) or np.any(R_s > 1):
        raise ValueError(f"R must lie in (0, 1], got values from {R_s.min():g} to {R_s.max():g}")
    if not 0 <= high_power <= 8:
        raise ValueError(f"high_power must lie in [0, 8], got {high_power!r}")
    top = float(nu_s[-1])
    free = top if high_power == 4.0 and nu_free is None else float(nu_free if nu_free is not None else 10.0 * top)
    if free < top:
        raise ValueError(f"nu_free ({free:g} cm-1) must not lie below the last data point ({top:g} cm-1)")
    x_low, R_low = reflectance_low_extension(nu_s, R_s, low, sigma_dc=sigma_dc, drude=drude)
    x = np.concatenate([x_low, nu_s])
    L = np.log(np.concatenate([R_low, R_s]))
    slope = np.diff(L) / np.diff(x)
    theta = np.empty(nu_s.size)
    for blk in _blocks(nu_s.size, slope.size):
        w = nu_s[blk, None]
        G = _xlogx(x[None, :] - w) - _xlogx(x[None, :] + w)
        theta[blk] = (slope[None, :] * np.diff(G, axis=1)).sum(axis=1) / (2.0 * math.pi)
    # ln R = C − s ln x from the last point to nu_free, then C' − 4 ln x: (s/π)[χ₂(ν/a) − χ₂(ν/b)]
    u_top, u_free = nu_s / top, nu_s / free
    theta += high_power / math.pi * (chi2(u_top) - chi2(u_free)) + 4.0 / math.pi * chi2(u_free)
    if anchor is not None:
        theta += _anchor_slope(nu_s, theta, anchor) * nu_s
    out = np.empty_like(theta)
    out[order] = theta
    return out


def _anchor_slope(nu_s: np.ndarray, theta: np.ndarray, anchor) -> float:
    """a (rad per cm⁻¹) such that θ(ν_a) + a·ν_a = arg((N_a − 1)/(N_a + 1)) (θ interpolated, wrapped to ±π)."""
    try:
        nu_a, N_a = float(anchor[0]), complex(anchor[1])
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"anchor must be (nu_a in cm-1, complex N_a), got {anchor!r}") from None
    if not nu_s[0] <= nu_a <= nu_s[-1] or N_a.imag < 0:
        raise ValueError(f"anchor needs nu_a inside the data ({nu_s[0]:g}–{nu_s[-1]:g} cm-1) and k ≥ 0, got {anchor!r}")
    target = np.angle((N_a - 1.0) / (N_a + 1.0))
    miss = (target - float(np.interp(nu_a, nu_s, theta)) + math.pi) % (2.0 * math.pi) - math.pi
    return miss / nu_a


def nk_from_reflectance(nu, R, **extrapolation) -> np.ndarray:
    """Complex N = n + ik (k ≥ 0) from R(ν) through its Kramers–Kronig phase.

    N = (1 + r)/(1 − r) with r = √R·e^{iθ} and θ from :func:`reflectance_phase` (same keyword
    arguments).  ε = N², σ = −iν(ε − 1)/Z follow (:func:`sigmafit.prepare.optics.nk_to_eps`, :func:`~sigmafit.prepare.optics.eps_to_sigma`).
    """
    theta = reflectance_phase(nu, R, **extrapolation)
    r = np.sqrt(np.asarray(R, dtype=float)) * np.exp(1j * theta)
    return (1.0 + r) / (1.0 - r)


# --- σ1 → σ2 ----------------------------------------------------------------------------------


def _sigma1_low(nu, s1, low: LowSigma1, drude):
    nu0 = float(nu[0])
    x = nu0 * np.linspace(0.0, 1.0, _N_LOW, endpoint=False)
    if low == "constant":
        return x, np.full(x.shape, float(s1[0]))
    if low == "insulator":
        return x, float(s1[0]) * (x / nu0) ** 2
    if low == "drude":
        if drude is None or len(drude) < 2:
            raise ValueError("low='drude' needs drude=(wp, gamma) in cm-1, e.g. from a Drude fit of the lowest frequencies")
        wp, gamma = float(drude[0]), float(drude[1])
        return x, wp**2 * gamma / (Z_OPT * (gamma**2 + x**2))
    raise ValueError(f"low must be one of {list(LOW_SIGMA1)}, got {low!r}")


def sigma2_from_sigma1(nu, sigma1, *, low: LowSigma1 = "constant", drude: Sequence[float] | None = None,
                       high_power: float = 2.0) -> np.ndarray:
    """σ2(ν) (S/cm) from σ1(ν) (S/cm) by Kramers–Kronig, σ2 = −(2ν/π) P∫₀^∞ σ1(x)/(x² − ν²) dx.

    ``nu`` in cm⁻¹ (any order; the result has the same order).  σ1 is extended below the data by
    ``low`` (``"constant"``: the dc plateau of a metal; ``"drude"``: σ1 of ``drude=(wp, gamma)``;
    ``"insulator"``: σ1 ∝ ν²) and above it as σ1 ∝ ν^(−high_power).  If σ1 holds all the
    absorption, σ2 is referred to vacuum: ε1 = 1 − Zσ2/ν.
    """
    nu_s, s_s, order = _sorted(nu, sigma1, "sigma1")
    if not high_power > 0:
        raise ValueError(f"high_power must be > 0 for a finite spectral weight, got {high_power!r}")
    x_low, s_low = _sigma1_low(nu_s, s_s, low, drude)
    top = float(nu_s[-1])
    x_high = top * np.logspace(0.0, _TAIL_DECADES, _TAIL_DECADES * _TAIL_PER_DECADE + 1)[1:]
    s_high = float(s_s[-1]) * (top / x_high) ** high_power
    x = np.concatenate([x_low, nu_s, x_high])
    s = np.concatenate([s_low, s_s, s_high])
    q = np.diff(s) / np.diff(x)  # σ1 = p + q·x on each segment
    p = s[:-1] - q * x[:-1]
    out = np.empty(nu_s.size)
    for blk in _blocks(nu_s.size, q.size):
        w = nu_s[blk, None]
        lm, lp = _log_abs(x[None, :] - w), np.log(x[None, :] + w)
        a, b = slice(None, -1), slice(1, None)
        term = (p + q * w) * (lm[:, b] - lm[:, a]) - (p - q * w) * (lp[:, b] - lp[:, a])
        out[blk] = -term.sum(axis=1) / math.pi
    # remainder beyond the numerical tail (x ≫ ν): −(2ν/π)∫ c x^(−s−2) dx
    end = float(x[-1])
    out -= 2.0 * nu_s / math.pi * float(s[-1]) * end / (high_power + 1.0) / end**2
    res = np.empty_like(out)
    res[order] = out
    return res
