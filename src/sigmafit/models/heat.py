r"""Heat models (family ``"heat"``): low-temperature heat capacity and thermal conductivity.

* ``heat-capacity``: C(T) = γT + βT³ (+ β₅T⁵, + a two-level Schottky anomaly) per mole of formula units,
  fitted to ``molar_heat_capacity_J_per_molK`` (make it with
  :func:`sigmafit.prepare.heat.molar_heat_capacity`).  Derived: Θ_D from β and r atoms per formula unit
  (a parameter fixed at the user's value), N(E_F) from γ.
* ``kappa``: κ(T) = aT + bT^p (electrons + phonons) fitted to ``thermal_conductivity_W_per_mK``;
  :func:`electronic_kappa` subtracts the fitted phonon part with its error, for the phonon-subtracted
  Lorenz ratio (:func:`sigmafit.prepare.carriers.lorenz_ratio`).

Both data span decades and their scatter may be relative or absolute: by default each point is weighted by
1/σ with σ² = (f·ŷ)² + a² estimated from the data about a smooth curve ŷ (:func:`~sigmafit.models.guess.heat.noise_weights`);
a file's error column takes precedence.
"""

from __future__ import annotations

import math

import lmfit
import numpy as np
import pandas as pd

from ..prepare._common import finish, require
from .base import Derived, Param, Reference, RelativeWeights, SigmafitModel
from .formulas import heat as F
from .guess import heat as G
from .joint import ColumnData
from .registry import register

__all__ = ["HeatCapacityModel", "KappaModel", "electronic_kappa"]

_INF = math.inf
_MJ = 1e-3  # mJ → J
KAPPA = "thermal_conductivity_W_per_mK"
KAPPA_E = "electronic_thermal_conductivity_W_per_mK"
KAPPA_E_ERR = "electronic_thermal_conductivity_err_W_per_mK"


@register
class HeatCapacityModel(RelativeWeights, ColumnData, SigmafitModel):
    """C(T) = γT + βT³ + β₅T⁵ + C_Sch(T) in J mol⁻¹ K⁻¹ (T in K); Θ_D and N(E_F) derived.

    β₅ and the Schottky term (n_sch, Delta) are fixed at 0 by default: free them with ``init=``.
    ``r`` (atoms per formula unit) is a fixed parameter: set it (``fix={"r": 2}``) for Θ_D.
    """

    name = "heat-capacity"
    family = "heat"
    physics = "low-T heat capacity γT + βT³ (+β₅T⁵, + two-level Schottky); Θ_D, N(E_F) derived"
    reference = "Kittel, Introduction to Solid State Physics, ch. 5–6; Gopal, Specific Heats at Low Temperatures (1966)"
    x = "temperature_K"
    y = "molar_heat_capacity_J_per_molK"
    columns = (y,)
    positive = "a heat capacity is positive — check the addenda subtraction or drop those rows"
    plot_xscale = "log"
    params_table = (
        Param("gamma", "mJ/(mol·K²)", 1.0, description="Sommerfeld coefficient γ (electrons)"),
        Param("beta", "mJ/(mol·K⁴)", 0.05, 0.0, _INF, "Debye T³ coefficient β (phonons)"),
        Param("beta5", "mJ/(mol·K⁶)", 0.0, description="T⁵ phonon term (dispersion)", vary=False),
        Param("n_sch", "mol/mol", 0.0, 0.0, _INF, "two-level Schottky centres per formula unit", vary=False),
        Param("Delta", "K", 1.0, 0.0, _INF, "Schottky level splitting Δ/k_B", vary=False),
        Param("r", "atoms/f.u.", 1.0, 0.0, _INF, "atoms per formula unit (for Θ_D): set it with fix={'r': …}", vary=False),
    )
    derived_table = (
        Derived("theta_D", f"({F.DEBYE_T3 / _MJ!r}*r/beta)**(1/3)", "K", "Debye temperature (12π⁴R·r/(5β))^(1/3)"),
        Derived("N_EF", f"{float(F.dos_at_fermi_level(_MJ))!r}*gamma", "states/(eV·f.u.)", "density of states at E_F, 3γ/(π²k_B²), both spins"),
        Derived("N_EF_atom", "N_EF/r", "states/(eV·atom)", "N(E_F) per atom"),
    )
    reference_values = (
        Reference({"gamma": 0.695, "beta": 0.048, "beta5": 0.0, "n_sch": 0.0, "Delta": 1.0, "r": 1.0}, (2.0, 5.0),
                  (1.774e-3, 9.475e-3),
                  "hand calculation: 0.695e-3·T + 0.048e-3·T³ J/(mol K) at T = 2 and 5 K", rtol=1e-12),
        Reference({"gamma": 0.0, "beta": 0.0, "beta5": 0.0, "n_sch": 1.0, "Delta": 10.0, "r": 1.0},
                  (10.0 / 2.39935728051546767, 5.0), (0.43922883989064515 * 8.31446261815324, 0.41997434161402607 * 8.31446261815324),
                  "two-level Schottky: maximum C/(nR) = 0.4392288398906 at Δ/T = 2.3993572805 and x²eˣ/(1+eˣ)² = "
                  "0.4199743416140 at Δ/T = 2 (30-digit mpmath; Tari 2003 §5.2 quotes 0.44 R at T ≈ 0.42Δ); R = N_A·k_B "
                  "= 8.31446261815324 J/(mol K) (exact in the 2019 SI)",
                  rtol=1e-9),
    )

    @staticmethod
    def function(T, gamma, beta, beta5, n_sch, Delta, r):
        """C(T) in J/(mol K) from γ, β, β₅ in mJ units; ``r`` only enters the derived Θ_D."""
        del r
        return F.low_t_heat_capacity(T, gamma * _MJ, beta * _MJ, beta5 * _MJ, n_sch, Delta)

    def _guess(self, y, x):
        return G.heat_capacity_start(x, y)

    def default_weights(self, x, y):
        """1/σ with σ² = (f·Ĉ)² + a²: relative and absolute scatter about a smooth Ĉ = c₁T + c₃T³ + c₅T⁵, both
        estimated from the data.

        (:func:`~sigmafit.models.guess.heat.noise_weights`.)  Plain 1/|C| weights are right only for relative
        noise, and 1/|C_measured| biases γ low when the scatter is absolute (a low-T point that reads low gets more
        weight): with absolute noise they covered the truth in 34 % of the files, median pull −0.6."""
        w = G.noise_weights(x, y)
        return w if w is not None else super().default_weights(x, y)

    def diagnose(self, params, x):
        out = []
        v = {k: params[self.prefix + k].value for k in ("beta", "r")}
        T = np.asarray(x, dtype=float)
        T = T[np.isfinite(T) & (T > 0)]
        if T.size and v["beta"] > 0 and v["r"] > 0:
            theta = float(F.debye_temperature(v["beta"] * _MJ, v["r"]))
            if T.max() > theta / 30 and not params[self.prefix + "beta5"].vary:
                out.append(f"the data reach T = {T.max():.3g} K = Θ_D/{theta / T.max():.0f}: the T³ law holds for "
                           "T ≲ Θ_D/50; fit a narrower range (xmax=) or free beta5")
        return out


@register
class KappaModel(RelativeWeights, ColumnData, SigmafitModel):
    """κ(T) = aT + bT^p in W m⁻¹ K⁻¹ (T in K): electronic aT plus a phonon power law, p fixed at 3 by default."""

    name = "kappa"
    family = "heat"
    physics = "low-T thermal conductivity aT (electrons) + bT^p (phonons)"
    reference = "Berman, Thermal Conduction in Solids (Oxford, 1976)"
    x = "temperature_K"
    y = KAPPA
    columns = (KAPPA,)
    plot_xscale = "log"
    params_table = (
        Param("a", "W/(m·K²)", 1.0, description="electronic coefficient: κ_e = aT (= L₀/ρ₀ for elastic scattering)"),
        Param("b", "W/(m·K^(1+p))", 0.01, description="phonon amplitude: κ_ph = bT^p"),
        Param("p", "", 3.0, 0.0, 10.0, "phonon exponent (3 for boundary-limited phonons)", vary=False),
    )
    reference_values = (
        Reference({"a": 2.0, "b": 0.01, "p": 3.0}, (1.0, 4.0), (2.01, 8.64), "hand calculation: 2T + 0.01T³", rtol=1e-14),
    )

    @staticmethod
    def function(T, a, b, p):
        """κ(T) in W/(m K)."""
        return F.power_law_kappa(T, a, b, p)

    def _guess(self, y, x):
        return G.kappa_start(x, y, self._p_default())

    def default_weights(self, x, y):
        """1/σ with σ² = (f·κ̂)² + a² about a smooth κ̂ = c₁T + c₂T^p + c₃T^(p+2), relative and absolute scatter both
        estimated from the data"""
        # Plain 1/|κ_measured| weights are right only for relative noise: with an absolute σ (a fixed heater power and
        # thermometer noise) the low-T points that read low got the most weight, and `a` covered the truth in none of
        # 40 simulated files (median pull −7, 11 misses > 3σ without a warning); see docs/carriers-and-heat.md.
        p = self._p_default()
        w = G.noise_weights(x, y, (1.0, p, p + 2.0))
        return w if w is not None else super().default_weights(x, y)

    def _p_default(self) -> float:
        return next(p.default for p in self.params_table if p.name == "p")


def electronic_kappa(df: pd.DataFrame, params: lmfit.Parameters, *, prefix: str = "") -> pd.DataFrame:
    """κ_e = κ − bT^p: ``df`` with ``electronic_thermal_conductivity_W_per_mK`` (and its error) added.

    ``params`` are fitted ``kappa`` parameters (a fit result's ``params``); the phonon part's error comes
    from the stderr and correlation of b (and p when it was fitted), added in quadrature to the κ error
    column announced in ``attrs["sigmafit"]["errors"]`` (taken as 0 when there is none).  Feed the result
    to :func:`sigmafit.prepare.carriers.lorenz_ratio` with ``kappa=`` this column.
    """
    require(df, ["temperature_K", KAPPA], "electronic_kappa")
    T = df["temperature_K"].to_numpy(float)
    b, p = params[prefix + "b"], params[prefix + "p"]
    with np.errstate(divide="ignore", invalid="ignore"):
        Tp = np.power(T, p.value)
        kph = b.value * Tp
        var = (Tp * (b.stderr or 0.0)) ** 2
        if p.vary and p.stderr:
            dp = kph * np.log(T)
            rho = (b.correl or {}).get(prefix + "p", 0.0)
            var = var + (dp * p.stderr) ** 2 + 2.0 * rho * Tp * dp * (b.stderr or 0.0) * p.stderr
    out = df.copy()
    out[KAPPA_E] = df[KAPPA].to_numpy(float) - kph
    errors = dict(df.attrs.get("sigmafit", {}).get("errors") or {})
    ek = errors.get(KAPPA)
    e_kappa = df[ek].to_numpy(float) if ek in df.columns else np.zeros(len(df))
    out[KAPPA_E_ERR] = np.sqrt(e_kappa**2 + var)
    res = finish(out, df, "electronic_kappa", b=b.value, b_err=b.stderr, p=p.value, p_vary=bool(p.vary))
    res.attrs["sigmafit"]["errors"] = {**errors, KAPPA_E: KAPPA_E_ERR}
    return res
