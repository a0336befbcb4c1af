r"""Optical constants: (n, k) ↔ ε ↔ σ, frequencies in cm⁻¹, conductivity in S/cm.

Convention (DESIGN §3, PHYSICS §5): time dependence :math:`e^{-i\omega t}`,
:math:`\varepsilon(\omega) = \varepsilon_\infty + i\sigma(\omega)/(\varepsilon_0\omega)`, so

.. math::
    \sigma = -i\varepsilon_0\omega(\varepsilon - \varepsilon_\infty),\qquad
    \sigma_1 = \nu\,\varepsilon_2 / Z,\qquad \sigma_2 = -\nu\,(\varepsilon_1 - \varepsilon_\infty)/Z,

with ν in cm⁻¹, σ in S/cm and Z = 1/(2πcε0) ≈ 59.9585 Ω (``constants.Z_OPT``).  With
ε∞ = 1 (default) σ is the total response of all charges (bound ones included); pass the
background ε∞ to get the free-carrier part.  From n, k: ε = (n + ik)², i.e.
ε1 = n² − k², ε2 = 2nk, hence σ1 = 2nkν/Z.

Kramers–Kronig steps (the transforms on arrays in :mod:`sigmafit.prepare.kramers_kronig`):
:func:`kramers_kronig` turns a reflectance spectrum into its phase and n, k,
ε, σ; :func:`kk_sigma2` adds σ2 to a σ1 spectrum.  Both record their extrapolations in
``attrs["sigmafit"]["prepare"]``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..constants import Z_OPT
from ..exceptions import DataFormatError
from . import kramers_kronig as KK
from ._common import finish, meta_of, require

NU = "wavenumber_cm-1"


def nk_to_eps(n, k):
    r"""Dielectric function from the complex refractive index: ε = (n + ik)².

    Returns ``(eps1, eps2) = (n² − k², 2nk)`` (dimensionless).
    """
    n = np.asarray(n, float)
    k = np.asarray(k, float)
    return n * n - k * k, 2.0 * n * k


def eps_to_nk(eps1, eps2):
    r"""Inverse of :func:`nk_to_eps`: n = √((|ε| + ε1)/2), k = √((|ε| − ε1)/2) (n ≥ 0, k ≥ 0 for ε2 ≥ 0)."""
    e1 = np.asarray(eps1, float)
    e2 = np.asarray(eps2, float)
    mod = np.hypot(e1, e2)
    n = np.sqrt(np.maximum((mod + e1) / 2.0, 0.0))
    k = np.sign(e2) * np.sqrt(np.maximum((mod - e1) / 2.0, 0.0))
    k = np.where(e2 == 0, np.sqrt(np.maximum(-e1, 0.0)), k)
    return n, k


def eps_to_sigma(nu_cm1, eps1, eps2, eps_inf: float = 1.0):
    r"""Optical conductivity (S/cm) from ε at wavenumber ν (cm⁻¹), convention :math:`e^{-i\omega t}`.

    .. math:: \sigma_1 = \nu\,\varepsilon_2/Z, \qquad \sigma_2 = -\nu(\varepsilon_1 - \varepsilon_\infty)/Z

    Z = 1/(2πcε0) ≈ 59.9585 Ω.  Returns ``(sigma1, sigma2)``.
    """
    nu = np.asarray(nu_cm1, float)
    return nu * np.asarray(eps2, float) / Z_OPT, -nu * (np.asarray(eps1, float) - eps_inf) / Z_OPT


def sigma_to_eps(nu_cm1, sigma1, sigma2, eps_inf: float = 1.0):
    r"""Inverse of :func:`eps_to_sigma`: ε1 = ε∞ − Zσ2/ν, ε2 = Zσ1/ν (ν in cm⁻¹, σ in S/cm).

    ν = 0 gives ±inf/NaN (no warning).  Returns ``(eps1, eps2)``.
    """
    nu = np.asarray(nu_cm1, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return eps_inf - Z_OPT * np.asarray(sigma2, float) / nu, Z_OPT * np.asarray(sigma1, float) / nu


def add_optical_conductivity(df: pd.DataFrame, *, eps_inf: float = 1.0) -> pd.DataFrame:
    """Add ``eps1``, ``eps2``, ``sigma1_S_per_cm``, ``sigma2_S_per_cm`` from what exists.

    Source, in order of preference: ``eps1``/``eps2``; ``n``/``k`` (ε = (n + ik)²);
    ``sigma1_S_per_cm``/``sigma2_S_per_cm`` (then only ε is added).  Needs
    ``wavenumber_cm-1``.  Existing columns are not overwritten.
    """
    require(df, [NU], "add_optical_conductivity")
    cols = set(df.columns)
    out = df.copy()
    nu = out[NU].to_numpy(float)
    if {"eps1", "eps2"} <= cols:
        source = "eps1/eps2"
        e1, e2 = out["eps1"].to_numpy(float), out["eps2"].to_numpy(float)
    elif {"n", "k"} <= cols:
        source = "n/k"
        e1, e2 = nk_to_eps(out["n"].to_numpy(float), out["k"].to_numpy(float))
    elif {"sigma1_S_per_cm", "sigma2_S_per_cm"} <= cols:
        source = "sigma1/sigma2"
        e1, e2 = sigma_to_eps(nu, out["sigma1_S_per_cm"].to_numpy(float), out["sigma2_S_per_cm"].to_numpy(float), eps_inf)
    else:
        raise DataFormatError(
            "add_optical_conductivity needs columns ('eps1', 'eps2') or ('n', 'k') or "
            f"('sigma1_S_per_cm', 'sigma2_S_per_cm'); the data have: {', '.join(map(str, df.columns))}",
            column="eps1",
        )
    s1, s2 = eps_to_sigma(nu, e1, e2, eps_inf)
    for name, val in (("eps1", e1), ("eps2", e2), ("sigma1_S_per_cm", s1), ("sigma2_S_per_cm", s2)):
        if name not in cols:
            out[name] = val
    return finish(out, df, "add_optical_conductivity", source=source, eps_inf=eps_inf, convention="exp(-i omega t)")


_KK_COLUMNS = ("reflectance_phase_rad", "n", "k", "eps1", "eps2", "sigma1_S_per_cm", "sigma2_S_per_cm")


def _spectrum(df: pd.DataFrame, column: str, what: str) -> tuple[np.ndarray, np.ndarray]:
    """(ν, y) as float arrays, refusing what a Kramers–Kronig transform cannot take, in one sentence."""
    require(df, [NU, column], what)
    where = meta_of(df).get("source") or "the data"
    nu, y = df[NU].to_numpy(float), df[column].to_numpy(float)
    bad = ~(np.isfinite(nu) & np.isfinite(y))
    if bad.any():
        raise DataFormatError(f"{where}: {int(bad.sum())} row(s) without a finite {NU!r} and {column!r}; "
                              f"{what} needs the whole spectrum (drop or fill them first)", column=column)
    if (nu <= 0).any():
        raise DataFormatError(f"{where}: column {NU!r} has {int((nu <= 0).sum())} value(s) ≤ 0; optical frequencies "
                              "must be > 0 cm-1", column=NU)
    if np.unique(nu).size != nu.size:
        raise DataFormatError(f"{where}: column {NU!r} repeats frequencies; average the repeated points before {what}",
                              column=NU)
    return nu, y


def kramers_kronig(df: pd.DataFrame, *, low: str = "hagen-rubens", sigma_dc: float | None = None, drude=None,
                   high_power: float = 4.0, nu_free: float | None = None, anchor=None) -> pd.DataFrame:
    """Reflectance → phase → n, k, ε, σ by Kramers–Kronig (normal incidence, bulk sample).

    Needs ``wavenumber_cm-1`` (cm⁻¹) and ``reflectance`` (fraction, 0 < R ≤ 1).  Adds
    ``reflectance_phase_rad`` (θ of r = (N − 1)/(N + 1) = √R e^{iθ}), ``n``, ``k``, ``eps1``,
    ``eps2``, ``sigma1_S_per_cm``, ``sigma2_S_per_cm`` (σ referred to vacuum, S/cm).  Extrapolations
    (:mod:`sigmafit.prepare.kramers_kronig`): ``low`` = ``"hagen-rubens"`` (with
    ``sigma_dc`` in S/cm, or matched to the lowest point), ``"drude"`` (``drude=(wp, gamma[,
    eps_inf])`` in cm⁻¹, e.g. from a Drude fit of the low-frequency reflectance), ``"constant"``
    or ``"insulator"``; above the data R ∝ ν^(−high_power) up to ``nu_free`` (cm⁻¹), then ν⁻⁴.
    Values near either end of the data depend on these choices: trust the middle of the range.
    Below the plasma edge of a metal (R ≈ 1) σ1 hangs on the phase: give ``anchor=(nu_a, n_a + i·k_a)``,
    the index known at one frequency (e.g. from ellipsometry), to remove the phase error of the
    unknown absorption above the data (see :mod:`sigmafit.prepare.kramers_kronig`).
    The input is not modified; columns it already has are not overwritten (an error says so).
    """
    nu, R = _spectrum(df, "reflectance", "kramers_kronig")
    where = meta_of(df).get("source") or "the data"
    for mask, what in ((R > 1, "above 1"), (R <= 0, "≤ 0")):
        if mask.any():
            raise DataFormatError(f"{where}: column 'reflectance' has {int(mask.sum())} value(s) {what} (the first "
                                  f"{R[mask][0]:g}); Kramers–Kronig needs 0 < R ≤ 1 (a fraction, not percent)", column="reflectance")
    taken = [c for c in _KK_COLUMNS if c in df.columns]
    if taken:
        raise DataFormatError(f"{where}: kramers_kronig derives {taken} from the reflectance but the data already have "
                              "them; drop those columns first", column=taken[0])
    options = {"low": low, "sigma_dc": sigma_dc, "drude": None if drude is None else tuple(float(v) for v in drude),
                   "high_power": float(high_power), "nu_free": nu_free}
    try:
        theta = KK.reflectance_phase(nu, R, **options, anchor=anchor)
    except ValueError as exc:
        raise DataFormatError(f"kramers_kronig: {exc}", column="reflectance") from None
    r = np.sqrt(R) * np.exp(1j * theta)
    N = (1.0 + r) / (1.0 - r)
    e1, e2 = nk_to_eps(N.real, N.imag)
    s1, s2 = eps_to_sigma(nu, e1, e2)
    out = df.copy()
    for name, val in zip(_KK_COLUMNS, (theta, N.real, N.imag, e1, e2, s1, s2)):
        out[name] = val
    anchored = None if anchor is None else [float(anchor[0]), complex(anchor[1]).real, complex(anchor[1]).imag]
    return finish(out, df, "kramers_kronig", **options, anchor_nu_n_k=anchored, convention="r = (N - 1)/(N + 1), exp(-i omega t)")


def kk_sigma2(df: pd.DataFrame, *, low: str = "constant", drude=None, high_power: float = 2.0) -> pd.DataFrame:
    """Add ``sigma2_S_per_cm`` from ``sigma1_S_per_cm`` by Kramers–Kronig (σ2 referred to vacuum, S/cm).

    σ2(ν) = −(2ν/π) P∫₀^∞ σ1(x)/(x² − ν²) dx with σ1 extended below the data by ``low``
    (``"constant"`` dc plateau, ``"drude"`` with ``drude=(wp, gamma)`` in cm⁻¹, ``"insulator"``
    σ1 ∝ ν²) and above it as σ1 ∝ ν^(−high_power).  The data must hold all the absorption that
    matters (otherwise ε∞ − 1 is missing from σ2).  An existing ``sigma2_S_per_cm`` is an error.
    """
    nu, s1 = _spectrum(df, "sigma1_S_per_cm", "kk_sigma2")
    if "sigma2_S_per_cm" in df.columns:
        raise DataFormatError("kk_sigma2: the data already have 'sigma2_S_per_cm'; drop it first", column="sigma2_S_per_cm")
    options = {"low": low, "drude": None if drude is None else tuple(float(v) for v in drude), "high_power": float(high_power)}
    try:
        s2 = KK.sigma2_from_sigma1(nu, s1, **options)
    except ValueError as exc:
        raise DataFormatError(f"kk_sigma2: {exc}", column="sigma1_S_per_cm") from None
    out = df.copy()
    out["sigma2_S_per_cm"] = s2
    return finish(out, df, "kk_sigma2", **options, convention="exp(-i omega t), sigma2 referred to vacuum")
