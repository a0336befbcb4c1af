"""Optical-conductivity models: Drude, two-Drude, Drude–Smith, Drude–Lorentz, Lorentz.

One dielectric function, any observable.  Every model takes ``observable=`` in its
constructor and then fits that quantity against ν (cm⁻¹, column ``wavenumber_cm-1``):

============== ======================================= =====================================
observable     model output (length)                   data columns
============== ======================================= =====================================
``sigma1``     σ1 (N)                                  ``sigma1_S_per_cm``
``sigma``      concat(σ1, σ2) (2N)                     ``sigma1_S_per_cm``, ``sigma2_S_per_cm``
``eps``        concat(ε1, ε2) (2N)                     ``eps1``, ``eps2``
``nk``         concat(n, k) (2N)                       ``n``, ``k``
``reflectance`` R = |(√ε−1)/(√ε+1)|² (N)               ``reflectance``
============== ======================================= =====================================

**Data layout for complex observables (contract with the fitting core).**  The independent
variable is the plain ν array of length N; data and weights are the real part followed by
the imaginary part, each of length N: ``y = concat(re, im)``, ``weights = concat(w_re, w_im)``.
:func:`stack_observable` builds exactly that from a DataFrame (each part weighted by its own
scale), :func:`split_observable` undoes it.  lmfit only sees arrays of equal length 2N::

    m = DrudeModel(observable="nk")
    x, y, w = stack_observable(df, "nk")
    res = m.fit(y, m.guess(y, x=x), nu=x, weights=w)

Which σ2?  Inside the model σ is the conduction part measured from ε∞ (DESIGN.md §3:
ε = ε∞ + iZσ/ν).  Data σ2 converted from ε with ``sigmafit.prepare.optics`` defaults is
referred to vacuum, σ2 = ν(1 − ε1)/Z, so the ``sigma`` observable defaults to
``sigma_reference="vacuum"``: the model returns −iν(ε − 1)/Z and ε∞ is fitted from σ2.  With
``sigma_reference="eps_inf"`` it returns the conduction σ (σ2 = ν(ε∞ − ε1)/Z, matching data
converted with that same ε∞) and ``eps_inf`` is fixed; it is also fixed for ``sigma1``, which
does not depend on it.

Units: every frequency parameter (``wp``, ``gamma``, ``nu0j`` …) in cm⁻¹; ``sigma0`` in S/cm,
``tau`` in fs, ``rho_dc`` in µΩ·cm, ``hbar_wp`` in eV, ``n_over_m`` in cm⁻³ (carriers per
cm³ per electron mass of m*).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Literal

import lmfit
import numpy as np
from scipy.signal import find_peaks, peak_widths

from ..constants import CM1_PER_EV, TAU_FS_CM, Z_OPT
from ..exceptions import DataFormatError
from .base import Derived, Param, SigmafitModel
from .formulas import optics as F
from .registry import register

__all__ = [
    "OBSERVABLES",
    "OBSERVABLE_COLUMNS",
    "DrudeLorentzModel",
    "DrudeModel",
    "DrudeSmithModel",
    "LorentzModel",
    "OpticsModel",
    "TwoDrudeModel",
    "observe",
    "best_observable",
    "split_observable",
    "stack_observable",
]

Observable = Literal["sigma1", "sigma", "eps", "nk", "reflectance"]
SigmaReference = Literal["eps_inf", "vacuum"]

#: Observable name → canonical data columns (real part, imaginary part).
OBSERVABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "sigma1": ("sigma1_S_per_cm",),
    "sigma": ("sigma1_S_per_cm", "sigma2_S_per_cm"),
    "eps": ("eps1", "eps2"),
    "nk": ("n", "k"),
    "reflectance": ("reflectance",),
}
OBSERVABLES: tuple[str, ...] = tuple(OBSERVABLE_COLUMNS)

#: Strictly positive floor for damping rates (cm⁻¹): γ = 0 makes σ1 a δ-function.
GAMMA_MIN = 1e-6


def _check_observable(observable: str) -> None:
    if observable not in OBSERVABLE_COLUMNS:
        raise ValueError(f"observable must be one of {list(OBSERVABLES)}, got {observable!r}")


# --- observables ---------------------------------------------------------------------------


def observe(nu, eps_inf, sigma, observable: Observable, *, sigma_reference: SigmaReference = "vacuum") -> np.ndarray:
    """Real array fitted for ``observable`` from the conduction σ (S/cm) and ε∞ at ν (cm⁻¹).

    Complex observables return ``concat(real, imag)`` (length 2N), see the module docstring.
    """
    nu = np.asarray(nu, dtype=float)
    if observable == "sigma1":
        return np.real(sigma)
    if observable == "sigma":
        s = sigma if sigma_reference == "eps_inf" else sigma - 1j * nu * (eps_inf - 1.0) / Z_OPT
        return np.concatenate([s.real, s.imag])
    eps = F.sigma_to_eps(nu, sigma, eps_inf)
    if observable == "eps":
        return np.concatenate([eps.real, eps.imag])
    if observable == "nk":
        N = F.nk_from_eps(eps)
        return np.concatenate([N.real, N.imag])
    if observable == "reflectance":
        return F.reflectance(eps)
    _check_observable(observable)
    raise AssertionError("unreachable")  # pragma: no cover


def split_observable(y, observable: Observable) -> tuple[np.ndarray, ...]:
    """Undo the concatenation: ``(re, im)`` for complex observables, ``(y,)`` otherwise."""
    _check_observable(observable)
    y = np.asarray(y, dtype=float)
    if len(OBSERVABLE_COLUMNS[observable]) == 1:
        return (y,)
    if y.size % 2:
        raise ValueError(f"observable {observable!r} needs concat(real, imag) of even length, got {y.size}")
    n = y.size // 2
    return y[:n], y[n:]


def stack_observable(df, observable: Observable, *, weighting: Literal["part", "relative"] = "part", x: str = "wavenumber_cm-1"):
    """Build ``(x, y, weights)`` for fitting ``observable`` from a tidy DataFrame.

    ``x`` is ν (length N, column ``wavenumber_cm-1``); ``y`` is the observable (N) or
    ``concat(re, im)`` (2N) from :data:`OBSERVABLE_COLUMNS`; ``weights`` has the length of
    ``y``.  ``weighting="part"`` divides each part by its own RMS so that real and imaginary
    parts count equally whatever their size; ``"relative"`` uses 1/|y| point by point
    (floored at 1e−3 of the part's RMS) for data spanning decades.  Rows are sorted by ν;
    non-finite values raise :class:`DataFormatError` (nothing is dropped silently).
    """
    _check_observable(observable)
    cols = (x,) + OBSERVABLE_COLUMNS[observable]
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataFormatError(f"observable {observable!r} needs column(s) {missing}; the data has {list(df.columns)}", column=missing[0])
    sub = df.loc[:, list(cols)].sort_values(x, kind="stable")
    for c in cols:
        bad = ~np.isfinite(sub[c].to_numpy(dtype=float))
        if bad.any():
            raise DataFormatError(f"column {c!r} has {int(bad.sum())} non-finite value(s); drop or fill them before fitting", column=c)
    xv = sub[x].to_numpy(dtype=float)
    parts, weights = [], []
    for c in OBSERVABLE_COLUMNS[observable]:
        p = sub[c].to_numpy(dtype=float)
        rms = float(np.sqrt(np.mean(p**2))) or 1.0
        if weighting == "part":
            w = np.full(p.shape, 1.0 / rms)
        elif weighting == "relative":
            w = 1.0 / np.maximum(np.abs(p), 1e-3 * rms)
        else:
            raise ValueError(f"weighting must be 'part' or 'relative', got {weighting!r}")
        parts.append(p)
        weights.append(w)
    return xv, np.concatenate(parts), np.concatenate(weights)


def sigma_from_data(y, nu, observable: str) -> np.ndarray | None:
    """σ (S/cm) from data of ``observable`` (start values, spectral weight of the data).

    Complex (σ2 referred to vacuum) for ``sigma``, ``eps`` and ``nk``; real σ1 for
    ``sigma1``; None for reflectance.
    """
    parts = split_observable(y, observable)
    if observable == "sigma1":
        return parts[0]
    if observable == "sigma":
        return parts[0] + 1j * parts[1]
    if observable == "eps":
        return F.eps_to_sigma(nu, parts[0] + 1j * parts[1], 1.0)
    if observable == "nk":
        return F.eps_to_sigma(nu, F.eps_from_nk(*parts), 1.0)
    return None


# --- the model function ---------------------------------------------------------------------


class _OpticsFunction:
    """Picklable model function with an explicit signature ``(nu, eps_inf, <params>)``.

    lmfit reads parameter names from ``inspect.signature``; N-oscillator models need names
    decided at construction, so the signature is built here instead of written out.
    """

    def __init__(self, kind: str, n_oscillators: int, observable: str, sigma_reference: str):
        import inspect

        self.kind = kind
        self.n_oscillators = n_oscillators
        self.observable = observable
        self.sigma_reference = sigma_reference
        self.names = _param_names(kind, n_oscillators)
        P = inspect.Parameter
        self.__signature__ = inspect.Signature(
            [P("nu", P.POSITIONAL_OR_KEYWORD)] + [P(n, P.POSITIONAL_OR_KEYWORD) for n in self.names]
        )
        self.__name__ = kind.replace("-", "_")
        self.__doc__ = f"{kind} model of the {observable!r} observable at nu (cm-1)."

    def __call__(self, nu, *args, **kwargs):
        values = dict(zip(self.names, args))
        values.update(kwargs)
        return observe(nu, values["eps_inf"], _sigma(self.kind, self.n_oscillators, nu, values),
                       self.observable, sigma_reference=self.sigma_reference)

    def __getstate__(self):
        return (self.kind, self.n_oscillators, self.observable, self.sigma_reference)

    def __setstate__(self, state):
        self.__init__(*state)


def _param_names(kind: str, n: int) -> tuple[str, ...]:
    osc = tuple(f"{p}{j}" for j in range(1, n + 1) for p in ("wp", "nu0", "gamma"))
    return {
        "drude": ("eps_inf", "wp", "gamma"),
        "two-drude": ("eps_inf", "wp1", "gamma1", "wp2", "gamma2"),
        "drude-smith": ("eps_inf", "wp", "gamma", "c"),
        "drude-lorentz": ("eps_inf", "wp", "gamma") + osc,
        "lorentz": ("eps_inf",) + osc,
    }[kind]


def _terms(kind: str, n: int, v: dict[str, float]) -> dict[str, list[tuple]]:
    """Drude, Lorentz and Drude–Smith terms of a parameter set (for σ and sum rules)."""
    osc = [(v[f"wp{j}"], v[f"nu0{j}"], v[f"gamma{j}"]) for j in range(1, n + 1)]
    if kind == "drude":
        return {"drude_terms": [(v["wp"], v["gamma"])]}
    if kind == "two-drude":
        return {"drude_terms": [(v["wp1"], v["gamma1"]), (v["wp2"], v["gamma2"])]}
    if kind == "drude-smith":
        return {"smith_terms": [(v["wp"], v["gamma"], v["c"])]}
    if kind == "drude-lorentz":
        return {"drude_terms": [(v["wp"], v["gamma"])], "lorentz_terms": osc}
    return {"lorentz_terms": osc}


def _sigma(kind: str, n: int, nu, v: dict[str, float]) -> np.ndarray:
    t = _terms(kind, n, v)
    s = F.drude_lorentz_sigma(nu, t.get("drude_terms", ()), t.get("lorentz_terms", ()))
    for wp, gamma, c in t.get("smith_terms", ()):
        s = s + F.drude_smith_sigma(nu, wp, gamma, c)
    return s


# --- shared tables --------------------------------------------------------------------------

_SIGMA0 = f"{{wp}}**2/({Z_OPT!r}*{{gamma}})"


def _eps_inf_param(vary: bool) -> Param:
    return Param("eps_inf", "", 1.0, 0.0, math.inf, "high-frequency dielectric constant ε∞", vary=vary)


def _drude_params(wp="wp", gamma="gamma", what="free carriers") -> tuple[Param, Param]:
    return (
        Param(wp, "cm⁻¹", 1e4, 0.0, math.inf, f"plasma frequency of the {what}"),
        Param(gamma, "cm⁻¹", 100.0, GAMMA_MIN, math.inf, f"scattering rate 1/(2πcτ) of the {what}"),
    )


def _drude_derived(wp="wp", gamma="gamma", suffix="") -> tuple[Derived, ...]:
    s0 = _SIGMA0.format(wp=wp, gamma=gamma)
    return (
        Derived(f"sigma0{suffix}", s0, "S/cm", "dc conductivity ω_p²/(Zγ)"),
        Derived(f"tau{suffix}", f"{TAU_FS_CM!r}/{gamma}", "fs", "relaxation time 1/(2πcγ)"),
    )


def _metal_derived(wp2: str, sigma0: str) -> tuple[Derived, ...]:
    """ρ_dc, ħω_p and n/m* from expressions of ω_p² and σ0 in the *fitted* parameters.

    Every expression uses fitted parameters only: lmfit does not order derived-of-derived
    expressions when it builds parameters.
    """
    return (
        Derived("rho_dc", f"1e6/({sigma0})", "µΩ·cm", "dc resistivity 1/σ(0)"),
        Derived("hbar_wp", f"sqrt({wp2})/{CM1_PER_EV!r}", "eV", "plasma energy ħω_p"),
        Derived("n_over_m", f"{F.N_EFF_PER_WP2!r}*({wp2})", "cm⁻³", "carrier density per m*/m_e, ε0 m_e ω_p²/e²"),
    )


def _oscillator_params(n: int) -> tuple[Param, ...]:
    out: list[Param] = []
    for j in range(1, n + 1):
        out += [
            Param(f"wp{j}", "cm⁻¹", 1e3 * j, 0.0, math.inf, f"oscillator {j} strength (plasma frequency)"),
            Param(f"nu0{j}", "cm⁻¹", 1e3 * j, 0.0, math.inf, f"oscillator {j} resonance"),
            Param(f"gamma{j}", "cm⁻¹", 100.0 * j, GAMMA_MIN, math.inf, f"oscillator {j} width"),
        ]
    return tuple(out)


class _TableMethod:
    """Like ``classmethod``, but bound to the instance when called on one.

    N-oscillator models build their parameter tables per instance, so ``units()`` and
    ``describe()`` must read the instance's tables when there is one.
    """

    def __init__(self, func):
        self.func = func
        self.__doc__ = func.__doc__

    def __get__(self, obj, cls):
        target = cls if obj is None else obj
        return lambda *a, **k: self.func(target, *a, **k)


# --- the models ---------------------------------------------------------------------------


def best_observable(columns) -> str:
    """The most informative observable present among ``columns``: nk, eps, sigma (σ1+σ2), reflectance, sigma1."""
    cols = set(columns)
    for name in ("nk", "eps", "sigma", "reflectance", "sigma1"):
        if set(OBSERVABLE_COLUMNS[name]) <= cols:
            return name
    return "sigma1"


class OpticsModel(SigmafitModel):
    """Common machinery of the optics family (not registered).

    Subclasses set ``kind`` and the class-level tables (for the default configuration);
    the constructor rebuilds tables and the model function for ``observable`` and
    ``n_oscillators``.
    """

    family = "optics"
    x = "wavenumber_cm-1"
    y = "sigma1_S_per_cm"
    kind: ClassVar[str] = ""
    default_oscillators: ClassVar[int] = 0

    def __init__(
        self,
        observable: Observable = "sigma1",
        *,
        n_oscillators: int | None = None,
        sigma_reference: SigmaReference = "vacuum",
        prefix: str = "",
        **kwargs: Any,
    ):
        _check_observable(observable)
        if sigma_reference not in ("eps_inf", "vacuum"):
            raise ValueError(f"sigma_reference must be 'eps_inf' or 'vacuum', got {sigma_reference!r}")
        n = self.default_oscillators if n_oscillators is None else n_oscillators
        if not self.default_oscillators and n:
            raise ValueError(f"{self.name} has no oscillators; n_oscillators must be 0 or None, got {n_oscillators!r}")
        if self.default_oscillators and (isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1):
            raise ValueError(f"n_oscillators must be an integer >= 1, got {n_oscillators!r}")
        self.observable = observable
        self.sigma_reference = sigma_reference
        self.n_oscillators = int(n)
        self.y_columns = OBSERVABLE_COLUMNS[observable]
        self.y = self.y_columns[0]
        eps_inf_matters = observable in ("eps", "nk", "reflectance") or (observable == "sigma" and sigma_reference == "vacuum")
        table = self._tables(self.n_oscillators)
        self.params_table = tuple(_eps_inf_param(eps_inf_matters) if p.name == "eps_inf" else p for p in table[0])
        self.derived_table = table[1]
        self.function = _OpticsFunction(self.kind, self.n_oscillators, observable, sigma_reference)
        super().__init__(prefix=prefix, **kwargs)

    @classmethod
    def _tables(cls, n: int) -> tuple[tuple[Param, ...], tuple[Derived, ...]]:
        return cls.params_table, cls.derived_table

    def select_data(self, df, x=None, y=None, weights=None):
        """(x, y, weights, x_name, y_name) for :func:`sigmafit.fit`: ν and the stacked observable.

        ``weights`` may be ``"part"`` (default: each part divided by its RMS), ``"relative"``
        (1/|y|), or an array of the stacked length.
        """
        xname = x or self.x
        scheme = weights if isinstance(weights, str) else "part"
        xv, yv, wv = stack_observable(df, self.observable, weighting=scheme, x=xname)
        if weights is not None and not isinstance(weights, str):
            wv = np.asarray(weights, dtype=float)
        return xv, yv, wv, xname, "+".join(self.y_columns)

    units = _TableMethod(SigmafitModel.units.__func__)
    describe = _TableMethod(SigmafitModel.describe.__func__)

    # -- evaluation helpers (for reports and tests) ----------------------------------
    def _values(self, params) -> dict[str, float]:
        if isinstance(params, lmfit.Parameters):
            return {name: params[self.prefix + name].value for name in self.function.names}
        return {name: float(params[name]) for name in self.function.names}

    def sigma(self, params, nu) -> np.ndarray:
        """Complex conduction σ(ν) (S/cm) for ``params`` (lmfit Parameters or a plain dict)."""
        return _sigma(self.kind, self.n_oscillators, np.asarray(nu, dtype=float), self._values(params))

    def eps(self, params, nu) -> np.ndarray:
        """Complex ε(ν) = ε∞ + iZσ/ν."""
        v = self._values(params)
        return F.sigma_to_eps(nu, _sigma(self.kind, self.n_oscillators, np.asarray(nu, dtype=float), v), v["eps_inf"])

    def spectral_weight(self, params, cutoff=np.inf):
        """Analytic ∫_0^Ω σ1 dν (S/cm·cm⁻¹) of the model; SUM_RULE·W(∞) = Σ ω_p²."""
        return F.model_spectral_weight(cutoff, **_terms(self.kind, self.n_oscillators, self._values(params)))

    # -- guessing ------------------------------------------------------------------------
    def guess(self, data, x=None, **kwargs) -> lmfit.Parameters:
        """Start values from data laid out for this model's observable (see module docstring).

        Non-finite points are ignored for the estimate; values are clipped into the bounds
        and keyword arguments override them (lmfit protocol).
        """
        y = np.asarray(data, dtype=float)
        parts = split_observable(y, self.observable)
        nu = np.asarray(x, dtype=float) if x is not None else np.arange(parts[0].size, dtype=float)
        if nu.shape != parts[0].shape:
            raise ValueError(f"x has {nu.size} points but the {self.observable!r} data has {parts[0].size} per part")
        ok = np.isfinite(nu) & np.all([np.isfinite(p) for p in parts], axis=0) & (nu > 0)
        values = self._guess(np.concatenate([p[ok] for p in parts]), nu[ok]) if ok.sum() >= 3 else {}
        params = self.make_params()
        for p in self.params_table:
            if p.name in values and np.isfinite(values[p.name]) and p.vary:
                v = float(np.clip(values[p.name], p.min, p.max))
                if v in (p.min, p.max):  # strictly inside so the fit can move
                    v = p.default if p.min < p.default < p.max else v
                params[self.prefix + p.name].set(value=v)
        return lmfit.models.update_param_vals(params, self.prefix, **kwargs)

    def _guess(self, y: np.ndarray, x: np.ndarray) -> dict[str, float]:
        order = np.argsort(x)
        parts = [p[order] for p in split_observable(y, self.observable)]
        nu = x[order]
        y_sorted = np.concatenate(parts)
        sig = sigma_from_data(y_sorted, nu, self.observable)
        if sig is None:  # reflectance: Hagen–Rubens scale and the plasma edge only
            out = _guess_from_reflectance(parts[0], nu)
        else:
            out = self._guess_spectrum(np.maximum(sig.real, 0.0), nu, sig if np.iscomplexobj(sig) else None)
        if sig is not None and np.iscomplexobj(sig):  # σ2 referred to vacuum: ε = 1 + iZσ/ν
            eps = F.sigma_to_eps(nu, sig, 1.0)
            # ε1 at the top of the range with the Drude/oscillator pull added back
            model_eps1 = F.sigma_to_eps(nu[-1:], _sigma(self.kind, self.n_oscillators, nu[-1:],
                                                         {**self._defaults(), **out}), 0.0).real[0]
            out["eps_inf"] = max(1.0, float(eps.real[-1] - model_eps1))
        return out

    def _defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params_table}

    def _guess_spectrum(self, s1: np.ndarray, nu: np.ndarray, sig: np.ndarray | None) -> dict[str, float]:
        """Start values from σ1 ≥ 0 at sorted ν, with the complex σ when the data has it."""
        raise NotImplementedError  # pragma: no cover - abstract

    # -- diagnostics ------------------------------------------------------------------------
    def diagnose(self, params: lmfit.Parameters, x: np.ndarray) -> list[str]:
        """Reasons not to trust the fit: rates at their floor, oscillators outside the data range."""
        v = self._values(params)
        nu = np.asarray(x, dtype=float)
        lo, hi = (float(np.min(nu)), float(np.max(nu))) if nu.size else (0.0, math.inf)
        msgs = []
        for name, val in v.items():
            if name.startswith("gamma") and val <= 10 * GAMMA_MIN:
                msgs.append(f"{name} = {val:g} cm⁻¹ sits at its lower bound: the width is not resolved by the data")
            if name.startswith("nu0") and (val > 2 * hi or val < 0.5 * lo and val > 0):
                msgs.append(
                    f"{name} = {val:g} cm⁻¹ lies outside the data range {lo:g}–{hi:g} cm⁻¹: "
                    "the oscillator only acts as a background"
                )
        return msgs


def _low_nu_segment(s1: np.ndarray) -> int:
    """Number of leading points over which σ1 keeps falling (the Drude part of the spectrum)."""
    running = np.minimum.accumulate(s1)
    rising = np.nonzero(s1 > 1.05 * running + 1e-300)[0]
    return int(rising[0]) if rising.size else s1.size


def _drude_from_complex(sig: np.ndarray, nu: np.ndarray) -> tuple[float, float] | None:
    """(σ0, γ) from complex σ at the lowest frequencies, or None if not Drude-like there.

    A Drude term has 1/σ = Z(γ − iν)/ω_p², so ω_p² = −Zν/Im(1/σ) and γ = −ν·Re(1/σ)/Im(1/σ)
    at every ν, whether or not the data reach below γ (medians over the lowest points).
    """
    k = max(3, min(10, sig.size // 8))
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / sig[:k]
        wp2 = -Z_OPT * nu[:k] / inv.imag
        gamma = -nu[:k] * inv.real / inv.imag
    good = np.isfinite(wp2) & np.isfinite(gamma) & (wp2 > 0) & (gamma > 0)
    if good.sum() < max(2, k // 2):
        return None
    wp2_m, gamma_m = float(np.median(wp2[good])), float(np.median(gamma[good]))
    return wp2_m / (Z_OPT * gamma_m), gamma_m


def _drude_start(s1: np.ndarray, nu: np.ndarray, sig: np.ndarray | None) -> tuple[float, float]:
    """(σ0, γ) start values: from the complex σ if available, else from σ1 alone."""
    if sig is not None:
        est = _drude_from_complex(sig, nu)
        if est is not None:
            return est
    return _drude_from_sigma1(s1, nu)


def _drude_from_sigma1(s1: np.ndarray, nu: np.ndarray) -> tuple[float, float]:
    """(σ0, γ) of a Drude term from the falling low-ν part of σ1.

    A Drude σ1 obeys 1/σ1 = 1/σ0 + ν²/(σ0γ²): a straight line in ν², which works whether the
    data show the plateau or only the tail.  Falls back to the plateau (σ0 = first points)
    and the half-width (γ where σ1 = σ0/2) when the line fails.
    """
    m = max(_low_nu_segment(s1), min(3, s1.size))
    seg_nu, seg_s = nu[:m], s1[:m]
    good = seg_s > 0
    if good.sum() >= 3:
        slope, icpt = np.polyfit(seg_nu[good] ** 2, 1.0 / seg_s[good], 1, w=seg_s[good])
        if slope > 0 and icpt > 0:
            return 1.0 / icpt, math.sqrt(icpt / slope)
    sigma0 = float(np.median(s1[: max(1, min(3, s1.size))]))
    below = np.nonzero(s1 < sigma0 / 2)[0]
    gamma = float(nu[below[0]]) if below.size else float(nu[-1])
    return max(sigma0, 1e-300), max(gamma, GAMMA_MIN * 10)


def _wp(sigma0: float, gamma: float) -> float:
    return math.sqrt(max(sigma0, 0.0) * Z_OPT * gamma)


def _guess_from_reflectance(R: np.ndarray, nu: np.ndarray) -> dict[str, float]:
    """Rough Drude scale from R (sorted ν).

    The screened plasma edge ν* = ω_p/√ε∞ is where R falls half-way from its low-ν level to
    its minimum; ε∞ from R above the edge, ((1 + √R)/(1 − √R))²; γ from Hagen–Rubens,
    1 − R ≈ 2√(2ν/(Zσ_dc)) over the lowest points.  Only a scale: the fit does the rest.
    """
    R = np.clip(R, 0.0, 1.0 - 1e-9)
    out: dict[str, float] = {}
    if R.size < 4:
        return out
    i_min = int(np.argmin(R))
    top = float(np.max(R[: i_min + 1]))
    below = np.nonzero(R[: i_min + 1] < 0.5 * (top + R[i_min]))[0]
    edge = float(nu[below[0]] if below.size else nu[i_min])
    eps_inf = 1.0
    if i_min < R.size - 1:
        r = math.sqrt(R[-1])
        eps_inf = float(np.clip(((1 + r) / (1 - r)) ** 2, 1.0, 50.0))
    wp = edge * math.sqrt(eps_inf)
    k = max(3, R.size // 10)
    sdc = float(np.median(8.0 * nu[:k] / (Z_OPT * (1.0 - R[:k]) ** 2)))
    gamma = wp**2 / (Z_OPT * sdc) if sdc > 0 else edge / 100.0
    out.update(wp=wp, gamma=min(gamma, edge), eps_inf=eps_inf)
    return out


def _oscillators_from_sigma1(s1: np.ndarray, nu: np.ndarray, n: int) -> list[tuple[float, float, float]]:
    """n start oscillators (wp, nu0, gamma), ordered in ν0 and distinct.

    Peaks of σ1 (scipy ``find_peaks``, most prominent first) give ν0 and the half-width
    (``peak_widths``) γ; the height σ1(ν0) = ω_p²/(Zγ) gives ω_p.  Missing oscillators are
    spread log-uniformly over the range, away from the peaks found.
    """
    lo, hi = float(nu[0]), float(nu[-1])
    span = max(float(np.max(s1)) if s1.size else 0.0, 1e-300)
    found: list[tuple[float, float, float]] = []
    if s1.size >= 3:
        idx, props = find_peaks(s1, prominence=0.02 * span)
        if idx.size:
            best = idx[np.argsort(props["prominences"])[::-1][:n]]
            best = np.sort(best)
            widths = peak_widths(s1, best, rel_height=0.5)
            grid = np.arange(nu.size, dtype=float)
            left = np.interp(widths[2], grid, nu)
            right = np.interp(widths[3], grid, nu)
            for i, a, b in zip(best, left, right):
                gamma = max(float(b - a), 1e-3 * max(nu[i], 1.0), GAMMA_MIN * 10)
                found.append((_wp(s1[i], gamma), float(nu[i]), gamma))
    missing = n - len(found)
    if missing > 0:
        # log-uniformly over the band where there is absorption left (σ1 > 25 % of its maximum)
        band = nu[s1 > 0.25 * span] if s1.size else nu
        a = max(float(band[0]) if band.size else lo, 1e-3 * max(hi, 1.0))
        b = max(float(band[-1]) if band.size else hi, a * 1.0001 + 1.0)
        candidates = np.geomspace(a, b, missing + 2 * len(found) + 2)[1:-1]
        taken = [f[1] for f in found]
        extra = []
        for c in candidates:
            if all(abs(math.log(c / t)) > 0.1 for t in taken if t > 0):
                extra.append(c)
                taken.append(c)
        extra = (extra + list(np.geomspace(b, 3 * b, missing + 1)[1:]))[:missing]
        for c in extra:
            gamma = 0.5 * c
            level = float(np.interp(c, nu, s1)) if lo <= c <= hi else 0.1 * span
            found.append((_wp(max(0.5 * level, 1e-6 * span), gamma), float(c), gamma))
    found.sort(key=lambda t: t[1])
    for j in range(1, len(found)):  # non-degenerate: strictly increasing ν0
        wp, nu0, g = found[j]
        if nu0 <= found[j - 1][1] * 1.01:
            found[j] = (wp, found[j - 1][1] * 1.05 + 1.0, g)
    return found


def _osc_dict(osc) -> dict[str, float]:
    out = {}
    for j, (wp, nu0, g) in enumerate(osc, start=1):
        out.update({f"wp{j}": wp, f"nu0{j}": nu0, f"gamma{j}": g})
    return out


@register
class DrudeModel(OpticsModel):
    """Free carriers: ε(ν) = ε∞ − ω_p²/(ν² + iγν), σ = ω_p²/(Z(γ − iν)) (PHYSICS.md §5)."""

    name = "drude"
    kind = "drude"
    physics = "free carriers: σ(ν) = σ0/(1 − iν/γ), σ0 = ω_p²/(Zγ)"
    reference = "P. Drude, Ann. Phys. 306, 566 (1900); Dressel & Grüner, Electrodynamics of Solids, ch. 5"
    params_table = (_eps_inf_param(False),) + _drude_params()
    derived_table = _drude_derived() + _metal_derived("wp**2", _SIGMA0.format(wp="wp", gamma="gamma"))
    function = _OpticsFunction("drude", 0, "sigma1", "vacuum")

    def _guess_spectrum(self, s1, nu, sig):
        sigma0, gamma = _drude_start(s1, nu, sig)
        return {"wp": _wp(sigma0, gamma), "gamma": gamma}

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
        (_eps_inf_param(False),)
        + _drude_params("wp1", "gamma1", "narrow channel")
        + _drude_params("wp2", "gamma2", "broad channel")
    )
    derived_table = (
        _drude_derived("wp1", "gamma1", "_1")
        + _drude_derived("wp2", "gamma2", "_2")
        + (Derived("sigma0", _SIGMA0.format(wp="wp1", gamma="gamma1") + "+" + _SIGMA0.format(wp="wp2", gamma="gamma2"),
                   "S/cm", "total dc conductivity"),
           Derived("wp", "sqrt(wp1**2+wp2**2)", "cm⁻¹", "total plasma frequency"))
        + _metal_derived("wp1**2+wp2**2", _SIGMA0.format(wp="wp1", gamma="gamma1") + "+" + _SIGMA0.format(wp="wp2", gamma="gamma2"))
    )
    function = _OpticsFunction("two-drude", 0, "sigma1", "vacuum")

    def _guess_spectrum(self, s1, nu, sig):
        sigma0, gamma = _drude_start(s1, nu, sig)
        wp = _wp(sigma0, gamma)
        # split the weight: narrow channel at γ/3, broad at 3γ with the same total ω_p²
        return {"wp1": wp * math.sqrt(0.5), "gamma1": gamma / 3.0, "wp2": wp * math.sqrt(0.5), "gamma2": gamma * 3.0}

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
    params_table = (_eps_inf_param(False),) + _drude_params() + (
        Param("c", "", -0.5, -1.0, 0.0, "persistence of velocity after a collision"),
    )
    derived_table = _drude_derived() + (
        Derived("sigma_dc", f"{_SIGMA0.format(wp='wp', gamma='gamma')}*(1+c)", "S/cm", "dc conductivity σ0(1 + c)"),
    )
    function = _OpticsFunction("drude-smith", 0, "sigma1", "vacuum")

    def _guess_spectrum(self, s1, nu, sig):
        sigma0, gamma = _drude_start(s1, nu, sig)
        i = int(np.argmax(s1))
        out = {"wp": _wp(sigma0, gamma), "gamma": gamma, "c": -0.5}
        if 0 < i < s1.size - 1:  # σ1 peaks at finite ν: strong backscattering, peak near γ
            out.update(gamma=float(nu[i]), c=-0.9, wp=_wp(2.0 * s1[i], float(nu[i])))
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
    params_table = (_eps_inf_param(False),) + _drude_params() + _oscillator_params(1)
    derived_table = _drude_derived() + _metal_derived("wp**2", _SIGMA0.format(wp="wp", gamma="gamma"))
    function = _OpticsFunction("drude-lorentz", 1, "sigma1", "vacuum")

    @classmethod
    def _tables(cls, n):
        return (_eps_inf_param(False),) + _drude_params() + _oscillator_params(n), cls.derived_table

    def _guess_spectrum(self, s1, nu, sig):
        sigma0, gamma = _drude_start(s1, nu, sig)
        if sig is None and _low_nu_segment(s1) < 3:  # no clear Drude part: scale from the lowest point
            sigma0 = max(float(s1[0]), 1e-300)
            gamma = min(gamma, float(nu[-1]))
        residual = np.maximum(s1 - F.drude_sigma(nu, _wp(sigma0, gamma), gamma).real, 0.0)
        out = {"wp": _wp(sigma0, gamma), "gamma": gamma}
        out.update(_osc_dict(_oscillators_from_sigma1(residual, nu, self.n_oscillators)))
        return out

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
    params_table = (_eps_inf_param(False),) + _oscillator_params(1)
    derived_table = ()
    function = _OpticsFunction("lorentz", 1, "sigma1", "vacuum")

    @classmethod
    def _tables(cls, n):
        return (_eps_inf_param(False),) + _oscillator_params(n), ()

    def _guess_spectrum(self, s1, nu, sig):
        return _osc_dict(_oscillators_from_sigma1(s1, nu, self.n_oscillators))
