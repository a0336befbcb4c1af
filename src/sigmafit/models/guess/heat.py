"""Start values for the heat models: C(T) = γT + βT³ (+ β₅T⁵) and κ(T) = aT + bT^p.

Both laws are linear in their amplitudes once the exponents are fixed, so the start values are one
weighted linear least-squares solve (:func:`linear_coefficients`), relative weights because C and κ
span decades.
"""

from __future__ import annotations

import numpy as np

__all__ = ["heat_capacity_start", "kappa_start", "linear_coefficients"]


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
