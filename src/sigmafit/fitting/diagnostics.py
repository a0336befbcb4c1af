"""Reasons not to trust a fitted number, as plain sentences for ``FitResult.warnings``.

Generic checks live here (bounds, missing or huge uncertainties, correlations,
structured residuals, failed convergence); physics-specific checks are asked of
the model (``SigmafitModel.diagnose`` and, when a model has it, ``diagnose_data``).
"""

from __future__ import annotations

import math

import lmfit
import numpy as np

from ..models.base import components, derived_names, zero_ok_names

#: |correlation| above which two parameters are reported as degenerate.
CORRELATION_LIMIT = 0.95
#: |z| of the Wald–Wolfowitz runs test above which residuals count as structured.
RUNS_Z_LIMIT = 3.0
#: With per-point uncertainties, χ²_ν further from 1 than this many of its standard deviations √(2/ν)
#: (and by more than CHI2_MIN_DEVIATION) is reported.
CHI2_SIGMAS = 5.0
CHI2_MIN_DEVIATION = 0.2


def at_bound(par: lmfit.Parameter, rtol: float = 1e-4, scale: float | None = None) -> str | None:
    """'min' or 'max' when a varied parameter sits on a finite bound.

    "On" means closer than ``rtol`` relative to the bound or the value, or closer than
    1e-6 of the parameter's typical ``scale`` (its start value), which catches values
    that ran to a bound at zero.
    """
    for side, bound in (("min", par.min), ("max", par.max)):
        if bound is not None and math.isfinite(bound):
            tol = max(rtol * max(abs(bound), abs(par.value)), 1e-6 * abs(scale or 0.0), 1e-300)
            if abs(par.value - bound) <= tol:
                return side
    return None


def runs_test_z(residual: np.ndarray) -> float:
    """z-score of the Wald–Wolfowitz runs test on the signs of ``residual`` (ordered by x).

    Independent noise gives |z| ≲ 2; a model that misses a feature of the data leaves
    long runs of one sign and a large negative z.
    """
    s = np.sign(residual[residual != 0])
    n_pos, n_neg = int((s > 0).sum()), int((s < 0).sum())
    n = n_pos + n_neg
    if n_pos == 0 or n_neg == 0 or n < 10:
        return 0.0
    runs = 1 + int(np.count_nonzero(s[1:] != s[:-1]))
    mu = 2.0 * n_pos * n_neg / n + 1.0
    var = (mu - 1.0) * (mu - 2.0) / (n - 1.0)
    return float((runs - mu) / math.sqrt(var)) if var > 0 else 0.0


def generic_warnings(result, x: np.ndarray, residual: np.ndarray, derived: set[str] | None = None,
                     zero_ok: set[str] | None = None) -> list[str]:
    """Checks that apply to every model: convergence, bounds, stderr, correlations, residuals.

    ``result`` is an lmfit ModelResult or MinimizerResult; ``derived`` names parameters
    that are expressions (default: the derived quantities of ``result.model``); ``zero_ok`` names
    parameters whose value may be consistent with zero (default: those of ``result.model``).
    """
    out: list[str] = []
    if not result.success:
        out.append(f"the fit did not converge ({str(result.message).strip()}); no number from it should be used")
    params = result.params
    if derived is None:
        derived = derived_names(result.model)
    derived = set(derived) | {n for n, p in params.items() if p.expr}
    if zero_ok is None:
        zero_ok = zero_ok_names(result.model) if getattr(result, "model", None) is not None else set()
    varied = [p for p in params.values() if p.vary and p.name not in derived]
    init = getattr(result, "init_values", None) or {}
    for p in varied:
        side = at_bound(p, scale=init.get(p.name))
        if side:
            out.append(f"{p.name} = {p.value:.4g} sits at its {side}imum bound; the data do not fix it")
    for p in varied:
        if not np.isfinite(p.value):
            out.append(f"{p.name} ran off to {p.value}: the model cannot describe these data")
            continue
        if p.stderr is None or not np.isfinite(p.stderr):
            out.append(f"the uncertainty of {p.name} could not be estimated (reported as null)")
        elif p.value != 0 and abs(p.stderr) > abs(p.value) and p.name not in zero_ok:
            out.append(f"{p.name} is not determined by the data: its uncertainty ({p.stderr:.3g}) exceeds its value ({p.value:.3g})")
    done: set[frozenset[str]] = set()
    pairs: list[tuple[str, str, float]] = []
    for p in varied:
        for other, c in (p.correl or {}).items():
            key = frozenset((p.name, other))
            if key in done or other in derived:
                continue
            done.add(key)
            if abs(c) > CORRELATION_LIMIT:
                pairs.append((p.name, other, c))
    if len(pairs) <= 3:
        out.extend(f"{a} and {b} are correlated (r = {c:+.3f}); their individual values are poorly separated" for a, b, c in pairs)
    else:
        listed = ", ".join(f"{a}–{b} ({c:+.2f})" for a, b, c in pairs)
        out.append(f"{len(pairs)} parameter pairs are correlated beyond |r| = {CORRELATION_LIMIT}: {listed}; "
                   "their individual values are poorly separated")
    if residual.size >= 10:
        order = np.argsort(x, kind="stable")
        z = runs_test_z(residual[order])
        if z < -RUNS_Z_LIMIT:
            out.append(f"the residuals are structured (runs test z = {z:.1f}): the model misses a feature of the data; "
                       "consider a narrower window or a background term")
    return out


def model_warnings(result: lmfit.model.ModelResult, x: np.ndarray, y: np.ndarray, extra=None) -> list[str]:
    """Physics checks from each sigmafit component of the fitted model (``extra``: further independent variables,
    e.g. the measurement model's ``channel``, passed to ``diagnose`` by name).  A result that carries
    ``data_checks`` ({component name: sentences}, computed for a whole batch by ``diagnose_data_many``) uses those
    in place of the component's ``diagnose_data``."""
    out: list[str] = []
    done = getattr(result, "data_checks", None) or {}
    for comp in components(result.model):
        if hasattr(comp, "diagnose"):
            out.extend(comp.diagnose(result.params, x, **(extra or {})))
        if hasattr(comp, "diagnose_data"):
            out.extend(done[comp.name] if comp.name in done else comp.diagnose_data(result.params, x, y))
    return out


def chi2_too_high(redchi: float | None, dof: int) -> bool:
    """χ²_ν (with per-point uncertainties) is incompatible with 1 from above: more than ``CHI2_SIGMAS`` × √(2/ν),
    and at least ``CHI2_MIN_DEVIATION``, above it."""
    if redchi is None or not math.isfinite(redchi) or dof < 1:
        return False
    return redchi > 1.0 + max(CHI2_SIGMAS * math.sqrt(2.0 / dof), CHI2_MIN_DEVIATION)


def known_errors(redchi: float | None, dof: int, weighted: bool) -> bool:
    """The errors follow from the weights alone: they are per-point 1σ uncertainties (``weighted``: an error column,
    ``--weights COL``, the readings' noise) and χ²_ν is not incompatible with 1 from above (:func:`chi2_too_high`;
    :func:`chi2_warning` says so when it is, and then the χ²_ν-scaled errors stand).  Without such weights (none,
    relative) the scatter sets the errors."""
    return weighted and not chi2_too_high(redchi, dof)


def error_scale(redchi: float | None, dof: int, weighted: bool) -> float:
    """Factor on a covariance that is already multiplied by χ²_ν (lmfit's ``scale_covar``, the vectorized engine)
    that gives the errors sigmafit states: 1/χ²_ν when :func:`known_errors`, so a fit whose χ²_ν came out low by
    chance — a dephasing law of 8 points — does not shrink its errors below the data's; else 1."""
    usable = redchi is not None and math.isfinite(redchi) and redchi > 0
    return 1.0 / redchi if usable and known_errors(redchi, dof, weighted) else 1.0


def rescale_errors(result, factor: float) -> None:
    """Multiply the covariance of an lmfit result by ``factor`` (every stderr, derived ones too, by √factor)."""
    if factor == 1.0:
        return
    root = math.sqrt(factor)
    for p in result.params.values():
        if p.stderr is not None:
            p.stderr = p.stderr * root
    if getattr(result, "covar", None) is not None:
        result.covar = result.covar * factor


def chi2_warning(redchi: float | None, dof: int, *, what: str = "the model") -> str | None:
    """A sentence when χ²_ν (computed with per-point uncertainties) is incompatible with 1, else None.

    χ²_ν of a correct model with correct uncertainties scatters about 1 with standard deviation √(2/ν).
    """
    if redchi is None or not math.isfinite(redchi) or dof < 1:
        return None
    spread = CHI2_SIGMAS * math.sqrt(2.0 / dof)
    if chi2_too_high(redchi, dof):
        return (f"χ²_ν = {redchi:.3g} with the data's uncertainties (expected 1 ± {math.sqrt(2.0 / dof):.2g}): {what} does not "
                "describe the data within their errors, or the uncertainties are underestimated; the errors quoted are "
                f"scaled by √χ²_ν = {math.sqrt(redchi):.3g}")
    if redchi < 1.0 - max(spread, CHI2_MIN_DEVIATION):
        return (f"χ²_ν = {redchi:.3g} with the data's uncertainties (expected 1 ± {math.sqrt(2.0 / dof):.2g}): the "
                "uncertainties look overestimated (or the points are not independent)")
    return None


def estimated_noise_chi2_warning(redchi: float | None, dof: int, points_per_part: int) -> str | None:
    """A sentence when χ²_ν, computed with each part's noise estimated from its point-to-point scatter
    (:func:`sigmafit.models.joint.point_noise`), is far above 1, else None.

    The estimate σ̂² from n second differences scatters by √(35/(9n)) relative (neighbouring differences are
    correlated, ρ₁ = −2/3, ρ₂ = 1/6), which adds to χ²_ν's own √(2/ν).  Only χ²_ν above 1 is reported: a
    curve that bends between neighbouring points inflates σ̂ and lowers χ²_ν without anything being wrong.
    """
    if redchi is None or not math.isfinite(redchi) or dof < 1 or points_per_part < 5:
        return None
    sd = math.sqrt(2.0 / dof + 35.0 / (9.0 * points_per_part))
    if redchi > 1.0 + max(CHI2_SIGMAS * sd, CHI2_MIN_DEVIATION):
        return (f"χ²_ν = {redchi:.3g} with the noise estimated from the data's point-to-point scatter (expected "
                f"1 ± {sd:.2g}): the model does not describe the data within their noise; the errors quoted are "
                f"scaled by √χ²_ν = {math.sqrt(redchi):.3g}")
    return None


def fit_warnings(result, model, points, parts: int = 1, *, weighted: bool = False,
                 noise_estimated: bool = False) -> list[str]:
    """Every reason not to trust one fitted curve: the generic checks, the model's physics checks and, when the
    weights are per-point uncertainties, the goodness of fit χ²_ν (per channel where the model can say); with
    weights from the noise estimated per part, χ²_ν far above 1."""
    x, y, w, extra = points
    resid = y - result.best_fit
    if w is not None:
        resid = resid * w
    out = generic_warnings(result, np.tile(x, parts), resid)
    out += model_warnings(result, x, y, extra)
    if weighted:
        main = next((c for c in components(model) if hasattr(c, "goodness")), None)
        if main is not None:
            out += main.goodness(result.params, x, extra.get("channel"), y, w, result.nvarys)[1]
        else:
            note = chi2_warning(result.redchi, int(result.ndata - result.nvarys))
            if note:
                out.append(note)
    elif noise_estimated:
        note = estimated_noise_chi2_warning(result.redchi, int(result.ndata - result.nvarys), int(np.size(x)))
        if note:
            out.append(note)
    return out
