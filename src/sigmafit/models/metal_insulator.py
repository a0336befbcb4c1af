r"""The 3D metallic side of the Anderson (metal–insulator) transition.

* ``mit-metal`` (family ``"temperature"``): σ(T) = σ(0) + m·T^½ + b·T^(p/2) — the 3D electron–electron
  interaction correction (m, either sign) plus weak localization (b > 0, dephasing rate ∝ T^p), fitted to
  ``conductivity_S_per_cm`` against ``temperature_K``.  The insulating side is the existing ``vrh``.
* ``mit-critical`` (family ``"metal-insulator"``): across a series of samples, σ(0) = σ_c·(x/x_c − 1)^ν
  for x > x_c and 0 for x ≤ x_c, with x the control parameter (doping, pressure, field…; column
  ``control_parameter`` by default, pass ``x=`` for yours) and y the σ(0) of each sample (S/cm), e.g.
  the ``sigma0`` values of ``mit-metal`` fits.

Reference: P. A. Lee and T. V. Ramakrishnan, Rev. Mod. Phys. 57, 287 (1985), §III–IV; T. F. Rosenbaum
et al., Phys. Rev. B 27, 7509 (1983) (Si:P, ν ≈ ½); PHYSICS.md §6.
"""

from __future__ import annotations

import math

import numpy as np

from .base import Param, Reference, SigmafitModel
from .formulas import metal_insulator as F
from .guess import metal_insulator as G
from .registry import register
from .temperature import _span_warning, _TemperatureModel

__all__ = ["CriticalModel", "Metal3DModel"]

_INF = math.inf


@register
class Metal3DModel(_TemperatureModel):
    """σ(T) = σ(0) + m·T^½ + b·T^(p/2) (S/cm): 3D e–e interaction + weak localization, metallic side.

    A temperature-family model: ``diagnose_data`` flags low-T points that leave the law (an upturn).
    """

    name = "mit-metal"
    physics = "3D metallic side: σ(0) + m·T^½ (interaction) + b·T^(p/2) (localization)"
    reference = "Lee & Ramakrishnan, Rev. Mod. Phys. 57, 287 (1985)"
    y = "conductivity_S_per_cm"
    params_table = (
        Param("sigma0", "S/cm", 100.0, description="zero-temperature conductivity σ(0) (> 0 metallic)"),
        Param("m", "S/(cm·K^½)", 5.0, description="3D e–e interaction coefficient (either sign)"),
        Param("b", "S/(cm·K^(p/2))", 0.5, description="weak-localization coefficient"),
        Param("p", "", 2.0, 0.0, 10.0, "dephasing exponent τ_φ⁻¹ ∝ T^p (p = 1 is degenerate with m)", vary=False),
    )
    reference_values = (
        Reference({"sigma0": 50.0, "m": 3.0, "b": 0.25, "p": 2.0}, (0.0, 4.0, 9.0), (50.0, 57.0, 61.25),
                  "hand calculation: 50 + 3√T + 0.25T at T = 0, 4, 9 K", rtol=1e-14),
        Reference({"sigma0": 0.0, "m": 0.0, "b": 1.0, "p": 3.0}, (4.0,), (8.0,), "hand calculation: 4^(3/2) = 8", rtol=1e-14),
    )

    @staticmethod
    def function(T, sigma0, m, b, p):
        """σ(T) in S/cm (T in K)."""
        return F.metal_sigma(T, sigma0, m, b, p)

    def _guess(self, y, x):
        return G.metal_start(x, y, next(p.default for p in self.params_table if p.name == "p"))

    def diagnose(self, params, x):
        out = []
        v = {k: params[self.prefix + k].value for k in ("sigma0", "p")}
        if abs(v["p"] - 1.0) < 0.25:
            out.append(f"p = {v['p']:.3g} ≈ 1 makes b·T^(p/2) nearly the interaction term m·T^½: m and b are not separable")
        if v["sigma0"] <= 0:
            out.append(f"σ(0) = {v['sigma0']:.3g} S/cm ≤ 0: the sample is on the insulating side; fit a hopping law (vrh)")
        return out + _span_warning(x, 4.0, "σ(0), m and b are strongly correlated")

    def diagnose_data(self, params, x, y):
        return self._low_t_residual(params, x, y, relative=False)


def near_critical_sentences(x: np.ndarray, xc: float, xc_err: float | None, nu: float) -> list[str]:
    """A sentence when a sample lies within 2 standard errors of x_c while ν < 1: σ rises from x_c with an infinite
    slope, so χ² is not a parabola in x_c there and its ±1σ is not a Gaussian interval (misses of 2–4σ with no
    other warning in simulated series)."""
    if xc_err is None or not np.isfinite(xc_err) or xc_err <= 0 or not nu < 1.0:
        return []
    xs = x[np.isfinite(x)]
    near = xs[np.abs(xs - xc) < 2.0 * xc_err]
    if not near.size:
        return []
    return [f"a sample at x = {near[np.argmin(np.abs(near - xc))]:.4g} lies within 2σ of x_c = {xc:.4g} ± {xc_err:.2g} "
            f"and ν = {nu:.2g} < 1: σ rises from x_c with an infinite slope, so the error of x_c is not Gaussian — "
            "check it with --conf-interval"]


@register
class CriticalModel(SigmafitModel):
    """σ(0) = σ_c·(x/x_c − 1)^ν across samples (x the control parameter): critical point x_c and exponent ν."""

    name = "mit-critical"
    family = "metal-insulator"
    physics = "critical scaling of σ(0) across samples: σ_c·(x/x_c − 1)^ν"
    reference = "Rosenbaum et al., Phys. Rev. B 27, 7509 (1983); Lee & Ramakrishnan, Rev. Mod. Phys. 57, 287 (1985)"
    x = "control_parameter"
    y = "conductivity_S_per_cm"
    params_table = (
        Param("sigma_c", "S/cm", 100.0, 0.0, _INF, "prefactor (of order the minimum metallic conductivity)"),
        Param("x_c", "", 1.0, 0.0, _INF, "critical value of the control parameter (unit of x)"),
        Param("nu", "", 1.0, 0.0, 10.0, "conductivity critical exponent ν (≈ ½ uncompensated, ≈ 1 compensated)"),
    )
    reference_values = (
        Reference({"sigma_c": 20.0, "x_c": 2.0, "nu": 0.5}, (1.0, 2.0, 3.0, 6.0), (0.0, 0.0, 20.0 * math.sqrt(0.5), 20.0 * math.sqrt(2.0)),
                  "hand calculation: 20·(x/2 − 1)^½, 0 at and below x_c", rtol=1e-14),
    )

    @staticmethod
    def function(x, sigma_c, x_c, nu):
        """σ(0) in S/cm at control parameter x."""
        return F.critical_sigma(x, sigma_c, x_c, nu)

    def _guess(self, y, x):
        return G.critical_start(x, y)

    def diagnose(self, params, x):
        xs = np.asarray(x, dtype=float)
        xc = params[self.prefix + "x_c"].value
        n_metal = int(np.sum(np.isfinite(xs) & (xs > xc)))
        if n_metal < 4:
            return [f"only {n_metal} sample(s) lie on the metallic side x > x_c = {xc:.4g}: σ_c, x_c and ν need more"]
        return near_critical_sentences(xs, xc, params[self.prefix + "x_c"].stderr, params[self.prefix + "nu"].value)
