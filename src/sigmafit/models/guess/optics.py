"""Start values of the optics models from the data they fit (frequencies in cm⁻¹, σ in S/cm).

Estimates the data support (PHYSICS.md §5, Z = 1/(2πcε0) ≈ 59.9585 Ω):

* Drude (σ0, γ) from complex σ: the extended-Drude inversion 1/σ = Z(γ − iν)/ω_p² at the lowest
  frequencies (works whether or not the data reach below γ);
* from σ1 alone: 1/σ1 = 1/σ0 + ν²/(σ0γ²) is a straight line in ν² over the falling low-ν part
  (σ_dc is its intercept, the low-frequency limit of σ1);
* ω_p from the zero crossing of ε1 (ε1(ν*) = 0 at ν* ≈ ω_p/√ε∞) or from the spectral weight
  ω_p² = SUM_RULE·∫σ1 dν, with γ = ω_p²/(Zσ_dc);
* from reflectance: Hagen–Rubens 1 − R = 2√(2ν/(Zσ_dc)) below γ, 1 − R ≈ 2γ/ω_p in the
  relaxation regime, and the plasma edge;
* oscillators from the peaks of σ1 (``scipy.signal.find_peaks``) and their half-widths.

Where such estimates compete, :func:`best_start` runs a short local least-squares from each
(in log-parameters, a few tens of steps) and keeps the lowest weighted cost: the fit path calls
``guess`` once and starts at the best of them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from scipy.ndimage import median_filter
from scipy.optimize import least_squares
from scipy.signal import find_peaks, peak_widths

from ...constants import Z_OPT
from ..formulas import films as FF
from ..formulas import optics as F

__all__ = [
    "best_start",
    "drude_candidates",
    "drude_from_complex",
    "drude_from_sigma1",
    "film_sigma1",
    "low_nu_segment",
    "ordered_oscillators",
    "oscillator_dict",
    "oscillators_from_sigma1",
    "reflectance_candidates",
    "search_bounds",
    "smoothed",
    "wp_from",
]

#: Strictly positive lower bound of every damping rate (cm⁻¹; γ = 0 makes σ1 a δ-function), the tables' bound.
GAMMA_MIN = 1e-6
#: Smallest start value of a rate (cm⁻¹): strictly inside the bound so that a fit can move.
GAMMA_FLOOR = 10 * GAMMA_MIN
#: Local least-squares budget per start (steps; each also costs a finite-difference Jacobian).
NFEV = 20


def wp_from(sigma0: float, gamma: float) -> float:
    """ω_p = √(Zσ0γ) (cm⁻¹) of a Drude term with dc conductivity σ0 (S/cm) and rate γ (cm⁻¹)."""
    return math.sqrt(max(sigma0, 0.0) * Z_OPT * max(gamma, 0.0))


def low_nu_segment(s1: np.ndarray) -> int:
    """Number of leading points (sorted ν) over which σ1 keeps falling: the Drude part of a spectrum."""
    running = np.minimum.accumulate(s1)
    rising = np.nonzero(s1 > 1.05 * running + 1e-300)[0]
    return int(rising[0]) if rising.size else s1.size


def drude_from_complex(sig: np.ndarray, nu: np.ndarray) -> tuple[float, float] | None:
    """(σ0, γ) from complex σ at the lowest frequencies (medians of the extended-Drude values), or None."""
    k = max(3, min(10, sig.size // 8))
    wp, gamma = F.extended_drude(nu[:k], sig[:k])
    good = np.isfinite(wp) & np.isfinite(gamma) & (gamma > 0)
    if good.sum() < max(2, k // 2):
        return None
    wp2_m, gamma_m = float(np.median(wp[good] ** 2)), float(np.median(gamma[good]))
    return wp2_m / (Z_OPT * gamma_m), gamma_m


def drude_from_sigma1(s1: np.ndarray, nu: np.ndarray) -> tuple[float, float]:
    """(σ0, γ) of a Drude term from the falling low-ν part of σ1 (sorted ν).

    1/σ1 = 1/σ0 + ν²/(σ0γ²) is a straight line in ν², whether the data show the plateau or only
    the tail.  Falls back to the plateau (σ0 = the first points) and the half-width (γ where
    σ1 = σ0/2) when the line fails.
    """
    m = max(low_nu_segment(s1), min(3, s1.size))
    seg_nu, seg_s = nu[:m], s1[:m]
    good = seg_s > 0
    if good.sum() >= 3:
        slope, icpt = np.polyfit(seg_nu[good] ** 2, 1.0 / seg_s[good], 1, w=seg_s[good])
        if slope > 0 and icpt > 0:
            return 1.0 / icpt, math.sqrt(icpt / slope)
    sigma0 = float(np.median(s1[: max(1, min(3, s1.size))]))
    below = np.nonzero(s1 < sigma0 / 2)[0]
    gamma = float(nu[below[0]]) if below.size else float(nu[-1])
    return max(sigma0, 1e-300), max(gamma, GAMMA_FLOOR)


def _eps1_crossing(nu: np.ndarray, eps1: np.ndarray) -> float | None:
    """First ν where ε1 goes from negative to positive (linear interpolation), or None."""
    idx = np.nonzero((eps1[:-1] < 0) & (eps1[1:] >= 0))[0]
    if not idx.size:
        return None
    i = int(idx[0])
    return float(nu[i] - eps1[i] * (nu[i + 1] - nu[i]) / (eps1[i + 1] - eps1[i]))


def drude_candidates(nu: np.ndarray, s1: np.ndarray, sig: np.ndarray | None, eps_inf: float = 1.0) -> list[tuple[float, float]]:
    """Competing (ω_p, γ) starts of a Drude term, cm⁻¹ (sorted ν, σ1 ≥ 0, complex σ when measured)."""
    out: list[tuple[float, float]] = []
    sdc, g1 = drude_from_sigma1(s1, nu)
    out.append((wp_from(sdc, g1), g1))
    if sig is not None:
        est = drude_from_complex(sig, nu)
        if est is not None:
            out.append((wp_from(*est), est[1]))
        cross = _eps1_crossing(nu, F.sigma_to_eps(nu, sig, 1.0).real)
        if cross is not None:  # screened plasma frequency; γ from σ_dc
            wp = cross * math.sqrt(max(eps_inf, 1.0))
            out.append((wp, max(wp**2 / (Z_OPT * sdc), GAMMA_FLOOR)))
    if nu.size >= 3 and np.any(s1 > 0):  # spectral weight inside the data plus the Drude tail above it
        weight = float(F.spectral_weight(nu, s1)[-1]) + float(s1[-1] * nu[-1])
        wp = F.effective_wp(weight)
        out.append((float(wp), max(float(wp) ** 2 / (Z_OPT * sdc), GAMMA_FLOOR)))
    return [(wp, g) for wp, g in out if np.isfinite(wp) and np.isfinite(g) and wp > 0 and g > 0]


def reflectance_candidates(R: np.ndarray, nu: np.ndarray) -> list[dict[str, float]]:
    """Drude starts from the reflectance (sorted ν): Hagen–Rubens, relaxation regime, plasma edge.

    σ_dc from 1 − R = 2√(2ν/(Zσ_dc)) at the lowest points; γ/ω_p from 1 − R ≈ 2γ/ω_p at the
    highest points below the edge; the edge ν* = ω_p/√ε∞ where R falls half-way to its minimum,
    ε∞ = ((1 + √R)/(1 − √R))² above it.
    """
    R = np.clip(R, 0.0, 1.0 - 1e-9)
    if R.size < 4:
        return []
    k = max(3, R.size // 10)
    sdc = float(np.median(8.0 * nu[:k] / (Z_OPT * (1.0 - R[:k]) ** 2)))
    ratio = float(np.median((1.0 - R[-k:]) / 2.0))  # γ/ω_p if the top is still below the edge
    out = []
    i_min = int(np.argmin(R))
    eps_inf = 1.0
    if 0 < i_min < R.size - 1 or R[i_min] < 0.5:  # an edge inside the data
        top = float(np.max(R[: i_min + 1]))
        below = np.nonzero(R[: i_min + 1] < 0.5 * (top + R[i_min]))[0]
        edge = float(nu[below[0]] if below.size else nu[i_min])
        if i_min < R.size - 1:
            r = math.sqrt(R[-1])
            eps_inf = float(np.clip(((1 + r) / (1 - r)) ** 2, 1.0, 50.0))
        wp = edge * math.sqrt(eps_inf)
        out.append({"wp": wp, "gamma": min(wp**2 / (Z_OPT * sdc), edge) if sdc > 0 else edge / 100, "eps_inf": eps_inf})
        # ε∞ from R above the edge fails when R there is noise about 0: try the usual range, γ from the relaxation
        # regime just below the edge (1 − R ≈ 2γ/ω_p, screened: 2γ√ε∞/ω_p)
        plateau = (1.0 - R)[(nu > 0.3 * edge) & (nu < 0.7 * edge)]
        if plateau.size:
            for e in (2.0, 4.0, 8.0):
                if abs(math.log(e / eps_inf)) > 0.3:
                    w = edge * math.sqrt(e)
                    out.append({"wp": w, "gamma": max(float(np.median(plateau)) * w / (2.0 * math.sqrt(e)), GAMMA_FLOOR), "eps_inf": e})
    if sdc > 0 and ratio > 0:  # no edge: σ_dc = ω_p²/(Zγ) and γ = ratio·ω_p → ω_p = Zσ_dc·ratio
        wp = Z_OPT * sdc * ratio
        out.append({"wp": wp, "gamma": ratio * wp, "eps_inf": eps_inf})
        for f in (0.3, 3.0):  # the crossover ν ~ γ is where R fixes both: try γ on either side
            g = f * float(np.sqrt(nu[0] * nu[-1]))
            out.append({"wp": wp_from(sdc, g), "gamma": g, "eps_inf": eps_inf})
    return [c for c in out if all(np.isfinite(v) and v > 0 for v in c.values())]


def oscillators_from_sigma1(s1: np.ndarray, nu: np.ndarray, n: int) -> list[tuple[float, float, float]]:
    """n start oscillators (ω_p, ν0, γ) in cm⁻¹, ordered in ν0 and distinct (sorted ν).

    Peaks of σ1 (most prominent first) give ν0 and the half-width γ; the height σ1(ν0) =
    ω_p²/(Zγ) gives ω_p.  Missing oscillators are spread log-uniformly over the band where
    σ1 > 25 % of its maximum, away from the peaks found.
    """
    lo, hi = float(nu[0]), float(nu[-1])
    span = max(float(np.max(s1)) if s1.size else 0.0, 1e-300)
    found: list[tuple[float, float, float]] = []
    if s1.size >= 3:
        idx, props = find_peaks(s1, prominence=0.02 * span)
        if idx.size:
            best = np.sort(idx[np.argsort(props["prominences"])[::-1][:n]])
            widths = peak_widths(s1, best, rel_height=0.5)
            grid = np.arange(nu.size, dtype=float)
            left, right = np.interp(widths[2], grid, nu), np.interp(widths[3], grid, nu)
            for i, a, b in zip(best, left, right):
                gamma = max(float(b - a), 1e-3 * max(nu[i], 1.0), GAMMA_FLOOR)
                found.append((wp_from(s1[i], gamma), float(nu[i]), gamma))
    missing = n - len(found)
    if missing > 0:
        band = nu[s1 > 0.25 * span] if s1.size else nu
        a = max(float(band[0]) if band.size else lo, 1e-3 * max(hi, 1.0))
        b = max(float(band[-1]) if band.size else hi, a * 1.0001 + 1.0)
        taken = [f[1] for f in found]
        extra = []
        for c in np.geomspace(a, b, missing + 2 * len(found) + 2)[1:-1]:
            if all(abs(math.log(c / t)) > 0.1 for t in taken if t > 0):
                extra.append(c)
                taken.append(c)
        extra = (extra + list(np.geomspace(b, 3 * b, missing + 1)[1:]))[:missing]
        for c in extra:
            level = float(np.interp(c, nu, s1)) if lo <= c <= hi else 0.1 * span
            found.append((wp_from(max(0.5 * level, 1e-6 * span), 0.5 * c), float(c), 0.5 * c))
    found.sort(key=lambda t: t[1])
    for j in range(1, len(found)):  # non-degenerate: strictly increasing ν0
        wp, nu0, g = found[j]
        if nu0 <= found[j - 1][1] * 1.01:
            found[j] = (wp, found[j - 1][1] * 1.05 + 1.0, g)
    return found


def smoothed(s1: np.ndarray) -> np.ndarray:
    """σ1 (sorted ν) with point-to-point noise removed for peak finding: a running median over ~4 % of the points.

    Peaks of a noisy residual σ1 − Drude are mostly noise where the Drude plateau is large (2 % noise on
    10⁴ S/cm outgrows a 500 S/cm interband peak); a peak that spans more than a few points survives the median.
    Sparse data (fewer than 25 points) are returned as they are.
    """
    size = 2 * (s1.size // 50) + 1
    return s1 if size < 3 else median_filter(s1, size=size, mode="nearest")


def ordered_oscillators(values: Mapping[str, float], n: int) -> dict[str, float]:
    """``values`` with oscillators 1…n relabelled in increasing ν0 (a refinement may swap them)."""
    osc = sorted(((values[f"wp{j}"], values[f"nu0{j}"], values[f"gamma{j}"]) for j in range(1, n + 1)), key=lambda t: t[1])
    return {**values, **oscillator_dict(osc)}


def oscillator_dict(osc: Sequence[tuple[float, float, float]]) -> dict[str, float]:
    """``{"wp1": …, "nu01": …, "gamma1": …, "wp2": …}`` from ``[(wp, nu0, gamma), …]``."""
    out: dict[str, float] = {}
    for j, (wp, nu0, g) in enumerate(osc, start=1):
        out.update({f"wp{j}": wp, f"nu0{j}": nu0, f"gamma{j}": g})
    return out


# --- choosing among starts --------------------------------------------------------------------


def _to_internal(v: float, lo: float, hi: float) -> float:
    if math.isfinite(lo) and math.isfinite(hi):
        f = min(max((v - lo) / (hi - lo), 1e-9), 1 - 1e-9)
        return math.log(f / (1.0 - f))
    if math.isfinite(lo):
        return math.log(max(v - lo, 1e-300))
    return v


def _to_external(u: float, lo: float, hi: float) -> float:
    if math.isfinite(lo) and math.isfinite(hi):
        return lo + (hi - lo) / (1.0 + math.exp(-min(max(u, -700.0), 700.0)))
    if math.isfinite(lo):
        return lo + math.exp(min(u, 700.0))
    return u


def search_bounds(name: str, bounds: tuple[float, float], nu: np.ndarray) -> tuple[float, float]:
    """Bounds of the start search for a parameter: resonances near the data, rates not far below or above it."""
    lo, hi = bounds
    nu_lo, nu_hi = float(np.min(nu)), float(np.max(nu))
    if name.startswith("nu0"):
        return max(lo, nu_lo / 3.0), min(hi, 3.0 * nu_hi)
    if name.startswith("gamma"):
        return max(lo, 1e-3 * nu_lo), min(hi, 10.0 * nu_hi)
    return lo, hi


def best_start(residual: Callable[[dict[str, float]], np.ndarray], starts: Sequence[Mapping[str, float]],
               free: Mapping[str, tuple[float, float]]) -> dict[str, float]:
    """The start whose short local least-squares reaches the lowest cost, refined.

    ``residual(values)`` returns the weighted residual for a full dict of parameter values;
    ``starts`` are full dicts; ``free`` maps the varied names to the bounds of the search (log or
    logistic internal coordinates keep them inside; they may be narrower than the model's).  A start whose model is not finite is skipped; when
    none survives the first start is returned as given.
    """
    names = list(free)
    best, best_cost = dict(starts[0]), math.inf
    for start in starts:
        start = dict(start)
        u0 = np.array([_to_internal(start[n], *free[n]) for n in names])

        def fun(u, start=start):
            vals = {**start, **{n: _to_external(float(ui), *free[n]) for n, ui in zip(names, u)}}
            with np.errstate(all="ignore"):
                r = residual(vals)
            return np.where(np.isfinite(r), r, 1e30)

        try:
            with np.errstate(all="ignore"):
                sol = least_squares(fun, u0, method="trf", max_nfev=NFEV, x_scale=1.0)
        except (ValueError, FloatingPointError):
            continue
        cost = float(sol.cost)
        if np.isfinite(cost) and cost < best_cost:
            best_cost = cost
            best = {**start, **{n: _to_external(float(ui), *free[n]) for n, ui in zip(names, sol.x)}}
    return best



def film_sigma1(nu: np.ndarray, y: np.ndarray, film, observable: str) -> np.ndarray:
    """σ1 (S/cm) of a film from its transmission by inverting the thin-film (Tinkham) formula.

    T/T_sub = |(1 + n_s)/(1 + n_s + Z0σ_□)|² with σ_□ = σ1·d real gives
    Z0σ_□ = (1 + n_s)(1/√(T/T_sub) − 1).  A start value only (σ2 and multiple reflections are
    ignored); film reflectance gives zeros (the defaults start the fit).
    """
    if observable != "transmission":
        return np.zeros(nu.size)
    Ns = film.substrate_index(nu)
    ratio = np.asarray(y, dtype=float)
    if film.reference == "vacuum":
        ratio = ratio / FF.bare_substrate(nu, Ns, film.substrate_thickness_mm)[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        z0_sheet = np.real(1.0 + Ns) * (1.0 / np.sqrt(np.clip(ratio, 1e-6, None)) - 1.0)
    return np.maximum(np.nan_to_num(z0_sheet), 0.0) / (FF.Z0_OHM * film.thickness_nm * 1e-7)
