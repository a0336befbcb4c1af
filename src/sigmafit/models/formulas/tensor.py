r"""The classical (Drude) conductivity tensor of one or more carrier bands, and its inverse.

Pure numpy, SI units.  Shared by the Hall and two-band models and by the measurement model of
raw R_xx(B), R_xy(B) files (one classical tensor in the whole package).

Conventions (``PHYSICS.md`` §6):

* band *i* has density nᵢ > 0, mobility μᵢ > 0 (m²/Vs) and sign sᵢ = +1 for holes, −1 for electrons;
* σ_xx = Σ nᵢ e μᵢ / (1 + μᵢ² B²),   σ_xy = −Σ sᵢ nᵢ e μᵢ² B / (1 + μᵢ² B²);
* ρ = σ⁻¹:  ρ_xx = σ_xx / (σ_xx² + σ_xy²),   ρ_xy = −σ_xy / (σ_xx² + σ_xy²),
  so one band gives ρ_xy = s·B/(n e) = R_H·B with R_H = 1/(q n), q = s·e (holes positive);
* densities in m⁻³ give conductivities in S/m and resistivities in Ω·m; sheet densities in m⁻²
  give sheet conductances in S and sheet resistances in Ω (per square).  The formulas are the same.

B is in tesla, any sign; every function broadcasts over B and the band parameters.
"""

from __future__ import annotations

import numpy as np

from ...constants import E_CHARGE

__all__ = ["band_conductivity", "conductivity", "invert", "resistivity"]


def band_conductivity(B, n, mu, sign):
    r"""(σ_xx, σ_xy) of one band: n e μ/(1 + μ²B²) and −s n e μ² B/(1 + μ²B²).

    ``n`` in m⁻³ (→ S/m) or m⁻² (→ S), ``mu`` in m²/Vs, ``sign`` +1 holes / −1 electrons, B in T.
    """
    B = np.asarray(B, dtype=float)
    mu = np.asarray(mu, dtype=float)
    s0 = np.asarray(n, dtype=float) * E_CHARGE * mu
    d = 1.0 + (mu * B) ** 2
    return s0 / d, -np.asarray(sign, dtype=float) * s0 * mu * B / d


def conductivity(B, bands):
    r"""(σ_xx, σ_xy) summed over ``bands``, an iterable of ``(n, mu, sign)`` (see :func:`band_conductivity`)."""
    sxx = sxy = 0.0
    for n, mu, sign in bands:
        a, b = band_conductivity(B, n, mu, sign)
        sxx = sxx + a
        sxy = sxy + b
    return np.asarray(sxx, dtype=float), np.asarray(sxy, dtype=float)


def invert(axx, axy):
    r"""Inverse of the 2×2 antisymmetric tensor [[a_xx, a_xy], [−a_xy, a_xx]]: (a_xx, −a_xy)/(a_xx² + a_xy²).

    Maps σ → ρ and ρ → σ alike.
    """
    axx = np.asarray(axx, dtype=float)
    axy = np.asarray(axy, dtype=float)
    d = axx * axx + axy * axy
    with np.errstate(divide="ignore", invalid="ignore"):
        return axx / d, -axy / d


def resistivity(B, bands):
    r"""(ρ_xx, ρ_xy) of ``bands`` = the inverse of :func:`conductivity` (Ω·m for n in m⁻³, Ω for n in m⁻²)."""
    return invert(*conductivity(B, bands))
