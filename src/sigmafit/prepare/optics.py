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
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..constants import Z_OPT
from ..exceptions import DataFormatError
from ._common import finish, require

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
