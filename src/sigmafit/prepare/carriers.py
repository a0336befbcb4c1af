r"""Carrier analyses of transport tables: Hall curves, Kohler's rule and the Wiedemann–Franz ratio.

* :func:`hall_curves` — R_xx(B), R_xy(B) of a file → even part of R_xx and odd part of R_xy on a |B| ≥ 0
  grid, one curve per temperature (or gate voltage), geometry applied: the curves the ``hall``,
  ``hall-3d``, ``two-band`` and ``two-band-3d`` models fit (field offset: :mod:`sigmafit.prepare.hall_offset`).
* :func:`kohler` and :func:`kohler_collapse` — MR = Δρ/ρ₀ against B/ρ₀ for every temperature, and one
  number saying how well those curves fall on one (Kohler: MR = F(B/ρ₀) for one carrier type with one
  scattering time, PHYSICS.md §6).
* :func:`lorenz_ratio` — L(T) = κ/(σT) from a κ(T) table and a σ(T) or ρ(T) table, with errors, against
  L₀ = (π²/3)(k_B/e)².

Every function returns a new DataFrame and records its choices in ``attrs["sigmafit"]["prepare"]``.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..constants import LORENZ_0
from ..exceptions import DataFormatError, DataWarning
from ._common import error_values, finish, last_step, meta_of, require, unique_sorted
from .channels import select, to_wide
from .conductance import _reference
from .geometry import Geometry, to_resistivity, to_sheet
from .hall_offset import (EVEN_PART, ODD_PART, field_step, hall_field_offset, hall_field_offset_error,
                          remove_pair_crosstalk)
from .heat import require_positive
from .pipeline import _LABEL, _curve_label, _curve_table, _subtract_offset, _sweep_levels, group_levels, shift_fields
from .sweeps import dedupe_turning_points, segment
from .symmetrize import symmetrize_parts

__all__ = ["KohlerCollapse", "hall_curves", "hall_field_offset", "hall_field_offset_error", "kohler", "kohler_collapse",
           "lorenz_ratio"]

#: each side of B = 0 must reach this fraction of the largest |B| of a curve (and hold 3 points there)
REVERSAL_FRACTION = 0.05
_S_PER_M_PER_S_PER_CM = 100.0


def _source(df: pd.DataFrame):
    return meta_of(df).get("source")


def _field_curves(df, *, even, odd, by, tolerance, field_offset, channel, hall_channel, what):
    """Channels → sweeps → groups (``by`` set points) → field-reversal check → offset → (anti)symmetrize."""
    data = df
    if "channel" in data.columns:
        if odd:
            data = to_wide(data, xx=channel, xy=hall_channel)
        else:
            data = select(data, channel=channel).drop(columns=["channel"])
    require(data, ["field_T", *even, *odd], what)
    if by is not None:
        require(data, [by], f"{what}(by={by!r})")
    if by is not None and by != "temperature_K":  # set points of the rows (exact values by default), sweeps within each
        labels, _ = group_levels(data[by].to_numpy(float), tolerance if tolerance is not None else 0.0)
        data = segment(data.assign(**{_LABEL: labels}), by=_LABEL, x="field_T")
    else:  # a temperature set point per sweep (the sweep mean), so drift never splits a curve
        data = segment(data, x="field_T")
        data = data.assign(**{_LABEL: _sweep_levels(data, by, tolerance)[0]})
    data = dedupe_turning_points(data, x="field_T")
    for value, g in data.groupby(_LABEL, sort=True):
        _check_reversal(df, g["field_T"].to_numpy(float), by, value, what)
    estimated = isinstance(field_offset, str) and field_offset == "auto" and bool(odd)
    if estimated:
        data = _subtract_determined_offset(data, even[0], odd[0])
    else:
        data = _subtract_offset(data, field_offset, even[0])
    if odd:  # each column's other part too: ±B pairs of unequal |B| mix them, and that share is taken out
        partner = {**{c: f"{c}{ODD_PART}" for c in even}, **{c: f"{c}{EVEN_PART}" for c in odd}}
        both = data.assign(**{p: data[c] for c, p in partner.items()})
        out = symmetrize_parts(both, even=[*even, *(partner[c] for c in odd)], odd=[*odd, *(partner[c] for c in even)],
                               by=_LABEL)
        out = remove_pair_crosstalk(out, partner, field_step(data))
    else:
        out = symmetrize_parts(data, even=list(even), odd=list(odd), by=_LABEL)
    if estimated:
        sigma = last_step(data, "field_offset")["B0_sigma_T"]
        notes = [n for value, g in data.groupby(_LABEL, sort=True)
                 if (n := _offset_leak(g, even[0], odd[0], by, value, sigma.get(float(value))))]
        if notes:
            meta = out.attrs.setdefault("sigmafit", {})
            meta["assumptions"] = list(meta.get("assumptions") or []) + notes
    return out


#: How well the symmetry of coarse data fixes B₀ where its standard error cannot be computed, as a fraction of the
#: field step (measured on simulated two-band files with 60 mT steps: errors of 0.1–3 % of the step).
OFFSET_STEP_FRACTION = 0.02
#: How the sentence of :func:`_offset_leak` begins (a fit that propagates B₀'s error replaces it).
OFFSET_LEAK_START = "the field offset estimated from the symmetry of R_xx"


def _offset_leak(g: pd.DataFrame, xx: str, xy: str, by, value, sigma: float | None = None) -> str | None:
    """A sentence when an error of the estimated B₀ can move the Hall part by more than its noise, else None.

    Antisymmetrizing R_xy about a B₀ off by δ leaves q·δ·dR_xx/dB of the R_xx that misaligned contacts put into
    R_xy (q: its even part over R_xx, fitted).  With δ = ``sigma`` (the standard error of B₀,
    :func:`~sigmafit.prepare.hall_offset.hall_field_offset_error`; ``OFFSET_STEP_FRACTION`` of the field step when
    unknown), the largest such term is compared with the noise of R_xy (scatter about local quadratics)."""
    from .noise import local_residuals, robust_sigma

    B = g["field_T"].to_numpy(float)
    xs, rxx = unique_sorted(B, g[xx].to_numpy(float))
    _, rxy = unique_sorted(B, g[xy].to_numpy(float))
    if xs.size < 7 or xs[0] >= 0 or xs[-1] <= 0:
        return None
    u = xs[xs > 0]
    u = u[u <= min(xs[-1], -xs[0])]
    if u.size < 3:
        return None
    sxx = np.interp(u, xs, rxx) + np.interp(-u, xs, rxx)
    sxy = np.interp(u, xs, rxy) + np.interp(-u, xs, rxy)
    X = np.column_stack([sxx, np.ones_like(sxx)])
    q = float(np.linalg.lstsq(X, sxy, rcond=None)[0][0])
    slope = float(np.max(np.abs(np.gradient(0.5 * sxx, u))))
    sweep = g["sweep"].to_numpy() if "sweep" in g.columns else np.zeros(B.size, dtype=int)
    noise = robust_sigma(local_residuals(B, g[xy].to_numpy(float), sweep))
    step = field_step(g)
    delta = sigma if sigma is not None else OFFSET_STEP_FRACTION * step
    leak = abs(q) * slope * delta
    if not (np.isfinite(noise) and noise > 0 and np.isfinite(leak)) or leak <= noise:
        return None
    where = "" if by is None else f" ({_curve_label(by, value)})"
    known = (f"known to ±{sigma * 1e3:.2g} mT (its standard error)" if sigma is not None else
             f"known only to about {delta * 1e3:.2g} mT ({OFFSET_STEP_FRACTION:.0%} of the {step * 1e3:.3g} mT field step)")
    return (f"{OFFSET_LEAK_START}{where} is taken as exact, while it is {known}; R_xy carries {abs(q):.1%} of R_xx, so "
            f"that error moves the Hall part by up to {leak / noise:.2g}× its noise, which the errors of densities and "
            "mobilities fitted to these curves do not include — give --field-offset if it is known")


def _subtract_determined_offset(data: pd.DataFrame, column: str, hall: str) -> pd.DataFrame:
    """``field_offset="auto"`` per curve, where the symmetry of ``column`` fixes it (:func:`hall_field_offset`), with
    its standard error (:func:`hall_field_offset_error`, T, under ``B0_sigma_T``); 0 (the fields as read) where it
    does not, recorded under ``undetermined`` (standard error None)."""
    offsets: dict = {}
    sigmas: dict = {}
    undetermined: list = []
    for value, g in data.groupby(_LABEL, sort=False):
        b0 = hall_field_offset(g, column, hall)
        sigmas[float(value)] = None if b0 is None else hall_field_offset_error(g, b0, column, hall)
        if b0 is None:
            b0 = 0.0
            undetermined.append(float(value))
        offsets[float(value)] = b0
    return finish(shift_fields(data, offsets), data, "field_offset", mode="auto", B0_T=offsets, B0_sigma_T=sigmas, undetermined=undetermined,
                  note="B0 = 0 where the R_xx symmetry does not fix it (flat R_xx)" if undetermined else None)


def _check_reversal(df: pd.DataFrame, B: np.ndarray, by, value, what: str) -> None:
    B = B[np.isfinite(B)]
    top = np.abs(B).max() if B.size else 0.0
    need = REVERSAL_FRACTION * top
    if top > 0 and (B > need).sum() >= 3 and (B < -need).sum() >= 3:
        return
    where = f" at {_curve_label(by, value)}" if by is not None else ""
    span = f"{B.min():g} to {B.max():g} T" if B.size else "no finite fields"
    raise DataFormatError(
        f"{what} needs the field reversed (B > 0 and B < 0){where}, to separate even and odd parts; the field spans {span}",
        path=_source(df),
        column="field_T",
    )


def hall_curves(
    df: pd.DataFrame,
    geometry: Geometry | None = None,
    *,
    by: str | None = "temperature_K",
    tolerance: float | None = None,
    field_offset: None | str | float = None,
    channel: int | None = None,
    hall_channel: int | None = None,
) -> pd.DataFrame:
    """Hall curves per temperature (``by="temperature_K"``) or gate voltage (``by="gate_V"``) from one file.

    Steps: longitudinal and Hall channels side by side (:func:`~sigmafit.prepare.to_wide`; ``channel``/
    ``hall_channel`` choose them when the roles in the file's metadata do not); sweeps; set points of
    ``by`` within ``tolerance`` (default 0.02 K for temperatures, exact values otherwise); a check that
    the field was reversed (antisymmetrizing needs ±B: :class:`DataFormatError` otherwise); an optional
    field offset (``"auto"`` from the R_xx symmetry, with its standard error under ``B0_sigma_T`` in the step
    record, or a number in T); even part of R_xx and odd part of R_xy from measured ±B pairs (up/down sweeps
    paired), less the share of the other part that pairs of unequal |B| carry
    (:func:`~sigmafit.prepare.hall_offset.remove_pair_crosstalk`); then the geometry: ``sheet_resistance_ohm`` (R_□ of
    a Hall bar, van der Pauw or sheet data; R_xy is already per square) and, with
    ``geometry.thickness_nm``, ``resistivity_ohm_cm`` and ``hall_resistivity_ohm_cm``.

    Returns columns ``curve``, ``by``, ``field_T`` (T, ≥ 0), ``resistance_ohm`` (even), ``hall_resistance_ohm``
    (odd), and the geometry columns.  Fit one curve with ``sigmafit.fit(curve_df, "hall")`` (sheet) or
    ``"hall-3d"`` (with a thickness).
    """
    curves = _field_curves(df, even=["resistance_ohm"], odd=["hall_resistance_ohm"], by=by, tolerance=tolerance,
                           field_offset=field_offset, channel=channel, hall_channel=hall_channel, what="hall_curves")
    columns = ["resistance_ohm", "hall_resistance_ohm"]
    if geometry is not None:
        curves = to_sheet(curves, geometry)
        columns.append("sheet_resistance_ohm")
        if geometry.thickness_nm is not None:
            curves = to_resistivity(curves, geometry)
            columns += ["resistivity_ohm_cm", "hall_resistivity_ohm_cm"]
    out = _curve_table(curves, by, ["field_T", *columns, "n_averaged", "temperature_K"])
    return finish(out, curves, "hall_curves", by=by, geometry=None if geometry is None else geometry.as_dict(),
                  n_curves=int(out["curve"].nunique()))


# ---------------------------------------------------------------------------
# Kohler
# ---------------------------------------------------------------------------
_KOHLER_X = {"resistivity_ohm_cm": "kohler_x_T_per_ohm_cm", "sheet_resistance_ohm": "kohler_x_T_per_ohm",
             "resistance_ohm": "kohler_x_T_per_ohm"}


def kohler(
    df: pd.DataFrame,
    *,
    by: str = "temperature_K",
    column: str | None = None,
    tolerance: float | None = None,
    field_offset: None | str | float = None,
    channel: int | None = None,
) -> pd.DataFrame:
    """Kohler plot data: MR = (ρ(B) − ρ₀)/ρ₀ against B/ρ₀ for every ``by`` value (temperature) of a file.

    ``column`` is the longitudinal quantity (default: the first of ``resistivity_ohm_cm``,
    ``sheet_resistance_ohm``, ``resistance_ohm`` present); its even part is taken on a |B| ≥ 0 grid per
    curve (same steps as :func:`hall_curves`) and ρ₀ is its measured value at the smallest |B| of the curve
    (B = 0 when the field passed through zero; the field of each ρ₀ is recorded as ``rho0_field_T`` in the step
    record — after a field offset it is a small residual).  A curve whose ρ₀ is not > 0 (superconducting) is left
    out with a :class:`DataWarning` that counts it.

    Returns ``curve``, ``by``, ``field_T``, the column, ``rho0`` (its zero-field value), ``magnetoresistance``
    (Δρ/ρ₀, a fraction) and ``kohler_x_T_per_ohm_cm`` (or ``…_T_per_ohm``) = B/ρ₀.
    """
    if column is None:
        column = next((c for c in _KOHLER_X if c in df.columns), "resistance_ohm")
    if column not in _KOHLER_X:
        raise ValueError(f"column must be one of {list(_KOHLER_X)}, got {column!r}")
    curves = _field_curves(df, even=[column], odd=[], by=by, tolerance=tolerance, field_offset=field_offset,
                           channel=channel, hall_channel=None, what="kohler")
    pieces, dropped, at = [], [], []
    for value, g in curves.groupby(_LABEL, sort=True):
        B = g["field_T"].to_numpy(float)
        rho = g[column].to_numpy(float)
        b0, rho0 = _reference(B, rho, "lowest", 0.0)  # the measured value at the smallest |B| (0 unless offset)
        if not (np.isfinite(rho0) and rho0 > 0):
            dropped.append(_curve_label(by, value))
            continue
        at.append(b0)
        pieces.append(g.assign(rho0=rho0, magnetoresistance=(rho - rho0) / rho0, **{_KOHLER_X[column]: B / rho0}))
    if dropped:
        warnings.warn(f"kohler: {len(dropped)} curve(s) without a positive zero-field {column} left out ({', '.join(dropped)})",
                      DataWarning, stacklevel=2)
    if not pieces:
        raise DataFormatError(f"kohler: no curve has a positive zero-field {column!r}; Kohler's rule needs ρ₀ > 0",
                              path=_source(df), column=column)
    out = _curve_table(pd.concat(pieces, ignore_index=True), by,
                       ["field_T", column, "rho0", "magnetoresistance", _KOHLER_X[column], "n_averaged", "temperature_K"])
    return finish(out, curves, "kohler", by=by, column=column, x=_KOHLER_X[column], n_curves=len(pieces), left_out=dropped,
                  rho0_field_T=at)


class KohlerCollapse(NamedTuple):
    """How well Kohler curves collapse (see :func:`kohler_collapse`)."""

    #: RMS spread across curves relative to the RMS mean MR (0 = perfect collapse)
    spread: float
    n_curves: int
    #: the range of B/ρ₀ common to all curves (the x column's unit) over which ``spread`` is computed
    x_min: float
    x_max: float
    n_grid: int


def kohler_collapse(kohler_df: pd.DataFrame, *, n_grid: int = 50) -> KohlerCollapse:
    r"""One number for how well the Kohler curves of :func:`kohler` fall on one curve.

    Definition: on ``n_grid`` log-spaced values x_g of B/ρ₀ inside the range common to all curves
    (from the largest of the curves' smallest x > 0 to the smallest of their largest x), MR of every
    curve is interpolated linearly in x; with m_g the mean and s_g the sample standard deviation (ddof 1)
    over curves at x_g,

    .. math::  S = \sqrt{\textstyle\sum_g s_g^2 \big/ \sum_g m_g^2}

    — the RMS scatter between curves relative to the RMS magnetoresistance.  S = 0 is a perfect collapse;
    S = 0.1 means the curves differ by about 10 % of the MR at equal B/ρ₀.  Noise and coarse field steps
    give S > 0 even when Kohler's rule holds: compare S with the curves' own relative noise.
    """
    xcol = next((c for c in kohler_df.columns if c.startswith("kohler_x_")), None)
    require(kohler_df, ["curve", "magnetoresistance"] + ([xcol] if xcol else ["kohler_x_T_per_ohm_cm"]), "kohler_collapse")
    if n_grid < 2:
        raise ValueError(f"n_grid must be ≥ 2, got {n_grid!r}")
    curves = []
    for _, g in kohler_df.groupby("curve", sort=False):
        x, mr = g[xcol].to_numpy(float), g["magnetoresistance"].to_numpy(float)
        ok = np.isfinite(x) & np.isfinite(mr)
        order = np.argsort(x[ok])
        curves.append((x[ok][order], mr[ok][order]))
    if len(curves) < 2:
        raise DataFormatError(f"kohler_collapse needs at least two curves, got {len(curves)}", column="curve")
    lo = max(float(x[x > 0].min()) if (x > 0).any() else np.inf for x, _ in curves)
    hi = min(float(x.max()) for x, _ in curves)
    if not (np.isfinite(lo) and hi > lo):
        raise DataFormatError(f"the Kohler curves share no range of {xcol} (common range {lo:g} to {hi:g})", column=xcol)
    grid = np.geomspace(lo, hi, n_grid)
    mr = np.array([np.interp(grid, x, y) for x, y in curves])
    spread = float(np.sqrt(np.sum(np.var(mr, axis=0, ddof=1)) / np.sum(np.mean(mr, axis=0) ** 2)))
    return KohlerCollapse(spread, len(curves), lo, hi, n_grid)


# ---------------------------------------------------------------------------
# Wiedemann–Franz
# ---------------------------------------------------------------------------
KAPPA = "thermal_conductivity_W_per_mK"
_SIGMA_COLUMNS = ("conductivity_S_per_cm", "conductivity_S_per_m", "resistivity_ohm_cm")


def _conductivity(sigma: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """(T, σ in S/cm, δσ or NaN, column used), sorted by T with repeated temperatures averaged."""
    col = next((c for c in _SIGMA_COLUMNS if c in sigma.columns), None)
    if col is None:
        require(sigma, ["conductivity_S_per_cm"], "lorenz_ratio (σ table: conductivity_S_per_cm or resistivity_ohm_cm)")
    require(sigma, ["temperature_K"], "lorenz_ratio (σ table)")
    require_positive(sigma, col, why="σ and ρ are positive in a metal (the Lorenz ratio needs them)")
    T, v = sigma["temperature_K"].to_numpy(float), sigma[col].to_numpy(float)
    e = error_values(sigma, col)
    e = np.full(v.shape, np.nan) if e is None else e
    if col == "resistivity_ohm_cm":
        v, e = 1.0 / v, e / v**2
    elif col == "conductivity_S_per_m":
        v, e = v / _S_PER_M_PER_S_PER_CM, e / _S_PER_M_PER_S_PER_CM
    ok = np.isfinite(T) & np.isfinite(v)
    T, v, e = T[ok], v[ok], e[ok]
    uT, inv = np.unique(T, return_inverse=True)
    count = np.bincount(inv, minlength=uT.size)
    mean = np.bincount(inv, weights=v, minlength=uT.size) / count
    err = np.sqrt(np.bincount(inv, weights=e * e, minlength=uT.size)) / count
    return uT, mean, err, col


def lorenz_ratio(kappa: pd.DataFrame, sigma: pd.DataFrame, *, kappa_column: str = KAPPA) -> pd.DataFrame:
    r"""Lorenz ratio L(T) = κ/(σT) (W·Ω·K⁻²) at the κ table's temperatures, and L/L₀.

    ``kappa``: columns ``temperature_K`` and ``kappa_column`` (W m⁻¹ K⁻¹; default the measured κ, or
    ``electronic_thermal_conductivity_W_per_mK`` from :func:`sigmafit.models.heat.electronic_kappa` for
    the phonon-subtracted ratio).  ``sigma``: ``temperature_K`` and ``conductivity_S_per_cm`` (or
    ``conductivity_S_per_m``, or ``resistivity_ohm_cm``, converted σ = 1/ρ).  Errors come from the error
    columns announced in ``attrs["sigmafit"]["errors"]`` of each table; σ is interpolated linearly onto
    the κ temperatures, its error as that of the interpolation weights, √((1−f)²δσ_a² + f²δσ_b²), and
    (δL/L)² = (δκ/κ)² + (δσ/σ)² (NaN when a table has no error column).  κ points outside the σ table's
    temperature range are left out (:class:`DataWarning`, counted; never extrapolated); no overlap at all
    is a :class:`DataFormatError`.  L₀ = (π²/3)(k_B/e)² = 2.443e−8 W·Ω·K⁻² (Wiedemann–Franz, elastic scattering).

    Returns ``temperature_K``, ``kappa_column`` and its error, ``conductivity_S_per_cm`` and its error,
    ``lorenz_W_ohm_per_K2``, ``lorenz_err_W_ohm_per_K2``, ``lorenz_over_L0``, ``lorenz_over_L0_err``.
    """
    require(kappa, ["temperature_K", kappa_column], "lorenz_ratio (κ table)")
    Ts, s, se, col = _conductivity(sigma)
    Tk, k = kappa["temperature_K"].to_numpy(float), kappa[kappa_column].to_numpy(float)
    ke = error_values(kappa, kappa_column)
    ke = np.full(k.shape, np.nan) if ke is None else ke
    finite = np.isfinite(Tk) & np.isfinite(k)
    inside = finite & (Tk >= Ts.min()) & (Tk <= Ts.max()) & (Tk > 0) if Ts.size else np.zeros(k.shape, dtype=bool)
    if not inside.any():
        span_k = f"{np.nanmin(Tk):g}–{np.nanmax(Tk):g} K" if finite.any() else "no finite temperatures"
        span_s = f"{Ts.min():g}–{Ts.max():g} K" if Ts.size else "no finite values"
        raise DataFormatError(
            f"the κ table ({span_k}) and the σ table ({span_s}) share no temperature range: L = κ/(σT) needs both at one T",
            path=_source(kappa), column="temperature_K",
        )
    n_out = int((finite & ~inside).sum())
    if n_out:
        warnings.warn(f"lorenz_ratio: {n_out} κ point(s) outside the σ table's range {Ts.min():g}–{Ts.max():g} K left out "
                      "(σ is interpolated, never extrapolated)", DataWarning, stacklevel=2)
    T, k, ke = Tk[inside], k[inside], ke[inside]
    j = np.clip(np.searchsorted(Ts, T, side="right") - 1, 0, max(Ts.size - 2, 0))
    if Ts.size > 1:
        f = (T - Ts[j]) / (Ts[j + 1] - Ts[j])
        sig = (1 - f) * s[j] + f * s[j + 1]
        sig_e = np.sqrt(((1 - f) * se[j]) ** 2 + (f * se[j + 1]) ** 2)
    else:
        sig, sig_e = np.full(T.shape, s[0]), np.full(T.shape, se[0])
    L = k / (sig * _S_PER_M_PER_S_PER_CM * T)
    L_e = np.abs(L) * np.hypot(ke / k, sig_e / sig)
    err_k = f"{kappa_column.rsplit('_W_per_mK', 1)[0]}_err_W_per_mK"
    out = pd.DataFrame({
        "temperature_K": T, kappa_column: k, err_k: ke, "conductivity_S_per_cm": sig, "conductivity_err_S_per_cm": sig_e,
        "lorenz_W_ohm_per_K2": L, "lorenz_err_W_ohm_per_K2": L_e, "lorenz_over_L0": L / LORENZ_0, "lorenz_over_L0_err": L_e / LORENZ_0,
    })
    res = finish(out, kappa, "lorenz_ratio", kappa_column=kappa_column, sigma_column=col, n_left_out=n_out, L0=LORENZ_0)
    res.attrs["sigmafit"]["errors"] = {kappa_column: err_k, "conductivity_S_per_cm": "conductivity_err_S_per_cm",
                                       "lorenz_W_ohm_per_K2": "lorenz_err_W_ohm_per_K2", "lorenz_over_L0": "lorenz_over_L0_err"}
    return res
