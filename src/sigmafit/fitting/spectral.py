"""Spectral weight of an optics fit: ∫σ1 dν up to chosen cut-offs, from the data and from the model.

W(Ω) = ∫_0^Ω σ1(ν) dν in S/cm·cm⁻¹; the effective plasma frequency ω_p,eff = √(SUM_RULE·W)
(SUM_RULE = 2Z/π ≈ 38.1708, PHYSICS.md §5) and N_eff = n/(m*/m_e) in cm⁻³.  The data integral
starts at the lowest measured frequency; the model integral starts at 0 (analytic), so the two
differ by the weight below the data range.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..constants import CM1_PER_EV
from ..exceptions import FitError
from ..models.formulas import optics as F
from ..models.optics import OpticsModel, sigma_from_data


def spectral_weight_table(result, cutoffs_cm1: Sequence[float], *, m_eff: float = 1.0) -> pd.DataFrame:
    """One row per cut-off (cm⁻¹): W and ω_p,eff and N_eff from the data and from the fitted model.

    Columns: ``cutoff_cm-1``, ``cutoff_eV``, ``W_data``, ``W_model`` (S/cm·cm⁻¹),
    ``wp_eff_data_cm-1``, ``wp_eff_model_cm-1``, ``n_eff_data_cm-3``, ``n_eff_model_cm-3``.
    Data columns are NaN for reflectance (no σ1 without Kramers–Kronig) or outside the data range.
    """
    model = result.model
    if not isinstance(model, OpticsModel):
        raise FitError(f"spectral weight needs an optics fit, not {result.model_name!r}")
    cut = np.asarray(cutoffs_cm1, dtype=float)
    sigma = sigma_from_data(result.y, result.x, model.observable)
    rows = []
    for c in cut:
        w_model = float(model.spectral_weight(result.params, c))
        w_data = np.nan
        if sigma is not None and result.x.min() <= c <= result.x.max():
            w_data = float(F.spectral_weight(result.x, np.real(sigma), [c])[0])
        wp_d, wp_m = F.effective_wp(w_data), F.effective_wp(w_model)
        rows.append({
            "cutoff_cm-1": float(c), "cutoff_eV": float(c / CM1_PER_EV),
            "W_data": w_data, "W_model": w_model,
            "wp_eff_data_cm-1": float(wp_d), "wp_eff_model_cm-1": float(wp_m),
            "n_eff_data_cm-3": float(F.n_eff(wp_d, m_eff=m_eff)), "n_eff_model_cm-3": float(F.n_eff(wp_m, m_eff=m_eff)),
        })
    return pd.DataFrame(rows)


def sum_rule_check(result) -> float:
    """Relative deviation of SUM_RULE·W_model(∞) from Σω_p² of the fitted terms (0 for an exact model)."""
    model = result.model
    total = float(model.spectral_weight(result.params, np.inf))
    wp2 = sum(float(p.value) ** 2 for name, p in result.params.items()
              if name.startswith(model.prefix + "wp") and not p.expr)
    return abs(F.effective_wp(total) ** 2 - wp2) / wp2 if wp2 > 0 else float("nan")
