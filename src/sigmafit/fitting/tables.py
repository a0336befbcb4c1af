"""Tables of fit results, ready to be fitted in turn (a law fitted to the numbers of other fits).

:func:`dephasing_table` turns the per-temperature ``L_phi`` of a set of weak-localization fits
into the ``temperature_K, L_phi_nm, L_phi_err_nm`` table that the ``dephasing`` model fits::

    glob = sigmafit.fit_global(curves, "hln-so", by="temperature_K", share=["L_so"], bmax=0.5)
    table = sigmafit.fitting.dephasing_table(glob)
    law = sigmafit.fit(table, "dephasing")            # weights 1/L_phi_err_nm

It accepts result objects (:class:`GlobalFitResult`, a list of :class:`FitResult`, a batch
table) or their saved JSON (``sigmafit fit --json``: one fit, ``{"model", "curves": […]}``, or a
global summary with ``"global": true``), so a report can do it without refitting the curves.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..exceptions import FitError

#: Canonical columns of :func:`dephasing_table`.
DEPHASING_COLUMNS = ("temperature_K", "L_phi_nm", "L_phi_err_nm")


def _num(v: Any) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return math.nan
    return f


def _temperature_of(entry: Mapping[str, Any], by: str | None) -> float:
    """The temperature label of one curve entry (global curve, or single-fit summary)."""
    label = entry.get("label")
    src = entry.get("source") or {}
    curve = src.get("curve", label)
    if isinstance(curve, Mapping):
        for key in ("temperature_K", by):
            if key and key in curve:
                return _num(curve[key])
        return math.nan
    if curve is not None and (by in (None, "temperature_K", "curve")):
        return _num(curve)
    return math.nan


def _summaries(results: Any) -> tuple[list[Mapping[str, Any]], str | None]:
    """(curve entries, by) from any supported result shape."""
    if isinstance(results, pd.DataFrame):
        return [], None
    if hasattr(results, "summary") and callable(results.summary):
        results = results.summary()
    if isinstance(results, Mapping):
        if "curves" in results:
            by = results.get("by")
            return list(results["curves"]), by
        return [results], None
    items = list(results)
    return [r.summary() if hasattr(r, "summary") else r for r in items], None


def dephasing_table(results: Any) -> pd.DataFrame:
    """``temperature_K, L_phi_nm, L_phi_err_nm`` (NaN error when not estimable), sorted by temperature.

    ``results``: a GlobalFitResult or its JSON summary, a multi-curve ``{"model", "curves"}`` dict,
    a list of FitResults/summaries, or a batch table with ``temperature_K``, ``L_phi`` and
    ``L_phi_stderr`` columns.  ``attrs["sigmafit"]["errors"]`` names the error column, so
    :func:`sigmafit.fit` weights the dephasing fit by 1/error.
    """
    rows: list[dict[str, float]] = []
    if isinstance(results, pd.DataFrame):
        need = [c for c in ("temperature_K", "L_phi") if c not in results.columns]
        if need:
            raise FitError(f"a dephasing table needs columns temperature_K and L_phi; missing {need}")
        ok = results["status"] != "failed" if "status" in results.columns else np.ones(len(results), bool)
        sub = results[ok]
        err = sub["L_phi_stderr"] if "L_phi_stderr" in sub.columns else np.nan
        rows = [{"temperature_K": _num(t), "L_phi_nm": _num(v), "L_phi_err_nm": _num(e)}
                for t, v, e in zip(sub["temperature_K"], sub["L_phi"], np.broadcast_to(err, len(sub)))]
    else:
        entries, by = _summaries(results)
        for e in entries:
            par = (e.get("params") or {}).get("L_phi")
            if par is None:
                continue
            if e.get("success") is False:
                continue
            rows.append({"temperature_K": _temperature_of(e, by), "L_phi_nm": _num(par.get("value")),
                         "L_phi_err_nm": _num(par.get("stderr"))})
    if not rows:
        raise FitError("no L_phi values in these results: a dephasing table needs weak-localization fits (hln, hln-so …)")
    df = pd.DataFrame(rows, columns=list(DEPHASING_COLUMNS))
    if df["temperature_K"].isna().any():
        raise FitError("some results carry no temperature label: fit the curves by temperature_K (by=\"temperature_K\")")
    df = df[np.isfinite(df["L_phi_nm"])].sort_values("temperature_K", kind="stable").reset_index(drop=True)
    if not np.isfinite(df["L_phi_err_nm"]).all():
        errors: dict[str, str] = {}
    else:
        errors = {"L_phi_nm": "L_phi_err_nm"}
    df.attrs["sigmafit"] = {"source": "fit results", "errors": errors, "kind": "dephasing table"}
    return df


def fit_dephasing(results: Any, *, model: str = "dephasing", fix: Mapping[str, float] | None = None,
                  init: Mapping[str, float] | None = None):
    """Fit L_φ(T) = L1·T^(−p/2) to the ``L_phi`` values of ``results``; returns a :class:`FitResult`.

    A fit of *results*, not of data: the curves are never refitted.  Weighted by 1/stderr of
    L_φ when every stderr is known (lmfit rescales the covariance by the reduced χ², so the
    uncertainties of L1 and p reflect the scatter of the points about the law).  Works from
    three temperatures up, below :func:`sigmafit.fit`'s five-point minimum for raw curves,
    with a warning that p rests on few points.
    """
    import lmfit

    from ..models import registry
    from .diagnostics import generic_warnings, model_warnings
    from .result import FitResult
    from .single import apply_settings

    table = dephasing_table(results)
    n = int(table["temperature_K"].nunique())
    if n < 3:
        raise FitError(f"a dephasing fit needs L_phi at three or more temperatures, got {n}")
    x = table["temperature_K"].to_numpy(float)
    y = table["L_phi_nm"].to_numpy(float)
    e = table["L_phi_err_nm"].to_numpy(float)
    w = 1.0 / e if np.all(np.isfinite(e) & (e > 0)) else None
    m = registry.get(model)
    params = m.guess(y, x=x)
    apply_settings(params, fix, init)
    res = m.fit(y, params, weights=w, **{m.independent_vars[0]: x})
    fr = FitResult(model_name=model, lmfit_result=res, x=x, y=y, weights=w, x_name="temperature_K", y_name="L_phi_nm",
                   source={"path": "fit results", "weights": "1/L_phi_err_nm" if w is not None else "none"},
                   window={"x": "temperature_K", "how": "all temperatures", "n_points": int(x.size)})
    notes = []
    if n < 5:
        notes.append(f"L_φ at only {n} temperatures: p rests on few points, check the plot")
    resid = fr.residual if w is None else fr.residual * w
    fr.warnings = notes + generic_warnings(res, x, resid) + model_warnings(res, x, y)
    return fr
