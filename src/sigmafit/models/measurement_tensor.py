"""The sample's tensor in the measurement model's parameter names: Drude band(s) plus a weak-localization Δσ.

Glue between the parameter rows of :class:`sigmafit.models.measurement.MeasurementModel` (``sigma0{s}``,
``mu{s}``, ``sign{s}`` per band suffix ``s``) and the one classical tensor of
:mod:`sigmafit.models.formulas.tensor`; used by the model and by its start values.  SI sheet quantities inside;
mobilities in the parameters are in cm²/(V·s).
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from ..constants import E_CHARGE, MOBILITY_SI
from .formulas import tensor

#: mobility floor (m²/Vs) so that n = σ0/(eμ) stays finite at μ → 0
_MU_FLOOR = 1e-30


def drude_bands(p: Mapping[str, float], suffixes) -> list[tuple[float, float, float]]:
    """``[(n, mu, sign), …]`` for :func:`~sigmafit.models.formulas.tensor.conductivity` from ``sigma0{s}``, ``mu{s}``,
    ``sign{s}`` of each band suffix, in SI: ``mu{s}`` in cm²/(V·s) becomes m²/(V·s) (floored at 1e-30 so that μ → 0
    stays finite) and n = σ0/(eμ) is in m⁻²."""
    out = []
    for s in suffixes:
        mu = max(p[f"mu{s}"] * MOBILITY_SI, _MU_FLOOR)
        out.append((p[f"sigma0{s}"] / (E_CHARGE * mu), mu, p[f"sign{s}"]))
    return out


def resistivity(Bt, p: Mapping[str, float], suffixes, delta_sigma, fukuyama: bool) -> tuple[np.ndarray, np.ndarray]:
    """(ρ_xx, ρ_xy) in Ω of Drude band(s) ``p`` with the correction ``delta_sigma`` (S) at the true field ``Bt`` (T).

    ``fukuyama``: every band's σ0 and μ scaled by f = 1 + Δσ/Σσ0 (transport-time renormalization); else Δσ is
    added to σ_xx and σ_xy stays classical (module docstring, step 4).
    """
    bands = drude_bands(p, suffixes)
    if fukuyama:
        total = sum(p[f"sigma0{s}"] for s in suffixes)
        f = 1.0 + np.asarray(delta_sigma, dtype=float) / total
        return tensor.resistivity(Bt, [(n, mu * f, sign) for n, mu, sign in bands])
    sxx, sxy = tensor.conductivity(Bt, bands)
    return tensor.invert(sxx + delta_sigma, sxy)
