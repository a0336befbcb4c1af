"""Start values for the heat models: C(T) = γT + βT³ (+ β₅T⁵) and κ(T) = aT + bT^p.

Both laws are linear in their amplitudes once the exponents are fixed, so the start values are one
weighted linear least-squares solve (:func:`linear_coefficients`), relative weights because C and κ
span decades.
"""

from __future__ import annotations

import numpy as np

__all__ = ["heat_capacity_start", "kappa_start", "linear_coefficients", "noise_weights"]


def linear_coefficients(columns, y, weights=None) -> np.ndarray:
    """Least-squares coefficients c of y ≈ Σ c_k·columns[k] (optionally weighted); NaN if under-determined.

    Columns are rescaled to unit norm before the solve so that powers of T of very different size
    stay well conditioned.
    """
    X = np.column_stack([np.asarray(c, dtype=float) for c in columns])
    y = np.asarray(y, dtype=float)
    w = np.ones_like(y) if weights is None else np.asarray(weights, dtype=float)
    ok = np.isfinite(y) & np.all(np.isfinite(X), axis=1) & np.isfinite(w)
    if ok.sum() < X.shape[1]:
        return np.full(X.shape[1], np.nan)
    A = X[ok] * w[ok, None]
    norm = np.linalg.norm(A, axis=0)
    norm = np.where(norm > 0, norm, 1.0)
    coef, *_ = np.linalg.lstsq(A / norm, y[ok] * w[ok], rcond=None)
    return coef / norm


def heat_capacity_start(T, C) -> dict[str, float]:
    """γ (mJ mol⁻¹ K⁻²) and β (mJ mol⁻¹ K⁻⁴) from C/T = γ + βT² over the lower half of the data.

    ``T`` in K, ``C`` in J mol⁻¹ K⁻¹; relative weights.  β is kept positive (Θ_D needs β > 0).
    """
    T, C = np.asarray(T, dtype=float), np.asarray(C, dtype=float)
    ok = np.isfinite(T) & np.isfinite(C) & (T > 0) & (C > 0)
    if ok.sum() < 3:
        return {}
    T, C = T[ok], C[ok]
    low = T <= np.median(T) if T.size >= 8 else np.ones(T.size, dtype=bool)
    g, b = linear_coefficients([T[low], T[low] ** 3], C[low], 1.0 / C[low])
    out = {}
    if np.isfinite(g):
        out["gamma"] = 1e3 * g
    if np.isfinite(b):
        out["beta"] = 1e3 * (b if b > 0 else float(np.median(C / T**3)))
    return out


def kappa_start(T, kappa, p: float) -> dict[str, float]:
    """a (W m⁻¹ K⁻²) and b (W m⁻¹ K^−(1+p)) from κ = aT + bT^p with the exponent ``p`` fixed; relative weights."""
    T, kappa = np.asarray(T, dtype=float), np.asarray(kappa, dtype=float)
    ok = np.isfinite(T) & np.isfinite(kappa) & (T > 0) & (kappa != 0)
    if ok.sum() < 3:
        return {}
    a, b = linear_coefficients([T[ok], T[ok] ** p], kappa[ok], 1.0 / np.abs(kappa[ok]))
    return {k: float(v) for k, v in (("a", a), ("b", b)) if np.isfinite(v)}


def noise_weights(T, C, exponents=(1.0, 3.0, 5.0)) -> np.ndarray | None:
    """Weights 1/σ for C(T) or κ(T) data whose scatter is relative, absolute, or both: σ² = (f·Ĉ)² + a².

    Ĉ = Σ c_k T^(e_k) over ``exponents`` (T, T³, T⁵ for C; T, T^p, T^(p+2) for κ) is a weighted least-squares
    curve through the data (smooth, so the weights do not follow each point's own noise); f² and a² are the
    non-negative least-squares coefficients of the squared residuals on [Ĉ², 1] (corrected for the fitted
    coefficients, each squared residual weighted by the 1/σ⁴ of the previous pass).  The curve starts relative-weighted (1/|C|, floored at 10⁻³ of the largest |C|) and is refitted
    twice with the estimated 1/σ: with absolute noise the lowest points scatter about zero, and a relative-weighted
    curve through them can dip below zero (the estimate then gave up and the fit fell back to 1/|C|), while points
    that read ≤ 0 are data too (dropping them biases the low-T end).  Only the shape of σ matters: the fit scales
    the covariance by χ²_ν.  None when the data are too few (< 10 points) or the estimate degenerate.
    """
    from scipy.optimize import nnls

    T, C = np.asarray(T, dtype=float), np.asarray(C, dtype=float)
    ok = np.isfinite(T) & np.isfinite(C) & (T > 0)
    n = int(ok.sum())
    if n < 10 or np.sum(C[ok] > 0) < n // 2:
        return None
    cols = [T[ok] ** e for e in exponents]
    w = 1.0 / np.maximum(np.abs(C[ok]), 1e-3 * np.max(np.abs(C[ok])))
    var = None
    for _ in range(3):
        coef = linear_coefficients(cols, C[ok], w)
        if not np.all(np.isfinite(coef)):
            return None
        fit = sum(c * k for c, k in zip(coef, cols))
        r2 = (C[ok] - fit) ** 2 * n / (n - len(cols))
        if not np.mean(r2) > 0:
            return None
        # r² scatters like its variance (sd of r² ∝ σ²): rows weighted by w² = 1/σ² of the previous pass, so that
        # the small-σ points decide a² rather than the large ones drowning it
        A = np.column_stack([fit**2, np.ones_like(fit)]) * w[:, None] ** 2
        b = r2 * w**2
        scale = np.array([np.mean(A[:, 0]), np.mean(A[:, 1])])
        (f2, a2), _ = nnls(A / scale, b / np.mean(b))
        f2, a2 = f2 / scale[0] * np.mean(b), a2 / scale[1] * np.mean(b)
        # a floor so that neither term vanishes: 1 % of the mean variance each way
        var = np.maximum(f2 * fit**2 + a2, 1e-2 * np.mean(r2))
        if not (np.all(np.isfinite(var)) and np.all(var > 0)):
            return None
        w = 1.0 / np.sqrt(var)
    out = np.full(T.shape, np.nan)
    out[ok] = w
    return out
