"""Options of a fit, declared once and resolved once into small frozen objects.

Every option a user can give — a Python keyword of :func:`sigmafit.fit`, a CLI flag of ``sigmafit fit`` /
``sigmafit batch``, a key of a recipe's ``[[fit]]`` table — has the same name everywhere and lands in one of
three objects, built by one function each from a plain mapping:

* :class:`Window` — which points are fitted (``xmin``, ``xmax``, ``bmax``, ``window_factor``);
* :class:`FitSettings` — how they are fitted (``fix``, ``init``, ``background``, ``loss``, ``method``,
  ``weights``, ``share`` …);
* :class:`Preparation` — how a file becomes curves (geometry, ``by``, ``symmetrize``, ``field_offset`` …).

The choices of string options are :data:`typing.Literal` types declared here; argparse ``choices`` and the
recipe checks read the same ones (:func:`choices`).  Defaults live in the dataclass fields and nowhere else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, Literal, Mapping, get_args

from ..exceptions import FitError

Loss = Literal["linear", "soft_l1", "huber", "cauchy", "arctan"]
#: Terms added to a Δσ model: the classical c₂B² (``quadratic``), a free constant (``offset``: a user's Δσ referenced
#: to a measured reading, not to σ(0)), or both.
Background = Literal["quadratic", "offset", "quadratic+offset"]
Engine = Literal["auto", "vectorized", "lmfit"]
GeometryKind = Literal["hallbar", "vdp", "sheet"]
#: Weighting schemes by name (any other string names a data column of per-point uncertainties or weights).
Weighting = Literal["none", "relative"]

#: Default automatic window: |x| ≤ WINDOW_FACTOR × the model's characteristic scale (B_φ).
WINDOW_FACTOR = 10.0
#: A window holding fewer points than this is refused (and the points must outnumber the free parameters).
MIN_POINTS = 3


#: The x quantity of each model family (for window options given with a unit).
FAMILY_QUANTITY = {"magnetoconductance": "field", "carriers": "field", "temperature": "temperature", "heat": "temperature",
                   "optics": "spectral"}
#: Options whose value is a quantity, and which quantity (None: the x quantity of the model's family).
QUANTITY_OPTIONS = {"xmin": None, "xmax": None, "bmax": "field", "field_offset": "field", "tmin": "temperature",
                    "tmax": "temperature"}


def quantity_value(text, quantity: str | None, option: str):
    """A number in the option's canonical unit from a number or a text with a unit (``"500mT"``, ``"4eV"``,
    ``"300mK"``; :func:`sigmafit.io.units.parse_option`).  ``"auto"`` and numbers pass through; without a known
    quantity a text must be a bare number."""
    if text is None or text == "auto" or not isinstance(text, str):
        return text
    if quantity is not None:
        from ..io.units import parse_option

        return parse_option(text, quantity, option)
    try:
        return float(text)
    except ValueError:
        raise FitError(f"{option} expects a number, not {text!r}") from None


def with_quantities(options: Mapping[str, Any], family: str) -> dict[str, Any]:
    """``options`` with every quantity option (window, temperature range, field offset) converted to its unit.

    A spectral window in wavelengths reverses on the way to wavenumbers (cm⁻¹ ∝ 1/λ): ``--xmin 390nm`` is an upper
    limit in cm⁻¹ (:func:`sigmafit.io.units.spectral_window`).
    """
    out = dict(options)
    spectral = FAMILY_QUANTITY.get(family) == "spectral"
    for key, quantity in QUANTITY_OPTIONS.items():
        if out.get(key) is not None and not (spectral and key in ("xmin", "xmax")):
            out[key] = quantity_value(out[key], quantity or FAMILY_QUANTITY.get(family), f"--{key.replace('_', '-')}")
    if spectral and (out.get("xmin") is not None or out.get("xmax") is not None):
        from ..io.units import spectral_window

        out["xmin"], out["xmax"] = spectral_window(out.get("xmin"), out.get("xmax"))
    return out


def choices(literal) -> tuple[str, ...]:
    """The allowed strings of a ``Literal`` option type (for argparse ``choices`` and recipe checks)."""
    return tuple(get_args(literal))


def _check_choice(value, literal, option: str):
    if value is not None and value not in get_args(literal):
        raise FitError(f"{option} must be one of {', '.join(get_args(literal))}, not {value!r}")
    return value


def _number(value, option: str, *, positive: bool = False, infinite: bool = False) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise FitError(f"{option} must be a number, not {value!r}") from None
    if math.isnan(v) or (math.isinf(v) and not infinite):
        raise FitError(f"{option} must be a finite number, not {value!r}")
    if positive and v <= 0:
        raise FitError(f"{option} must be > 0, not {value!r}")
    return v


def _assignments(mapping, option: str) -> dict[str, float]:
    """``{name: value}`` with finite float values (``NAME[LABEL]`` keys name one curve of a global fit)."""
    out: dict[str, float] = {}
    for name, value in dict(mapping or {}).items():
        v = _number(value, f"{option} {name}", infinite=True)
        out[str(name).strip()] = v
    return out


@dataclass(frozen=True)
class Window:
    """Which points are fitted, in the x column's canonical unit (T, K or cm⁻¹).

    ``xmin``/``xmax`` bound x; ``bmax`` bounds |x| (a field in T), or ``"auto"``: iterate
    |B| ≤ ``factor``·B_φ to convergence (models with a characteristic field only).
    """

    xmin: float | None = None
    xmax: float | None = None
    bmax: float | Literal["auto"] | None = None
    factor: float = WINDOW_FACTOR

    def __post_init__(self) -> None:
        for name in ("xmin", "xmax"):
            object.__setattr__(self, name, _number(getattr(self, name), f"--{name}"))
        if self.bmax != "auto":
            if isinstance(self.bmax, str):
                raise FitError(f"--bmax must be a field in T or 'auto', not {self.bmax!r}")
            object.__setattr__(self, "bmax", _number(self.bmax, "--bmax", positive=True))
        object.__setattr__(self, "factor", _number(self.factor, "window_factor", positive=True))
        if self.xmin is not None and self.xmax is not None and self.xmin >= self.xmax:
            raise FitError(f"the window is empty: --xmin {self.xmin:g} is not below --xmax {self.xmax:g}")

    @property
    def auto(self) -> bool:
        return self.bmax == "auto"

    def mask(self, x, limit: float | None = None):
        """True where xmin ≤ x ≤ xmax and |x| ≤ bmax (or ≤ ``limit`` for the automatic window)."""
        import numpy as np

        x = np.asarray(x, dtype=float)
        m = np.ones(x.shape, dtype=bool)
        if self.xmin is not None:
            m &= x >= self.xmin
        if self.xmax is not None:
            m &= x <= self.xmax
        absmax = limit if self.auto else self.bmax
        if absmax is not None:
            m &= np.abs(x) <= absmax
        return m

    def describe(self, x_name: str) -> dict[str, Any]:
        """The ``window`` record of a result: limits and how they were chosen."""
        out: dict[str, Any] = {"x": x_name, "min": self.xmin, "max": self.xmax}
        if self.bmax is not None and not self.auto:
            out["abs_max"] = self.bmax
            out["how"] = f"|{x_name}| ≤ {self.bmax:g} (given)"
        elif self.xmin is not None or self.xmax is not None:
            out["how"] = "given"
        else:
            out["how"] = "all data"
        return out


@dataclass(frozen=True)
class FitSettings:
    """How a curve is fitted: fixed and start values, background, loss, method, weights, shared parameters.

    ``fix``/``init`` map parameter names to values in the model's table units; in a global fit a key
    ``NAME[LABEL]`` acts on the curve whose label is LABEL only.  ``weights``: None (the model's default),
    ``"none"``, ``"relative"``, a column name (per-point 1σ uncertainties of y: the fit weights by 1/σ and checks
    χ²_ν) or an array (weights).
    """

    fix: Mapping[str, float] = field(default_factory=dict)
    init: Mapping[str, float] = field(default_factory=dict)
    background: Background | None = None
    #: minimizer; None: the model's preferred one (lmfit's leastsq unless the model says otherwise)
    method: str | None = None
    loss: Loss = "linear"
    conf_interval: bool = False
    max_nfev: int | None = None
    weights: Any = None
    x: str | None = None
    y: str | None = None
    share: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "fix", _assignments(self.fix, "--fix"))
        object.__setattr__(self, "init", _assignments(self.init, "--init"))
        _check_choice(self.background, Background, "--background")
        _check_choice(self.loss, Loss, "--loss")
        object.__setattr__(self, "share", tuple(self.share or ()))
        if self.max_nfev is not None and int(self.max_nfev) < 1:
            raise FitError(f"max_nfev must be ≥ 1, not {self.max_nfev!r}")

    @property
    def robust(self) -> bool:
        return bool(self.loss) and self.loss != "linear"


@dataclass(frozen=True)
class Preparation:
    """How a loaded file becomes the curves a model fits.

    ``sample_mass_mg``/``sample_mass_err_mg``/``molar_mass_g_per_mol`` turn a sample's heat capacity into a molar
    one; ``hall_channel`` picks the Hall channel where the file's roles do not say; ``transform`` fits raw R(B)
    through the transform path (Δσ) instead of the measurement model of the raw readings.  ``geometry`` (a :class:`sigmafit.prepare.Geometry`) converts R to sheet quantities; ``by`` makes one curve
    per value of a column (default: per temperature set point when a file holds several); ``symmetrize`` and
    ``field_offset`` (``"auto"``: estimated from the symmetry of R(B); a number in T; 0 keeps the fields as read;
    ``{set point: B0 in T}`` gives each curve its own, as the field-offset propagation does) apply to the
    magnetoconductance transform path and to Hall curves; ``channel`` picks an instrument channel; ``tmin``/``tmax``
    (K) restrict temperature data; ``format`` and ``load_options`` go to :func:`sigmafit.load`.
    """

    geometry: Any = None
    by: str | None = None
    symmetrize: bool = True
    field_offset: float | Literal["auto"] | Mapping[float, float] = "auto"
    channel: int | None = None
    tmin: float | None = None
    tmax: float | None = None
    format: str | None = None
    load_options: Mapping[str, Any] = field(default_factory=dict)
    #: heat capacity of a sample (J/K) → molar (J/(mol K)): sample mass (mg), its error, molar mass (g/mol)
    sample_mass_mg: float | None = None
    sample_mass_err_mg: float | None = None
    molar_mass_g_per_mol: float | None = None
    hall_channel: int | None = None
    #: raw R(B): fit Δσ from the transform path (symmetrize → σ → Δσ) instead of the measurement model
    transform: bool = False

    def __post_init__(self) -> None:
        for name in ("sample_mass_mg", "molar_mass_g_per_mol"):
            object.__setattr__(self, name, _number(getattr(self, name), f"--{name.split('_g_')[0].replace('_', '-')}", positive=True))
        if isinstance(self.field_offset, Mapping):
            object.__setattr__(self, "field_offset", {float(k): float(v) for k, v in self.field_offset.items()})
        elif self.field_offset != "auto":
            if isinstance(self.field_offset, str):
                raise FitError(f"--field-offset must be a field in T or 'auto', not {self.field_offset!r}")
            object.__setattr__(self, "field_offset", _number(self.field_offset, "--field-offset"))
        if self.field_offset is None:
            object.__setattr__(self, "field_offset", "auto")
        for name in ("tmin", "tmax"):
            object.__setattr__(self, name, _number(getattr(self, name), f"--{name}"))
        if self.tmin is not None and self.tmax is not None and self.tmin >= self.tmax:
            raise FitError(f"the temperature window is empty: --tmin {self.tmin:g} is not below --tmax {self.tmax:g}")
        object.__setattr__(self, "load_options", {k: v for k, v in dict(self.load_options or {}).items() if v is not None})


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs: where results go (``out``; a folder holding a run with other settings is refused unless
    ``replace``), whether each curve starts from the previous one's result (``seed_from_previous``), the
    ``engine``, local ``workers`` or a Dask ``scheduler``, ``progress`` (None: a bar on a terminal) and
    ``chunk_size`` (curves per stored chunk)."""

    out: Any = None
    seed_from_previous: bool = False
    engine: Engine = "auto"
    workers: int | None = None
    scheduler: Any = None
    progress: bool | None = None
    chunk_size: int | None = None
    replace: bool = False

    def __post_init__(self) -> None:
        _check_choice(self.engine, Engine, "engine")
        if self.workers is not None and int(self.workers) < 1:
            raise FitError(f"workers must be ≥ 1, not {self.workers}")
        if self.chunk_size is not None and int(self.chunk_size) < 1:
            raise FitError(f"chunk_size must be ≥ 1, not {self.chunk_size}")


def _names(cls) -> set[str]:
    return {f.name for f in fields(cls)}


#: Option names that build each object (``window_factor`` is Window.factor).
WINDOW_KEYS = {"xmin", "xmax", "bmax", "window_factor"}
SETTINGS_KEYS = _names(FitSettings)
BATCH_KEYS = {"out", "seed_from_previous", "engine", "workers", "scheduler", "progress", "chunk_size", "replace"}
GEOMETRY_KEYS = {"geometry", "width_um", "length_um", "thickness_nm"}
PREPARATION_KEYS = (_names(Preparation) - {"load_options"}) | GEOMETRY_KEYS | {"x_unit", "y_unit", "run"}


def window_from(options: Mapping[str, Any]) -> Window:
    """A :class:`Window` from plain options (``xmin``, ``xmax``, ``bmax``, ``window_factor``)."""
    kw = {k: options[k] for k in ("xmin", "xmax", "bmax") if options.get(k) is not None}
    if options.get("window_factor") is not None:
        kw["factor"] = options["window_factor"]
    return Window(**kw)


def settings_from(options: Mapping[str, Any]) -> FitSettings:
    """A :class:`FitSettings` from plain options (unset values keep their defaults)."""
    return FitSettings(**{k: v for k, v in options.items() if k in SETTINGS_KEYS and v is not None})


def geometry_from(options: Mapping[str, Any]):
    """A :class:`~sigmafit.prepare.Geometry` from ``geometry`` (kind or Geometry), ``width_um``, ``length_um``,
    ``thickness_nm``; None when nothing is given.  One sentence naming the clash otherwise."""
    from ..prepare.geometry import Geometry

    geo = options.get("geometry")
    if isinstance(geo, Geometry):
        return geo
    w, length, t = options.get("width_um"), options.get("length_um"), options.get("thickness_nm")
    if geo is not None and geo not in get_args(GeometryKind):
        raise FitError(f"geometry must be one of {', '.join(get_args(GeometryKind))}, not {geo!r}")
    if geo in ("vdp", "sheet") and (w is not None or length is not None):
        raise FitError(f"give only one geometry, not {geo} and a Hall bar width/length")
    try:
        if geo in ("vdp", "sheet"):
            return Geometry(kind=geo, thickness_nm=t)
        if w is not None or length is not None or geo == "hallbar":
            if w is None or length is None:
                raise FitError("a Hall bar needs both --width and --length (µm; width_um and length_um in Python and recipes)")
            return Geometry(kind="hallbar", width_um=float(w), length_um=float(length), thickness_nm=t)
    except ValueError as exc:
        raise FitError(str(exc)) from None
    if t is not None:
        raise FitError("a thickness alone is not a geometry: give a Hall bar width and length, vdp or sheet as well")
    return None


def preparation_from(options: Mapping[str, Any]) -> Preparation:
    """A :class:`Preparation` from plain options (geometry keys as in :func:`geometry_from`)."""
    kw = {k: options[k] for k in _names(Preparation) - {"geometry", "load_options"} if options.get(k) is not None}
    load = dict(options.get("load_options") or {})
    load.update({k: options[k] for k in ("x_unit", "y_unit", "run") if options.get(k) is not None})
    return Preparation(geometry=geometry_from(options), load_options=load, **kw)


def batch_from(options: Mapping[str, Any]) -> BatchOptions:
    """A :class:`BatchOptions` from plain options."""
    return BatchOptions(**{k: v for k, v in options.items() if k in BATCH_KEYS and v is not None})


def split_options(options: Mapping[str, Any]) -> tuple[Window, FitSettings, dict[str, Any]]:
    """(Window, FitSettings, the rest) from flat keyword options: the rest are model-constructor options."""
    rest = {k: v for k, v in options.items() if k not in WINDOW_KEYS | SETTINGS_KEYS}
    return window_from(options), settings_from(options), rest


def fingerprint(window: Window, settings: FitSettings, **extra: Any) -> dict[str, Any]:
    """Plain, JSON-able record of a fit's settings (for curve ids and for comparing batch runs)."""
    import numpy as np

    out: dict[str, Any] = {"window": {f.name: getattr(window, f.name) for f in fields(window)}}
    s = {}
    for f in fields(settings):
        v = getattr(settings, f.name)
        if isinstance(v, np.ndarray):
            v = {"array": [float(a) for a in v]}
        elif isinstance(v, tuple):
            v = list(v)
        elif isinstance(v, Mapping):
            v = dict(v)
        s[f.name] = v
    out["settings"] = s
    out.update({k: v for k, v in extra.items() if v is not None})
    return out
