r"""Resistance → sheet conductance → magnetoconductance Δσ(B) = σ(B) − σ(B_ref).

All quantities are 2D sheet quantities (S per square), geometry already applied:

* exact:  :math:`\sigma_\square = 1/R_\square`;
* tensor (Hall data present): :math:`\sigma_{xx} = \rho_{xx}/(\rho_{xx}^2 + \rho_{xy}^2)` with
  ρ_xx = R_□ and ρ_xy = R_xy (both Ω).

Δσ is referred to a *measured* σ (at the smallest |B| of a curve) unless asked otherwise,
never pinned to an interpolated σ(0); it then differs from σ(B) − σ(0) by a constant, and a
fit of it must carry a free offset (recorded in ``attrs["sigmafit"]["delta_sigma_reference"]``).

Conductance unit of weak-localization theory: G_Q = e²/(πh) ≈ 1.2331e−5 S (DESIGN §3).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ..constants import CONDUCTANCE_TO_S
from ..exceptions import DataFormatError
from ._common import as_list, finish, jsonable, require, unique_sorted


def sheet_conductance(df: pd.DataFrame, method: Literal["exact", "tensor"] = "exact") -> pd.DataFrame:
    r"""Add ``sheet_conductance_S`` (S).

    ``"exact"``: :math:`\sigma = 1/R_\square` from ``sheet_resistance_ohm``.
    ``"tensor"``: :math:`\sigma_{xx} = \rho_{xx}/(\rho_{xx}^2+\rho_{xy}^2)` from
    ``sheet_resistance_ohm`` (ρ_xx) and ``hall_resistance_ohm`` (ρ_xy).
    """
    if method not in ("exact", "tensor"):
        raise ValueError(f"method must be one of 'exact', 'tensor'; got {method!r}")
    need = ["sheet_resistance_ohm"] + (["hall_resistance_ohm"] if method == "tensor" else [])
    require(df, need, f"sheet_conductance(method={method!r}) (apply prepare.to_sheet first)")
    out = df.copy()
    rxx = out["sheet_resistance_ohm"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "exact":
            sigma = 1.0 / rxx
        else:
            rxy = out["hall_resistance_ohm"].to_numpy(float)
            sigma = rxx / (rxx * rxx + rxy * rxy)
    out["sheet_conductance_S"] = sigma
    return finish(out, df, "sheet_conductance", method=method)


def sigma_at_zero(field, sigma, *, tol: float = 1e-3) -> float:
    """σ(B = 0) from data near zero field (T, S).

    Linear interpolation between the closest points on either side of B = 0 (repeated
    fields averaged); for one-sided data, the value at the closest |B| if it is within
    ``tol`` (T).  Raises :class:`DataFormatError` naming the closest |B| otherwise.
    """
    b, s = unique_sorted(np.asarray(field, float), np.asarray(sigma, float))
    if b.size == 0:
        raise DataFormatError("delta_sigma needs finite field_T and sheet_conductance_S values; there are none")
    if b[0] <= 0 <= b[-1]:
        return float(np.interp(0.0, b, s))
    k = int(np.argmin(np.abs(b)))
    if abs(b[k]) <= tol:
        return float(s[k])
    raise DataFormatError(
        f"delta_sigma needs data at B ≈ 0 to compute σ(0): the closest field is |B| = {abs(b[k]):.6g} T "
        f"(tolerance {tol:g} T, data span {b[0]:.6g} to {b[-1]:.6g} T)",
        column="field_T",
    )


#: What a Δσ reference means for a fit, recorded with every reference (``delta_sigma_reference``).
FREE_OFFSET_NOTE = (
    "Δσ is σ(B) minus a measured reference, not minus the unmeasurable σ(0): it differs from σ(B) − σ(0) by a "
    "constant, so a fit of this Δσ must carry a free offset"
)


def _reference(b: np.ndarray, s: np.ndarray, reference: str, tol: float) -> tuple[float, float]:
    """(field in T, σ in S) of the reference of one group."""
    if reference == "zero":
        return 0.0, sigma_at_zero(b, s, tol=tol)
    ok = np.isfinite(b) & np.isfinite(s)
    if not ok.any():
        raise DataFormatError("delta_sigma needs finite field_T and sheet_conductance_S values; there are none")
    mag = np.abs(b[ok])
    low = mag == mag.min()
    return float(mag.min()), float(np.mean(s[ok][low]))


def delta_sigma(
    df: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    *,
    x: str = "field_T",
    y: str = "sheet_conductance_S",
    reference: Literal["lowest", "zero"] = "lowest",
    tol: float = 1e-3,
) -> pd.DataFrame:
    r"""Add ``delta_sigma_S`` = σ(B) − σ_ref (S), per group of ``by``.

    ``reference="lowest"`` (default): σ_ref is the measured σ at the smallest |B| of the group
    (the mean of the rows there), never an interpolated value, so Δσ = 0 at that field.
    ``reference="zero"``: σ(0) interpolated between the closest points on either side of
    B = 0 (:func:`sigma_at_zero`, one-sided data within ``tol`` T).

    Either way Δσ differs from σ(B) − σ(0) by a constant (σ(B_ref) − σ(0), or the
    interpolation error), so **a fit of this Δσ must carry a free offset**.  The reference of
    each group (field, σ) and that statement are recorded in
    ``attrs["sigmafit"]["delta_sigma_reference"]`` and in the step record.
    """
    if reference not in ("lowest", "zero"):
        raise ValueError(f"reference must be 'lowest' (the measured σ at the smallest |B|) or 'zero' (interpolated σ(0)); got {reference!r}")
    require(df, [x, y], "delta_sigma")
    keys = as_list(by)
    require(df, keys, "delta_sigma(by=...)")
    out = df.copy()
    ds = np.full(len(out), np.nan)
    pos = np.arange(len(out))
    codes = out.groupby(keys, sort=False, dropna=False).ngroup().to_numpy() if keys else np.zeros(len(out), int)
    bv_all, sv_all = out[x].to_numpy(float), out[y].to_numpy(float)
    refs = []
    for code in pd.unique(codes):
        sel = pos[codes == code]
        b0, s0 = _reference(bv_all[sel], sv_all[sel], reference, tol)
        group = [out[k].iloc[sel[0]] for k in keys]
        refs.append({"group": group, "field_T": b0, "sigma_S": s0})
        ds[sel] = sv_all[sel] - s0
    out["delta_sigma_S"] = ds
    kind = "measured σ at the smallest |B|" if reference == "lowest" else "σ(0) interpolated across B = 0"
    out = finish(out, df, "delta_sigma", by=keys, reference=kind, sigma0_S=[r["sigma_S"] for r in refs],
                 reference_field_T=[r["field_T"] for r in refs], fit_offset="free")
    out.attrs["sigmafit"]["delta_sigma_reference"] = jsonable(
        {"kind": kind, "by": keys, "groups": refs, "fit_offset": "free", "note": FREE_OFFSET_NOTE})
    return out


def in_units(values, unit: Literal["S", "G_Q", "e2/h"] = "G_Q"):
    r"""Express conductances given in S in ``unit``: ``"G_Q"`` (e²/(πh) ≈ 1.2331e−5 S),
    ``"e2/h"`` (≈ 3.874e−5 S), or ``"S"``; i.e. ``values / unit_in_S``.  Constants come
    from :mod:`sigmafit.constants`.
    """
    try:
        factor = CONDUCTANCE_TO_S[unit]
    except KeyError:
        raise ValueError(f"unit must be one of {sorted(CONDUCTANCE_TO_S)}; got {unit!r}") from None
    if isinstance(values, pd.Series | pd.DataFrame):
        return values / factor
    return np.asarray(values, float) / factor if np.ndim(values) else float(values) / factor
