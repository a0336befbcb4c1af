r"""Start values of the measurement model (:mod:`sigmafit.models.measurement`) from raw readings.

Order of the estimates, each from the raw points of one channel (never pairing R_xx with R_xy):

1. Hall slope s = dR_xy/dB (Ω/T) by a straight line through the R_xy readings: n_s = 1/(e|s|), carrier sign =
   sign(s) (holes positive, PHYSICS.md §6);
2. field offset B_off from the symmetry of R_xx (:func:`sigmafit.prepare.field_offset`, which searches ±10 % of
   the largest |B|; the fit keeps B_off within the same bounds — a magnet is off by mT, not by a fraction of its
   range, and an unbounded offset lets a wrong model shift the whole curve), then the fraction
   ``pickup`` of ρ_xy in R_xx from the odd part of R_xx about B_off, regressed on s·(B − B_off); the offset is
   estimated again with that odd term removed (twice);
3. σ0 = 1/ρ_xx(B_off), ρ_xx interpolated between the R_xx readings around B_off; μ = |s|·σ0;
4. Δσ estimate: σ_xx of each R_xx reading (pickup removed, ρ_xy = s·(B − B_off)) minus the Drude σ⁰_xx, given
   to the physics model's own ``guess``; σ0 is then shifted by the median misfit and the physics guess repeated;
5. ``offset_xy`` and ``pickup_xy`` by linear least squares of R_xy − s·(B − B_off) on [1, R_xx − R_xx(0)].

Without R_xy readings μ, ``pickup``, ``pickup_xy`` and ``offset_xy`` cannot be determined and come back fixed
(μ at its table default): a single Drude band has no classical magnetoresistance, so R_xx does not fix μ.
Every step falls back to the table defaults when the data cannot support it (too few points, one-sided fields).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ...constants import MOBILITY_SI
from ...exceptions import DataFormatError
from ...prepare._common import interp_nan, unique_sorted
from ...prepare import field_offset
from ..formulas import tensor
from ..measurement_tensor import drude_bands

if TYPE_CHECKING:  # pragma: no cover
    from ..measurement import MeasurementModel

#: points needed on each channel before a step uses them
MIN_POINTS = 5


#: the field offset is searched within ± this fraction of the largest |B| (as prepare.field_offset does)
OFFSET_RANGE = 0.1


@dataclass
class Start:
    """Start values (table units), parameters to keep fixed, bounds set from the data, and what was done."""

    values: dict[str, float] = field(default_factory=dict)
    fixed: set[str] = field(default_factory=set)
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def hall_slope(B: np.ndarray, R: np.ndarray) -> float | None:
    """dR_xy/dB (Ω/T) of a straight line through the readings, None with fewer than 3 points or one field."""
    ok = np.isfinite(B) & np.isfinite(R)
    if ok.sum() < 3 or np.ptp(B[ok]) == 0:
        return None
    return float(np.polyfit(B[ok], R[ok], 1)[0])


def symmetry_offset(B: np.ndarray, R: np.ndarray) -> float:
    """B_off (T) from the symmetry of R(B) (:func:`sigmafit.prepare.field_offset`); 0 when the fields are one-sided."""
    try:
        return field_offset(pd.DataFrame({"field_T": B, "resistance_ohm": R}))
    except DataFormatError:
        return 0.0


def odd_fraction(B: np.ndarray, R: np.ndarray, b0: float, slope: float) -> float:
    """Least-squares k in [R(b0 + u) − R(b0 − u)]/2 ≈ k·slope·u over the sampled u (R interpolated, no extrapolation)."""
    xs, ys = unique_sorted(B, R)
    u = np.abs(xs - b0)
    odd = 0.5 * (interp_nan(b0 + u, xs, ys) - interp_nan(b0 - u, xs, ys))
    ok = np.isfinite(odd) & (u > 0)
    den = slope * slope * float(np.sum(u[ok] ** 2))
    return float(np.sum(odd[ok] * slope * u[ok]) / den) if den > 0 else 0.0


def offset_and_pickup(B: np.ndarray, R: np.ndarray, slope: float | None) -> tuple[float, float]:
    """(B_off in T, fraction of ρ_xy in R_xx) from R_xx readings; ``slope`` = dR_xy/dB or None (no Hall data)."""
    b0 = symmetry_offset(B, R)
    pickup = 0.0
    if slope:
        for _ in range(2):
            pickup = odd_fraction(B, R, b0, slope)
            b0 = symmetry_offset(B, R - pickup * slope * B)
    return b0, pickup


def _classical_xx(values: dict[str, float], suffixes, Bt: np.ndarray) -> np.ndarray:
    return tensor.conductivity(Bt, drude_bands(values, suffixes))[0]


def _physics_start(model: MeasurementModel, ds: np.ndarray, Bt: np.ndarray) -> dict[str, float]:
    phys = model.physics_model
    pp = phys.guess(ds, x=Bt)
    return {p.name: float(pp[phys.prefix + p.name].value) for p in model.physics_cls.params_table}


def start_values(model: MeasurementModel, y: np.ndarray, B: np.ndarray, channel: np.ndarray) -> Start:
    """Start values for ``model`` from readings ``y`` (Ω) at reported fields ``B`` (T) of ``channel`` (0 R_xx, 1 R_xy)."""
    out = Start()
    ok = np.isfinite(y) & np.isfinite(B)
    xx, xy = ok & (channel == 0), ok & (channel == 1)
    Bxx, Rxx, Bxy, Rxy = B[xx], y[xx], B[xy], y[xy]
    two = model.options["bands"] == 2
    suffixes = model.band_suffixes
    defaults = {p.name: p.default for p in model.params_table}
    v = out.values
    v.update(defaults)
    slope = hall_slope(Bxy, Rxy) if Bxy.size >= MIN_POINTS else None
    if Bxx.size < MIN_POINTS:
        out.notes.append(f"only {Bxx.size} R_xx readings: table defaults used")
        return out
    b0, pickup = offset_and_pickup(Bxx, Rxx, slope)
    v["B_off"], v["pickup"] = b0, pickup
    reach = OFFSET_RANGE * float(np.max(np.abs(Bxx)))
    out.bounds["B_off"] = (-reach, reach)
    xs, ys = unique_sorted(Bxx, Rxx)
    rho0 = float(np.interp(b0, xs, ys)) * model.geometry.factor
    total = 1.0 / rho0 if rho0 > 0 else defaults["sigma0"]
    share = (0.7, 0.3) if two else (1.0,)
    for s, frac in zip(suffixes, share):
        v[f"sigma0{s}"] = frac * total
    if slope:
        if model.options["carrier"] == "auto":
            v["sign"] = float(np.sign(slope)) or 1.0
            if two and model.options["carrier_2"] == "auto":
                v["sign_2"] = v["sign"]
        v["mu"] = abs(slope) * total / MOBILITY_SI  # R_H·σ0 in m²/(V·s)
        if two:
            v["mu_2"] = v["mu"] / 3.0
    else:
        out.fixed |= {"mu", "pickup", "pickup_xy", "offset_xy"} | ({"mu_2"} if two else set())
        v["pickup"] = 0.0
        out.notes.append(f"no R_xy readings: mu fixed at {v['mu']:g} cm²/(V·s), pickup terms fixed at 0")
    Bt = Bxx - b0
    rho_xy = (slope or 0.0) * Bt
    rho_xx = (Rxx - v["pickup"] * rho_xy) * model.geometry.factor
    sxx = tensor.invert(rho_xx, rho_xy)[0]
    for _ in range(2):
        ds = sxx - _classical_xx(v, suffixes, Bt)
        v.update(_physics_start(model, ds, Bt))
        misfit = ds - model.physics_cls.function(Bt, *[v[p.name] for p in model.physics_cls.params_table])
        shift = float(np.nanmedian(misfit))
        for s, frac in zip(suffixes, share):
            v[f"sigma0{s}"] += frac * shift
    if slope and Bxy.size >= MIN_POINTS:
        v["offset_xy"], v["pickup_xy"] = _xy_instrument(Bxy, Rxy, slope, b0, xs, ys)
    return out


def _xy_instrument(Bxy, Rxy, slope, b0, xs, ys) -> tuple[float, float]:
    """(offset_xy in Ω, pickup_xy) by least squares of R_xy − slope·(B − b0) on [1, R_xx(B) − R_xx(b0)] (R_xx
    interpolated): the model's parameterization, offset_xy the even R_xy at zero field."""
    resid = Rxy - slope * (Bxy - b0)
    rxx = np.interp(Bxy, xs, ys) - np.interp(b0, xs, ys)
    spread = np.ptp(rxx)
    if not np.isfinite(spread) or spread <= 1e-9 * max(abs(float(np.mean(rxx))), 1e-300):
        return float(np.median(resid)), 0.0
    A = np.column_stack([np.ones_like(rxx), rxx])
    coef, *_ = np.linalg.lstsq(A, resid, rcond=None)
    return float(coef[0]), float(coef[1])
