r"""Heat: low-temperature heat capacity (Sommerfeld + Debye + Schottky) and thermal-conductivity laws.

Pure numpy, SI inside (J, mol, K, W, m); constants from :mod:`sigmafit.constants` (scipy.constants).
Conventions of ``PHYSICS.md`` §6: C = γT + βT³ per mole of formula units; β = (12π⁴/5)·R·r/Θ_D³
with r atoms per formula unit; N(E_F) = 3γ/(π²k_B²); Wiedemann–Franz L = κ/(σT) → L₀ = (π²/3)(k_B/e)².
"""

from __future__ import annotations

import math

import numpy as np

from ...constants import E_CHARGE, K_B, N_A, R_GAS

__all__ = [
    "DEBYE_T3",
    "beta_from_debye",
    "debye_temperature",
    "dos_at_fermi_level",
    "low_t_heat_capacity",
    "power_law_kappa",
    "schottky",
]

#: (12π⁴/5)·R (J mol⁻¹ K⁻¹): β = DEBYE_T3·r/Θ_D³ (≈ 1943.770).
DEBYE_T3: float = 12.0 * math.pi**4 / 5.0 * R_GAS


def schottky(T, n, delta):
    r"""Two-level Schottky anomaly with equal degeneracies, J mol⁻¹ K⁻¹.

    C_Sch = n·R·x²·eˣ/(1 + eˣ)² = n·R·(x/2)²/cosh²(x/2),   x = Δ/T

    ``n`` two-level centres per formula unit (mol/mol), ``delta`` the splitting Δ/k_B in K, ``T`` in K.
    Maximum 0.43922·n·R at T ≈ 0.41678·Δ; C → 0 as T → 0 (exponentially) and as T → ∞ (∝ T⁻²).
    Written with cosh so that neither end overflows (x → ∞ gives 0, not nan).
    Reference: E. S. R. Gopal, *Specific Heats at Low Temperatures* (Plenum, 1966), ch. 3;
    A. Tari, *The Specific Heat of Matter at Low Temperatures* (2003), §5.2.
    """
    T = np.asarray(T, dtype=float)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        half = 0.5 * np.asarray(delta, dtype=float) / T
        c = np.where(np.abs(half) < 350.0, (half / np.cosh(np.minimum(np.abs(half), 350.0))) ** 2, 0.0)
    return n * R_GAS * c


def low_t_heat_capacity(T, gamma, beta, beta5=0.0, n_sch=0.0, delta=1.0):
    r"""Low-temperature molar heat capacity, J mol⁻¹ K⁻¹.

    C(T) = γT + βT³ + β₅T⁵ + C_Sch(T; n, Δ)

    ``gamma`` in J mol⁻¹ K⁻² (electrons, Sommerfeld), ``beta`` in J mol⁻¹ K⁻⁴ (Debye T³ phonons),
    ``beta5`` in J mol⁻¹ K⁻⁶ (next phonon term, dispersion), Schottky term :func:`schottky`
    (``n_sch`` mol/mol, ``delta`` K).  ``T`` in K.  The T³ law holds for T ≲ Θ_D/50.
    Reference: C. Kittel, *Introduction to Solid State Physics*, ch. 5–6; PHYSICS.md §6.
    """
    T = np.asarray(T, dtype=float)
    T2 = T * T
    return T * (gamma + T2 * (beta + beta5 * T2)) + schottky(T, n_sch, delta)


def debye_temperature(beta, r):
    r"""Debye temperature Θ_D = (12π⁴R·r/(5β))^(1/3) in K from β (J mol⁻¹ K⁻⁴) and r atoms per formula unit."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.cbrt(DEBYE_T3 * np.asarray(r, dtype=float) / np.asarray(beta, dtype=float))


def beta_from_debye(theta_D, r):
    r"""T³ coefficient β = 12π⁴R·r/(5Θ_D³) in J mol⁻¹ K⁻⁴ (Θ_D in K, r atoms per formula unit)."""
    return DEBYE_T3 * np.asarray(r, dtype=float) / np.asarray(theta_D, dtype=float) ** 3


def dos_at_fermi_level(gamma):
    r"""Density of states at E_F (both spins) from the Sommerfeld coefficient: N(E_F) = 3γ/(π²k_B²).

    ``gamma`` in J mol⁻¹ K⁻²; returns states per eV per formula unit (divide by N_A, multiply by e).
    γ = 0.695 mJ mol⁻¹ K⁻² (copper) ↔ 0.2948 states eV⁻¹ atom⁻¹ (PHYSICS.md §6).
    """
    return 3.0 * np.asarray(gamma, dtype=float) / (math.pi**2 * K_B**2 * N_A) * E_CHARGE


def power_law_kappa(T, a, b, beta_exp=3.0):
    r"""Low-temperature thermal conductivity κ(T) = a·T + b·T^β_exp, W m⁻¹ K⁻¹.

    The electronic part a·T (Wiedemann–Franz with a residual resistivity ρ₀: a = L₀/ρ₀ for elastic
    scattering) plus a phonon law b·T^β_exp (β_exp = 3 for boundary-limited phonons, 2–3 in practice).
    ``a`` in W m⁻¹ K⁻², ``b`` in W m⁻¹ K^−(1+β_exp), ``T`` in K.
    Reference: R. Berman, *Thermal Conduction in Solids* (Oxford, 1976), ch. 3 and 10.
    """
    T = np.asarray(T, dtype=float)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        return a * T + b * np.power(T, beta_exp)
