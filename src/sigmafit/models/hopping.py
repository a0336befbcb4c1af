"""Hopping models (family ``"temperature"``): variable-range hopping (Mott 2D/3D, Efros–Shklovskii, s free) and
activated (Arrhenius) conduction of the insulating side.

R(T) spans decades: these models weight relatively by default (the lowest temperatures would decide everything
otherwise), and check the exponent with the Zabrodskii log-derivative of the data themselves.
Formulas: :mod:`sigmafit.models.formulas.temperature`.
"""

from __future__ import annotations

import math

import numpy as np

from .base import Derived, Param, Reference, RelativeWeights
from .formulas import temperature as F
from .registry import register
from .temperature import _INF, _span_warning, _TemperatureModel, _values


def _lnR_line(x, y, s):
    """Linear fit ln R = c0 + c1·T^(−s); returns (c0, c1, rss)."""
    X = np.power(x, -s)
    A = np.column_stack([np.ones_like(X), X])
    coef, *_ = np.linalg.lstsq(A, np.log(y), rcond=None)
    r = np.log(y) - A @ coef
    return float(coef[0]), float(coef[1]), float(r @ r)


class _HoppingBase(RelativeWeights, _TemperatureModel):
    y = "resistance_ohm"

    def _zabrodskii_check(self, x, y, s_model: float) -> list[str]:
        x, y = np.asarray(x, float), np.asarray(y, float)
        ok = np.isfinite(x) & np.isfinite(y) & (x > 0) & (y > 0)
        x, y = x[ok], y[ok]
        if x.size < 15 or np.ptp(np.log(x)) < 0.5:
            return []
        window = max(0.15, np.ptp(np.log(x)) / 6)
        T, w = F.zabrodskii(x, y, window=window)
        good = np.isfinite(w) & (w > 0)
        if good.sum() < 6:
            return ["the log-derivative w = −d ln R/d ln T is not positive over the data: R(T) is not activated/hopping"]
        per_window = x.size * window / np.ptp(np.log(x))
        try:
            h = F.hopping_exponent(T[good], w[good], correlation_points=per_window)
        except ValueError:
            return []
        if abs(h.s - s_model) > max(3 * h.s_err, 0.1):
            return [
                f"the Zabrodskii plot of the data gives s = {h.s:.2f} ± {h.s_err:.2f}, "
                f"not the model's s = {s_model:.3g}: another hopping law (or a crossover) fits the data"
            ]
        return []


class _VRHBase(_HoppingBase):
    physics = "variable-range hopping R0·exp[(T0/T)^s]"
    reference = "Mott, J. Non-Cryst. Solids 1, 1 (1968); Efros & Shklovskii, J. Phys. C 8, L49 (1975)"
    @property
    def _s(self) -> Param:
        """The exponent's row of the parameter table: its default and whether it is fitted."""
        return next(p for p in self.params_table if p.name == "s")

    @property
    def s_default(self) -> float:
        return self._s.default

    @property
    def s_vary(self) -> bool:
        return self._s.vary

    @staticmethod
    def function(T, R0, T0, s):
        """R0·exp[(T0/T)^s] in the unit of R (T, T0 in K)."""
        return F.vrh(T, R0, T0, s)

    @classmethod
    def _table(cls, s: float, vary: bool, what: str) -> tuple[Param, ...]:
        return (
            Param("R0", "Ω", 1.0, 0.0, _INF, "prefactor (unit of the data: Ω, or Ω·cm for resistivity)"),
            Param("T0", "K", 100.0, 0.0, _INF, "characteristic hopping temperature"),
            Param("s", "", s, 0.0, _INF, what, vary=vary),
        )

    def _guess(self, y, x):
        ok = (x > 0) & (y > 0)
        if ok.sum() < 3:
            return {}
        x, y = x[ok], y[ok]
        s = self.s_default
        if self.s_vary:
            grid = np.linspace(0.15, 1.2, 43)
            rss = [(_lnR_line(x, y, g)[2], g) for g in grid]
            s = min(rss)[1]
        c0, c1, _ = _lnR_line(x, y, s)
        out = {"R0": math.exp(min(c0, 700.0)), "s": s}
        if c1 > 0:
            out["T0"] = c1 ** (1.0 / s)
        return out

    def diagnose(self, params, x):
        out = _span_warning(x, 2.0, "R0, T0 (and s) are strongly correlated")
        v = _values(params, self.prefix, ("T0", "s"))
        xs = np.asarray(x, float)
        xs = xs[np.isfinite(xs) & (xs > 0)]
        if xs.size and v["s"] > 0 and (v["T0"] / xs.max()) ** v["s"] < 1:
            out.append(
                f"(T0/T)^s < 1 at T = {xs.max():.3g} K: the data are not in the hopping regime there "
                "(exp[(T0/T)^s] ≫ 1 is assumed)"
            )
        if self.s_vary and not 0.2 <= v["s"] <= 1.1:
            out.append(f"s = {v['s']:.3g} is outside 0.2–1.1 (Mott ¼, ⅓; Efros–Shklovskii ½; activation 1)")
        return out

    def diagnose_data(self, params, x, y):
        if self.s_vary:
            return self._low_t_residual(params, x, y, relative=True)
        s = params[self.prefix + "s"].value
        return self._zabrodskii_check(x, y, s) + self._low_t_residual(params, x, y, relative=True)


@register
class VRHModel(_VRHBase):
    """R(T) = R0·exp[(T0/T)^s] with s free (find the hopping law)."""

    name = "vrh"
    physics = "variable-range hopping R0·exp[(T0/T)^s], s free"
    params_table = _VRHBase._table(0.5, True, "hopping exponent: ¼ Mott 3D, ⅓ Mott 2D, ½ Efros–Shklovskii, 1 activated")
    reference_values = (
        Reference({"R0": 2.0, "T0": 16.0, "s": 0.5}, (1.0, 4.0, 16.0), (2.0 * math.e**4, 2.0 * math.e**2, 2.0 * math.e),
                  "hand: R0·exp[(T0/T)^s] (PHYSICS.md §4), (16/T)^½ = 4, 2, 1"),
        Reference({"R0": 5.0, "T0": 8.0, "s": 1.0}, (2.0, 8.0), (5.0 * math.e**4, 5.0 * math.e), "hand: s = 1, exponent T0/T"),
    )


@register
class VRHMott2DModel(_VRHBase):
    """2D Mott variable-range hopping, s = ⅓ fixed."""

    name = "vrh-mott2d"
    physics = "2D Mott variable-range hopping R0·exp[(T0/T)^(1/3)]"
    params_table = _VRHBase._table(1.0 / 3.0, False, "hopping exponent, 1/3 for 2D Mott")
    reference_values = (
        Reference({"R0": 1.0, "T0": 8.0, "s": 1.0 / 3.0}, (0.125, 1.0, 8.0), (math.e**4, math.e**2, math.e),
                  "hand: exp[(T0/T)^(1/3)] with (8/T)^(1/3) = 4, 2, 1"),
    )


@register
class VRHMott3DModel(_VRHBase):
    """3D Mott variable-range hopping, s = ¼ fixed."""

    name = "vrh-mott3d"
    physics = "3D Mott variable-range hopping R0·exp[(T0/T)^(1/4)]"
    params_table = _VRHBase._table(0.25, False, "hopping exponent, 1/4 for 3D Mott")
    reference_values = (
        Reference({"R0": 1.0, "T0": 16.0, "s": 0.25}, (1.0, 16.0), (math.e**2, math.e),
                  "hand: exp[(T0/T)^(1/4)] with (16/T)^(1/4) = 2, 1"),
    )


@register
class VRHESModel(_VRHBase):
    """Efros–Shklovskii variable-range hopping (Coulomb gap), s = ½ fixed."""

    name = "vrh-es"
    physics = "Efros–Shklovskii hopping R0·exp[(T0/T)^(1/2)]"
    params_table = _VRHBase._table(0.5, False, "hopping exponent, 1/2 for Efros–Shklovskii")
    reference_values = (
        Reference({"R0": 3.0, "T0": 9.0, "s": 0.5}, (1.0, 9.0, 36.0), (3.0 * math.e**3, 3.0 * math.e, 3.0 * math.e**0.5),
                  "hand: R0·exp[(T0/T)^½] with (9/T)^½ = 3, 1, ½"),
    )


@register
class ArrheniusModel(_HoppingBase):
    """R(T) = R0·exp[E_a/(k_B T)], E_a in meV; derived T0 = E_a/k_B (K)."""

    name = "arrhenius"
    physics = "thermal activation R0·exp[E_a/(k_B T)]"
    reference = "Shklovskii & Efros, Electronic Properties of Doped Semiconductors (1984), ch. 4"
    params_table = (
        Param("R0", "Ω", 1.0, 0.0, _INF, "prefactor (unit of the data: Ω, or Ω·cm for resistivity)"),
        Param("Ea", "meV", 10.0, -_INF, _INF, "activation energy"),
    )
    derived_table = (Derived("T0", f"Ea/{F.MEV_PER_K!r}", "K", "activation temperature E_a/k_B"),)
    reference_values = (
        # 1 meV/k_B = 1.602176634e-22 J / 1.380649e-23 J/K (exact SI defining constants) = 11.6045181… K
        Reference({"R0": 2.0, "Ea": 1.0}, (1.602176634e-22 / 1.380649e-23, 0.5 * 1.602176634e-22 / 1.380649e-23),
                  (2.0 * math.e, 2.0 * math.e**2),
                  "hand: R0·exp[E_a/(k_B T)] at T = (1 meV)/k_B and half of it, e and k_B the exact SI values"),
    )

    @staticmethod
    def function(T, R0, Ea):
        """R0·exp[E_a/(k_B T)] in the unit of R (T in K, Ea in meV)."""
        return F.arrhenius(T, R0, Ea)

    def _guess(self, y, x):
        ok = (x > 0) & (y > 0)
        if ok.sum() < 2:
            return {}
        c0, c1, _ = _lnR_line(x[ok], y[ok], 1.0)
        return {"R0": math.exp(min(c0, 700.0)), "Ea": c1 * F.MEV_PER_K}

    def diagnose(self, params, x):
        out = _span_warning(x, 1.3, "R0 and E_a are strongly correlated")
        Ea = params[self.prefix + "Ea"].value
        xs = np.asarray(x, float)
        xs = xs[np.isfinite(xs) & (xs > 0)]
        if xs.size and Ea / (F.MEV_PER_K * xs.min()) < 1:
            out.append(f"E_a/k_B T < 1 over the data (E_a = {Ea:.3g} meV): this is not an activated regime")
        return out

    def diagnose_data(self, params, x, y):
        return self._zabrodskii_check(x, y, 1.0) + self._low_t_residual(params, x, y, relative=True)


