"""The one result schema (DESIGN.md §4), filled the same way by every engine.

A fit's summary is plain JSON-able data::

    {"model", "success", "params": {name: {"value", "stderr", "unit", "vary"}},
     "derived": {name: {"value", "stderr", "unit"}}, "statistics": {...}, "warnings": [...],
     "source": {...}, "window": {...}, "software": {...}}

Single fits (:class:`~sigmafit.fitting.result.FitResult`), the curves of a global fit and the rows of the
vectorized batch engine all build their entries here.  A ``stderr`` of None means "could not be estimated",
never 0.  Parameters may be lmfit Parameters or anything with the same attributes (``value``, ``stderr``,
``vary``, ``expr``).
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

import numpy as np

from .._version import __version__


def number(v: Any) -> float | None:
    """A JSON-safe float: NaN/inf/None/non-numbers → None."""
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def stderr_of(p) -> float | None:
    """The uncertainty of a parameter, or None when there is none to report (fixed, not estimable): never 0."""
    s = number(p.stderr)
    if s is None or s == 0.0 or (not p.vary and not p.expr):
        return None
    return s


def param_entries(params: Mapping[str, Any], units: Mapping[str, str], derived: Iterable[str],
                  shared: Iterable[str] = ()) -> tuple[dict[str, dict], dict[str, dict]]:
    """(params, derived) entries of a summary.

    ``derived`` names the model's derived quantities; any other expression parameter (a user constraint, a
    shared parameter's per-curve copy) is reported among the derived ones too, except names in ``shared``,
    which are listed as parameters with ``"shared": true``.
    """
    derived = set(derived)
    shared = set(shared)
    out_p: dict[str, dict] = {}
    out_d: dict[str, dict] = {}
    for name, p in params.items():
        entry: dict[str, Any] = {"value": number(p.value), "stderr": stderr_of(p), "unit": units.get(name, "")}
        if name in shared:
            entry.update(vary=True, shared=True)
            out_p[name] = entry
        elif name in derived or p.expr:
            out_d[name] = entry
        else:
            entry["vary"] = bool(p.vary)
            out_p[name] = entry
    return out_p, out_d


def statistics(*, y, model_y, residual_weighted, nvarys: int, nfev: int | None = None,
               weighted: bool = False) -> dict[str, Any]:
    """The ``statistics`` record: ndata, nvarys, χ², reduced χ², R², AIC, BIC (and nfev).

    ``residual_weighted`` = (data − model)·weight; χ² is its sum of squares.  ``weighted`` says whether the
    weights are per-point uncertainties (1/σ), so that χ²_ν is a goodness of fit (≈ 1 for a good model);
    otherwise χ² carries the data's units squared.
    """
    y = np.asarray(y, dtype=float)
    r = np.asarray(residual_weighted, dtype=float)
    n = int(y.size)
    chisqr = float(np.sum(r * r))
    redchi = chisqr / (n - nvarys) if n > nvarys else math.nan
    ss_tot = float(np.sum((y - y.mean()) ** 2)) if n else 0.0
    resid = y - np.asarray(model_y, dtype=float)
    r2 = 1.0 - float(np.sum(resid**2)) / ss_tot if ss_tot > 0 else None
    with np.errstate(all="ignore"):
        neg2 = n * np.log(chisqr / n) if chisqr > 0 and n else -np.inf
    out = {
        "ndata": n, "nvarys": int(nvarys), "chisqr": number(chisqr), "redchi": number(redchi), "r_squared": number(r2),
        "aic": number(neg2 + 2 * nvarys), "bic": number(neg2 + np.log(max(n, 1)) * nvarys),
        "weighted": bool(weighted),
    }
    if nfev is not None:
        out["nfev"] = int(nfev)
    return out


def software() -> dict[str, str]:
    """Versions that made a result (sigmafit, lmfit)."""
    import lmfit

    return {"sigmafit": __version__, "lmfit": lmfit.__version__}


def fit_summary(*, model: str, success: bool, params: dict, derived: dict, statistics: dict, warnings: list[str],
                source: Mapping[str, Any], window: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Assemble one fit's summary in the schema's key order."""
    out: dict[str, Any] = {
        "model": model, "success": bool(success), "params": params, "derived": derived, "statistics": statistics,
        "warnings": list(warnings), "source": dict(source),
    }
    if window is not None:
        out["window"] = dict(window)
    out["software"] = software()
    return out
