"""The base class of every sigmafit model: an :class:`lmfit.Model` with its parameter table.

Each model declares, once, a table of :class:`Param` rows (name, unit, default, the
bounds the *mathematics* requires, description) and optional :class:`Derived` rows
(lmfit constraint expressions, so their uncertainties propagate).  The CLI listing
(``sigmafit models``), the JSON units and the report labels all read that table.

A model class sets:

``name``        registry name (``"hln"``, ``"drude"``, …)
``family``      ``"magnetoconductance"``, ``"temperature"``, ``"optics"`` or ``"background"``
``physics``     one line of physics for listings
``reference``   literature reference of the formula
``x``, ``y``    canonical DataFrame columns it fits (``field_T`` → ``delta_sigma_S`` …)
``params_table`` / ``derived_table``
``reference_values``  independent reference values (:class:`Reference`), checked by one generic test
``function``    a ``staticmethod`` whose first argument is the independent variable
                and whose other arguments are the table's parameters, in the table's units

and may override :meth:`SigmafitModel._guess` (start values from data),
:meth:`SigmafitModel.diagnose` (model-specific reasons not to trust a fit) and
:meth:`SigmafitModel.characteristic_x` (scale for automatic fit windows).
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping

import lmfit
import numpy as np


@dataclass(frozen=True)
class Param:
    """One row of a model's parameter table.

    ``min``/``max`` are the bounds the mathematics requires (a length is > 0), not
    opinions about typical values.  ``vary=False`` marks a parameter that is fixed by
    default (geometry such as a wire width) but can be freed with ``--init``.
    """

    name: str
    unit: str
    default: float
    min: float = -math.inf
    max: float = math.inf
    description: str = ""
    vary: bool = True
    #: how a reader sees the name in reports and figures (unicode, e.g. "L_φ", "τ_φ", "ε_∞"); default: ``name``
    symbol: str = ""
    #: a value consistent with zero is an answer, not a failure (offsets, pickups, backgrounds): no "not
    #: determined" warning when its error exceeds its value
    zero_ok: bool = False


@dataclass(frozen=True)
class Derived:
    """A derived quantity as an lmfit expression of the parameters (errors propagate)."""

    name: str
    expr: str
    unit: str
    description: str = ""
    #: display name (see :attr:`Param.symbol`)
    symbol: str = ""


@dataclass(frozen=True)
class Reference:
    """An independent reference value of a model (the sasmodels habit: each model carries its own).

    ``params`` (table units, every parameter the function takes) evaluated at ``x`` must give ``y``
    within ``rtol``/``atol``.  ``source`` says where the numbers come from — a PHYSICS.md table, a
    limit, a hand or 40-digit calculation — never this code's own output.  ``options`` go to the
    model's constructor (e.g. ``{"observable": "eps"}``).  One generic test runs them all.
    """

    params: Mapping[str, float]
    x: tuple[float, ...]
    y: tuple[float, ...]
    source: str
    rtol: float = 1e-10
    atol: float = 0.0
    options: Mapping[str, Any] = field(default_factory=dict)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _NumpyArithmetic(ast.NodeTransformer):
    """``a / b`` → ``divide(a, b)`` and ``a ** b`` → ``power(a, b)`` (numpy's, in lmfit's interpreter)."""

    _CALLS = {ast.Div: "divide", ast.Pow: "power"}

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        fn = self._CALLS.get(type(node.op))
        if fn is None:
            return node
        return ast.copy_location(ast.Call(ast.Name(fn, ast.Load()), [node.left, node.right], []), node)


def safe_expr(expr: str) -> str:
    """``expr`` with its divisions and powers done by numpy, so that a parameter at 0 or a huge one gives a
    derived ``inf`` instead of a ``ZeroDivisionError``/``OverflowError`` raised by Python floats (a length fitted
    to its bound 0, ``--fix beta=0``).  Uncertainties still propagate: lmfit evaluates the same text."""
    return ast.unparse(_NumpyArithmetic().visit(ast.parse(expr, mode="eval")))


def inside_bounds(p: Param, value: float) -> float:
    """``value`` clipped into the bounds of ``p``; a value on a bound becomes the default (when that lies
    strictly inside), so that a fit started there can move."""
    v = float(np.clip(value, p.min, p.max))
    if v == p.min or v == p.max:
        v = p.default if p.min < p.default < p.max else v
    return v


class TableMethod:
    """Like ``classmethod``, but bound to the instance when called on one.

    Models that build their parameter tables per instance (N-oscillator optics models, the measurement
    model) wrap ``units``/``symbols``/``describe`` in it: on the class they read the class tables (what
    the report and the ``sigmafit models`` listing look up by name), on an instance the instance's.
    """

    def __init__(self, func):
        self.func = func
        self.__doc__ = func.__doc__

    def __get__(self, obj, cls):
        target = cls if obj is None else obj
        return lambda *a, **k: self.func(target, *a, **k)


class SigmafitModel(lmfit.Model):
    """Base class: an lmfit Model whose parameters come from a declared table."""

    name: ClassVar[str] = ""
    family: ClassVar[str] = ""
    physics: ClassVar[str] = ""
    reference: ClassVar[str] = ""
    x: ClassVar[str] = ""
    y: ClassVar[str] = ""
    params_table: ClassVar[tuple[Param, ...]] = ()
    derived_table: ClassVar[tuple[Derived, ...]] = ()
    #: independent reference values of :attr:`function` (see :class:`Reference`)
    reference_values: ClassVar[tuple[Reference, ...]] = ()
    #: x-axis scale for figures of this model ("linear" or "log").
    plot_xscale: ClassVar[str] = "linear"
    #: a background term c·x^p: its power p (offset 0, quadratic 2), so other models' start values allow for it
    background_power: ClassVar[int | None] = None
    #: :meth:`_guess` takes ``background`` (powers of the background terms fitted beside the model)
    guess_allows_background: ClassVar[bool] = False

    def __init__(self, prefix: str = "", nan_policy: str = "raise", **kwargs: Any):
        kwargs.setdefault("name", self.name or type(self).__name__)
        super().__init__(self.function, prefix=prefix, nan_policy=nan_policy, **kwargs)
        own = {p.name for p in self.params_table}
        missing = set(self._param_root_names) ^ own
        if missing:
            raise TypeError(f"{type(self).__name__}: parameter table and function disagree on {sorted(missing)}")
        for p in self.params_table:
            self.set_param_hint(p.name, value=p.default, min=p.min, max=p.max, vary=p.vary)
        for d in self.derived_table:
            self.set_param_hint(d.name, expr=self._prefixed(safe_expr(d.expr), own))

    # -- subclasses provide ---------------------------------------------------
    @staticmethod
    def function(x, *args):  # pragma: no cover - abstract
        raise NotImplementedError

    def _guess(self, y: np.ndarray, x: np.ndarray) -> dict[str, float]:
        """Start values from data (table units).  Default: the table's defaults."""
        return {}

    def diagnose(self, params: lmfit.Parameters, x: np.ndarray) -> list[str]:
        """Model-specific reasons not to trust ``params`` fitted on ``x`` (sentences)."""
        return []

    def default_weights(self, x: np.ndarray, y: np.ndarray) -> np.ndarray | None:
        """Weights used when the user gives none (e.g. 1/|y| for data spanning decades); None = equal."""
        return None

    def relative_weights(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """1/|y| floored at 10⁻³ of the median |y|: every point counts by its relative deviation."""
        a = np.abs(np.asarray(y, dtype=float))
        floor = 1e-3 * float(np.median(a[np.isfinite(a)])) if np.isfinite(a).any() else 1.0
        return 1.0 / np.maximum(a, floor if floor > 0 else 1e-300)

    def data_parts(self) -> int | None:
        """How many values of y the model takes per x value (σ1+σ2 stacked: 2); None when it is not fixed."""
        return 1

    def characteristic_x(self, params: lmfit.Parameters) -> float | None:
        """Scale of the model's feature in x units (e.g. B_φ), for automatic windows."""
        return None

    # -- shared machinery -----------------------------------------------------
    def _prefixed(self, expr: str, names: set[str]) -> str:
        if not self.prefix:
            return expr
        return _NAME.sub(lambda m: self.prefix + m.group(0) if m.group(0) in names else m.group(0), expr)

    @property
    def independent(self) -> str:
        """Name of the independent variable of :attr:`function`."""
        return self.independent_vars[0]

    def guess(self, data, x=None, *, background: tuple[int, ...] = (), **kwargs) -> lmfit.Parameters:
        """Parameters with start values estimated from ``data`` at ``x`` (lmfit protocol).

        Start values are clipped into the bounds; keyword arguments override them.  ``background``: powers of
        the c·x^p terms fitted beside this model (:func:`background_powers`), which the estimate allows for.
        """
        y = np.asarray(data, dtype=float)
        xv = np.asarray(x, dtype=float) if x is not None else np.arange(y.size, dtype=float)
        params = self.make_params()
        for name, v in self.guess_values(y, xv, background).items():
            params[self.prefix + name].set(value=v)
        return lmfit.models.update_param_vals(params, self.prefix, **kwargs)

    def guess_values(self, y: np.ndarray, x: np.ndarray, background: tuple[int, ...] = ()) -> dict[str, float]:
        """Start values (unprefixed names, table units) of the varying parameters, from the finite points of
        (x, y), each kept strictly inside its bounds (:func:`inside_bounds`); ``background`` as in :meth:`guess`."""
        y = np.asarray(y, dtype=float)
        x = np.asarray(x, dtype=float)
        ok = np.isfinite(y) & np.isfinite(x)
        extra = {"background": tuple(background)} if background and self.guess_allows_background else {}
        values = self._guess(y[ok], x[ok], **extra) if ok.sum() >= 3 else {}
        out = {}
        for p in self.params_table:
            if p.name in values and np.isfinite(values[p.name]) and p.vary:
                out[p.name] = inside_bounds(p, float(values[p.name]))
        return out

    @classmethod
    def units(cls) -> dict[str, str]:
        """Unit of every parameter and derived quantity (unprefixed names)."""
        out = {p.name: p.unit for p in cls.params_table}
        out.update({d.name: d.unit for d in cls.derived_table})
        return out

    @classmethod
    def symbols(cls) -> dict[str, str]:
        """Display name of every parameter and derived quantity (unprefixed names): the row's ``symbol``,
        else the package's table (:mod:`sigmafit.models.symbols`), else the name."""
        from .symbols import symbol

        rows = (*cls.params_table, *cls.derived_table)
        return {r.name: r.symbol or symbol(r.name) for r in rows}

    @classmethod
    def describe(cls) -> str:
        """Multi-line text for ``sigmafit models``: physics, columns, parameter table."""
        lines = [f"{cls.name}  [{cls.family}]  {cls.physics}"]
        if cls.x or cls.y:
            lines.append(f"  fits {cls.y} against {cls.x}")
        if cls.reference:
            lines.append(f"  reference: {cls.reference}")
        for p in cls.params_table:
            lo = "-inf" if p.min == -math.inf else f"{p.min:g}"
            hi = "inf" if p.max == math.inf else f"{p.max:g}"
            fixed = "" if p.vary else "  (fixed by default)"
            lines.append(f"  {p.name:<10} {p.unit or '-':<8} default {p.default:<10g} [{lo}, {hi}]  {p.description}{fixed}")
        for d in cls.derived_table:
            lines.append(f"  {d.name:<10} {d.unit or '-':<8} derived = {d.expr}  {d.description}")
        return "\n".join(lines)


class RelativeWeights:
    """Mixin (before :class:`SigmafitModel` and :class:`~sigmafit.models.joint.ColumnData` in the bases): data that
    span decades are weighted 1/|y| by default.  These weights are no estimate of the noise, so a fit with them
    does not read χ²_ν as a goodness of fit."""

    default_weights_estimate_noise: ClassVar[bool] = False

    def default_weights(self, x, y):
        """relative weights 1/|y|: the data span decades, so each point counts by its relative error"""
        with np.errstate(divide="ignore", invalid="ignore"):
            w = 1.0 / np.abs(np.asarray(y, dtype=float))
        return np.where(np.isfinite(w), w, np.nan)


def components(model: lmfit.Model) -> list[lmfit.Model]:
    """The leaf models of ``model`` (itself, or the parts of an lmfit CompositeModel)."""
    return list(getattr(model, "components", [model]))


def independent_kwargs(model: lmfit.Model, x, extra: Mapping[str, Any] | None = None) -> dict:
    """``{name: values}`` for every independent variable of ``model``: ``extra[name]`` where given, else ``x``.

    A composite of a sigmafit model (independent variable ``B``, ``T`` or ``nu``) and one of lmfit's own models
    (``x``) has both names; both receive ``x``.  A model with a second kind of independent variable (the
    measurement model's ``channel``) takes it from ``extra``.
    """
    extra = extra or {}
    return {str(v): extra[str(v)] if str(v) in extra else x for v in model.independent_vars}


def param_units(model: lmfit.Model) -> dict[str, str]:
    """Prefixed parameter name → unit, over every sigmafit component of ``model``."""
    out: dict[str, str] = {}
    for comp in components(model):
        if isinstance(comp, SigmafitModel):
            out.update({comp.prefix + k: v for k, v in comp.units().items()})
    return out


def zero_ok_names(model: lmfit.Model) -> set[str]:
    """Prefixed names of parameters whose value may be consistent with zero (:attr:`Param.zero_ok`)."""
    out: set[str] = set()
    for comp in components(model):
        if isinstance(comp, SigmafitModel):
            out.update(comp.prefix + p.name for p in comp.params_table if p.zero_ok)
    return out


def background_powers(model: lmfit.Model) -> tuple[int, ...]:
    """Powers p of the background terms c·x^p among the components of ``model`` (offset-bg 0, quadratic-bg 2)."""
    return tuple(sorted({c.background_power for c in components(model) if getattr(c, "background_power", None) is not None}))


def derived_names(model: lmfit.Model) -> set[str]:
    """Prefixed names of derived quantities over the components of ``model``."""
    out: set[str] = set()
    for comp in components(model):
        if isinstance(comp, SigmafitModel):
            out.update(comp.prefix + d.name for d in comp.derived_table)
    return out
