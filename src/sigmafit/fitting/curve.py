"""One curve preparation, used by single, global and batch fits alike.

:func:`curve_data` turns what the user passed (a DataFrame with canonical columns, ``(x, y)`` arrays, or y with
``x=`` an array) into the finite points a fit sees, with their weights and a record of every choice (columns,
weights, points left out).  :func:`start_parameters` gives fresh start Parameters (the model's ``guess`` or a
deep copy of the caller's) with ``fix``/``init`` applied and checked.  Nothing here fits and nothing modifies
its inputs.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Mapping, NamedTuple

import lmfit
import numpy as np
import pandas as pd

from ..exceptions import DataFormatError, FitError
from ..models import registry
from ..models.base import SigmafitModel, background_powers, components, independent_kwargs
from .options import MIN_POINTS, FitSettings, Window


def resolve_model(model, *, background: str | None = None, **model_options: Any) -> tuple[lmfit.Model, str]:
    """An lmfit Model and its display name from a registry name or a Model instance (+ a background)."""
    if isinstance(model, str):
        name = model
        m: lmfit.Model = registry.get(model, **model_options)
    elif isinstance(model, lmfit.Model):
        if model_options:
            raise FitError(f"model options {sorted(model_options)} only apply to a registry name, not to a Model instance")
        m = model
        name = model.name
    else:
        raise FitError(f"model must be a registry name or an lmfit Model, not {type(model).__name__}")
    name = getattr(m, "display_name", name)  # a model of raw readings reads as the physics it fits
    for term in (background.split("+") if background else []):  # "quadratic", "offset" or both
        bg = registry.get(f"{term}-bg")
        m = m + bg
        name = f"{name}+{bg.name}"
    return m, name


def needs_offset(data) -> bool:
    """True when ``data`` is Δσ measured from a reference point (the transform path), so a fit carries a free offset."""
    if not isinstance(data, pd.DataFrame):
        return False
    ref = data.attrs.get("sigmafit", {}).get("delta_sigma_reference") or {}
    return ref.get("fit_offset") == "free"


#: The record a Δσ measured from a reference point leaves in its curve's ``source`` (see :func:`carries_offset`).
OFFSET_RECORD = "delta_sigma_offset"


def carries_offset(source: Mapping[str, Any], family: str | None) -> bool:
    """True when a curve (its ``source`` record) is Δσ measured from a reference point and is fitted by a
    magnetoconductance model: the fit then carries the terms of :func:`with_offset`."""
    return OFFSET_RECORD in source and family == "magnetoconductance"


def with_offset(model: lmfit.Model, name: str, prefix: str = "") -> tuple[lmfit.Model, str]:
    """``model`` + the terms a Δσ computed from raw R(B) carries (the transform path): a free constant offset
    (``off_c0``, S; Δσ was measured from a reference point, not from σ(0)) and, unless a background is already
    there, the classical magnetoconductance c₂B² (``bg_c2``; −σ0(μB)² of the Drude tensor) — without it the
    classical term goes into L_φ and L_so.  ``prefix`` goes before ``bg_``/``off_`` (a curve of a global fit)."""
    names = {getattr(c, "name", "") for c in components(model)}
    if "quadratic-bg" not in names:
        bg = registry.get("quadratic-bg", prefix=f"{prefix}bg_")
        model, name = model + bg, f"{name}+{bg.name}"
    if "offset-bg" not in names:
        off = registry.get("offset-bg", prefix=f"{prefix}off_")
        model, name = model + off, f"{name}+{off.name}"
    return model, name


def primary(model: lmfit.Model) -> SigmafitModel | None:
    """The first sigmafit component of ``model`` (the physics, not the background)."""
    comps = [c for c in components(model) if isinstance(c, SigmafitModel)]
    return next((c for c in comps if c.family != "background"), comps[0] if comps else None)


class Points(NamedTuple):
    """The points a fit sees: x, y (``parts`` blocks), weights, and any further independent variables by name."""

    x: np.ndarray
    y: np.ndarray
    w: np.ndarray | None
    extra: dict[str, np.ndarray]

    def kwargs(self, model: lmfit.Model) -> dict[str, np.ndarray]:
        """The independent-variable keywords of ``model`` for these points."""
        return independent_kwargs(model, self.x, self.extra)

    def take(self, mask: np.ndarray) -> Points:
        """The points where ``mask`` (one flag per x, single-part data) is True."""
        return Points(self.x[mask], self.y[mask], None if self.w is None else self.w[mask],
                      {k: v[mask] for k, v in self.extra.items()})


@dataclass
class CurveData:
    """The finite points of one curve and how they were chosen.

    ``y`` (and ``weights``) hold ``parts`` blocks of ``len(x)`` values one after the other (complex optical
    observables: real then imaginary part).  ``weighted`` is True when the weights are 1/σ of per-point
    uncertainties, so that χ²_ν is a goodness of fit; ``noise_estimated`` when they are 1/(noise estimated from
    the data's point-to-point scatter, a model's default), so that χ²_ν ≫ 1 still says the model misses.
    """

    x: np.ndarray
    y: np.ndarray
    weights: np.ndarray | None
    x_name: str
    y_name: str
    parts: int = 1
    weighted: bool = False
    noise_estimated: bool = False
    source: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: further independent variables, aligned with x (the measurement model's ``channel``)
    independent: dict[str, np.ndarray] = field(default_factory=dict)

    def select(self, mask: np.ndarray) -> Points:
        """The points at the x positions where ``mask`` is True (all parts)."""
        full = np.tile(mask, self.parts)
        w = None if self.weights is None else self.weights[full]
        return Points(self.x[mask], self.y[full], w, {k: v[mask] for k, v in self.independent.items()})

    def y_err(self, weights: np.ndarray | None) -> np.ndarray | None:
        """Per-point 1σ of y (1/weight) when the weights are uncertainties, else None."""
        if not self.weighted or weights is None:
            return None
        with np.errstate(divide="ignore"):
            return 1.0 / np.asarray(weights, dtype=float)


def _column(df: pd.DataFrame, name: str, role: str) -> np.ndarray:
    if name not in df.columns:
        src = df.attrs.get("sigmafit", {}).get("source")
        where = f" in {src}" if src else ""
        raise DataFormatError(f"no column {name!r}{where} for {role}; available columns: {', '.join(map(str, df.columns))}",
                              column=name)
    return np.asarray(pd.to_numeric(df[name], errors="coerce"), dtype=float)


def _inverse(err: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(err > 0, 1.0 / err, np.nan)


#: Column of prepared rows that are means of several readings (:func:`sigmafit.prepare.symmetrize`): without other
#: weights a row counts √n times a single reading, so that a point paired with itself near B = 0 — one reading,
#: √2 times the noise of a pair, and where the cusp is decided — does not decide L_φ alone.
AVERAGED = "n_averaged"


def _frame_arrays(df: pd.DataFrame, main, settings: FitSettings, source: dict) -> tuple:
    """(x, y, weights, x name, y name, weighted) from a DataFrame."""
    meta = df.attrs.get("sigmafit", {})
    for key in ("source", "curve", "prepare"):
        if meta.get(key) is not None:
            source["path" if key == "source" else key] = str(meta[key]) if key == "source" else meta[key]
    for key in ("assumptions", "notes"):
        for note in meta.get(key) or []:
            source.setdefault(key, []).append(str(note))
    if needs_offset(df):
        source[OFFSET_RECORD] = "free: Δσ was measured from a reference point, not from σ(0)"
    weights = settings.weights
    if main is not None and hasattr(main, "fit_data"):
        d = main.fit_data(df, x=settings.x, y=settings.y, weights=weights)
        if d.get("weights_how"):
            source["weights"] = d["weights_how"]
        return d["x"], d["y"], d["weights"], d["x_name"], d["y_name"], d["weighted"], d.get("independent") or {}
    xn = settings.x or (main.x if main is not None else None)
    yn = settings.y or (main.y if main is not None else None)
    if not xn or not yn:
        raise FitError("say which columns to fit with x= and y=")
    xv, yv = _column(df, xn, "x"), _column(df, yn, "y")
    err_col = (meta.get("errors") or {}).get(yn)
    if isinstance(weights, str) and weights not in ("none", "relative"):
        err = _column(df, weights, "weights")
        source["weights"] = f"1/{weights} (per-point 1σ uncertainties of {yn})"
        return xv, yv, _inverse(err), xn, yn, True, {}
    if weights is None and err_col in df.columns:
        source["weights"] = meta.get("weights") or f"1/{err_col} (the data's own uncertainties)"
        return xv, yv, _inverse(_column(df, err_col, "errors")), xn, yn, True, {}
    if isinstance(weights, str):
        return xv, yv, None, xn, yn, False, {}
    if weights is None and AVERAGED in df.columns:  # rows of symmetrized data: means of 1 or 2 readings
        source["weights"] = f"√{AVERAGED}: each row is the mean of {AVERAGED} readings of equal noise"
        return xv, yv, np.sqrt(_column(df, AVERAGED, "weights")), xn, yn, False, {}
    return xv, yv, (None if weights is None else np.asarray(weights, dtype=float)), xn, yn, False, {}


def _array_arrays(data, main, settings: FitSettings) -> tuple:
    x = settings.x
    if isinstance(data, (tuple, list)) and len(data) == 2 and x is None:
        xv, yv = (np.asarray(a, dtype=float) for a in data)
    else:
        if x is None:
            raise FitError("with array data pass x= (the independent variable) or data=(x, y)")
        xv, yv = np.asarray(x, dtype=float), np.asarray(data, dtype=float)
    xn = main.x if main is not None and main.x else "x"
    yn = main.y if main is not None and main.y else "y"
    w = settings.weights
    wv = None if w is None or isinstance(w, str) else np.asarray(w, dtype=float)
    return xv, yv, wv, xn, yn, False, {}


def curve_data(data, model: lmfit.Model, settings: FitSettings, source: Mapping[str, Any] | None = None) -> CurveData:
    """The finite points of ``data`` for ``model``, their weights, and the record of how they were chosen.

    Weights: the data's own uncertainties (an error column announced by the loader, or ``weights=COLUMN``)
    give 1/σ and a meaningful χ²_ν; ``"relative"`` uses the model's relative scheme (1/|y| by default);
    ``"none"`` none; without a choice, rows that are means of ``n_averaged`` readings (symmetrized data) weigh √n,
    else the model's default (``default_weights``) applies.
    """
    main = primary(model)
    src: dict[str, Any] = {}
    if isinstance(data, pd.DataFrame):
        xv, yv, wv, xn, yn, weighted, extra = _frame_arrays(data, main, settings, src)
    else:
        xv, yv, wv, xn, yn, weighted, extra = _array_arrays(data, main, settings)
    if source:
        src.update(source)
    if yv.size == 0 or yv.size % max(xv.size, 1):
        raise DataFormatError(f"y has {yv.size} values for {xv.size} x values; they must match (or be a whole multiple for complex data)")
    parts = yv.size // xv.size
    expected = main.data_parts() if main is not None else None
    if expected and parts != expected:
        raise DataFormatError(f"y has {yv.size} values for {xv.size} x values; model {main.name!r} takes "
                              f"{expected} per x value ({expected * xv.size} in all)")
    estimated = False
    if wv is None and main is not None and settings.weights != "none":
        if settings.weights == "relative":
            wv = main.relative_weights(xv, yv)
            src["weights"] = f"relative: {main.relative_weights.__doc__.strip().splitlines()[0]}"
        else:
            wv = main.default_weights(xv, yv)
            estimated = wv is not None and not weighted and getattr(main, "default_weights_estimate_noise", False)
            if wv is not None:
                rule = " ".join((main.default_weights.__doc__ or "model weights").strip().split("\n\n")[0].split())
                src.setdefault("weights", f"{main.name} default: {rule}")
    if wv is not None and wv.size not in (xv.size, yv.size):
        raise DataFormatError(f"{wv.size} weights for {yv.size} data points; they must match")
    if wv is not None and wv.size == xv.size and parts > 1:
        wv = np.tile(wv, parts)
    finite = np.isfinite(xv) & np.all(np.isfinite(yv.reshape(parts, -1)), axis=0)
    for v in extra.values():
        finite &= np.isfinite(np.asarray(v, dtype=float))
    if wv is not None:
        finite &= np.all(np.isfinite(wv.reshape(parts, -1)) & (wv.reshape(parts, -1) > 0), axis=0)
    notes = []
    if not finite.all():
        notes.append(f"{int((~finite).sum())} points with NaN/inf (or without a usable uncertainty) were left out")
    full = np.tile(finite, parts)
    return CurveData(x=xv[finite], y=yv[full], weights=None if wv is None else wv[full], x_name=xn, y_name=yn,
                     parts=parts, weighted=weighted, noise_estimated=estimated, source=src, notes=notes,
                     independent={k: np.asarray(v)[finite] for k, v in extra.items()})


def in_window(curve: CurveData, window: Window, limit: float | None = None) -> Points:
    """The curve's points inside ``window`` (``limit`` = |x| bound of an automatic window); refuses < MIN_POINTS."""
    mask = window.mask(curve.x, limit)
    if mask.sum() < MIN_POINTS:
        raise FitError(f"only {int(mask.sum())} points lie in the fit window; need at least {MIN_POINTS}")
    return curve.select(mask)


def apply_settings(params: lmfit.Parameters, fix: Mapping[str, float] | None, init: Mapping[str, float] | None) -> None:
    """Set start values (``init``) and fixed values (``fix``) in place, checked against the bounds.

    Unknown or derived names and values outside a parameter's bounds are refused in one sentence.
    """
    for kind, mapping in (("init", init or {}), ("fix", fix or {})):
        for name, value in mapping.items():
            if name not in params:
                choices = ", ".join(n for n, p in params.items() if not p.expr)
                raise FitError(f"--{kind} names unknown parameter {name!r}; the model has: {choices}")
            par = params[name]
            if par.expr:
                raise FitError(f"{name} is derived ({par.expr}) and cannot be set; set the parameters it depends on")
            v = float(value)
            if np.isnan(v) or not (par.min <= v <= par.max):
                raise FitError(f"--{kind} {name}={v:g} lies outside its bounds [{par.min:g}, {par.max:g}]")
            par.set(value=v, vary=False if kind == "fix" else (par.vary or name in (init or {})))


def free_count(params: lmfit.Parameters) -> int:
    return sum(1 for p in params.values() if p.vary and not p.expr)


def start_parameters(model: lmfit.Model, points: Points, settings: FitSettings,
                     params: lmfit.Parameters | None = None) -> lmfit.Parameters:
    """Fresh start Parameters: a deep copy of ``params`` or each component's ``guess`` on the points, then
    ``init``/``fix`` of ``settings``.  Refuses when the points cannot determine the free parameters."""
    x, y = points.x, points.y
    if params is not None:
        out = copy.deepcopy(params)
        for comp in components(model):  # a background or offset the caller's Parameters do not know yet
            for name, p in comp.make_params().items():
                if name not in out:
                    out.add(p)
    else:
        out = lmfit.Parameters()
        main = primary(model)
        background = background_powers(model)  # the main guess allows for the offset / c₂B² fitted beside it
        for comp in components(model):
            try:
                if comp is main or not isinstance(comp, SigmafitModel):
                    allows = background and isinstance(comp, SigmafitModel)
                    p = comp.guess(y, x=x, **({"background": background} if allows else {}), **points.extra)
                else:
                    p = comp.make_params()
            except NotImplementedError:
                p = comp.make_params()
            out.update(p)
    apply_settings(out, settings.fix, settings.init)
    nfree = free_count(out)
    if y.size <= nfree:
        raise FitError(f"{y.size} data points cannot determine {nfree} free parameters; widen the window or fix some (--fix)")
    return out
