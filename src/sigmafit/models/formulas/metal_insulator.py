r"""The 3D metallic side of the Anderson transition: σ(T) at low T and the critical law of σ(0).

Pure numpy.  Units: conductivities in S/cm (any unit works: the result has the unit of the prefactor),
temperatures in K.

References: P. A. Lee and T. V. Ramakrishnan, Rev. Mod. Phys. 57, 287 (1985), §III–IV (3D interaction
correction ∝ T^½, localization correction ∝ T^(p/2) from L_φ ∝ T^(−p/2)); T. F. Rosenbaum, R. F. Milligan,
M. A. Paalanen, G. A. Thomas, R. N. Bhatt and W. Lin, Phys. Rev. B 27, 7509 (1983) (critical scaling);
PHYSICS.md §6.
"""

from __future__ import annotations

import numpy as np

__all__ = ["critical_sigma", "metal_sigma"]


def metal_sigma(T, sigma0, m, b, p):
    """3D metal near the transition: σ(T) = σ(0) + m·T^½ + b·T^(p/2).

    m·T^½ is the electron–electron interaction correction (either sign), b·T^(p/2) weak localization
    with dephasing rate ∝ T^p (b > 0).  ``T`` in K (≥ 0); σ0 in S/cm, m in S/(cm·K^½), b in S/(cm·K^(p/2)).
    """
    T = np.asarray(T, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        return sigma0 + m * np.sqrt(T) + b * np.power(T, 0.5 * p)


def critical_sigma(x, sigma_c, x_c, nu):
    """Critical scaling of the zero-temperature conductivity across samples.

    σ(0) = σ_c·(x/x_c − 1)^ν  for x > x_c,   0  for x ≤ x_c (insulating side)

    ``x`` the control parameter (concentration, pressure, …) in the unit of ``x_c`` (> 0); σ_c in S/cm;
    ν the conductivity exponent (≈ ½ in uncompensated Si:P, ≈ 1 in compensated semiconductors).
    """
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        d = np.maximum(x / x_c - 1.0, 0.0)
        return sigma_c * np.where(d > 0, np.power(d, nu), 0.0)
