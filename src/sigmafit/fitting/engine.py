"""Vectorized Levenberg–Marquardt: fit many curves of one model at once, in numpy.

The per-curve lmfit loop spends most of its time in Python (parameter objects, finite-
difference Jacobians, one small array at a time).  Here every curve of a batch is one row
of a padded ``(n_curves, n_points)`` array (a mask marks the real points of shorter
curves), the model and its *analytic* Jacobian come from :mod:`sigmafit.models.formulas`,
and one LM iteration updates all curves together with batched ``p × p`` solves.

The result is meant to be the same as ``sigmafit.fit`` (lmfit ``leastsq``) would give:

* the parameters are the lmfit model's own (same names, units, bounds, fixed flags);
* bounded parameters are fitted in lmfit's internal space (the MINUIT transforms of
  lmfit's "Bounds Implementation": ``sqrt`` for one-sided, ``arcsin`` for two-sided bounds);
* the covariance is lmfit's: ``(J_intᵀ J_int)⁻¹`` at the optimum, mapped to external
  parameters with the MINUIT gradient scaling, times the reduced χ² (``scale_covar=True``).

Curves that do not converge here are reported as such (``converged = False``) so that the
caller can refit them with lmfit.  Which models have a vectorized form: :data:`SPECS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import functools

import numpy as np

#: Relative step (internal parameters) and relative χ² change below which a curve has converged.
#: Tighter than lmfit's leastsq defaults (1.5e-8): the fitted values then agree with lmfit's to
#: ~1e-7, the precision of lmfit's own stopping point (tightening further only adds iterations:
#: on the 2,000 benchmark curves FTOL 1e-10 took 6.6 model evaluations per curve, 1e-9 takes 6.1,
#: both agreeing with lmfit to 1.4e-7).
XTOL = 1e-8
FTOL = 1e-9
#: Iteration cap; curves still moving after it are handed back unconverged.
MAX_ITER = 300
_LAMBDA0 = 1e-3
_LAMBDA_MAX = 1e16

ModelFn = Callable[..., tuple[np.ndarray, dict[str, np.ndarray] | None]]


@dataclass(frozen=True)
class VectorSpec:
    """Vectorized form of one registered model.

    ``function(x, values, jac=True)`` takes ``x`` of shape ``(c, n)`` and a mapping from every
    parameter name to a ``(c, 1)`` array (in the model's table units) and returns the model
    ``(c, n)`` and its derivatives ``{name: (c, n)}`` with respect to those parameters
    (None when ``jac`` is False: trial steps need only the model).  ``jac="only"`` skips the
    model values (returned as None) when only the derivatives are needed.  ``nuisance`` names the terms whose
    value is naturally ≈ 0 ± its error (a free offset): not a sign that a fit stopped in a flat valley.
    """

    names: tuple[str, ...]
    function: ModelFn
    nuisance: tuple[str, ...] = ()


# --- the HLN family (fields in T, lengths in nm, Δσ in S) ---------------------------------------

_NM = 1e-9


def _field_and_slope(L_nm):
    """B_i = ħ/(4eL²) in T of L in nm, and dB_i/dL in T/nm."""
    from ..models.formulas import localization as F

    B = F.char_field(L_nm * _NM)
    return B, -2.0 * B / L_nm


def _hln(x, v, jac=True):
    from ..models.formulas import localization as F

    B_phi, dB = _field_and_slope(v["L_phi"])
    f = None if jac == "only" else F.hln(x, v["alpha"], B_phi)
    if not jac:
        return f, None
    d_alpha, d_Bphi = F.hln_jac(x, v["alpha"], B_phi)
    return f, {"alpha": d_alpha, "L_phi": d_Bphi * dB}


def _hln_dp(x, v, jac=True):
    from ..models.formulas import localization as F

    B_phi, dphi = _field_and_slope(v["L_phi"])
    B_so, dso = _field_and_slope(v["L_so"])
    f = None if jac == "only" else F.hln_dp(x, B_phi, B_so)
    if not jac:
        return f, None
    j_phi, j_so = F.hln_dp_jac(x, B_phi, B_so)
    return f, {"L_phi": j_phi * dphi, "L_so": j_so * dso}


def _hln_so(x, v, jac=True):
    from ..models.formulas import localization as F

    B_phi, dphi = _field_and_slope(v["L_phi"])
    B_so, dso = _field_and_slope(v["L_so"])
    # elastic field ħ/(2eℓ²) = 2·ħ/(4eℓ²) of the mean free path L_e (0 → inf: no cut-off);
    # magnetic scattering field of L_s (inf → 0: none) — as models.localization.HLNSpinOrbit
    B_e, de = _field_and_slope(v["L_e"])
    B_e, de = 2.0 * B_e, 2.0 * de
    B_s, ds = _field_and_slope(v["L_s"])
    f = None if jac == "only" else F.hln_so(x, B_phi, B_so, B_e, B_s)
    if not jac:
        return f, None
    j = F.hln_so_jac(x, B_phi, B_so, B_e, B_s)
    return f, {"L_phi": j[0] * dphi, "L_so": j[1] * dso, "L_e": j[2] * de, "L_s": j[3] * ds}


#: Registry name → vectorized form (same parameters, units and order as the lmfit model).
#: Models not listed here are fitted with lmfit.
SPECS: dict[str, VectorSpec] = {
    "hln": VectorSpec(("alpha", "L_phi"), _hln),
    "hln-dp": VectorSpec(("L_phi", "L_so"), _hln_dp),
    "hln-so": VectorSpec(("L_phi", "L_so", "L_e", "L_s"), _hln_so),
}


def plus_background(spec: VectorSpec, c2: str, c0: str) -> VectorSpec:
    """``spec`` + ``c2``·x² + ``c0`` (the classical B² term of :class:`~sigmafit.models.background.QuadraticBackground`
    and the free Δσ offset of :class:`~sigmafit.models.background.OffsetBackground`, in the model's unit): the model
    of a curve whose Δσ was computed from raw R(B) and measured from a reference point."""

    def function(x, v, jac=True):
        f, d = spec.function(x, v, jac)
        x2 = np.square(x)
        if f is not None:
            f = f + v[c2] * x2 + v[c0]
        if d is not None:
            d = {**d, c2: x2, c0: np.ones_like(x)}
        return f, d

    return VectorSpec(spec.names + (c2, c0), function, spec.nuisance + (c2, c0))


# --- lmfit's bounds transforms, vectorized -----------------------------------------------------
# kind: 0 free, 1 min only, 2 max only, 3 both (lmfit Parameter.setup_bounds / scale_gradient)


def _kinds(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    has_lo, has_hi = np.isfinite(lo), np.isfinite(hi)
    return np.where(has_lo & has_hi, 3, np.where(has_lo, 1, np.where(has_hi, 2, 0)))


def to_internal(v, lo, hi, kind):
    with np.errstate(all="ignore"):
        span = np.where(kind == 3, hi - lo, 1.0)
        out = np.select(
            [kind == 0, kind == 1, kind == 2],
            [v, np.sqrt((v - lo + 1.0) ** 2 - 1.0), np.sqrt((hi - v + 1.0) ** 2 - 1.0)],
            np.arcsin(np.clip(2.0 * (v - lo) / span - 1.0, -1.0, 1.0)),
        )
    return np.where(np.abs(out) < np.finfo(float).tiny, 0.0, out)


def to_external(u, lo, hi, kind):
    with np.errstate(all="ignore"):
        root = np.sqrt(u * u + 1.0)
        return np.select(
            [kind == 0, kind == 1, kind == 2],
            [u, lo - 1.0 + root, hi + 1.0 - root],
            lo + (np.sin(u) + 1.0) * (hi - lo) / 2.0,
        )


def scale_gradient(u, lo, hi, kind):
    """d(external)/d(internal) (lmfit ``Parameter.scale_gradient``)."""
    with np.errstate(all="ignore"):
        root = np.sqrt(u * u + 1.0)
        return np.select(
            [kind == 0, kind == 1, kind == 2],
            [np.ones_like(u), u / root, -u / root],
            np.cos(u) * (hi - lo) / 2.0,
        )


# --- the batched LM ------------------------------------------------------------------------------


@dataclass
class BatchFit:
    """Outcome of :func:`fit_arrays` for ``c`` curves and the ``k`` model parameters.

    ``values`` (c, k) external values of every parameter (fixed ones unchanged);
    ``covar`` (c, nv, nv) covariance of the varied parameters (NaN where not estimable);
    ``varied`` indices of the varied parameters into ``names``; ``converged`` (c,);
    ``chisqr``, ``ndata``, ``nfev`` (c,); ``best_fit`` (c, n) model at the optimum.
    """

    names: tuple[str, ...]
    varied: np.ndarray
    values: np.ndarray
    covar: np.ndarray
    chisqr: np.ndarray
    ndata: np.ndarray
    nfev: np.ndarray
    converged: np.ndarray
    message: list[str]
    best_fit: np.ndarray

    @functools.cached_property
    def stderr(self) -> np.ndarray:
        """(c, nv) standard errors of the varied parameters (computed once; NaN where not estimable)."""
        d = np.diagonal(self.covar, axis1=1, axis2=2)
        with np.errstate(invalid="ignore"):
            return np.where(d >= 0, np.sqrt(d), np.nan)

    @property
    def dof(self) -> np.ndarray:
        """(c,) degrees of freedom: points less varied parameters."""
        return self.ndata - self.varied.size

    @property
    def redchi(self) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.where(self.dof > 0, self.chisqr / self.dof, np.nan)


def pad(curves: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]):
    """Stack curves of unequal length: ``(x, y, w, mask)`` each of shape (c, n_max)."""
    c = len(curves)
    n = max((cx.size for cx, _, _ in curves), default=0)
    X = np.zeros((c, n))
    Y = np.zeros((c, n))
    W = np.zeros((c, n))
    M = np.zeros((c, n), dtype=bool)
    for i, (cx, cy, cw) in enumerate(curves):
        k = cx.size
        X[i, :k], Y[i, :k], M[i, :k] = cx, cy, True
        X[i, k:] = cx[-1] if k else 1.0
        W[i, :k] = 1.0 if cw is None else cw
    return X, Y, W, M


def _solve(A, g):
    """Batched solve of A δ = g (c, p, p), with a pseudo-inverse where A is singular."""
    try:
        return np.linalg.solve(A, g[..., None])[..., 0]
    except np.linalg.LinAlgError:
        out = np.empty_like(g)
        for i in range(A.shape[0]):
            try:
                out[i] = np.linalg.solve(A[i], g[i])
            except np.linalg.LinAlgError:
                out[i] = np.linalg.lstsq(A[i], g[i], rcond=None)[0]
        return out


def _covariance(J):
    """(Jᵀ J)⁻¹ per curve (c, p, p); NaN where singular (lmfit: no error bars).

    Singular means singular after scaling every column of J to unit length (as MINPACK's scaled QR sees it), so
    that parameters of very different size (a length in nm and a Δσ offset of 1e-8 S) do not count as singular.
    """
    A = np.matmul(J.transpose(0, 2, 1), J)
    out = np.full_like(A, np.nan)
    ok = np.isfinite(A).all(axis=(1, 2))
    if A.shape[1] == 0:
        return out
    d = np.sqrt(np.diagonal(A, axis1=1, axis2=2))
    ok &= np.all(d > 0, axis=1)
    with np.errstate(all="ignore"):
        scale = d[:, :, None] * d[:, None, :]
        As = A / scale
        cond = np.full(A.shape[0], np.inf)
        cond[ok] = np.linalg.cond(As[ok])
    good = ok & (cond < 1.0 / np.finfo(float).eps)
    if good.any():
        out[good] = np.linalg.inv(As[good]) / scale[good]
    return out


#: A curve that converged with a step this small (relative, internal parameters) keeps the Jacobian of the point
#: before the step for its covariance: it differs by ~1e-6 relative at most, far below the precision of lmfit's
#: finite-difference covariance, and saves one Jacobian per curve.
JAC_REUSE = 1e-6


@dataclass
class _Rows:
    """Data of some curves (rows of the padded arrays): x, y, weights (0 at padding), mask, and whether any
    point is padding."""

    x: np.ndarray
    y: np.ndarray
    W: np.ndarray
    M: np.ndarray
    padded: bool

    def take(self, keep: np.ndarray) -> "_Rows":
        """The rows where ``keep`` (bool) is True (the same object when all are kept)."""
        if keep.all():
            return self
        return _Rows(self.x[keep], self.y[keep], self.W[keep], self.M[keep], self.padded)


class _Problem:
    """Padded data, bounds transforms, model and Jacobian of one batched least-squares problem."""

    def __init__(self, spec: VectorSpec, x, y, p0, weights, mask, vary, lower, upper):
        self.spec, self.names = spec, spec.names
        y = np.asarray(y, dtype=float)
        c, k = p0.shape
        M = np.ones(y.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
        W = np.where(M, 1.0 if weights is None else weights, 0.0)
        self.rows = _Rows(np.asarray(x, dtype=float), y, W, M, not M.all())
        vary = np.ones(k, dtype=bool) if vary is None else np.asarray(vary, dtype=bool)
        self.vi = np.flatnonzero(vary)
        self.lo = np.broadcast_to(-np.inf if lower is None else np.asarray(lower, float), (c, k))[:, self.vi]
        self.hi = np.broadcast_to(np.inf if upper is None else np.asarray(upper, float), (c, k))[:, self.vi]
        self.kind = _kinds(self.lo, self.hi)
        self.p0 = np.array(p0, dtype=float)

    def start(self) -> np.ndarray:
        """Internal start values of the varied parameters (clipped into their bounds)."""
        return to_internal(np.clip(self.p0[:, self.vi], self.lo, self.hi), self.lo, self.hi, self.kind)

    def external(self, idx, u) -> dict[str, np.ndarray]:
        ext = self.p0[idx].copy()
        ext[:, self.vi] = to_external(u, self.lo[idx], self.hi[idx], self.kind[idx])
        return {name: ext[:, j : j + 1] for j, name in enumerate(self.names)}

    def model(self, rows: _Rows, idx, u):
        """Model (a, n), weighted residual (a, n) and χ² of curves ``idx`` (data ``rows``) at internal values ``u``."""
        with np.errstate(all="ignore"):
            f, _ = self.spec.function(rows.x, self.external(idx, u), jac=False)
            r = f - rows.y
            r *= rows.W
            if rows.padded:
                r[~rows.M] = 0.0
        return f, r, np.einsum("an,an->a", r, r)

    def jacobian(self, rows: _Rows, idx, u):
        """Weighted Jacobian in internal parameters (a, n, nv) of curves ``idx`` (data ``rows``)."""
        with np.errstate(all="ignore"):
            _, jac = self.spec.function(rows.x, self.external(idx, u), jac="only")
            g = scale_gradient(u, self.lo[idx], self.hi[idx], self.kind[idx])
            out = np.empty(rows.x.shape + (self.vi.size,))
            for a, j in enumerate(self.vi):
                np.multiply(jac[self.names[j]], rows.W, out=out[..., a])
                out[..., a] *= g[:, a : a + 1]
            return out


@dataclass
class _State:
    """Where every curve of a batched LM stands: values, λ, χ², Jacobian, counts and messages."""

    U: np.ndarray
    lam: np.ndarray
    chi2: np.ndarray
    J_best: np.ndarray
    best_f: np.ndarray
    nfev: np.ndarray
    converged: np.ndarray
    message: list[str]


@dataclass
class _Work:
    """The curves still iterating: their indices, data, residuals, Jacobians and χ² (updated in place)."""

    idx: np.ndarray
    rows: _Rows
    r: np.ndarray
    J: np.ndarray
    chi: np.ndarray

    def keep(self, keep: np.ndarray) -> "_Work":
        if keep.all():
            return self
        return _Work(self.idx[keep], self.rows.take(keep), self.r[keep], self.J[keep], self.chi[keep])


def _lm_step(prob: _Problem, st: _State, w: _Work, max_step):
    """One damped Gauss–Newton step of the working curves ``w`` (updated in place); returns (done, failed)."""
    active = w.idx
    Jt = w.J.transpose(0, 2, 1)
    A = np.matmul(Jt, w.J)  # batched JᵀJ and Jᵀr (matmul: ~10× einsum's generic loop here)
    g = np.matmul(Jt, w.r[:, :, None])[:, :, 0]
    d = np.diagonal(A, axis1=1, axis2=2).copy()
    d = np.where(d > 0, d, 1.0)
    Am = A + (st.lam[active][:, None] * d)[:, :, None] * np.eye(prob.vi.size)[None]
    step = -_solve(Am, g)
    u_old = st.U[active]
    if max_step is not None:  # trust-region-like cap on the relative step of every parameter
        ratio = np.max(np.abs(step) / (max_step * (np.abs(u_old) + 1.0)), axis=1)
        step = step / np.maximum(ratio, 1.0)[:, None]
    u_new = u_old + step
    f_new, r_new, chi_new = prob.model(w.rows, active, u_new)
    st.nfev[active] += 1
    ok = np.isfinite(chi_new) & (chi_new <= w.chi)
    rel_step = np.max(np.abs(step) / (np.abs(u_old) + XTOL), axis=1)
    rel_chi = np.where(w.chi > 0, (w.chi - np.where(np.isfinite(chi_new), chi_new, np.inf)) / w.chi, 0.0)
    done = ok & ((rel_step <= XTOL) | (rel_chi <= FTOL))
    fresh = ok & ~(done & (rel_step <= JAC_REUSE))
    if fresh.any():
        w.J[fresh] = prob.jacobian(w.rows.take(fresh), active[fresh], u_new[fresh])
    acc = active[ok]
    st.U[acc] = u_new[ok]
    st.lam[acc] = np.maximum(st.lam[acc] * 0.1, 1e-15)
    st.best_f[acc] = f_new[ok]
    st.lam[active[~ok]] *= 10.0
    # a curve whose λ exploded cannot improve further: converged if the step vanished
    stuck = ~ok & (st.lam[active] > _LAMBDA_MAX)
    done_stuck = stuck & (rel_step <= 1e-8)
    w.r[ok] = r_new[ok]
    w.chi[ok] = chi_new[ok]
    return done | done_stuck, stuck & ~done_stuck


def _iterate(prob: _Problem, st: _State, w: _Work, max_iter: int, max_step) -> None:
    it = 0
    while w.idx.size and it < max_iter:
        it += 1
        finish, failed = _lm_step(prob, st, w, max_step)
        st.converged[w.idx[finish]] = True
        for i in w.idx[failed]:
            st.message[i] = "the vectorized Levenberg–Marquardt could not reduce χ² further (step rejected at λ > 1e16)"
        leaving = finish | failed
        if leaving.any():
            st.J_best[w.idx[leaving]] = w.J[leaving]
            st.chi2[w.idx[leaving]] = w.chi[leaving]
            w = w.keep(~leaving)
    if w.idx.size:
        st.J_best[w.idx] = w.J
        st.chi2[w.idx] = w.chi
        for i in w.idx:
            st.message[i] = f"the vectorized Levenberg–Marquardt did not converge in {max_iter} iterations"


def _result(prob: _Problem, st: _State) -> BatchFit:
    values = prob.p0.copy()
    values[:, prob.vi] = to_external(st.U, prob.lo, prob.hi, prob.kind)
    ndata = prob.rows.M.sum(axis=1)
    cov_int = _covariance(st.J_best)
    g = scale_gradient(st.U, prob.lo, prob.hi, prob.kind)
    dof = ndata - prob.vi.size
    with np.errstate(all="ignore"):
        redchi = np.where(dof > 0, st.chi2 / dof, np.nan)
    covar = cov_int * g[:, :, None] * g[:, None, :] * redchi[:, None, None]
    for i in np.flatnonzero(st.converged):
        st.message[i] = "Fit succeeded."
    return BatchFit(names=prob.names, varied=prob.vi, values=values, covar=covar, chisqr=st.chi2, ndata=ndata, nfev=st.nfev,
                    converged=st.converged & np.isfinite(st.chi2), message=st.message, best_fit=st.best_f)


def fit_arrays(spec: VectorSpec, x: np.ndarray, y: np.ndarray, p0: np.ndarray, *, weights: np.ndarray | None = None,
               mask: np.ndarray | None = None, vary: np.ndarray | None = None, lower: np.ndarray | None = None,
               upper: np.ndarray | None = None, max_iter: int = MAX_ITER, lambda0: float = _LAMBDA0,
               max_step: float | None = None) -> BatchFit:
    """Least-squares fit of ``spec`` to every row of ``y`` at once.

    Parameters
    ----------
    x, y : (c, n) padded data; ``mask`` (c, n) marks real points (default all).
    p0 : (c, k) start values of the ``k = len(spec.names)`` parameters, in table units.
    weights : (c, n) multiplying the residual, as in lmfit (default 1).
    vary : (k,) which parameters are fitted (same for every curve); default all.
    lower, upper : (c, k) or (k,) bounds (default ±inf), handled like lmfit (MINUIT transforms).
    max_iter, lambda0 : iteration cap and initial damping; ``max_step`` caps the relative step.
    """
    prob = _Problem(spec, x, y, p0, weights, mask, vary, lower, upper)
    c = prob.p0.shape[0]
    U = prob.start()
    all_idx = np.arange(c)
    f, r, chi2 = prob.model(prob.rows, all_idx, U)
    J = prob.jacobian(prob.rows, all_idx, U)
    st = _State(U=U, lam=np.full(c, float(lambda0)), chi2=chi2.copy(), J_best=J.copy(), best_f=f.copy(),
                nfev=np.ones(c, dtype=int), converged=np.zeros(c, dtype=bool), message=["" for _ in range(c)])
    dead = ~np.isfinite(chi2)
    for i in np.flatnonzero(dead):
        st.message[i] = "the model is not finite at the start values"
    live = ~dead
    if prob.vi.size == 0:
        st.converged[live] = True
        live[:] = False
    work = _Work(all_idx, prob.rows, r, J, chi2).keep(live)
    _iterate(prob, st, work, max_iter, max_step)
    return _result(prob, st)


#: Relative step cap of the second pass (see :func:`fit_arrays_two_pass`).
RETRY_MAX_STEP = 0.5


def _sound(res: BatchFit) -> np.ndarray:
    """(c,) converged with finite error bars."""
    return res.converged & np.all(np.isfinite(res.stderr), axis=1)


def fit_arrays_two_pass(spec: VectorSpec, x, y, p0, **kwargs) -> BatchFit:
    """:func:`fit_arrays`, then the curves that did not converge, ended without error bars or with a parameter
    its error exceeds (not counting ``spec.nuisance``), again from their start values with the step capped at ``RETRY_MAX_STEP`` relative.

    A free Levenberg–Marquardt step from a poor start can jump into a flat valley of χ² (for
    the HLN family: a spin–orbit length run to 0, where the model no longer depends on it);
    a capped step follows the slope to the same minimum lmfit's trust region finds.  The second
    result replaces the first where it is sound and (for a sound first result) has a lower χ².
    The second pass costs only the few curves that need it.
    """
    res = fit_arrays(spec, x, y, p0, **kwargs)
    first = _sound(res)
    physics = np.array([spec.names[j] not in spec.nuisance for j in res.varied], dtype=bool)
    with np.errstate(invalid="ignore"):
        loose = np.any(~(res.stderr[:, physics] <= np.abs(res.values[:, res.varied[physics]])), axis=1)
    bad = np.flatnonzero(~first | loose)
    if bad.size == 0:
        return res
    sub = {k: (v[bad] if isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == res.values.shape[0] else v)
           for k, v in kwargs.items()}
    again = fit_arrays(spec, np.asarray(x)[bad], np.asarray(y)[bad], np.asarray(p0)[bad], max_step=RETRY_MAX_STEP, **sub)
    better = _sound(again) & (~first[bad] | (again.chisqr < res.chisqr[bad]))
    take = bad[better]
    for field_name in ("values", "covar", "chisqr", "nfev", "converged", "best_fit"):
        arr = getattr(res, field_name)
        arr[take] = getattr(again, field_name)[better]
    for j, i in zip(np.flatnonzero(better), take):
        res.message[i] = again.message[j]
    res.__dict__.pop("stderr", None)  # covariances changed: recompute the cached errors
    return res
