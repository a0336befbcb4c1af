r"""Carrier models (family ``"carriers"``): single-band Hall and two-band magnetotransport.

Each model fits ρ_xx(B) and ρ_xy(B) *jointly*: x is the field (T, column ``field_T``) and the data are
the two columns stacked, ``y = concat(ρ_xx, ρ_xy)`` (:mod:`sigmafit.models.joint`), each part weighted by
its own noise unless the data carry error columns.  Fitting both at once gives the Hall mobility
|R_H|/ρ_xx(0) and the two-band parameters with errors that include the correlations.

==============  =========================================================  =========================
model           fits                                                        densities, ρ
==============  =========================================================  =========================
``hall``        ``sheet_resistance_ohm`` + ``hall_resistance_ohm``          cm⁻², Ω (per square)
``hall-3d``     ``resistivity_ohm_cm`` + ``hall_resistivity_ohm_cm``        cm⁻³, Ω·cm
``two-band``    ``sheet_resistance_ohm`` + ``hall_resistance_ohm``          cm⁻², Ω
``two-band-3d`` ``resistivity_ohm_cm`` + ``hall_resistivity_ohm_cm``        cm⁻³, Ω·cm
==============  =========================================================  =========================

Make the curves with :func:`sigmafit.prepare.carriers.hall_curves` (R_xx even part, R_xy odd part, one
curve per temperature or gate voltage, geometry applied).  Sign convention (PHYSICS.md §6): R_H > 0 and
n > 0 for holes, R_H < 0 and n < 0 for electrons; mobilities in cm²/(V·s).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

from ..constants import E_CHARGE
from .base import Derived, Param, Reference, SigmafitModel, safe_expr
from .formulas import carriers as F
from .guess import carriers as G
from .joint import ColumnData
from .registry import register

__all__ = ["Hall3DModel", "HallModel", "TwoBand3DModel", "TwoBandModel"]

_INF = math.inf
_SHEET = ("sheet_resistance_ohm", "hall_resistance_ohm")
_BULK = ("resistivity_ohm_cm", "hall_resistivity_ohm_cm")
#: μ_max·B_max below which two bands cannot be told apart (only ρ₀, R_H and the B² term are measured)
SEPARATION_MU_B = 0.3

Signs = Literal["eh", "ee", "hh", "free"]
_SIGNS: dict[str, tuple[float, float]] = {"eh": (-1.0, 1.0), "ee": (-1.0, -1.0), "hh": (1.0, 1.0), "free": (1.0, 1.0)}


def _rho_unit(sheet: bool) -> str:
    return "Ω" if sheet else "Ω·cm"


# ---------------------------------------------------------------------------
# one band
# ---------------------------------------------------------------------------
def _hall_table(sheet: bool) -> tuple[Param, ...]:
    u = _rho_unit(sheet)
    rho0, RH = (1000.0, -624.150907) if sheet else (1e-3, -0.624150907)  # n = 1e12 cm⁻² / 1e19 cm⁻³ electrons
    return (
        Param("rho_xx0", u, rho0, description="zero-field longitudinal " + ("sheet resistance" if sheet else "resistivity")),
        Param("mr2", f"{u}/T²", 0.0, description="B² magnetoresistance a₂ (0 = one Drude band; free it when ρ_xx curves)", vary=False),
        Param("R_H", f"{u}/T", RH, description="Hall coefficient dρ_xy/dB at B → 0 (> 0 holes)"),
        Param("h3", f"{u}/T³", 0.0, description="B³ Hall term (0 = one band; free it for the zero-field slope of a curved ρ_xy)", vary=False),
    )


def _hall_derived(density: str, unit: str, what: str) -> tuple[Derived, ...]:
    return (
        Derived(density, f"{F.DENSITY_FACTOR!r}/R_H", unit, f"{what} 1/(e R_H): > 0 holes, < 0 electrons"),
        Derived("mu_H", f"{F.MOBILITY_FACTOR!r}*abs(R_H)/rho_xx0", "cm²/(V·s)", "Hall mobility |R_H|/ρ_xx(0)"),
    )


class _HallBase(ColumnData, SigmafitModel):
    family = "carriers"
    x = "field_T"
    part_labels = ("ρ_xx", "ρ_xy")
    physics = "single-band Hall: ρ_xx = ρ_xx(0) + a₂B², ρ_xy = R_H·B + h₃B³; n = 1/(e R_H), μ_H = |R_H|/ρ_xx(0)"
    reference = "Ashcroft & Mermin, Solid State Physics, ch. 1; PHYSICS.md §6"

    @staticmethod
    def function(B, rho_xx0, mr2, R_H, h3):
        """concat(ρ_xx, ρ_xy) in the unit of the data (Ω or Ω·cm), B in T."""
        rxx, rxy = F.low_field_hall(B, rho_xx0, mr2, R_H, h3)
        return np.concatenate([np.broadcast_to(rxx, np.shape(B)), rxy])

    def _guess(self, y, x):
        B = x[: x.size // 2]
        rxx, rxy = y.reshape(2, -1)
        return G.hall_start(B, rxx, rxy)

    def diagnose_data(self, params, x, y):
        """A fixed a₂ or h₃ that the data contradict: the residual of that part has a significant B² (ρ_xx)
        or B³ (ρ_xy, beyond the linear term) component (|t| > 5)."""
        B = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        if y.size != 2 * B.size or B.size < 8:
            return []
        resid = (y - self.eval(params, B=B)).reshape(2, -1)
        out = []
        for part, name, power, what in ((0, "mr2", 2, "ρ_xx has a B² magnetoresistance"), (1, "h3", 3, "ρ_xy bends (a B³ term)")):
            if params[self.prefix + name].vary:
                continue
            base = [np.ones_like(B)] if part == 0 else [B]
            t = G.term_significance(base, B**power, resid[part])
            if abs(t) > 5:
                out.append(f"{what} that the model holds at 0 ({abs(t):.0f} standard errors): free {name} "
                           f"(init={{'{name}': 0}}); otherwise the misfit inflates every error bar")
        return out

    def diagnose(self, params, x):
        out = []
        rho0 = params[self.prefix + "rho_xx0"].value
        if not rho0 > 0:
            out.append(
                f"ρ_xx(0) = {rho0:.3g} ≤ 0: the Hall mobility is undefined — a superconducting or offset R_xx; "
                "fit the normal state (a window above the upper critical field, xmin=…)"
            )
        B = np.abs(np.asarray(x, dtype=float))
        B = B[np.isfinite(B)]
        if B.size and params[self.prefix + "h3"].vary and B.max() > 0 and B.min() > 0.5 * B.max():
            out.append(f"the window |B| = {B.min():.3g}–{B.max():.3g} T stays far from zero: the zero-field slope R_H "
                       "is an extrapolation of the B³ term; fix h3 = 0 for the slope over the window")
        return out


@register
class HallModel(_HallBase):
    """Single-band Hall on sheet quantities: R_□(B), R_xy(B) in Ω → n_s (cm⁻²), μ_H (cm²/Vs)."""

    name = "hall"
    y = "+".join(_SHEET)
    columns = _SHEET
    params_table = _hall_table(sheet=True)
    derived_table = _hall_derived("n_s", "cm⁻²", "signed sheet density")
    reference_values = (
        Reference({"rho_xx0": 1000.0, "mr2": 2.0, "R_H": -600.0, "h3": 3.0}, (0.0, 0.5, 2.0),
                  (1000.0, 1000.5, 1008.0, 0.0, -299.625, -1176.0),
                  "hand calculation: ρ_xx = 1000 + 2B², ρ_xy = −600B + 3B³ at B = 0, 0.5, 2 T", rtol=1e-14),
    )


@register
class Hall3DModel(_HallBase):
    """Single-band Hall on resistivities: ρ_xx(B), ρ_xy(B) in Ω·cm → n (cm⁻³), μ_H (cm²/Vs)."""

    name = "hall-3d"
    y = "+".join(_BULK)
    columns = _BULK
    params_table = _hall_table(sheet=False)
    derived_table = _hall_derived("n", "cm⁻³", "signed carrier density")
    reference_values = (
        Reference({"rho_xx0": 2e-3, "mr2": 0.0, "R_H": 0.5, "h3": 0.0}, (-1.0, 3.0), (2e-3, 2e-3, -0.5, 1.5),
                  "hand calculation: one band, ρ_xx = 2 mΩ·cm, ρ_xy = 0.5B Ω·cm", rtol=1e-14),
    )


# ---------------------------------------------------------------------------
# two bands
# ---------------------------------------------------------------------------
def _two_band_table(sheet: bool) -> tuple[Param, ...]:
    du = "cm⁻²" if sheet else "cm⁻³"
    n1, n2 = (1e12, 5e11) if sheet else (1e19, 5e18)
    return (
        Param("n1", du, n1, 0.0, _INF, "density of band 1 (signed when signs='free': > 0 holes)"),
        Param("mu1", "cm²/(V·s)", 1000.0, 0.0, _INF, "mobility of band 1"),
        Param("s1", "", -1.0, -1.0, 1.0, "carrier sign of band 1: −1 electrons, +1 holes (set by signs=)", vary=False),
        Param("n2", du, n2, 0.0, _INF, "density of band 2 (signed when signs='free')"),
        Param("mu2", "cm²/(V·s)", 500.0, 0.0, _INF, "mobility of band 2"),
        Param("s2", "", 1.0, -1.0, 1.0, "carrier sign of band 2 (set by signs=)", vary=False),
    )


# PHYSICS.md §6: electrons 1e25 m⁻³, 0.1 m²/Vs with holes 5e24 m⁻³, 0.05 m²/Vs at B = 0, 1, 5 T (Ω·m)
_PHYSICS_B = (0.0, 1.0, 5.0)
_PHYSICS_RHO = (4.99320725956861e-6, 5.01117561835954e-6, 5.43814652032225e-6, 0.0, -3.49883875345621e-7, -1.79211646692438e-6)


class _TwoBandBase(ColumnData, SigmafitModel):
    family = "carriers"
    x = "field_T"
    part_labels = ("ρ_xx", "ρ_xy")
    physics = "two classical bands: ρ = σ⁻¹, σ_xx = Σ neμ/(1+μ²B²), σ_xy = −Σ s neμ²B/(1+μ²B²)"
    reference = "Ziman, Principles of the Theory of Solids, §7.6; PHYSICS.md §6"

    def __init__(self, *, signs: Signs = "eh", rho_xx0: float | None = None, **kwargs):
        if signs not in _SIGNS:
            raise ValueError(f"signs must be one of {list(_SIGNS)} (band 1, band 2: e electrons, h holes), got {signs!r}")
        if rho_xx0 is not None and not (np.isfinite(rho_xx0) and rho_xx0 > 0):
            raise ValueError(f"rho_xx0 must be a resistivity > 0 (the data's unit), got {rho_xx0!r}")
        super().__init__(**kwargs)
        self.signs = signs
        self.rho_xx0 = rho_xx0
        s1, s2 = _SIGNS[signs]
        self.set_param_hint("s1", value=s1, vary=False)
        self.set_param_hint("s2", value=s2, vary=False)
        if signs == "free":
            for n in ("n1", "n2"):
                self.set_param_hint(n, min=-_INF)
        if rho_xx0 is not None:
            # σ(0) = e(|n1|μ1 + |n2|μ2) = 1/ρ_xx(0) fixes μ2 (transport units: S = e·cm⁻²·cm²/Vs)
            expr = f"({1.0 / (E_CHARGE * rho_xx0)!r} - abs(n1)*mu1)/abs(n2)"
            self.set_param_hint("mu2", expr=self._prefixed(safe_expr(expr), {p.name for p in self.params_table}))

    @staticmethod
    def function(B, n1, mu1, s1, n2, mu2, s2):
        """concat(ρ_xx, ρ_xy) in Ω (densities in cm⁻²) or Ω·cm (cm⁻³); B in T, μ in cm²/Vs."""
        rxx, rxy = F.two_band(B, [(n1, mu1, s1), (n2, mu2, s2)])
        return np.concatenate([np.broadcast_to(rxx, np.shape(B)), np.broadcast_to(rxy, np.shape(B))])

    def _guess(self, y, x):
        B = x[: x.size // 2]
        rxx, rxy = y.reshape(2, -1)
        return G.two_band_start(B, rxx, rxy, None if self.signs == "free" else _SIGNS[self.signs])

    def diagnose(self, params, x):
        B = np.abs(np.asarray(x, dtype=float))
        B = B[np.isfinite(B)]
        if not B.size:
            return []
        mu = max(params[self.prefix + "mu1"].value, params[self.prefix + "mu2"].value) * 1e-4  # m²/Vs
        if mu * B.max() < SEPARATION_MU_B:
            return [
                f"μB ≤ {mu * B.max():.2g} over the field range (|B| ≤ {B.max():.3g} T): in this low-field limit the "
                "data fix only ρ_xx(0), R_H and the B² magnetoresistance — three combinations of the four band "
                "parameters; measure to higher field or constrain a band (rho_xx0=, --fix)"
            ]
        return []


@register
class TwoBandModel(_TwoBandBase):
    """Two bands on sheet quantities (n in cm⁻², ρ in Ω).  Options: ``signs`` ("eh" default: band 1
    electrons, band 2 holes; "ee", "hh", or "free" for signed densities) and ``rho_xx0`` (Ω) to
    constrain σ(0) = e(n1μ1 + n2μ2) = 1/ρ_xx(0), which makes μ2 a derived quantity."""

    name = "two-band"
    y = "+".join(_SHEET)
    columns = _SHEET
    params_table = _two_band_table(sheet=True)
    reference_values = (
        Reference({"n1": 1e13, "mu1": 1000.0, "s1": -1.0, "n2": 5e12, "mu2": 500.0, "s2": 1.0}, _PHYSICS_B,
                  tuple(1e8 * v for v in _PHYSICS_RHO),
                  "PHYSICS.md §6 two-band table (Ω·m) for sheet densities 1e-8 of its 1e25/5e24 m⁻³: ρ scales as 1/n, "
                  "so Ω per square = 1e8 × the table", rtol=1e-12, atol=1e-12),
    )


@register
class TwoBand3DModel(_TwoBandBase):
    """Two bands on resistivities (n in cm⁻³, ρ in Ω·cm); options as :class:`TwoBandModel` (``rho_xx0`` in Ω·cm)."""

    name = "two-band-3d"
    y = "+".join(_BULK)
    columns = _BULK
    params_table = _two_band_table(sheet=False)
    reference_values = (
        Reference({"n1": 1e19, "mu1": 1000.0, "s1": -1.0, "n2": 5e18, "mu2": 500.0, "s2": 1.0}, _PHYSICS_B,
                  tuple(100.0 * v for v in _PHYSICS_RHO),
                  "PHYSICS.md §6 two-band table: 1e25 m⁻³ = 1e19 cm⁻³, 0.1 m²/Vs = 1000 cm²/Vs; Ω·cm = 100 × Ω·m",
                  rtol=1e-12, atol=1e-16),
    )

