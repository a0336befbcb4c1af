r"""Heat-capacity tables: sample C (J/K) → molar C (J mol⁻¹ K⁻¹), and the C/T-against-T² picture.

* molar heat capacity C_m = C · M / m (M molar mass of the formula unit in g/mol, m sample mass in mg),
  errors propagated from the C error column and the mass error: (δC_m/C_m)² = (δC/C)² + (δm/m)²;
* C/T against T²: for C = γT + βT³ a straight line of intercept γ and slope β (Kittel, ch. 6).

A heat capacity is positive: a value ≤ 0 is refused with a :class:`DataFormatError` naming the row
(usually a bad addenda subtraction), never dropped quietly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError
from ._common import error_values, finish, meta_of, require

__all__ = ["c_over_t", "molar_heat_capacity", "require_positive"]

SAMPLE = "heat_capacity_J_per_K"
MOLAR = "molar_heat_capacity_J_per_molK"
MOLAR_ERR = "molar_heat_capacity_err_J_per_molK"
_MG_PER_G = 1e3


def require_positive(df: pd.DataFrame, column: str, *, x: str = "temperature_K", why: str = "") -> None:
    """Raise :class:`DataFormatError` when ``df[column]`` holds a finite value ≤ 0, naming the column,
    the first such row (and its ``x``), how many there are, and ``why`` it must be positive."""
    v = np.asarray(pd.to_numeric(df[column], errors="coerce"), dtype=float)
    bad = np.flatnonzero(np.isfinite(v) & (v <= 0))
    if not bad.size:
        return
    i = int(bad[0])
    at = f", {x} = {float(df[x].iloc[i]):g}" if x in df.columns else ""
    reason = why or "a heat capacity is positive — check the addenda subtraction or drop those rows"
    raise DataFormatError(
        f"column {column!r} has {bad.size} value(s) ≤ 0 (first at row {i}{at}, value {v[i]:g}); {reason}",
        path=meta_of(df).get("source"),
        column=column,
    )


def molar_heat_capacity(
    df: pd.DataFrame,
    *,
    sample_mass_mg: float,
    molar_mass_g_per_mol: float,
    sample_mass_err_mg: float = 0.0,
) -> pd.DataFrame:
    """Add ``molar_heat_capacity_J_per_molK`` = C·M/m from the sample's ``heat_capacity_J_per_K``.

    ``sample_mass_mg`` (mg) and ``molar_mass_g_per_mol`` (g per mole of formula units) must be > 0.
    When the C column has an error column (``attrs["sigmafit"]["errors"]``) or a mass error is given,
    ``molar_heat_capacity_err_J_per_molK`` holds the propagated error and is announced in
    ``attrs["sigmafit"]["errors"]`` so that :func:`sigmafit.fit` weights by it.
    """
    require(df, [SAMPLE], "molar_heat_capacity")
    for name, value in (("sample_mass_mg", sample_mass_mg), ("molar_mass_g_per_mol", molar_mass_g_per_mol)):
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be > 0, got {value!r}")
    if not (np.isfinite(sample_mass_err_mg) and sample_mass_err_mg >= 0):
        raise ValueError(f"sample_mass_err_mg must be ≥ 0, got {sample_mass_err_mg!r}")
    require_positive(df, SAMPLE)
    moles = sample_mass_mg / _MG_PER_G / molar_mass_g_per_mol
    out = df.copy()
    C = out[SAMPLE].to_numpy(float)
    out[MOLAR] = C / moles
    err = error_values(df, SAMPLE)
    has_err = err is not None or sample_mass_err_mg > 0
    if has_err:
        rel_c = np.zeros_like(C) if err is None else err / C
        out[MOLAR_ERR] = out[MOLAR].to_numpy(float) * np.hypot(rel_c, sample_mass_err_mg / sample_mass_mg)
    res = finish(out, df, "molar_heat_capacity", sample_mass_mg=sample_mass_mg, molar_mass_g_per_mol=molar_mass_g_per_mol,
                 sample_mass_err_mg=sample_mass_err_mg, moles=moles)
    if has_err:
        res.attrs["sigmafit"]["errors"] = {**(res.attrs["sigmafit"].get("errors") or {}), MOLAR: MOLAR_ERR}
    return res


def c_over_t(df: pd.DataFrame) -> pd.DataFrame:
    """Add ``temperature_squared_K2`` = T² and ``c_over_t_J_per_molK2`` = C/T (or ``c_over_t_J_per_K2`` from
    the sample's C when there is no molar column) for the C/T-against-T² plot: intercept γ, slope β.

    Errors (when the C column has an error column) go to the matching ``…_err_…`` column.
    """
    col = MOLAR if MOLAR in df.columns else SAMPLE
    require(df, ["temperature_K", col], "c_over_t")
    require_positive(df, col)
    T = df["temperature_K"].to_numpy(float)
    if np.any(np.isfinite(T) & (T <= 0)):
        raise DataFormatError("c_over_t needs temperatures > 0 K", path=meta_of(df).get("source"), column="temperature_K")
    out = df.copy()
    name = "c_over_t_J_per_molK2" if col == MOLAR else "c_over_t_J_per_K2"
    out["temperature_squared_K2"] = T * T
    out[name] = df[col].to_numpy(float) / T
    err = error_values(df, col)
    if err is not None:
        out[name.replace("c_over_t_", "c_over_t_err_")] = err / T
    return finish(out, df, "c_over_t", column=col)
