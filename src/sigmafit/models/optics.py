"""Optical-conductivity models: Drude, two-Drude, Drude–Smith, Drude–Lorentz, Lorentz.

One dielectric function, any observable: every model takes ``observable=`` in its constructor
and fits that quantity against ν (cm⁻¹, column ``wavenumber_cm-1``) — σ1, σ1+σ2, ε, n,k, the
bulk reflectance, or the transmission / reflectance of a film on a substrate (observables, data
layout and the default weights: :mod:`sigmafit.models.optical_observables`; start values:
:mod:`sigmafit.models.guess.optics`)::

    m = DrudeModel(observable="nk")
    x, y, _ = stack_observable(df, "nk")
    res = m.fit(y, m.guess(y, x=x), nu=x, weights=m.default_weights(x, y))

Which σ2?  Inside the model σ is the conduction part measured from ε∞ (DESIGN.md §3:
ε = ε∞ + iZσ/ν).  Data σ2 converted from ε with ``sigmafit.prepare.optics`` defaults is
referred to vacuum, σ2 = ν(1 − ε1)/Z, so the ``sigma`` observable defaults to
``sigma_reference="vacuum"``: the model returns −iν(ε − 1)/Z and ε∞ is fitted from σ2.  With
``sigma_reference="eps_inf"`` it returns the conduction σ and ``eps_inf`` is fixed; it is also
fixed for ``sigma1``, which does not depend on it.  Where it is fitted, ε∞ ≥ 1 (a real material
adds polarizable charge to vacuum); ``eps_inf_min=`` or an explicit bound on the parameter
widens that.

Units: every frequency parameter (``wp``, ``gamma``, ``nu0j`` …) in cm⁻¹; ``sigma0`` in S/cm,
``tau`` in fs, ``rho_dc`` in µΩ·cm, ``hbar_wp`` in eV, ``n_over_m`` in cm⁻³ (carriers per
cm³ per electron mass of m*); film thickness in nm, substrate thickness in mm.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import lmfit
import numpy as np

from ..constants import Z_OPT
from ..exceptions import DataFormatError, ModelOptionError
from . import optics_diagnostics as D
from . import optics_terms as T
from .base import Derived, Param, Reference, SigmafitModel, TableMethod
from .formulas import optics as F
from .guess import optics as G
from .optical_observables import (
    FILM_OBSERVABLES,
    OBSERVABLE_COLUMNS,
    OBSERVABLES,
    FilmStack,
    Observable,
    SigmaReference,
    best_observable,
    check_data,
    check_observable,
    error_weights,
    observe,
    relative_weights,
    sigma_from_data,
    split_observable,
    stack_observable,
)
from .registry import register

__all__ = [
    "OBSERVABLES",
    "OBSERVABLE_COLUMNS",
    "DrudeLorentzModel",
    "DrudeModel",
    "DrudeSmithModel",
    "FilmStack",
    "LorentzModel",
    "OpticsModel",
    "TwoDrudeModel",
    "best_observable",
    "observe",
    "sigma_from_data",
    "split_observable",
    "stack_observable",
]

GAMMA_MIN = G.GAMMA_MIN
#: Observables measured as a photometric ratio R ∈ [0, 1]: their noise is constant (a detector's, a reference
#: mirror's), not relative, so their default weights are equal (1/|y| would weigh the noisy plasma minimum most
#: and quote errors of ω_p and ε∞ 2–3× too small; docs/optics.md "Calibration, measured").
EQUAL_WEIGHT_OBSERVABLES = ("reflectance", "film_reflectance")
EQUAL_WEIGHTS = "equal: a reflectance's noise is constant, not relative (docs/optics.md)"
#: Which observables fit ε∞ (stated by ``describe()`` for every optics model).
EPS_INF_RULE = ("fixed when fitting sigma1 (invisible there) or sigma with sigma_reference='eps_inf'; "
                "fitted, ≥ eps_inf_min (default 1), for sigma, eps, nk, reflectance, transmission, film_reflectance")


def _describe(target) -> str:
    """``SigmafitModel.describe`` with the observable, the default weights and the ε∞ rule stated."""
    lines = SigmafitModel.describe.__func__(target).splitlines()
    obs = getattr(target, "observable", None)
    out = []
    for ln in lines:
        if ln.lstrip().startswith("eps_inf "):
            here = "" if obs is None else f"; here (observable {obs!r}): {'fitted' if _eps_inf_varies(target) else 'fixed'}"
            ln = ln.replace("  (fixed by default)", "") + f"  ({EPS_INF_RULE}{here})"
        if ln.lstrip().startswith("fits ") and obs is not None:
            ln = ln.replace(f"fits {target.y} ", f"fits {'+'.join(target.y_columns)} ")
        out.append(ln)
        if ln.lstrip().startswith("fits "):
            film = getattr(target, "film", None)
            out.append(f"  observables: {', '.join(OBSERVABLES)} (observable=…; default sigma1)"
                       if obs is None else f"  observable {obs!r}" + (f": {film.describe()}" if film else ""))
            out.append("  default weights: equal for reflectance, else relative, 1/|y| point by point (docs/optics.md)"
                       if obs is None else "  default weights: " + ("equal (constant noise of R)" if obs in EQUAL_WEIGHT_OBSERVABLES
                                                                    else "relative, 1/|y| point by point") + " (docs/optics.md)")
    return "\n".join(out)


def _eps_inf_varies(target) -> bool:
    return next(p.vary for p in target.params_table if p.name == "eps_inf")


# --- the models ---------------------------------------------------------------------------


class OpticsModel(SigmafitModel):
    """Common machinery of the optics family (not registered).

    Subclasses set ``kind`` and the class-level tables (for the default configuration);
    the constructor rebuilds tables and the model function for ``observable``,
    ``n_oscillators``, the ε∞ bound and the film.  Film options (``transmission``,
    ``film_reflectance``): ``thickness_nm``, ``substrate_n`` or ``substrate_nk``,
    ``substrate_thickness_mm``, ``reference``, ``method`` (see :class:`FilmStack`), or ``film=``.
    """

    family = "optics"
    x = "wavenumber_cm-1"
    y = "sigma1_S_per_cm"
    kind: ClassVar[str] = ""
    default_oscillators: ClassVar[int] = 0

    def __init__(self, observable: Observable = "sigma1", *, n_oscillators: int | None = None,
                 sigma_reference: SigmaReference = "vacuum", eps_inf_min: float = 1.0, prefix: str = "", **options: Any):
        check_observable(observable)
        if sigma_reference not in ("eps_inf", "vacuum"):
            raise ValueError(f"sigma_reference must be 'eps_inf' or 'vacuum', got {sigma_reference!r}")
        if isinstance(eps_inf_min, bool) or not isinstance(eps_inf_min, (int, float)) or not (0 <= eps_inf_min < math.inf):
            raise ValueError(f"eps_inf_min must be a number ≥ 0, got {eps_inf_min!r}")
        n = self.default_oscillators if n_oscillators is None else n_oscillators
        if not self.default_oscillators and n:
            raise ValueError(f"{self.name} has no oscillators; n_oscillators must be 0 or None, got {n_oscillators!r}")
        if self.default_oscillators and (isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1):
            raise ValueError(f"n_oscillators must be an integer >= 1, got {n_oscillators!r}")
        given = [k for k in (*FilmStack.OPTIONS, "film") if k in options]
        if given and observable not in FILM_OBSERVABLES:
            raise ModelOptionError(f"film options apply to the observables {list(FILM_OBSERVABLES)}, not to {observable!r}")
        film = FilmStack.from_options(options)
        if observable in FILM_OBSERVABLES and film is None:
            raise ModelOptionError(f"observable {observable!r} needs the film: its thickness (thickness_nm=…, nm) and the "
                                   "substrate (substrate_n=… or substrate_nk=…)")
        self.observable = observable
        self.sigma_reference = sigma_reference
        self.n_oscillators = int(n)
        self.film = film
        self.y_columns = OBSERVABLE_COLUMNS[observable]
        self.y = self.y_columns[0]
        varies = observable != "sigma1" and not (observable == "sigma" and sigma_reference == "eps_inf")
        table = self._tables(self.n_oscillators)
        self.params_table = tuple(T.eps_inf_param(varies, float(eps_inf_min)) if p.name == "eps_inf" else p for p in table[0])
        self.derived_table = table[1]
        self.function = T.OpticsFunction(self.kind, self.n_oscillators, observable, sigma_reference, film)
        super().__init__(prefix=prefix, **options)

    @classmethod
    def _tables(cls, n: int) -> tuple[tuple[Param, ...], tuple[Derived, ...]]:
        return cls.params_table, cls.derived_table

    units = TableMethod(SigmafitModel.units.__func__)
    describe = TableMethod(_describe)

    # -- data and weights -------------------------------------------------------------------
    def fit_data(self, df, *, x=None, y=None, weights=None) -> dict[str, Any]:
        """The arrays of a fit of ``df`` (:func:`sigmafit.fit`'s protocol): ν and the stacked observable.

        ``weights``: None — 1/error when ``df.attrs["sigmafit"]["errors"]`` names the parts' uncertainty
        columns (per-point 1σ: the fit checks χ²_ν), else none here and the fit applies
        :meth:`default_weights`; ``"none"``/``"relative"`` — none here (the fit applies the scheme); ``"part"``
        (each part divided by its RMS); one or two (``"a,b"``) uncertainty column names (per-point 1σ, weights
        1/error); or an array of the stacked length (weights as given).
        """
        xname = x or self.x
        if xname in df.columns:
            df = df.sort_values(xname, kind="stable")  # the order stack_observable returns, for every weight
        xv, yv, wv = stack_observable(df, self.observable, weighting="part" if weights == "part" else "none", x=xname)
        self._check_film_range(xv)
        yname = "+".join(self.y_columns)
        # the scheme the fit will use, for the checks of diagnose_data: "default", "relative", "none" or "given"
        self._weighting = weights if weights in (None, "relative", "none") else "given"
        out = {"x": xv, "y": yv, "weights": None, "x_name": xname, "y_name": yname, "weighted": False,
               "weights_how": None, "independent": {}}
        if weights == "part":
            out.update(weights=wv, weights_how="part")
        elif weights is None:
            found = error_weights(df, self.observable)
            if found is not None:
                out.update(weights=found[0], weighted=True, weights_how=found[1])
                self._weighting = "given"
            elif self.observable in EQUAL_WEIGHT_OBSERVABLES:
                out.update(weights_how=f"{self.name} default: {EQUAL_WEIGHTS}")
        elif isinstance(weights, str) and weights not in ("relative", "none"):
            out.update(weights=self._column_weights(df, weights), weighted=True,
                       weights_how=f"1/{weights} (per-point 1σ uncertainties of {yname})")
        elif not isinstance(weights, str):
            out.update(weights=np.asarray(weights, dtype=float), weights_how="given array")
        return out

    def _column_weights(self, df, spec: str) -> np.ndarray:
        cols = [c.strip() for c in spec.split(",")]
        if len(cols) not in (1, len(self.y_columns)) or any(c not in df.columns for c in cols):
            raise DataFormatError(f"weights={spec!r} must name {len(self.y_columns)} uncertainty column(s) of the data "
                                  f"(or 'relative', 'none'); the data has {list(df.columns)}", column=cols[0])
        err = np.concatenate([df[c].to_numpy(dtype=float) for c in (cols * len(self.y_columns))[: len(self.y_columns)]])
        if not np.all(np.isfinite(err) & (err > 0)):
            raise DataFormatError(f"uncertainty column(s) {cols} must hold values > 0", column=cols[0])
        return 1.0 / err

    def _check_film_range(self, nu) -> None:
        span = self.film.covers(nu) if self.film is not None else None
        if span is not None:
            raise DataFormatError(f"the substrate n,k table covers {span[0]:g}–{span[1]:g} cm-1 but the data reach "
                                  f"{np.min(nu):g}–{np.max(nu):g} cm-1; narrow the window (xmin/xmax)", column="wavenumber_cm-1")

    def data_parts(self) -> int:
        """One part per column of the observable (σ1: 1; σ1+σ2, ε, n,k: 2)."""
        return len(self.y_columns)

    def relative_weights(self, x, y) -> np.ndarray:
        """The "relative" scheme: 1/|y| per point and part, |y| floored by its local envelope (same length as y)."""
        return relative_weights(np.asarray(x, dtype=float), np.asarray(y, dtype=float), self.observable)

    def default_weights(self, x, y) -> np.ndarray:
        """relative weights 1/|y| for every point and part (|y| the median of that part within ±10 % in ν, at least half its largest value there and 1 % of the complex modulus): every decade of the spectrum counts alike"""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if y.size == x.size * len(self.y_columns):
            check_data(x, split_observable(y, self.observable), self.observable)
        if self.observable in EQUAL_WEIGHT_OBSERVABLES:  # photometric R: constant noise (EQUAL_WEIGHTS)
            return np.where(np.isfinite(y), 1.0, np.nan)
        return self.relative_weights(x, y)

    # -- evaluation helpers (for reports and tests) ----------------------------------
    def _values(self, params) -> dict[str, float]:
        if isinstance(params, lmfit.Parameters):
            return {name: params[self.prefix + name].value for name in self.function.names}
        return {name: float(params[name]) for name in self.function.names}

    def sigma(self, params, nu) -> np.ndarray:
        """Complex conduction σ(ν) (S/cm) for ``params`` (lmfit Parameters or a plain dict)."""
        return T.sigma(self.kind, self.n_oscillators, np.asarray(nu, dtype=float), self._values(params))

    def eps(self, params, nu) -> np.ndarray:
        """Complex ε(ν) = ε∞ + iZσ/ν."""
        v = self._values(params)
        return F.sigma_to_eps(nu, T.sigma(self.kind, self.n_oscillators, np.asarray(nu, dtype=float), v), v["eps_inf"])

    def spectral_weight(self, params, cutoff=np.inf):
        """Analytic ∫_0^Ω σ1 dν (S/cm·cm⁻¹) of the model; SUM_RULE·W(∞) = Σ ω_p²."""
        return F.model_spectral_weight(cutoff, **T.terms(self.kind, self.n_oscillators, self._values(params)))

    # -- guessing ------------------------------------------------------------------------
    def guess(self, data, x=None, **kwargs) -> lmfit.Parameters:
        """Start values from data laid out for this model's observable (module docstring of
        :mod:`~sigmafit.models.optical_observables`): the best of the starts the data support.

        Non-finite points are ignored for the estimate; values are kept inside the bounds and
        keyword arguments override them (lmfit protocol).  Data no passive sample gives (ν ≤ 0,
        R outside [0, 1], k < 0) raise :class:`~sigmafit.exceptions.DataFormatError`.
        """
        y = np.asarray(data, dtype=float)
        parts = split_observable(y, self.observable)
        nu = np.asarray(x, dtype=float) if x is not None else np.arange(1, parts[0].size + 1, dtype=float)
        if nu.shape != parts[0].shape:
            raise ValueError(f"x has {nu.size} points but the {self.observable!r} data has {parts[0].size} per part")
        ok = np.isfinite(nu) & np.all([np.isfinite(p) for p in parts], axis=0)
        check_data(nu[ok], [p[ok] for p in parts], self.observable)
        values = self._guess(np.concatenate([p[ok] for p in parts]), nu[ok]) if ok.sum() >= 3 else {}
        params = self.make_params()
        for p in self.params_table:
            if p.name in values and np.isfinite(values[p.name]) and p.vary:
                v = float(np.clip(values[p.name], p.min, p.max))
                for bound, inward in ((p.min, 1.0), (p.max, -1.0)):  # strictly inside, so that the fit can move
                    if math.isfinite(bound) and abs(v - bound) <= 1e-6 * max(1.0, abs(bound)):
                        v = bound + inward * 1e-3 * max(1.0, abs(bound))
                params[self.prefix + p.name].set(value=v)
        return lmfit.models.update_param_vals(params, self.prefix, **kwargs)

    def _guess(self, y: np.ndarray, x: np.ndarray) -> dict[str, float]:
        order = np.argsort(x, kind="stable")
        nu = x[order]
        parts = [p[order] for p in split_observable(y, self.observable)]
        starts = self._starts(nu, parts)
        defaults = {p.name: p.default for p in self.params_table}
        free = {p.name: G.search_bounds(p.name, (p.min, p.max), nu) for p in self.params_table if p.vary}
        full = [{**defaults, **{k: v for k, v in s.items() if k in defaults}} for s in starts] or [defaults]
        ys = np.concatenate(parts)
        w = self.default_weights(nu, ys)  # the cost the fit will minimize (equal weights for R)

        def residual(v):
            return (self.function(nu, **v) - ys) * w

        best = G.best_start(residual, full, free)
        return G.ordered_oscillators(best, self.n_oscillators) if self.n_oscillators else best

    def _starts(self, nu: np.ndarray, parts: list[np.ndarray]) -> list[dict[str, float]]:
        """Candidate start dicts from the data (sorted ν): the kind's estimates with ε∞ added."""
        ys = np.concatenate(parts)
        sig = sigma_from_data(ys, nu, self.observable)
        if self.observable == "reflectance":
            drude = G.reflectance_candidates(parts[0], nu)
            return [{**d, **o} for d in drude for o in self._kind_starts(np.zeros(nu.size), nu, None, drude=d)] or drude
        if sig is None:  # film observables: σ1 of the film from the thin-film formula
            sig = G.film_sigma1(nu, parts[0], self.film, self.observable)
        complex_sig = sig if np.iscomplexobj(sig) else None
        starts = self._kind_starts(np.maximum(np.real(sig), 0.0), nu, complex_sig)
        if complex_sig is not None and _eps_inf_varies(self):  # ε∞ from ε1 at the top, the model's pull added back
            eps1 = F.sigma_to_eps(nu[-1:], complex_sig[-1:], 1.0).real[0]
            for s in starts:
                pull = F.sigma_to_eps(nu[-1:], T.sigma(self.kind, self.n_oscillators, nu[-1:],
                                                      {**{p.name: p.default for p in self.params_table}, **s}), 0.0).real[0]
                s["eps_inf"] = max(self.params_table[0].min + 1e-3, float(eps1 - pull))
        return starts

    def _kind_starts(self, s1: np.ndarray, nu: np.ndarray, sig: np.ndarray | None, drude: dict | None = None) -> list[dict[str, float]]:
        """Start values of this kind from σ1 ≥ 0 at sorted ν (complex σ when measured; a Drude start for R)."""
        raise NotImplementedError  # pragma: no cover - abstract

    def _drude_starts(self, s1, nu, sig, drude) -> list[tuple[float, float]]:
        if drude is not None:
            return [(drude["wp"], drude["gamma"])]
        return G.drude_candidates(nu, s1, sig) or [(1e4, 100.0)]

    # -- diagnostics ------------------------------------------------------------------------
    def diagnose(self, params: lmfit.Parameters, x: np.ndarray) -> list[str]:
        """Reasons not to trust the fit: rates at their floor, oscillators outside the data range."""
        return D.parameter_warnings(self._values(params), np.asarray(x, dtype=float), GAMMA_MIN)

    def diagnose_data(self, params: lmfit.Parameters, x: np.ndarray, y: np.ndarray) -> list[str]:
        """Reasons in the data: a poor fit, a few points carrying the χ², a frequency-dependent scattering rate."""
        nu, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if y.size != nu.size * len(self.y_columns) or nu.size < 3:
            return []
        v = self._values(params)
        model = self.function(nu, **v)
        w = self.relative_weights(nu, y)
        how = getattr(self, "_weighting", None)  # None: the default (also for array data, which skip fit_data)
        fitted_w = {None: self.default_weights(nu, y), "relative": w, "none": np.ones(y.size)}.get(how)
        relative = how == "relative" or (how is None and self.observable not in EQUAL_WEIGHT_OBSERVABLES)  # 1/|y|
        msgs = D.fit_quality(nu, y, model, w, concentration_weights=fitted_w, relative_misfit=relative,
                             concentration=how != "given")
        if relative:
            msgs += D.noise_model_warning(nu, y, model, w)
        if self.kind == "drude":
            sig = sigma_from_data(y, nu, self.observable)
            if sig is not None and np.iscomplexobj(sig):  # the conduction σ: σ2 = ν(ε∞ − ε1)/Z from σ2 = ν(1 − ε1)/Z
                msgs += D.scattering_rate_warning(nu, sig + 1j * nu * (v["eps_inf"] - 1.0) / Z_OPT)
            msgs += D.tail_only_warning(self.observable, float(np.min(nu)), v["wp"], v["gamma"])
        if self.observable == "reflectance":
            msgs += D.reflectance_warning(y)
        return msgs


def _drude_dicts(pairs) -> list[dict[str, float]]:
    return [{"wp": wp, "gamma": g} for wp, g in pairs]


@register
class DrudeModel(OpticsModel):
    """Free carriers: ε(ν) = ε∞ − ω_p²/(ν² + iγν), σ = ω_p²/(Z(γ − iν)) (PHYSICS.md §5)."""

    name = "drude"
    kind = "drude"
    physics = "free carriers: σ(ν) = σ0/(1 − iν/γ), σ0 = ω_p²/(Zγ)"
    reference = "P. Drude, Ann. Phys. 306, 566 (1900); Dressel & Grüner, Electrodynamics of Solids, ch. 5"
    params_table = (T.eps_inf_param(False),) + T.drude_params()
    derived_table = T.drude_derived() + T.metal_derived("wp**2", T.SIGMA0.format(wp="wp", gamma="gamma"))
    function = T.OpticsFunction("drude", 0, "sigma1", "vacuum")
    reference_values = (
        Reference({"eps_inf": 1.0, "wp": 1e4, "gamma": 100.0}, (1e-9, 100.0, 300.0, 1000.0),
                  (16678.2047621110, 8339.10238105550, 1667.82047621110, 165.130740218921),
                  "PHYSICS.md §5: σ0 = 16 678.2 S/cm at ω_p = 10⁴, γ = 100 cm⁻¹; σ1 = σ0/(1 + ν²/γ²) = σ0, σ0/2, "
                  "σ0/10, σ0/101 by hand with Z = Z0/(2π), Z0 = 376.730313412 Ω (CODATA 2022)", rtol=1e-9),
        Reference({"eps_inf": 1.0, "wp": 1e4, "gamma": 100.0}, (100.0,), (-4999.0, 5000.0),
                  "by hand: ε = 1 − ω_p²/(ν² + iγν) at ν = γ is 1 − 10⁸/(10⁴(1 + i)) = 1 − 5000(1 − i)",
                  rtol=1e-12, options={"observable": "eps"}),
        Reference({"eps_inf": 1.0, "wp": 282.842712474619, "gamma": 100.0}, (100.0,), (1.0, 2.0),
                  "by hand: ω_p² = 8γ², ν = γ gives ε = 1 − 4(1 − i) = −3 + 4i = (1 + 2i)², so n = 1, k = 2",
                  rtol=1e-12, options={"observable": "nk"}),
        Reference({"eps_inf": 1.0, "wp": 282.842712474619, "gamma": 100.0}, (100.0,), (0.5,),
                  "by hand: N = 1 + 2i gives R = |(N − 1)/(N + 1)|² = |2i/(2 + 2i)|² = 4/8",
                  rtol=1e-12, options={"observable": "reflectance"}),
        Reference({"eps_inf": 1.0, "wp": 11283.7916709551, "gamma": 100.0}, (100.0,), (0.2,),
                  "by hand (Tinkham): ν = γ, Z0σ_□ = 2πω_p²d(1 + i)/(2γ) = 4(1 + i) for ω_p² = 4γ/(πd), d = 10 nm; "
                  "T/T_sub = |4/(4 + 4(1 + i))|² = 16/80 on n_s = 3",
                  rtol=1e-12, options={"observable": "transmission", "thickness_nm": 10.0, "substrate_n": 3.0,
                                       "reference": "substrate", "method": "thin-film"}),
    )

    def _kind_starts(self, s1, nu, sig, drude=None):
        return _drude_dicts(self._drude_starts(s1, nu, sig, drude))

    def characteristic_x(self, params):
        return float(params[self.prefix + "gamma"].value)


@register
class TwoDrudeModel(OpticsModel):
    """Two carrier channels: a narrow (1) and a broad (2) Drude term, ε = ε∞ − Σ ω_pi²/(ν² + iγ_iν)."""

    name = "two-drude"
    kind = "two-drude"
    physics = "two Drude channels (narrow 1, broad 2), e.g. multiband metals"
    reference = "Dressel & Grüner, Electrodynamics of Solids, ch. 5; e.g. Wu et al., PRB 81, 100512 (2010)"
    params_table = (
        (T.eps_inf_param(False),)
        + T.drude_params("wp1", "gamma1", "narrow channel", 30.0)
        + T.drude_params("wp2", "gamma2", "broad channel", 300.0)
    )
    derived_table = (
        T.drude_derived("wp1", "gamma1", "_1")
        + T.drude_derived("wp2", "gamma2", "_2")
        + (Derived("sigma0", T.SIGMA0.format(wp="wp1", gamma="gamma1") + "+" + T.SIGMA0.format(wp="wp2", gamma="gamma2"),
                   "S/cm", "total dc conductivity"),
           Derived("wp", "sqrt(wp1**2+wp2**2)", "cm⁻¹", "total plasma frequency"))
        + T.metal_derived("wp1**2+wp2**2", T.SIGMA0.format(wp="wp1", gamma="gamma1") + "+" + T.SIGMA0.format(wp="wp2", gamma="gamma2"))
    )
    function = T.OpticsFunction("two-drude", 0, "sigma1", "vacuum")
    reference_values = (
        Reference({"eps_inf": 1.0, "wp1": 1e4, "gamma1": 100.0, "wp2": 2e4, "gamma2": 1000.0}, (1e-9, 100.0),
                  (23349.4866669554, 14944.3319898123),
                  "by hand: σ1 = Σ (ω_pi²/(Zγ_i))/(1 + ν²/γ_i²) = (10⁶ + 4·10⁵)/Z at ν → 0 and (5·10⁵ + 4·10⁵/1.01)/Z at "
                  "ν = 100, Z = Z0/(2π), Z0 = 376.730313412 Ω", rtol=1e-9),
    )

    def _kind_starts(self, s1, nu, sig, drude=None):
        out = []
        for wp, gamma in self._drude_starts(s1, nu, sig, drude):
            for f in (3.0, 10.0):  # split the weight: narrow channel at γ/f, broad at f·γ, the same total ω_p²
                out.append({"wp1": wp * math.sqrt(0.5), "gamma1": gamma / f, "wp2": wp * math.sqrt(0.5), "gamma2": gamma * f})
        return out

    def diagnose(self, params, x):
        msgs = super().diagnose(params, x)
        v = self._values(params)
        if v["gamma1"] > v["gamma2"]:
            msgs.append("gamma1 > gamma2: the channels are swapped (1 should be the narrow one)")
        if min(v["wp1"], v["wp2"]) < 1e-3 * max(v["wp1"], v["wp2"]):
            msgs.append("one Drude channel carries no weight: a single Drude term describes the data")
        return msgs


@register
class DrudeSmithModel(OpticsModel):
    """Drude–Smith: σ = σ0/(1 − iν/γ)·[1 + c/(1 − iν/γ)], −1 ≤ c ≤ 0 (Smith, PRB 64, 155106)."""

    name = "drude-smith"
    kind = "drude-smith"
    physics = "carriers with backscattering persistence c ∈ [−1, 0]; σ(0) = σ0(1 + c)"
    reference = "N. V. Smith, Phys. Rev. B 64, 155106 (2001)"
    params_table = (T.eps_inf_param(False),) + T.drude_params() + (
        Param("c", "", -0.5, -1.0, 0.0, "persistence of velocity after a collision"),
    )
    derived_table = T.drude_derived() + (
        Derived("sigma_dc", f"{T.SIGMA0.format(wp='wp', gamma='gamma')}*(1+c)", "S/cm", "dc conductivity σ0(1 + c)"),
    )
    function = T.OpticsFunction("drude-smith", 0, "sigma1", "vacuum")
    reference_values = (
        Reference({"eps_inf": 1.0, "wp": 1e4, "gamma": 100.0, "c": -0.5}, (1e-9, 100.0, 200.0),
                  (8339.10238105550, 8339.10238105550, 4336.33323814886),
                  "by hand: σ1 = σ0[(1 + c) + x²(1 − c)]/(1 + x²)², x = ν/γ, σ0 = 10⁶/Z: σ0/2 at x = 0 and x = 1, "
                  "σ0·6.5/25 at x = 2; Z = Z0/(2π), Z0 = 376.730313412 Ω", rtol=1e-9),
    )

    def _kind_starts(self, s1, nu, sig, drude=None):
        out = [{"wp": wp, "gamma": g, "c": c} for wp, g in self._drude_starts(s1, nu, sig, drude) for c in (-0.2, -0.6)]
        i = int(np.argmax(s1))
        if 0 < i < s1.size - 1:  # σ1 peaks at finite ν: strong backscattering, peak near γ
            out.append({"gamma": float(nu[i]), "c": -0.9, "wp": G.wp_from(2.0 * s1[i], float(nu[i]))})
        return out

    def characteristic_x(self, params):
        return float(params[self.prefix + "gamma"].value)


@register
class DrudeLorentzModel(OpticsModel):
    """Drude plus N Lorentz oscillators (``n_oscillators``, default 1).

    ε(ν) = ε∞ − ω_p²/(ν² + iγν) + Σ_j ω_pj²/(ν0_j² − ν² − iγ_j ν).
    """

    name = "drude-lorentz"
    kind = "drude-lorentz"
    default_oscillators = 1
    physics = "free carriers plus N interband/phonon oscillators (n_oscillators=N)"
    reference = "Dressel & Grüner, Electrodynamics of Solids, ch. 6; Rakić et al., Appl. Opt. 37, 5271 (1998)"
    params_table = (T.eps_inf_param(False),) + T.drude_params() + T.oscillator_params(1)
    derived_table = T.drude_derived() + T.metal_derived("wp**2", T.SIGMA0.format(wp="wp", gamma="gamma"))
    function = T.OpticsFunction("drude-lorentz", 1, "sigma1", "vacuum")
    reference_values = (
        Reference({"eps_inf": 1.0, "wp": 1e4, "gamma": 100.0, "wp1": 1000.0, "nu01": 500.0, "gamma1": 100.0}, (500.0,),
                  (808.251461548456,),
                  "by hand: Drude σ0/(1 + 25) with σ0 = 10⁶/Z plus the Lorentz peak ω_p1²/(Zγ1) = 10⁴/Z at ν = ν01; "
                  "Z = Z0/(2π), Z0 = 376.730313412 Ω", rtol=1e-9),
    )

    @classmethod
    def _tables(cls, n):
        return (T.eps_inf_param(False),) + T.drude_params() + T.oscillator_params(n), cls.derived_table

    def _kind_starts(self, s1, nu, sig, drude=None):
        out = []
        for wp, gamma in self._drude_starts(s1, nu, sig, drude)[:3]:
            residual = np.maximum(s1 - F.drude_sigma(nu, wp, gamma).real, 0.0)
            for r in (residual, G.smoothed(residual)):  # the noise of a large Drude plateau can outgrow a broad peak
                out.append({"wp": wp, "gamma": gamma, **G.oscillator_dict(G.oscillators_from_sigma1(r, nu, self.n_oscillators))})
        return [s for i, s in enumerate(out) if s not in out[:i]]

    def characteristic_x(self, params):
        return float(params[self.prefix + "gamma"].value)


@register
class LorentzModel(OpticsModel):
    """N Lorentz oscillators, no free carriers (insulators, phonons): ε = ε∞ + Σ_j ω_pj²/(ν0_j² − ν² − iγ_jν)."""

    name = "lorentz"
    kind = "lorentz"
    default_oscillators = 1
    physics = "N Lorentz oscillators without free carriers (insulators, phonons)"
    reference = "H. A. Lorentz, The Theory of Electrons (1909); Dressel & Grüner, ch. 6"
    params_table = (T.eps_inf_param(False),) + T.oscillator_params(1)
    derived_table = ()
    function = T.OpticsFunction("lorentz", 1, "sigma1", "vacuum")
    reference_values = (
        Reference({"eps_inf": 1.0, "wp1": 1000.0, "nu01": 500.0, "gamma1": 100.0}, (500.0, 400.0),
                  (166.782047621110, 27.5104408447192),
                  "by hand: σ1 = (ω_p²/Z)γν²/((ν0² − ν²)² + γ²ν²): 10⁴/Z at ν = ν0 and (10⁶/Z)·1.6·10⁷/9.7·10⁹ at "
                  "ν = 400; Z = Z0/(2π), Z0 = 376.730313412 Ω", rtol=1e-9),
        Reference({"eps_inf": 4.0, "wp1": 0.0, "nu01": 100.0, "gamma1": 1.0}, (1000.0, 2000.0), (0.64, 1.0),
                  "by hand: a free-standing film with N = 2, d = 1250 nm is a quarter wave at 1000 cm⁻¹ "
                  "(r = 2r01/(1 + r01²) = −0.6, r01 = −1/3, T = 1 − 0.36) and a half wave at 2000 cm⁻¹ (T = 1)",
                  rtol=1e-12, options={"observable": "transmission", "thickness_nm": 1250.0, "substrate_n": 1.0}),
        Reference({"eps_inf": 1.0, "wp1": 0.0, "nu01": 100.0, "gamma1": 1.0}, (1000.0,), (12.0 / 13.0,),
                  "by hand: no film (ε = 1) on a 1 mm substrate with n = 1.5: incoherent slab "
                  "T = (1 − R)/(1 + R) = 2n/(n² + 1) = 12/13, R = 0.04",
                  rtol=1e-12, options={"observable": "transmission", "thickness_nm": 100.0, "substrate_n": 1.5,
                                       "substrate_thickness_mm": 1.0}),
    )

    @classmethod
    def _tables(cls, n):
        return (T.eps_inf_param(False),) + T.oscillator_params(n), ()

    def _kind_starts(self, s1, nu, sig, drude=None):
        if not np.any(s1 > 0):
            return [{}]
        return [G.oscillator_dict(G.oscillators_from_sigma1(s1, nu, self.n_oscillators))]
