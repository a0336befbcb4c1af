"""Weak localization / antilocalization models (family ``"magnetoconductance"``).

Thin :class:`~sigmafit.models.base.SigmafitModel` wrappers over
:mod:`sigmafit.models.formulas.localization`.  Table units: lengths in nm, fields in T,
times in ps, Δσ in S (sheet conductance; ``kawabata`` in S/m, ``wire`` in S).  The
independent variable is ``B`` (T), any sign, zero allowed: ``model.fit(y, params, B=B)``.

Characteristic fields: ``B_i = ħ/(4e L_i²)`` (``B_i[T] = {HBAR_OVER_4E}·1e18 / L_i[nm]²``), except
the elastic field of ``hln-so``, ``B_e = ħ/(2e ℓ²)`` with ℓ = ``L_e`` the mean free path.

Start values (:meth:`_guess`): the data are folded onto |B|, sorted and binned (median Δσ per
bin, so unsorted, ±B and noisy data all work); the characteristic fields are then found by a
coarse least-squares search on logarithmic grids spanning the sampled field range (from a tenth
of the smallest |B| to a hundred times the largest), refined once around the best point.  The
search sees the quantities a hand estimate would use — the half-width of the cusp fixes B_φ,
the position of the WL→WAL extremum fixes B_so, the amplitude of the tail fixes α (solved in
closed form for ``hln``) — but weighs all points instead of one feature.
"""

from __future__ import annotations

import itertools
import math
from typing import Callable, ClassVar

import lmfit
import numpy as np

from ..constants import E_CHARGE, G_Q, HBAR, HBAR_OVER_4E
from .base import Derived, Param, Reference, SigmafitModel
from .formulas import localization as F
from .registry import register

__doc__ = (__doc__ or "").replace("{HBAR_OVER_4E}", f"{HBAR_OVER_4E:.6g}")

#: B[T] = _BL / L[nm]²  (ħ/(4e) with L in nm).
_BL = HBAR_OVER_4E * 1e18
#: B[T] = _BT / (D[m²/s] · τ[ps])  (ħ/(4eDτ) with τ in ps).
_BT = HBAR_OVER_4E * 1e12
#: Wire magnetic length: L_B[m] = _LB / (|B|[T] · W[m]), L_B = √3 ħ/(e|B|W).
_LB = math.sqrt(3.0) * HBAR / E_CHARGE

_NM = 1e-9


def _field_nm(L_nm):
    """B = ħ/(4eL²) in T for L in nm (0 → inf; inf → the smallest positive float, not 0).

    An infinite length would make Y(B_φ/B) = Y(0) = ∞ (no dephasing at all): keeping the
    field at 2.2e-308 T leaves the model finite (Y ≈ 700) wherever an optimizer wanders.
    """
    with np.errstate(over="ignore"):
        return np.maximum(F.char_field(np.multiply(L_nm, _NM)), np.finfo(float).tiny)


def _length_nm(B):
    """L in nm of a characteristic field B in T."""
    return F.char_length(B) / _NM


def _bexpr(length: str) -> str:
    return f"{_BL!r}/{length}**2"


def _ref_L(B_T: float) -> float:
    """Length (nm) whose characteristic field ħ/(4eL²) is ``B_T``: reference tables are given in fields."""
    return math.sqrt(_BL / B_T) if B_T > 0 else math.inf


_PHYSICS_2 = "PHYSICS.md §2 (mpmath, 40 digits)"


# --- start values ------------------------------------------------------------------------------


def _fold(y: np.ndarray, x: np.ndarray, nbins: int = 48) -> tuple[np.ndarray, np.ndarray]:
    """(|B|, Δσ) sorted by |B| and reduced to at most ``nbins`` equal-count bins.

    Each bin gives the mean |B| and the median Δσ (robust to spikes).  Points at B = 0 are kept
    in their own bin, since Δσ(0) = 0 is informative about an offset only through the fit.
    """
    b = np.abs(x)
    order = np.argsort(b, kind="stable")
    b, y = b[order], y[order]
    if b.size <= nbins:
        return b, y
    parts = np.array_split(np.arange(b.size), nbins)
    return np.array([b[p].mean() for p in parts]), np.array([np.median(y[p]) for p in parts])


def _field_range(b: np.ndarray) -> tuple[float, float]:
    """(smallest, largest) nonzero |B| of the folded data."""
    pos = b[b > 0]
    if pos.size == 0:
        return 1e-3, 1.0
    return float(pos.min()), float(pos.max())


def _log_grid(lo: float, hi: float, per_decade: float) -> np.ndarray:
    n = max(3, int(math.ceil(math.log10(hi / lo) * per_decade)) + 1)
    return np.geomspace(lo, hi, n)


def _grid_search(
    fun: Callable[..., np.ndarray],
    b: np.ndarray,
    y: np.ndarray,
    ranges: list[tuple[float, float]],
    per_decade: float,
    allowed: Callable[..., np.ndarray] | None = None,
) -> tuple[float, ...]:
    """Arguments (one per range, log-spaced) minimizing Σ(y − fun(b, *args))², coarse then fine.

    ``allowed(*args) -> bool array`` restricts the candidates (e.g. to the physical branch).
    """
    grids = [_log_grid(lo, hi, per_decade) for lo, hi in ranges]
    best = _best_on(fun, b, y, grids, allowed)
    step = 10.0 ** (1.0 / per_decade)
    fine = [np.geomspace(v / step, v * step, 7) for v in best]
    return _best_on(fun, b, y, fine, allowed)


def _best_on(fun, b, y, grids, allowed=None) -> tuple[float, ...]:
    cands = np.array(list(itertools.product(*grids)))  # (ncand, nargs)
    if allowed is not None:
        keep = allowed(*cands.T)
        if keep.any():
            cands = cands[keep]
    cols = [cands[:, i : i + 1] for i in range(cands.shape[1])]
    with np.errstate(all="ignore"):
        model = fun(b[None, :], *cols)
        ssr = np.sum(np.square(model - y[None, :]), axis=1)
    ssr = np.where(np.isfinite(ssr), ssr, np.inf)
    return tuple(float(v) for v in cands[int(np.argmin(ssr))])


def _guess_fields(fun, y, x, nfields: int, allowed=None) -> tuple[float, ...]:
    b, yb = _fold(y, x)
    bmin, bmax = _field_range(b)
    ranges = [(bmin / 10.0, bmax * 10.0)] * nfields  # beyond 10·max|B| a field only shows as a limit
    per_decade = {1: 20.0, 2: 8.0}.get(nfields, 4.0)
    return _grid_search(fun, b, yb, ranges, per_decade, allowed)


def _guess_three_terms(y, x, coefs, to_fields, fun, allowed=None) -> tuple[float, ...]:
    """Start fields of a model Δσ = G_Q Σ_t coefs[t]·Y(H_t/B) with three combined fields H_t.

    The H_t are searched independently on a fine log grid (Y tabulated once, the squared
    residual expanded through the Gram matrix, so 10⁵ combinations cost little);
    ``to_fields(H0, H1, H2)`` maps them back to the model's fields (NaN where impossible),
    ``allowed`` keeps the physical branch; a final native-grid refinement polishes the result.
    """
    b, yb = _fold(y, x)
    bmin, bmax = _field_range(b)
    H = _log_grid(bmin / 10.0, bmax * 100.0, 10.0)
    Yt = F.G_Q * F.Y(F._x(H[:, None], b[None, :]))  # (nH, nbins)
    p = Yt @ yb
    G = Yt @ Yt.T
    c0, c1, c2 = coefs
    i, j, k = np.ix_(np.arange(H.size), np.arange(H.size), np.arange(H.size))
    ssr = (
        -2.0 * (c0 * p[i] + c1 * p[j] + c2 * p[k])
        + c0 * c0 * G[i, i] + c1 * c1 * G[j, j] + c2 * c2 * G[k, k]
        + 2.0 * (c0 * c1 * G[i, j] + c0 * c2 * G[i, k] + c1 * c2 * G[j, k])
    )
    with np.errstate(invalid="ignore"):
        fields = [np.broadcast_to(f, ssr.shape) for f in to_fields(H[i], H[j], H[k])]
        ok = np.logical_and.reduce([np.isfinite(f) & (f > 0) for f in fields])
        if allowed is not None:
            ok &= allowed(*fields)
    if not ok.any():
        return _guess_fields(fun, y, x, 3, allowed)
    flat = int(np.argmin(np.where(ok, ssr, np.inf)))
    start = [float(f.flat[flat]) for f in fields]
    step = 10.0 ** (1.0 / 10.0)
    fine = [np.geomspace(v / step, v * step, 7) for v in start]
    return _best_on(fun, b, yb, fine, allowed)


def _graphene_fields(H0, H1, H2):
    B_i = (H1 - H0) / 2.0
    return H0, np.where(B_i > 0, B_i, np.nan), np.where(H2 - H0 - B_i > 0, H2 - H0 - B_i, np.nan)


def _soc_fields(H0, H1, H2):
    B_asy = (H1 - H0) / 2.0
    return H0, np.where(B_asy > 0, B_asy, np.nan), np.where(H2 > H0, H2 - H0, np.nan)


def _soc_branch(B_phi, B_asy, B_so):
    """Physical branch of graphene-soc: 1/τ_sym = 1/τ_so − 1/τ_asy ≥ 0, i.e. B_so ≥ B_asy."""
    return B_so >= B_asy


# --- diagnostics shared by the 2D models ---------------------------------------------------------


def _abs_fields(x: np.ndarray) -> np.ndarray:
    b = np.abs(np.asarray(x, dtype=float))
    return b[np.isfinite(b)]


def _cusp_sentences(B_phi: float, x: np.ndarray, what: str = "B_phi") -> list[str]:
    b = _abs_fields(x)
    out = []
    if b.size == 0 or not np.isfinite(B_phi):
        return out
    inside = int(np.count_nonzero((b > 0) & (b < B_phi)))
    if inside < 5:
        out.append(
            f"only {inside} data points lie inside the cusp |B| < {what} = {B_phi:.3g} T; the dephasing length "
            "rests on too few points: measure with finer field steps near B = 0"
        )
    if b.max() < 2.0 * B_phi:
        out.append(
            f"the field range (max |B| = {b.max():.3g} T) reaches only {b.max() / B_phi:.2g}·{what}: the curve beyond the "
            "cusp that separates the amplitude from the dephasing field is not sampled"
        )
    return out


def _range_sentences(name: str, length: str, Bx: float, x: np.ndarray, low_meaning: str, high_meaning: str) -> list[str]:
    """``Bx`` far above 10·max|B| or below the field step: the length is unconstrained."""
    b = _abs_fields(x)
    pos = np.sort(b[b > 0])
    if pos.size == 0 or not np.isfinite(Bx):
        return []
    gaps = np.diff(pos)
    gaps = gaps[gaps > 1e-9 * pos[-1]]  # ±B folded onto |B| gives near-duplicates
    step = min(float(np.median(gaps)) if gaps.size else float(pos[0]), float(pos[0]))
    out = []
    if Bx > 10.0 * pos.max():
        out.append(
            f"{name} = {Bx:.3g} T lies far above the fitted field range (max |B| = {pos.max():.3g} T): {length} is not "
            f"constrained by the data ({high_meaning})"
        )
    elif Bx < step:
        out.append(
            f"{name} = {Bx:.3g} T is below the field step ({step:.3g} T): {length} is not constrained by the data "
            f"({low_meaning})"
        )
    return out


def _pv(model: SigmafitModel, params: lmfit.Parameters, name: str) -> float:
    return float(params[model.prefix + name].value)


# --- models ---------------------------------------------------------------------------------


class _Localization(SigmafitModel):
    family = "magnetoconductance"
    x = "field_T"
    y = "delta_sigma_S"
    #: parameter holding the dephasing length (table units nm)
    _phi_name: ClassVar[str] = "L_phi"

    def _B_phi(self, params: lmfit.Parameters) -> float:
        return float(_field_nm(_pv(self, params, self._phi_name)))

    def characteristic_x(self, params: lmfit.Parameters) -> float | None:
        """B_φ in T: automatic windows use |B| ≤ k·B_φ."""
        return self._B_phi(params)

    def diagnose(self, params: lmfit.Parameters, x: np.ndarray) -> list[str]:
        return _cusp_sentences(self._B_phi(params), x)


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

    def _guess(self, y, x):
        b, yb = _fold(y, x)
        bmin, bmax = _field_range(b)
        grid = _log_grid(bmin / 10.0, bmax * 100.0, 20.0)
        best = (math.inf, -0.5, 1.0)
        for bp in (grid, None):
            if bp is None:  # refine around the coarse optimum
                step = 10.0 ** (1.0 / 20.0)
                bp = np.geomspace(best[2] / step, best[2] * step, 9)
            Yc = F.G_Q * F.Y(F._x(bp[:, None], b[None, :]))  # (ngrid, nbins)
            norm = np.sum(Yc * Yc, axis=1)
            alpha = np.divide(Yc @ yb, norm, out=np.zeros_like(norm), where=norm > 0)
            ssr = np.sum(np.square(yb[None, :] - alpha[:, None] * Yc), axis=1)
            i = int(np.argmin(ssr))
            if ssr[i] < best[0]:
                best = (float(ssr[i]), float(alpha[i]), float(bp[i]))
        return {"alpha": best[1], "L_phi": float(_length_nm(best[2]))}

    def diagnose(self, params, x):
        out = super().diagnose(params, x)
        a = _pv(self, params, "alpha")
        if abs(a) > 1.5 or abs(a) < 0.1:
            out.append(
                f"alpha = {a:.3g} is far from the physical values (+1 weak localization, −½ per antilocalizing channel, "
                "−1 for two decoupled channels): likely missing geometry (W/L, sheet conversion) or units (e²/h vs G_Q)"
            )
        b = _abs_fields(x)
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

    def _guess(self, y, x):
        bp, bso = _guess_fields(lambda b, p, s: F.hln_so(b, p, s), y, x, 2)
        return {"L_phi": float(_length_nm(bp)), "L_so": float(_length_nm(bso))}

    def diagnose(self, params, x):
        out = super().diagnose(params, x)
        out += _range_sentences("B_so", "L_so", float(_field_nm(_pv(self, params, "L_so"))), x, _SO_LOW, _SO_HIGH)
        le = _pv(self, params, "L_e")
        b = _abs_fields(x)
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

    def _guess(self, y, x):
        bp, bso = _guess_fields(F.hln_dp, y, x, 2)
        return {"L_phi": float(_length_nm(bp)), "L_so": float(_length_nm(bso))}

    def diagnose(self, params, x):
        out = super().diagnose(params, x)
        return out + _range_sentences("B_so", "L_so", float(_field_nm(_pv(self, params, "L_so"))), x, _SO_LOW, _SO_HIGH)


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

    def _guess(self, y, x):
        bp, bi, bs = _guess_three_terms(y, x, (1.0, -1.0, -2.0), _graphene_fields, F.graphene)
        return {"L_phi": float(_length_nm(bp)), "L_i": float(_length_nm(bi)), "L_star": float(_length_nm(bs))}

    def diagnose(self, params, x):
        out = super().diagnose(params, x)
        out += _range_sentences(
            "B_i", "L_i", float(_field_nm(_pv(self, params, "L_i"))), x,
            "intervalley scattering is too weak to see: the curve is antilocalizing at all sampled fields",
            "intervalley scattering is strong: ordinary WL, L_i only bounded",
        )
        out += _range_sentences(
            "B_star", "L_star", float(_field_nm(_pv(self, params, "L_star"))), x,
            "intravalley scattering below the field step",
            "intravalley scattering fast: L_star only bounded",
        )
        return out


def _soc_sentences(B_asy: float, B_so: float, x: np.ndarray) -> list[str]:
    out = []
    if B_so < B_asy:
        out.append(
            f"B_so = {B_so:.3g} T < B_asy = {B_asy:.3g} T means a negative symmetric rate 1/τ_sym = 1/τ_so − 1/τ_asy: "
            "unphysical, the spin–orbit parameters are not separated by these data"
        )
    out += _range_sentences("B_so", "the spin–orbit length", B_so, x, _SO_LOW, _SO_HIGH)
    out += _range_sentences(
        "B_asy", "the asymmetric (z → −z) spin–orbit length", B_asy, x,
        "below the field step: the asymmetric term is invisible",
        "far above the window: only the combination with B_so is fixed",
    )
    return out


@register
class GrapheneSOC(_Localization):
    """Graphene with spin–orbit coupling (McCann & Fal'ko 2012), in lengths.

    Δσ = −(G_Q/2)[Y(B_φ/B) − Y((B_φ+2B_asy)/B) − 2Y((B_φ+B_so)/B)], B_x = ħ/(4e L_x²);
    1/τ_so = 1/τ_asy + 1/τ_sym, so physically L_so ≤ L_asy (checked by :meth:`diagnose`).
    """

    name = "graphene-soc"
    physics = "graphene WL/WAL with spin–orbit coupling (lengths L_phi, L_asy, L_so)"
    reference = "McCann & Fal'ko, Phys. Rev. Lett. 108, 166606 (2012)"
    params_table = (
        _L_PHI,
        Param("L_asy", "nm", 100.0, 0.0, math.inf, "length of the z → −z asymmetric spin–orbit relaxation"),
        Param("L_so", "nm", 50.0, 0.0, math.inf, "total spin–orbit relaxation length (asymmetric + symmetric)"),
    )
    derived_table = (
        _B_PHI,
        Derived("B_asy", _bexpr("L_asy"), "T", "asymmetric spin–orbit field"),
        Derived("B_so", _bexpr("L_so"), "T", "total spin–orbit field"),
    )

    @staticmethod
    def function(B, L_phi, L_asy, L_so):
        """Graphene-SOC Δσ in S; B in T, lengths in nm."""
        return F.graphene_soc(B, _field_nm(L_phi), _field_nm(L_asy), _field_nm(L_so))

    def _guess(self, y, x):
        bp, ba, bs = _guess_three_terms(y, x, (-0.5, 0.5, 1.0), _soc_fields, F.graphene_soc, _soc_branch)
        return {"L_phi": float(_length_nm(bp)), "L_asy": float(_length_nm(ba)), "L_so": float(_length_nm(bs))}

    def diagnose(self, params, x):
        out = super().diagnose(params, x)
        ba = float(_field_nm(_pv(self, params, "L_asy")))
        bs = float(_field_nm(_pv(self, params, "L_so")))
        return out + _soc_sentences(ba, bs, x)


@register
class GrapheneSOCTau(_Localization):
    """Graphene with spin–orbit coupling in scattering times: B_x = ħ/(4e D τ_x).

    Same formula as ``graphene-soc``; τ in ps, the diffusion constant ``D`` in m²/s is fixed
    (1 m²/s = 10⁴ cm²/s; graphene typically 0.005–0.1 m²/s).  Derived lengths L_x = √(D τ_x) in nm.
    """

    name = "graphene-soc-tau"
    physics = "graphene WL/WAL with spin–orbit coupling (times tau_phi, tau_asy, tau_so; D fixed)"
    reference = "McCann & Fal'ko, Phys. Rev. Lett. 108, 166606 (2012)"
    _phi_name = "tau_phi"
    params_table = (
        Param("tau_phi", "ps", 10.0, 0.0, math.inf, "phase coherence time"),
        Param("tau_asy", "ps", 1.0, 0.0, math.inf, "asymmetric (z → −z) spin–orbit relaxation time"),
        Param("tau_so", "ps", 0.5, 0.0, math.inf, "total spin–orbit relaxation time, 1/τ_so = 1/τ_asy + 1/τ_sym"),
        Param("D", "m2/s", 0.01, 0.0, math.inf, "diffusion constant (fixed by default; 1 m²/s = 1e4 cm²/s)", vary=False),
    )
    derived_table = (
        Derived("B_phi", f"{_BT!r}/(D*tau_phi)", "T", "dephasing field ħ/(4eDτ_phi)"),
        Derived("L_phi", "sqrt(D*tau_phi)*1000.0", "nm", "phase coherence length √(Dτ_phi)"),
        Derived("L_asy", "sqrt(D*tau_asy)*1000.0", "nm", "√(Dτ_asy)"),
        Derived("L_so", "sqrt(D*tau_so)*1000.0", "nm", "√(Dτ_so)"),
    )

    @staticmethod
    def _fields(D, *taus):
        with np.errstate(divide="ignore", invalid="ignore"):
            return tuple(_BT / np.multiply(D, t) for t in taus)

    @staticmethod
    def function(B, tau_phi, tau_asy, tau_so, D):
        """Graphene-SOC Δσ in S; B in T, times in ps, D in m²/s."""
        return F.graphene_soc(B, *GrapheneSOCTau._fields(D, tau_phi, tau_asy, tau_so))

    def _B_phi(self, params):
        return float(self._fields(_pv(self, params, "D"), _pv(self, params, "tau_phi"))[0])

    def _guess(self, y, x):
        D = next(p.default for p in self.params_table if p.name == "D")
        bp, ba, bs = _guess_three_terms(y, x, (-0.5, 0.5, 1.0), _soc_fields, F.graphene_soc, _soc_branch)
        return {"tau_phi": _BT / (D * bp), "tau_asy": _BT / (D * ba), "tau_so": _BT / (D * bs)}

    def guess(self, data, x=None, **kwargs) -> lmfit.Parameters:
        """As :meth:`SigmafitModel.guess`; a ``D=`` keyword rescales the guessed times (τ ∝ 1/D)."""
        params = super().guess(data, x=x, **kwargs)
        D0 = next(p.default for p in self.params_table if p.name == "D")
        D = params[self.prefix + "D"].value
        if D > 0 and D != D0:
            for t in ("tau_phi", "tau_asy", "tau_so"):
                if t not in kwargs:
                    par = params[self.prefix + t]
                    par.set(value=par.value * D0 / D)
        return params

    def diagnose(self, params, x):
        out = super().diagnose(params, x)
        D = _pv(self, params, "D")
        ba, bs = self._fields(D, _pv(self, params, "tau_asy"), _pv(self, params, "tau_so"))
        return out + _soc_sentences(float(ba), float(bs), x)


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

    def _guess(self, y, x):
        (bp,) = _guess_fields(F.kawabata, y, x, 1)
        return {"L_phi": float(_length_nm(bp))}


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

    @staticmethod
    def function(B, L_phi, L_so, W, L):
        """Wire ΔG in S; B in T, L_phi, L_so, W in nm, L in µm."""
        return F.wire(B, np.multiply(L_phi, _NM), np.multiply(L_so, _NM), np.multiply(W, _NM), np.multiply(L, 1e-6))

    def _B_phi(self, params):
        """Field at which the magnetic length L_B equals L_phi: √3ħ/(e W L_phi), in T."""
        W = _pv(self, params, "W") * _NM
        lp = _pv(self, params, "L_phi") * _NM
        return _LB / (W * lp) if W * lp > 0 else math.inf

    def _guess(self, y, x):
        geom = {p.name: p.default for p in self.params_table} | getattr(self, "_geometry", {})
        W, L = geom["W"] * _NM, geom["L"] * 1e-6
        b, yb = _fold(y, x)
        bmin, bmax = _field_range(b)
        lo, hi = _LB / (bmax * W) / 10.0, _LB / (bmin * W) * 10.0
        lp, lso = _grid_search(lambda bb, a, c: F.wire(bb, a, c, W, L), b, yb, [(lo, hi), (lo / 10.0, hi * 100.0)], 8.0)
        return {"L_phi": lp / _NM, "L_so": lso / _NM}

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
        out += _range_sentences(
            "the spin–orbit field", "L_so", _LB / (W * _NM * _pv(self, params, "L_so") * _NM), x,
            "no antilocalization within the window", "pure antilocalization within the window",
        )
        return out
