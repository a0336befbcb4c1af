"""Physical constants and a few fixed unit tables, all derived from :mod:`scipy.constants`.

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
#: Avogadro constant (1/mol).
N_A: float = _c.N_A
#: Molar gas constant R = N_A·k_B (J mol⁻¹ K⁻¹).
R_GAS: float = _c.R
#: Sommerfeld value of the Lorenz number, L₀ = (π²/3)(k_B/e)² ≈ 2.443e-8 W·Ω·K⁻² (Wiedemann–Franz).
LORENZ_0: float = math.pi**2 / 3.0 * (K_B / E_CHARGE) ** 2

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

#: m²/(V·s) per cm²/(V·s): mobilities are reported in cm²/(V·s) and enter the SI tensor as μ·MOBILITY_SI.
MOBILITY_SI: float = 1e-4

#: cm⁻¹ per eV (photon energy → wavenumber).
CM1_PER_EV: float = E_CHARGE / (H_PLANCK * C_CM_PER_S)

#: Vacuum permeability (T·m/A): a field H in A/m is μ0·H in tesla.
MU_0: float = _c.mu_0

# --- unit tables -----------------------------------------------------------
# Every unit in a file or an option is read by sigmafit.io.units (one parser; io is the only
# place data are converted, DESIGN.md §2; spectral coordinates → cm⁻¹ is io.units.to_cm1).
# These two fixed tables serve code outside io that converts known units (conductance units in
# prepare, lengths in prepare and in the models' start values); a test checks that they agree
# with the parser.

#: Conductance → siemens.
CONDUCTANCE_TO_S: dict[str, float] = {"S": 1.0, "mS": 1e-3, "uS": 1e-6, "e2/h": E2_OVER_H, "G_Q": G_Q}
#: Length → nanometre.
LENGTH_TO_NM: dict[str, float] = {"nm": 1.0, "um": 1e3, "mm": 1e6, "cm": 1e7, "m": 1e9, "A": 0.1}
