r"""The magnetoconductance pipeline: instrument DataFrame → Δσ(B) curves ready to fit.

select/to_wide → segment → dedupe → group (temperature set points) → field offset →
(anti)symmetrize from measured ±B pairs → geometry → σ_□ → Δσ relative to a measured reference.  Each step's choices are appended to
``attrs["sigmafit"]["prepare"]`` (a list of plain dicts), so a result says how it was made.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError
from ._common import finish, require
from .channels import channel_roles, select, to_wide
from .conductance import delta_sigma, sheet_conductance
from .geometry import Geometry, to_sheet
from .symmetrize import field_offset as _estimate_offset
from .symmetrize import symmetrize_parts
from .sweeps import dedupe_turning_points, segment
from .windows import field_window

#: Default tolerance (K) when grouping temperatures into set points.
TEMPERATURE_TOLERANCE_K = 0.02


def group_levels(values, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Cluster values into set points: sorted values further apart than ``tolerance`` start a new level.

    Returns ``(labels, levels)``: the level of each value (its cluster mean, rounded to the
    decimals that ``tolerance`` resolves, e.g. 0.02 → 2 decimals, but never fewer than two significant digits
    for a level further than ``tolerance`` from zero: 25 mK stays 0.025, a gate at 7e-5 V is 0) and the sorted levels.
    """
    v = np.asarray(values, float)
    order = np.argsort(v, kind="stable")
    sv = v[order]
    cluster = np.concatenate([[0], np.cumsum(np.diff(sv) > tolerance)]) if sv.size else np.array([], int)
    means = np.bincount(cluster, weights=sv) / np.bincount(cluster) if sv.size else np.array([])
    if tolerance > 0:  # labels keep the decimals the tolerance resolves, and at least two significant digits
        tol_dec = max(0, math.ceil(-math.log10(tolerance)))
        means = np.array([round(m, max(tol_dec, 1 - math.floor(math.log10(abs(m)))) if abs(m) > tolerance else tol_dec)
                          for m in means])
    labels = np.empty_like(v)
    labels[order] = means[cluster]
    return labels, means


def _curve_label(by: str | None, value) -> str:
    if by is None:
        return "all"
    if by == "temperature_K":
        return f"T = {value:g} K"
    return f"{by} = {value:g}" if isinstance(value, float | int | np.number) else f"{by} = {value}"


def magnetoconductance(
    df: pd.DataFrame,
    geometry: Geometry,
    *,
    symmetrize: bool = True,
    field_offset: None | Literal["auto"] | float = "auto",
    by: str | None = "temperature_K",
    channel: int | None = None,
    hall_channel: int | None = None,
    method: Literal["auto", "exact", "tensor"] = "auto",
    bmax: float | None = None,
    tolerance: float | None = None,
    pair_tolerance: float | None = None,
) -> pd.DataFrame:
    r"""Δσ(B) = σ_□(B) − σ_□(B_ref) curves (S) from transport data, one curve per ``by`` group.

    Steps: pick the longitudinal channel (``channel=`` or role ``"xx"``), joined with the Hall
    channel when one exists (:func:`to_wide`); :func:`segment` into sweeps;
    :func:`dedupe_turning_points`; group sweeps by ``by`` — temperatures are clustered into
    set points within ``tolerance`` (default 0.02 K) so drift of a few mK does not split a
    curve; subtract a field offset (``"auto"``, the default: estimated per group from the
    symmetry of R_xx; a number in T; ``0`` or ``None`` keep the fields as read — the same
    default as ``sigmafit fit``); even part of R_xx and odd part of R_xy from *measured* ±B
    pairs (``symmetrize=True``; up/down sweeps paired, no interpolation: see
    :mod:`sigmafit.prepare.symmetrize`; ``pair_tolerance`` in T, default 0.6 × the local field
    step); geometry → R_□; σ_□ exact (1/R_□) or by tensor inversion σ_xx = ρ_xx/(ρ_xx² + ρ_xy²)
    (``method="auto"`` uses the tensor when Hall data exist); Δσ per curve relative to the
    measured σ at the smallest |B| (:func:`delta_sigma`); optional |B| ≤ ``bmax`` (T) window.

    Δσ is therefore not pinned to an interpolated σ(0): it differs from σ(B) − σ(0) by a
    constant per curve, and **a fit of it must carry a free offset**; each curve's reference
    is in ``attrs["sigmafit"]["delta_sigma_reference"]``.

    Returns columns ``curve`` (label), ``by`` (group value, e.g. ``temperature_K`` set point),
    ``field_T``, ``delta_sigma_S``, ``sheet_conductance_S``, ``sheet_resistance_ohm``,
    ``resistance_ohm`` (and ``hall_resistance_ohm``, ``n_averaged``, ``field_plus_T``,
    ``field_minus_T``, ``pair_mismatch_T`` when available: the fields of each row's two readings,
    see :func:`~sigmafit.prepare.symmetrize.symmetrize`).
    """
    if not isinstance(geometry, Geometry):
        raise TypeError(f"geometry must be a sigmafit.prepare.Geometry; got {type(geometry).__name__}")
    if method not in ("auto", "exact", "tensor"):
        raise ValueError(f"method must be one of 'auto', 'exact', 'tensor'; got {method!r}")
    if isinstance(field_offset, str) and field_offset != "auto":
        raise ValueError(f"field_offset must be 'auto', a field in T, or 0/None (fields as read); got {field_offset!r}")
    require(df, ["field_T", "resistance_ohm"], "magnetoconductance")
    if by is not None:
        require(df, [by], f"magnetoconductance(by={by!r})")
    data, hall = _channels(df, channel, hall_channel)
    if "sweep" not in data.columns or "sweep_direction" not in data.columns:
        data = segment(data, x="field_T")
    data = _group(dedupe_turning_points(data, x="field_T"), by, tolerance)
    data = _subtract_offset(data, field_offset)
    if symmetrize:
        curves = symmetrize_parts(data, even=["resistance_ohm"], odd=["hall_resistance_ohm"] if hall else [], by=_LABEL,
                                  pair_tolerance=pair_tolerance)
    else:
        keep = [_LABEL, "field_T", "resistance_ohm"] + (["hall_resistance_ohm"] if hall else [])
        if "temperature_K" in data.columns and by != "temperature_K":
            keep.append("temperature_K")
        curves = data[keep].sort_values([_LABEL, "field_T"], kind="stable", ignore_index=True)
        curves = finish(curves, data, "symmetrize", skipped=True)
    m = ("tensor" if hall else "exact") if method == "auto" else method
    if m == "tensor" and not hall:
        raise DataFormatError("method='tensor' needs a Hall channel (hall_resistance_ohm); none was found", column="hall_resistance_ohm")
    curves = delta_sigma(sheet_conductance(to_sheet(curves, geometry), method=m), by=_LABEL)
    ref = curves.attrs["sigmafit"]["delta_sigma_reference"]
    ref["by"] = [by] if by is not None else []
    for g in ref["groups"]:
        g["curve"] = _curve_label(by, g.pop("group")[0])
    if bmax is not None:
        curves = field_window(curves, bmax)
    return _layout(curves, by, symmetrize, m)


#: Column holding each row's curve value while the pipeline runs.
_LABEL = "_curve_value"


def _channels(df: pd.DataFrame, channel: int | None, hall_channel: int | None) -> tuple[pd.DataFrame, bool]:
    """The longitudinal channel (joined with the Hall one when it exists) and whether Hall data came along."""
    data = df
    if "channel" in data.columns:
        roles = channel_roles(data)
        has_hall = hall_channel is not None or ("xy" in roles.values() and data["channel"].nunique() > 1)
        if has_hall and (channel is not None or "xx" in roles.values()):
            data = to_wide(data, xx=channel, xy=hall_channel)
        else:
            named = channel is not None or "xx" in roles.values()
            data = select(data, role=None if channel is not None else "xx", channel=channel) if named else select(data)
            data = data.drop(columns=["channel"])
    hall = "hall_resistance_ohm" in data.columns and bool(np.isfinite(data["hall_resistance_ohm"].to_numpy(float)).any())
    return data, hall


def _sweep_levels(data: pd.DataFrame, by: str | None, tolerance: float | None,
                  sweeps: tuple[str, ...] = ("sweep",)) -> tuple[np.ndarray, float | None, list[float]]:
    """Curve value of every row — the ``by`` set point of its sweep — with the tolerance used and the set points.

    The mean of ``by`` over each sweep (rows sharing the ``sweeps`` columns) is clustered by :func:`group_levels`
    within ``tolerance`` (default 0.02 K for temperatures, exact values otherwise), so drift within a sweep never
    splits a curve.  Without ``by`` every row is 0.0 (one curve).
    """
    if by is None:
        return np.zeros(len(data)), None, [0.0]
    tol = tolerance if tolerance is not None else (TEMPERATURE_TOLERANCE_K if by == "temperature_K" else 0.0)
    grouped = data.groupby(list(sweeps), sort=False)
    labels, levels = group_levels(grouped[by].mean().to_numpy(float), tol)
    return labels[grouped.ngroup().to_numpy()], tol, [float(v) for v in levels]


def _group(data: pd.DataFrame, by: str | None, tolerance: float | None) -> pd.DataFrame:
    """Each sweep's curve value: its ``by`` set point (temperatures clustered within ``tolerance``)."""
    labels, tol_used, levels = _sweep_levels(data, by, tolerance)
    data = data.assign(**{_LABEL: labels})
    return finish(data, data, "group", by=by, tolerance=tol_used, levels=levels)


def shift_fields(data: pd.DataFrame, offsets: Mapping[float, float]) -> pd.DataFrame:
    """A copy of ``data`` whose fields (T) are less each curve's offset, ``offsets`` = {curve value: B₀ in T}; rows of
    a curve it does not name (or of none) keep theirs."""
    out = data.copy()
    out["field_T"] = data["field_T"].to_numpy(float) - data[_LABEL].map(offsets).fillna(0.0).to_numpy(float)
    return out


def _subtract_offset(data: pd.DataFrame, field_offset, column: str = "resistance_ohm") -> pd.DataFrame:
    """Fields corrected per curve by the offset (``"auto"``: estimated from the symmetry of ``column``, R_xx;
    a number in T; ``{set point: B0}`` one per curve, 0 for a set point it does not name; 0/None: none)."""
    offsets: dict = {}
    per_curve = isinstance(field_offset, Mapping)
    if field_offset is not None and (per_curve or field_offset != 0):
        for value, g in data.groupby(_LABEL, sort=False):
            if per_curve:
                offsets[float(value)] = float(field_offset.get(float(value), 0.0))
            else:
                offsets[float(value)] = _estimate_offset(g, column) if field_offset == "auto" else float(field_offset)
        data = shift_fields(data, offsets)
    mode = "none" if not offsets else "per curve" if per_curve else field_offset
    return finish(data, data, "field_offset", mode=mode, B0_T=offsets)


def _layout(curves: pd.DataFrame, by: str | None, symmetrize: bool, method: str) -> pd.DataFrame:
    """The output columns in their order, with the curve labels."""
    out = _curve_table(curves, by, ["field_T", "delta_sigma_S", "sheet_conductance_S", "sheet_resistance_ohm", "resistance_ohm",
                                    "hall_resistance_ohm", "n_averaged", "field_plus_T", "field_minus_T", "pair_mismatch_T",
                                    "temperature_K"])
    return finish(out, curves, "magnetoconductance", by=by, symmetrize=symmetrize, method=method, n_curves=int(out["curve"].nunique()))


def _curve_table(curves: pd.DataFrame, by: str | None, columns: list[str]) -> pd.DataFrame:
    """``curve`` (label) and ``by`` (set point) from the curve value column, then those of ``columns`` present, in order."""
    out = curves.copy()
    if by is not None:
        out[by] = out[_LABEL]
    out["curve"] = [_curve_label(by, v) for v in out[_LABEL]]
    front = ["curve"] + ([by] if by else [])
    return out[front + [c for c in columns if c in out.columns and c not in front]].reset_index(drop=True)
