"""One rounding rule for "value ± error" everywhere (tables, text reports, HTML).

The Particle Data Group rule: look at the three most significant digits of the
error.  100–354 → keep two significant digits; 355–949 → one; 950–999 → round the
error up to 1000 and keep two.  The value is rounded to the same decimal place as
the error.  Without an error (``None``/NaN) the value is shown with 4 significant digits.
"""

from __future__ import annotations

import math


def _digits(err: float) -> tuple[int, float]:
    """(number of significant digits, error rounded) under the PDG rule."""
    exp = math.floor(math.log10(err))
    three = round(err / 10 ** (exp - 2))  # three leading digits, 100..1000
    if three >= 1000:
        exp += 1
        three = round(err / 10 ** (exp - 2))
    if three <= 354:
        nsig = 2
    elif three <= 949:
        nsig = 1
    else:
        return 2, 10 ** (exp + 1)
    return nsig, round(err, -(exp - nsig + 1))


def round_pdg(value: float, error: float | None) -> tuple[str, str | None]:
    """Strings for value and error rounded by the PDG rule (error ``None`` if not estimable).

    Fixed notation when the larger of |value| and error lies between 10⁻² and 10⁶; otherwise
    scientific notation with one common exponent taken from the larger of the two: the value
    is the mantissa and the error carries the exponent, ``("1.000002", "0.000009e-03")``
    meaning (1.000002 ± 0.000009)·10⁻³.
    """
    if value is None or not math.isfinite(value):
        return ("nan" if value is None else str(value)), None
    if error is None or not math.isfinite(error) or error <= 0:
        return f"{value:.4g}", None
    if value != 0 and error > 10 * abs(value):
        # the value is swamped by its error: keep both readable rather than rounding the value to 0
        return f"{value:.2g}", f"{error:.1g}"
    nsig, err = _digits(error)
    last = math.floor(math.log10(err)) - nsig + 1  # decimal position of the last kept digit
    big = max(abs(value), err)
    exp = math.floor(math.log10(big))
    if -2 <= exp < 6:
        d = max(-last, 0)
        return f"{round(value, -last):.{d}f}", f"{err:.{d}f}"
    scale = 10.0**exp
    d = max(exp - last, 0)
    return f"{value / scale:.{d}f}", f"{err / scale:.{d}f}e{exp:+d}"


def format_value(value: float, error: float | None, unit: str = "") -> str:
    """``"212 ± 3 nm"``; ``"212.4 (± n/a) nm"`` when the error could not be estimated."""
    v, e = round_pdg(value, error)
    u = f" {unit}" if unit else ""
    if e is None:
        return f"{v} (± n/a){u}"
    if "e" in e and "e" not in v:  # common exponent: (1.000 ± 0.009)e-03
        mant, exp = e.split("e")
        return f"({v} ± {mant})e{exp}{u}"
    return f"{v} ± {e}{u}"
