"""Units: one parser for the unit of a column header or of an option value, and the conversions.

:func:`parse_unit` reads a unit as written in real exports — ``Ω``, ``Ohm``, ``kOhms``, ``MΩ``,
``mOhm``, ``Ω/sq``, ``Ω/□``, ``Ohm-cm``, ``µΩ·cm``, ``uOhm cm``, ``Ω·m``, ``S``, ``e²/h``, ``G_Q``,
``T``, ``mT``, ``kG``, ``Oe``, ``K``, ``mK``, ``°C``, ``eV``, ``cm⁻¹``, ``1/cm``, ``THz``, ``nm``,
``µm``, ``J/(mol·K)``, ``mJ/mol-K^2``, ``W/K-m``, ``cm²/(V s)`` … — into a :class:`Unit`: its SI
dimensions (exponents of m, kg, s, A, K, mol, plus "per square" and angle) and the SI value of one
unit.  Two units convert into each other when their dimensions agree.

Rules (see ``docs/input-files.md``):

* SI prefixes are case-sensitive: ``M`` mega, ``m`` milli, ``k`` kilo, ``µ``/``u`` micro (``MOhm``
  is 10⁶ Ω, ``mOhm`` 10⁻³ Ω).  Each unit accepts only the prefixes real files use with it (``MT``
  is refused rather than read as megatesla); ``KOhm`` and ``KΩ`` are kilo-ohm.
* Products are written with a space, ``·``, ``*``, ``.`` or ``-`` (``Ohm-cm``); powers as ``cm^2``,
  ``cm2``, ``cm²``, ``cm-1``, ``cm⁻¹``; everything after a ``/`` is in the denominator, as lab
  files mean it (``J/mol K`` = J/(mol·K), ``W/K-m`` = W/(K·m)).
* ``°C``/``degC`` (and ``C`` for a temperature column) convert with an offset (T[K] = t[°C] + 273.15).
* The oersted counts as 10⁻⁴ T (the field μ0H that magnet software reports).
* ``e²/h``, ``2e²/h`` and ``G_Q`` = e²/(πh) are conductances from :mod:`sigmafit.constants`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from .. import constants as C
from ..exceptions import SigmafitError

#: Dimension axes: metre, kilogram, second, ampere, kelvin, mole, "per square", radian.
AXES = ("m", "kg", "s", "A", "K", "mol", "sq", "rad")


def _dims(**exps: float) -> tuple:
    return tuple(float(exps.get(a, 0)) for a in AXES)


_NONE = _dims()
_OHM = _dims(kg=1, m=2, s=-3, A=-2)
_FIELD = _dims(kg=1, s=-2, A=-1)
_ENERGY = _dims(kg=1, m=2, s=-2)

#: Prefix letter → factor.  Which prefixes a unit takes is listed with the unit.
PREFIXES = {"f": 1e-15, "p": 1e-12, "n": 1e-9, "u": 1e-6, "m": 1e-3, "c": 1e-2, "k": 1e3, "M": 1e6, "G": 1e9,
            "T": 1e12}


@dataclass(frozen=True)
class _Base:
    dims: tuple
    factor: float  # SI value of one unit
    prefixes: str = ""


def _base_table() -> dict[str, _Base]:
    ohm = _Base(_OHM, 1.0, "umkMG")
    table = {
        "m": _Base(_dims(m=1), 1.0, "numck"), "micron": _Base(_dims(m=1), 1e-6), "microns": _Base(_dims(m=1), 1e-6),
        "Å": _Base(_dims(m=1), 1e-10), "Angstrom": _Base(_dims(m=1), 1e-10),
        "g": _Base(_dims(kg=1), 1e-3, "umk"),
        "s": _Base(_dims(s=1), 1.0, "fpnum"), "min": _Base(_dims(s=1), 60.0), "h": _Base(_dims(s=1), 3600.0),
        "A": _Base(_dims(A=1), 1.0, "pnumk"),
        "K": _Base(_dims(K=1), 1.0, "mu"),
        "mol": _Base(_dims(mol=1), 1.0, "m"),
        "ohm": ohm,
        "S": _Base(_dims(kg=-1, m=-2, s=3, A=2), 1.0, "pnumk"),
        "V": _Base(_dims(kg=1, m=2, s=-3, A=-1), 1.0, "pnumk"),
        "W": _Base(_dims(kg=1, m=2, s=-3), 1.0, "pnumk"),
        "J": _Base(_ENERGY, 1.0, "pnumk"),
        "eV": _Base(_ENERGY, C.E_CHARGE, "umk"),
        "Hz": _Base(_dims(s=-1), 1.0, "mkMGT"),
        "T": _Base(_FIELD, 1.0, "num"),
        "G": _Base(_FIELD, 1e-4, "mk"),
        "Oe": _Base(_FIELD, 1e-4, "mk"),
        "C": _Base(_dims(A=1, s=1), 1.0, "pnum"),
        "F": _Base(_dims(A=2, s=4, kg=-1, m=-2), 1.0, "fpnum"),
        "emu": _Base(_dims(A=1, m=2), 1e-3),
        "sq": _Base(_dims(sq=1), 1.0),
        "rad": _Base(_dims(rad=1), 1.0, "m"),
        "deg": _Base(_dims(rad=1), math.pi / 180.0),
        "%": _Base(_NONE, 1e-2),
        "⟨e2h⟩": _Base(_dims(kg=-1, m=-2, s=3, A=2), C.E2_OVER_H),
        "⟨2e2h⟩": _Base(_dims(kg=-1, m=-2, s=3, A=2), 2.0 * C.E2_OVER_H),
        "⟨GQ⟩": _Base(_dims(kg=-1, m=-2, s=3, A=2), C.G_Q),
    }
    spellings = {
        "ohm": ("Ohm", "OHM", "ohms", "Ohms", "OHMS"),
        "s": ("sec", "secs", "second", "seconds", "Sec", "Second", "Seconds"),
        "h": ("hr", "hour", "hours", "Hours"), "min": ("minute", "minutes", "Minutes"),
        "K": ("kelvin", "Kelvin"), "mol": ("mole", "Mol", "Mole"),
        "S": ("siemens", "Siemens", "mho"), "V": ("volt", "volts", "Volt", "Volts"), "T": ("tesla", "Tesla"),
        "G": ("gauss", "Gauss"), "Oe": ("oe", "oersted", "Oersted"), "C": ("coul", "Coul", "coulomb"),
        "sq": ("square", "squares", "sqr"), "deg": ("°", "degree", "degrees", "Deg"), "A": ("amp", "amps"),
        "Å": ("angstrom",),
    }
    for name, aliases in spellings.items():
        for alias in aliases:
            table[alias] = table[name]
    return table


_BASE = _base_table()
#: Kilo-ohm is often written with a capital K (KOhm, KΩ); no other unit reads that way.
_KILO_OHM = "K"


class UnitError(SigmafitError, ValueError):
    """A unit text that :func:`parse_unit` cannot read (``.text`` holds it)."""

    def __init__(self, text: str, why: str = ""):
        self.text = text
        super().__init__(f"unknown unit {text!r}" + (f" ({why})" if why else ""))


@dataclass(frozen=True)
class Unit:
    """A parsed unit: ``SI value = value * factor + offset``; ``dims`` are exponents over :data:`AXES`."""

    text: str
    dims: tuple
    factor: float
    offset: float = 0.0

    @property
    def ascii(self) -> str:
        """The unit as written, in ASCII safe for a column name (``µm`` → ``um``, ``cm⁻¹`` → ``cm-1``)."""
        s = _normalize(self.text).replace("^", "").replace(" ", "").replace("/", "_per_")
        return re.sub(r"[^A-Za-z0-9_\-]", "", s) or "1"

    def same_kind(self, other: Unit) -> bool:
        """True when the two units measure the same kind of quantity (equal dimensions)."""
        return all(abs(a - b) < 1e-12 for a, b in zip(self.dims, other.dims, strict=True))

    def factor_to(self, target: Unit) -> float:
        """Multiplier from this unit to ``target`` (neither with an offset); :class:`UnitError` if of another kind."""
        if not self.same_kind(target):
            raise UnitError(self.text, f"not a unit of the same kind as {target.text}")
        return tidy(self.factor / target.factor)


def tidy(x: float) -> float:
    """Snap a product of decimal prefixes to its decimal value (1e3·1e-4 → 0.1 exactly); others unchanged."""
    r = float(f"{x:.12g}")
    return r if abs(r - x) <= 4 * np.finfo(float).eps * abs(x) else x


# --- normalization ------------------------------------------------------------------------------

_SUPER = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
_OFFSET = {
    "°C": 273.15, "ºC": 273.15, "degC": 273.15, "deg C": 273.15, "deg. C": 273.15, "Celsius": 273.15,
    "celsius": 273.15, "C°": 273.15, "°F": None, "degF": None, "deg F": None,
}
#: Spellings of real exports that the grammar would read otherwise (Lake Shore writes V·s as "VS").
_ALIASES = {
    "cm^2/(VS)": "cm^2/(V s)", "cm2/(VS)": "cm2/(V s)", "cm2/VS": "cm2/(V s)", "cm^2/VS": "cm^2/(V s)",
    "W/mK": "W/(m K)", "mW/mK": "mW/(m K)", "W/cmK": "W/(cm K)", "mW/cmK": "mW/(cm K)",
    "%T": "%", "%R": "%", "percent": "%", "Percent": "%",
}
_DIMENSIONLESS = {"", "a.u.", "a.u", "au", "arb", "arb.", "arb. u.", "arb.u.", "arb. units", "arb units",
                  "arbitrary units", "counts", "cts", "-", "1", "none", "unitless", "dimensionless"}
_CONDUCTANCE_QUANTA = [
    (re.compile(r"2\s*e\s*\^?\s*2\s*/\s*h"), "⟨2e2h⟩"),
    (re.compile(r"e\s*\^?\s*2\s*/\s*h"), "⟨e2h⟩"),
    (re.compile(r"\bG_?Q\b"), "⟨GQ⟩"),
]


def _normalize(text: str) -> str:
    s = text.strip()
    s = re.sub(r"[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+", lambda m: "^" + m.group(0).translate(_SUPER), s)
    s = s.replace("µ", "u").replace("μ", "u").replace("Ω", "ohm").replace("Ω", "ohm").replace("□", "sq")
    s = re.sub(r"[·⋅•×*]", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    return _ALIASES.get(s, s)


# --- grammar ------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<open>\()|(?P<close>\))(?P<gexp>\^?[-+]?\d+(?:\.\d+)?)?|(?P<slash>/)"
    r"|(?P<one>1)(?![\d.])|(?P<atom>⟨\w+⟩|[A-Za-z_%°Å]+)(?P<exp>\^?[-+]?\d+)?|(?P<sep>\.(?!\d)|-(?!\d)|\s+))"
)


def _atom(name: str) -> tuple[tuple, float] | None:
    name = name.rstrip(".")
    base = _BASE.get(name)
    if base is not None:
        return base.dims, base.factor
    if len(name) > 1:
        head, rest = name[0], name[1:]
        base = _BASE.get(rest)
        if base is not None:
            if head in base.prefixes:
                return base.dims, base.factor * PREFIXES[head]
            if head == _KILO_OHM and base is _BASE["ohm"]:
                return base.dims, base.factor * PREFIXES["k"]
    return None


def _resolve_atom(name: str, text: str) -> tuple[tuple, float]:
    hit = _atom(name)
    if hit is not None:
        return hit
    for i in range(1, len(name)):  # two units written together: "Vs", "ohmcm", "molK"
        a, b = _atom(name[:i]), _atom(name[i:])
        if a is not None and b is not None:
            return tuple(x + y for x, y in zip(a[0], b[0], strict=True)), a[1] * b[1]
    raise UnitError(text, f"{name!r} is not a unit sigmafit knows, or takes no such prefix")


def _exponent(s: str | None) -> float:
    return 1.0 if not s else float(s.lstrip("^"))


def _evaluate(s: str, text: str) -> tuple[tuple, float]:
    """Evaluate the unit expression ``s`` (normalized) → (dims, SI factor)."""
    pos, stack = 0, []
    dims, factor, denom = [0.0] * len(AXES), 1.0, False
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if m is None or m.end() == pos:
            raise UnitError(text, f"cannot read {s[pos:]!r}")
        pos = m.end()
        kind = m.lastgroup if m.lastgroup not in ("exp", "gexp") else ("atom" if m.group("atom") else "close")
        if kind == "sep":
            continue
        if kind == "slash":
            if not _TOKEN.match(s, pos) or s[pos:].strip() in ("", ")"):
                raise UnitError(text, "nothing after '/'")
            denom = True
            continue
        if kind == "open":
            stack.append((dims, factor, denom))
            dims, factor, denom = [0.0] * len(AXES), 1.0, False
            continue
        if kind == "close":
            if not stack:
                raise UnitError(text, "unbalanced ')'")
            inner, ifac, p = dims, factor, _exponent(m.group("gexp"))
            dims, factor, denom = stack.pop()
            sign = -1.0 if denom else 1.0
            dims = [d + sign * p * x for d, x in zip(dims, inner, strict=True)]
            factor *= ifac ** (sign * p)
            continue
        if kind == "one":
            continue
        adims, afac = _resolve_atom(m.group("atom"), text)
        p = _exponent(m.group("exp")) * (-1.0 if denom else 1.0)
        dims = [d + p * x for d, x in zip(dims, adims, strict=True)]
        factor *= afac**p
    if stack:
        raise UnitError(text, "unbalanced '('")
    return tuple(dims), factor


def parse_unit(text: str, *, celsius_c: bool = False) -> Unit:
    """Read a unit (``"kOhm"``, ``"Ω/sq"``, ``"mJ/(mol K^2)"``, ``"°C"``, ``"e^2/h"`` …) into a :class:`Unit`.

    ``celsius_c=True`` reads a lone ``C`` as degree Celsius (for a temperature column) instead of
    coulomb.  Raises :class:`UnitError` for anything it cannot read.
    """
    s = _normalize(text)
    if s in _DIMENSIONLESS:
        return Unit(text, _NONE, 1.0)
    if s in _OFFSET or (celsius_c and s == "C"):
        offset = _OFFSET.get(s, 273.15)
        if offset is None:  # Fahrenheit: T[K] = (t + 459.67)·5/9
            return Unit(text, _dims(K=1), 5.0 / 9.0, 459.67 * 5.0 / 9.0)
        return Unit(text, _dims(K=1), 1.0, offset)
    for rx, token in _CONDUCTANCE_QUANTA:
        s = rx.sub(token, s)
    dims, factor = _evaluate(s, text)
    if not math.isfinite(factor) or factor == 0:
        raise UnitError(text)
    return Unit(text, dims, tidy(factor))


def convert(values, unit: Unit, target: Unit):
    """``values`` in ``unit`` → in ``target`` (same kind; offsets applied, e.g. °C → K)."""
    if not unit.same_kind(target):
        raise UnitError(unit.text, f"not convertible to {target.text}")
    si = np.asarray(values, dtype=float) * unit.factor + unit.offset
    return (si - target.offset) / target.factor


# --- spectral coordinates -------------------------------------------------------------------------

SPECTRAL_KINDS = {
    "energy": _ENERGY, "frequency": _dims(s=-1), "wavenumber": _dims(m=-1), "wavelength": _dims(m=1),
}


def spectral_kind(unit: Unit) -> str | None:
    """``"energy"``, ``"frequency"``, ``"wavenumber"``, ``"wavelength"`` or None."""
    for name, dims in SPECTRAL_KINDS.items():
        if unit.same_kind(Unit("", dims, 1.0)):
            return name
    return None


def to_cm1(values, unit: Unit):
    """A spectral coordinate in ``unit`` → wavenumber (cm⁻¹): ν̃ = E/(hc), f/c, 1/λ (SI → /100)."""
    si = np.asarray(values, dtype=float) * unit.factor
    kind = spectral_kind(unit)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_m = {"energy": lambda: si / (C.H_PLANCK * C.C_LIGHT), "frequency": lambda: si / C.C_LIGHT,
                 "wavenumber": lambda: si, "wavelength": lambda: 1.0 / si}[kind]()
    return per_m / 100.0


# --- option values typed by users (--bmax 500mT, --tmin 300mK, --xmin 1eV) --------------------------

_OPTION = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")
#: Quantity of an option → (canonical unit, what it is called, example units).
OPTION_QUANTITIES = {
    "field": ("T", "a magnetic field", "T, mT, G, kG, Oe, kOe"),
    "temperature": ("K", "a temperature", "K, mK, °C"),
    "spectral": ("cm-1", "a spectral position", "cm-1, eV, meV, THz, nm, um"),
}


def _kind_name(unit: Unit) -> str:
    for quantity, (canonical, name, _) in OPTION_QUANTITIES.items():
        if quantity == "spectral" and spectral_kind(unit):
            return f"{name} ({spectral_kind(unit)})"
        if quantity != "spectral" and unit.same_kind(parse_unit(canonical)):
            return name
    return "no quantity sigmafit reads from options"


def parse_option(text: str, quantity: str, option: str) -> float:
    """An option value with an optional unit → the quantity's canonical unit.

    ``quantity`` "field" → T (``"500mT"``, ``"0.5 T"``, ``"5 kOe"``), "temperature" → K
    (``"300mK"``, ``"4.2"``, ``"20 °C"``), "spectral" → cm⁻¹ (``"4eV"``, ``"100cm-1"``, ``"2um"``).
    A bare number is in the canonical unit.  Raises :class:`SigmafitError` (one sentence naming
    ``option``) for anything else, e.g. ``--bmax 4K``.
    """
    canonical, name, examples = OPTION_QUANTITIES[quantity]
    m = _OPTION.match(str(text))
    if not m:
        raise SigmafitError(f"{option} expects {name}: a number with an optional unit ({examples}), "
                            f"e.g. {option} 1{canonical}; got {text!r}")
    value, utext = float(m.group(1)), m.group(2) or canonical
    try:
        unit = parse_unit(utext, celsius_c=quantity == "temperature")
    except UnitError:
        raise SigmafitError(f"{option}: unknown unit {utext!r} in {text!r}; use one of {examples}") from None
    if quantity == "spectral":
        if spectral_kind(unit) is None:
            raise SigmafitError(f"{option} expects {name} ({examples}); {text!r} is {_kind_name(unit)}")
        result = float(to_cm1(value, unit))
    else:
        target = parse_unit(canonical)
        if not unit.same_kind(target):
            raise SigmafitError(f"{option} expects {name} ({examples}); {text!r} is {_kind_name(unit)}")
        result = float(convert(value, unit, target))
    if not math.isfinite(result) or (quantity == "temperature" and result <= 0):
        raise SigmafitError(f"{option}: {text!r} is not a usable {name.split(' ', 1)[1]}")
    return result


def parse_spectral(text: str | None, option: str) -> tuple[float | None, bool]:
    """A spectral position with optional unit → (cm⁻¹, is_wavelength).

    ``"1eV"``, ``"100cm-1"``, ``"2um"``; a bare number (``"500"``) is in cm⁻¹.
    """
    if text is None:
        return None, False
    value = parse_option(text, "spectral", option)
    m = _OPTION.match(str(text))
    unit = parse_unit(m.group(2) or "cm-1")
    return value, spectral_kind(unit) == "wavelength"


def spectral_window(xmin, xmax) -> tuple[float | None, float | None]:
    """--xmin/--xmax (numbers in cm⁻¹, or texts with a unit) → the window (lower, upper) in cm⁻¹.

    A wavelength limit bounds the other end, since ν ∝ 1/λ: ``--xmin 390nm`` (λ ≥ 390 nm) is ν ≤ 25,641 cm⁻¹, and
    ``--xmin 390nm --xmax 1200nm`` is 8,333–25,641 cm⁻¹.  Two limits that land on the same end keep the narrower.
    """
    lows, highs = [], []
    for text, option, is_min in ((xmin, "--xmin", True), (xmax, "--xmax", False)):
        value, wavelength = parse_spectral(None if text is None else str(text), option)
        if value is not None:
            (lows if is_min != wavelength else highs).append(value)
    return (max(lows) if lows else None), (min(highs) if highs else None)
