"""Weak localization and antilocalization: pure, vectorized formulas in SI units.

Conventions (``DESIGN.md`` §3, ``PHYSICS.md`` §1–3):

* fields in T, lengths in m, times in s; 2D Δσ in S (sheet conductance), 3D Δσ in S/m,
  wire ΔG in S;
* Δσ(B) ≡ σ(B) − σ(0): every function returns exactly 0 at B = 0 and is even in B;
* ``G_Q = e²/(πh)``; characteristic field of a length ``B_i = ħ/(4e L_i²)``;
* ``Y(x) = ψ(½ + x) − ln x`` with ``x = B_i/|B|``, evaluated without cancellation for every
  x > 0 and with ``Y(∞) = 0``.

The Δσ functions take characteristic fields (T), so that a fitting engine can work in fields
and apply the chain rule ``dB_i/dL_i = −2 B_i/L_i`` itself.  ``*_jac`` functions return the
analytic derivatives of the 2D formulas with respect to those fields.

No lmfit here: the model classes in :mod:`sigmafit.models.localization` wrap these functions.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from scipy.special import digamma, zeta

from ...constants import E2_OVER_H, E_CHARGE, G_Q, HBAR, HBAR_OVER_4E

__all__ = [
    "Y",
    "dY",
    "char_field",
    "char_length",
    "hln",
    "hln_jac",
    "hln_so",
    "hln_so_jac",
    "hln_dp",
    "hln_dp_jac",
    "graphene",
    "graphene_jac",
    "graphene_soc",
    "graphene_soc_jac",
    "f3",
    "y_field",
    "wire_magnetic_length",
    "kawabata",
    "wire",
]

# --- Y(x) = ψ(½ + x) − ln x ----------------------------------------------------------------
#
# Two regions:
#   x < _X_SERIES   direct difference ψ(½ + x) − ln x: no cancellation for small x; at x = 7,
#                   where Y ≈ |ψ|/2300, about 6e-13 relative is left
#   x ≥ _X_SERIES   asymptotic series ψ(x+½) − ln x = Σ_k (1 − 2^(1−2k)) B_2k / (2k x^2k)
#                   = 1/(24x²) − 7/(960x⁴) + 31/(8064x⁶) − …  (B_2k Bernoulli numbers);
#                   10 terms are good to ~6e-13 at x = 7 and < 1e-16 from x = 10 on
# (the naive difference alone loses all digits by x ~ 1e7).  The switch at 7 keeps both sides
# below 1e-12 while costing one digamma, one log or one short polynomial per point — the
# batch engine evaluates Y millions of times.

_X_SERIES = 7.0
_N_SERIES = 10


def _bernoulli_even(kmax: int) -> list[Fraction]:
    """B_2, B_4, …, B_2kmax as exact fractions (Akiyama–Tanigawa algorithm)."""
    n = 2 * kmax
    a = [Fraction(0)] * (n + 1)
    out = []
    for m in range(n + 1):
        a[m] = Fraction(1, m + 1)
        for j in range(m, 0, -1):
            a[j - 1] = j * (a[j - 1] - a[j])
        if m >= 2 and m % 2 == 0:
            out.append(a[0])
    return out


#: c_k in Y(x) ~ Σ c_k x^(−2k): exact (1 − 2^(1−2k)) B_2k / (2k), k = 1 … _N_SERIES.
_Y_SERIES = tuple(
    float((1 - Fraction(1, 2 ** (2 * k - 1))) * b / (2 * k))
    for k, b in enumerate(_bernoulli_even(_N_SERIES), start=1)
)


def _poly(coefs, z):
    """Σ_k coefs[k] z^(k+1) by Horner's rule (in place: two passes over z per term)."""
    acc = np.zeros_like(z)
    for c in reversed(coefs):
        acc += c
        acc *= z
    return acc


def _y_series(x):
    z = 1.0 / x
    np.square(z, out=z)
    return _poly(_Y_SERIES, z)


_DY_SERIES = tuple(2 * k * c for k, c in enumerate(_Y_SERIES, start=1))


def _dy_series(x):
    inv = 1.0 / x
    z = inv * inv
    out = _poly(_DY_SERIES, z)
    out *= -inv
    return out


#: Bernoulli numbers B_2 … B_18 for the trigamma asymptotic series ψ′(z) ~ 1/z + 1/(2z²) + Σ B_2k / z^(2k+1).
_TRIGAMMA_B = tuple(float(b) for b in _bernoulli_even(9))
_TRIGAMMA_SHIFT = 6  # ψ′(z) = ψ′(z + 6) + Σ_{k<6} 1/(z + k)²; 9 series terms at z ≥ 6 are good to ~2e-15


def trigamma(z):
    """ψ′(z) for real z > 0 (vectorized): upward recurrence by 6, then the Bernoulli series.

    Several times faster than ``scipy.special.polygamma(1, z)`` (which goes through the Hurwitz
    zeta function); relative error ≲ 1e-15.
    """
    z = np.asarray(z, dtype=float)
    acc = np.zeros_like(z)
    w = z.copy()
    tmp = np.empty_like(z)
    for _ in range(_TRIGAMMA_SHIFT):  # in place: the arithmetic of acc += 1/(w·w), without temporaries
        np.multiply(w, w, out=tmp)
        np.divide(1.0, tmp, out=tmp)
        acc += tmp
        w += 1.0
    t = np.divide(1.0, w, out=w)
    t2 = np.multiply(t, t, out=tmp)
    series = _poly(_TRIGAMMA_B, t2)
    out = np.multiply(0.5, t)
    out += 1.0
    out += series
    out *= t
    out += acc
    return out if out.ndim else out[()]


def _piecewise(x, direct, series, at_zero):
    """``direct`` for 0 < x < _X_SERIES, ``series`` for finite x ≥ _X_SERIES, 0 at x = inf, ``at_zero`` at 0, NaN
    for x < 0 or NaN; each region gathered once (the batch engine calls this millions of times)."""
    x = np.asarray(x, dtype=float)
    scalar = x.ndim == 0
    if scalar:
        x = x.reshape(1)
    lo = x < _X_SERIES
    n_lo = int(np.count_nonzero(lo))
    if n_lo == x.size and n_lo and x.min() > 0:  # the common case inside a fit window: no scatter
        out = direct(x)
    else:
        out = np.empty(x.shape)
        if n_lo:
            out[lo] = _region(x[lo], direct, lambda v: v > 0, {0.0: at_zero})
        if n_lo < x.size:
            hi = ~lo
            out[hi] = _region(x[hi], series, np.isfinite, {np.inf: 0.0})
    return out[0] if scalar else out


def _region(v, fun, valid, edges):
    """``fun`` where ``valid(v)``, the ``edges`` values at those points, NaN elsewhere."""
    ok = valid(v)
    if ok.all():
        return fun(v)
    out = np.full(v.shape, np.nan)
    out[ok] = fun(v[ok])
    for at, value in edges.items():
        out[v == at] = value
    return out


def Y(x):
    """Y(x) = ψ(½ + x) − ln x, the building block of 2D weak localization (dimensionless).

    ``x = B_i/|B| ≥ 0``; ``Y(0) = +inf``, ``Y(inf) = 0`` (so Δσ(B = 0) = 0 exactly), NaN for x < 0.
    Large x: Y ≈ 1/(24x²) − 7/(960x⁴) + 31/(8064x⁶).  Accurate to ≲ 1e-12 relative for all
    x > 0 (direct difference below x = 7, asymptotic series with 10 Bernoulli terms above),
    where the naive difference loses all digits by x ~ 1e7.

    Reference: Hikami, Larkin, Nagaoka, Prog. Theor. Phys. 63, 707 (1980).
    """
    return _piecewise(x, lambda v: digamma(0.5 + v) - np.log(v), _y_series, np.inf)


def dY(x):
    """dY/dx = ψ′(½ + x) − 1/x (trigamma ψ′), cancellation-free like :func:`Y`.

    dY < 0 for x > 0; ``dY(0) = −inf``, ``dY(inf) = 0``; large x: −1/(12x³) + 7/(240x⁵) − ….
    """
    return _piecewise(x, lambda v: trigamma(0.5 + v) - 1.0 / v, _dy_series, -np.inf)


# --- fields and lengths ----------------------------------------------------------------------


def char_field(L):
    """Characteristic field B = ħ/(4e L²) in T of a length L in m (L = 0 → inf, L = inf → 0).

    L = 100 nm ↔ B = 16.455 mT.
    """
    L = np.asarray(L, dtype=float)
    with np.errstate(divide="ignore"):
        out = HBAR_OVER_4E / np.square(L)
    return out if out.ndim else out[()]


def char_length(B):
    """Length L = √(ħ/(4e B)) in m of a characteristic field B in T (inverse of :func:`char_field`)."""
    B = np.asarray(B, dtype=float)
    with np.errstate(divide="ignore"):
        out = np.sqrt(HBAR_OVER_4E / B)
    return out if out.ndim else out[()]


def _x(H, B):
    """x = H/|B| with x = inf at B = 0 (whatever H), broadcast."""
    absB = np.abs(np.asarray(B, dtype=float))
    H = np.asarray(H, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = H / absB
    zero = absB == 0
    return np.where(zero, np.inf, x) if zero.any() else x


def y_field(H, B):
    """Y(H/|B|) (dimensionless) for a combined characteristic field H and applied field B (both T),
    broadcast; 0 at B = 0 (x = inf), so every Δσ built from it vanishes at B = 0."""
    return Y(_x(H, B))


_yb = y_field


def _dyb(H, B):
    """∂Y(H/|B|)/∂H = Y′(H/|B|)/|B|, 0 at B = 0 (Δσ(0) = 0 for every parameter)."""
    absB = np.abs(np.asarray(B, dtype=float))
    d = dY(_x(H, B))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = d / absB
    return np.where(absB == 0, 0.0, out)


# --- 2D models -------------------------------------------------------------------------------


def hln(B, alpha, B_phi):
    """Simplified HLN: Δσ = α · G_Q · Y(B_φ/|B|)  (S, sheet conductance).

    α = +1 weak localization, −½ per antilocalizing channel (``DESIGN.md`` α convention).
    Limits it stands for: the full HLN form (:func:`hln_so`) with B ≪ B_so (α = −½) or
    B_so = 0 (α = +1), and B ≪ B_e (diffusive regime, elastic term dropped).  B, B_φ in T.
    Reference: Hikami, Larkin, Nagaoka, Prog. Theor. Phys. 63, 707 (1980).
    """
    return alpha * G_Q * _yb(B_phi, B)


def hln_jac(B, alpha, B_phi):
    """(∂Δσ/∂α in S, ∂Δσ/∂B_φ in S/T) of :func:`hln`."""
    return G_Q * _yb(B_phi, B), alpha * G_Q * _dyb(B_phi, B)


def _hln_so_fields(B_phi, B_so, B_e, B_s):
    H1 = np.add(np.add(B_e, B_so), B_s)
    H2 = np.add(np.add(B_phi, np.multiply(4.0 / 3.0, B_so)), np.multiply(2.0 / 3.0, B_s))
    H3 = np.add(B_phi, np.multiply(2.0, B_s))
    return H1, H2, H3


def hln_so(B, B_phi, B_so, B_e=np.inf, B_s=0.0):
    """Full HLN with isotropic spin–orbit and magnetic scattering (S, sheet conductance).

    Δσ = −G_Q [ Y(H1/B) − (3/2) Y(H2/B) + (1/2) Y(H3/B) ],
    H1 = B_e + B_so + B_s,  H2 = B_φ + (4/3) B_so + (2/3) B_s,  H3 = B_φ + 2 B_s.

    Spin–orbit *scattering* at impurities (Elliott–Yafet: the spin is rotated at each
    collision, isotropically), as in metal films — not precession in a built-in field
    (D'yakonov–Perel, see :func:`hln_dp`).  Diffusive theory: valid for |B| ≪ B_e.
    ``B_e`` is the elastic field ħ/(2eℓ²) of the mean free path ℓ (note 2e, not 4e; some codes
    use ħ/(4eℓ²), a factor 2 apart).  ``B_e = inf`` (default) is the limit B ≪ B_e itself:
    Y((B_so + B_e)/B) → 0 and the first term drops.  ``B_s = 0`` (default): no magnetic
    scattering.  Limits: B_so → 0, B_e → ∞ gives +G_Q·Y(B_φ/B) (WL); B_so → ∞ gives
    −½ G_Q·Y(B_φ/B) (WAL).  All fields in T.
    Reference: Hikami, Larkin, Nagaoka, Prog. Theor. Phys. 63, 707 (1980).
    """
    H1, H2, H3 = _hln_so_fields(B_phi, B_so, B_e, B_s)
    return -G_Q * (_yb(H1, B) - 1.5 * _yb(H2, B) + 0.5 * _yb(H3, B))


def hln_so_jac(B, B_phi, B_so, B_e=np.inf, B_s=0.0):
    """(∂/∂B_φ, ∂/∂B_so, ∂/∂B_e, ∂/∂B_s) of :func:`hln_so`, each in S/T (0 at B = 0)."""
    H1, H2, H3 = _hln_so_fields(B_phi, B_so, B_e, B_s)
    d1, d2, d3 = _dyb(H1, B), _dyb(H2, B), _dyb(H3, B)
    return (
        -G_Q * (-1.5 * d2 + 0.5 * d3),
        -G_Q * (d1 - 2.0 * d2),
        -G_Q * d1,
        -G_Q * (d1 - d2 + d3),
    )


def hln_dp(B, B_phi, B_so):
    """2D D'yakonov–Perel form (spin precession in an in-plane spin–orbit field), S (sheet conductance).

    Δσ = −G_Q [ (1/2) Y(B_φ/B) − Y((B_φ + B_so)/B) − (1/2) Y((B_φ + 2B_so)/B) ], fields in T
    (triplet split as B_so, B_so, 2B_so).

    Which limit this is: the Iordanskii–Lyanda-Geller–Pikus (ILP) theory reduces exactly to
    this three-digamma form when the spin–orbit field has a single higher harmonic — the
    k-cubic Dresselhaus term alone (Knap et al., PRB 53, 3912 (1996)).  For a k-linear field
    (Rashba, linear Dresselhaus) the exact result is ILP's series, and this form is the usual
    approximation to it, not the exact k-linear result (``PHYSICS.md`` §2).  Diffusive theory:
    |B| ≪ B_e (the transport field ħ/(2eℓ²)) is assumed, with no elastic cut-off term.
    B_so = 0 gives +G_Q·Y(B_φ/B); B_so → ∞ gives −½ G_Q·Y(B_φ/B).
    References: Iordanskii, Lyanda-Geller, Pikus, JETP Lett. 60, 206 (1994); Knap et al.,
    Phys. Rev. B 53, 3912 (1996).
    """
    H1 = np.add(B_phi, B_so)
    H2 = np.add(B_phi, np.multiply(2.0, B_so))
    return -G_Q * (0.5 * _yb(B_phi, B) - _yb(H1, B) - 0.5 * _yb(H2, B))


def hln_dp_jac(B, B_phi, B_so):
    """(∂/∂B_φ, ∂/∂B_so) of :func:`hln_dp`, in S/T."""
    H1 = np.add(B_phi, B_so)
    H2 = np.add(B_phi, np.multiply(2.0, B_so))
    d0, d1, d2 = _dyb(B_phi, B), _dyb(H1, B), _dyb(H2, B)
    return -G_Q * (0.5 * d0 - d1 - 0.5 * d2), G_Q * (d1 + d2)


def graphene(B, B_phi, B_i, B_star):
    """Graphene weak localization with intervalley (B_i) and intravalley (B_*) scattering, S.

    Δσ = G_Q [ Y(B_φ/B) − Y((B_φ + 2B_i)/B) − 2 Y((B_φ + B_i + B_*)/B) ], fields in T.
    B_i, B_* → ∞ gives G_Q·Y(B_φ/B) (ordinary WL).
    Reference: McCann et al., Phys. Rev. Lett. 97, 146805 (2006).
    """
    H1 = np.add(B_phi, np.multiply(2.0, B_i))
    H2 = np.add(np.add(B_phi, B_i), B_star)
    return G_Q * (_yb(B_phi, B) - _yb(H1, B) - 2.0 * _yb(H2, B))


def graphene_jac(B, B_phi, B_i, B_star):
    """(∂/∂B_φ, ∂/∂B_i, ∂/∂B_*) of :func:`graphene`, in S/T."""
    H1 = np.add(B_phi, np.multiply(2.0, B_i))
    H2 = np.add(np.add(B_phi, B_i), B_star)
    d0, d1, d2 = _dyb(B_phi, B), _dyb(H1, B), _dyb(H2, B)
    return G_Q * (d0 - d1 - 2.0 * d2), -2.0 * G_Q * (d1 + d2), -2.0 * G_Q * d2


def graphene_soc(B, B_phi, B_asy, B_so):
    """Graphene with spin–orbit coupling (McCann & Fal'ko), S (sheet conductance).

    Δσ = −(G_Q/2) [ Y(B_φ/B) − Y((B_φ + 2B_asy)/B) − 2 Y((B_φ + B_so)/B) ], fields in T,
    B_x = ħ/(4eDτ_x) and 1/τ_so = 1/τ_asy + 1/τ_sym, i.e. B_so = B_asy + B_sym ≥ B_asy
    (the models pass B_asy + B_sym so that the physical branch holds by construction).
    Valid where intervalley scattering is fast (B ≪ B_i, B_*): the regime in which the
    graphene WL correction reduces to this spin–orbit form; diffusive, |B| ≪ B_e.
    B_asy, B_so → ∞ gives −½ G_Q·Y(B_φ/B) (WAL); both → 0 gives +G_Q·Y(B_φ/B) (WL).
    Reference: McCann & Fal'ko, Phys. Rev. Lett. 108, 166606 (2012).
    """
    H1 = np.add(B_phi, np.multiply(2.0, B_asy))
    H2 = np.add(B_phi, B_so)
    return -0.5 * G_Q * (_yb(B_phi, B) - _yb(H1, B) - 2.0 * _yb(H2, B))


def graphene_soc_jac(B, B_phi, B_asy, B_so):
    """(∂/∂B_φ, ∂/∂B_asy, ∂/∂B_so) of :func:`graphene_soc`, in S/T."""
    H1 = np.add(B_phi, np.multiply(2.0, B_asy))
    H2 = np.add(B_phi, B_so)
    d0, d1, d2 = _dyb(B_phi, B), _dyb(H1, B), _dyb(H2, B)
    return -0.5 * G_Q * (d0 - d1 - 2.0 * d2), G_Q * d1, G_Q * d2


# --- 3D ------------------------------------------------------------------------------------

_F3_HEAD = 8  # terms summed directly
# Tail Σ_{n≥N} term(n + ½ + δ) with term(u) = 2(√(u+½) − √(u−½)) − u^(−½)
#   = Σ_{j odd ≥ 3} a_j u^(½−j),  a_j = 4·binom(½, j)·2^(−j)  (all a_j > 0),
# summed over n in closed form by the Hurwitz zeta function ζ(j − ½, N + ½ + δ).
_F3_J = tuple(range(3, 19, 2))


def _binom_half(j: int) -> Fraction:
    out = Fraction(1)
    for i in range(j):
        out *= (Fraction(1, 2) - i) / (i + 1)
    return out


_F3_TAIL = tuple((j - 0.5, float(4 * _binom_half(j) / 2**j)) for j in _F3_J)


def f3(delta):
    """Kawabata's f₃(δ) = Σ_{n≥0} [2(√(n+1+δ) − √(n+δ)) − (n+½+δ)^(−½)] (dimensionless).

    Each term is evaluated in the cancellation-free form 1/(2s(a+b)²(a+s)(b+s)) with
    s = √u, a = √(u+½), b = √(u−½), u = n + ½ + δ; the first 8 terms are summed directly and
    the rest in closed form (binomial expansion of the term in 1/u, each power summed by the
    Hurwitz zeta function).  Vectorized over δ ≥ 0; f₃(0) = (√2 − 1)|ζ(½)|,
    f₃(δ ≫ 1) ≈ δ^(−3/2)/48, f₃(inf) = 0, NaN for δ < 0.
    Reference: Kawabata, Solid State Commun. 34, 431 (1980).
    """
    d = np.asarray(delta, dtype=float)
    bad = ~(d >= 0)
    dd = np.where(bad, 0.0, d)
    n = np.arange(_F3_HEAD, dtype=float)
    dn = dd[..., None]
    # n + δ etc. formed directly (not from u ± ½) so that small δ keeps its digits
    s, a, b = np.sqrt(dn + (n + 0.5)), np.sqrt(dn + (n + 1.0)), np.sqrt(dn + n)
    with np.errstate(invalid="ignore"):
        head = (1.0 / (2.0 * s * np.square(a + b) * (a + s) * (b + s))).sum(axis=-1)
    q = dd + _F3_HEAD + 0.5
    tail = np.zeros_like(q)
    for p, c in reversed(_F3_TAIL):
        tail = tail + c * zeta(p, q)
    out = np.where(bad, np.nan, np.where(np.isinf(dd), 0.0, head + tail))
    return out if out.ndim else out[()]


def kawabata(B, B_phi):
    """3D weak localization: Δσ = G_Q · √(e|B|/ħ) · f₃(B_φ/|B|)  (S/m, conductivity).

    Fields in T; positive (WL) magnetoconductance; for |B| ≫ B_φ it grows as √|B|.
    Reference: Kawabata, Solid State Commun. 34, 431 (1980).
    """
    B = np.asarray(B, dtype=float)
    return G_Q * np.sqrt(E_CHARGE * np.abs(B) / HBAR) * f3(_x(B_phi, B))


# --- quasi-1D wire -----------------------------------------------------------------------------


def _inv_sqrt_increment(a, b):
    """(a + b)^(−½) − a^(−½) without cancellation for b ≪ a (a > 0, b ≥ 0)."""
    ra, rab = np.sqrt(a), np.sqrt(a + b)
    return -b / (ra * rab * (ra + rab))


def wire_magnetic_length(B, W):
    """Magnetic dephasing length of a narrow wire, L_B = √3 ħ/(e|B|W) in m (B in T, W in m).

    The relation is symmetric: the field (T) at which L_B equals a length L is the same
    expression with L in place of B, √3 ħ/(e L W).  B = 0 gives inf.
    Reference: Beenakker & van Houten, Solid State Phys. 44, 1 (1991).
    """
    with np.errstate(divide="ignore"):
        return np.sqrt(3.0) * HBAR / (E_CHARGE * np.abs(np.multiply(B, W)))


def wire(B, L_phi, L_so, W, L):
    """Quasi-1D (dirty wire) magnetoconductance ΔG(B) = G(B) − G(0) of a length L, in S.

    G(B) = −(2e²/(hL)) [ (3/2)(L_φ⁻² + (4/3)L_so⁻² + L_B⁻²)^(−½) − (1/2)(L_φ⁻² + L_B⁻²)^(−½) ],
    L_B = √3 ħ/(e|B|W).  Lengths L_phi, L_so, W (wire width), L (wire length) in m, B in T.
    Valid for W (and thickness) ≪ L_φ ≪ L.  L_so = inf: no spin–orbit (WL, ΔG > 0);
    L_so → 0: WAL (ΔG < 0).
    Reference: Beenakker & van Houten, Solid State Phys. 44, 1 (1991); ``PHYSICS.md`` §3.
    """
    B = np.asarray(B, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = 1.0 / np.square(L_phi)
        a = c + (4.0 / 3.0) / np.square(L_so)
        lb2 = np.square(E_CHARGE * B * W / HBAR) / 3.0
        bracket = 1.5 * _inv_sqrt_increment(a, lb2) - 0.5 * _inv_sqrt_increment(c, lb2)
        return -(2.0 * E2_OVER_H / L) * bracket

