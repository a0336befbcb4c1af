"""Reasons not to trust an optics fit, as plain sentences (``FitResult.warnings``).

Generic checks (bounds, errors, correlations, runs test) live in :mod:`sigmafit.fitting.diagnostics`;
these are the optics-specific ones, asked of the model through ``diagnose`` / ``diagnose_data``:

* a poor fit: R² below :data:`POOR_R2`, or a median relative residual above :data:`POOR_RELATIVE`;
* noise that is not relative, as the default weights 1/|y| assume (:func:`noise_model_warning`): the errors
  quoted, scaled by χ²_ν, are then not 1σ;
* a few points carrying most of the χ² (the far-IR points of a table with |ε| ~ 10⁵, a glitch);
* a scattering rate that changes across the window (extended-Drude analysis of complex data):
  one Drude term then averages it and the fitted γ depends on window and observable;
* a σ1 fit whose data all lie above γ: they fix one combination of ω_p and γ only;
* a reflectance fit with R close to 1 throughout (below the plasma edge);
* rates at their floor and oscillators far outside the data.
Frequencies in cm⁻¹.
"""

from __future__ import annotations

import math

import numpy as np

from .formulas import optics as F

__all__ = ["fit_quality", "noise_model_warning", "parameter_warnings", "reflectance_warning", "scattering_rate_warning", "tail_only_warning"]

#: R² (as results print it) below which a fit is called poor, and the median relative misfit above which it is.
POOR_R2 = 0.9
POOR_RELATIVE = 0.1
#: A reflectance fit whose data all lie above this is below the plasma edge (see :func:`reflectance_warning`).
HIGH_REFLECTANCE = 0.9
#: A share of the χ² above CONCENTRATION held by 5 % of the points (at least 20 points) is reported.
CONCENTRATION = 0.5
MIN_POINTS_CONCENTRATION = 20
#: A change of the extended-Drude γ(ν) between thirds of the window counts above this ratio and this
#: many standard errors of the medians.
GAMMA_CHANGE = 1.03
GAMMA_SIGNIFICANCE = 4.0
#: The noise-model check: the point-to-point scatter of the relative residuals goes as |y|^b; relative noise gives
#: b = 0, constant noise b = −1.  A fit with |b| > NOISE_SLOPE and more than NOISE_SIGNIFICANCE standard errors
#: from 0 (log|difference| of Gaussian noise scatters by π/√8 about its mean) is reported, from NOISE_MIN_POINTS on.
NOISE_SLOPE = 0.3
NOISE_SIGNIFICANCE = 5.0
NOISE_MIN_POINTS = 40
LOG_ABS_GAUSS_SD = math.pi / math.sqrt(8.0)


def _nu_list(nu: np.ndarray, limit: int = 6) -> str:
    shown = ", ".join(f"{v:.4g}" for v in np.sort(nu)[:limit])
    return shown + (" …" if nu.size > limit else "")


def parameter_warnings(values: dict[str, float], nu: np.ndarray, gamma_min: float) -> list[str]:
    """Rates at their floor; oscillators outside the data range (they only act as a background)."""
    lo, hi = (float(np.min(nu)), float(np.max(nu))) if nu.size else (0.0, math.inf)
    msgs = []
    for name, val in values.items():
        if name.startswith("gamma") and val <= 10 * gamma_min:
            msgs.append(f"{name} = {val:g} cm⁻¹ sits at its lower bound: the width is not resolved by the data")
        if name.startswith("nu0") and (val > 2 * hi or 0 < val < 0.5 * lo):
            msgs.append(f"{name} = {val:g} cm⁻¹ lies outside the data range {lo:g}–{hi:g} cm⁻¹: "
                        "the oscillator only acts as a background")
    return msgs


def fit_quality(nu: np.ndarray, y: np.ndarray, model: np.ndarray, w: np.ndarray,
                concentration_weights: np.ndarray | None = None, relative_misfit: bool = True,
                concentration: bool = True) -> list[str]:
    """Poor R², a large relative misfit, and χ² concentrated on a few points.

    ``y``, ``model``, ``w`` (the relative weights) have the stacked length (N or 2N); ``nu`` has
    N points.  R² is the one results print, 1 − Σ(y − model)²/Σ(y − ȳ)² over all parts (unweighted:
    it follows the largest |y|); the relative misfit is the median of |w·(y − model)| (a median,
    so that a few points of low signal to noise do not make a good fit look poor).  The χ² whose concentration
    is checked is weighted by ``concentration_weights`` (the fit's weights; ``w`` when None) unless
    ``concentration`` is False (weights the model does not know, e.g. the data's own errors).  The
    relative misfit is judged only with ``relative_misfit`` (a fit weighted by 1/|y|): under constant noise or
    the data's own errors a point of low signal misses by far more than 10 % without the fit being poor.
    """
    parts = y.size // nu.size
    r = (y - model) * w
    if not np.all(np.isfinite(r)):
        return ["the model is not finite at every data point"]
    msgs = []
    ss_tot = float(np.sum((y - np.mean(y)) ** 2))
    if ss_tot > 0:
        r2 = 1.0 - float(np.sum((y - model) ** 2)) / ss_tot
        if r2 < POOR_R2:
            msgs.append(f"poor fit: R² = {r2:.3f} (unweighted, so it follows the largest |y|): the model misses the "
                        "largest values of the data")
    rel = float(np.median(np.abs(r)))
    if relative_misfit and rel > POOR_RELATIVE:
        msgs.append(f"poor fit: the model misses the data by {100 * rel:.0f} % (median relative residual)")
    rc = None if not concentration else r if concentration_weights is None else (y - model) * concentration_weights
    chi2 = float(np.sum(rc**2)) if rc is not None else 0.0
    k = max(1, math.ceil(0.05 * nu.size))
    if nu.size >= MIN_POINTS_CONCENTRATION and chi2 > 0:
        per_point = np.sum(rc.reshape(parts, -1) ** 2, axis=0)
        top = np.argsort(per_point)[::-1][:k]
        share = float(per_point[top].sum() / chi2)
        if share > CONCENTRATION:
            msgs.append(f"{k} of {nu.size} points carry {100 * share:.0f} % of the χ² (ν = {_nu_list(nu[top])} cm⁻¹): "
                        "they alone decide the fit; check them, give the data's errors, or narrow the window")
    return msgs


def noise_model_warning(nu: np.ndarray, y: np.ndarray, model: np.ndarray, w: np.ndarray) -> list[str]:
    """Noise that is not relative, while the fit weighed every point by 1/|y| (``w``, the relative weights).

    The point-to-point differences of the relative residual w·(y − model) (neighbours in ν within each part,
    so that a smooth misfit does not count) are regressed, as log|difference| against log|y| (|y| = 1/w, the
    envelope the weights came from), pooled over the parts: their scatter goes as |y|^b.  Relative noise gives
    b = 0; constant noise (a detector floor, a reflectance measured to ±0.3 %) b = −1.  With b far from 0 the
    fit weighs the noisiest points most (b < 0) or least (b > 0), and its errors, scaled by the average χ²_ν,
    are not 1σ: too small for parameters the small-|y| points fix, too large for the others.  ``nu`` has N
    points; ``y``, ``model``, ``w`` the stacked length.
    """
    parts = y.size // nu.size
    order = np.argsort(nu, kind="stable")
    diffs, levels = [], []
    for yp, mp, wp in zip(y.reshape(parts, -1), model.reshape(parts, -1), w.reshape(parts, -1)):
        r, wv = ((yp - mp) * wp)[order], wp[order]
        d = np.abs(np.diff(r))
        ok = np.isfinite(d) & (d > 0) & (wv[1:] > 0) & (wv[:-1] > 0)
        diffs.append(d[ok])
        levels.append((2.0 / (wv[1:] + wv[:-1]))[ok])  # |y| of the pair
    d, lev = np.log(np.concatenate(diffs)), np.log(np.concatenate(levels))
    if d.size < NOISE_MIN_POINTS or not np.all(np.isfinite(lev)):
        return []
    spread = float(np.std(lev))
    if spread <= 0:
        return []
    b = float(np.cov(lev, d, bias=True)[0, 1] / spread**2)
    se = 1.3 * LOG_ABS_GAUSS_SD / (math.sqrt(d.size) * spread)  # 1.3: neighbouring differences share a point
    if abs(b) <= NOISE_SLOPE or abs(b) <= NOISE_SIGNIFICANCE * se:
        return []
    how = ("the noise is closer to constant than to relative: the fit weighs the noisiest points most" if b < 0
           else "the noise grows faster than |y|: the fit weighs the noisiest points least")
    return [(f"the relative residuals scatter as |y|^{b:+.2f} (± {se:.2f}; 0 for relative noise, −1 for constant "
             f"noise): {how}, and the errors quoted (scaled by χ²_ν) are not 1σ; give the data's uncertainties "
             "(an error column, --weights COL), or --weights none for constant noise")]


def scattering_rate_warning(nu: np.ndarray, sigma: np.ndarray) -> list[str]:
    """A scattering rate that changes across the window (``sigma`` the conduction σ of the data, complex).

    The extended-Drude γ(ν) (:func:`~sigmafit.models.formulas.optics.extended_drude`) is summarized
    by its median over each third of the points; a change counts when the largest and smallest of
    the three differ by more than GAMMA_CHANGE (3 %) and by more than GAMMA_SIGNIFICANCE standard
    errors of the medians (1.25·s/√n, with the point-to-point scatter s = 1.4826·MAD(Δγ)/√2 of each third:
    the noise of γ(ν) grows with ν), so that noise alone does not trigger it and precise data show even a small
    trend.
    """
    order = np.argsort(nu, kind="stable")
    nu, sigma = np.asarray(nu, dtype=float)[order], np.asarray(sigma, dtype=complex)[order]
    _, gamma = F.extended_drude(nu, sigma)
    usable = np.isfinite(gamma) & (gamma > 0)
    if nu.size < 9 or usable.sum() < 9:
        return []
    meds, errs, spans = [], [], []
    for idx in np.array_split(np.arange(nu.size), 3):
        g = gamma[idx][usable[idx]]
        if g.size < 3:
            return []
        step = np.diff(g)  # the scatter of this third: noise of ε2 relative to ε2 grows as ν/γ
        noise = 1.4826 * float(np.median(np.abs(step - np.median(step)))) / math.sqrt(2.0)
        meds.append(float(np.median(g)))
        errs.append(1.25 * noise / math.sqrt(g.size))
        spans.append((float(nu[idx[0]]), float(nu[idx[-1]])))
    i, j = int(np.argmin(meds)), int(np.argmax(meds))
    if meds[j] <= GAMMA_CHANGE * meds[i] or meds[j] - meds[i] <= GAMMA_SIGNIFICANCE * math.hypot(errs[i], errs[j]):
        return []
    band = F.drude_range(nu, sigma)
    where = (f"; one Drude term holds within 30 % over {band[0]:.4g}–{band[1]:.4g} cm⁻¹ (drude_range)" if band
             else "; no band of the data is one Drude term")
    shown = ", ".join(f"{m:.4g} ({a:.4g}–{b:.4g})" for m, (a, b) in zip(meds, spans))
    return [(f"the data's own scattering rate changes across the window (extended Drude from 1/σ, medians over the "
            f"thirds: {shown} cm⁻¹): one Drude term averages a frequency-dependent rate (interband absorption, "
            f"electron–electron scattering), the residuals follow it, and the fitted γ depends on window and observable{where}")]


def tail_only_warning(observable: str, nu_min: float, wp: float, gamma: float) -> list[str]:
    """σ1 data that all lie above γ fix one combination of ω_p and γ only."""
    if observable != "sigma1" or nu_min <= gamma:
        return []
    return [(f"the data start at ν = {nu_min:.4g} cm⁻¹, above γ = {gamma:.4g} cm⁻¹: σ1 there is the Drude tail "
             "ω_p²γ/(Zν²), which fixes ω_p²·γ but hardly ω_p and γ apart; fit σ2 (or ε, n,k) as well, or reach below γ")]


def reflectance_warning(R: np.ndarray) -> list[str]:
    """A reflectance that stays close to 1 (below the plasma edge) pins the model down weakly."""
    if R.size == 0 or float(np.min(R)) <= HIGH_REFLECTANCE:
        return []
    return [(f"R stays above {HIGH_REFLECTANCE:g} (min {float(np.min(R)):.4f}): below the plasma edge R ≈ 1 − 2γ/ω_p "
             "(relaxation) or 1 − 2√(2ν/(Zσ_dc)) (Hagen–Rubens), so ω_p and γ rest on the small 1 − R and a small "
             "departure from the Drude shape or ε∞ moves them far; fit n,k or ε, or include the plasma edge")]
