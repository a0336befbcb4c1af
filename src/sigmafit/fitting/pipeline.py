"""From a loaded file to the curve(s) a model fits: the preparation each model family needs.

``curves(df, model, …)`` returns ``[(label, DataFrame), …]`` with the model's canonical
x and y columns, so the CLI, batch runs and recipes prepare data the same way:

* magnetoconductance: xx channel → sweeps → field offset → (anti)symmetrize → geometry →
  σ_□ → Δσ(B), one curve per temperature (or per ``by`` value);
* temperature laws: xx channel → geometry → R_□ / σ_□ against T, within ``tmin``–``tmax``;
* optics: n,k or ε → σ1, σ2 (whatever the file lacks).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .. import prepare
from ..exceptions import DataFormatError, DataWarning, FitError
from ..prepare.geometry import Geometry
from ..prepare.pipeline import TEMPERATURE_TOLERANCE_K, group_levels


def _has_channels(df: pd.DataFrame) -> bool:
    return "channel" in df.columns and df["channel"].nunique() > 1


def _temperature_labels(t: pd.Series) -> np.ndarray:
    """Set point of every temperature (NaN stays NaN), as :func:`sigmafit.prepare.group_levels` clusters them."""
    v = t.to_numpy(dtype=float)
    labels = np.full(v.shape, np.nan)
    ok = np.isfinite(v)
    if ok.any():
        labels[ok] = group_levels(v[ok], TEMPERATURE_TOLERANCE_K)[0]
    return labels


def _group(df: pd.DataFrame, by: str | None) -> list[tuple[Any, pd.DataFrame]]:
    if by is None:
        return [(None, df)]
    if by not in df.columns:
        raise DataFormatError(f"cannot split curves by {by!r}: no such column (columns: {', '.join(map(str, df.columns))})")
    key = pd.Series(_temperature_labels(df[by]), index=df.index) if by == "temperature_K" else df[by]
    missing = int(key.isna().sum())
    if missing:
        warnings.warn(f"{missing} rows have no {by} value and belong to no curve; they were left out", DataWarning, stacklevel=3)
    out = []
    for k, g in df.groupby(key, sort=True):
        g = g.copy()
        g.attrs = {**df.attrs, "sigmafit": {**df.attrs.get("sigmafit", {}), "curve": {by: float(k) if np.isscalar(k) else k}}}
        out.append((float(k) if isinstance(k, (int, float, np.number)) else k, g))
    return out


def _auto_by(df: pd.DataFrame, x: str) -> str | None:
    """``temperature_K`` when the file holds sweeps at several distinct temperatures."""
    if x == "temperature_K" or "temperature_K" not in df.columns:
        return None
    levels = np.unique(_temperature_labels(df["temperature_K"]))
    levels = levels[np.isfinite(levels)]
    return "temperature_K" if levels.size > 1 else None


def magnetoconductance_curves(df: pd.DataFrame, *, geometry: Geometry | None, by: str | None = None, symmetrize: bool = True,
                              field_offset: float | str | None = None, channel: int | None = None,
                              y: str = "delta_sigma_S") -> list[tuple[Any, pd.DataFrame]]:
    """Δσ(B) curves from raw R(B) (or the file's own Δσ column when it already has one).

    ``field_offset=None`` means "auto" when symmetrizing (the offset is estimated from the
    symmetry of R(B) and recorded); pass 0 to keep the fields as read.
    """
    if y in df.columns:
        return _group(df, by if by is not None else _auto_by(df, "field_T"))
    if geometry is None:
        geometry = geometry_from_header(df)
    if geometry is None:
        raise FitError("a magnetoconductance fit needs the sample geometry: give --width and --length (µm, Hall bar), --vdp, or --sheet")
    if by is None:
        by = _auto_by(df, "field_T")
    if field_offset is None and symmetrize:
        field_offset = "auto"
    mc = prepare.magnetoconductance(df, geometry, symmetrize=symmetrize, field_offset=field_offset, by=by, channel=channel)
    key = by if by in mc.columns else ("curve" if "curve" in mc.columns and mc["curve"].nunique() > 1 else None)
    return _group(mc, key)


def geometry_from_header(df: pd.DataFrame) -> Geometry | None:
    """Geometry recorded by the loader (width/length in µm), if the header gave a usable one."""
    g = df.attrs.get("sigmafit", {}).get("geometry") or {}
    w, length = g.get("width_um"), g.get("length_um")
    if w and length:
        return Geometry(kind="hallbar", width_um=float(w), length_um=float(length), thickness_nm=g.get("thickness_nm"))
    return None


def temperature_curves(df: pd.DataFrame, *, y: str, geometry: Geometry | None, channel: int | None = None,
                       by: str | None = None, tmin: float | None = None, tmax: float | None = None) -> list[tuple[Any, pd.DataFrame]]:
    """R(T) / σ(T) curves in the column the model fits (``y``)."""
    if "channel" in df.columns and (_has_channels(df) or channel is not None):
        df = prepare.channels.select(df, role=None if channel is not None else "xx", channel=channel)
    if y not in df.columns:
        if y in ("sheet_conductance_S", "sheet_resistance_ohm"):
            if "sheet_resistance_ohm" not in df.columns:
                geometry = geometry or geometry_from_header(df)
                if geometry is None:
                    raise FitError(f"{y} needs the sample geometry: give --width and --length (µm), --vdp, or --sheet")
                df = prepare.to_sheet(df, geometry)
            if y == "sheet_conductance_S":
                df = prepare.sheet_conductance(df)
        elif y == "resistivity_ohm_cm" and "resistance_ohm" in df.columns and geometry is not None:
            df = prepare.to_resistivity(prepare.to_sheet(df, geometry), geometry)
    if "temperature_K" in df.columns and (tmin is not None or tmax is not None):
        df = prepare.window(df, "temperature_K", tmin, tmax)
    return _group(df, by)


def optics_curves(df: pd.DataFrame, *, by: str | None = None) -> list[tuple[Any, pd.DataFrame]]:
    """Spectra with σ1, σ2, ε1, ε2 added from whatever the file has (n,k or ε)."""
    if any(c in df.columns for c in ("n", "eps1")) and "sigma1_S_per_cm" not in df.columns:
        df = prepare.add_optical_conductivity(df)
    return _group(df, by)


def curves(df: pd.DataFrame, model, *, geometry: Geometry | None = None, by: str | None = None, symmetrize: bool = True,
           field_offset=None, channel: int | None = None, y: str | None = None, tmin: float | None = None,
           tmax: float | None = None) -> list[tuple[Any, pd.DataFrame]]:
    """The curves ``model`` (a SigmafitModel) should be fitted to, prepared from ``df``."""
    family = getattr(model, "family", "")
    ycol = y or getattr(model, "y", None)
    if family == "magnetoconductance":
        return magnetoconductance_curves(df, geometry=geometry, by=by, symmetrize=symmetrize, field_offset=field_offset,
                                         channel=channel, y=ycol or "delta_sigma_S")
    if family == "temperature" and ycol:
        return temperature_curves(df, y=ycol, geometry=geometry, channel=channel, by=by, tmin=tmin, tmax=tmax)
    if family == "optics":
        return optics_curves(df, by=by)
    return _group(df, by)


def fit_file(path, model_name: str, *, format: str | None = None, load_options: dict | None = None,
             geometry: Geometry | None = None, by: str | None = None, symmetrize: bool = True, field_offset=None,
             channel: int | None = None, x: str | None = None, y: str | None = None,
             tmin: float | None = None, tmax: float | None = None, share=None,
             fix=None, init=None, background: str | None = None, loss: str = "linear", conf_interval: bool = False,
             xmin=None, xmax=None, bmax=None, n_oscillators: int | None = None, observable: str | None = None):
    """Load ``path``, prepare it for ``model_name`` and fit it: the work of ``sigmafit fit`` and of a recipe's ``[[fit]]``.

    Returns a :class:`~sigmafit.fitting.GlobalFitResult` when ``share`` names parameters, else a
    list of :class:`~sigmafit.fitting.FitResult` (one per curve).  For temperature laws ``tmin``/
    ``tmax`` are the fit window; for optics the observable defaults to the most informative one the
    file has (n,k → ε → σ1+σ2 → reflectance → σ1).  Fit-quality warnings travel in the results.
    """
    import warnings

    from .. import io, models
    from ..exceptions import FitQualityWarning
    from .global_ import fit_global
    from .single import fit

    family = models.model_class(model_name).family
    df = io.load(path, format=format, **(load_options or {}))
    model_options: dict[str, Any] = {}
    if n_oscillators is not None:
        model_options["n_oscillators"] = int(n_oscillators)
    if family == "optics":
        found = optics_curves(df, by=by)  # σ, ε added once; the observable is read off the prepared spectrum
        if not observable and found:
            from ..models.optics import best_observable

            observable = best_observable(found[0][1].columns)
        if observable:
            model_options["observable"] = observable
        model = models.get(model_name, **model_options)
    else:
        model = models.get(model_name, **model_options)
        found = curves(df, model, geometry=geometry, by=by, symmetrize=symmetrize, field_offset=field_offset,
                       channel=channel, y=y, tmin=tmin, tmax=tmax)
    if not found:
        raise FitError(f"{path}: no curve to fit after preparation")
    window = {"xmin": xmin, "xmax": xmax, "bmax": bmax}
    if family == "temperature":
        window["xmin"] = tmin if xmin is None else xmin
        window["xmax"] = tmax if xmax is None else xmax
    ycol = y if y in found[0][1].columns else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitQualityWarning)
        if share:
            if len(found) < 2:
                raise FitError(f"sharing {list(share)} needs several curves, but {path} gave one; choose them with --by")
            if bmax == "auto":
                raise FitError("an automatic field window is not available for global fits; give bmax in tesla")
            res = fit_global([c for _, c in found], model_name, share=list(share), labels=[lab for lab, _ in found],
                             x=x, y=ycol, fix=fix, init=init, background=background, **window, **model_options)
            res.by = by or next((c for c in ("temperature_K", "gate_V") if c in found[0][1].columns), "curve")
            res.source = {**res.source, "path": str(path)}
            return res
        return [fit(curve, model if len(found) == 1 else models.get(model_name, **model_options), x=x, y=ycol,
                    fix=fix, init=init, background=background, loss=loss, conf_interval=conf_interval,
                    source={"path": str(path)}, **window) for _, curve in found]


def results_summary(result, model_name: str) -> dict[str, Any]:
    """The ``--json`` shape of :func:`fit_file`'s result (with curve data): one fit, ``{"model", "curves"}``, or a global fit."""
    if not isinstance(result, list):
        return result.summary(include_data=True)
    if len(result) == 1:
        return result[0].summary(include_data=True)
    return {"model": model_name, "curves": [r.summary(include_data=True) for r in result]}


def curve_label(result) -> str:
    """A short label of a single-curve result (``temperature_K = 2``) for legends and headings."""
    curve = result.source.get("curve")
    if isinstance(curve, dict):
        return ", ".join(f"{k} = {v:g}" if isinstance(v, (int, float)) else f"{k} = {v}" for k, v in curve.items())
    return "" if curve is None else str(curve)
