"""How parameter names read in reports and figures: ``L_phi`` → ``L_φ``, ``wp2`` → ``ω_p2``.

One table for the whole package (a model may still set :attr:`Param.symbol` to override it).
Numbered copies — the oscillators of ``drude-lorentz`` (``wp1``, ``nu01``), the bands of
``two-drude`` (``sigma0_1``) — take the symbol of their root followed by the number.
"""

from __future__ import annotations

import re

#: Parameter or derived-quantity name → display symbol (unicode, no TeX).
SYMBOLS: dict[str, str] = {
    # weak localization
    "alpha": "α",
    "L_phi": "L_φ",
    "L_so": "L_so",
    "L_e": "ℓ",
    "L_s": "L_s",
    "L_i": "L_i",
    "L_star": "L_*",
    "L_asy": "L_asy",
    "L_sym": "L_sym",
    "B_phi": "B_φ",
    "B_so": "B_so",
    "B_i": "B_i",
    "B_star": "B_*",
    "B_asy": "B_asy",
    "B_sym": "B_sym",
    "tau_phi": "τ_φ",
    "tau_asy": "τ_asy",
    "tau_sym": "τ_sym",
    "tau_so": "τ_so",
    "D": "D",
    "W": "W",
    "L": "L",
    # classical background and instrument terms
    "c2": "c₂ (B² background)",
    "bg_c2": "c₂ (B² background)",
    "c0": "Δσ offset",
    "off_c0": "Δσ offset",
    # measurement model (raw R_xx, R_xy): Drude bands and instrument terms
    "mu": "μ",
    "sign": "carrier sign",
    "n_s": "n_s",
    "R_sheet0": "R_□(0)",
    "B_off": "B_off",
    "pickup": "pickup ρ_xy → R_xx",
    "pickup_xy": "pickup R_xx → R_xy",
    "offset_xy": "R_xy offset",
    # temperature laws
    "sigma0": "σ₀",
    "A": "A",
    "A_lnT": "A (ln T)",
    "p": "p",
    "L1": "L_φ(1 K)",
    "L_sat": "L_sat",
    "T_sat": "T_sat",
    "R0": "R₀",
    "T0": "T₀",
    "s": "s",
    "Ea": "E_a",
    "rho0": "ρ₀",
    "theta_D": "Θ_D",
    "n": "n",
    "R_K0": "R_K(0)",
    "T_K": "T_K",
    "slope_hot": "dρ/dT (T ≫ Θ_D)",
    # carriers (Hall, two bands) and the 3D metal–insulator side
    "rho_xx0": "ρ_xx(0)",
    "mr2": "a₂ (B² magnetoresistance)",
    "R_H": "R_H",
    "h3": "h₃ (B³ Hall term)",
    "mu_H": "μ_H",
    "n1": "n₁",
    "mu1": "μ₁",
    "s1": "s₁ (carrier sign)",
    "n2": "n₂",
    "mu2": "μ₂",
    "s2": "s₂ (carrier sign)",
    "m": "m (T^½ term)",
    "b": "b",
    "sigma_c": "σ_c",
    "x_c": "x_c",
    "nu": "ν",
    # heat
    "beta": "β",
    "beta5": "β₅",
    "n_sch": "n_Sch",
    "Delta": "Δ",
    "r": "r (atoms/f.u.)",
    "N_EF": "N(E_F)",
    "N_EF_atom": "N(E_F) per atom",
    "a": "a (electronic)",
    # optics
    "eps_inf": "ε_∞",
    "wp": "ω_p",
    "gamma": "γ",
    "nu0": "ν₀",
    "tau": "τ",
    "rho_dc": "ρ_dc",
    "hbar_wp": "ħω_p",
    "n_over_m": "n/m*",
    "c": "c",
    "sigma_dc": "σ_dc",
}

_NUMBER = re.compile(r"^_?(\d+)$")


def symbol(name: str) -> str:
    """Display symbol of ``name`` (the name itself when the table has none).

    A numbered copy of a known root reads as the root's symbol with the number: ``wp1`` → ``ω_p1``,
    ``gamma2`` → ``γ_2``, ``nu01`` → ``ν₀_1``, ``sigma0_1`` → ``σ₀_1`` (the longest known root wins).
    """
    if name in SYMBOLS:
        return SYMBOLS[name]
    for k in range(len(name) - 1, 0, -1):
        root, m = name[:k], _NUMBER.match(name[k:])
        if m and root in SYMBOLS:
            sym = SYMBOLS[root]
            return f"{sym}{m.group(1)}" if sym.endswith(("_p", "_so")) else f"{sym}_{m.group(1)}"
    return name
