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

from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..exceptions import FitError

#: Canonical columns of :func:`dephasing_table`.
DEPHASING_COLUMNS = ("temperature_K", "L_phi_nm", "L_phi_err_nm")
#: A trend fit weighted by the curve fits' errors with χ²_ν above this is reported (points scatter more than
#: their error bars say).
TREND_REDCHI_LIMIT = 3.0


def _as_table(results: Any) -> pd.DataFrame:
    """One row per curve from any supported result shape (see :func:`dephasing_table`)."""
    from ..io.results import summary_table

    if isinstance(results, pd.DataFrame):
        return results
    if hasattr(results, "summary") and callable(results.summary):
        results = results.summary()
    if not isinstance(results, Mapping):
        items = [r.summary() if hasattr(r, "summary") else r for r in results]
        if not items:
            raise FitError("no results given")
        results = {"model": items[0].get("model", ""), "curves": items}
    return summary_table(dict(results))


def dephasing_table(results: Any) -> pd.DataFrame:
    """``temperature_K, L_phi_nm, L_phi_err_nm`` (NaN error when not estimable), sorted by temperature.

    ``results``: a GlobalFitResult or its JSON summary, a multi-curve ``{"model", "curves"}`` dict,
    a list of FitResults/summaries, or a batch table with ``temperature_K``, ``L_phi`` and
    ``L_phi_stderr`` columns.  Failed fits are left out.  ``attrs["sigmafit"]["errors"]`` names
    the error column, so :func:`sigmafit.fit` weights the dephasing fit by 1/error.
    """
    table = _as_table(results)
    need = [c for c in ("temperature_K", "L_phi") if c not in table.columns]
    if need:
        if "L_phi" in need:
            raise FitError("no L_phi values in these results: a dephasing table needs weak-localization fits (hln, hln-so …)")
        raise FitError("the results carry no temperature label: fit the curves by temperature_K (by=\"temperature_K\")")
    ok = np.ones(len(table), dtype=bool)
    if "status" in table.columns:
        ok &= (table["status"] != "failed").to_numpy()
    if "success" in table.columns:
        ok &= table["success"].fillna(True).astype(bool).to_numpy()
    sub = table[ok]
    err = sub["L_phi_stderr"].to_numpy(float) if "L_phi_stderr" in sub.columns else np.full(len(sub), np.nan)
    df = pd.DataFrame({"temperature_K": sub["temperature_K"].to_numpy(float), "L_phi_nm": sub["L_phi"].to_numpy(float),
                       "L_phi_err_nm": err}, columns=list(DEPHASING_COLUMNS))
    if df["temperature_K"].isna().any():
        raise FitError("some results carry no temperature label: fit the curves by temperature_K (by=\"temperature_K\")")
    df = df[np.isfinite(df["L_phi_nm"])].sort_values("temperature_K", kind="stable").reset_index(drop=True)
    if df.empty:
        raise FitError("no L_phi values in these results: a dephasing table needs weak-localization fits (hln, hln-so …)")
    errors = {"L_phi_nm": "L_phi_err_nm"} if np.isfinite(df["L_phi_err_nm"]).all() else {}
    df.attrs["sigmafit"] = {"source": "fit results", "errors": errors, "kind": "dephasing table"}
    return df


def fit_dephasing(results: Any, *, model: str = "dephasing", fix: Mapping[str, float] | None = None,
                  init: Mapping[str, float] | None = None):
    """Fit L_φ(T) = L1·T^(−p/2) to the ``L_phi`` values of ``results``; returns a :class:`FitResult`.

    A fit of *results*, not of data: the curves are never refitted.  Weighted by 1/stderr of
    L_φ when every stderr is known (lmfit rescales the covariance by the reduced χ², so the
    uncertainties of L1 and p reflect the scatter of the points about the law).  With fewer
    than five temperatures a warning says that p rests on few points.
    """
    from .single import fit

    table = dephasing_table(results)
    n = int(table["temperature_K"].nunique())
    if n < 3:
        raise FitError(f"a dephasing fit needs L_phi at three or more temperatures, got {n}")
    fr = fit(table, model, fix=fix, init=init, source={"path": "fit results"}, warn=False)
    if n < 5:
        fr.warnings.insert(0, f"L_φ at only {n} temperatures: p rests on few points, check the plot")
    redchi = fr.statistics()["redchi"]
    if fr.weighted and redchi is not None and redchi > TREND_REDCHI_LIMIT and not any("χ²_ν" in w for w in fr.warnings):
        fr.warnings.append(
            f"χ²_ν = {redchi:.3g} of the law against the L_φ error bars: the L_φ values scatter more than their errors "
            "say — either the curve fits' errors are too small (a biased fit of each curve, e.g. an interpolated or "
            "pinned σ(0)) or the law does not hold over this range (saturation, another dephasing mechanism); the "
            f"errors quoted are scaled by √χ²_ν = {redchi ** 0.5:.3g}")
    return fr
