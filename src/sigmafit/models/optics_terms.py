"""The optics family's model function and parameter tables (one dielectric function, many terms).

σ(ν) (S/cm, conduction part from ε∞) is a sum of Drude (ω_p, γ), Lorentz (ω_p, ν0, γ) and
Drude–Smith (ω_p, γ, c) terms (:mod:`sigmafit.models.formulas.optics`); :class:`OpticsFunction`
turns it into the observable the model fits (:func:`sigmafit.models.optical_observables.observe`)
with the parameter names of its kind.  Frequencies in cm⁻¹.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from ..constants import CM1_PER_EV, TAU_FS_CM, Z_OPT
from .base import Derived, Param
from .formulas import optics as F
from .guess.optics import GAMMA_MIN
from .optical_observables import FilmStack, observe

__all__ = ["SIGMA0", "OpticsFunction", "drude_derived", "drude_params", "eps_inf_param", "metal_derived",
           "oscillator_params", "param_names", "sigma", "terms"]

# --- the model function ---------------------------------------------------------------------


class OpticsFunction:
    """Picklable model function with an explicit signature ``(nu, eps_inf, <params>)``.

    lmfit reads parameter names from ``inspect.signature``; N-oscillator models need names
    decided at construction, so the signature is built here instead of written out.
    """

    def __init__(self, kind: str, n_oscillators: int, observable: str, sigma_reference: str, film: FilmStack | None = None):
        self.kind = kind
        self.n_oscillators = n_oscillators
        self.observable = observable
        self.sigma_reference = sigma_reference
        self.film = film
        self.names = param_names(kind, n_oscillators)
        P = inspect.Parameter
        self.__signature__ = inspect.Signature(
            [P("nu", P.POSITIONAL_OR_KEYWORD)] + [P(n, P.POSITIONAL_OR_KEYWORD) for n in self.names]
        )
        self.__name__ = kind.replace("-", "_")
        self.__doc__ = f"{kind} model of the {observable!r} observable at nu (cm-1)."

    def __call__(self, nu, *args, **kwargs):
        values = dict(zip(self.names, args))
        values.update(kwargs)
        return observe(nu, values["eps_inf"], sigma(self.kind, self.n_oscillators, nu, values),
                       self.observable, sigma_reference=self.sigma_reference, film=self.film)

    def __getstate__(self):
        return (self.kind, self.n_oscillators, self.observable, self.sigma_reference, self.film)

    def __setstate__(self, state):
        self.__init__(*state)


def param_names(kind: str, n: int) -> tuple[str, ...]:
    osc = tuple(f"{p}{j}" for j in range(1, n + 1) for p in ("wp", "nu0", "gamma"))
    return {
        "drude": ("eps_inf", "wp", "gamma"),
        "two-drude": ("eps_inf", "wp1", "gamma1", "wp2", "gamma2"),
        "drude-smith": ("eps_inf", "wp", "gamma", "c"),
        "drude-lorentz": ("eps_inf", "wp", "gamma") + osc,
        "lorentz": ("eps_inf",) + osc,
    }[kind]


def terms(kind: str, n: int, v: dict[str, float]) -> dict[str, list[tuple]]:
    """Drude, Lorentz and Drude–Smith terms of a parameter set (for σ and sum rules)."""
    osc = [(v[f"wp{j}"], v[f"nu0{j}"], v[f"gamma{j}"]) for j in range(1, n + 1)]
    if kind == "drude":
        return {"drude_terms": [(v["wp"], v["gamma"])]}
    if kind == "two-drude":
        return {"drude_terms": [(v["wp1"], v["gamma1"]), (v["wp2"], v["gamma2"])]}
    if kind == "drude-smith":
        return {"smith_terms": [(v["wp"], v["gamma"], v["c"])]}
    if kind == "drude-lorentz":
        return {"drude_terms": [(v["wp"], v["gamma"])], "lorentz_terms": osc}
    return {"lorentz_terms": osc}


def sigma(kind: str, n: int, nu, v: dict[str, float]) -> np.ndarray:
    t = terms(kind, n, v)
    s = F.drude_lorentz_sigma(nu, t.get("drude_terms", ()), t.get("lorentz_terms", ()))
    for wp, gamma, c in t.get("smith_terms", ()):
        s = s + F.drude_smith_sigma(nu, wp, gamma, c)
    return s


# --- shared tables --------------------------------------------------------------------------

SIGMA0 = f"{{wp}}**2/({Z_OPT!r}*{{gamma}})"


def eps_inf_param(vary: bool, minimum: float = 1.0) -> Param:
    return Param("eps_inf", "", max(1.0, minimum), minimum, math.inf, "high-frequency dielectric constant ε∞", vary=vary)


def drude_params(wp="wp", gamma="gamma", what="free carriers", gamma_default=100.0) -> tuple[Param, Param]:
    return (
        Param(wp, "cm⁻¹", 1e4, 0.0, math.inf, f"plasma frequency of the {what}"),
        Param(gamma, "cm⁻¹", gamma_default, GAMMA_MIN, math.inf, f"scattering rate 1/(2πcτ) of the {what}"),
    )


def drude_derived(wp="wp", gamma="gamma", suffix="") -> tuple[Derived, ...]:
    s0 = SIGMA0.format(wp=wp, gamma=gamma)
    return (
        Derived(f"sigma0{suffix}", s0, "S/cm", "dc conductivity ω_p²/(Zγ)"),
        Derived(f"tau{suffix}", f"{TAU_FS_CM!r}/{gamma}", "fs", "relaxation time 1/(2πcγ)"),
    )


def metal_derived(wp2: str, sigma0: str) -> tuple[Derived, ...]:
    """ρ_dc, ħω_p and n/m* from expressions of ω_p² and σ0 in the *fitted* parameters.

    Every expression uses fitted parameters only: lmfit does not order derived-of-derived
    expressions when it builds parameters.
    """
    return (
        Derived("rho_dc", f"1e6/({sigma0})", "µΩ·cm", "dc resistivity 1/σ(0)"),
        Derived("hbar_wp", f"sqrt({wp2})/{CM1_PER_EV!r}", "eV", "plasma energy ħω_p"),
        Derived("n_over_m", f"{F.N_EFF_PER_WP2!r}*({wp2})", "cm⁻³", "carrier density per m*/m_e, ε0 m_e ω_p²/e²"),
    )


def oscillator_params(n: int) -> tuple[Param, ...]:
    out: list[Param] = []
    for j in range(1, n + 1):
        out += [
            Param(f"wp{j}", "cm⁻¹", 1e3 * j, 0.0, math.inf, f"oscillator {j} strength (plasma frequency)"),
            Param(f"nu0{j}", "cm⁻¹", 1e3 * j, 0.0, math.inf, f"oscillator {j} resonance"),
            Param(f"gamma{j}", "cm⁻¹", 100.0 * j, GAMMA_MIN, math.inf, f"oscillator {j} width"),
        ]
    return tuple(out)
