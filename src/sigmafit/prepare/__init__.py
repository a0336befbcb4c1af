"""Pure DataFrame → DataFrame preparation steps (DESIGN §1): channels, sweeps, field offset and
(anti)symmetrization, geometry, R → σ → Δσ, windows, optics conversions, and the
:func:`magnetoconductance` pipeline.

Kramers–Kronig: :func:`sigmafit.prepare.optics.kramers_kronig` (the DataFrame step) on the transforms of
:mod:`sigmafit.prepare.kramers_kronig`.  No function modifies its input; each returns a new DataFrame with a deep copy of
``attrs`` and a record of the step appended to ``attrs["sigmafit"]["prepare"]``.
"""

from __future__ import annotations

from . import carriers, heat
from .carriers import hall_curves, kohler, kohler_collapse, lorenz_ratio
from .channels import channel_roles, select, to_wide
from .conductance import delta_sigma, in_units, sheet_conductance, sigma_at_zero
from .heat import c_over_t, molar_heat_capacity
from .geometry import (
    Geometry,
    resistivity,
    sheet_from_resistivity,
    sheet_resistance,
    to_resistivity,
    to_sheet,
    vdp_sheet_resistance,
)
from .optics import add_optical_conductivity, eps_to_nk, eps_to_sigma, kk_sigma2, nk_to_eps, sigma_to_eps
from .pipeline import group_levels, magnetoconductance
from .split import split_curves
from .sweeps import dedupe_turning_points, describe_sweeps, segment
from .symmetrize import antisymmetrize, apply_field_offset, default_grid, field_offset, symmetrize, symmetrize_parts
from .windows import field_window, window

__all__ = [
    "Geometry",
    "add_optical_conductivity",
    "c_over_t",
    "carriers",
    "antisymmetrize",
    "apply_field_offset",
    "channel_roles",
    "dedupe_turning_points",
    "default_grid",
    "delta_sigma",
    "describe_sweeps",
    "eps_to_nk",
    "eps_to_sigma",
    "field_offset",
    "field_window",
    "group_levels",
    "hall_curves",
    "heat",
    "in_units",
    "kk_sigma2",
    "kohler",
    "kohler_collapse",
    "lorenz_ratio",
    "magnetoconductance",
    "molar_heat_capacity",
    "nk_to_eps",
    "resistivity",
    "segment",
    "select",
    "sheet_conductance",
    "sheet_from_resistivity",
    "sheet_resistance",
    "sigma_at_zero",
    "sigma_to_eps",
    "split_curves",
    "symmetrize",
    "symmetrize_parts",
    "to_resistivity",
    "to_sheet",
    "to_wide",
    "vdp_sheet_resistance",
    "window",
]
