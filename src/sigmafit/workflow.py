"""File → curves → fits: the one path that ``sigmafit fit``, ``sigmafit batch`` and recipes all call.

:func:`curves` prepares a loaded DataFrame for a model, by family:

* magnetoconductance: xx channel → sweeps → field offset → (anti)symmetrize → geometry → σ_□ → Δσ(B), one
  curve per temperature set point (or per ``by`` value);
* temperature laws: xx channel → geometry → R_□ / σ_□ against T within ``tmin``–``tmax``;
* optics: n,k or ε → σ1, σ2 (whatever the file lacks);

:func:`fit_file` loads, prepares and fits one file (one fit per curve, or one global fit with shared
parameters); :func:`fit_batch_files` does it for many files through the batch engine.  Every option arrives as
one of the objects of :mod:`sigmafit.fitting.options` (or as flat keywords resolved into them once).
Loader and preparation notes (rows dropped, units assumed) travel with every curve into its result.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from . import io, models, prepare
from .exceptions import DataFormatError, DataWarning, FitError, FitQualityWarning
from .fitting.batch import fit_tasks
from .fitting.global_ import fit_global
from .fitting.offset_error import with_field_offset_error
from .fitting.options import (
    BATCH_KEYS,
    PREPARATION_KEYS,
    BatchOptions,
    FitSettings,
    Preparation,
    Window,
    batch_from,
    preparation_from,
    split_options,
)
from .fitting.single import fit
from .fitting.store import check_out_folder
from .fitting.tasks import CurveTask, source_of, split_tasks
from .prepare.geometry import Geometry
from .prepare.hall_offset import shifted_offsets
from .prepare.noise import with_scatter_errors
from .prepare.split import distinct_set_points, plain, split_curves

#: More distinct field values (to 1 mT) than this make a file a field sweep, not R(T) at a few fields.
FIELD_SWEEP_LEVELS = 10
#: Film options of the optics models (a film's thickness is the geometry's ``thickness_nm``).
FILM_OPTIONS = {"substrate_n": "substrate_n", "substrate_nk": "substrate_nk", "substrate_thickness_mm": "substrate_thickness_mm",
                "film_reference": "reference", "film_method": "method"}
#: Options of the measurement model (the rest of a magnetoconductance fit's model options go to the physics model).
MEASUREMENT_OPTIONS = ("carrier", "bands", "wl_hall")
#: Model-constructor options a file fit understands (``oscillators`` is the CLI/recipe name of ``n_oscillators``;
#: ``signs`` and ``rho_xx0`` are the two-band models'), with the measurement model's and the films'.
MODEL_OPTION_KEYS = {"n_oscillators", "oscillators", "observable", "signs", "rho_xx0", "eps_inf_min", "film_thickness_nm",
                     *MEASUREMENT_OPTIONS, *FILM_OPTIONS}
_NEEDS_GEOMETRY = "a magnetoconductance fit needs the sample geometry: give --width and --length (µm, Hall bar), --vdp, or --sheet"


def _curve_key(df: pd.DataFrame, prep: Preparation) -> str | None:
    """The column that labels the curves of a field-sweep file: ``--by``, else the temperature when it has set points."""
    return prep.by if prep.by is not None else ("temperature_K" if distinct_set_points(df) > 1 else None)


def _geometry(df: pd.DataFrame, prep: Preparation) -> Geometry:
    """The sample geometry from the options or the file's header; refused when neither gives one."""
    geometry = prep.geometry or geometry_from_header(df)
    if geometry is None:
        raise FitError(_NEEDS_GEOMETRY)
    return geometry


def geometry_from_header(df: pd.DataFrame) -> Geometry | None:
    """Geometry recorded by the loader (width/length in µm), if the header gave a usable one."""
    g = df.attrs.get("sigmafit", {}).get("geometry") or {}
    w, length = g.get("width_um"), g.get("length_um")
    if w and length:
        return Geometry(kind="hallbar", width_um=float(w), length_um=float(length), thickness_nm=g.get("thickness_nm"))
    return None


def _span(df: pd.DataFrame, column: str) -> float:
    v = pd.to_numeric(df[column], errors="coerce").to_numpy(dtype=float) if column in df.columns else np.zeros(0)
    v = v[np.isfinite(v)]
    return float(v.max() - v.min()) if v.size else 0.0


def _check_kind(df: pd.DataFrame, family: str, model_name: str) -> None:
    """Refuse a model applied to the wrong kind of sweep (a σ(T) law on field sweeps, a Δσ(B) model on R(T))."""
    path = source_of(df)
    if family == "temperature" and "field_T" in df.columns and "temperature_K" in df.columns:
        field = pd.to_numeric(df["field_T"], errors="coerce").to_numpy(dtype=float)
        levels = np.unique(np.round(field[np.isfinite(field)], 3))  # field set points to 1 mT
        if levels.size > FIELD_SWEEP_LEVELS:
            raise DataFormatError(
                f"the file holds field sweeps (B from {np.nanmin(field):.3g} to {np.nanmax(field):.3g} T at "
                f"{distinct_set_points(df)} temperature(s)), but {model_name} fits a temperature dependence at one field: "
                "choose a magnetoconductance model, or a file of a temperature sweep", path=path, column="field_T")
    if family == "magnetoconductance" and "field_T" in df.columns and "delta_sigma_S" not in df.columns:
        if _span(df, "field_T") < 1e-3:
            raise DataFormatError(f"the field hardly changes in this file (span {_span(df, 'field_T'):.2g} T): there is no "
                                  f"field sweep for {model_name} to fit", path=path, column="field_T")


def as_resistance(df: pd.DataFrame, prep: Preparation) -> tuple[pd.DataFrame, Preparation]:
    """A file that gives sheet resistance (Ω/□) or resistivity (Ω·cm, with ``--thickness`` or the thickness its header
    records) instead of a resistance: ``resistance_ohm`` per square and the geometry ``sheet``, so the one path
    applies it once.

    A Hall-bar or van der Pauw geometry would convert the sheet values a second time: refused in one sentence.
    """
    if "resistance_ohm" in df.columns or not {"sheet_resistance_ohm", "resistivity_ohm_cm"} & set(df.columns):
        return df, prep
    path = source_of(df)
    geometry = prep.geometry
    given = "sheet resistance (Ω/□)" if "sheet_resistance_ohm" in df.columns else "resistivity (Ω·cm)"
    if geometry is not None and geometry.kind != "sheet":
        raise DataFormatError(f"the file gives {given}, not a resistance: the {geometry.kind} geometry would convert it "
                              "again; use --sheet (with --thickness for a resistivity)", path=path)
    out = df.copy()
    header = (df.attrs.get("sigmafit", {}).get("geometry") or {}).get("thickness_nm")
    thickness = geometry.thickness_nm if geometry is not None and geometry.thickness_nm is not None else header
    if "sheet_resistance_ohm" in df.columns:
        out["resistance_ohm"] = df["sheet_resistance_ohm"].to_numpy(float)
    elif thickness is None:
        raise DataFormatError("the file gives resistivity (Ω·cm): give the film thickness (--thickness NM, with --sheet) "
                              "to turn it into a sheet resistance", path=path, column="resistivity_ohm_cm")
    else:
        out["resistance_ohm"] = prepare.geometry.sheet_from_resistivity(df["resistivity_ohm_cm"].to_numpy(float), thickness)
    out.attrs = {**df.attrs, "sigmafit": {**df.attrs.get("sigmafit", {})}}
    return out, replace(prep, geometry=Geometry(kind="sheet", thickness_nm=thickness))


def _with_file_defaults(df: pd.DataFrame, prep: Preparation) -> Preparation:
    """The loader's suggestion of how to split curves (Lake Shore: one curve per table) when ``--by`` is not given."""
    split_by = df.attrs.get("sigmafit", {}).get("split_by")
    if prep.by is None and split_by and split_by in df.columns and df[split_by].nunique() > 1:
        return replace(prep, by=split_by)
    return prep


def is_raw_field_sweep(df: pd.DataFrame, y: str = "delta_sigma_S") -> bool:
    """True when ``df`` holds raw readings R(B) (no processed Δσ column): the measurement model fits them."""
    return y not in df.columns and "resistance_ohm" in df.columns and "field_T" in df.columns


def measured_curves(df: pd.DataFrame, prep: Preparation, need_hall: bool = False) -> list[tuple[Any, pd.DataFrame]]:
    """Every raw R_xx and R_xy reading per curve (temperature set point, or ``by``), with its uncertainty: the
    data of the measurement model (:func:`sigmafit.prepare.measured.measured_points`, nothing interpolated)."""
    from .prepare.measured import measured_points

    by = _curve_key(df, prep)
    points = measured_points(df, by=by, channel=prep.channel, hall_channel=prep.hall_channel, need_hall=need_hall)
    return split_curves(points, by if by is not None and points["curve"].nunique() > 1 else None)


def magnetoconductance_curves(df: pd.DataFrame, prep: Preparation, y: str = "delta_sigma_S") -> list[tuple[Any, pd.DataFrame]]:
    """Δσ(B) curves from raw R(B) (or the file's own Δσ column when it already has one)."""
    by = _curve_key(df, prep)
    if y in df.columns:
        return split_curves(df, by)
    if "delta_sigma_S" in df.columns and y != "delta_sigma_S":  # e.g. wire: ΔG (S) of the wire, not Δσ per square
        raise DataFormatError(f"this model fits {y}; the file's magnetoconductance column was read as delta_sigma_S "
                              f"(Δσ per square): if it is the quantity the model fits (a wire's ΔG in S), give "
                              f"--y delta_sigma_S", column="delta_sigma_S")
    geometry = _geometry(df, prep)
    offset = None if prep.field_offset == 0 else prep.field_offset  # 0: the fields as read
    mc = prepare.magnetoconductance(df, geometry, symmetrize=prep.symmetrize, field_offset=offset, by=by, channel=prep.channel)
    key = by if by in mc.columns else ("curve" if "curve" in mc.columns and mc["curve"].nunique() > 1 else None)
    return split_curves(mc, key)


def temperature_curves(df: pd.DataFrame, prep: Preparation, y: str) -> list[tuple[Any, pd.DataFrame]]:
    """R(T) / σ(T) curves in the column the model fits (``y``), within ``tmin``–``tmax``."""
    if "channel" in df.columns and (df["channel"].nunique() > 1 or prep.channel is not None):
        df = prepare.channels.select(df, role=None if prep.channel is not None else "xx", channel=prep.channel)
    geometry = prep.geometry or geometry_from_header(df)
    if y not in df.columns:
        if y in ("sheet_conductance_S", "sheet_resistance_ohm"):
            if "sheet_resistance_ohm" not in df.columns:
                if geometry is None:
                    raise FitError(f"{y} needs the sample geometry: give --width and --length (µm), --vdp, or --sheet")
                df = prepare.to_sheet(df, geometry)
            if y == "sheet_conductance_S":
                df = prepare.sheet_conductance(df)
        elif y == "resistivity_ohm_cm" and "resistance_ohm" in df.columns and geometry is not None:
            df = prepare.to_resistivity(prepare.to_sheet(df, geometry), geometry)
    if "temperature_K" in df.columns and (prep.tmin is not None or prep.tmax is not None):
        df = prepare.window(df, "temperature_K", prep.tmin, prep.tmax)
    return [(lab, with_scatter_errors(c, "temperature_K", y)) for lab, c in split_curves(df, prep.by)]


def carrier_curves(df: pd.DataFrame, prep: Preparation) -> list[tuple[Any, pd.DataFrame]]:
    """Hall curves (even R_xx, odd R_xy per temperature set point or ``by`` value) from raw R_xx, R_xy(B)."""
    by = _curve_key(df, prep)
    geometry = prep.geometry or geometry_from_header(df)
    offset = None if prep.field_offset == 0 else prep.field_offset
    hall = prepare.carriers.hall_curves(df, geometry, by=by, field_offset=offset, channel=prep.channel,
                                        hall_channel=prep.hall_channel)
    multi = hall["curve"].nunique() > 1
    return split_curves(hall, (by if by in hall.columns else "curve") if multi else None)


def heat_curves(df: pd.DataFrame, prep: Preparation, y: str) -> list[tuple[Any, pd.DataFrame]]:
    """C(T) (molar, from a sample's C with its mass and molar mass) or κ(T) within ``tmin``–``tmax``."""
    if y == "molar_heat_capacity_J_per_molK" and y not in df.columns:
        if prep.sample_mass_mg is None or prep.molar_mass_g_per_mol is None:
            raise FitError("a molar heat capacity from a sample's C(T) needs --mass-mg (sample mass, mg) and "
                           "--molar-mass (g per mole of formula units)")
        df = prepare.heat.molar_heat_capacity(df, sample_mass_mg=prep.sample_mass_mg,
                                              molar_mass_g_per_mol=prep.molar_mass_g_per_mol,
                                              sample_mass_err_mg=prep.sample_mass_err_mg or 0.0)
    if "temperature_K" in df.columns and (prep.tmin is not None or prep.tmax is not None):
        df = prepare.window(df, "temperature_K", prep.tmin, prep.tmax)
    return split_curves(df, prep.by)


def optics_curves(df: pd.DataFrame, prep: Preparation) -> list[tuple[Any, pd.DataFrame]]:
    """Spectra with σ1, σ2, ε1, ε2 added from whatever the file has (n,k or ε)."""
    if any(c in df.columns for c in ("n", "eps1")) and "sigma1_S_per_cm" not in df.columns:
        df = prepare.add_optical_conductivity(df)
    return split_curves(df, prep.by)


def curves(df: pd.DataFrame, model, prep: Preparation | None = None, *, y: str | None = None) -> list[tuple[Any, pd.DataFrame]]:
    """The curves ``model`` (a SigmafitModel) is fitted to, prepared from ``df``: ``[(label, DataFrame), …]``."""
    prep = prep or Preparation()
    family = getattr(model, "family", "")
    ycol = y or getattr(model, "y", None)
    _check_kind(df, family, getattr(model, "name", "the model"))
    if family == "magnetoconductance":
        return magnetoconductance_curves(df, prep, ycol or "delta_sigma_S")
    if family == "temperature" and ycol:
        return temperature_curves(df, prep, ycol)
    if family == "optics":
        return optics_curves(df, prep)
    if family == "carriers":
        return carrier_curves(df, prep)
    if family == "heat" and ycol:
        return heat_curves(df, prep, ycol)
    return split_curves(df, prep.by)


def _model_options(options: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    if options.get("oscillators") is not None or options.get("n_oscillators") is not None:
        out["n_oscillators"] = int(options.get("n_oscillators") or options.get("oscillators"))
    out.update({k: options[k] for k in ("observable", "signs", "rho_xx0", "eps_inf_min", *MEASUREMENT_OPTIONS)
                if options.get(k) is not None})
    out.update({name: options[k] for k, name in FILM_OPTIONS.items() if options.get(k) is not None})
    if options.get("film_thickness_nm") is not None:
        out["thickness_nm"] = float(options["film_thickness_nm"])
    return out


def _fit_window(family: str, window: Window, prep: Preparation) -> Window:
    """Temperature laws and heat: ``tmin``/``tmax`` are the fit window unless ``xmin``/``xmax`` say otherwise."""
    if family not in ("temperature", "heat"):
        return window
    return Window(xmin=prep.tmin if window.xmin is None else window.xmin, xmax=prep.tmax if window.xmax is None else window.xmax,
                  bmax=window.bmax, factor=window.factor)


def _measurement(model_name: str, df: pd.DataFrame, prep: Preparation, options: dict, background) -> tuple[str, dict]:
    """The measurement model of raw R(B) for the physics model ``model_name``: ``("measurement", its options)``."""
    geometry = _geometry(df, prep)
    if background:
        raise FitError("--background applies to fits of Δσ (--transform); the measurement model of the raw R(B) has the "
                       "classical magnetoresistance built in (its Drude tensor)")
    measured = {k: options.pop(k) for k in MEASUREMENT_OPTIONS if k in options}
    return "measurement", {"physics": model_name, "geometry": geometry, **measured, **options}


def _prepared(df, family: str, model_name: str, prep: Preparation, options: dict, y, background):
    """(curves, model name, model options) of a loaded file, by family (raw R(B) → the measurement model)."""
    name = model_name
    if family == "optics":
        found = optics_curves(df, prep)  # σ, ε added once; the observable is read off the prepared spectrum
        film = any(k in options for k in (*FILM_OPTIONS.values(), "thickness_nm"))
        if film and "thickness_nm" not in options:
            raise FitError("a film's transmission or reflectance needs the film thickness: give --thickness NM")
        if not options.get("observable") and found:
            from .models.optics import best_observable

            has_t = "transmittance" in found[0][1].columns
            options["observable"] = "transmission" if film and has_t else best_observable(found[0][1].columns)
    elif family == "magnetoconductance" and not prep.transform and is_raw_field_sweep(df, y or "delta_sigma_S"):
        _check_kind(df, family, model_name)
        name, options = _measurement(model_name, df, prep, options, background)
        found = measured_curves(df, prep, need_hall=options.get("bands", 1) == 2)
    else:
        for k in MEASUREMENT_OPTIONS:
            options.pop(k, None)
        found = curves(df, models.get(model_name, **options), prep, y=y)
    return found, name, options


def load_curves(path, model_name: str, prep: Preparation, model_options: Mapping[str, Any], *, y: str | None = None,
                echo: bool = True, background: str | None = None):
    """Load ``path`` and prepare it for ``model_name``: ``(model name, model options, [(label, curve), …], notes)``.

    The model options are ``model_options`` completed from the file (optics: the observable the file has).  Raw
    R(B) of a magnetoconductance model goes to the measurement model (model name ``"measurement"``, its options
    naming the physics model and the geometry), unless ``prep.transform`` asks for Δσ.

    ``notes`` are the loader's and the preparation's DataWarnings (rows dropped, units assumed …) as sentences;
    they are also attached to every curve (``attrs["sigmafit"]["notes"]``), so each result carries them, and
    (``echo``) warned again for the caller to see.
    """
    family = models.model_class(model_name).family
    options = dict(model_options)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        df = io.load(path, format=prep.format, **prep.load_options)
        prep = _with_file_defaults(df, prep)
        if family in ("magnetoconductance", "temperature", "carriers"):
            df, prep = as_resistance(df, prep)
        try:
            found, name, options = _prepared(df, family, model_name, prep, options, y, background)
        except (DataFormatError, FitError) as exc:  # a preparation step's refusal names the file it refuses
            if str(path) in str(exc):
                raise
            raise type(exc)(f"{path}: {exc}") from None
    notes = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    for w in caught:
        if echo or not issubclass(w.category, DataWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if not found:
        raise FitError(f"{path}: no curve to fit after preparation")
    for _, c in found:
        meta = c.attrs.setdefault("sigmafit", {})
        meta["notes"] = list(meta.get("notes") or []) + notes
    return name, options, found, notes


def split_file_options(options: Mapping[str, Any], family: str = ""):
    """Flat file-fit options → ``(Preparation, Window, FitSettings, model options)`` for a model of ``family``
    (an optics ``thickness_nm`` is the film's); the one place :func:`fit_file`, batches and recipes build them."""
    flat = {k: v for k, v in options.items() if v is not None}
    if family == "optics" and "thickness_nm" in flat:  # a film's thickness, not a transport geometry
        flat["film_thickness_nm"] = flat.pop("thickness_nm")
    prep = preparation_from({k: v for k, v in flat.items() if k in PREPARATION_KEYS or k == "load_options"})
    model_options = _model_options(flat)
    rest = {k: v for k, v in flat.items() if k not in PREPARATION_KEYS | MODEL_OPTION_KEYS | BATCH_KEYS | {"load_options"}}
    window, settings, unknown = split_options(rest)
    if unknown:
        raise FitError(f"unknown option(s) {', '.join(sorted(unknown))}")
    return prep, window, settings, model_options


def fit_file(path, model_name: str, *, prep: Preparation | None = None, window: Window | None = None,
             settings: FitSettings | None = None, **options: Any):
    """Load ``path``, prepare it for ``model_name`` and fit it: the work of ``sigmafit fit`` and a recipe's ``[[fit]]``.

    Options: the objects, or flat keywords (preparation: ``geometry``/``width_um``/``length_um``/``thickness_nm``,
    ``by``, ``symmetrize``, ``field_offset``, ``channel``, ``tmin``, ``tmax``, ``format``, ``x_unit``, ``y_unit``,
    ``run``; model: ``oscillators``, ``observable``; and the fit options of :func:`sigmafit.fit`, with ``share``
    for a global fit).  Returns a :class:`~sigmafit.fitting.GlobalFitResult` when ``share`` names parameters,
    else a list of :class:`~sigmafit.fitting.FitResult` (one per curve).  For temperature laws ``tmin``/``tmax``
    are the fit window; for optics the observable defaults to the most informative one the file has.
    """
    family = models.model_class(model_name).family
    p2, w2, s2, model_options = split_file_options(options, family)
    prep, window, settings = prep or p2, window or w2, settings or s2
    window = _fit_window(family, window, prep)
    fit_name, model_options, found, _ = load_curves(path, model_name, prep, model_options, y=settings.y,
                                                    background=settings.background)
    if settings.y and settings.y not in found[0][1].columns:
        settings = replace(settings, y=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitQualityWarning)
        if settings.share:
            if len(found) < 2:
                raise FitError(f"sharing {list(settings.share)} needs several curves, but {path} gave one; choose them with --by")
            by = prep.by or next((c for c in ("temperature_K", "gate_V") if c in found[0][1].columns), "curve")
            res = fit_global([c for _, c in found], fit_name, share=settings.share, labels=[lab for lab, _ in found],
                             window=window, settings=settings, **model_options)
            res.by = by
            res.source = {**res.source, "path": str(path)}
            return res
        results = [fit(curve, fit_name, window=window, settings=settings, source={"path": str(path)}, **model_options)
                   for _, curve in found]
        offset = _offset_refit(family, model_name, fit_name, prep, model_options, settings, window)
        if offset is not None:  # B₀ estimated: its error goes into the errors
            for (label, curve), res in zip(found, results):
                offset(res, str(path), label, curve)
        return results


@dataclass
class OffsetRefit:
    """Puts the error of a field offset estimated from the data into the errors of a Hall-curve fit
    (:func:`sigmafit.fitting.offset_error.with_field_offset_error`): prepares the curve's file again with every
    curve's estimated offset moved by ± its standard error (:func:`sigmafit.prepare.hall_offset.shifted_offsets`;
    once per file and sign, kept for the file's other curves) and refits the curve.  Picklable, so a batch's workers
    call it after each fit (the kept curves stay behind)."""

    model_name: str
    fit_name: str
    prep: Preparation
    model_options: dict
    settings: FitSettings
    window: Window
    _kept: dict = dataclass_field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_kept": {}}

    def _curves(self, path: str, curve: pd.DataFrame, sign: float) -> list:
        key = (path, sign)
        if key not in self._kept:
            offsets = shifted_offsets(curve, sign)
            if offsets is None:
                raise FitError("the curve has no estimated field offset to move")
            self._kept = {k: v for k, v in self._kept.items() if k[0] == path}  # one file at a time
            self._kept[key] = load_curves(path, self.model_name, replace(self.prep, field_offset=offsets),
                                          self.model_options, y=self.settings.y, echo=False)[2]
        return self._kept[key]

    def refit(self, path: str, label, curve: pd.DataFrame, params, sign: float):
        """The fit of curve ``label`` of ``path`` with every field offset moved by ``sign`` standard errors."""
        match = [c for lab, c in self._curves(path, curve, sign) if plain(lab) == plain(label)]
        if len(match) != 1:
            raise FitError("with the field offsets moved the file gives other curves")
        return fit(match[0], self.fit_name, window=self.window, settings=self.settings, params=params, warn=False,
                   **self.model_options)

    def __call__(self, result, path: str, label, curve: pd.DataFrame) -> None:
        with_field_offset_error(result, curve, lambda sign: self.refit(path, label, curve, result.params, sign))


def _offset_refit(family: str, model_name: str, fit_name: str, prep: Preparation, model_options, settings, window):
    """The :class:`OffsetRefit` of carriers fits whose field offset is estimated from the data (``"auto"``), else None."""
    if family != "carriers" or prep.field_offset != "auto":
        return None
    return OffsetRefit(model_name, fit_name, prep, dict(model_options), settings, window)


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


def expand_paths(paths: Iterable[str | Path], *, exclude: Iterable[str | Path] = ()) -> list[Path]:
    """Files named in ``paths``; a folder stands for every (non-hidden) file directly in it."""
    skip = {Path(p).resolve() for p in exclude}
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            if p.resolve() in skip:
                continue
            out.extend(f for f in sorted(p.iterdir()) if f.is_file() and not f.name.startswith(".") and f.parent.resolve() not in skip)
        else:
            out.append(p)
    return out


def _file_tasks(files: list[Path], model_name: str, prep: Preparation, model_options, y: str | None,
                background: str | None = None) -> tuple[list[CurveTask], str, dict]:
    """One task per curve of every file (an unreadable file is one failed task), and the model the curves are
    fitted with: ``(tasks, model name, model options)`` — the measurement model for raw R(B)."""
    tasks: list[CurveTask] = []
    fitted: tuple[str, dict] | None = None
    for path in files:
        try:
            name, options, items, _ = load_curves(path, model_name, prep, model_options, y=y, echo=False, background=background)
            if fitted is not None and (name, options) != fitted:
                raise FitError(f"this file needs {name} with {options}, the batch fits {fitted[0]} with {fitted[1]} "
                               "(give the geometry on the command line so every file gets the same)")
            fitted = (name, options)
        except Exception as exc:  # noqa: BLE001 - an unreadable file is one failed row, the batch goes on
            from .fitting.rows import error_text

            msg = error_text(exc)
            tasks.append(CurveTask(index=len(tasks), source=str(path), label=None, data=None,
                                   error=msg if str(path) in msg else f"{path}: {msg}"))
            continue
        tasks.extend(split_tasks(items, str(path), first=len(tasks)))  # curves of one frame keep their row ranges
    return tasks, *(fitted or (model_name, dict(model_options)))


def fit_batch_files(paths: Iterable[str | Path], model: str, *, prep: Preparation | None = None, window: Window | None = None,
                    settings: FitSettings | None = None, batch: BatchOptions | None = None, **options: Any):
    """Load each file, prepare its curves for ``model`` (:func:`curves`) and fit them all with the batch engine.

    A folder in ``paths`` stands for every file in it.  A file that cannot be read or prepared becomes one failed
    row with the reason; the batch goes on.  Options: the objects, or flat keywords as for :func:`fit_file` and
    :func:`sigmafit.fit_batch` (``out``, ``replace``, ``engine``, ``workers``, ``bmax``, ``fix`` …).
    """
    family = models.model_class(model).family  # an unknown model is refused before any file is read
    p2, w2, s2, model_options = split_file_options(options, family)
    prep, window, settings = prep or p2, window or w2, settings or s2
    batch = batch or batch_from(options)
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not p.exists()]
    if paths and len(missing) == len(paths):  # one missing file among others is one failed row
        raise FitError(f"no such file or folder: {', '.join(missing)}")
    if batch.out is not None:
        check_out_folder(batch.out)  # before any file is read
    files = expand_paths(paths, exclude=[batch.out] if batch.out else [])
    if not files:
        raise FitError("no files to fit (the folders given are empty)")
    window = _fit_window(family, window, prep)
    tasks, fit_name, model_options = _file_tasks(files, model, prep, model_options, settings.y, settings.background)
    if prep.by is not None and all(t.error and f"cannot split curves by {prep.by!r}" in t.error for t in tasks):
        raise FitError(f"no file has a column {prep.by!r} to split curves by (--by); {tasks[0].error}")
    if settings.y is not None and family == "magnetoconductance":
        settings = replace(settings, y=None)  # --y named the raw column; the curve has delta_sigma_S
    return fit_tasks(tasks, fit_name, batch=batch, window=window, settings=settings, model_options=model_options,
                     after_fit=_offset_refit(family, model, fit_name, prep, model_options, settings, window))
