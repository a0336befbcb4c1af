"""Classical backgrounds composable with any magnetoconductance model (``model + QuadraticBackground()``)."""

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
    params_table = (Param("c2", "S/T²", 0.0, description="B² coefficient of the classical background"),)
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
