"""``sigmafit.fit``: fit one curve with one model and say when a number cannot be trusted."""

from __future__ import annotations

import copy
import warnings
from typing import Any, Literal, Mapping, Sequence

import lmfit
import numpy as np
import pandas as pd

from ..exceptions import DataFormatError, FitError, FitQualityWarning
from ..models import registry
from ..models.base import SigmafitModel, components, independent_kwargs
from .diagnostics import generic_warnings, model_warnings
from .result import FitResult

#: Default automatic window: |x| ≤ WINDOW_FACTOR × the model's characteristic scale (B_φ).
WINDOW_FACTOR = 10.0
#: A window holding fewer points than this is refused (and the points must outnumber the free parameters).
MIN_POINTS = 3

Loss = Literal["linear", "soft_l1", "huber", "cauchy", "arctan"]


def resolve_model(model: str | lmfit.Model, *, background: str | None = None, **model_options: Any) -> tuple[lmfit.Model, str]:
    """An lmfit Model and its display name from a registry name or a Model instance."""
    if isinstance(model, str):
        name = model
        m: lmfit.Model = registry.get(model, **model_options)
    elif isinstance(model, lmfit.Model):
        if model_options:
            raise FitError(f"model options {sorted(model_options)} only apply to a registry name, not to a Model instance")
        m = model
        name = getattr(model, "name", type(model).__name__) if isinstance(model, SigmafitModel) else model.name
    else:
        raise FitError(f"model must be a registry name or an lmfit Model, not {type(model).__name__}")
    if background:
        bg = registry.get(background if "-" in background else f"{background}-bg")
        m = m + bg
        name = f"{name}+{bg.name}"
    return m, name


def primary(model: lmfit.Model) -> SigmafitModel | None:
    """The first sigmafit component of ``model`` (the physics, not the background)."""
    for comp in components(model):
        if isinstance(comp, SigmafitModel) and comp.family != "background":
            return comp
    for comp in components(model):
        if isinstance(comp, SigmafitModel):
            return comp
    return None


def _column(df: pd.DataFrame, name: str, role: str) -> np.ndarray:
    if name not in df.columns:
        src = df.attrs.get("sigmafit", {}).get("source")
        where = f" in {src}" if src else ""
        raise DataFormatError(
            f"no column {name!r}{where} for {role}; available columns: {', '.join(map(str, df.columns))} "
            f"(choose with --{role} / {role}=)"
        )
    return np.asarray(pd.to_numeric(df[name], errors="coerce"), dtype=float)


def data_arrays(data, model: lmfit.Model, x=None, y=None, weights=None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, str, str, dict]:
    """(x, y, weights, x_name, y_name, source) from a DataFrame or arrays.

    A sigmafit model may provide ``select_data(df, x, y)`` to build y from several
    columns (complex optical observables: real and imaginary parts concatenated).
    """
    main = primary(model)
    source: dict[str, Any] = {}
    if isinstance(data, pd.DataFrame):
        meta = data.attrs.get("sigmafit", {})
        if meta.get("source"):
            source["path"] = str(meta["source"])
        if meta.get("curve") is not None:
            source["curve"] = meta["curve"]
        if meta.get("prepare"):
            source["prepare"] = meta["prepare"]
        if main is not None and hasattr(main, "select_data"):
            xv, yv, wv, xn, yn = main.select_data(data, x=x, y=y, weights=weights)
            return xv, yv, wv, xn, yn, source
        xn = x or (main.x if main is not None else None)
        yn = y or (main.y if main is not None else None)
        if not xn or not yn:
            raise FitError("say which columns to fit with x= and y=")
        xv, yv = _column(data, xn, "x"), _column(data, yn, "y")
        if isinstance(weights, str):
            wv = _column(data, weights, "weights")
        else:
            wv = None if weights is None else np.asarray(weights, dtype=float)
        err_col = (meta.get("errors") or {}).get(yn)
        if wv is None and err_col in data.columns:
            err = _column(data, err_col, "errors")
            with np.errstate(divide="ignore", invalid="ignore"):
                wv = np.where(err > 0, 1.0 / err, np.nan)
            source["weights"] = f"1/{err_col}"
        return xv, yv, wv, xn, yn, source
    if isinstance(data, (tuple, list)) and len(data) == 2 and x is None:
        xv, yv = (np.asarray(a, dtype=float) for a in data)
    else:
        if x is None:
            raise FitError("with array data pass x= (the independent variable) or data=(x, y)")
        xv, yv = np.asarray(x, dtype=float), np.asarray(data, dtype=float)
    xn = main.x if main is not None and main.x else "x"
    yn = main.y if main is not None and main.y else "y"
    wv = None if weights is None else np.asarray(weights, dtype=float)
    return xv, yv, wv, xn, yn, source


def _parts(x: np.ndarray, y: np.ndarray) -> int:
    if y.size % max(x.size, 1) or y.size == 0:
        raise DataFormatError(f"y has {y.size} values for {x.size} x values; they must match (or be a whole multiple for complex data)")
    return y.size // x.size


def start_params(model: lmfit.Model, x: np.ndarray, y: np.ndarray, params: lmfit.Parameters | None) -> lmfit.Parameters:
    """Start parameters: a deep copy of ``params`` or each component's ``guess``."""
    if params is not None:
        return copy.deepcopy(params)
    out = lmfit.Parameters()
    main = primary(model)
    for comp in components(model):
        try:
            p = comp.guess(y, x=x) if (comp is main or not isinstance(comp, SigmafitModel)) else comp.make_params()
        except NotImplementedError:
            p = comp.make_params()
        out.update(p)
    # expressions that reference other components' parameters need them all present
    return out


def apply_settings(params: lmfit.Parameters, fix: Mapping[str, float] | None, init: Mapping[str, float] | None) -> None:
    """Set start values (``init``) and fixed values (``fix``), naming unknown parameters."""
    for kind, mapping in (("init", init or {}), ("fix", fix or {})):
        for name, value in mapping.items():
            if name not in params:
                choices = ", ".join(n for n, p in params.items() if not p.expr)
                raise FitError(f"--{kind} names unknown parameter {name!r}; the model has: {choices}")
            par = params[name]
            if par.expr:
                raise FitError(f"{name} is derived ({par.expr}) and cannot be set; set the parameters it depends on")
            v = float(value)
            if kind == "init" and not (par.min <= v <= par.max):
                raise FitError(f"--init {name}={v:g} lies outside its bounds [{par.min:g}, {par.max:g}]")
            par.set(value=v, vary=False if kind == "fix" else (par.vary or name in (init or {})))


def window_mask(x: np.ndarray, xmin, xmax, absmax) -> np.ndarray:
    """True where xmin ≤ x ≤ xmax and |x| ≤ absmax (None = no limit)."""
    m = np.ones(x.shape, dtype=bool)
    if xmin is not None:
        m &= x >= xmin
    if xmax is not None:
        m &= x <= xmax
    if absmax is not None:
        m &= np.abs(x) <= absmax
    return m


def robust_scale(r: np.ndarray) -> float:
    """Noise scale from the median absolute deviation (1.4826·MAD, Gaussian-consistent)."""
    r = r[np.isfinite(r)]
    return float(1.4826 * np.median(np.abs(r - np.median(r)))) if r.size else 0.0


def describe_window(xn: str, xmin, xmax, bmax) -> dict[str, Any]:
    """The ``window`` record of a result: limits and how they were chosen (bmax a number or None)."""
    window: dict[str, Any] = {"x": xn, "min": xmin, "max": xmax}
    if bmax is not None:
        window["abs_max"] = float(bmax)
        window["how"] = f"|{xn}| ≤ {bmax:g} (given)"
    elif xmin is not None or xmax is not None:
        window["how"] = "given"
    else:
        window["how"] = "all data"
    return window


def _run(model, params, x, y, w, method, loss, max_nfev):
    """One lmfit least-squares fit (``loss`` other than linear switches to scipy's least_squares)."""
    indep = independent_kwargs(model, x)
    kws: dict[str, Any] = {}
    if loss and loss != "linear":
        method = "least_squares"
        kws["fit_kws"] = {"loss": loss[0], "f_scale": loss[1]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow probes inside the optimizer
        return model.fit(y, params, weights=w, method=method, max_nfev=max_nfev, **kws, **indep)


def _weighted_residual(result, y, w) -> np.ndarray:
    r = y - result.best_fit
    return r if w is None else r * w


def robust_fit(model, params, x, y, w, method, loss, max_nfev):
    """Fit with a robust ``loss`` and return ``(result, inliers, scale)``.

    The loss scale is the residuals' robust noise level (1.4826·MAD), estimated from a plain
    fit and refined once from the robust one.  Points beyond 3× that scale are outliers; the
    parameters and their errors then come from ordinary least squares on the inliers, started
    at the robust solution, so the reported uncertainties are not inflated by the glitches.
    """
    result = _run(model, params, x, y, w, method, "linear", max_nfev)
    for _ in range(2):
        scale = robust_scale(_weighted_residual(result, y, w)) or 1.0
        result = _run(model, result.params, x, y, w, method, (loss, scale), max_nfev)
    r = _weighted_residual(result, y, w)
    inliers = np.abs(r) <= 3.0 * scale
    nfree = sum(1 for p in result.params.values() if p.vary and not p.expr)
    if (~inliers).any() and inliers.sum() > nfree and y.size == x.size:
        result = _run(model, result.params, x[inliers], y[inliers], None if w is None else w[inliers], method, "linear", max_nfev)
    else:
        inliers = np.ones(y.shape, dtype=bool) if y.size != x.size else inliers
    return result, inliers, scale


def fit(
    data,
    model: str | lmfit.Model,
    *,
    x: str | Sequence[float] | None = None,
    y: str | None = None,
    weights: str | Sequence[float] | None = None,
    params: lmfit.Parameters | None = None,
    xmin: float | None = None,
    xmax: float | None = None,
    bmax: float | Literal["auto"] | None = None,
    window_factor: float = WINDOW_FACTOR,
    fix: Mapping[str, float] | None = None,
    init: Mapping[str, float] | None = None,
    background: str | None = None,
    method: str = "leastsq",
    loss: Loss = "linear",
    conf_interval: bool = False,
    max_nfev: int | None = None,
    source: Mapping[str, Any] | None = None,
    warn: bool = True,
    **model_options: Any,
) -> FitResult:
    """Fit one curve.

    Parameters
    ----------
    data : DataFrame with canonical columns, ``(x, y)`` arrays, or y values with ``x=`` an array.
    model : registry name (``"hln"``, ``"lnT"``, ``"drude"`` …) or any lmfit Model.
    x, y : column names when ``data`` is a DataFrame (default: the model's canonical columns).
    weights : column name or array, multiplying the residual (1/σ_y for honest χ²).
    params : start Parameters (deep-copied, never modified); default: the model's ``guess``.
    xmin, xmax : fit window in the x column's unit (field in T, temperature in K, ν in cm⁻¹).
    bmax : |x| ≤ bmax (field in T), or ``"auto"``: iterate |B| ≤ ``window_factor``·B_φ to convergence.
    fix, init : ``{name: value}`` fixed values / start values.
    background : ``"quadratic"`` adds a classical c2·B² term to a magnetoconductance model.
    method, loss : lmfit method; a robust ``loss`` (soft_l1, huber…) discounts glitches.
    conf_interval : also compute profile-likelihood ±1σ intervals (lmfit ``conf_interval``).
    warn : emit one :class:`~sigmafit.exceptions.FitQualityWarning` when ``result.warnings`` is not empty.
    model_options : passed to the model's constructor (e.g. ``n_oscillators=3``).

    Returns
    -------
    FitResult, whose ``warnings`` list every reason not to trust a number.
    """
    m, name = resolve_model(model, background=background, **model_options)
    xv, yv, wv, xn, yn, src = data_arrays(data, m, x=x, y=y, weights=weights)
    if source:
        src.update(source)
    parts = _parts(xv, yv)
    notes: list[str] = []
    main = primary(m)
    if wv is None and main is not None:
        wv = main.default_weights(xv, yv)
        if wv is not None:
            src["weights"] = f"{main.name} default: {getattr(main.default_weights, '__doc__', '') or 'model weights'}".strip()
    finite = np.isfinite(xv) & np.all(np.isfinite(yv.reshape(parts, -1)), axis=0)
    if wv is not None:
        finite &= np.all(np.isfinite(wv.reshape(parts, -1)), axis=0) if wv.size == yv.size else np.isfinite(wv)
    if not finite.all():
        notes.append(f"{int((~finite).sum())} points with NaN/inf were left out")

    def select(mask):
        full = np.tile(mask, parts)
        return xv[mask], yv[full], (None if wv is None else wv[full if wv.size == yv.size else mask])

    auto = isinstance(bmax, str)
    if auto and bmax != "auto":
        raise FitError(f"bmax must be a number (T) or 'auto', not {bmax!r}")
    window = describe_window(xn, xmin, xmax, None if auto else bmax)
    base = finite & window_mask(xv, xmin, xmax, None if auto else bmax)
    if base.sum() < MIN_POINTS:
        raise FitError(f"only {int(base.sum())} points lie in the fit window; need at least {MIN_POINTS}")

    xf, yf, wf = select(base)
    p0 = start_params(m, xf, yf, params)
    apply_settings(p0, fix, init)
    nfree = sum(1 for p in p0.values() if p.vary and not p.expr)
    if yf.size <= nfree:
        raise FitError(f"{yf.size} data points cannot determine {nfree} free parameters; widen the window or fix some (--fix)")
    result = _run(m, p0, xf, yf, wf, method, "linear", max_nfev)

    if auto:
        if main is None or main.characteristic_x(result.params) is None:
            raise FitError(f"model {name!r} has no characteristic field; give --bmax in tesla instead of 'auto'")
        limit = None
        for it in range(1, 9):
            scale = main.characteristic_x(result.params)
            new = window_factor * float(scale)
            mask = base & (np.abs(xv) <= new)
            if mask.sum() < MIN_POINTS:
                notes.append(f"the automatic window |B| ≤ {new:.3g} T holds fewer than {MIN_POINTS} points; kept |B| ≤ {limit if limit else np.abs(xv[base]).max():.3g} T")
                break
            converged = limit is not None and abs(new - limit) <= 0.02 * limit
            limit = new
            xf, yf, wf = select(mask)
            result = _run(m, result.params if it > 1 else p0, xf, yf, wf, method, "linear", max_nfev)
            if converged:
                break
        else:
            notes.append("the automatic field window did not settle in 8 iterations")
        shown = f"{limit:.4g}" if limit is not None else "?"
        window.update(abs_max=limit, how=f"auto: |{xn}| ≤ {shown} = {window_factor:g}·(characteristic field), {it} iterations")

    if conf_interval:
        try:
            ci = result.conf_interval(sigmas=[1])
            intervals = {k: {"-1sigma": float(v[0][1]), "+1sigma": float(v[-1][1])} for k, v in ci.items()}
        except Exception as exc:  # lmfit raises many kinds here
            intervals = {}
            notes.append(f"profile-likelihood intervals could not be computed ({exc})")
    else:
        intervals = None

    window["n_points"] = int(xf.size)
    excluded = None
    if loss and loss != "linear":
        result, inliers, scale = robust_fit(m, result.params, xf, yf, wf, method, loss, max_nfev)
        window["loss"] = loss
        window["robust_scale"] = float(scale)
        window["discounted"] = [float(v) for v in np.tile(xf, parts)[~inliers]]
        if (~inliers).any():
            xs = np.tile(xf, parts)[~inliers]
            shown = ", ".join(f"{v:.4g}" for v in xs[:12]) + (" …" if xs.size > 12 else "")
            notes.append(f"{int((~inliers).sum())} points lie beyond 3× the robust noise scale: the {loss} loss found them and "
                         f"they were left out of the final least-squares fit ({xn} = {shown})")
            if parts == 1:
                excluded = (xf[~inliers], yf[~inliers])
                xf, yf, wf = xf[inliers], yf[inliers], (None if wf is None else wf[inliers])
        window["n_points"] = int(xf.size)
    fr = FitResult(
        model_name=name, lmfit_result=result, x=xf, y=yf, weights=wf, x_name=xn, y_name=yn,
        source=src, window=window, intervals=intervals, excluded=excluded,
    )
    resid = fr.residual if wf is None else fr.residual * (wf if wf.size == yf.size else np.tile(wf, parts))
    fr.warnings = notes + generic_warnings(result, np.tile(xf, parts), resid) + model_warnings(result, xf, yf)
    if warn and fr.warnings:
        warnings.warn(f"{name} fit: {len(fr.warnings)} warning(s); first: {fr.warnings[0]}", FitQualityWarning, stacklevel=2)
    return fr
