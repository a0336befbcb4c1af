"""Temperature-dependence models (family ``"temperature"``): the 2D ln T law and the dephasing law L_φ(T); the base
class of the family.  Hopping: :mod:`sigmafit.models.hopping`; metals: :mod:`sigmafit.models.bloch_gruneisen`.

Thin :class:`~sigmafit.models.base.SigmafitModel` wrappers over
:mod:`sigmafit.models.formulas.temperature`.  Besides the base protocol (``_guess``,
``diagnose``, ``characteristic_x``) every class here has ``diagnose_data(params, x, y)``,
which looks at the data themselves (curvature, low-T upturns, the Zabrodskii exponent)
and returns sentences saying why the fit may not be trusted.

"""

from __future__ import annotations

import math

import lmfit
import numpy as np

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
