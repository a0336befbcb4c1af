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


def _significant(x: float, n: int, sci: bool) -> str:
    """``x`` with ``n`` significant digits, in scientific notation or (``sci=False``) fixed."""
    exp = math.floor(math.log10(abs(x)))
    if not sci:
        d = max(n - 1 - exp, 0)
        return f"{round(x, n - 1 - exp):.{d}f}"
    return f"{x:.{n - 1}e}"


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
        # the value is swamped by its error: keep both readable rather than rounding the value to 0, each with
        # its own significant digits and no common exponent (so "−9.7 ± 130", never "(−9.7 ± 1)e+02")
        sci = not all(1e-2 <= abs(x) < 1e6 for x in (value, error))
        return _significant(value, 2, sci), _significant(error, 2, sci)
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


# ---------------------------------------------------------------------------------------------
# a natural unit per quantity: B_φ in mT, σ₀ in mS, R₀ in kΩ — never (1.31 ± 0.02)e-3 T
# ---------------------------------------------------------------------------------------------
#: Units that take an SI prefix in reports, with the prefixes allowed for each (DESIGN.md §3 keeps
#: lengths in nm, optical frequencies in cm⁻¹, σ in S/cm, times in ps/fs and temperatures in K).
PREFIXABLE = {
    "T": ("", "m", "µ"),
    "S": ("", "m", "µ", "n"),
    "Ω": ("M", "k", ""),
    "V": ("", "m", "µ"),
    "A": ("", "m", "µ", "n"),
    "S/T²": ("", "m", "µ", "n"),
    "Ω/T²": ("M", "k", ""),
    "eV": ("", "m", "µ"),
}
_FACTOR = {"M": 1e6, "k": 1e3, "": 1.0, "m": 1e-3, "µ": 1e-6, "n": 1e-9}


def natural_unit(value: float | None, error: float | None, unit: str) -> tuple[float, str]:
    """(multiplier, unit) that shows ``value`` of ``unit`` with 1 ≤ |number| < 1000 when a prefix allows it.

    ``natural_unit(1.3143e-3, 1.7e-7, "T") == (1e3, "mT")``; units outside :data:`PREFIXABLE`
    (nm, K, cm⁻¹, S/cm, dimensionless …) are returned unchanged with multiplier 1.
    """
    prefixes = PREFIXABLE.get(unit)
    if not prefixes:
        return 1.0, unit
    sizes = [abs(v) for v in (value, error) if v is not None and math.isfinite(v) and v != 0]
    if not sizes:
        return 1.0, unit
    size = max(sizes)
    ranked = sorted(prefixes, key=lambda p: -_FACTOR[p])  # largest first
    for p in ranked:
        if size >= _FACTOR[p] * (1 - 5e-13):
            return 1.0 / _FACTOR[p], p + unit
    p = ranked[-1]
    return 1.0 / _FACTOR[p], p + unit


_SUPERSCRIPT = str.maketrans("-+0123456789", "⁻⁺⁰¹²³⁴⁵⁶⁷⁸⁹")


def _times_ten(text: str) -> str:
    """``"4.5e+00"`` → ``"4.5"``, ``"2.0e-09"`` → ``"2.0×10⁻⁹"``."""
    mant, _, exp = text.partition("e")
    k = int(exp) if exp else 0
    return mant if k == 0 else f"{mant}×10" + str(k).translate(_SUPERSCRIPT)


def fmt_redchi(v) -> str:
    """χ²_ν as the fit gave it, 4 significant digits (``4.854×10⁻¹⁷`` when tiny: no per-point errors)."""
    return "—" if v is None else _times_ten(f"{float(v):.4g}")


def format_compact(value: float | None, error: float | None, unit: str = "", *, prefix: bool = True) -> str:
    """``"1.31434(17) mT"``: the PDG-rounded value with the error's digits in parentheses, in a natural unit.

    ``prefix=False`` keeps ``unit`` as given.  Without an error: ``"5.000 (± n/a) K"``; when the error
    dwarfs the value the two are written out: ``"2.0×10⁻⁹ ± 4.5 S"``.  A common power of ten reads ``×10⁻¹²``.
    """
    if value is None:
        return "—"
    scale, unit = natural_unit(value, error, unit) if prefix else (1.0, unit)
    v = value * scale
    e = None if error is None else error * scale
    u = f" {unit}" if unit else ""
    vs, es = round_pdg(v, e)
    if es is None:
        return f"{vs} (± n/a){u}".replace("-", "−")
    if "e" in vs:  # value swamped by its error: each number with its own power of ten, no common last digit
        return f"{_times_ten(vs)} ± {_times_ten(es)}{u}".replace("-", "−")
    power = ""
    if "e" in es:
        es, exp = es.split("e")
        power = "×10" + str(int(exp)).translate(_SUPERSCRIPT)
    frac_v = len(vs.split(".")[1]) if "." in vs else 0
    frac_e = len(es.split(".")[1]) if "." in es else 0
    if frac_v != frac_e:  # not produced by round_pdg; never guess which digits the error sits on
        return f"{vs} ± {es}{power}{u}".replace("-", "−")
    paren = es.replace(".", "").lstrip("0") or "0"
    return f"{vs}({paren}){power}{u}".replace("-", "−")


def scaled_label(values, unit: str, name: str) -> tuple[float, str]:
    """(multiplier, axis label ``"name (unit)"``) so that the largest |value| reads between 1 and 1000.

    Prefixable units take an SI prefix (``µS``); others a power of ten in the label (``10⁻³ e²/πh``), so
    tick labels never carry a bare offset such as ``1e−5``.
    """
    import numpy as np

    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    big = float(np.max(np.abs(arr))) if arr.size else 0.0
    if big == 0.0:
        return 1.0, f"{name} ({unit})" if unit else name
    if unit in PREFIXABLE:
        scale, u = natural_unit(big, None, unit)
        return scale, f"{name} ({u})"
    exp = 3 * math.floor(math.log10(big) / 3)
    if exp == 0:
        return 1.0, f"{name} ({unit})" if unit else name
    tag = "10" + str(exp).translate(_SUPERSCRIPT)
    return 10.0**-exp, f"{name} ({tag} {unit})" if unit else f"{name} (×{tag})"


def split_prefix(unit: str) -> tuple[float, str]:
    """(factor, base unit) of a prefixed unit: ``"mS"`` → ``(1e-3, "S")``; other units → ``(1.0, unit)``."""
    for base, prefixes in PREFIXABLE.items():
        for p in prefixes:
            if p and unit == p + base:
                return _FACTOR[p], base
    return 1.0, unit
