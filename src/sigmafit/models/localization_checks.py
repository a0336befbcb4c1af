"""What the data can and cannot tell about weak-localization parameters, as sentences for ``FitResult.warnings``.

Shared by the 2D models of :mod:`sigmafit.models.localization`: too few points inside the cusp, a field range that
never leaves it, and characteristic fields outside the sampled range (below the field step or far above the
largest field), where a length is not constrained by the data.  Fields in T.
"""

from __future__ import annotations

import numpy as np


def abs_fields(x: np.ndarray) -> np.ndarray:
    """|B| of the finite fields."""
    b = np.abs(np.asarray(x, dtype=float))
    return b[np.isfinite(b)]


def cusp_sentences(B_phi: float, x: np.ndarray, what: str = "B_phi") -> list[str]:
    """Too few points inside the cusp |B| < B_φ, or a field range that does not leave it."""
    b = abs_fields(x)
    out = []
    if b.size == 0 or not np.isfinite(B_phi):
        return out
    inside = int(np.count_nonzero((b > 0) & (b < B_phi)))
    if inside < 5:
        out.append(
            f"only {inside} data points lie inside the cusp |B| < {what} = {B_phi:.3g} T; the dephasing length "
            "rests on too few points: measure with finer field steps near B = 0"
        )
    if b.max() < 2.0 * B_phi:
        out.append(
            f"the field range (max |B| = {b.max():.3g} T) reaches only {b.max() / B_phi:.2g}·{what}: the curve beyond the "
            "cusp that separates the amplitude from the dephasing field is not sampled"
        )
    return out


def range_sentences(name: str, length: str, Bx: float, x: np.ndarray, low_meaning: str, high_meaning: str) -> list[str]:
    """``Bx`` far above 10·max|B| or below the field step: the length is unconstrained."""
    b = abs_fields(x)
    pos = np.sort(b[b > 0])
    if pos.size == 0 or not np.isfinite(Bx):
        return []
    gaps = np.diff(pos)
    gaps = gaps[gaps > 1e-9 * pos[-1]]  # ±B folded onto |B| gives near-duplicates
    step = min(float(np.median(gaps)) if gaps.size else float(pos[0]), float(pos[0]))
    out = []
    if Bx > 10.0 * pos.max():
        out.append(
            f"{name} = {Bx:.3g} T lies far above the fitted field range (max |B| = {pos.max():.3g} T): {length} is not "
            f"constrained by the data ({high_meaning})"
        )
    elif Bx < step:
        out.append(
            f"{name} = {Bx:.3g} T is below the field step ({step:.3g} T): {length} is not constrained by the data "
            f"({low_meaning})"
        )
    return out


def soc_sentences(B_asy: float, B_sym: float, x: np.ndarray) -> list[str]:
    """Range checks of the asymmetric and symmetric spin–orbit fields (T) of graphene-soc."""
    out = range_sentences(
        "B_asy", "the asymmetric (z → −z) spin–orbit length", B_asy, x,
        "below the field step: the asymmetric term is invisible",
        "far above the window: the asymmetric rate is only bounded from below",
    )
    out += range_sentences(
        "B_sym", "the symmetric (z → −z) spin–orbit length", B_sym, x,
        "below the field step: the symmetric rate is not resolved, τ_so ≈ τ_asy",
        "far above the window: the symmetric rate is only bounded from below",
    )
    return out
