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


def offset_statistics(J: np.ndarray, r: np.ndarray, mask: np.ndarray):
    """F statistic of a constant added to many fits at once (the core of :func:`offset_checks`).

    ``J`` (c, n, k): each curve's Jacobian in its free parameters (and background terms), ``r`` (c, n) its residual
    y − model, ``mask`` (c, n) its real points (padding is False).  The constant direction is projected off the columns
    of J, and the residual's component along what remains, squared over its variance, is the F statistic of one
    added parameter.  Returns ``(c_hat, F, shift)``: the constant (c,), F (c,), NaN where it cannot be tested, and
    the parameters' move once the constant takes its share (c, k).
    """
    m = mask.astype(float)
    J = np.where(mask[..., None], J, 0.0)
    r = np.where(mask, r, 0.0)
    n = m.sum(axis=1)
    k = J.shape[2]
    Q, R = np.linalg.qr(J)

    def perp(v):
        return v - np.einsum("cnk,ck->cn", Q, np.einsum("cnk,cn->ck", Q, v))

    one = perp(m)  # the constant, less what the model's own parameters can do
    norm = np.einsum("cn,cn->c", one, one)
    r_perp = perp(r)
    with np.errstate(divide="ignore", invalid="ignore"):
        s1 = np.einsum("cn,cn->c", r_perp, r_perp) - np.einsum("cn,cn->c", r_perp, one) ** 2 / norm
        c = np.einsum("cn,cn->c", r, one) / norm
        F = c * c * norm / (s1 / (n - k - 1))
        rhs = np.einsum("cnk,cn->ck", Q, r - c[:, None] * m)
        try:
            shift = np.linalg.solve(R, rhs[..., None])[..., 0]
        except np.linalg.LinAlgError:  # a parameter the data do not move: least squares, as for one curve
            shift = np.einsum("ckn,cn->ck", np.linalg.pinv(R), rhs)
    bad = (norm <= 1e-12 * n) | ~(s1 > 0)
    return np.where(bad, np.nan, c), np.where(bad, np.nan, F), shift


def offset_checks(function, values: dict, free: list[str], bounds: dict, xs: list, ys: list,
                  extra: dict | None = None, length: str = "L_phi", unit: str = "S") -> list[list[str]]:
    """A constant offset of Δσ that the data ask for (the model has Δσ(0) = 0), for many curves at once.

    Score (Lagrange-multiplier) test at the fitted values (:func:`offset_statistics`): the Jacobian of
    ``function(x, **values)`` in the free parameters by forward differences (backward at an upper bound), with the
    terms ``extra`` = {power p: c_p} of backgrounds already in the model — what refitting with a free constant gives
    to first order, at the cost of one Jacobian, evaluated for every curve together (a batch of thousands of
    curves pays for it once).  ``values[name]`` and ``extra[p]`` hold one fitted value per curve, ``xs``/``ys`` each
    curve's fields (T) and Δσ.  A user's Δσ referenced to a measured reading (σ at a remanent field, or one noisy
    point) carries such an offset; the fit without it moves the lengths by many standard errors.
    """
    c_n = len(xs)
    out: list[list[str]] = [[] for _ in range(c_n)]
    extra = {p: np.broadcast_to(np.asarray(v, dtype=float), (c_n,)) for p, v in (extra or {}).items()}
    k = len(free) + len(extra)
    sizes = np.array([np.size(y) for y in ys])
    if not free or c_n == 0 or sizes.max() < k + 5:
        return out
    width = int(sizes.max())
    X = np.zeros((c_n, width))
    Y = np.zeros((c_n, width))
    mask = np.arange(width)[None, :] < sizes[:, None]
    for i, (x, y) in enumerate(zip(xs, ys)):
        X[i, : sizes[i]], Y[i, : sizes[i]] = x, y
        X[i, sizes[i]:] = X[i, 0] if sizes[i] else 1.0
    vals = {n: np.asarray(v, dtype=float)[:, None] for n, v in values.items()}

    def model(v):
        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(function(X, **v), dtype=float), X.shape)

    base = model(vals)
    testable = sizes >= k + 5
    cols = []
    for f in free:
        v0 = vals[f][:, 0]
        h = 1e-4 * np.where(v0 != 0, np.abs(v0), 1.0)
        lo, hi = bounds[f]
        step = np.where(v0 + h <= hi, h, -h)
        testable &= (lo <= v0 + step) & (v0 + step <= hi)
        with np.errstate(all="ignore"):
            cols.append((model({**vals, f: (v0 + step)[:, None]}) - base) / step[:, None])
    absx = np.abs(X)
    cols += [absx**p for p in extra]
    J = np.stack(cols, axis=-1)
    with np.errstate(all="ignore"):
        r = Y - base - sum((c[:, None] * absx**p for p, c in extra.items()), np.zeros_like(X))
    finite = np.all(np.where(mask[..., None], np.isfinite(J), True), axis=(1, 2)) & np.all(np.where(mask, np.isfinite(r), True), axis=1)
    testable &= finite
    if not testable.any():
        return out
    idx = np.flatnonzero(testable)
    c, F, shift = offset_statistics(J[idx], r[idx], mask[idx])
    for a, i in enumerate(idx):
        if not F[a] > OFFSET_F_LIMIT:
            continue
        moved = ""
        if length in free:
            now = float(vals[length][i, 0])
            moved = f"; with it {length} would be about {now + shift[a, free.index(length)]:.4g} instead of {now:.4g}"
        out[i] = [(f"Δσ does not start from 0 at B = 0: a constant offset of {c[a]:.3g} {unit} improves the fit "
                   f"(F = {F[a]:.0f}){moved}. Δσ was likely referenced to a measured reading (a remanent field, one noisy "
                   "point) instead of σ(0); the values and errors here assume Δσ(0) = 0: fit with a free offset "
                   "(--background offset; Python: background='offset')")]
    return out
