r"""Sample geometry: resistance → sheet resistance → resistivity.

* Hall bar (width W, voltage-probe distance L): :math:`R_\square = R\,W/L`.
* van der Pauw, symmetric sample: :math:`R_\square = \pi R/\ln 2`; general case: the root of
  :math:`e^{-\pi R_a/R_s} + e^{-\pi R_b/R_s} = 1` (van der Pauw, Philips Res. Rep. 13, 1 (1958)).
* Data already per square: factor 1.
* Resistivity :math:`\rho = R_\square\,t` (Ω·cm with t in cm; thickness given in nm).

The Hall resistance R_xy of a 2D sample is already a sheet quantity (ρ_xy = R_xy for
a Hall bar and in the van der Pauw geometry), so it is never rescaled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..constants import LENGTH_TO_NM
from ..exceptions import DataFormatError
from ._common import finish, require

Kind = Literal["hallbar", "vdp", "sheet"]

_NM_PER_CM = LENGTH_TO_NM["cm"]


@dataclass(frozen=True)
class Geometry:
    """Sample geometry.

    kind : ``"hallbar"`` (needs ``width_um`` and ``length_um``: channel width and distance
        between the voltage probes, µm), ``"vdp"`` (van der Pauw, symmetric: π/ln 2) or
        ``"sheet"`` (data already per square).
    thickness_nm : film thickness (nm), needed only for resistivities.
    """

    kind: Kind = "sheet"
    width_um: float | None = None
    length_um: float | None = None
    thickness_nm: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("hallbar", "vdp", "sheet"):
            raise ValueError(f"Geometry kind must be one of 'hallbar', 'vdp', 'sheet'; got {self.kind!r}")
        if self.kind == "hallbar":
            for name in ("width_um", "length_um"):
                v = getattr(self, name)
                if v is None or not np.isfinite(v) or v <= 0:
                    raise ValueError(f"a Hall bar needs {name} > 0 (µm); got {v!r}")
        if self.thickness_nm is not None and not (np.isfinite(self.thickness_nm) and self.thickness_nm > 0):
            raise ValueError(f"thickness_nm must be > 0 (nm); got {self.thickness_nm!r}")

    @property
    def factor(self) -> float:
        """R_□ / R: W/L (Hall bar), π/ln 2 (van der Pauw), 1 (sheet)."""
        if self.kind == "hallbar":
            return float(self.width_um) / float(self.length_um)
        if self.kind == "vdp":
            return math.pi / math.log(2.0)
        return 1.0

    def as_dict(self) -> dict:
        """Plain dict for metadata/JSON."""
        return {"kind": self.kind, "width_um": self.width_um, "length_um": self.length_um, "thickness_nm": self.thickness_nm}


def sheet_resistance(resistance, geometry: Geometry):
    r"""Sheet resistance R_□ (Ω) from a four-terminal resistance R (Ω).

    Hall bar :math:`R_\square = R W/L`; symmetric van der Pauw :math:`R_\square = \pi R/\ln 2`
    (for two different configurations use :func:`vdp_sheet_resistance`); sheet: R.
    """
    return np.asarray(resistance, float) * geometry.factor if np.ndim(resistance) else float(resistance) * geometry.factor


def _vdp_scalar(ra: float, rb: float) -> float:
    if not (np.isfinite(ra) and np.isfinite(rb)):
        return np.nan
    if ra <= 0 or rb <= 0:
        raise ValueError(f"van der Pauw resistances must be > 0 (Ω); got R_a = {ra!r}, R_b = {rb!r}")
    if ra == rb:
        return math.pi * ra / math.log(2.0)
    # g(s) = exp(−π R_a s) + exp(−π R_b s) − 1 decreases in s = 1/R_s; the root lies in
    # [ln2/(π max), ln2/(π min)] (each term ≥ ½ at the left end, ≤ ½ at the right end).
    lo = math.log(2.0) / (math.pi * max(ra, rb))
    hi = math.log(2.0) / (math.pi * min(ra, rb))
    scale = 1.0 / hi

    def g(t: float) -> float:  # t = s·min(R): well scaled for any ratio
        s = t / scale
        return math.exp(-math.pi * ra * s) + math.exp(-math.pi * rb * s) - 1.0

    from scipy import optimize  # here: `sigmafit info` and the loaders do not pay for scipy.optimize

    t = optimize.brentq(g, lo * scale, hi * scale, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=200)
    return scale / t


def vdp_sheet_resistance(r_a, r_b):
    r"""General van der Pauw sheet resistance R_s (Ω) from the two four-terminal resistances (Ω).

    Solves :math:`e^{-\pi R_a/R_s} + e^{-\pi R_b/R_s} = 1` by bracketed root finding
    (Brent) in s = 1/R_s, whose root lies in [ln2/(π max R), ln2/(π min R)].  R_a = R_b
    gives π R/ln 2.  Broadcasts over arrays; NaN inputs give NaN.
    """
    ra, rb = np.broadcast_arrays(np.asarray(r_a, float), np.asarray(r_b, float))
    out = np.array([_vdp_scalar(a, b) for a, b in zip(ra.ravel(), rb.ravel(), strict=True)], dtype=float)
    out = out.reshape(ra.shape)
    return float(out) if out.ndim == 0 else out


def resistivity(sheet_resistance_ohm, thickness_nm: float):
    r"""Resistivity ρ (Ω·cm) = R_□ (Ω) · t (cm), thickness given in nm."""
    _check_t(thickness_nm)
    return np.asarray(sheet_resistance_ohm, float) * (thickness_nm / _NM_PER_CM)


def sheet_from_resistivity(resistivity_ohm_cm, thickness_nm: float):
    r"""Sheet resistance R_□ (Ω) = ρ (Ω·cm) / t (cm), thickness given in nm."""
    _check_t(thickness_nm)
    return np.asarray(resistivity_ohm_cm, float) / (thickness_nm / _NM_PER_CM)


def _check_t(thickness_nm) -> None:
    if thickness_nm is None or not np.isfinite(thickness_nm) or thickness_nm <= 0:
        raise ValueError(f"thickness_nm must be > 0 (nm); got {thickness_nm!r}")


def to_sheet(df: pd.DataFrame, geometry: Geometry) -> pd.DataFrame:
    """Add ``sheet_resistance_ohm`` = ``resistance_ohm`` × geometry factor (see :func:`sheet_resistance`).

    ``hall_resistance_ohm`` is left as is: R_xy of a 2D sample is already per square.
    Data that already have ``sheet_resistance_ohm`` and no ``resistance_ohm`` are returned
    as a copy when ``geometry.kind == "sheet"``.
    """
    if not isinstance(geometry, Geometry):
        raise TypeError(f"geometry must be a sigmafit.prepare.Geometry; got {type(geometry).__name__}")
    out = df.copy()
    if "resistance_ohm" not in df.columns and "sheet_resistance_ohm" in df.columns and geometry.kind == "sheet":
        return finish(out, df, "to_sheet", geometry=geometry.as_dict(), factor=1.0)
    require(df, ["resistance_ohm"], "to_sheet")
    out["sheet_resistance_ohm"] = out["resistance_ohm"].to_numpy(float) * geometry.factor
    res = finish(out, df, "to_sheet", geometry=geometry.as_dict(), factor=geometry.factor)
    res.attrs["sigmafit"]["geometry_applied"] = geometry.as_dict()
    return res


def to_resistivity(df: pd.DataFrame, geometry: Geometry) -> pd.DataFrame:
    """Add ``resistivity_ohm_cm`` = R_□ · t (and ``hall_resistivity_ohm_cm`` = R_xy · t).

    Needs ``geometry.thickness_nm``; uses ``sheet_resistance_ohm`` when present, else
    computes it with :func:`to_sheet`.
    """
    if geometry.thickness_nm is None:
        raise DataFormatError("to_resistivity needs Geometry(thickness_nm=...) (film thickness in nm)")
    data = df if "sheet_resistance_ohm" in df.columns else to_sheet(df, geometry)
    out = data.copy()
    t_cm = geometry.thickness_nm / _NM_PER_CM
    out["resistivity_ohm_cm"] = out["sheet_resistance_ohm"].to_numpy(float) * t_cm
    if "hall_resistance_ohm" in out.columns:
        out["hall_resistivity_ohm_cm"] = out["hall_resistance_ohm"].to_numpy(float) * t_cm
    return finish(out, data, "to_resistivity", thickness_nm=geometry.thickness_nm)
