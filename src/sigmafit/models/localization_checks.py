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


#: F statistic of the one added offset above which a constant offset of Δσ is reported (3σ: false alarm 0.27 %).
OFFSET_F_LIMIT = 9.0


def mirrored_sentences(x: np.ndarray, y: np.ndarray) -> list[str]:
    """Δσ(−B) a copy of Δσ(B) (a symmetrized curve saved for both field signs): each value counts twice."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    neg, pos = x < 0, x > 0
    if np.count_nonzero(neg) < 5 or np.count_nonzero(pos) < 5:
        return []
    scale = float(np.max(np.abs(x)))
    order = np.argsort(x[pos])
    xp, yp = x[pos][order], y[pos][order]
    i = np.clip(np.searchsorted(xp, -x[neg]), 0, xp.size - 1)
    j = np.clip(i - 1, 0, xp.size - 1)
    k = np.where(np.abs(xp[i] + x[neg]) <= np.abs(xp[j] + x[neg]), i, j)
    same = (np.abs(xp[k] + x[neg]) <= 1e-9 * scale) & (yp[k] == y[neg])
    if np.mean(same) < 0.8:
        return []
    return [(f"Δσ(−B) repeats Δσ(B) at {int(same.sum())} field pairs (a symmetrized curve saved for both signs of B): "
             "each value counts twice, so the errors are √2 too small; fit the B ≥ 0 half (--xmin 0)")]


def offset_sentences(function, values: dict, free: list[str], bounds: dict, x: np.ndarray, y: np.ndarray,
                     extra: dict | None = None, length: str = "L_phi", unit: str = "S") -> list[str]:
    """A constant offset of Δσ that the data ask for (the model has Δσ(0) = 0).

    Score (Lagrange-multiplier) test at the fitted values: the constant direction is projected off the columns of
    the Jacobian of ``function(x, **values)`` in the free parameters (and the terms ``extra`` = {power p: c_p} of
    backgrounds already in the model), and the residual's component along what remains, squared over its variance,
    is the F statistic of one added parameter — what refitting with a free constant gives to first order, at the
    cost of one Jacobian (a batch of thousands of curves pays for it).  A user's Δσ referenced to a measured
    reading (σ at a remanent field, or one noisy point) carries such an offset; the fit without it moves the
    lengths by many standard errors.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    extra = dict(extra or {})
    n, k = y.size, len(free) + len(extra)
    if n < k + 5 or not free:
        return []

    def model(v):
        with np.errstate(all="ignore"):
            return np.asarray(function(x, **v), dtype=float)

    base = model(values)
    bg = sum(c * np.abs(x) ** p for p, c in extra.items())
    r = y - base - bg
    cols = []
    for f in free:  # forward differences in each free parameter (backward at an upper bound)
        v0 = values[f]
        h = 1e-4 * (abs(v0) if v0 else 1.0)
        step = h if v0 + h <= bounds[f][1] else -h
        if not bounds[f][0] <= v0 + step <= bounds[f][1]:
            return []
        cols.append((model({**values, f: v0 + step}) - base) / step)
    cols += [np.abs(x) ** p for p in extra]
    J = np.column_stack(cols)
    if not (np.all(np.isfinite(J)) and np.all(np.isfinite(r))):
        return []
    Q, _ = np.linalg.qr(J)
    one = np.ones(n) - Q @ (Q.T @ np.ones(n))  # the constant, less what the model's own parameters can do
    norm = float(one @ one)
    r_perp = r - Q @ (Q.T @ r)
    s1 = float(r_perp @ r_perp) - float(r_perp @ one) ** 2 / norm if norm > 0 else 0.0
    if norm <= 1e-12 * n or s1 <= 0:
        return []
    c = float(r @ one) / norm
    F = c * c * norm / (s1 / (n - k - 1))
    if F <= OFFSET_F_LIMIT:
        return []
    moved = ""
    if length in free:
        shift = np.linalg.lstsq(J, r - c, rcond=None)[0]  # the parameters' move once the constant takes its share
        moved = f"; with it {length} would be about {values[length] + shift[free.index(length)]:.4g} instead of {values[length]:.4g}"
    return [(f"Δσ does not start from 0 at B = 0: a constant offset of {c:.3g} {unit} improves the fit "
             f"(F = {F:.0f}){moved}. Δσ was likely referenced to a measured reading (a remanent field, one noisy point) "
             "instead of σ(0); the values and errors here assume Δσ(0) = 0: fit with a free offset (--background offset; "
             "Python: background='offset')")]
