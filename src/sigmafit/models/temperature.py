"""Temperature-dependence models (family ``"temperature"``): ln T, dephasing, hopping, metals.

Thin :class:`~sigmafit.models.base.SigmafitModel` wrappers over
:mod:`sigmafit.models.formulas.temperature`.  Besides the base protocol (``_guess``,
``diagnose``, ``characteristic_x``) every class here has ``diagnose_data(params, x, y)``,
which looks at the data themselves (curvature, low-T upturns, the Zabrodskii exponent)
and returns sentences saying why the fit may not be trusted.

Hopping models (``vrh*``, ``arrhenius``) span decades in R: fit them with relative
weights (``weights = 1/R``), otherwise the lowest temperatures decide everything.
"""

from __future__ import annotations

import math

import lmfit
import numpy as np
from scipy import optimize

from ..constants import G_Q
from .base import Derived, Param, Reference, SigmafitModel
from .formulas import temperature as F
from .registry import register

_INF = math.inf


def _values(params: lmfit.Parameters, prefix: str, names) -> dict[str, float]:
    return {n: float(params[prefix + n].value) for n in names}


def _span_warning(x: np.ndarray, factor: float, what: str) -> list[str]:
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x) & (x > 0)]
    if x.size and x.max() / x.min() < factor:
        return [f"the data cover only T = {x.min():.3g}–{x.max():.3g} K (less than a factor {factor:g}); {what}"]
    return []


class _TemperatureModel(SigmafitModel):
    family = "temperature"
    x = "temperature_K"

    def diagnose_data(self, params: lmfit.Parameters, x, y) -> list[str]:
        """Reasons not to trust the fit that need the data ``y`` at ``x`` (sentences)."""
        return []

    def _low_t_residual(self, params: lmfit.Parameters, x, y, *, relative: bool) -> list[str]:
        """Warn when the lowest-T points leave the fitted curve systematically."""
        x, y = np.asarray(x, float), np.asarray(y, float)
        ok = np.isfinite(x) & np.isfinite(y)
        x, y = x[ok], y[ok]
        if x.size < 12:
            return []
        model = self.eval(params, **{self.independent: x})
        if relative:
            scale = np.abs(y)
            keep = scale > 0
            x, y, model, scale = x[keep], y[keep], model[keep], scale[keep]
            r = (y - model) / scale
        else:
            r = y - model
        if x.size < 12:
            return []
        order = np.argsort(x)
        k = max(4, x.size // 10)
        low, rest = r[order[:k]], r[order[k:]]
        noise = np.std(rest, ddof=1)
        z = np.mean(low) / (noise / math.sqrt(k)) if noise > 0 else 0.0
        if abs(z) > 5 and abs(np.mean(low)) > 2 * noise:
            sign = "above" if np.mean(low) > 0 else "below"
            return [
                f"the {k} lowest-temperature points (T ≤ {x[order[k - 1]]:.3g} K) lie systematically {sign} the fit "
                f"({abs(z):.0f} standard errors): a low-T {'upturn' if sign == 'above' else 'downturn'} the model "
                f"does not describe"
            ]
        return []


# ---------------------------------------------------------------------------
# ln T
# ---------------------------------------------------------------------------
@register
class LnTModel(_TemperatureModel):
    """σ(T) = σ0 + A·G_Q·ln(T/1 K): 2D weak localization + e–e interaction (PHYSICS.md §4).

    A = α·p + (1 − ¾F̃σ); separate the two with a field that quenches WL
    (:func:`sigmafit.models.formulas.temperature.interaction_separation`).
    """

    name = "lnT"
    plot_xscale = "log"
    physics = "2D ln T correction σ0 + A·G_Q·ln T (localization + e–e interaction)"
    reference = "Lee & Ramakrishnan, Rev. Mod. Phys. 57, 287 (1985)"
    y = "sheet_conductance_S"
    params_table = (
        Param("sigma0", "S", 1e-3, description="sheet conductance at T = 1 K"),
        Param("A", "", 1.0, description="ln T slope in units of G_Q = e²/(πh): α·p + (1 − ¾F̃σ)"),
    )
    reference_values = (
        Reference({"sigma0": 1e-5, "A": 0.7}, (1.0, math.e, math.e**2),
                  (1e-5, 1e-5 + 0.7 * 1.23314709834e-5, 1e-5 + 1.4 * 1.23314709834e-5),
                  "hand: σ0 + A·G_Q·ln T with G_Q = 1.23314709834e-5 S (PHYSICS.md header), ln e = 1", rtol=1e-11),
    )

    @staticmethod
    def function(T, sigma0, A):
        """σ0 + A·G_Q·ln T in S (T in K)."""
        return F.ln_t(T, sigma0, A)

    def _guess(self, y, x):
        ok = x > 0
        if ok.sum() < 2:
            return {}
        c1, c0 = np.polyfit(np.log(x[ok]), y[ok], 1)
        return {"sigma0": c0, "A": c1 / G_Q}

    def diagnose(self, params, x):
        out = _span_warning(x, 3.0, "A from less than one decade-ish of ln T is poorly defined")
        A = params[self.prefix + "A"].value
        if abs(A) > 5:
            out.append(
                f"|A| = {abs(A):.3g} is larger than localization + interaction allow (|A| ≲ 2 per channel): "
                "check that y is the sheet conductance (geometry) in S"
            )
        return out

    def diagnose_data(self, params, x, y):
        x, y = np.asarray(x, float), np.asarray(y, float)
        ok = np.isfinite(x) & np.isfinite(y) & (x > 0)
        x, y = x[ok], y[ok]
        if x.size < 8:
            return []
        cur = F.ln_t_curvature(x, y)
        bow = abs(cur.c) * cur.span**2 / 4.0  # parabola − chord at mid-span, in G_Q
        if not (cur.significance > 5 and bow > 0.05 * max(abs(cur.slope) * cur.span, 1.0)):
            return []
        head = (
            f"σ(T) curves away from ln T (quadratic term {cur.c:.3g} ± {cur.c_err:.2g} G_Q per (ln K)², "
            f"{cur.significance:.0f} σ; {bow:.2g} G_Q from a straight line)"
        )
        # local slope at the low-T end versus the slope over the whole range
        order = np.argsort(x)
        k = max(4, x.size // 5)
        lo = order[:k]
        s_low = np.polyfit(np.log(x[lo]), y[lo] / G_Q, 1)[0] if np.ptp(np.log(x[lo])) > 0 else cur.slope
        A = cur.slope
        if A != 0 and np.sign(s_low) != np.sign(A) and abs(s_low) > 0.1 * abs(A):
            tail = (
                ": the low-T end turns the other way (σ rises as T falls for A > 0) — superconducting "
                "fluctuations or a parallel path; exclude those points (--tmin)"
            )
        elif abs(s_low) < 0.5 * abs(A):
            tail = (
                ": σ flattens at low T — saturation of L_φ (heating, magnetic impurities) or Kondo "
                "scattering below T_K; fit above the bend or check the electron temperature"
            )
        elif abs(s_low) > 1.5 * abs(A):
            tail = (
                ": σ falls faster than ln T at low T — crossover to strong localization (try vrh) or "
                "Kondo scattering around T_K"
            )
        else:
            tail = ": A depends on the temperature window"
        return [head + tail]


# ---------------------------------------------------------------------------
# dephasing
# ---------------------------------------------------------------------------
@register
class DephasingModel(_TemperatureModel):
    """L_φ(T) = L1 · T^(−p/2) (nm): power-law dephasing (PHYSICS.md §4)."""

    name = "dephasing"
    physics = "dephasing length L_φ = L1·T^(−p/2); p ≈ 1 e–e (Nyquist), 2–3 e–phonon"
    reference = "Altshuler, Aronov & Khmelnitsky, J. Phys. C 15, 7367 (1982)"
    y = "L_phi_nm"
    params_table = (
        Param("L1", "nm", 300.0, 0.0, _INF, "L_φ at T = 1 K"),
        Param("p", "", 1.0, 0.0, 10.0, "dephasing exponent, L_φ ∝ T^(−p/2) (≤ 10 keeps T^p in float range)"),
    )
    reference_values = (
        Reference({"L1": 300.0, "p": 2.0}, (0.25, 1.0, 4.0), (1200.0, 300.0, 75.0), "hand: L1·T^(−p/2), PHYSICS.md §4"),
        Reference({"L1": 500.0, "p": 1.0}, (4.0, 100.0), (250.0, 50.0), "hand: L1·T^(−p/2), PHYSICS.md §4"),
    )

    @staticmethod
    def function(T, L1, p):
        """L1·T^(−p/2) in nm (T in K)."""
        return F.dephasing(T, L1, p)

    def _guess(self, y, x):
        ok = (x > 0) & (y > 0)
        if ok.sum() < 2:
            return {}
        c1, c0 = np.polyfit(np.log(x[ok]), np.log(y[ok]), 1)
        return {"L1": math.exp(c0), "p": -2.0 * c1}

    def diagnose(self, params, x):
        out = _span_warning(x, 3.0, "p is poorly defined")
        p = params[self.prefix + "p"].value
        if not 0.5 <= p <= 4.0:
            out.append(f"p = {p:.3g} is outside 0.5–4, the range of known dephasing mechanisms")
        return out

    def diagnose_data(self, params, x, y):
        return self._low_t_residual(params, x, y, relative=True)


@register
class DephasingSatModel(DephasingModel):
    """1/L_φ² = 1/L_sat² + T^p/L1² (nm): power law with low-temperature saturation.

    A separate model (not ``L_sat = ∞`` in ``dephasing``) because lmfit cannot start or
    vary a parameter at infinity.
    """

    name = "dephasing-sat"
    physics = "dephasing with saturation 1/L_φ² = 1/L_sat² + T^p/L1²"
    params_table = DephasingModel.params_table + (Param("L_sat", "nm", 1000.0, 0.0, _INF, "low-T saturation length"),)
    derived_table = (Derived("T_sat", "(L1/L_sat)**(2/p)", "K", "crossover temperature where the two terms are equal"),)
    reference_values = (
        Reference({"L1": 400.0, "p": 2.0, "L_sat": 300.0}, (0.0, 1.0, 3.0), (300.0, 240.0, 1200.0 / math.sqrt(97.0)),
                  "hand: 1/L² = 1/L_sat² + T^p/L1² (PHYSICS.md §4): T = 1 K gives (16 + 9)/1200², T = 3 K (16 + 81)/1200²"),
    )

    @staticmethod
    def function(T, L1, p, L_sat):
        """(1/L_sat² + T^p/L1²)^(−½) in nm (T in K)."""
        return F.dephasing(T, L1, p, L_sat)

    def _guess(self, y, x):
        ok = (x > 0) & (y > 0)
        if ok.sum() < 4:
            return {}
        x, y = x[ok], y[ok]
        hot = x >= np.median(x)
        out = DephasingModel._guess(self, y[hot], x[hot]) if hot.sum() >= 2 else {}
        out["L_sat"] = 1.2 * float(np.max(y))
        return out

    def diagnose(self, params, x):
        out = super().diagnose(params, x)
        v = _values(params, self.prefix, ("L1", "p", "L_sat"))
        xs = np.asarray(x, float)
        xs = xs[np.isfinite(xs) & (xs > 0)]
        if xs.size:
            Tsat = (v["L1"] / v["L_sat"]) ** (2.0 / v["p"]) if v["L_sat"] > 0 and v["p"] > 0 else math.inf
            if Tsat < xs.min() / 2:
                out.append(
                    f"the saturation crossover T_sat = {Tsat:.3g} K lies below the data (T ≥ {xs.min():.3g} K): "
                    "L_sat is not determined; use 'dephasing'"
                )
            elif Tsat > 2 * xs.max():
                out.append(f"T_sat = {Tsat:.3g} K lies above the data: the power law (L1, p) is not determined")
        return out

    def characteristic_x(self, params):
        v = _values(params, self.prefix, ("L1", "p", "L_sat"))
        if v["L_sat"] > 0 and v["p"] > 0 and v["L1"] > 0:
            return (v["L1"] / v["L_sat"]) ** (2.0 / v["p"])
        return None


# ---------------------------------------------------------------------------
# hopping
# ---------------------------------------------------------------------------
def _lnR_line(x, y, s):
    """Linear fit ln R = c0 + c1·T^(−s); returns (c0, c1, rss)."""
    X = np.power(x, -s)
    A = np.column_stack([np.ones_like(X), X])
    coef, *_ = np.linalg.lstsq(A, np.log(y), rcond=None)
    r = np.log(y) - A @ coef
    return float(coef[0]), float(coef[1]), float(r @ r)


class _HoppingBase(_TemperatureModel):
    y = "resistance_ohm"

    def default_weights(self, x, y):
        """relative weights 1/R: R spans decades, so each point counts by its relative error"""
        y = np.asarray(y, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            w = 1.0 / np.abs(y)
        return np.where(np.isfinite(w), w, np.nan)

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


# ---------------------------------------------------------------------------
# metals
# ---------------------------------------------------------------------------
_THETA_GRID = np.geomspace(20.0, 1500.0, 48)
_TK_GRID = np.geomspace(0.5, 300.0, 24)


def _nnls_fit(columns, y):
    """Non-negative least squares; returns (coef, rss)."""
    A = np.column_stack(columns)
    coef, rnorm = optimize.nnls(A, y)
    return coef, rnorm**2


@register
class BlochGruneisenModel(_TemperatureModel):
    """ρ(T) = ρ0 + A·(T/Θ_D)ⁿ·J_n(Θ_D/T), J_n(z) = ∫₀^z xⁿ/((eˣ−1)(1−e⁻ˣ)) dx.

    High-T slope dρ/dT = A/((n−1)Θ_D) (derived ``slope_hot``); low-T ρ − ρ0 = A·n!ζ(n)(T/Θ_D)ⁿ.
    Fits resistance in Ω; for resistivity data the prefactors carry the data's unit.
    """

    name = "bloch-gruneisen"
    physics = "Bloch–Grüneisen phonon resistivity ρ0 + A·(T/Θ)ⁿ·J_n(Θ/T)"
    reference = "Grüneisen, Ann. Phys. 408, 530 (1933); Ziman, Electrons and Phonons (1960), ch. 9"
    y = "resistance_ohm"
    params_table = (
        Param("rho0", "Ω", 1.0, -_INF, _INF, "residual resistance (T → 0)"),
        Param("A", "Ω", 1.0, 0.0, _INF, "phonon prefactor: ρ − ρ0 → A·T/((n−1)Θ_D) at high T"),
        Param("theta_D", "K", 250.0, 1e-3, _INF, "Debye (Bloch–Grüneisen) temperature"),
        Param("n", "", 5.0, 1.5, 10.0, "exponent: 5 e–phonon, 3 s–d, 2 e–e", vary=False),
    )
    derived_table = (Derived("slope_hot", "A/((n-1)*theta_D)", "Ω/K", "high-temperature slope dρ/dT"),)
    # ζ(5) = 1.0369277551433699263 (Abramowitz & Stegun, Table 23.3).  Low T (Θ/T = 100): J_n(z) = n!ζ(n)
    # up to a tail ~ zⁿe^(−z) < 1e-33.  High T (z = Θ/T = 0.01): xⁿeˣ/(eˣ−1)² = x^(n−2)(1 − x²/12 + x⁴/240 − …),
    # so z^(−n)J_5(z) = 1/(4z) − z/72 + z³/1920 and z^(−n)J_3(z) = 1/(2z) − z/48 + z³/1440 (next terms < 1e-15).
    reference_values = (
        Reference({"rho0": 0.0, "A": 300.0, "theta_D": 250.0, "n": 5.0}, (2.5,), (300.0 * 120.0 * 1.0369277551433699263e-10,),
                  "PHYSICS.md §4 / Ziman: low-T limit A·5!·ζ(5)·(T/Θ_D)⁵", rtol=1e-12),
        Reference({"rho0": 10.0, "A": 300.0, "theta_D": 250.0, "n": 5.0}, (25000.0,),
                  (10.0 + 300.0 * (25.0 - 0.01 / 72.0 + 1e-6 / 1920.0),), "hand: high-T series of J_5 at Θ_D/T = 0.01",
                  rtol=1e-12),
        Reference({"rho0": 10.0, "A": 300.0, "theta_D": 250.0, "n": 3.0}, (25000.0,),
                  (10.0 + 300.0 * (50.0 - 0.01 / 48.0 + 1e-6 / 1440.0),), "hand: high-T series of J_3 at Θ_D/T = 0.01",
                  rtol=1e-12),
    )

    @staticmethod
    def function(T, rho0, A, theta_D, n):
        """Bloch–Grüneisen ρ(T) in the unit of rho0 and A (T, theta_D in K)."""
        return F.bloch_gruneisen(T, rho0, A, theta_D, n)

    def _n(self) -> float:
        return float(self.param_hints.get("n", {}).get("value", 5.0))

    def _guess(self, y, x):
        ok = x > 0
        x, y = x[ok], y[ok]
        if x.size < 3:
            return {}
        n = self._n()
        best = None
        for th in _THETA_GRID:
            f = F.bloch_gruneisen(x, 0.0, 1.0, th, n)
            coef, rss = _nnls_fit([np.ones_like(x), f], y - y.min())
            if best is None or rss < best[0]:
                best = (rss, th, coef)
        _, th, coef = best
        return {"rho0": coef[0] + y.min(), "A": coef[1] if coef[1] > 0 else 1.0, "theta_D": th}

    def diagnose(self, params, x):
        v = _values(params, self.prefix, ("theta_D",))
        xs = np.asarray(x, float)
        xs = xs[np.isfinite(xs) & (xs > 0)]
        out = []
        if xs.size:
            th = v["theta_D"]
            if xs.max() < th / 4:
                out.append(
                    f"the data stop at T = {xs.max():.3g} K < Θ_D/4 = {th / 4:.3g} K: only A/Θ_Dⁿ is determined "
                    "(T^n regime), not A and Θ_D separately"
                )
            if xs.min() > th / 2:
                out.append(
                    f"the data start at T = {xs.min():.3g} K > Θ_D/2: linear regime, only the slope A/((n−1)Θ_D) "
                    "is determined"
                )
        return out

    def characteristic_x(self, params):
        return float(params[self.prefix + "theta_D"].value)

    def diagnose_data(self, params, x, y):
        out = self._low_t_residual(params, x, y, relative=False)
        if out:
            out[0] += " (an upturn suggests Kondo or localization: try bloch-gruneisen-kondo; a downturn superconductivity)"
        return out


@register
class BlochGruneisenKondoModel(BlochGruneisenModel):
    """Bloch–Grüneisen plus a Kondo term (empirical Goldhaber-Gordon form, s = 0.225).

    ρ(T) = ρ0 + A·(T/Θ_D)ⁿ·J_n(Θ_D/T) + R_K0·[T_K'²/(T² + T_K'²)]^0.225,  T_K' = T_K/√(2^(1/0.225) − 1)
    (R_K(T_K) = R_K0/2).  ρ0 here is the residual resistance without the Kondo part.
    """

    name = "bloch-gruneisen-kondo"
    physics = "Bloch–Grüneisen + Kondo (Goldhaber-Gordon form, R_K(T_K) = R_K0/2)"
    reference = BlochGruneisenModel.reference + "; Goldhaber-Gordon et al., PRL 81, 5225 (1998)"
    params_table = BlochGruneisenModel.params_table + (
        Param("R_K0", "Ω", 1.0, 0.0, _INF, "Kondo resistance at T → 0 (unitary limit)"),
        Param("T_K", "K", 10.0, 0.0, _INF, "Kondo temperature (R_K(T_K) = R_K0/2)"),
    )
    reference_values = (
        Reference({"rho0": 7.0, "A": 300.0, "theta_D": 250.0, "n": 5.0, "R_K0": 40.0, "T_K": 2.5}, (2.5,),
                  (7.0 + 300.0 * 120.0 * 1.0369277551433699263e-10 + 20.0,),
                  "Goldhaber-Gordon normalisation R_K(T_K) = R_K0/2 plus the Bloch–Grüneisen low-T limit A·5!·ζ(5)(T/Θ_D)⁵",
                  rtol=1e-12),
    )

    @staticmethod
    def function(T, rho0, A, theta_D, n, R_K0, T_K):
        """Bloch–Grüneisen + Kondo in the unit of rho0 (T, theta_D, T_K in K)."""
        return F.bloch_gruneisen(T, rho0, A, theta_D, n) + F.kondo(T, R_K0, T_K)

    def _guess(self, y, x):
        ok = x > 0
        x, y = x[ok], y[ok]
        if x.size < 5:
            return {}
        n = self._n()
        best = None
        base = y.min()
        for th in _THETA_GRID[::2]:
            f = F.bloch_gruneisen(x, 0.0, 1.0, th, n)
            for tk in _TK_GRID:
                g = F.kondo(x, 1.0, tk)
                coef, rss = _nnls_fit([np.ones_like(x), f, g], y - base)
                if best is None or rss < best[0]:
                    best = (rss, th, tk, coef)
        _, th, tk, coef = best
        return {
            "rho0": coef[0] + base,
            "A": coef[1] if coef[1] > 0 else 1.0,
            "theta_D": th,
            "R_K0": coef[2] if coef[2] > 0 else 0.01 * max(abs(base), 1e-12),
            "T_K": tk,
        }

    def diagnose(self, params, x):
        out = super().diagnose(params, x)
        v = _values(params, self.prefix, ("T_K",))
        xs = np.asarray(x, float)
        xs = xs[np.isfinite(xs) & (xs > 0)]
        if xs.size and not (xs.min() / 3 < v["T_K"] < 3 * xs.max()):
            out.append(f"T_K = {v['T_K']:.3g} K lies outside the data: the Kondo term is not determined")
        return out

    def diagnose_data(self, params, x, y):
        return self._low_t_residual(params, x, y, relative=False)


@register
class BlochGruneisenLnTModel(BlochGruneisenModel):
    """Metallic film: Bloch–Grüneisen sheet resistance plus the 2D ln T conductance correction.

    R_□(T) = 1 / [1/R_BG(T) + A_lnT·G_Q·ln(T/1 K)],  R_BG = ρ0 + A·(T/Θ_D)ⁿ·J_n(Θ_D/T)

    The corrections add in conductance (Matthiessen in σ for the quantum term), so the model
    fits **sheet** resistance (Ω per square; give the geometry).  ``A_lnT`` is the same
    dimensionless slope as ``lnT``'s ``A``; ``rho0``, ``A`` are sheet resistances in Ω.
    """

    name = "bloch-gruneisen-lnT"
    physics = "sheet resistance of a metallic film: Bloch–Grüneisen + 2D ln T correction in conductance"
    reference = BlochGruneisenModel.reference + "; Lee & Ramakrishnan, Rev. Mod. Phys. 57, 287 (1985)"
    y = "sheet_resistance_ohm"
    params_table = BlochGruneisenModel.params_table + (
        Param("A_lnT", "", 0.0, -_INF, _INF, "ln T slope of the sheet conductance in units of G_Q"),
    )
    reference_values = (
        Reference({"rho0": 1000.0, "A": 300.0, "theta_D": 250.0, "n": 5.0, "A_lnT": 2.0}, (1.0, math.e),
                  (1000.0 + 36000.0 * 1.0369277551433699263 / 250.0**5,
                   1.0 / (1.0 / (1000.0 + 36000.0 * 1.0369277551433699263 * (math.e / 250.0) ** 5) + 2.0 * 1.23314709834e-5)),
                  "hand: 1/R = 1/R_BG + A_lnT·G_Q·ln T with the low-T limit R_BG = ρ0 + A·5!·ζ(5)(T/Θ_D)⁵ "
                  "and G_Q = 1.23314709834e-5 S (PHYSICS.md)", rtol=1e-11),
    )

    @staticmethod
    def function(T, rho0, A, theta_D, n, A_lnT):
        """R_□(T) in Ω (T, theta_D in K)."""
        sigma = 1.0 / F.bloch_gruneisen(T, rho0, A, theta_D, n) + F.ln_t(T, 0.0, A_lnT)
        return 1.0 / sigma

    def _guess(self, y, x):
        out = super()._guess(y, x)
        ok = (x > 0) & (x < 0.05 * out.get("theta_D", 250.0)) & (y > 0)
        if ok.sum() >= 3:
            slope = np.polyfit(np.log(x[ok]), 1.0 / y[ok], 1)[0]
            out["A_lnT"] = slope / G_Q
        return out
