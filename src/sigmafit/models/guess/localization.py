r"""Start values of the weak-localization models from data: one curve, or many curves at once.

Every estimate starts from the same reduction of a curve (:func:`fold`): the points are folded
onto |B|, sorted, and cut into at most ``NBINS`` = 48 equal-count bins (mean |B|, median Δσ per
bin, so unsorted, ±B and spiky data all work).  The characteristic fields are then found by a
least-squares search on logarithmic grids spanning the sampled field range, refined once around
the best point.  The search sees what a hand estimate would use — the half-width of the cusp fixes
B_φ, the position of the WL→WAL extremum fixes B_so, the amplitude of the tail fixes α (in closed
form for ``hln``) — but weighs all points instead of one feature.

Many curves at once (:func:`guess_many`).  ``hln``, ``hln-dp`` and ``hln-so`` work on stacked,
padded arrays (``X``, ``Y`` of shape (n_curves, n_points) and a mask of real points), in chunks
whose temporaries stay near ``chunk_bytes`` (32 MB by default).  A single curve goes through the
very same code as a chunk of one, so the per-curve :func:`guess_curve` (what the model classes
call) and :func:`guess_many` give the same numbers (tested to the last bit).  The two-field
searches avoid evaluating ψ for every (candidate, bin) pair: the binned fields are put on a logarithmic lattice of 64 points per decade
(|B| moved by at most ±1.8 %), the candidate fields on every 8th lattice point (8 per decade), so
that each term Y((B₁ + a·B₂)/|B|) depends only on two lattice differences and is read from a table
computed once per call; the refinement (7 × 7 points around the best candidate) then uses the
exact formula at the exact binned fields.

Backgrounds.  A fit of Δσ with a free offset c₀ and/or a classical c₂B² (the ``--transform`` path) gets start
values that allow for them: ``background=(0, 2)`` solves, for every candidate, the coefficients of those powers
of |B| by linear least squares (the residual is projected off them), so that a negative c₂B² from the classical
magnetoresistance is not read as a spin–orbit field far above the window.

Fields are in T here; :func:`guess_curve` and :func:`guess_many` return table units (lengths in
nm, times in ps, α dimensionless), the values that the model's ``_guess`` returns.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ...constants import LENGTH_TO_NM
from ..formulas import localization as F

#: Maximum number of equal-count bins a curve is reduced to.
NBINS = 48
#: Logarithmic lattice of the two-field searches: points per decade of |B| …
LATTICE_PER_DECADE = 64
#: … and lattice steps between two candidate fields (8 candidates per decade).
CANDIDATE_STEP = 8
#: Default bound (bytes) on the temporaries of one chunk of :func:`guess_many`: well under the ~200 MB a batch
#: may spend, and small enough to stay in cache (measured faster than 200 MB chunks).
CHUNK_BYTES = 32e6

_S = math.log(10.0) / LATTICE_PER_DECADE
_NM_PER_M = LENGTH_TO_NM["m"]


# --- the folded curve ------------------------------------------------------------------------


def _as_rows(X, Y, mask) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X = np.atleast_2d(np.asarray(X, dtype=float))
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    if X.shape != Y.shape:
        raise ValueError(f"X and Y must have the same shape (n_curves, n_points); got {X.shape} and {Y.shape}")
    ok = np.isfinite(X) & np.isfinite(Y)
    if mask is not None:
        m = np.atleast_2d(np.asarray(mask, dtype=bool))
        if m.shape != X.shape:
            raise ValueError(f"mask must have the shape of X {X.shape}; got {m.shape}")
        ok &= m
    return X, Y, ok


def fold(X, Y, mask=None, nbins: int = NBINS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fold curves onto |B| and reduce each to at most ``nbins`` equal-count bins.

    ``X`` (T), ``Y`` (any unit) of shape (n_curves, n_points), ``mask`` marks the real points
    (NaN/inf are left out as well).  Returns ``(b, y, w)`` of shape (n_curves, nbins): the mean
    |B| (T) and median y of each bin, sorted by |B|, and ``w`` = 1 for a bin that holds points, 0
    for padding.  A curve of n ≤ ``nbins`` points keeps its points as they are (one per bin);
    longer curves are split like :func:`numpy.array_split` of the |B|-sorted points.
    """
    X, Y, ok = _as_rows(X, Y, mask)
    nc, npt = X.shape
    absb = np.where(ok, np.abs(X), np.inf)
    order = np.argsort(absb, axis=1, kind="stable")
    bs = np.take_along_axis(absb, order, axis=1)
    ys = np.take_along_axis(np.where(ok, Y, 0.0), order, axis=1)
    n = ok.sum(axis=1)
    pos = np.arange(npt)[None, :]
    q = np.maximum(n // nbins, 1)[:, None]
    r = np.where(n > nbins, n % nbins, 0)[:, None]
    big = pos < r * (q + 1)
    binid = np.where(n[:, None] <= nbins, pos, np.where(big, pos // (q + 1), r + (pos - r * (q + 1)) // q))
    binid = np.where(pos < n[:, None], binid, nbins)  # padding sorts last, into a dummy bin
    flat = (np.arange(nc)[:, None] * (nbins + 1) + binid).ravel()
    counts = np.bincount(flat, minlength=nc * (nbins + 1)).reshape(nc, nbins + 1)[:, :nbins]
    finite_b = np.where(binid < nbins, bs, 0.0)
    sums = np.bincount(flat, weights=finite_b.ravel(), minlength=nc * (nbins + 1)).reshape(nc, nbins + 1)[:, :nbins]
    w = (counts > 0).astype(float)
    b = np.where(counts > 0, sums / np.maximum(counts, 1), 0.0)
    # medians: sort y within each bin (bins are contiguous runs of the |B| order)
    within = np.lexsort((ys, binid), axis=-1)
    ysorted = np.take_along_axis(ys, within, axis=1)
    start = np.cumsum(counts, axis=1) - counts
    lo = np.minimum(start + (counts - 1) // 2, npt - 1)
    hi = np.minimum(start + counts // 2, npt - 1)
    med = (np.take_along_axis(ysorted, lo, axis=1) + np.take_along_axis(ysorted, hi, axis=1)) / 2.0
    y = np.where(counts > 0, med, 0.0)
    return b, y, w


def _field_range(b: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: (smallest, largest) nonzero binned |B| (T); (1 mT, 1 T) for a row without one."""
    pos = (w > 0) & (b > 0)
    anyb = pos.any(axis=1)
    bmin = np.where(anyb, np.min(np.where(pos, b, np.inf), axis=1), 1e-3)
    bmax = np.where(anyb, np.max(np.where(pos, b, -np.inf), axis=1), 1.0)
    return bmin, bmax


def _log_rows(lo: np.ndarray, hi: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Per row ``n`` log-spaced values from ``lo`` to ``hi``, padded with NaN to max(n) columns."""
    k = np.arange(int(n.max()))[None, :]
    llo, lhi = np.log(lo)[:, None], np.log(hi)[:, None]
    grid = np.exp(llo + k * ((lhi - llo) / (n[:, None] - 1)))
    return np.where(k < n[:, None], grid, np.nan)


def _n_log(lo: np.ndarray, hi: np.ndarray, per_decade: float) -> np.ndarray:
    return np.maximum(3, np.ceil(np.log10(hi / lo) * per_decade).astype(int) + 1)


def _background_basis(b: np.ndarray, w: np.ndarray, powers: tuple[int, ...]) -> np.ndarray | None:
    """Per row an orthonormal basis (rows, bins, k) of √w·|B|^p, p in ``powers`` (None without powers):
    the residual r loses its best background as Σ w r² − Σ_k (Σ_bins Q_k √w r)²."""
    if not powers:
        return None
    sw = np.sqrt(w)
    N = np.stack([sw * b**p for p in powers], axis=2)  # (rows, bins, k)
    Q, R = np.linalg.qr(N)
    # a row with fewer used bins than powers: its dependent columns carry no new direction
    keep = np.abs(np.diagonal(R, axis1=1, axis2=2)) > 1e-12 * np.maximum(np.abs(R).max(axis=(1, 2)), 1e-300)[:, None]
    return Q * keep[:, None, :]


def _explained(Q: np.ndarray | None, r: np.ndarray, sw: np.ndarray) -> np.ndarray | int:
    """Σ_k (Σ_bins Q_k √w r)² for residuals r (rows, …, bins) — what the background takes away — or 0."""
    if Q is None:
        return 0
    shape = r.shape
    flat = (r * sw.reshape(shape[0], *([1] * (len(shape) - 2)), shape[-1])).reshape(shape[0], -1, shape[-1])
    return np.sum(np.square(flat @ Q), axis=2).reshape(shape[:-1])


# --- hln: one field and a closed-form amplitude --------------------------------------------------


def _hln_scan(grid: np.ndarray, b: np.ndarray, y: np.ndarray, w: np.ndarray, Q: np.ndarray | None = None):
    """For candidate B_φ rows ``grid`` (n, m): best α in closed form and Σ w(y − α·G_Q·Y)², both with the
    background of basis ``Q`` (:func:`_background_basis`, w of 0/1) projected off y and the model."""
    Yc = F.G_Q * F.y_field(grid[:, :, None], b[:, None, :]) * w[:, None, :]
    if Q is not None:
        with np.errstate(invalid="ignore"):
            Yc = Yc - (Yc @ Q) @ np.swapaxes(Q, 1, 2)
        y = (y * w) - np.einsum("rbk,rk->rb", Q, np.einsum("rbk,rb->rk", Q, y * w))
    norm = np.sum(Yc * Yc, axis=2)
    alpha = np.divide(np.sum(Yc * y[:, None, :], axis=2), norm, out=np.zeros_like(norm), where=norm > 0)
    ssr = np.sum(np.square((y * w)[:, None, :] - alpha[:, :, None] * Yc), axis=2)
    ssr = np.where(np.isfinite(ssr), ssr, np.inf)
    return alpha, ssr


def _hln_grid(b, w) -> np.ndarray:
    bmin, bmax = _field_range(b, w)
    lo, hi = bmin / 10.0, bmax * 100.0
    return _log_rows(lo, hi, _n_log(lo, hi, 20.0))


def _hln_rows(b, y, w, background: tuple[int, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    """(α, B_φ in T) per row: 20 candidates per decade over [min|B|/10, 100·max|B|], then 9 around the best."""
    grid = _hln_grid(b, w)
    Q = _background_basis(b, w, background)
    alpha, ssr = _hln_scan(grid, b, y, w, Q)
    i = np.argmin(ssr, axis=1)
    rows = np.arange(b.shape[0])
    best_ssr, best_alpha, best_b = ssr[rows, i], alpha[rows, i], grid[rows, i]
    step = 10.0 ** (1.0 / 20.0)
    fine = _log_rows(best_b / step, best_b * step, np.full(b.shape[0], 9))
    alpha2, ssr2 = _hln_scan(fine, b, y, w, Q)
    j = np.argmin(ssr2, axis=1)
    better = ssr2[rows, j] < best_ssr
    return np.where(better, alpha2[rows, j], best_alpha), np.where(better, fine[rows, j], best_b)


# --- two fields: lattice tables, then the exact formula -------------------------------------------


@dataclass(frozen=True)
class _TwoField:
    """Δσ = G_Q Σ_t c_t Y((B₁ + a_t B₂)/|B|), searched over B₁ (= B_φ) and B₂ (= B_so)."""

    terms: tuple[tuple[float, float], ...]  # (c_t, a_t)
    exact: Callable[..., np.ndarray]  # Δσ(|B|, B₁, B₂) in S


_TWO_FIELD = {
    # hln-dp: −G_Q[½Y(B_φ/B) − Y((B_φ+B_so)/B) − ½Y((B_φ+2B_so)/B)]
    "hln-dp": _TwoField(((-0.5, 0.0), (1.0, 1.0), (0.5, 2.0)), F.hln_dp),
    # hln-so without elastic cut-off and magnetic scattering: G_Q[(3/2)Y((B_φ+4B_so/3)/B) − ½Y(B_φ/B)]
    "hln-so": _TwoField(((1.5, 4.0 / 3.0), (-0.5, 0.0)), lambda b, p, s: F.hln_so(b, p, s)),
}


def _table(spec: _TwoField, d: np.ndarray, e: np.ndarray) -> np.ndarray:
    """G_Q Σ_t c_t Y(e^{s·d}(1 + a_t e^{s·8e})) on the lattice differences d (rows) and e (columns)."""
    base = np.exp(_S * d.astype(float))[:, None]
    ratio = np.exp(_S * CANDIDATE_STEP * e.astype(float))[None, :]
    out = np.zeros((d.size, e.size))
    for c, a in spec.terms:
        out += c * F.Y(np.ascontiguousarray(base * (1.0 + a * ratio)))
    return F.G_Q * out


def _candidates(b, w) -> tuple[np.ndarray, np.ndarray]:
    """Per row the first and last candidate index (units of ``CANDIDATE_STEP`` lattice steps) within
    [min|B|/10, 10·max|B|] — beyond 10·max|B| a field only shows as a limit — at least three."""
    bmin, bmax = _field_range(b, w)
    i0 = np.ceil(np.log(bmin / 10.0) / (_S * CANDIDATE_STEP)).astype(int)
    i1 = np.floor(np.log(bmax * 10.0) / (_S * CANDIDATE_STEP)).astype(int)
    return i0, np.maximum(i1, i0 + 2)


@dataclass(frozen=True)
class _Lattice:
    """The binned fields of some rows snapped to the lattice, and the table their search reads."""

    k: np.ndarray  # (rows, bins) lattice index of each bin (padding: a valid index, weight 0)
    use: np.ndarray  # (rows, bins) bins with points at |B| > 0
    i0: np.ndarray  # (rows,) first candidate (units of CANDIDATE_STEP)
    ncand: np.ndarray  # (rows,) candidates per field
    table: np.ndarray  # flat table G_Q Σ c_t Y(...) over (d − dmin, e + m − 1)
    dmin: int
    m: int  # candidates per field of the table (the largest of all rows)


def _lattice(spec: _TwoField, b, w) -> _Lattice:
    i0, i1 = _candidates(b, w)
    ncand = i1 - i0 + 1
    m = int(ncand.max()) if ncand.size else 3
    use = (w > 0) & (b > 0)  # a bin at B = 0 adds the same (y − 0)² to every candidate
    k = np.rint(np.log(np.where(use, b, 1.0)) / _S).astype(np.int64)
    has = use.any(axis=1)
    kmax = np.where(use, k, np.iinfo(np.int64).min).max(axis=1, initial=np.iinfo(np.int64).min)
    kmin = np.where(use, k, np.iinfo(np.int64).max).min(axis=1, initial=np.iinfo(np.int64).max)
    k = np.where(use, k, np.where(has, kmax, 0)[:, None])  # padding reads a valid entry, weighted 0
    if has.any():
        dmin = int((i0 * CANDIDATE_STEP - kmax)[has].min())
        dmax = int((i1 * CANDIDATE_STEP - kmin)[has].max())
    else:
        dmin = dmax = 0
    table = _table(spec, np.arange(dmin, dmax + 1), np.arange(-(m - 1), m)).ravel()
    return _Lattice(k, use, i0, ncand, table, dmin, m)


def _coarse_two(lt: _Lattice, rows: slice, y, Q: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Best (B₁, B₂) in T of the rows ``rows`` of ``lt`` on the candidate lattice (y: their binned Δσ; ``Q``: the
    rows' background basis, :func:`_background_basis`)."""
    k, use, i0, ncand = lt.k[rows], lt.use[rows], lt.i0[rows], lt.ncand[rows]
    nc, m, ne = k.shape[0], int(ncand.max()), 2 * lt.m - 1
    lat = (i0[:, None] + np.arange(m)[None, :]) * CANDIDATE_STEP  # candidate lattice index
    cvalid = np.arange(m)[None, :] < ncand[:, None]
    # flat table index of (d = lat_i − k, e = j − i): (lat_i − dmin)·ne + (j − i + m_table − 1) − k·ne, which for
    # one (candidate i, bin) runs over the m candidates j as one contiguous stretch of the table: gather stretches
    start = (lat[:, :, None] - lt.dmin - k[:, None, :]) * ne + (lt.m - 1 - np.arange(m))[None, :, None]
    start = np.clip(start, 0, lt.table.size - m)  # only candidates and bins that are discarded reach outside
    model = np.lib.stride_tricks.sliding_window_view(lt.table, m)[start]  # (nc, i, bin, j)
    model = np.ascontiguousarray(model.transpose(0, 1, 3, 2))  # (nc, i, j, bin): the bins summed last, contiguous
    np.subtract(y[:, None, None, :], model, out=model)  # in place: (y − table)² · use, summed over the bins
    less = _explained(Q, model, use.astype(float))
    np.square(model, out=model)
    if not use.all():
        model *= use[:, None, None, :]
    ssr = np.sum(model, axis=3) - less
    ssr = np.where(cvalid[:, :, None] & cvalid[:, None, :] & np.isfinite(ssr), ssr, np.inf)
    bi, bj = np.divmod(np.argmin(ssr.reshape(nc, -1), axis=1), m)
    r = np.arange(nc)
    return np.exp(_S * lat[r, bi]), np.exp(_S * lat[r, bj])


def _refine_two(spec: _TwoField, b, y, w, B1, B2, Q: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Best of 7 × 7 log-spaced points one candidate step around (B₁, B₂), exact formula (``Q``: background)."""
    step = 10.0 ** (CANDIDATE_STEP / LATTICE_PER_DECADE)
    n7 = np.full(b.shape[0], 7)
    g1, g2 = _log_rows(B1 / step, B1 * step, n7), _log_rows(B2 / step, B2 * step, n7)
    with np.errstate(all="ignore"):
        model = spec.exact(b[:, None, None, :], g1[:, :, None, None], g2[:, None, :, None])
        np.subtract(y[:, None, None, :], model, out=model)
        less = _explained(Q, model, w)
        np.square(model, out=model)
        model *= w[:, None, None, :]
        ssr = np.sum(model, axis=3) - less
    ssr = np.where(np.isfinite(ssr), ssr, np.inf)
    bi, bj = np.divmod(np.argmin(ssr.reshape(b.shape[0], -1), axis=1), 7)
    rows = np.arange(b.shape[0])
    return g1[rows, bi], g2[rows, bj]


# --- one curve only: graphene, graphene-soc, kawabata, wire ----------------------------------------


def _log_grid(lo: float, hi: float, per_decade: float) -> np.ndarray:
    n = max(3, int(math.ceil(math.log10(hi / lo) * per_decade)) + 1)
    return np.geomspace(lo, hi, n)


def _best_on(fun, b, y, grids, allowed=None) -> tuple[float, ...]:
    cands = np.array(list(itertools.product(*grids)))  # (ncand, nargs)
    if allowed is not None:
        keep = allowed(*cands.T)
        if keep.any():
            cands = cands[keep]
    cols = [cands[:, i : i + 1] for i in range(cands.shape[1])]
    with np.errstate(all="ignore"):
        model = fun(b[None, :], *cols)
        ssr = np.sum(np.square(model - y[None, :]), axis=1)
    ssr = np.where(np.isfinite(ssr), ssr, np.inf)
    return tuple(float(v) for v in cands[int(np.argmin(ssr))])


def grid_search(fun, b, y, ranges, per_decade: float, allowed=None) -> tuple[float, ...]:
    """Arguments (one per range, log-spaced) minimizing Σ(y − fun(b, *args))², coarse then fine.

    ``allowed(*args) -> bool array`` restricts the candidates (e.g. to the physical branch).
    """
    grids = [_log_grid(lo, hi, per_decade) for lo, hi in ranges]
    best = _best_on(fun, b, y, grids, allowed)
    step = 10.0 ** (1.0 / per_decade)
    fine = [np.geomspace(v / step, v * step, 7) for v in best]
    return _best_on(fun, b, y, fine, allowed)


def fold_one(y, x) -> tuple[np.ndarray, np.ndarray]:
    """(|B|, y) of one curve, folded and binned as :func:`fold` does, padding removed."""
    b, yb, w = fold(np.asarray(x, float)[None, :], np.asarray(y, float)[None, :])
    keep = w[0] > 0
    return b[0, keep], yb[0, keep]


def _range_one(b: np.ndarray) -> tuple[float, float]:
    bmin, bmax = _field_range(b[None, :], np.ones((1, b.size)))
    return float(bmin[0]), float(bmax[0])


def guess_fields(fun, y, x, nfields: int, allowed=None) -> tuple[float, ...]:
    """Start fields (T) of ``fun(|B|, *fields)`` on one curve by :func:`grid_search`
    over [min|B|/10, 10·max|B|] per field."""
    b, yb = fold_one(y, x)
    bmin, bmax = _range_one(b)
    per_decade = {1: 20.0, 2: 8.0}.get(nfields, 4.0)
    return grid_search(fun, b, yb, [(bmin / 10.0, bmax * 10.0)] * nfields, per_decade, allowed)


def guess_three_terms(y, x, coefs, to_fields, fun, allowed=None) -> tuple[float, ...]:
    """Start fields of a model Δσ = G_Q Σ_t coefs[t]·Y(H_t/B) with three combined fields H_t.

    The H_t are searched independently on a fine log grid (Y tabulated once, the squared
    residual expanded through the Gram matrix, so 10⁵ combinations cost little);
    ``to_fields(H0, H1, H2)`` maps them back to the model's fields (NaN where impossible),
    ``allowed`` keeps the physical branch; a final native-grid refinement polishes the result.
    """
    b, yb = fold_one(y, x)
    bmin, bmax = _range_one(b)
    H = _log_grid(bmin / 10.0, bmax * 100.0, 10.0)
    Yt = F.G_Q * F.y_field(H[:, None], b[None, :])  # (nH, nbins)
    p = Yt @ yb
    G = Yt @ Yt.T
    c0, c1, c2 = coefs
    i, j, k = np.ix_(np.arange(H.size), np.arange(H.size), np.arange(H.size))
    ssr = (
        -2.0 * (c0 * p[i] + c1 * p[j] + c2 * p[k])
        + c0 * c0 * G[i, i] + c1 * c1 * G[j, j] + c2 * c2 * G[k, k]
        + 2.0 * (c0 * c1 * G[i, j] + c0 * c2 * G[i, k] + c1 * c2 * G[j, k])
    )
    with np.errstate(invalid="ignore"):
        fields = [np.broadcast_to(f, ssr.shape) for f in to_fields(H[i], H[j], H[k])]
        ok = np.logical_and.reduce([np.isfinite(f) & (f > 0) for f in fields])
        if allowed is not None:
            ok &= allowed(*fields)
    if not ok.any():
        return guess_fields(fun, y, x, 3, allowed)
    flat = int(np.argmin(np.where(ok, ssr, np.inf)))
    start = [float(f.flat[flat]) for f in fields]
    step = 10.0 ** (1.0 / 10.0)
    fine = [np.geomspace(v / step, v * step, 7) for v in start]
    return _best_on(fun, b, yb, fine, allowed)


def polish(fun, y, x, starts) -> tuple[float, ...]:
    """The lowest-SSR end of a local least-squares descent (in log fields, on the folded curve) from each start.

    Graphene's Δσ has a flat valley at B_* → 0 (its third term merges with the second): descending from a
    grid start with B_* < B_i the fit slid into it (L_* → ∞, χ² above the truth's) in 1 file of 8.  Starts with
    B_* a few times B_i reach the true minimum; the lowest SSR decides.
    """
    from scipy.optimize import least_squares

    b, yb = fold_one(y, x)
    scale = float(np.max(np.abs(yb))) or 1.0
    best, best_ssr = tuple(float(v) for v in starts[0]), math.inf
    for start in starts:
        u0 = np.log(np.asarray(start, dtype=float))
        if not np.all(np.isfinite(u0)):
            continue
        with np.errstate(all="ignore"):
            res = least_squares(lambda u: (fun(b, *np.exp(u)) - yb) / scale, u0, max_nfev=200)
        ssr = float(np.sum(res.fun**2))
        if np.isfinite(ssr) and ssr < best_ssr and np.all(np.isfinite(res.x)):
            best, best_ssr = tuple(float(v) for v in np.exp(res.x)), ssr
    return best


def _graphene_fields(H0, H1, H2):
    B_i = (H1 - H0) / 2.0
    return H0, np.where(B_i > 0, B_i, np.nan), np.where(H2 - H0 - B_i > 0, H2 - H0 - B_i, np.nan)


def _soc_fields(H0, H1, H2):
    """(B_φ, B_asy, B_sym) from H0 = B_φ, H1 = B_φ + 2B_asy, H2 = B_φ + B_asy + B_sym (NaN if impossible)."""
    B_asy = (H1 - H0) / 2.0
    B_sym = H2 - H0 - B_asy
    return H0, np.where(B_asy > 0, B_asy, np.nan), np.where(B_sym > 0, B_sym, np.nan)


def _soc_sym(b, B_phi, B_asy, B_sym):
    return F.graphene_soc(b, B_phi, B_asy, np.add(B_asy, B_sym))


def graphene_soc_fields(y, x) -> tuple[float, float, float]:
    """Start (B_φ, B_asy, B_sym) in T of ``graphene-soc`` (B_so = B_asy + B_sym, so B_sym > 0 is the physical branch)."""
    return guess_three_terms(y, x, (-0.5, 0.5, 1.0), _soc_fields, _soc_sym)


# --- public entry points -----------------------------------------------------------------------


def _length_nm(B):
    """L (nm) of a characteristic field B (T), L = √(ħ/(4eB))."""
    return F.char_length(B) * _NM_PER_M


def _time_ps(B, D: float):
    """τ (ps) of a characteristic field B (T) at diffusion constant D (m²/s): B = ħ/(4eDτ), τ = L²/D."""
    return F.char_length(B) ** 2 / D * 1e12


def _vectorized(name: str, b, y, w, chunk_bytes: float, background: tuple[int, ...] = ()) -> dict[str, np.ndarray]:
    """Estimates (table units) of the binned rows ``b``, ``y``, ``w``, searched in chunks (``background``: powers
    of |B| whose coefficients each candidate may choose, see the module docstring)."""
    out = {k: np.full(b.shape[0], np.nan) for k in (("alpha", "L_phi") if name == "hln" else ("L_phi", "L_so"))}
    if name == "hln":
        for s in _chunks(_search_bytes(name, b, w), chunk_bytes):
            alpha, bp = _hln_rows(b[s], y[s], w[s], background)
            out["alpha"][s], out["L_phi"][s] = alpha, _length_nm(bp)
        return out
    spec = _TWO_FIELD[name]
    lt = _lattice(spec, b, w)  # one table for all rows
    for s in _chunks(_search_bytes(name, b, w), chunk_bytes):
        Q = _background_basis(b[s], w[s], background)
        B1, B2 = _refine_two(spec, b[s], y[s], w[s], *_coarse_two(lt, s, y[s], Q), Q)
        out["L_phi"][s], out["L_so"][s] = _length_nm(B1), _length_nm(B2)
    return out


#: Models that :func:`guess_many` estimates on stacked arrays; the others loop over :func:`guess_curve`.
VECTORIZED = ("hln", "hln-dp", "hln-so")


def guess_curve(model_name: str, y, x, *, background: tuple[int, ...] = (), **options: float) -> dict[str, float]:
    """Start values (table units) of the localization model ``model_name`` from one curve Δσ(B).

    ``y`` (the model's y unit), ``x`` = B (T), finite values only.  ``options``: ``D`` (m²/s) for
    ``graphene-soc-tau``; ``W`` (nm) and ``L`` (µm) for ``wire``.  This is what the model
    classes' ``_guess`` return.  ``background``: powers p of c_p|B|^p terms fitted beside the model (``(0, 2)``: a
    free offset and c₂B²), allowed for by ``hln``, ``hln-dp`` and ``hln-so`` (module docstring).
    """
    y, x = np.asarray(y, float), np.asarray(x, float)
    if model_name in VECTORIZED:
        return {k: float(v[0]) for k, v in guess_many(model_name, x[None, :], y[None, :], background=background).items()}
    if model_name == "graphene":
        bp, bi, bs = guess_three_terms(y, x, (1.0, -1.0, -2.0), _graphene_fields, F.graphene)
        bp, bi, bs = polish(F.graphene, y, x, [(bp, bi, bs), *((bp, bi, k * bi) for k in (3.0, 10.0, 30.0))])
        return {"L_phi": float(_length_nm(bp)), "L_i": float(_length_nm(bi)), "L_star": float(_length_nm(bs))}
    if model_name == "graphene-soc":
        bp, ba, bs = graphene_soc_fields(y, x)
        return {"L_phi": float(_length_nm(bp)), "L_asy": float(_length_nm(ba)), "L_sym": float(_length_nm(bs))}
    if model_name == "graphene-soc-tau":
        D = float(options["D"])
        bp, ba, bs = graphene_soc_fields(y, x)
        return {"tau_phi": _time_ps(bp, D), "tau_asy": _time_ps(ba, D), "tau_sym": _time_ps(bs, D)}
    if model_name == "kawabata":
        (bp,) = guess_fields(F.kawabata, y, x, 1)
        return {"L_phi": float(_length_nm(bp))}
    if model_name == "wire":
        return _wire(y, x, float(options["W"]) / _NM_PER_M, float(options["L"]) * LENGTH_TO_NM["um"] / _NM_PER_M)
    raise ValueError(f"no start-value estimate for model {model_name!r}")


def _wire(y, x, W: float, L: float) -> dict[str, float]:
    """Wire (L_phi, L_so) in nm: lengths searched around the magnetic lengths L_B of the sampled fields."""
    b, yb = fold_one(y, x)
    bmin, bmax = _range_one(b)
    lo, hi = F.wire_magnetic_length(bmax, W) / 10.0, F.wire_magnetic_length(bmin, W) * 10.0
    lp, lso = grid_search(lambda bb, a, c: F.wire(bb, a, c, W, L), b, yb, [(lo, hi), (lo / 10.0, hi * 100.0)], 8.0)
    return {"L_phi": lp * _NM_PER_M, "L_so": lso * _NM_PER_M}


def _search_bytes(model_name: str, b, w) -> np.ndarray:
    """Bytes of the largest temporaries of the search, per row (about 6 arrays of candidates × bins)."""
    if model_name == "hln":
        ncand = np.sum(np.isfinite(_hln_grid(b, w)), axis=1)
    else:
        i0, i1 = _candidates(b, w)
        ncand = (i1 - i0 + 1) ** 2
    return 6 * 8.0 * ncand * b.shape[1]


def _chunks(cost: np.ndarray, budget: float):
    """Consecutive slices whose padded cost (rows × the largest row cost) stays within ``budget``."""
    start, n = 0, cost.size
    while start < n:
        stop, top = start + 1, cost[start]
        while stop < n and (stop + 1 - start) * max(top, cost[stop]) <= budget:
            top = max(top, cost[stop])
            stop += 1
        yield slice(start, stop)
        start = stop


def guess_many(model_name: str, X, Y, mask=None, *, chunk_bytes: float = CHUNK_BYTES,
               background: tuple[int, ...] = (), **options: float) -> dict[str, np.ndarray]:
    """Start values (table units) of ``model_name`` for many curves at once.

    ``X`` (B in T) and ``Y`` (Δσ) are padded arrays of shape (n_curves, n_points); ``mask``
    (same shape, bool) marks the real points (NaN/inf are never used).  Returns one array of
    n_curves values per parameter the model estimates — the numbers :func:`guess_curve` gives
    for each curve alone — with NaN for a curve of fewer than 3 usable points (no estimate: the
    caller keeps the table default).  ``hln``, ``hln-dp`` and ``hln-so`` are computed on stacked
    arrays in chunks whose temporaries stay near ``chunk_bytes``; other localization models loop
    over :func:`guess_curve` (``options`` as there).
    """
    X, Y, ok = _as_rows(X, Y, mask)
    nc = X.shape[0]
    rows = np.flatnonzero(ok.sum(axis=1) >= 3)
    out: dict[str, np.ndarray] = {}
    if model_name not in VECTORIZED:
        for r in rows:
            for k, v in guess_curve(model_name, Y[r, ok[r]], X[r, ok[r]], **options).items():
                out.setdefault(k, np.full(nc, np.nan))[r] = v
        return out
    if rows.size == 0:
        return out
    parts = [fold(X[rows[s]], Y[rows[s]], ok[rows[s]]) for s in _chunks(np.full(rows.size, 80.0 * X.shape[1]), chunk_bytes)]
    b, y, w = (np.concatenate(p) for p in zip(*parts))
    for k, v in _vectorized(model_name, b, y, w, chunk_bytes, tuple(background)).items():
        out[k] = np.full(nc, np.nan)
        out[k][rows] = v
    return out
