r"""Carriers from the Hall effect: single-band Hall coefficient, density, mobility, and two bands.

Pure numpy on top of the one classical tensor (:mod:`sigmafit.models.formulas.tensor`); conventions of
``PHYSICS.md`` §6: ρ_xy = R_H·B at low field, R_H = 1/(q n) with q = +e for holes and −e for electrons,
n_s = 1/(e |dR_xy/dB|), Hall mobility μ_H = |R_H|/ρ_xx(0).

Units (the transport habit, not SI; the tensor itself is SI):

* **sheet** (2D): densities in cm⁻², ρ_xx and ρ_xy in Ω (per square), R_H in Ω/T;
* **bulk** (3D): densities in cm⁻³, ρ in Ω·cm, R_H in Ω·cm/T;
* mobilities in cm²/(V·s), fields in T.

With these units σ = e·n·μ comes out in S (sheet) or S/cm (bulk) with the same expression, and
n = 1e−4/(e·R_H) holds in both (R_H in Ω/T → cm⁻²; in Ω·cm/T → cm⁻³): the sheet and bulk formulas
are one formula.
"""

from __future__ import annotations

import numpy as np

from ...constants import E_CHARGE, MOBILITY_SI
from . import tensor

__all__ = [
    "DENSITY_FACTOR",
    "MOBILITY_FACTOR",
    "hall_density",
    "hall_mobility",
    "low_field_hall",
    "two_band",
    "two_band_low_field",
]

#: n [cm⁻² or cm⁻³] = DENSITY_FACTOR / R_H [Ω/T or Ω·cm/T]  (= 1e−4/e).
DENSITY_FACTOR: float = 1e-4 / E_CHARGE
#: μ [cm²/Vs] = MOBILITY_FACTOR · |R_H|/ρ_xx  (R_H/ρ in 1/T = m²/Vs; 1 m²/Vs = 1e4 cm²/Vs).
MOBILITY_FACTOR: float = 1.0 / MOBILITY_SI
# n [cm⁻² or cm⁻³] · 1e4 gives the tensor's S (sheet) or S/cm (bulk); μ [cm²/Vs] · MOBILITY_SI = μ [m²/Vs].
_N_TO_TENSOR = 1e4


def hall_density(R_H):
    """Signed carrier density n = 1/(e·R_H): positive for holes, negative for electrons.

    ``R_H`` in Ω/T (sheet: R_xy per tesla) gives cm⁻²; in Ω·cm/T (bulk) gives cm⁻³.
    R_H = 0 gives ±inf (no Hall voltage: no density can be inferred).
    Reference: PHYSICS.md §6; Ashcroft & Mermin, *Solid State Physics*, ch. 1.
    """
    with np.errstate(divide="ignore"):
        return DENSITY_FACTOR / np.asarray(R_H, dtype=float)


def hall_mobility(R_H, rho_xx0):
    """Hall mobility μ_H = |R_H|/ρ_xx(0) in cm²/(V·s).

    ``R_H`` in Ω/T with ``rho_xx0`` in Ω (sheet), or Ω·cm/T with Ω·cm (bulk).
    Reference: PHYSICS.md §6.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return MOBILITY_FACTOR * np.abs(np.asarray(R_H, dtype=float)) / np.asarray(rho_xx0, dtype=float)


def low_field_hall(B, rho_xx0, mr2, R_H, h3):
    r"""Low-field expansion of the resistivity tensor, the parities Onsager allows.

    ρ_xx(B) = ρ_xx(0) + a₂·B²,   ρ_xy(B) = R_H·B + h₃·B³

    A single Drude band has a₂ = h₃ = 0 at every field (no magnetoresistance, linear Hall); two bands
    give a₂ > 0 and h₃ ≠ 0 (:func:`two_band_low_field`), so R_H here is the zero-field slope
    dρ_xy/dB|₀ when h₃ is fitted, and the least-squares slope through the origin when h₃ = 0.
    ``B`` in T; ``rho_xx0`` in Ω (Ω·cm), ``mr2`` in Ω/T² (Ω·cm/T²), ``R_H`` in Ω/T (Ω·cm/T),
    ``h3`` in Ω/T³ (Ω·cm/T³).  Returns (ρ_xx, ρ_xy).
    """
    B = np.asarray(B, dtype=float)
    B2 = B * B
    return rho_xx0 + mr2 * B2, B * (R_H + h3 * B2)


def two_band(B, bands):
    r"""(ρ_xx, ρ_xy) of several classical bands, in transport units.

    ``bands`` is an iterable of ``(n, mu, sign)``: density in cm⁻² (→ ρ in Ω) or cm⁻³ (→ ρ in Ω·cm),
    mobility μ > 0 in cm²/(V·s), sign +1 for holes and −1 for electrons.  A signed density (n < 0)
    flips the band's sign, so ``(−n, μ, +1)`` is the electron band ``(n, μ, −1)``.  Computed by
    :func:`sigmafit.models.formulas.tensor.resistivity` (PHYSICS.md §6):

    σ_xx = Σ nᵢeμᵢ/(1 + μᵢ²B²),  σ_xy = −Σ sᵢnᵢeμᵢ²B/(1 + μᵢ²B²),  ρ = σ⁻¹.
    """
    si = []
    for n, mu, sign in bands:
        n = np.asarray(n, dtype=float)
        si.append((np.abs(n) * _N_TO_TENSOR, np.asarray(mu, dtype=float) * MOBILITY_SI, np.asarray(sign, dtype=float) * np.where(n < 0, -1.0, 1.0)))
    return tensor.resistivity(B, si)


def two_band_low_field(bands):
    r"""Zero-field limits of :func:`two_band`: (ρ_xx(0), R_H(0), a₂) in transport units.

    With band conductances gᵢ = e nᵢμᵢ, σ₀ = Σ gᵢ, A = Σ sᵢgᵢμᵢ and M = Σ gᵢμᵢ² (μ in m²/Vs):
    ρ_xx(0) = 1/σ₀, R_H(0) = A/σ₀² (for electrons n, μ_e and holes p, μ_h the textbook
    (pμ_h² − nμ_e²)/(e(pμ_h + nμ_e)²)), and ρ_xx = ρ_xx(0)·(1 + [M/σ₀ − (A/σ₀)²]·B²) + O(B⁴), so
    a₂ = ρ_xx(0)·(M/σ₀ − (A/σ₀)²) ≥ 0 (zero for one band).
    Reference: Ziman, *Principles of the Theory of Solids*, §7.6; PHYSICS.md §6.
    """
    s0 = A = M2 = 0.0
    for n, mu, sign in bands:
        n = float(n)
        s = float(sign) * (-1.0 if n < 0 else 1.0)
        mu_si = float(mu) * MOBILITY_SI
        g = abs(n) * _N_TO_TENSOR * E_CHARGE * mu_si  # band conductance (S or S/cm)
        s0 += g
        A += s * g * mu_si
        M2 += g * mu_si * mu_si
    rho0 = 1.0 / s0
    return rho0, A / s0**2, rho0 * (M2 / s0 - (A / s0) ** 2)
