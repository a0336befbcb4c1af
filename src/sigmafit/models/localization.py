"""Weak localization / antilocalization models (family ``"magnetoconductance"``).

Thin :class:`~sigmafit.models.base.SigmafitModel` wrappers over
:mod:`sigmafit.models.formulas.localization`.  Table units: lengths in nm, fields in T,
times in ps, Δσ in S (sheet conductance; ``kawabata`` in S/m, ``wire`` in S).  The
independent variable is ``B`` (T), any sign, zero allowed: ``model.fit(y, params, B=B)``.

Characteristic fields: ``B_i = ħ/(4e L_i²)`` (``B_i[T] = {HBAR_OVER_4E}·1e18 / L_i[nm]²``), except
the elastic field of ``hln-so``, ``B_e = ħ/(2e ℓ²)`` with ℓ = ``L_e`` the mean free path.

Start values (:meth:`_guess`) come from :mod:`sigmafit.models.guess.localization`, which also
estimates many curves at once (:func:`~sigmafit.models.guess.localization.guess_many`).

Which limit each formula is (``PHYSICS.md`` §2): ``hln`` is the simplified HLN form
(|B| ≪ B_so, B_e); ``hln-so`` is HLN with isotropic spin–orbit *scattering* (Elliott–Yafet,
metal films), diffusive (|B| ≪ B_e, or an explicit elastic cut-off through ``L_e``);
``hln-dp`` is the three-digamma D'yakonov–Perel form, which is the k-cubic (single-harmonic)
limit of the Iordanskii–Lyanda-Geller–Pikus (ILP) theory and the usual approximation — not the
exact result — for k-linear Rashba/Dresselhaus spin–orbit fields, diffusive (|B| ≪ B_e);
``graphene-soc`` / ``graphene-soc-tau`` are McCann & Fal'ko's form for fast intervalley
scattering, parameterized by the asymmetric and symmetric spin–orbit rates so that
τ_so = (1/τ_asy + 1/τ_sym)⁻¹ ≤ τ_asy holds by construction.
"""

from __future__ import annotations

import math
from typing import ClassVar

import lmfit
import numpy as np

from ..constants import E_CHARGE, G_Q, H_PLANCK, HBAR, HBAR_OVER_4E
from .base import Derived, Param, Reference, SigmafitModel
from .formulas import localization as F
from .guess import localization as G
from .localization_checks import (
    abs_fields,
    cusp_sentences,
    mirrored_sentences,
    offset_checks,
    range_sentences,
    soc_sentences,
)
from .registry import register

__doc__ = (__doc__ or "").replace("{HBAR_OVER_4E}", f"{HBAR_OVER_4E:.6g}")

#: B[T] = _BL / L[nm]²  (ħ/(4e) with L in nm).
_BL = HBAR_OVER_4E * 1e18
#: B[T] = _BT / (D[m²/s] · τ[ps])  (ħ/(4eDτ) with τ in ps).
_BT = HBAR_OVER_4E * 1e12
_NM = 1e-9


def _field_nm(L_nm):
    """B = ħ/(4eL²) in T for L in nm (0 → inf; inf → the smallest positive float, not 0).

    An infinite length would make Y(B_φ/B) = Y(0) = ∞ (no dephasing at all): keeping the
    field at 2.2e-308 T leaves the model finite (Y ≈ 700) wherever an optimizer wanders.
    """
    with np.errstate(over="ignore"):
        return np.maximum(F.char_field(np.multiply(L_nm, _NM)), np.finfo(float).tiny)


def _bexpr(length: str) -> str:
    return f"{_BL!r}/{length}**2"


def _ref_L(B_T: float) -> float:
    """Length (nm) whose characteristic field ħ/(4eL²) is ``B_T``: reference tables are given in fields."""
    return math.sqrt(_BL / B_T) if B_T > 0 else math.inf


_PHYSICS_2 = "PHYSICS.md §2 (mpmath, 40 digits)"


def _pv(model: SigmafitModel, params: lmfit.Parameters, name: str) -> float:
    return float(params[model.prefix + name].value)


# --- models ---------------------------------------------------------------------------------


class _Localization(SigmafitModel):
    family = "magnetoconductance"
    x = "field_T"
    y = "delta_sigma_S"
    #: parameter holding the dephasing length (table units nm)
    _phi_name: ClassVar[str] = "L_phi"

    guess_allows_background = True

    def _guess(self, y, x, background: tuple[int, ...] = ()):
        """Start values from :func:`~sigmafit.models.guess.localization.guess_curve` (``background``: the powers
        of the offset/c₂B² terms fitted beside the model, allowed for by hln, hln-dp and hln-so)."""
        return G.guess_curve(self.name, y, x, background=background)

    def _B_phi(self, params: lmfit.Parameters) -> float:
        return float(_field_nm(_pv(self, params, self._phi_name)))

    def characteristic_x(self, params: lmfit.Parameters) -> float | None:
        """B_φ in T: automatic windows use |B| ≤ k·B_φ."""
        return self._B_phi(params)

    def diagnose(self, params: lmfit.Parameters, x: np.ndarray) -> list[str]:
        return cusp_sentences(self._B_phi(params), x)

    def diagnose_data(self, params, x, y) -> list[str]:
        """A Δσ(B) saved twice (±B copies) and a constant offset the data ask for (the model has Δσ(0) = 0;
        skipped when the fit already carries a free offset, ``offset-bg``)."""
        values = {n: [float(p.value)] for n, p in params.items()}
        return self.diagnose_data_many(params, values, [x], [y])[0]

    def diagnose_data_many(self, params, values: dict, xs: list, ys: list) -> list[list[str]]:
        """:meth:`diagnose_data` of many curves fitted with one model at once (the batch engine): ``params`` holds
        the vary flags, bounds and expressions, ``values[name]`` one fitted value per curve, ``xs``/``ys`` each
        curve's fields (T) and Δσ; the offset test evaluates the model for every curve together."""
        out = [mirrored_sentences(x, y) for x, y in zip(xs, ys)]
        names = list(params)
        if any(n.endswith("c0") for n in names):
            return out
        roots = [n for n in self._param_root_names if self.prefix + n in params]
        vals = {r: np.asarray(values[self.prefix + r], dtype=float) for r in roots}
        free = [r for r in roots if params[self.prefix + r].vary and not params[self.prefix + r].expr]
        bounds = {r: (float(params[self.prefix + r].min), float(params[self.prefix + r].max)) for r in free}
        c2 = [n for n in names if n.endswith("c2") and params[n].vary]  # a quadratic-bg fitted beside the model
        extra = {2: np.asarray(values[c2[0]], dtype=float)} if c2 else {}
        unit = "S/m" if self.y.endswith("_per_m") else "S"
        offsets = offset_checks(self.function, vals, free, bounds, xs, ys, extra, self._phi_name, unit)
        return [a + b for a, b in zip(out, offsets)]


_L_PHI = Param("L_phi", "nm", 100.0, 0.0, math.inf, "phase coherence length")
_B_PHI = Derived("B_phi", _bexpr("L_phi"), "T", "dephasing field ħ/(4e L_phi²)")
_SO_LOW = "the spin–orbit field is below the field step: the data are in the weak-localization limit"
_SO_HIGH = "the spin–orbit field is far above the window: the data are in the pure antilocalization limit; fit `hln` with alpha instead"


@register
class HLN(_Localization):
    """Simplified Hikami–Larkin–Nagaoka: Δσ = α · G_Q · Y(B_φ/B), B_φ = ħ/(4e L_φ²).

    α = +1 weak localization, −½ per antilocalizing channel (−1 for two decoupled surfaces).
    Valid for |B| ≪ B_so, B_e; fit within a few B_φ or add ``quadratic-bg``.
    """

    name = "hln"
    physics = "simplified HLN weak (anti)localization α·G_Q·Y(B_φ/B)"
    reference = "Hikami, Larkin, Nagaoka, Prog. Theor. Phys. 63, 707 (1980)"
    params_table = (
        Param("alpha", "", -0.5, description="prefactor: +1 WL, −½ per WAL channel"),
        _L_PHI,
    )
    derived_table = (_B_PHI,)
    reference_values = (
        # α = 1: Δσ/G_Q = Y(B_φ/B); Y(10), Y(1), Y(0.1) from PHYSICS.md §1 (B_φ = 0.01 T)
        Reference({"alpha": 1.0, "L_phi": _ref_L(0.01)}, (0.001, 0.01, 0.1),
                  tuple(G_Q * v for v in (4.1594130364069125e-4, 0.036489973978576521, 0.76196587910085527)),
                  "PHYSICS.md §1 Y(x) table (mpmath)", rtol=1e-12),
        Reference({"alpha": -0.5, "L_phi": _ref_L(0.01)}, (-0.1, 0.0), (-0.5 * G_Q * 0.76196587910085527, 0.0),
                  "PHYSICS.md §1 (even in B, Δσ(0) = 0)", rtol=1e-12),
    )

    @staticmethod
    def function(B, alpha, L_phi):
        """α·G_Q·Y(B_φ/|B|) in S; B in T, L_phi in nm."""
        return F.hln(B, alpha, _field_nm(L_phi))

    def diagnose(self, params, x):
        out = super().diagnose(params, x)
        a = _pv(self, params, "alpha")
        if abs(a) > 1.5 or abs(a) < 0.1:
            out.append(
                f"alpha = {a:.3g} is far from the physical values (+1 weak localization, −½ per antilocalizing channel, "
                "−1 for two decoupled channels): likely missing geometry (W/L, sheet conversion) or units (e²/h vs G_Q)"
            )
        b = abs_fields(x)
        bp = self._B_phi(params)
        if b.size and np.isfinite(bp) and bp > 0 and b.max() > 30.0 * bp:
            out.append(
                f"the window reaches {b.max() / bp:.0f}·B_phi; the simplified HLN form assumes |B| ≪ B_so, B_e and a "
                "classical B² background may be absorbed into alpha (narrow the window or add quadratic-bg)"
            )
        return out


@register
class HLNSpinOrbit(_Localization):
    """Full HLN with isotropic spin–orbit scattering, optional elastic cut-off and magnetic scattering.

    Δσ = −G_Q [Y(H1/B) − (3/2) Y(H2/B) + (1/2) Y(H3/B)], H1 = B_e + B_so + B_s,
    H2 = B_φ + (4/3)B_so + (2/3)B_s, H3 = B_φ + 2B_s; B_x = ħ/(4e L_x²) except B_e = ħ/(2e L_e²)
    (L_e = mean free path ℓ).

    ``L_e`` is fixed at 0 by default, which means **no elastic cut-off** (B_e → ∞, the diffusive
    limit B ≪ B_e in which the first term vanishes) — not a zero mean free path in any other sense.
    Set it (``--fix L_e=…``) to the mean free path to include the term.  ``L_s`` is fixed at
    ``inf`` by default: no magnetic (spin-flip) scattering.
    """

    name = "hln-so"
    physics = "full HLN with spin–orbit (Elliott–Yafet), optional elastic cut-off and magnetic scattering"
    reference = "Hikami, Larkin, Nagaoka, Prog. Theor. Phys. 63, 707 (1980)"
    params_table = (
        _L_PHI,
        Param("L_so", "nm", 50.0, 0.0, math.inf, "spin–orbit scattering length"),
        Param("L_e", "nm", 0.0, 0.0, math.inf, "mean free path for B_e = ħ/(2eℓ²); 0 = no elastic cut-off (B_e → ∞)", vary=False),
        Param("L_s", "nm", math.inf, 0.0, math.inf, "magnetic (spin-flip) scattering length; inf = none", vary=False),
    )
    derived_table = (_B_PHI, Derived("B_so", _bexpr("L_so"), "T", "spin–orbit field ħ/(4e L_so²)"))
    # B_e = ħ/(2e ℓ²) = 2·ħ/(4eℓ²): ℓ = _ref_L(B_e / 2)
    reference_values = (
        Reference({"L_phi": _ref_L(0.01), "L_so": _ref_L(0.1), "L_e": _ref_L(0.5), "L_s": math.inf}, (0.01, 0.1, 0.5),
                  tuple(G_Q * v for v in (-0.0179444704445297, -0.353032565047120, -0.650259413094482)), _PHYSICS_2, rtol=1e-11),
        Reference({"L_phi": _ref_L(0.01), "L_so": math.inf, "L_e": _ref_L(0.5), "L_s": math.inf}, (0.1,),
                  (G_Q * 0.761549937797215,), _PHYSICS_2 + ", B_so = 0", rtol=1e-11),
        Reference({"L_phi": _ref_L(0.01), "L_so": _ref_L(100.0), "L_e": _ref_L(0.5), "L_s": math.inf}, (0.1,),
                  (G_Q * -0.380982945245116,), _PHYSICS_2 + ", B_so = 100 T", rtol=1e-11),
        Reference({"L_phi": _ref_L(0.01), "L_so": _ref_L(0.1), "L_e": _ref_L(0.5), "L_s": _ref_L(0.005)}, (0.1,),
                  (G_Q * -0.167947919308129,), _PHYSICS_2 + ", magnetic scattering B_s = 0.005 T", rtol=1e-11),
        Reference({"L_phi": _ref_L(0.01), "L_so": _ref_L(0.1), "L_e": _ref_L(0.5), "L_s": _ref_L(0.02)}, (0.5,),
                  (G_Q * -0.0503964708058248,), _PHYSICS_2 + ", magnetic scattering B_s = 0.02 T", rtol=1e-11),
        Reference({"L_phi": _ref_L(0.002), "L_so": math.inf, "L_e": _ref_L(0.5e9), "L_s": _ref_L(0.01)}, (0.1,),
                  (G_Q * 1.10875292605296,), _PHYSICS_2 + ", magnetic scattering, B_so = 0, B_e = 1e9 T", rtol=1e-11),
    )

    @staticmethod
    def function(B, L_phi, L_so, L_e, L_s):
        """HLN Δσ in S; B in T, lengths in nm (L_e = 0: B_e = inf; L_s = inf: B_s = 0)."""
        return F.hln_so(B, _field_nm(L_phi), _field_nm(L_so), 2.0 * _field_nm(L_e), _field_nm(L_s))

    def diagnose(self, params, x):
        out = super().diagnose(params, x)
        out += range_sentences("B_so", "L_so", float(_field_nm(_pv(self, params, "L_so"))), x, _SO_LOW, _SO_HIGH)
        le = _pv(self, params, "L_e")
        b = abs_fields(x)
        if le > 0 and b.size:
            be = 2.0 * float(_field_nm(le))
            if b.max() > 0.1 * be:
                out.append(
                    f"the fields reach {b.max() / be:.2g}·B_e (B_e = ħ/(2e L_e²) = {be:.3g} T): the diffusive theory "
                    "needs |B| ≪ B_e; narrow the window"
                )
        ls = _pv(self, params, "L_s")
        if np.isfinite(ls) and ls < _pv(self, params, "L_phi"):
            out.append("L_s < L_phi: magnetic scattering dominates dephasing and L_phi is poorly separated from L_s")
        return out


@register
class HLNDyakonovPerel(_Localization):
    """2D D'yakonov–Perel form: Δσ = −G_Q[½Y(B_φ/B) − Y((B_φ+B_so)/B) − ½Y((B_φ+2B_so)/B)]."""

    name = "hln-dp"
    physics = "2D WL/WAL with D'yakonov–Perel (k-linear) spin–orbit"
    reference = "Iordanskii, Lyanda-Geller, Pikus, JETP Lett. 60, 206 (1994)"
    params_table = (_L_PHI, Param("L_so", "nm", 50.0, 0.0, math.inf, "spin–orbit precession length"))
    derived_table = (_B_PHI, Derived("B_so", _bexpr("L_so"), "T", "spin–orbit field ħ/(4e L_so²)"))
    reference_values = (
        Reference({"L_phi": _ref_L(0.01), "L_so": _ref_L(0.1)}, (0.01, 0.1),
                  (G_Q * -0.0178539078573264, G_Q * -0.345690612559227), _PHYSICS_2, rtol=1e-11),
        Reference({"L_phi": _ref_L(0.01), "L_so": math.inf}, (0.1,), (G_Q * 0.761965879100855,), _PHYSICS_2 + ", B_so = 0",
                  rtol=1e-11),
    )

    @staticmethod
    def function(B, L_phi, L_so):
        """D'yakonov–Perel Δσ in S; B in T, lengths in nm."""
        return F.hln_dp(B, _field_nm(L_phi), _field_nm(L_so))

    def diagnose(self, params, x):
        out = super().diagnose(params, x)
        return out + range_sentences("B_so", "L_so", float(_field_nm(_pv(self, params, "L_so"))), x, _SO_LOW, _SO_HIGH)


@register
class Graphene(_Localization):
    """Graphene WL (McCann et al. 2006): Δσ = G_Q[Y(B_φ/B) − Y((B_φ+2B_i)/B) − 2Y((B_φ+B_i+B_*)/B)]."""

    name = "graphene"
    physics = "graphene weak localization with intervalley (L_i) and intravalley (L_star) scattering"
    reference = "McCann et al., Phys. Rev. Lett. 97, 146805 (2006)"
    params_table = (
        _L_PHI,
        Param("L_i", "nm", 50.0, 0.0, math.inf, "intervalley scattering length"),
        Param("L_star", "nm", 20.0, 0.0, math.inf, "intravalley (trigonal warping, dislocations) scattering length"),
    )
    derived_table = (
        _B_PHI,
        Derived("B_i", _bexpr("L_i"), "T", "intervalley field ħ/(4e L_i²)"),
        Derived("B_star", _bexpr("L_star"), "T", "intravalley field ħ/(4e L_star²)"),
    )
    reference_values = (
        Reference({"L_phi": _ref_L(0.001), "L_i": _ref_L(0.05), "L_star": _ref_L(0.5)}, (0.01, 0.1, 1.0),
                  tuple(G_Q * v for v in (0.761530672819776, 2.651606928503, 3.99411130719527)), _PHYSICS_2 + " (graphene)",
                  rtol=1e-11),
        Reference({"L_phi": _ref_L(0.01), "L_i": _ref_L(0.01), "L_star": _ref_L(0.01)}, (0.1,), (G_Q * 0.0450731662414627,),
                  _PHYSICS_2 + " (graphene)", rtol=1e-11),
    )

    @staticmethod
    def function(B, L_phi, L_i, L_star):
        """Graphene Δσ in S; B in T, lengths in nm."""
        return F.graphene(B, _field_nm(L_phi), _field_nm(L_i), _field_nm(L_star))

    def diagnose(self, params, x):
        out = super().diagnose(params, x)
        out += range_sentences(
            "B_i", "L_i", float(_field_nm(_pv(self, params, "L_i"))), x,
            "intervalley scattering is too weak to see: the curve is antilocalizing at all sampled fields",
            "intervalley scattering is strong: ordinary WL, L_i only bounded",
        )
        out += range_sentences(
            "B_star", "L_star", float(_field_nm(_pv(self, params, "L_star"))), x,
            "intravalley scattering below the field step",
            "intravalley scattering fast: L_star only bounded",
        )
        return out


#: Independent values of graphene-soc at B_φ = 0.01 T (Δσ/G_Q), used by both parameterizations.
#: Limits (PHYSICS.md §2, Y from the §1 table): no spin–orbit (B_asy = B_sym = 0) gives +Y(B_φ/B);
#: strong spin–orbit (both → ∞) gives −½Y(B_φ/B).  Hand evaluation at B = B_φ = 0.01 T,
#: B_asy = B_sym = 0.005 T (B_so = 0.01 T): −½[Y(1) − 3Y(2)] with Y(n) = ψ(n + ½) − ln n and
#: ψ(n + ½) = −γ − 2 ln 2 + Σ_{k=1..n} 2/(2k − 1):  Y(1) = 2 − γ − 2 ln 2,
#: Y(2) = 8/3 − γ − 3 ln 2, so Δσ/G_Q = 3 − γ − (7/2) ln 2 = −0.00323079686134… (γ Euler's constant).
_SOC_WL = ((0.001, 0.01, 0.1), (4.1594130364069125e-4, 0.036489973978576521, 0.76196587910085527))
_SOC_WAL = ((0.1, -0.1), (-0.5 * 0.76196587910085527, -0.5 * 0.76196587910085527))
_SOC_HAND = ((0.01,), (3.0 - np.euler_gamma - 3.5 * math.log(2.0),))


def _soc_references(make) -> tuple[Reference, ...]:
    """The graphene-soc references for a parameterization: ``make(B_phi, B_asy, B_sym)`` → its parameters."""
    src = "PHYSICS.md §2 limits with the §1 Y table (mpmath)"
    return (
        Reference(make(0.01, 0.0, 0.0), _SOC_WL[0], tuple(G_Q * v for v in _SOC_WL[1]), src + ": no spin–orbit → +Y(B_φ/B)",
                  rtol=1e-12),
        Reference(make(0.01, 1e10, 1e10), _SOC_WAL[0], tuple(G_Q * v for v in _SOC_WAL[1]),
                  src + ": strong spin–orbit → −½Y(B_φ/B)", rtol=1e-12),
        Reference(make(0.01, 0.005, 0.005), _SOC_HAND[0], tuple(G_Q * v for v in _SOC_HAND[1]),
                  "hand evaluation: ψ(n + ½) in closed form, Δσ/G_Q = 3 − γ − (7/2) ln 2", rtol=1e-11),
    )


@register
class GrapheneSOC(_Localization):
    """Graphene with spin–orbit coupling (McCann & Fal'ko 2012), in lengths.

    Δσ = −(G_Q/2)[Y(B_φ/B) − Y((B_φ+2B_asy)/B) − 2Y((B_φ+B_so)/B)], B_x = ħ/(4e L_x²), with
    B_so = B_asy + B_sym (1/τ_so = 1/τ_asy + 1/τ_sym).  The free lengths are L_asy and L_sym, so
    L_so = (L_asy⁻² + L_sym⁻²)^(−½) ≤ L_asy holds by construction; L_so and B_so are derived
    expressions with propagated errors.  Valid for fast intervalley scattering (|B| ≪ B_i, B_*)
    and |B| ≪ B_e.
    """

    name = "graphene-soc"
    physics = "graphene WL/WAL with spin–orbit coupling (lengths L_phi, L_asy, L_sym; L_so derived)"
    reference = "McCann & Fal'ko, Phys. Rev. Lett. 108, 166606 (2012)"
    params_table = (
        _L_PHI,
        Param("L_asy", "nm", 100.0, 0.0, math.inf, "length of the z → −z asymmetric spin–orbit relaxation, √(Dτ_asy)"),
        Param("L_sym", "nm", 60.0, 0.0, math.inf, "length of the z → −z symmetric spin–orbit relaxation, √(Dτ_sym)"),
    )
    derived_table = (
        _B_PHI,
        Derived("B_asy", _bexpr("L_asy"), "T", "asymmetric spin–orbit field ħ/(4e L_asy²)"),
        Derived("B_sym", _bexpr("L_sym"), "T", "symmetric spin–orbit field ħ/(4e L_sym²)"),
        Derived("B_so", f"{_BL!r}/L_asy**2 + {_BL!r}/L_sym**2", "T", "total spin–orbit field B_asy + B_sym"),
        Derived("L_so", "1/sqrt(1/L_asy**2 + 1/L_sym**2)", "nm", "total spin–orbit length (L_asy⁻² + L_sym⁻²)^(−½)"),
    )
    reference_values = _soc_references(lambda bp, ba, bs: {"L_phi": _ref_L(bp), "L_asy": _ref_L(ba), "L_sym": _ref_L(bs)})

    @staticmethod
    def function(B, L_phi, L_asy, L_sym):
        """Graphene-SOC Δσ in S; B in T, lengths in nm."""
        B_asy = _field_nm(L_asy)
        return F.graphene_soc(B, _field_nm(L_phi), B_asy, B_asy + _field_nm(L_sym))

    def diagnose(self, params, x):
        out = super().diagnose(params, x)
        ba = float(_field_nm(_pv(self, params, "L_asy")))
        bs = float(_field_nm(_pv(self, params, "L_sym")))
        return out + soc_sentences(ba, bs, x)


def _tau_ps(D: float, B_T: float) -> float:
    """τ (ps) whose field ħ/(4eDτ) is ``B_T`` (D in m²/s): references are given in fields."""
    return _BT / (D * B_T) if B_T > 0 else math.inf


@register
class GrapheneSOCTau(_Localization):
    """Graphene with spin–orbit coupling in scattering times: B_x = ħ/(4e D τ_x).

    Same formula as ``graphene-soc``; the free times are τ_φ, τ_asy and τ_sym (ps), and
    τ_so = (1/τ_asy + 1/τ_sym)⁻¹ ≤ τ_asy is a derived expression with a propagated error.  The
    diffusion constant ``D`` in m²/s is fixed (1 m²/s = 10⁴ cm²/s; graphene typically 0.005–0.1
    m²/s).  Derived lengths L_x = √(D τ_x) in nm.  A global fit as the literature does it — τ_asy
    and τ_sym shared, one τ_φ per temperature, D and τ_φ at base temperature fixed — is expressed
    with these parameters directly.
    """

    name = "graphene-soc-tau"
    physics = "graphene WL/WAL with spin–orbit coupling (times tau_phi, tau_asy, tau_sym; tau_so derived; D fixed)"
    reference = "McCann & Fal'ko, Phys. Rev. Lett. 108, 166606 (2012)"
    _phi_name = "tau_phi"
    params_table = (
        Param("tau_phi", "ps", 10.0, 0.0, math.inf, "phase coherence time"),
        Param("tau_asy", "ps", 1.0, 0.0, math.inf, "asymmetric (z → −z) spin–orbit relaxation time"),
        Param("tau_sym", "ps", 1.0, 0.0, math.inf, "symmetric (z → −z) spin–orbit relaxation time"),
        Param("D", "m2/s", 0.01, 0.0, math.inf, "diffusion constant (fixed by default; 1 m²/s = 1e4 cm²/s)", vary=False),
    )
    derived_table = (
        Derived("tau_so", "1/(1/tau_asy + 1/tau_sym)", "ps", "total spin–orbit time, 1/τ_so = 1/τ_asy + 1/τ_sym"),
        Derived("B_phi", f"{_BT!r}/(D*tau_phi)", "T", "dephasing field ħ/(4eDτ_phi)"),
        Derived("B_so", f"{_BT!r}/(D*tau_asy) + {_BT!r}/(D*tau_sym)", "T", "total spin–orbit field ħ/(4eDτ_so)"),
        Derived("L_phi", "sqrt(D*tau_phi)*1000.0", "nm", "phase coherence length √(Dτ_phi)"),
        Derived("L_asy", "sqrt(D*tau_asy)*1000.0", "nm", "√(Dτ_asy)"),
        Derived("L_sym", "sqrt(D*tau_sym)*1000.0", "nm", "√(Dτ_sym)"),
        Derived("L_so", "sqrt(D/(1/tau_asy + 1/tau_sym))*1000.0", "nm", "√(Dτ_so)"),
    )
    reference_values = _soc_references(
        lambda bp, ba, bs: {"tau_phi": _tau_ps(0.02, bp), "tau_asy": _tau_ps(0.02, ba), "tau_sym": _tau_ps(0.02, bs), "D": 0.02})

    @staticmethod
    def _fields(D, *taus):
        with np.errstate(divide="ignore", invalid="ignore"):
            return tuple(_BT / np.multiply(D, t) for t in taus)

    @staticmethod
    def function(B, tau_phi, tau_asy, tau_sym, D):
        """Graphene-SOC Δσ in S; B in T, times in ps, D in m²/s."""
        B_phi, B_asy, B_sym = GrapheneSOCTau._fields(D, tau_phi, tau_asy, tau_sym)
        return F.graphene_soc(B, B_phi, B_asy, B_asy + B_sym)

    def _B_phi(self, params):
        return float(self._fields(_pv(self, params, "D"), _pv(self, params, "tau_phi"))[0])

    guess_allows_background = False

    def _guess(self, y, x):
        return G.guess_curve(self.name, y, x, D=next(p.default for p in self.params_table if p.name == "D"))

    def guess(self, data, x=None, **kwargs) -> lmfit.Parameters:
        """As :meth:`SigmafitModel.guess`; a ``D=`` keyword rescales the guessed times (τ ∝ 1/D)."""
        params = super().guess(data, x=x, **kwargs)
        D0 = next(p.default for p in self.params_table if p.name == "D")
        D = params[self.prefix + "D"].value
        if D > 0 and D != D0:
            for t in ("tau_phi", "tau_asy", "tau_sym"):
                if t not in kwargs:
                    par = params[self.prefix + t]
                    par.set(value=par.value * D0 / D)
        return params

    def diagnose(self, params, x):
        out = super().diagnose(params, x)
        D = _pv(self, params, "D")
        ba, bs = self._fields(D, _pv(self, params, "tau_asy"), _pv(self, params, "tau_sym"))
        return out + soc_sentences(float(ba), float(bs), x)


@register
class Kawabata(_Localization):
    """3D weak localization (Kawabata): Δσ = G_Q·√(e|B|/ħ)·f₃(B_φ/|B|) in S/m."""

    name = "kawabata"
    physics = "3D weak localization G_Q·√(eB/ħ)·f3(B_φ/B), conductivity in S/m"
    reference = "Kawabata, Solid State Commun. 34, 431 (1980)"
    y = "delta_sigma_S_per_m"
    params_table = (_L_PHI,)
    derived_table = (_B_PHI,)
    # Δσ = G_Q·√(eB/ħ)·f₃(B_φ/B) with f₃(1), f₃(0.1), f₃(10) of PHYSICS.md §3 (B_φ = 0.01 T)
    reference_values = (
        Reference({"L_phi": _ref_L(0.01)}, (0.01, 0.1, 0.001),
                  tuple(G_Q * math.sqrt(E_CHARGE * b / HBAR) * f for b, f in
                        ((0.01, 0.019112205794725419), (0.1, 0.19094553156511189), (0.001, 6.5809023949153232e-4))),
                  "PHYSICS.md §3 f₃ table (Hurwitz-zeta closed form, 80 digits)", rtol=1e-11),
    )

    @staticmethod
    def function(B, L_phi):
        """Kawabata Δσ in S/m; B in T, L_phi in nm."""
        return F.kawabata(B, _field_nm(L_phi))


@register
class Wire(_Localization):
    """Quasi-1D wire: ΔG(B) = G(B) − G(0) of a wire of width W and length L, in S.

    G(B) = −(2e²/(hL))[(3/2)(L_φ⁻² + (4/3)L_so⁻² + L_B⁻²)^(−½) − (1/2)(L_φ⁻² + L_B⁻²)^(−½)],
    L_B = √3 ħ/(e|B|W).  L_phi, L_so, W in nm; the wire length L in µm.  W and L are fixed
    (geometry).  Valid for W, thickness ≪ L_φ ≪ L.
    """

    name = "wire"
    physics = "quasi-1D wire WL/WAL (dirty limit), conductance in S"
    reference = "Beenakker & van Houten, Solid State Phys. 44, 1 (1991)"
    y = "conductance_S"
    params_table = (
        _L_PHI,
        Param("L_so", "nm", 1e4, 0.0, math.inf, "spin–orbit length"),
        Param("W", "nm", 50.0, 0.0, math.inf, "wire width (fixed geometry)", vary=False),
        Param("L", "um", 10.0, 1e-3, math.inf, "wire length between the voltage probes (fixed geometry)", vary=False),
    )
    derived_table = ()
    reference_values = (
        # Hand evaluation of PHYSICS.md §3 (W = 50 nm, L = 10 µm, L_φ = 500 nm), fields chosen so that
        # L_B = √3ħ/(e|B|W) is L_φ (B = √3ħ/(eWL_φ)) or L_φ/√3 (B = 3ħ/(eWL_φ)).
        # No spin–orbit (L_so = ∞): ΔG = (2e²/(hL))·[L_φ − (L_φ⁻² + L_B⁻²)^(−½)]
        #   = (2e²/(hL))·L_φ·(1 − 1/√2) at L_B = L_φ, and (2e²/(hL))·L_φ/2 at L_B = L_φ/√3.
        Reference({"L_phi": 500.0, "L_so": math.inf, "W": 50.0, "L": 10.0},
                  (math.sqrt(3.0) * HBAR / (E_CHARGE * 50e-9 * 500e-9), -3.0 * HBAR / (E_CHARGE * 50e-9 * 500e-9)),
                  (2 * E_CHARGE**2 / (H_PLANCK * 10e-6) * 500e-9 * (1 - 1 / math.sqrt(2.0)),
                   2 * E_CHARGE**2 / (H_PLANCK * 10e-6) * 500e-9 / 2),
                  "hand evaluation of PHYSICS.md §3 with scipy.constants (L_so = ∞)", rtol=1e-12),
        # L_so = (2/3)L_φ, i.e. (4/3)L_so⁻² = 3L_φ⁻², at L_B = L_φ:
        #   ΔG = −(2e²/(hL))·L_φ·[3/(2√5) − 1/(2√2) − 1/4]  (antilocalization, ΔG < 0).
        Reference({"L_phi": 500.0, "L_so": 1000.0 / 3.0, "W": 50.0, "L": 10.0},
                  (math.sqrt(3.0) * HBAR / (E_CHARGE * 50e-9 * 500e-9),),
                  (-2 * E_CHARGE**2 / (H_PLANCK * 10e-6) * 500e-9
                   * (3 / (2 * math.sqrt(5.0)) - 1 / (2 * math.sqrt(2.0)) - 0.25),),
                  "hand evaluation of PHYSICS.md §3 with scipy.constants (L_so = 2L_φ/3)", rtol=1e-12),
    )

    @staticmethod
    def function(B, L_phi, L_so, W, L):
        """Wire ΔG in S; B in T, L_phi, L_so, W in nm, L in µm."""
        return F.wire(B, np.multiply(L_phi, _NM), np.multiply(L_so, _NM), np.multiply(W, _NM), np.multiply(L, 1e-6))

    def _B_phi(self, params):
        """Field at which the magnetic length L_B equals L_phi: √3ħ/(e W L_phi), in T."""
        W = _pv(self, params, "W") * _NM
        lp = _pv(self, params, "L_phi") * _NM
        return float(F.wire_magnetic_length(lp, W)) if W * lp > 0 else math.inf

    guess_allows_background = False

    def _guess(self, y, x):
        geom = {p.name: p.default for p in self.params_table} | getattr(self, "_geometry", {})
        return G.guess_curve(self.name, y, x, W=geom["W"], L=geom["L"])

    def guess(self, data, x=None, **kwargs) -> lmfit.Parameters:
        """As :meth:`SigmafitModel.guess`; pass the geometry (``W=`` nm, ``L=`` µm) so the guess uses it."""
        self._geometry = {k: float(kwargs[k]) for k in ("W", "L") if k in kwargs}
        try:
            return super().guess(data, x=x, **kwargs)
        finally:
            self._geometry = {}

    def diagnose(self, params, x):
        out = super().diagnose(params, x)
        lp, W, L = _pv(self, params, "L_phi"), _pv(self, params, "W"), _pv(self, params, "L") * 1e3
        if lp <= W:
            out.append(f"L_phi = {lp:.3g} nm is not larger than the width W = {W:.3g} nm: the wire is not quasi-1D; use a 2D model")
        if lp >= L:
            out.append(f"L_phi = {lp:.3g} nm exceeds the wire length L = {L:.3g} nm: the quasi-1D formula assumes L_phi ≪ L")
        out += range_sentences(
            "the spin–orbit field", "L_so", float(F.wire_magnetic_length(_pv(self, params, "L_so") * _NM, W * _NM)), x,
            "no antilocalization within the window", "pure antilocalization within the window",
        )
        return out
