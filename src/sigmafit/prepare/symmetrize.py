r"""Field offset and (anti)symmetrization in magnetic field.

Onsager: R_xx(B) is even and R_xy(B) odd in B.  Misaligned contacts mix the two (a Hall
voltage in R_xx, a large even offset in R_xy), and a remanent field or magnet lag shifts
the curve by B0.  This module

* estimates B0 from the symmetry of R(B) (:func:`field_offset`), subtracts it
  (:func:`apply_field_offset`);
* forms the even part (:func:`symmetrize`) and the odd part (:func:`antisymmetrize`) from
  *measured* ±B pairs — no interpolation.

Pairing rule (default).  Every measured point at +B is paired, one to one, with the measured
point closest to −B (after the field-offset correction), never with an interpolated value:

.. math::  R_{even}(\bar b) = \tfrac12[R(B_+) + R(B_-)],\qquad
           R_{odd}(\bar b)  = \tfrac12[R(B_+) - R(B_-)],\qquad \bar b = \tfrac12(|B_+| + |B_-|).

When a group holds an up-sweep U and a down-sweep D, U's +B points are paired with D's −B
points and D's +B points with U's −B points (the hysteresis-safe combination U(b) ± D(−b));
a sweep without partner is paired within itself.  Partners are neighbours in |B| (pairs never
cross) whose mismatch |B₊ + B₋| is within the *tolerance*: 0.6 × the local field step (the
smaller gap to a neighbouring field in the point's own sweep; the larger of the two points'
steps) unless ``pair_tolerance`` (T) is given.  With regular steps the mirror image of any
point lies within half a step of a measured point whatever the offset — the extra tenth
allows for field jitter — so a point left without partner means that the other side has a
gap there.  A point within 0.3 step of B = 0 may be its own partner (R_even = R, R_odd = 0).
Of all pairings within the tolerance the one that uses the most measured points is taken,
and among those the one with the smallest total mismatch.

Each output row is one pair and says how it was made: ``n_averaged`` measured points (2, or 1
for a point paired with itself), the magnitudes ``field_plus_T`` = |B₊| and ``field_minus_T`` =
|B₋| of its two readings (``field_T`` is their mean) and ``pair_mismatch_T`` = |B₊ + B₋| (2|B| for
a point paired with itself).  A row's value is the mean of R at two *different* fields, so a fit
that wants to be exact evaluates its model at both and averages, ½[f(|B₊|) + f(|B₋|)], instead of
f(field_T) — the difference is the curvature of f times (mismatch/2)², small but not nothing
inside a cusp sampled with steps comparable to B_φ.  Points beyond the field range measured on both
sides are counted as dropped; points *inside* it without a partner are counted too and raise a
:class:`~sigmafit.exceptions.DataWarning` — both appear in ``attrs["sigmafit"]["prepare"]`` and
``attrs["sigmafit"]["dropped"]``.  With an explicit ``grid=`` the old rule applies instead:
each sweep is interpolated linearly onto ±grid (never extrapolated) and averaged.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError, DataWarning
from ._common import as_list, finish, groups, interp_nan, require, unique_sorted

#: Default pairing tolerance, in units of the local field step: half a step (the worst mirror mismatch of a
#: regular grid, whatever the offset) plus 10 % for field jitter.
PAIR_TOLERANCE_STEPS = 0.6
#: Tolerance rule as recorded when ``pair_tolerance`` is not given.
_DEFAULT_TOLERANCE_RULE = "0.6 × the local field step"


#: The even-mode estimate removes a Hall pickup (a·u) from the asymmetry when the data still fix B0 after that:
#: the asymmetry left must vary over the candidate offsets by more than this many times its minimum.
PICKUP_FREE_CONTRAST = 10.0


def _asymmetry(xs: np.ndarray, ys: np.ndarray, b0, u: np.ndarray, odd: bool, pickup_free: bool = False):
    """Mean squared asymmetry of y about each candidate ``b0`` (scalar or 1-D array) over the offsets ``u``.

    ``pickup_free`` (even mode): the part of y(b0+u) − y(b0−u) proportional to u — the Hall voltage that
    misaligned contacts mix into R_xx, linear in B — is removed first (least squares), so that it cannot pull
    B0 towards the vertex of R_xx(B)."""
    c = np.atleast_1d(np.asarray(b0, dtype=float))[:, None]
    plus = np.interp(c + u, xs, ys)
    minus = np.interp(c - u, xs, ys)
    if odd:
        r = plus + minus - 2.0 * np.interp(c, xs, ys)
    else:
        r = plus - minus
        if pickup_free:
            uu = float(u @ u)
            if uu > 0:
                r = r - np.outer(r @ u / uu, u)
    out = np.mean(r * r, axis=1)
    return out if np.ndim(b0) else float(out[0])


def _default_bounds(xs: np.ndarray) -> tuple[float, float]:
    """±10 % of the largest |B| of the sorted fields ``xs``."""
    half = 0.1 * max(abs(xs[0]), abs(xs[-1]))
    return (-half, half)


def offset_search(xs: np.ndarray, bounds: tuple[float, float] | None = None, n_grid: int = 201):
    """(candidate offsets B0, offsets u from them) of a symmetry search on the sorted fields ``xs`` (T): B0 within
    ``bounds`` (default ±10 % of the largest |B|), u from 0 to the largest value measured on both sides of every
    candidate; None when no such range is left."""
    bounds = bounds if bounds is not None else _default_bounds(xs)
    lo, hi = float(min(bounds)), float(max(bounds))
    umax = min(xs[-1] - hi, lo - xs[0])
    if umax <= 0:
        return None
    return np.linspace(lo, hi, n_grid), np.linspace(0.0, umax, max(50, min(2000, 2 * xs.size)))


def refine_minimum(cost, cand: np.ndarray, costs: np.ndarray) -> float:
    """The best of the candidates ``cand`` (``costs`` their costs), refined by a bounded scalar search of ``cost``
    (a function of one B0) between its two neighbours."""
    k = int(np.argmin(costs))
    a, b = cand[max(k - 1, 0)], cand[min(k + 1, cand.size - 1)]
    if b > a:
        from scipy import optimize  # here: loading a file does not pay for scipy.optimize

        res = optimize.minimize_scalar(cost, bounds=(a, b), method="bounded",
                                       options={"xatol": 1e-9 * (cand[-1] - cand[0] + 1e-30)})
        if res.success and res.fun <= costs[k]:
            return float(res.x)
    return float(cand[k])


def field_offset(
    df: pd.DataFrame,
    y: str = "resistance_ohm",
    *,
    x: str = "field_T",
    odd: bool = False,
    bounds: tuple[float, float] | None = None,
    n_grid: int = 201,
) -> float:
    r"""Estimate the field offset B0 (T) from the symmetry of ``y(B)``.

    Minimises the mean squared asymmetry over a fixed range of u = B − B0,

    .. math:: A(B_0) = \langle [y(B_0+u) - y(B_0-u)]^2 \rangle_u   \quad\text{(even, R_xx)}

    or, with ``odd=True`` (Hall data with an even offset),
    :math:`\langle[y(B_0+u)+y(B_0-u)-2y(B_0)]^2\rangle_u`.

    Even mode and Hall pickup: misaligned contacts add a·B (a fraction of R_xy) to R_xx, and an odd a·u in the
    asymmetry pulls the plain minimum towards the vertex of R_xx(B) — tens of mT for a parabola-like R_xx(B).  So
    the asymmetry is taken after removing its best a·u when the data still fix B0 that way (a cusp, saturation:
    the pickup-free asymmetry varies over the candidates by more than ``PICKUP_FREE_CONTRAST`` times its minimum);
    a pure parabola cannot tell an offset from a pickup, and there the plain asymmetry is used.  All rows are pooled (sorted
    by B, repeated B averaged), ``y`` is linearly interpolated.  A coarse grid of ``n_grid``
    candidates within ``bounds`` (default ±10 % of the largest |B|) is refined with a bounded
    scalar minimisation.  Returns B0 in T; correct the data with
    :func:`apply_field_offset` (B → B − B0).
    """
    require(df, [x, y], "field_offset")
    xs, ys = unique_sorted(df[x].to_numpy(float), df[y].to_numpy(float))
    if xs.size < 5 or xs[0] >= 0 or xs[-1] <= 0:
        raise DataFormatError(
            f"field_offset needs {y!r} on both sides of B = 0 (at least 5 distinct {x}); "
            f"the data cover {x} from {xs[0] if xs.size else np.nan:g} to {xs[-1] if xs.size else np.nan:g} T",
            column=x,
        )
    if bounds is None:
        bounds = _default_bounds(xs)
    grid = offset_search(xs, bounds, n_grid)
    if grid is None:
        raise DataFormatError(
            f"field_offset bounds {bounds} leave no symmetric field range inside [{xs[0]:g}, {xs[-1]:g}] T", column=x
        )
    cand, u = grid
    costs = _asymmetry(xs, ys, cand, u, odd)
    free = False
    if not odd:
        pf = _asymmetry(xs, ys, cand, u, odd, pickup_free=True)
        depth = float(np.median(pf) - pf.min())
        free = depth > PICKUP_FREE_CONTRAST * float(pf.min()) and depth > 1e-9 * float(np.median(costs))
        if free:
            costs = pf
    return refine_minimum(lambda c: _asymmetry(xs, ys, c, u, odd, free), cand, costs)


def apply_field_offset(df: pd.DataFrame, b0: float, *, x: str = "field_T") -> pd.DataFrame:
    """Return a copy with the field corrected for an offset: ``field_T ← field_T − b0`` (T)."""
    require(df, [x], "apply_field_offset")
    out = df.copy()
    out[x] = out[x].to_numpy(float) - float(b0)
    return finish(out, df, "apply_field_offset", x=x, B0_T=float(b0))


def default_grid(fields: np.ndarray, sweeps: Sequence[np.ndarray] | None = None) -> np.ndarray:
    """A |B| grid (T) that follows the data, for ``grid=``: 0 and the measured positive fields ≤ min(max B⁺, max |B⁻|).

    The grid follows the data's own field steps (fine steps through the cusp stay fine):
    it is the set of measured B > 0, with readings closer than a third of the local step
    (up- and down-sweeps at one set point, field jitter) merged into their mean.  A grid
    denser than the data would only add interpolated, correlated points.  (The default of
    :func:`symmetrize` interpolates nothing: it pairs measured ±B points.)
    ``sweeps`` is accepted for compatibility and not needed.
    """
    f = np.asarray(fields, float)
    f = f[np.isfinite(f)]
    if f.size == 0 or f.max() <= 0 or f.min() >= 0:
        raise DataFormatError(
            "symmetrizing needs fields on both sides of B = 0; the data cover "
            f"{f.min() if f.size else np.nan:g} to {f.max() if f.size else np.nan:g} T",
            column="field_T",
        )
    bmax = min(f.max(), -f.min())
    vals = np.unique(f[(f > 0) & (f <= bmax * (1 + 1e-12))])
    if vals.size > 2:
        gaps = np.diff(vals)
        k = 5
        padded = np.pad(gaps, k, mode="edge")
        windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * k + 1)
        typical = np.median(windows, axis=1)
        # a gap much smaller than its neighbours' separates two readings of one set point
        new_cluster = gaps >= typical / 3.0
        labels = np.concatenate([[0], np.cumsum(new_cluster)])
        sums = np.bincount(labels, weights=vals)
        counts = np.bincount(labels)
        vals = sums / counts
    return np.concatenate([[0.0], vals])


def _traces(g: pd.DataFrame) -> tuple[list[pd.DataFrame], list[int]]:
    """The sweeps of one group in order (the group itself without a ``sweep`` column) and their directions."""
    traces = [g.loc[g["sweep"] == s] for s in pd.unique(g["sweep"])] if "sweep" in g.columns else [g]
    if "sweep_direction" in g.columns:
        return traces, [int(t["sweep_direction"].iloc[0]) for t in traces]
    return traces, [0] * len(traces)


def _sweep_pairs(dirs: list[int], pair: bool) -> tuple[list[tuple[int, int]], list[int], str]:
    """Up/down sweep pairs (in order), the sweeps left alone, and the sentence that says so."""
    up = [i for i, d in enumerate(dirs) if d > 0]
    down = [i for i, d in enumerate(dirs) if d < 0]
    pairs: list[tuple[int, int]] = list(zip(up, down, strict=False)) if pair else []
    paired = {i for p in pairs for i in p}
    singles = [i for i in range(len(dirs)) if i not in paired]
    return pairs, singles, f"{len(pairs)} up/down pair(s) at +B/−B, {len(singles)} trace(s) within themselves"


def _grid_group(g: pd.DataFrame, ys: dict[str, int], x: str, grid: np.ndarray, pair: bool) -> tuple[pd.DataFrame, str]:
    """Even (+1) / odd (−1) parts of each column of ``ys`` for one group, interpolated onto a user |B| grid."""
    traces, dirs = _traces(g)
    xs = [t[x].to_numpy(float) for t in traces]
    b = np.asarray(grid, float)
    pairs, singles, how = _sweep_pairs(dirs, pair)
    cols = {x: b}
    n_used = np.zeros(b.size, dtype=np.int64)
    for y, parity in ys.items():
        total = np.zeros(b.size)
        count = np.zeros(b.size, dtype=np.int64)
        vals = [t[y].to_numpy(float) for t in traces]

        def interp(i, sign):
            return interp_nan(sign * b, xs[i], vals[i])

        combos = []
        for i, j in pairs:  # U(b) ± D(−b) and D(b) ± U(−b)
            combos += [(interp(i, 1), interp(j, -1)), (interp(j, 1), interp(i, -1))]
        for i in singles:
            combos.append((interp(i, 1), interp(i, -1)))
        at_zero = b == 0.0
        for plus, minus in combos:
            # at B = 0 the ±B readings are the same point: one branch reaching it is enough
            plus = np.where(at_zero & ~np.isfinite(plus), minus, plus)
            minus = np.where(at_zero & ~np.isfinite(minus), plus, minus)
            part = 0.5 * (plus + parity * minus)
            ok = np.isfinite(part)
            total[ok] += part[ok]
            count[ok] += 1
        with np.errstate(invalid="ignore", divide="ignore"):
            cols[y] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
        n_used = np.maximum(n_used, 2 * count)
    cols["n_averaged"] = n_used
    return pd.DataFrame(cols), how + " (interpolated onto the given grid)"


def _local_step(fields: np.ndarray) -> np.ndarray:
    """Per point of one sweep: the smaller gap (T) to its neighbours in field order — its local field
    step, unaffected by a missing neighbour (0 for a lone point)."""
    order = np.argsort(fields, kind="stable")
    gaps = np.diff(fields[order])
    left = np.concatenate([[np.inf], gaps])
    right = np.concatenate([gaps, [np.inf]])
    step = np.minimum(left, right)
    out = np.empty_like(step)
    out[order] = np.where(np.isfinite(step), step, 0.0)
    return out


def pair_mirror(
    b_plus: np.ndarray, b_minus: np.ndarray, step_plus: np.ndarray, step_minus: np.ndarray, tolerance: float | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-to-one pairs of measured points at +B and at −B, without interpolation.

    ``b_plus`` are fields ≥ 0 (T), ``b_minus`` the magnitudes |B| of fields < 0 (T), ``step_*``
    each point's local field step (T).  A pair is two neighbours in |B| from opposite sides (so
    pairs never cross), or one point with itself (mismatch 2|B|: a point at B ≈ 0), whose
    mismatch |B₊ + B₋| is within ``tolerance`` (T) — by default ``PAIR_TOLERANCE_STEPS`` times the
    larger local step of the two.  Among all such pairings the one that pairs the most measured
    points is chosen, and among those the one with the smallest total mismatch (dynamic
    programming along |B|).

    Returns ``(i_plus, i_minus, mismatch)``: indices into ``b_plus`` and ``b_minus`` of each pair
    (−1 on the side a self-paired point does not have) and the mismatch of each pair (T).
    """
    mag = np.concatenate([b_plus, b_minus]).astype(float)
    step = np.concatenate([step_plus, step_minus]).astype(float)
    side = np.concatenate([np.zeros(len(b_plus), int), np.ones(len(b_minus), int)])
    order = np.argsort(mag, kind="stable")
    m, st, sd = mag[order], step[order], side[order]
    n = m.size
    fixed = None if tolerance is None else float(tolerance) * (1.0 + 1e-9)
    tol_self = PAIR_TOLERANCE_STEPS * st * (1.0 + 1e-9) if fixed is None else np.full(n, fixed)
    gap = np.diff(m)
    tol_pair = PAIR_TOLERANCE_STEPS * np.maximum(st[:-1], st[1:]) * (1.0 + 1e-9) if fixed is None else np.full(max(n - 1, 0), fixed)
    can_pair = (sd[:-1] != sd[1:]) & (gap <= tol_pair)
    can_self = 2.0 * m <= tol_self
    # best[i] = (points paired, −total mismatch) over the first i nodes; how[i]: 0 none, 1 self, 2 with i−1
    best = [(0, 0.0)] * (n + 1)
    how = np.zeros(n + 1, np.int8)
    for i in range(n):
        cand, h = best[i], 0
        if can_self[i]:
            c = (best[i][0] + 1, best[i][1] - 2.0 * m[i])
            if c > cand:
                cand, h = c, 1
        if i and can_pair[i - 1]:
            c = (best[i - 1][0] + 2, best[i - 1][1] - gap[i - 1])
            if c > cand:
                cand, h = c, 2
        best[i + 1], how[i + 1] = cand, h
    pairs = []
    i = n
    while i > 0:
        if how[i] == 2:
            pairs.append((i - 2, i - 1))
            i -= 2
        else:
            if how[i] == 1:
                pairs.append((i - 1, i - 1))
            i -= 1
    pairs.reverse()
    lo = np.array([p[0] for p in pairs], dtype=np.int64)
    hi = np.array([p[1] for p in pairs], dtype=np.int64)
    a, b = order[lo], order[hi]
    n_plus = len(b_plus)
    plus = np.where(side[a] == 0, a, np.where(side[b] == 0, b, -1))
    minus = np.where(side[b] == 1, b, np.where(side[a] == 1, a, -1)) - n_plus
    return plus, np.where(minus >= 0, minus, -1), np.abs(mag[b] - mag[a]) + np.where(a == b, 2.0 * mag[a], 0.0)


def _pair_rows(fp, fm, vp, vm, ys, steps_p, steps_m, tolerance):
    """Rows of one (plus-side sweep, minus-side sweep) combination and the |B| of its unpaired points."""
    ip = np.flatnonzero(np.isfinite(fp) & (fp >= 0))
    im = np.flatnonzero(np.isfinite(fm) & (fm < 0))
    a, c, mismatch = pair_mirror(fp[ip], -fm[im], steps_p[ip], steps_m[im], tolerance)
    hp, hm = a >= 0, c >= 0
    pa = ip[np.maximum(a, 0)] if ip.size else np.zeros(a.size, np.int64)  # entries without a side are masked below
    qc = im[np.maximum(c, 0)] if im.size else np.zeros(c.size, np.int64)
    bp, bm = fp[pa], -fm[qc]
    alone_b = np.where(hp, bp, bm)  # a point paired with itself stands on both sides
    rows = {"b": np.where(hp & hm, 0.5 * (bp + bm), alone_b), "n": np.where(hp & hm, 2, 1), "mismatch": mismatch,
            "b_plus": np.where(hp, bp, alone_b), "b_minus": np.where(hm, bm, alone_b)}
    for y, parity in ys.items():
        v_p, v_m = vp[y][pa], vm[y][qc]
        alone = np.where(hp, v_p, v_m)
        rows[y] = np.where(hp & hm, 0.5 * (v_p + parity * v_m), alone if parity > 0 else 0.0 * alone)
    # points left without partner: beyond the range measured on both sides, or inside it (a gap)
    free_p = np.setdiff1d(np.arange(ip.size), a[hp])
    free_m = np.setdiff1d(np.arange(im.size), c[hm])
    common = min(fp[ip].max(), -fm[im].min()) if ip.size and im.size else -np.inf
    mags = np.concatenate([fp[ip[free_p]], -fm[im[free_m]]])
    st = np.concatenate([steps_p[ip[free_p]], steps_m[im[free_m]]])
    tol = PAIR_TOLERANCE_STEPS * st if tolerance is None else np.full(st.size, float(tolerance))
    inside = mags <= common + tol
    return rows, mags[inside], int((~inside).sum())


def _pair_group(g: pd.DataFrame, ys: dict[str, int], x: str, pair: bool, tolerance: float | None):
    """Even / odd parts of one group from measured ±B pairs: (rows, note, unpaired |B|, n outside)."""
    traces, dirs = _traces(g)
    pairs, singles, how = _sweep_pairs(dirs, pair)
    combos = [c for i, j in pairs for c in ((i, j), (j, i))] + [(i, i) for i in singles]
    fields = [t[x].to_numpy(float) for t in traces]
    vals = [{y: t[y].to_numpy(float) for y in ys} for t in traces]
    steps = [_local_step(f) for f in fields]
    parts, unpaired, n_out = [], [], 0
    for P, M in combos:
        rows, free, out = _pair_rows(fields[P], fields[M], vals[P], vals[M], ys, steps[P], steps[M], tolerance)
        parts.append(rows)
        unpaired.append(free)
        n_out += out
    rows = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    if rows["b"].size == 0:
        f = np.concatenate(fields)
        f = f[np.isfinite(f)]
        raise DataFormatError(
            "symmetrizing needs measured fields on both sides of B = 0 (a partner at −B for the points at +B); the data "
            f"cover {f.min() if f.size else np.nan:g} to {f.max() if f.size else np.nan:g} T",
            column=x,
        )
    order = np.argsort(rows["b"], kind="stable")
    free = np.sort(np.concatenate(unpaired))
    frame = pd.DataFrame({x: rows["b"][order], **{y: rows[y][order] for y in ys}, "n_averaged": rows["n"][order],
                          "field_plus_T": rows["b_plus"][order], "field_minus_T": rows["b_minus"][order],
                          "pair_mismatch_T": rows["mismatch"][order]})
    note = {"pairing": how, "n_rows": int(len(frame)), "n_pairs": int(np.sum(rows["n"] == 2)),
            "n_self_paired": int(np.sum(rows["n"] == 1)), "n_unpaired": int(free.size), "n_outside_common_range": n_out,
            "max_mismatch_T": float(rows["mismatch"].max())}
    return frame, note, free


def _unpaired_warning(step: str, per_group: list[tuple[list, np.ndarray]], tolerance: float | None) -> None:
    n = sum(f.size for _, f in per_group)
    if not n:
        return
    key, worst = max(per_group, key=lambda kf: kf[1].size)
    where = f"|B| from {worst.min():.4g} to {worst.max():.4g} T" if worst.size > 1 else f"|B| = {worst[0]:.4g} T"
    group = f" in group {', '.join(map(str, key))}" if key else ""
    rule = _DEFAULT_TOLERANCE_RULE if tolerance is None else f"{tolerance:g} T"
    warnings.warn(
        f"{step}: {n} measured point(s) inside the field range sampled on both sides have no partner at −B within "
        f"{rule} (most: {worst.size} at {where}{group}); they were left out, not interpolated",
        DataWarning,
        stacklevel=4,
    )


def _parity(
    df: pd.DataFrame,
    ys: dict[str, int],
    *,
    x: str,
    grid,
    by,
    pair: bool,
    step: str,
    tolerance: float | None = None,
) -> pd.DataFrame:
    require(df, [x, *ys], step)
    keys = as_list(by)
    require(df, keys, f"{step}(by=...)")
    if "channel" in df.columns and df["channel"].nunique() > 1:
        raise DataFormatError(
            f"{step} works on one channel; the data hold channels {sorted(pd.unique(df['channel']))} — "
            "use prepare.select() or prepare.to_wide() first",
            column="channel",
        )
    if grid is not None:
        g_arr = np.asarray(grid, float)
        if g_arr.ndim != 1 or (g_arr < 0).any() or not np.isfinite(g_arr).all():
            raise ValueError("grid must be a 1-D array of finite |B| values ≥ 0 (T)")
    if tolerance is not None and not (np.isfinite(tolerance) and tolerance >= 0):
        raise ValueError(f"pair_tolerance must be a field ≥ 0 in T (or None for 0.6 × the local field step); got {tolerance!r}")
    pieces, notes, free = [], [], []
    n_empty = 0
    for key, g in groups(df, keys):
        if grid is None:
            part, note, unpaired = _pair_group(g, ys, x, pair, tolerance)
            free.append((list(key), unpaired))
        else:
            part, how = _grid_group(g, ys, x, grid, pair)
            note = {"pairing": how}
        empty = part[list(ys)].isna().all(axis=1)
        n_empty += int(empty.sum())
        part = part.loc[~empty]
        for k, v in zip(keys, key, strict=True):
            part.insert(0, k, v)
        if "temperature_K" in g.columns and "temperature_K" not in keys:
            part["temperature_K"] = float(g["temperature_K"].mean())
        pieces.append(part)
        notes.append({"group": list(key), **note})
    out = pd.concat(pieces, ignore_index=True)
    if grid is not None:
        return finish(out, df, step, y=list(ys), by=keys, groups=notes, grid="user", n_grid_points_without_data=n_empty)
    n_unpaired = sum(f.size for _, f in free)
    n_outside = sum(n["n_outside_common_range"] for n in notes)
    out = finish(out, df, step, y=list(ys), by=keys, groups=notes, grid="measured ±B pairs (no interpolation)",
                 tolerance=_DEFAULT_TOLERANCE_RULE if tolerance is None else float(tolerance), n_unpaired=n_unpaired,
                 n_outside_common_range=n_outside, n_rows_without_data=n_empty)
    meta = out.attrs["sigmafit"]
    dropped = list(meta.get("dropped", []))
    if n_outside:
        dropped.append({"reason": f"beyond the field range measured on both sides of B = 0, no ±B partner ({step})",
                        "count": n_outside})
    if n_unpaired:
        dropped.append({"reason": f"no measured partner at −B within the pairing tolerance ({step})", "count": n_unpaired})
    meta["dropped"] = dropped
    _unpaired_warning(step, free, tolerance)
    return out


def symmetrize(
    df: pd.DataFrame,
    y: str = "resistance_ohm",
    grid: Sequence[float] | np.ndarray | None = None,
    *,
    x: str = "field_T",
    by: str | Sequence[str] | None = None,
    pair_sweeps: bool = True,
    pair_tolerance: float | None = None,
) -> pd.DataFrame:
    r"""Even part of ``y(B)``, ½[y(B₊) + y(B₋)], from measured ±B pairs (no interpolation).

    Pairing rule, tolerance and the up/down sweep combination: see the module docstring
    (``pair_sweeps=False`` treats every sweep alone; ``pair_tolerance`` in T, default 0.6 × the
    local field step).  ``by`` symmetrizes each group (e.g. a temperature label) separately.
    With ``grid`` (T, ≥ 0) the sweeps are instead interpolated linearly onto that grid.

    Returns one row per pair: ``[*by], field_T`` (the pair's mean |B|, T), ``y``, ``n_averaged``
    (measured points in the row), ``field_plus_T``, ``field_minus_T`` (|B| of the two readings, T),
    ``pair_mismatch_T`` (|B₊ + B₋|, T) — the last three not with ``grid`` — and the group's mean
    ``temperature_K`` when available.  Points without partner inside the range measured on both
    sides raise a :class:`~sigmafit.exceptions.DataWarning`; all left-out points are counted in
    ``attrs["sigmafit"]``.
    """
    return _parity(df, {y: +1}, x=x, grid=grid, by=by, pair=pair_sweeps, step="symmetrize", tolerance=pair_tolerance)


def antisymmetrize(
    df: pd.DataFrame,
    y: str = "hall_resistance_ohm",
    grid: Sequence[float] | np.ndarray | None = None,
    *,
    x: str = "field_T",
    by: str | Sequence[str] | None = None,
    pair_sweeps: bool = True,
    pair_tolerance: float | None = None,
) -> pd.DataFrame:
    r"""Odd part of ``y(B)``, ½[y(B₊) − y(B₋)], from measured ±B pairs: removes an even pickup/offset.

    Same pairing, options and output layout as :func:`symmetrize` (a point paired with itself at
    B ≈ 0 has odd part 0).
    """
    return _parity(df, {y: -1}, x=x, grid=grid, by=by, pair=pair_sweeps, step="antisymmetrize", tolerance=pair_tolerance)


def symmetrize_parts(
    df: pd.DataFrame,
    even: Sequence[str] = ("resistance_ohm",),
    odd: Sequence[str] = ("hall_resistance_ohm",),
    grid: Sequence[float] | np.ndarray | None = None,
    *,
    x: str = "field_T",
    by: str | Sequence[str] | None = None,
    pair_sweeps: bool = True,
    pair_tolerance: float | None = None,
) -> pd.DataFrame:
    """Even parts of ``even`` columns and odd parts of ``odd`` columns from the same ±B pairs.

    Used for R_xx together with R_xy; see :func:`symmetrize` for the rules and layout.
    """
    ys = {c: +1 for c in even}
    ys.update({c: -1 for c in odd})
    return _parity(df, ys, x=x, grid=grid, by=by, pair=pair_sweeps, step="symmetrize_parts", tolerance=pair_tolerance)
