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

#: cm⁻¹ per eV (photon energy → wavenumber).
CM1_PER_EV: float = E_CHARGE / (H_PLANCK * C_CM_PER_S)
#: cm⁻¹ per THz.
CM1_PER_THZ: float = 1e12 / C_CM_PER_S
#: cm⁻¹ per meV.
CM1_PER_MEV: float = CM1_PER_EV * 1e-3

#: Vacuum permeability (T·m/A): a field H in A/m is μ0·H in tesla.
MU_0: float = _c.mu_0

# --- unit tables -----------------------------------------------------------
# Every unit in a file or an option is read by sigmafit.io.units (one parser; io is the only
# place data are converted, DESIGN.md §2).  These few fixed tables serve code outside io that
# converts known units (prepare: conductance units, lengths; spectral positions); a test checks
# that they agree with the parser.

#: Conductance → siemens.
CONDUCTANCE_TO_S: dict[str, float] = {"S": 1.0, "mS": 1e-3, "uS": 1e-6, "e2/h": E2_OVER_H, "G_Q": G_Q}
#: Length → nanometre.
LENGTH_TO_NM: dict[str, float] = {"nm": 1.0, "um": 1e3, "mm": 1e6, "cm": 1e7, "m": 1e9, "A": 0.1}

#: Linear spectral units → cm⁻¹ (multiply).  Wavelengths are reciprocal: see WAVELENGTH_UM.
SPECTRAL_TO_CM1: dict[str, float] = {"cm-1": 1.0, "eV": CM1_PER_EV, "meV": CM1_PER_MEV, "THz": CM1_PER_THZ}
#: Wavelength units → micrometres (then nu[cm⁻¹] = 1e4 / lambda[µm]).
WAVELENGTH_TO_UM: dict[str, float] = {"um": 1.0, "nm": 1e-3, "A": 1e-4, "mm": 1e3}


def spectral_to_cm1(value, unit: str):
    """Convert a spectral coordinate (energy, frequency, wavenumber or wavelength) to cm⁻¹.

    ``unit`` is one of ``SPECTRAL_TO_CM1`` (linear) or ``WAVELENGTH_TO_UM`` (reciprocal).
    Works on scalars and numpy arrays; raises ``KeyError`` for an unknown unit.
    """
    if unit in SPECTRAL_TO_CM1:
        return value * SPECTRAL_TO_CM1[unit]
    return 1e4 / (value * WAVELENGTH_TO_UM[unit])


def cm1_to_spectral(value, unit: str):
    """Inverse of :func:`spectral_to_cm1` (cm⁻¹ → ``unit``)."""
    if unit in SPECTRAL_TO_CM1:
        return value / SPECTRAL_TO_CM1[unit]
    return 1e4 / value / WAVELENGTH_TO_UM[unit]
