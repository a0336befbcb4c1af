"""What an optics model is compared with: observables, their data layout, weights, checks, films.

One dielectric function, any observable (frequencies ν in cm⁻¹, σ in S/cm, PHYSICS.md §5):

==================== ============================================ ==============================
observable           model output (length)                         data columns
==================== ============================================ ==============================
``sigma1``           σ1 (N)                                        ``sigma1_S_per_cm``
``sigma``            concat(σ1, σ2) (2N)                           ``sigma1_S_per_cm``, ``sigma2_S_per_cm``
``eps``              concat(ε1, ε2) (2N)                           ``eps1``, ``eps2``
``nk``               concat(n, k) (2N)                             ``n``, ``k``
``reflectance``      bulk R = |(√ε − 1)/(√ε + 1)|² (N)             ``reflectance``
``transmission``     T of a film on a substrate (N), see below     ``transmittance``
``film_reflectance`` R of a film on a substrate (N)                ``reflectance``
==================== ============================================ ==============================

**Layout of complex observables.**  x is the plain ν array (N); data and weights are the real
part followed by the imaginary part: ``y = concat(re, im)``, ``weights = concat(w_re, w_im)``.

**Weights: every decade counts alike** (PHYSICS.md §5 "Fitting complex data").  Spectra span
decades (ε of a metal runs from −10⁵ in the far IR to order one in the visible); one weight per
part would let the few largest points decide the fit.  Default (:func:`relative_weights`): every
point of every part weighted by 1/|y| — a relative residual, as for a table quoted to a fixed
number of digits — with |y| taken from a smooth envelope of that part (:func:`envelope`: the
median of |y| within ±10 % in ν, or two points either side, and at least half the largest), so
that a zero crossing of ε1 or σ2 or a narrow dip of T gets no infinite weight and noisy data do
not weigh each point by its own noise; for complex observables at least 1 % of the modulus
|y_re + i·y_im|.
Then a fit of σ1 alone weighs ε2 exactly as the complex fits do, and ε, n,k and σ fits of the
same data agree within their errors.  When the data carry their own uncertainties (error columns
announced in ``df.attrs["sigmafit"]["errors"]``) the weights are 1/error instead.

**Films** (``transmission``, ``film_reflectance``): the model's ε(ν) is a film of thickness
``thickness_nm`` on a substrate (:class:`FilmStack`; formulas in
:mod:`sigmafit.models.formulas.films`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..constants import Z_OPT
from ..exceptions import DataFormatError, ModelOptionError
from .formulas import films as FF
from .formulas import optics as F

__all__ = [
    "ENVELOPE_FRACTION",
    "ENVELOPE_NEIGHBOURS",
    "ENVELOPE_SPAN",
    "FILM_OBSERVABLES",
    "MODULUS_FLOOR",
    "OBSERVABLES",
    "OBSERVABLE_COLUMNS",
    "FilmStack",
    "best_observable",
    "check_data",
    "check_observable",
    "error_weights",
    "observe",
    "relative_weights",
    "sigma_from_data",
    "split_observable",
    "stack_observable",
]

Observable = Literal["sigma1", "sigma", "eps", "nk", "reflectance", "transmission", "film_reflectance"]
SigmaReference = Literal["eps_inf", "vacuum"]

#: Observable name → canonical data columns (real part, imaginary part).
OBSERVABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "sigma1": ("sigma1_S_per_cm",),
    "sigma": ("sigma1_S_per_cm", "sigma2_S_per_cm"),
    "eps": ("eps1", "eps2"),
    "nk": ("n", "k"),
    "reflectance": ("reflectance",),
    "transmission": ("transmittance",),
    "film_reflectance": ("reflectance",),
}
OBSERVABLES: tuple[str, ...] = tuple(OBSERVABLE_COLUMNS)
#: Observables that need a :class:`FilmStack`.
FILM_OBSERVABLES: tuple[str, ...] = ("transmission", "film_reflectance")
#: The relative weights' envelope: half (``ENVELOPE_FRACTION``) the largest |y| within ±10 % (``ENVELOPE_SPAN``)
#: in ν or among the ``ENVELOPE_NEIGHBOURS`` points on either side, whichever reaches further.
ENVELOPE_SPAN = 0.1
ENVELOPE_FRACTION = 0.5
ENVELOPE_NEIGHBOURS = 2
#: A part of a complex observable is weighted as if it were at least this fraction of the modulus.
MODULUS_FLOOR = 0.01

NU = "wavenumber_cm-1"


def check_observable(observable: str) -> None:
    """ValueError naming the choices unless ``observable`` is known."""
    if observable not in OBSERVABLE_COLUMNS:
        raise ValueError(f"observable must be one of {list(OBSERVABLES)}, got {observable!r}")


# --- films ------------------------------------------------------------------------------------


def _substrate_table(table) -> tuple[np.ndarray, np.ndarray]:
    """(ν ascending, complex N) from a DataFrame with wavenumber_cm-1, n, k or a (ν, n, k) triple."""
    if hasattr(table, "columns"):
        missing = [c for c in (NU, "n", "k") if c not in table.columns]
        if missing:
            raise ModelOptionError(f"substrate_nk needs columns {NU!r}, 'n', 'k'; it lacks {missing}")
        nu, n, k = (np.asarray(table[c], dtype=float) for c in (NU, "n", "k"))
    else:
        try:
            nu, n, k = (np.asarray(a, dtype=float) for a in table)
        except (TypeError, ValueError):
            raise ModelOptionError("substrate_nk must be a DataFrame (wavenumber_cm-1, n, k) or a (nu, n, k) triple of arrays") from None
    if nu.ndim != 1 or nu.size < 2 or n.shape != nu.shape or k.shape != nu.shape or not np.all(np.isfinite(np.r_[nu, n, k])):
        raise ModelOptionError("substrate_nk needs at least two finite rows of equal-length nu, n, k")
    if np.any(k < 0) or np.any(n < 0):
        raise ModelOptionError("substrate_nk has negative n or k; N = n + ik needs n, k ≥ 0")
    order = np.argsort(nu)
    return nu[order], (n + 1j * k)[order]


@dataclass(frozen=True, eq=False)
class FilmStack:
    """A film (the model's ε) of ``thickness_nm`` on a substrate, seen at normal incidence from the film side.

    ``substrate_n``: complex refractive index n + ik of the substrate (1 for a free-standing film),
    or ``substrate_nk``: a table (DataFrame with ``wavenumber_cm-1``, ``n``, ``k``, or a (ν, n, k)
    triple) interpolated linearly in ν.  ``substrate_thickness_mm``: an incoherent substrate with a
    back face (None: semi-infinite, no back reflection).  ``reference``: ``"vacuum"`` (absolute
    T, e.g. an FTIR or UV/Vis %T) or ``"substrate"`` (T/T_substrate, the THz ratio; only for
    ``transmission``).  ``method``: ``"fresnel"`` (coherent film, transfer matrix), ``"thin-film"``
    (Tinkham: T/T_sub = |(1 + n_s)/(1 + n_s + Z0σ_□)|², needs ``reference="substrate"``) or
    ``"incoherent"`` (a slab thicker than the coherence length: intensities add, no fringes).
    """

    thickness_nm: float
    substrate_n: complex | None = None
    substrate_nk: Any = None
    substrate_thickness_mm: float | None = None
    reference: Literal["vacuum", "substrate"] = "vacuum"
    method: Literal["fresnel", "thin-film", "incoherent"] = "fresnel"
    _table: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    #: Option names a model constructor accepts for the film.
    OPTIONS = ("thickness_nm", "substrate_n", "substrate_nk", "substrate_thickness_mm", "reference", "method")

    def __post_init__(self):
        d = self.thickness_nm
        if d is None or not isinstance(d, (int, float, np.floating)) or not (math.isfinite(d) and d > 0):
            raise ModelOptionError(f"the film needs its thickness: thickness_nm must be a number > 0 (nm), got {d!r}")
        if (self.substrate_n is None) == (self.substrate_nk is None):
            raise ModelOptionError("give the substrate once: substrate_n=… (complex index; 1 for a free-standing film) "
                                   "or substrate_nk=… (a table of wavenumber_cm-1, n, k)")
        if self.substrate_n is not None:
            ns = complex(self.substrate_n)
            if not (math.isfinite(ns.real) and math.isfinite(ns.imag)) or ns.real <= 0 or ns.imag < 0:
                raise ModelOptionError(f"substrate_n must be n + ik with n > 0 and k ≥ 0, got {self.substrate_n!r}")
        else:
            object.__setattr__(self, "_table", _substrate_table(self.substrate_nk))
        D = self.substrate_thickness_mm
        if D is not None and not (isinstance(D, (int, float, np.floating)) and math.isfinite(D) and D > 0):
            raise ModelOptionError(f"substrate_thickness_mm must be a number > 0 (mm) or None, got {D!r}")
        if self.reference not in ("vacuum", "substrate"):
            raise ModelOptionError(f"reference must be 'vacuum' or 'substrate', got {self.reference!r}")
        if self.method not in ("fresnel", "thin-film", "incoherent"):
            raise ModelOptionError(f"method must be 'fresnel', 'thin-film' or 'incoherent', got {self.method!r}")
        if self.method == "thin-film" and self.reference != "substrate":
            raise ModelOptionError("method='thin-film' is the Tinkham ratio T/T_substrate: use it with reference='substrate'")
        free_standing = self.substrate_n is not None and complex(self.substrate_n) == 1
        if self.reference == "vacuum" and D is None and not free_standing:
            raise ModelOptionError("an absolute transmittance (reference='vacuum') leaves through the substrate's back face: "
                                   "give substrate_thickness_mm, or reference='substrate' for a ratio to the bare substrate")

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> FilmStack | None:
        """A FilmStack from model options (``film=FilmStack`` or the flat :attr:`OPTIONS`), removing them; None if absent."""
        film = options.pop("film", None)
        flat = {k: options.pop(k) for k in cls.OPTIONS if k in options}
        if film is not None and flat:
            raise ModelOptionError(f"give the film either as film=FilmStack(…) or as {sorted(flat)}, not both")
        if film is None:
            return cls(**flat) if flat else None
        if isinstance(film, dict):
            return cls(**film)
        if not isinstance(film, cls):
            raise ModelOptionError(f"film must be a FilmStack or a dict of its options, got {type(film).__name__}")
        return film

    def substrate_index(self, nu) -> np.ndarray:
        """Complex substrate index at ν (cm⁻¹); a table is interpolated linearly (held at its ends)."""
        nu = np.asarray(nu, dtype=float)
        if self._table is None:
            return np.full(nu.shape, complex(self.substrate_n))
        t_nu, t_N = self._table
        return np.interp(nu, t_nu, t_N.real) + 1j * np.interp(nu, t_nu, t_N.imag)

    def covers(self, nu) -> tuple[float, float] | None:
        """None when the substrate is known at every ν, else the (min, max) ν of its table."""
        if self._table is None:
            return None
        lo, hi = float(self._table[0][0]), float(self._table[0][-1])
        nu = np.asarray(nu, dtype=float)
        return None if nu.size == 0 or (nu.min() >= lo and nu.max() <= hi) else (lo, hi)

    def observe(self, nu, eps, observable: str) -> np.ndarray:
        """T (``transmission``) or R (``film_reflectance``) of the stack for the film's ε at ν."""
        Ns = self.substrate_index(nu)
        D = self.substrate_thickness_mm
        if self.method == "thin-film":
            if observable == "transmission":
                return FF.thin_film_transmission(nu, eps, self.thickness_nm, Ns)
            return FF.thin_film_reflectance(nu, eps, self.thickness_nm, Ns)
        T, R = FF.film_on_substrate(nu, F.nk_from_eps(eps), self.thickness_nm, Ns, D, coherent=self.method == "fresnel")
        if observable == "film_reflectance":
            return R
        return T / FF.bare_substrate(nu, Ns, D)[0] if self.reference == "substrate" else T

    def describe(self) -> str:
        """One line for listings and result sources."""
        sub = f"n = {complex(self.substrate_n):g}" if self.substrate_n is not None else "n,k table"
        back = f", {self.substrate_thickness_mm:g} mm thick" if self.substrate_thickness_mm else ""
        return (f"film {self.thickness_nm:g} nm on a substrate ({sub}{back}), {self.method}, "
                f"transmission relative to {self.reference}")

    def __getstate__(self):
        return {k: getattr(self, k) for k in self.OPTIONS}

    def __setstate__(self, state):
        self.__init__(**state)


# --- model output and data layout -------------------------------------------------------------


def observe(nu, eps_inf, sigma, observable: str, *, sigma_reference: SigmaReference = "vacuum",
            film: FilmStack | None = None) -> np.ndarray:
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
    if observable in FILM_OBSERVABLES:
        if film is None:
            raise ModelOptionError(f"observable {observable!r} needs the film: thickness_nm=… and the substrate")
        return film.observe(nu, eps, observable)
    check_observable(observable)
    raise AssertionError("unreachable")  # pragma: no cover


def split_observable(y, observable: str) -> tuple[np.ndarray, ...]:
    """Undo the concatenation: ``(re, im)`` for complex observables, ``(y,)`` otherwise."""
    check_observable(observable)
    y = np.asarray(y, dtype=float)
    if len(OBSERVABLE_COLUMNS[observable]) == 1:
        return (y,)
    if y.size % 2:
        raise ValueError(f"observable {observable!r} needs concat(real, imag) of even length, got {y.size}")
    n = y.size // 2
    return y[:n], y[n:]


def _first(mask: np.ndarray, values: np.ndarray, nu: np.ndarray) -> str:
    i = int(np.flatnonzero(mask)[0])
    return f"{int(mask.sum())} value(s), the first {values[i]:g} at {nu[i]:g} cm-1"


def check_data(nu, parts, observable: str, *, where: str = "the data") -> None:
    """:class:`DataFormatError` in one sentence for data no passive sample can give.

    ν ≤ 0; reflectance outside [0, 1]; k < 0 (N = n + ik with k ≥ 0 in the e^{−iωt} convention).
    """
    nu = np.asarray(nu, dtype=float)
    cols = OBSERVABLE_COLUMNS[observable]
    bad = nu <= 0
    if bad.any():
        raise DataFormatError(f"{where}: column {NU!r} has {int(bad.sum())} value(s) ≤ 0 (the first {nu[bad][0]:g}); "
                              "optical frequencies must be > 0 cm-1", column=NU)
    if cols == ("reflectance",):
        R = np.asarray(parts[0], dtype=float)
        for mask, what in ((R > 1, "above 1"), (R < 0, "below 0")):
            if mask.any():
                raise DataFormatError(f"{where}: column 'reflectance' has {_first(mask, R, nu)}, {what}; reflectance is a "
                                      "fraction between 0 and 1 (divide percent by 100)", column="reflectance")
    if observable == "nk":
        k = np.asarray(parts[1], dtype=float)
        if (k < 0).any():
            raise DataFormatError(f"{where}: column 'k' has negative {_first(k < 0, k, nu)}; N = n + ik needs k ≥ 0 "
                                  "(e^{-iωt} convention: a passive medium absorbs)", column="k")


def envelope(nu, magnitude) -> np.ndarray:
    """A smooth envelope of |y|: max(median of |y| nearby, ENVELOPE_FRACTION × the largest |y| nearby).

    "Nearby": within ±ENVELOPE_SPAN (10 %) in ν, or the ENVELOPE_NEIGHBOURS points on either side
    when the data are sparser than that (the median over as many points on either side, so that
    it is |y| itself for monotone data and at the ends).  For smooth data the local median is |y| itself; for noisy
    data it decouples a point's weight from its own noise (weights taken from the noisy value
    would bias the fit); near a zero crossing the local maximum keeps it finite.  Non-finite |y|
    or ν stay non-finite there (the fit leaves such points out) and do not spread.
    """
    nu = np.asarray(nu, dtype=float)
    raw = np.abs(np.asarray(magnitude, dtype=float))
    good = np.isfinite(raw) & np.isfinite(nu)
    out = np.full(raw.shape, np.nan)
    idx = np.flatnonzero(good)
    order = idx[np.argsort(nu[idx], kind="stable")]
    s_nu, s_a = nu[order], raw[order]
    pos = np.arange(s_nu.size)
    lo = np.minimum(np.searchsorted(s_nu, s_nu / (1.0 + ENVELOPE_SPAN), side="left"), np.maximum(pos - ENVELOPE_NEIGHBOURS, 0))
    hi = np.minimum(np.maximum(np.searchsorted(s_nu, s_nu * (1.0 + ENVELOPE_SPAN), side="right"), pos + ENVELOPE_NEIGHBOURS + 1),
                    s_nu.size)
    half = np.minimum(pos - lo, hi - 1 - pos)  # the median over a window symmetric in count: the point itself at the ends
    med = np.array([np.median(s_a[p - h : p + h + 1]) for p, h in zip(pos, half)]) if s_a.size else s_a
    top = np.array([s_a[i:j].max() for i, j in zip(lo, hi)]) if s_a.size else s_a
    out[order] = np.maximum(med, ENVELOPE_FRACTION * top)
    return out


def relative_weights(nu, y, observable: str) -> np.ndarray:
    """Default weights: 1/|y| per point and per part, |y| floored by its local envelope (module docstring).

    Each part of a complex observable is weighted relative to its own envelope, and not below
    MODULUS_FLOOR of the complex modulus (a part that small is not resolved).  Same length as
    ``y``; points whose parts are zero all around fall back to the largest weight elsewhere.
    """
    parts = [np.asarray(p, dtype=float) for p in split_observable(y, observable)]
    mag = np.sqrt(sum(p**2 for p in parts))
    out = []
    for p in parts:
        env = envelope(nu, p)
        if len(parts) > 1:
            env = np.maximum(env, MODULUS_FLOOR * mag)
        usable = np.isfinite(env) & (env > 0)
        floor = env[usable].min() if usable.any() else 1.0
        out.append(np.where(np.isfinite(env), 1.0 / np.where(usable, env, floor), np.nan))
    return np.concatenate(out)


def error_weights(df, observable: str) -> tuple[np.ndarray, str] | None:
    """(1/error for every part, text) when ``df.attrs["sigmafit"]["errors"]`` names error columns, else None.

    ``errors`` maps a data column to its uncertainty column (same units).  Every part of the
    observable needs one; errors must be > 0.
    """
    errors = (df.attrs.get("sigmafit", {}) or {}).get("errors") or {}
    cols = OBSERVABLE_COLUMNS[observable]
    given = [c for c in cols if errors.get(c) in df.columns]
    if not given:
        return None
    if len(given) != len(cols):
        missing = [c for c in cols if c not in given]
        raise DataFormatError(f"the data give uncertainties for {given} but not for {missing}; give them for every part "
                              "of the observable or pass weights=…", column=missing[0])
    out = []
    for c in cols:
        e = np.asarray(df[errors[c]], dtype=float)
        if not np.all(np.isfinite(e) & (e > 0)):
            raise DataFormatError(f"uncertainty column {errors[c]!r} of {c!r} has values that are not > 0", column=errors[c])
        out.append(1.0 / e)
    return np.concatenate(out), "1/" + "+".join(errors[c] for c in cols)


def stack_observable(df, observable: str, *, weighting: Literal["relative", "part", "none"] = "relative", x: str = NU):
    """Build ``(x, y, weights)`` for fitting ``observable`` from a tidy DataFrame.

    ``x`` is ν (length N); ``y`` the observable (N) or ``concat(re, im)`` (2N) from
    :data:`OBSERVABLE_COLUMNS`; ``weights`` has the length of ``y``: ``"relative"`` (default,
    :func:`relative_weights`), ``"part"`` (each part divided by its RMS) or ``"none"`` (ones).
    Rows are sorted by ν; non-finite values and data no passive sample gives (:func:`check_data`)
    raise :class:`DataFormatError` (nothing is dropped silently).
    """
    check_observable(observable)
    cols = (x,) + OBSERVABLE_COLUMNS[observable]
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataFormatError(f"observable {observable!r} needs column(s) {missing}; the data has {list(df.columns)}", column=missing[0])
    sub = df.loc[:, list(dict.fromkeys(cols))].sort_values(x, kind="stable")
    for c in cols:
        bad = ~np.isfinite(sub[c].to_numpy(dtype=float))
        if bad.any():
            raise DataFormatError(f"column {c!r} has {int(bad.sum())} non-finite value(s); drop or fill them before fitting", column=c)
    xv = sub[x].to_numpy(dtype=float)
    parts = [sub[c].to_numpy(dtype=float) for c in OBSERVABLE_COLUMNS[observable]]
    src = (df.attrs.get("sigmafit", {}) or {}).get("source")
    check_data(xv, parts, observable, where=str(src) if src else "the data")
    y = np.concatenate(parts)
    if weighting == "relative":
        w = relative_weights(xv, y, observable)
    elif weighting == "part":
        w = np.concatenate([np.full(p.shape, 1.0 / (float(np.sqrt(np.mean(p**2))) or 1.0)) for p in parts])
    elif weighting == "none":
        w = np.ones(y.shape)
    else:
        raise ValueError(f"weighting must be 'relative', 'part' or 'none', got {weighting!r}")
    return xv, y, w


def sigma_from_data(y, nu, observable: str) -> np.ndarray | None:
    """σ (S/cm) from data of ``observable`` (start values, spectral weight of the data).

    Complex (σ2 referred to vacuum) for ``sigma``, ``eps`` and ``nk``; real σ1 for ``sigma1``;
    None for reflectance and film observables (they need a model or Kramers–Kronig).
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


def best_observable(columns) -> str:
    """The most informative observable present among ``columns``: nk, eps, sigma (σ1+σ2), reflectance, sigma1.

    Transmittance needs the film (thickness, substrate): it is never chosen automatically.
    """
    cols = set(columns)
    for name in ("nk", "eps", "sigma", "reflectance", "sigma1"):
        if set(OBSERVABLE_COLUMNS[name]) <= cols:
            return name
    return "sigma1"
