r"""Field offset and (anti)symmetrization in magnetic field.

Onsager: R_xx(B) is even and R_xy(B) odd in B.  Misaligned contacts mix the two (a Hall
voltage in R_xx, a large even offset in R_xy), and a remanent field or magnet lag shifts
the curve by B0.  This module

* estimates B0 from the symmetry of R(B) (:func:`field_offset`), subtracts it
  (:func:`apply_field_offset`);
* projects onto the even part (:func:`symmetrize`) and the odd part
  (:func:`antisymmetrize`) on a common grid of |B| ≥ 0.

Pairing rule.  When a group holds both an up-sweep U and a down-sweep D, the even and
odd parts are formed across the pair, which cancels magnet lag / hysteresis,

.. math::  R_{even}(b) = \tfrac14[U(b) + D(-b) + D(b) + U(-b)],\qquad
           R_{odd}(b)  = \tfrac14[U(b) - D(-b) + D(b) - U(-b)],

(each bracket pair ``U(b)±D(−b)`` is the hysteresis-safe combination); a sweep without
partner is symmetrized within itself, ``[S(b) ± S(−b)]/2``.  Sweeps are interpolated
linearly onto ±grid, never extrapolated.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import optimize

from ..exceptions import DataFormatError
from ._common import as_list, finish, groups, interp_nan, require, unique_sorted


def _asymmetry(xs: np.ndarray, ys: np.ndarray, b0: float, u: np.ndarray, odd: bool) -> float:
    plus = np.interp(b0 + u, xs, ys)
    minus = np.interp(b0 - u, xs, ys)
    if odd:
        centre = np.interp(b0, xs, ys)
        r = plus + minus - 2.0 * centre
    else:
        r = plus - minus
    return float(np.mean(r * r))


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
    :math:`\langle[y(B_0+u)+y(B_0-u)-2y(B_0)]^2\rangle_u`.  All rows are pooled (sorted
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
        half = 0.1 * max(abs(xs[0]), abs(xs[-1]))
        bounds = (-half, half)
    lo, hi = float(min(bounds)), float(max(bounds))
    umax = min(xs[-1] - hi, lo - xs[0])
    if umax <= 0:
        raise DataFormatError(
            f"field_offset bounds {bounds} leave no symmetric field range inside [{xs[0]:g}, {xs[-1]:g}] T", column=x
        )
    nu = max(50, min(2000, 2 * xs.size))
    u = np.linspace(0.0, umax, nu)
    cand = np.linspace(lo, hi, n_grid)
    costs = np.array([_asymmetry(xs, ys, c, u, odd) for c in cand])
    k = int(np.argmin(costs))
    a, b = cand[max(k - 1, 0)], cand[min(k + 1, n_grid - 1)]
    if b > a:
        res = optimize.minimize_scalar(
            lambda c: _asymmetry(xs, ys, c, u, odd), bounds=(a, b), method="bounded", options={"xatol": 1e-9 * (hi - lo + 1e-30)}
        )
        if res.success and res.fun <= costs[k]:
            return float(res.x)
    return float(cand[k])


def apply_field_offset(df: pd.DataFrame, b0: float, *, x: str = "field_T") -> pd.DataFrame:
    """Return a copy with the field corrected for an offset: ``field_T ← field_T − b0`` (T)."""
    require(df, [x], "apply_field_offset")
    out = df.copy()
    out[x] = out[x].to_numpy(float) - float(b0)
    return finish(out, df, "apply_field_offset", x=x, B0_T=float(b0))


def default_grid(fields: np.ndarray, sweeps: Sequence[np.ndarray] | None = None) -> np.ndarray:
    """Default |B| grid (T): 0 and the measured positive fields ≤ min(max B⁺, max |B⁻|).

    The grid follows the data's own field steps (fine steps through the cusp stay fine):
    it is the set of measured B > 0, with readings closer than a third of the local step
    (up- and down-sweeps at one set point, field jitter) merged into their mean.  A grid
    denser than the data would only add interpolated, correlated points.
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


def _parity_group(
    g: pd.DataFrame, ys: dict[str, int], x: str, grid: np.ndarray | None, pair: bool
) -> tuple[pd.DataFrame, str]:
    """Even (+1) / odd (−1) parts of each column of ``ys`` for one group, on one |B| grid."""
    if "sweep" in g.columns:
        sweep_ids = list(pd.unique(g["sweep"]))
        traces = [g.loc[g["sweep"] == s] for s in sweep_ids]
    else:
        traces = [g]
    if "sweep_direction" in g.columns:
        dirs = [int(t["sweep_direction"].iloc[0]) for t in traces]
    else:
        dirs = [0] * len(traces)
    xs = [t[x].to_numpy(float) for t in traces]
    b = default_grid(np.concatenate(xs), xs) if grid is None else np.asarray(grid, float)
    up = [i for i, d in enumerate(dirs) if d > 0]
    down = [i for i, d in enumerate(dirs) if d < 0]
    pairs: list[tuple[int, int]] = list(zip(up, down, strict=False)) if pair else []
    paired = {i for p in pairs for i in p}
    singles = [i for i in range(len(traces)) if i not in paired]
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
    how = f"{len(pairs)} up/down pair(s) at +B/−B, {len(singles)} trace(s) within themselves"
    return pd.DataFrame(cols), how


def _parity(
    df: pd.DataFrame,
    ys: dict[str, int],
    *,
    x: str,
    grid,
    by,
    pair: bool,
    step: str,
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
    pieces, notes = [], []
    n_empty = 0
    for key, g in groups(df, keys):
        part, how = _parity_group(g, ys, x, grid, pair)
        empty = part[list(ys)].isna().all(axis=1)
        n_empty += int(empty.sum())
        part = part.loc[~empty]
        for k, v in zip(keys, key, strict=True):
            part.insert(0, k, v)
        if "temperature_K" in g.columns and "temperature_K" not in keys:
            part["temperature_K"] = float(g["temperature_K"].mean())
        pieces.append(part)
        notes.append({"group": list(key), "pairing": how})
    out = pd.concat(pieces, ignore_index=True)
    return finish(out, df, step, y=list(ys), by=keys, groups=notes, grid="data spacing" if grid is None else "user", n_grid_points_without_data=n_empty)


def symmetrize(
    df: pd.DataFrame,
    y: str = "resistance_ohm",
    grid: Sequence[float] | np.ndarray | None = None,
    *,
    x: str = "field_T",
    by: str | Sequence[str] | None = None,
    pair_sweeps: bool = True,
) -> pd.DataFrame:
    r"""Even part of ``y(B)`` on a common grid of |B| ≥ 0 (T).

    .. math:: y_{even}(b) = \tfrac12[y(+b) + y(-b)]

    with the up/down pairing rule of the module docstring when ``sweep_direction`` shows both
    an up- and a down-sweep in a group (``pair_sweeps=False`` treats every sweep alone).
    ``grid`` (T, ≥ 0) defaults to the data's own |B| spacing up to min(max B⁺, max |B⁻|).
    ``by`` symmetrizes each group (e.g. a temperature label) separately.

    Returns columns ``[*by], field_T, y, n_averaged`` (number of interpolated values
    averaged at that grid point) and the group's mean ``temperature_K`` when available.
    """
    return _parity(df, {y: +1}, x=x, grid=grid, by=by, pair=pair_sweeps, step="symmetrize")


def antisymmetrize(
    df: pd.DataFrame,
    y: str = "hall_resistance_ohm",
    grid: Sequence[float] | np.ndarray | None = None,
    *,
    x: str = "field_T",
    by: str | Sequence[str] | None = None,
    pair_sweeps: bool = True,
) -> pd.DataFrame:
    r"""Odd part of ``y(B)`` on a common grid of |B| ≥ 0 (T): removes an even pickup/offset.

    .. math:: y_{odd}(b) = \tfrac12[y(+b) - y(-b)]

    (with the up/down pairing rule, see :func:`symmetrize`; same output layout).
    """
    return _parity(df, {y: -1}, x=x, grid=grid, by=by, pair=pair_sweeps, step="antisymmetrize")


def symmetrize_parts(
    df: pd.DataFrame,
    even: Sequence[str] = ("resistance_ohm",),
    odd: Sequence[str] = ("hall_resistance_ohm",),
    grid: Sequence[float] | np.ndarray | None = None,
    *,
    x: str = "field_T",
    by: str | Sequence[str] | None = None,
    pair_sweeps: bool = True,
) -> pd.DataFrame:
    """Even parts of ``even`` columns and odd parts of ``odd`` columns on one shared |B| grid.

    Used for R_xx together with R_xy; see :func:`symmetrize` for the rules and layout.
    """
    ys = {c: +1 for c in even}
    ys.update({c: -1 for c in odd})
    return _parity(df, ys, x=x, grid=grid, by=by, pair=pair_sweeps, step="symmetrize_parts")
