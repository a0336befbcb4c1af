"""Physical constants, all derived from :mod:`scipy.constants` (unit tables: :mod:`sigmafit.io.units`).

Nothing here is typed in by hand: every number is computed from CODATA values
shipped with SciPy, so the whole package agrees on one set of constants.

Conventions (see ``DESIGN.md`` §3):

* ``G_Q = e**2 / (pi * h) = e**2 / (2 pi**2 hbar)`` ≈ 1.2331e-5 S, the unit of
  weak-localization corrections to the sheet conductance.
* Characteristic field of a length ``L``: ``B = hbar / (4 e L**2)``
  (``HBAR_OVER_4E`` in T·m²).
* Optics: frequencies in cm⁻¹, conductivity in S/cm. ``Z_OPT = 1/(2 pi c eps0)``
  ≈ 59.9585 Ω converts ``sigma1[S/cm] = nu[cm-1] * eps2 / Z_OPT``.
"""

from __future__ import annotations

import math

from scipy import constants as _c

#: Elementary charge (C).
E_CHARGE: float = _c.e
#: Planck constant (J s).
H_PLANCK: float = _c.h
#: Reduced Planck constant (J s).
HBAR: float = _c.hbar
#: Boltzmann constant (J/K).
K_B: float = _c.k
#: Speed of light (m/s).
C_LIGHT: float = _c.c
#: Vacuum permittivity (F/m).
EPS0: float = _c.epsilon_0
#: Electron mass (kg).
M_E: float = _c.m_e
#: Vacuum permeability (T·m/A): a field H in A/m is μ0·H in tesla.
MU_0: float = _c.mu_0

#: Conductance quantum of weak-localization theory, e²/(πh) (S).
G_Q: float = E_CHARGE**2 / (math.pi * H_PLANCK)
#: e²/h (S), the other common unit.
E2_OVER_H: float = E_CHARGE**2 / H_PLANCK
#: ħ/(4e) (T·m²): B_i = HBAR_OVER_4E / L_i².
HBAR_OVER_4E: float = HBAR / (4.0 * E_CHARGE)

#: 1/(2π c ε0) (Ω): sigma1[S/cm] = nu[cm⁻¹]·eps2 / Z_OPT and sigma0 = wp²/(Z_OPT·gamma).
Z_OPT: float = 1.0 / (2.0 * math.pi * C_LIGHT * EPS0)
#: Speed of light in cm/s (for cm⁻¹ ↔ angular frequency).
C_CM_PER_S: float = C_LIGHT * 100.0
#: tau[fs] = TAU_FS_CM / gamma[cm⁻¹]  (tau = 1/(2π c gamma)).
TAU_FS_CM: float = 1e15 / (2.0 * math.pi * C_CM_PER_S)
#: Sum-rule constant: wp² = SUM_RULE · ∫σ1 dν  (= 2 Z_OPT / π).
SUM_RULE: float = 2.0 * Z_OPT / math.pi

#: cm⁻¹ per eV (photon energy → wavenumber).
CM1_PER_EV: float = E_CHARGE / (H_PLANCK * C_CM_PER_S)
#: cm⁻¹ per THz.
CM1_PER_THZ: float = 1e12 / C_CM_PER_S
#: cm⁻¹ per meV.
CM1_PER_MEV: float = CM1_PER_EV * 1e-3

# --- unit tables -----------------------------------------------------------
# The unit-conversion tables (FIELD_TO_T, CONDUCTANCE_TO_S, LENGTH_TO_NM, …) and
# spectral_to_cm1 / cm1_to_spectral moved to sigmafit.io.units, which computes them from
# its one unit parser (io is the only place units are converted, DESIGN.md §2).  They are
# still importable from here.


def __getattr__(name: str):
    from .io import units

    if name in units.LEGACY_TABLES:
        return getattr(units, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
