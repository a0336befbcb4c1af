"""Temperature laws of conduction: pure, vectorized numpy/scipy functions (no lmfit).

Conventions (``PHYSICS.md`` §4, ``DESIGN.md`` §3): temperatures in K; sheet
conductance in S; ``G_Q = e²/(πh)`` from :mod:`sigmafit.constants`; resistances in
whatever unit the data carry (Ω, Ω·cm — the prefactors take that unit).

Contents

* weak localization + e–e interaction: :func:`ln_t`, :func:`ln_t_curvature`,
  :func:`interaction_separation`;
* dephasing: :func:`dephasing`;
* strong localization: :func:`vrh`, :func:`arrhenius`, the Zabrodskii log-derivative
  :func:`zabrodskii` and :func:`hopping_exponent`;
* metals: :func:`bloch_gruneisen` (with :func:`bg_integral`), :func:`kondo`;
* analytic Jacobians for a batch engine: :func:`ln_t_jacobian`, :func:`vrh_jacobian`,
  :func:`arrhenius_jacobian` — each returns an array of shape ``(n_params,) + T.shape``,
  one row per parameter in signature order (``col_deriv=True`` layout).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from scipy import special

from ...constants import E_CHARGE, G_Q, K_B

__all__ = [
    "EXP_MAX",
    "KONDO_S",
    "HoppingExponent",
    "InteractionSeparation",
    "LnTCurvature",
    "MEV_PER_K",
    "arrhenius",
    "arrhenius_jacobian",
    "bg_integral",
    "bloch_gruneisen",
    "dephasing",
    "hopping_exponent",
    "interaction_separation",
    "kondo",
    "ln_t",
    "ln_t_curvature",
    "ln_t_jacobian",
    "vrh",
    "vrh_jacobian",
    "zabrodskii",
]

#: Largest exponent passed to ``exp`` by :func:`vrh` / :func:`arrhenius`.  Beyond it the
#: result is held at ``R0·exp(EXP_MAX)`` (≈ 4e260·R0) so that fits never see ``inf``.
EXP_MAX: float = 600.0
#: k_B / (1 meV): temperature in K → energy in meV (k_B T / meV).  E_a/k_B [K] = E_a[meV] / MEV_PER_K.
MEV_PER_K: float = K_B / (1e-3 * E_CHARGE)
#: Exponent of the empirical Goldhaber-Gordon Kondo form (fixed; see :func:`kondo`).
KONDO_S: float = 0.225


def _arr(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


# ---------------------------------------------------------------------------
# ln T law
# ---------------------------------------------------------------------------
def ln_t(T, sigma0, A):
    """Two-dimensional ln T correction to the sheet conductance.

    σ(T) = σ0 + A · G_Q · ln(T / 1 K)

    ``T`` in K, ``sigma0`` in S (the value at T = 1 K), ``A`` dimensionless (slope in
    units of G_Q = e²/(πh) per e-fold of T).  In the α convention of ``DESIGN.md`` §3,
    A = α·p + (1 − ¾F̃σ): weak (anti)localization plus the Altshuler–Aronov e–e
    interaction term.

    Reference: P. A. Lee and T. V. Ramakrishnan, Rev. Mod. Phys. 57, 287 (1985), §II–III.
    """
    return sigma0 + A * G_Q * np.log(_arr(T))


def ln_t_jacobian(T, sigma0, A):
    """∂σ/∂(sigma0, A) of :func:`ln_t`; shape ``(2,) + T.shape``."""
    lnT = np.log(_arr(T))
    return np.stack([np.ones_like(lnT), G_Q * lnT])


def _linear_fit(x, y, yerr=None):
    """Least-squares ``y = c0 + c1·x``; returns (coef, cov).

    With ``yerr`` the covariance is absolute (errors taken as given); without, it is
    scaled by the residual variance (``yerr`` estimated from the scatter).
    """
    x, y = _arr(x), _arr(y)
    if x.size < 3:
        raise ValueError(f"a linear fit needs at least 3 points, got {x.size}")
    w = np.ones_like(y) if yerr is None else 1.0 / _arr(yerr) ** 2
    X = np.column_stack([np.ones_like(x), x])
    Xw = X * np.sqrt(w)[:, None]
    yw = y * np.sqrt(w)
    coef, *_ = np.linalg.lstsq(Xw, yw, rcond=None)
    cov = np.linalg.inv(Xw.T @ Xw)
    if yerr is None:
        resid = yw - Xw @ coef
        cov = cov * float(resid @ resid) / (x.size - 2)
    return coef, cov


class InteractionSeparation(NamedTuple):
    """Result of :func:`interaction_separation` (slopes in units of G_Q)."""

    A_B0: float
    A_B0_err: float
    A_Bq: float
    A_Bq_err: float
    #: e–e interaction coefficient 1 − ¾F̃σ (= A at the quenching field).
    interaction: float
    interaction_err: float
    #: localization part α·p = A(0) − A(B_q).
    alpha_p: float
    alpha_p_err: float
    #: F̃σ = (4/3)(1 − interaction), the Fermi-liquid constant of the triplet channel.
    F_sigma: float
    F_sigma_err: float


def interaction_separation(T, sigma_B0, sigma_Bq, *, T_Bq=None, sigma_err=None, sigma_Bq_err=None) -> InteractionSeparation:
    """Separate localization and interaction ln T slopes with a field that quenches WL.

    Fits σ = σ0 + A·G_Q·ln T (:func:`ln_t`) to σ(T) at B = 0 (``sigma_B0`` on ``T``) and at a
    field B_q ≫ B_φ (``sigma_Bq`` on ``T_Bq``, default ``T``).  Weak localization is quenched
    at B_q, the Altshuler–Aronov term is not, so

        A(B_q) = 1 − ¾F̃σ            (interaction coefficient)
        A(0) − A(B_q) = α·p          (localization: α from DESIGN.md §3, L_φ ∝ T^(−p/2))

    Conductances in S, temperatures in K.  Uncertainties come from the two linear fits
    (absolute if ``sigma_err``/``sigma_Bq_err`` are given, otherwise from the scatter)
    and are combined in quadrature (independent fits).

    Caveats: at B_q the Zeeman splitting (gμ_B B ≳ k_B T) suppresses part of the
    triplet interaction term, and classical magnetoresistance shifts σ0 (not A); choose
    B_q just large enough to quench WL (a few B_φ at the lowest T).

    Reference: Lee & Ramakrishnan, Rev. Mod. Phys. 57, 287 (1985); B. L. Altshuler and
    A. G. Aronov, in *Electron–Electron Interactions in Disordered Systems* (1985).
    """
    T0 = _arr(T)
    Tq = T0 if T_Bq is None else _arr(T_Bq)
    s0, sq = _arr(sigma_B0), _arr(sigma_Bq)
    if s0.shape != T0.shape or sq.shape != Tq.shape:
        raise ValueError("sigma_B0 must match T and sigma_Bq must match T_Bq (or T) in shape")
    e0 = None if sigma_err is None else _arr(sigma_err) / G_Q
    eq = None if sigma_Bq_err is None else _arr(sigma_Bq_err) / G_Q
    c0, cov0 = _linear_fit(np.log(T0), s0 / G_Q, e0)
    cq, covq = _linear_fit(np.log(Tq), sq / G_Q, eq)
    a0, a0e = float(c0[1]), float(math.sqrt(cov0[1, 1]))
    aq, aqe = float(cq[1]), float(math.sqrt(covq[1, 1]))
    ap_err = math.hypot(a0e, aqe)
    return InteractionSeparation(a0, a0e, aq, aqe, aq, aqe, a0 - aq, ap_err, 4.0 / 3.0 * (1.0 - aq), 4.0 / 3.0 * aqe)


class LnTCurvature(NamedTuple):
    """Quadratic term of σ/G_Q = a + b·ln T + c·(ln T)² (see :func:`ln_t_curvature`)."""

    c: float
    c_err: float
    #: |c| / c_err: how many standard errors the curvature is away from zero.
    significance: float
    #: b, the slope in units of G_Q at ln T = mean(ln T) (the local ln T slope A).
    slope: float
    #: span of ln T covered by the data.
    span: float


def ln_t_curvature(T, sigma) -> LnTCurvature:
    """How strongly σ(T) curves away from a straight line in ln T.

    Fits σ/G_Q = a + b·u + c·u² with u = ln T − mean(ln T) (T in K, σ in S) and returns c,
    its standard error (from the residual scatter) and the significance |c|/c_err.
    The deviation of the parabola from its chord at mid-span is |c|·span²/4 (in G_Q).
    A pure ln T law has c = 0; saturation of L_φ, Kondo scattering, superconducting
    fluctuations or the onset of hopping make c ≠ 0.
    """
    u = np.log(_arr(T))
    y = _arr(sigma) / G_Q
    ok = np.isfinite(u) & np.isfinite(y)
    u, y = u[ok], y[ok]
    if u.size < 4:
        raise ValueError(f"ln_t_curvature needs at least 4 finite points, got {u.size}")
    u = u - u.mean()
    X = np.column_stack([np.ones_like(u), u, u * u])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    dof = u.size - 3
    var = float(resid @ resid) / dof if dof > 0 else 0.0
    cov = np.linalg.pinv(X.T @ X) * var
    c, c_err = float(coef[2]), float(math.sqrt(max(cov[2, 2], 0.0)))
    sig = abs(c) / c_err if c_err > 0 else (math.inf if c != 0 else 0.0)
    return LnTCurvature(c, c_err, sig, float(coef[1]), float(np.ptp(u)))


# ---------------------------------------------------------------------------
# dephasing
# ---------------------------------------------------------------------------
def dephasing(T, L1, p, L_sat=np.inf):
    """Phase-coherence length with a power law and optional saturation.

    1/L_φ² = 1/L_sat² + T^p / L1²      (L_sat = ∞: L_φ = L1 · T^(−p/2))

    ``T`` in K; ``L1`` = L_φ(1 K) without saturation and ``L_sat`` in one length unit
    (sigmafit reports nm); the result has that unit.  p ≈ 1 for 2D e–e (Nyquist)
    dephasing, 2–3 for electron–phonon.  Evaluated as 1/hypot(1/L_sat, T^(p/2)/L1) without
    cancellation; an overflowing T^(p/2) gives its limit L_φ = 0.

    Reference: B. L. Altshuler, A. G. Aronov and D. E. Khmelnitsky, J. Phys. C 15, 7367
    (1982); Lee & Ramakrishnan, Rev. Mod. Phys. 57, 287 (1985).
    """
    T = _arr(T)
    with np.errstate(divide="ignore", over="ignore"):
        inv = np.hypot(1.0 / _arr(L_sat), np.power(T, 0.5 * _arr(p)) / _arr(L1))
        return 1.0 / inv


# ---------------------------------------------------------------------------
# hopping and activation
# ---------------------------------------------------------------------------
def vrh(T, R0, T0, s):
    """Variable-range hopping (and activation for s = 1).

    R(T) = R0 · exp[(T0/T)^s]

    ``T``, ``T0`` in K; ``R0`` in the unit of R (Ω or Ω·cm); s = 1/(d+1) for Mott VRH in d
    dimensions (¼ in 3D, ⅓ in 2D), ½ for Efros–Shklovskii, 1 for simple activation.
    The exponent is capped at :data:`EXP_MAX` so the result stays finite in float64.

    References: N. F. Mott, J. Non-Cryst. Solids 1, 1 (1968); A. L. Efros and
    B. I. Shklovskii, J. Phys. C 8, L49 (1975).
    """
    with np.errstate(divide="ignore", over="ignore"):
        x = np.power(_arr(T0) / _arr(T), s)
    return R0 * np.exp(np.minimum(x, EXP_MAX))


def vrh_jacobian(T, R0, T0, s):
    """∂R/∂(R0, T0, s) of :func:`vrh`; shape ``(3,) + T.shape``.

    With x = (T0/T)^s: ∂R/∂R0 = e^x, ∂R/∂T0 = R·s·x/T0, ∂R/∂s = R·x·ln(T0/T).  At T0 = 0 the
    last two are set to their limits T0 → 0⁺ (0 for s > 0); where the exponent is capped
    (x > EXP_MAX) they are 0, consistent with :func:`vrh`.
    """
    T = _arr(T)
    ratio = _arr(T0) / T
    with np.errstate(over="ignore"):
        x = np.power(ratio, s)
    capped = x > EXP_MAX
    e = np.exp(np.minimum(x, EXP_MAX))
    R = R0 * e
    with np.errstate(divide="ignore", invalid="ignore"):
        dT0 = np.where(ratio > 0, R * s * x / np.where(ratio > 0, _arr(T0), 1.0), 0.0)
        ds = np.where(ratio > 0, R * x * np.log(np.where(ratio > 0, ratio, 1.0)), 0.0)
    dT0 = np.where(capped, 0.0, dT0)
    ds = np.where(capped, 0.0, ds)
    return np.stack(np.broadcast_arrays(e, dT0, ds)).astype(float)


def arrhenius(T, R0, Ea_meV):
    """Thermally activated resistance.

    R(T) = R0 · exp[E_a / (k_B T)]

    ``T`` in K, ``Ea_meV`` in meV (k_B and e from scipy.constants: E_a/k_B [K] =
    E_a[meV]/:data:`MEV_PER_K`, 1 meV ↔ 11.6045 K), ``R0`` in the unit of R.  Same as
    :func:`vrh` with s = 1 and T0 = E_a/k_B.  Exponent capped at :data:`EXP_MAX`.

    Reference: e.g. B. I. Shklovskii and A. L. Efros, *Electronic Properties of Doped
    Semiconductors* (Springer, 1984), ch. 4.
    """
    with np.errstate(divide="ignore", over="ignore"):
        x = _arr(Ea_meV) / (MEV_PER_K * _arr(T))
    return R0 * np.exp(np.minimum(x, EXP_MAX))


def arrhenius_jacobian(T, R0, Ea_meV):
    """∂R/∂(R0, Ea_meV) of :func:`arrhenius`; shape ``(2,) + T.shape``."""
    inv = 1.0 / (MEV_PER_K * _arr(T))
    with np.errstate(over="ignore"):
        x = _arr(Ea_meV) * inv
    e = np.exp(np.minimum(x, EXP_MAX))
    dE = np.where(x > EXP_MAX, 0.0, R0 * e * inv)
    return np.stack(np.broadcast_arrays(e, dE)).astype(float)


def zabrodskii(T, R, *, window: float = 0.3, min_points: int = 5):
    """Zabrodskii log-derivative w(T) = −d ln R / d ln T of noisy R(T).

    For VRH, w = s·(T0/T)^s, so ln w against ln T is a straight line of slope −s
    (:func:`hopping_exponent`); a metal has w ≤ 0 at low T.

    The derivative at each T_i is the linear coefficient of a least-squares quadratic in
    u = ln T − ln T_i fitted to ln R over the points with |u| ≤ ``window``/2 (a local
    polynomial / Savitzky–Golay derivative on a non-uniform grid).  ``window`` is the full
    width in ln T (0.3 ≈ ±16 % in T).  Points whose window holds fewer than ``min_points``
    points get w = NaN.  Neighbouring w values share data, so they are correlated over about
    one window.

    Memory and time are O(N) whatever the window holds: the moment sums of every window are
    differences of running sums (:func:`_window_moments`), taken in blocks of ln T so that the
    powers stay near 1 and few digits cancel (agrees with the direct per-window sums to ~1e−11).

    Returns ``(T_sorted, w)`` as float arrays, sorted by T.  ``T`` in K, ``R`` > 0 in any unit.

    Reference: A. G. Zabrodskii and K. N. Zinov'eva, Sov. Phys. JETP 59, 425 (1984).
    """
    T, R = _arr(T).ravel(), _arr(R).ravel()
    if T.shape != R.shape:
        raise ValueError(f"T and R must have the same length, got {T.size} and {R.size}")
    if not window > 0:
        raise ValueError(f"window must be > 0 (full width in ln T), got {window!r}")
    if min_points < 3:
        raise ValueError(f"min_points must be >= 3 for a local quadratic, got {min_points!r}")
    ok = np.isfinite(T) & np.isfinite(R)
    if np.any(T[ok] <= 0) or np.any(R[ok] <= 0):
        raise ValueError("zabrodskii needs T > 0 and R > 0 (it differentiates ln R against ln T)")
    T, R = T[ok], R[ok]
    order = np.argsort(T, kind="stable")
    T, R = T[order], R[order]
    w = np.full(T.size, np.nan)
    if T.size == 0:
        return T, w
    u, y = np.log(T), np.log(R)
    h = 0.5 * window
    lo = np.searchsorted(u, u - h, side="left")
    hi = np.searchsorted(u, u + h, side="right")
    # blocks of consecutive points spanning at most 2h in u: within reach of a block, |u − centre| ≤ 2h
    starts = [0]
    while starts[-1] < u.size:
        starts.append(max(int(np.searchsorted(u, u[starts[-1]] + 2.0 * h, side="right")), starts[-1] + 1))
    for a, b in zip(starts[:-1], starts[1:], strict=True):
        w[a:b] = _block_derivative(u, y, lo[a:b], hi[a:b], a, b, h, min_points)
    return T, w


def _window_moments(v: np.ndarray, z: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    """Σ v^k (k = 0…4) and Σ v^k z (k = 0…2) over the index windows [lo, hi) of ``v``, ``z``.

    Each sum is a difference of two running sums: O(len(v) + len(lo)) time and memory.
    """
    def window_sum(values):
        c = np.concatenate([[0.0], np.cumsum(values)])
        return c[hi] - c[lo]

    powers = [np.ones_like(v), v, v * v, v**3, v**4]
    S = [window_sum(p) for p in powers]
    Y = [window_sum(p * z) for p in powers[:3]]
    return S, Y


def _block_derivative(u, y, lo, hi, a, b, h, min_points):
    """w = −d ln R/d ln T at points a…b−1 (see :func:`zabrodskii`) from running sums over one block.

    The running sums are taken in coordinates centred on the block (v = (u − u_c)/h, |v| ≤ 3,
    z = ln R − ln R_c), then each window's moments are moved to its own point by the binomial
    theorem, Σ(v − v_i)^k = Σ_l C(k, l)(−v_i)^(k−l) Σ v^l, so the 3×3 normal equations are
    those of the direct definition (centred on T_i, scaled by h) and are solved as such.
    """
    r0, r1 = int(lo.min()), int(hi.max())
    centre = 0.5 * (u[a] + u[b - 1])
    v = (u[r0:r1] - centre) / h
    z = y[r0:r1] - y[(a + b - 1) // 2]
    S, P = _window_moments(v, z, lo - r0, hi - r0)
    vi, zi = v[a - r0 : b - r0], z[a - r0 : b - r0]
    shift = [(-vi) ** j for j in range(5)]
    Sc = [sum(math.comb(k, j) * shift[k - j] * S[j] for j in range(k + 1)) for k in range(5)]
    Yc = [sum(math.comb(k, j) * shift[k - j] * P[j] for j in range(k + 1)) - zi * Sc[k] for k in range(3)]
    M = np.stack(
        [np.stack([Sc[0], Sc[1], Sc[2]], -1), np.stack([Sc[1], Sc[2], Sc[3]], -1), np.stack([Sc[2], Sc[3], Sc[4]], -1)],
        axis=-2,
    )
    rhs = np.stack(Yc, -1)
    out = np.full(b - a, np.nan)
    good = (hi - lo) >= min_points
    if not good.any():
        return out
    # well-posed rows only; a degenerate window (all points at one T) stays NaN
    det = np.linalg.det(M[good])
    gi = np.flatnonzero(good)[np.abs(det) > 1e-12 * np.maximum(Sc[0][good], 1.0) ** 3]
    if gi.size:
        coef = np.linalg.solve(M[gi], rhs[gi][..., None])[..., 0]
        out[gi] = -coef[:, 1] / h
    return out


class HoppingExponent(NamedTuple):
    """Result of :func:`hopping_exponent`."""

    s: float
    s_err: float
    #: T0 (K) from the intercept: ln w = ln s + s·ln T0 − s·ln T.
    T0: float
    T0_err: float
    npoints: int


def hopping_exponent(T, w, *, correlation_points: float = 1.0) -> HoppingExponent:
    """Hopping exponent s from a Zabrodskii plot: ln w = ln s + s ln T0 − s ln T.

    Straight-line fit of ln w against ln T over the points with finite w > 0 (T in K).
    s = −slope; T0 = exp((intercept − ln s)/s).  The standard error from the fit assumes
    independent points; w from :func:`zabrodskii` is correlated over one window, so pass
    ``correlation_points`` ≈ points per window to inflate the errors by its square root.
    Raises ``ValueError`` with fewer than 3 usable points.
    """
    T, w = _arr(T).ravel(), _arr(w).ravel()
    ok = np.isfinite(T) & np.isfinite(w) & (w > 0) & (T > 0)
    if ok.sum() < 3:
        raise ValueError(f"hopping_exponent needs at least 3 points with finite w > 0, got {int(ok.sum())}")
    coef, cov = _linear_fit(np.log(T[ok]), np.log(w[ok]))
    cov = cov * max(float(correlation_points), 1.0)
    s = -float(coef[1])
    s_err = float(math.sqrt(cov[1, 1]))
    if s > 0:
        lnT0 = (coef[0] - math.log(s)) / s
        # gradient of lnT0 = (c0 − ln s)/s with respect to (c0, c1), s = −c1:
        # ∂/∂c0 = 1/s, ∂/∂c1 = −∂/∂s = (1 + c0 − ln s)/s²
        g = np.array([1.0 / s, (1.0 + coef[0] - math.log(s)) / s**2])
        lnT0_err = float(math.sqrt(max(g @ cov @ g, 0.0)))
        T0 = float(math.exp(lnT0)) if lnT0 < 700 else math.inf
        T0_err = T0 * lnT0_err
    else:
        T0, T0_err = math.nan, math.nan
    return HoppingExponent(s, s_err, T0, T0_err, int(ok.sum()))


# ---------------------------------------------------------------------------
# metals: Bloch–Grüneisen and Kondo
# ---------------------------------------------------------------------------
_BG_SWITCH = 20.0  # z = Θ/T above which J_n(z) = Γ(n+1)ζ(n) − tail(z)
_BG_NODES = 48


@lru_cache(maxsize=32)
def _jacobi_rule(beta: float) -> tuple[np.ndarray, np.ndarray]:
    t, wts = special.roots_jacobi(_BG_NODES, 0.0, beta)
    return (1.0 + t) / 2.0, wts  # nodes on (0, 1); weight (1+t)^beta


def bg_integral(z, n: float = 5):
    """J_n(z) = ∫₀^z xⁿ / ((eˣ − 1)(1 − e⁻ˣ)) dx = ∫₀^z xⁿ eˣ/(eˣ − 1)² dx, for n > 1.

    Vectorized over ``z`` ≥ 0 without per-point loops:

    * z ≤ 20: Gauss–Jacobi quadrature (48 nodes) with the weight x^(n−2) taken out, so the
      remaining factor g(x) = (x/2)²/sinh²(x/2) is analytic (poles at ±2πi) and the rule
      converges geometrically also for non-integer n;
    * z > 20: J_n(∞) − tail, J_n(∞) = Γ(n+1)ζ(n), tail = Σ_k Γ(n+1, kz)/kⁿ (from
      eˣ/(eˣ−1)² = Σ_k k e^(−kx)), four terms.

    Relative accuracy ≤ 1e−13 against adaptive quadrature (see the tests).
    Limits: J_n(z) ≈ z^(n−1)/(n−1) for z → 0; J_n(∞) = n!ζ(n) (= 124.4313… for n = 5).
    """
    return _bg_reduced(_arr(z), float(n), scaled=False)


def _bg_reduced(z: np.ndarray, n: float, *, scaled: bool) -> np.ndarray:
    """J_n(z) (scaled=False) or z^(−n)·J_n(z) (scaled=True), stably at both ends."""
    if not n > 1:
        raise ValueError(f"the Bloch–Grüneisen exponent n must be > 1, got {n!r}")
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    small = z <= _BG_SWITCH
    if np.any(small):
        zs = z[small]
        frac, wts = _jacobi_rule(n - 2.0)
        x = zs[..., None] * frac  # (m, nodes), strictly inside (0, z)
        h = 0.5 * x
        with np.errstate(invalid="ignore"):
            g = np.where(h > 0, (h / np.sinh(np.where(h > 0, h, 1.0))) ** 2, 1.0)
        sumg = g @ wts  # ∫₀^z x^(n−2) g dx = (z/2)^(n−1) · Σ w g
        if scaled:
            with np.errstate(divide="ignore"):
                out[small] = np.where(zs > 0, 2.0 ** (1.0 - n) * sumg / np.where(zs > 0, zs, 1.0), np.inf)
        else:
            out[small] = (0.5 * zs) ** (n - 1.0) * sumg
    big = ~small
    if np.any(big):
        zb = z[big]
        k = np.arange(1, 5, dtype=float)
        tail = np.sum(special.gammaincc(n + 1.0, zb[..., None] * k) / k**n, axis=-1)
        J = special.gamma(n + 1.0) * (special.zeta(n) - tail)
        if scaled:
            with np.errstate(divide="ignore", over="ignore"):
                out[big] = J / np.power(zb, n)
        else:
            out[big] = J
    return out


def bloch_gruneisen(T, rho0, A, theta_D, n=5):
    """Bloch–Grüneisen resistivity.

    ρ(T) = ρ0 + A · (T/Θ_D)ⁿ · J_n(Θ_D/T),   J_n(z) = ∫₀^z xⁿ / ((eˣ − 1)(1 − e⁻ˣ)) dx

    Normalisation of A (same unit as ρ0 and ρ): at high T (T ≳ Θ_D/2) ρ − ρ0 → A·T/((n−1)Θ_D),
    so the high-temperature slope is dρ/dT = A/((n−1)Θ_D) (A/(4Θ_D) for n = 5); at low T
    (T ≲ Θ_D/10) ρ − ρ0 → A·Γ(n+1)ζ(n)·(T/Θ_D)ⁿ (124.43·A·(T/Θ_D)⁵ for n = 5).
    n = 5 for electron–phonon scattering in simple metals, 3 for s–d interband scattering,
    2 for electron–electron scattering.  ``T``, ``theta_D`` in K; ``n`` > 1.

    Reference: E. Grüneisen, Ann. Phys. 408, 530 (1933); J. M. Ziman, *Electrons and
    Phonons* (Oxford, 1960), ch. 9.
    """
    T = _arr(T)
    with np.errstate(divide="ignore"):
        z = _arr(theta_D) / T
    return rho0 + A * _bg_reduced(z, float(n), scaled=True)


def kondo(T, R_K0, T_K, s: float = KONDO_S):
    """Kondo contribution to the resistance, empirical Goldhaber-Gordon form.

    R_K(T) = R_K0 · [T_K'² / (T² + T_K'²)]^s,   T_K' = T_K / √(2^(1/s) − 1),  s = 0.225

    chosen so that R_K(T_K) = R_K0/2; it saturates to R_K0 (unitary limit) for T ≪ T_K
    and falls like −ln T around T_K, following Wilson's numerical renormalization-group
    curve within a few percent.  ``T``, ``T_K`` in K; ``R_K0`` in the unit of R.  s = 0.225
    is the spin-½ value; the models keep it fixed.

    Reference: D. Goldhaber-Gordon et al., Phys. Rev. Lett. 81, 5225 (1998); T. A. Costi,
    Phys. Rev. Lett. 85, 1504 (2000).
    """
    T = _arr(T)
    Tk = _arr(T_K) / math.sqrt(2.0 ** (1.0 / s) - 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(Tk > 0, (T / np.where(Tk > 0, Tk, 1.0)) ** 2, np.inf)
    return R_K0 * np.power(1.0 + r, -s)
