"""Metallic R(T) models (family ``"temperature"``): Bloch–Grüneisen phonon scattering, alone and with a Kondo or a
2D ln T term at low temperature.  Formulas: :mod:`sigmafit.models.formulas.temperature`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize

from ..constants import G_Q
from .base import Derived, Param, Reference
from .formulas import temperature as F
from .registry import register
from .temperature import _INF, _TemperatureModel, _values


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
        # ρ0 lies below the resistance minimum of a Kondo metal (the Kondo part adds to it): the non-negative constant
        # of the NNLS must be able to reach it (with base = min R it was held at 0, and T_K went to the grid's end)
        base = y.min() - np.ptp(y)
        for th in _THETA_GRID[::2]:
            f = F.bloch_gruneisen(x, 0.0, 1.0, th, n)
            for tk in _TK_GRID:
                g = F.kondo(x, 1.0, tk)
                coef, rss = _nnls_fit([np.ones_like(x), f, g], y - base)
                if best is None or rss < best[0]:
                    best = (rss, th, tk, coef)
        # refine Θ_D jointly with T_K: the coarse Θ_D grid (steps of 19 %) leaves a misfit of the phonon part at
        # high T (Ω's) that can outweigh the Kondo term (often < 1 Ω) in the choice of T_K
        th0 = best[1]
        tk_fine = np.geomspace(_TK_GRID[0], _TK_GRID[-1], 2 * _TK_GRID.size)
        for th in th0 * np.geomspace(0.85, 1.18, 33):
            f = F.bloch_gruneisen(x, 0.0, 1.0, th, n)
            for tk in tk_fine:
                coef, rss = _nnls_fit([np.ones_like(x), f, F.kondo(x, 1.0, tk)], y - base)
                if rss < best[0]:
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
