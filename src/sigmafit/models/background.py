"""Backgrounds composable with any magnetoconductance model (``model + QuadraticBackground()``): the classical
B² term, and the constant offset that a Δσ measured from a reference other than σ(0) carries."""

from __future__ import annotations

import numpy as np

from .base import Param, Reference, SigmafitModel
from .registry import register


@register
class QuadraticBackground(SigmafitModel):
    """Δσ_bg(B) = c2 · B²  (S), the single-band orbital magnetoconductance.

    Add it to a weak-localization model when the fit window reaches fields where the
    classical term matters; otherwise the background is absorbed into α.
    """

    name = "quadratic-bg"
    family = "background"
    physics = "classical orbital magnetoconductance c2·B² (add to a WL model)"
    x = "field_T"
    y = "delta_sigma_S"
    params_table = (Param("c2", "S/T²", 0.0, description="B² coefficient of the classical background", zero_ok=True),)
    background_power = 2
    reference_values = (
        Reference({"c2": -3e-5}, (0.5, -2.0, 0.0), (-7.5e-6, -1.2e-4, 0.0), "hand: c2·B², even in B",
                  options={"prefix": ""}),
    )

    def __init__(self, prefix: str = "bg_", **kwargs):
        super().__init__(prefix=prefix, **kwargs)

    @staticmethod
    def function(B, c2):
        """c2·B² in S for B in T and c2 in S/T²."""
        return c2 * np.square(B)


@register
class OffsetBackground(SigmafitModel):
    """Δσ_bg = c0 (S), a constant.

    Δσ computed from raw R(B) is σ(B) minus a *measured* reference (the σ at the smallest |B|), not minus the
    unmeasurable σ(0): it differs from σ(B) − σ(0) by a constant, which this term carries, so that neither the
    reference's noise nor its distance from B = 0 goes into L_φ.  ``sigmafit.fit`` adds it by itself to data whose
    preparation says so (``attrs["sigmafit"]["delta_sigma_reference"]``).
    """

    name = "offset-bg"
    family = "background"
    physics = "constant Δσ offset: the reference of Δσ is a measured point, not σ(0)"
    x = "field_T"
    y = "delta_sigma_S"
    params_table = (Param("c0", "S", 0.0, description="constant offset of Δσ (S)", zero_ok=True),)
    background_power = 0

    def __init__(self, prefix: str = "off_", **kwargs):
        super().__init__(prefix=prefix, **kwargs)

    @staticmethod
    def function(B, c0):
        """c0 in S at every field B (T)."""
        return c0 * np.ones_like(np.asarray(B, dtype=float))
