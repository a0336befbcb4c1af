"""The error of a field offset estimated from the data, put into the errors of a Hall-curve fit.

A Hall curve prepared with ``field_offset="auto"`` took B₀ from the symmetry of R_xx
(:func:`sigmafit.prepare.hall_offset.hall_field_offset`) with a standard error σ
(:func:`~sigmafit.prepare.hall_offset.hall_field_offset_error`).  The densities and mobilities fitted to it move
with B₀ (the R_xx that misaligned contacts put into R_xy leaks into the Hall part in proportion to B₀'s error), so
the fit is repeated at B₀ ± σ and the half-difference of every value is added to its error in quadrature.
"""

from __future__ import annotations

import numpy as np

from ..prepare.carriers import OFFSET_LEAK_START
from ..prepare.hall_offset import curve_field_offset

#: The errors' share of the field offset's uncertainty is said when it moves a value by this many of its own errors.
OFFSET_ERROR_SAID = 0.3


def with_field_offset_error(result, curve: pd.DataFrame, refit) -> None:
    """Errors of a Hall-curve fit that include the uncertainty of the field offset estimated from the data.

    ``curve`` was prepared with ``field_offset="auto"``: B₀ from the symmetry of R_xx and its standard error σ
    (:func:`sigmafit.prepare.hall_offset.hall_field_offset_error`).  ``refit(sign)`` prepares the same curve with
    its field offset B₀ + sign·σ (T) and fits it; at B₀ ± σ each value (parameters and derived ones) moves by ±d, and
    √(stderr² + d²), d the half-difference, replaces its stderr in ``result`` (in place; the leak of an offset error δ
    into the Hall part, q·δ·dR_xx/dB, is linear in δ).  The sentence that says the errors leave B₀'s error out is
    replaced (in the warnings and the source record) by one that says they include it (when some d ≥ ``OFFSET_ERROR_SAID`` × stderr).  Nothing changes where
    B₀ was given, or is undetermined (flat R_xx: no offset subtracted).  ``sigmafit fit`` and ``sigmafit batch`` come
    here (:class:`sigmafit.workflow.OffsetRefit`); global fits (``--share``) do not: their results keep the
    preparation's sentence.
    """
    found = curve_field_offset(curve)
    if found is None:
        return
    b0, sigma = found
    sides = []
    for sign in (1.0, -1.0):
        try:
            other = refit(sign)
        except Exception:  # noqa: BLE001 - a side that cannot be prepared or fitted: the other one decides
            continue
        if other.success:
            sides.append(other.params)
    if not sides:
        result.warnings.append(f"the field offset B0 = {b0 * 1e3:.3g} ± {sigma * 1e3:.2g} mT could not be propagated "
                               "into the errors (the fits at B0 ± its error failed)")
        return
    worst = 0.0
    for name, par in result.params.items():
        err = par.stderr
        moved = [p[name].value for p in sides if name in p and np.isfinite(p[name].value)]
        if err is None or not np.isfinite(err) or err <= 0 or not moved:
            continue
        d = 0.5 * abs(moved[0] - moved[1]) if len(moved) == 2 else abs(moved[0] - par.value)
        par.stderr = float(np.hypot(err, d))
        worst = max(worst, d / err)
    result.warnings = [w for w in result.warnings if not w.startswith(f"assumed: {OFFSET_LEAK_START}")]
    kept = [a for a in result.source.get("assumptions") or [] if not a.startswith(OFFSET_LEAK_START)]
    if "assumptions" in result.source:  # the record says what the errors now include, not the opposite
        result.source = {**result.source, "assumptions": kept}
    if worst >= OFFSET_ERROR_SAID:
        mt = f"{sigma * 1e3:.2g} mT"
        result.warnings.append(f"assumed: the field offset B0 = {b0 * 1e3:.3g} ± {mt}, estimated from the symmetry of "
                               f"R_xx; the errors include its uncertainty (the fits at B0 ± {mt} moved the values by up "
                               f"to {worst:.2g}× their own errors)")
