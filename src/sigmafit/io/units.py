"""Map instrument column headers onto canonical names, converting units once.

A header such as ``Field (Oe)``, ``B [T]``, ``Temp_K``, ``T (mK)``, ``R_xy (Ohm)``,
``rho (ohm cm)`` or ``Bridge3Resistance_Ohms`` is split into a *quantity* part and a
*unit* part (:func:`split_unit`), the quantity is recognised by pattern, and the unit is
looked up in the tables of :mod:`sigmafit.constants`.  The result is a :class:`Mapping`
whose ``factor`` converts values into the canonical unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import constants as C
from ..exceptions import SigmafitError

# unit spelling → key of the constants tables
_UNIT_ALIASES = {
    "ohm": "ohm", "ohms": "ohm", "Ω": "ohm", "kohm": "kohm", "kohms": "kohm", "kΩ": "kohm", "mohm": "mohm",
    "Mohm": "Mohm", "MΩ": "Mohm", "mΩ": "mohm",
    "ohm cm": "ohm cm", "ohm-cm": "ohm cm", "ohm*cm": "ohm cm", "ohmcm": "ohm cm", "Ω cm": "ohm cm", "Ωcm": "ohm cm",
    "Ω·cm": "ohm cm", "ohm m": "ohm m", "ohm-m": "ohm m", "Ω m": "ohm m", "Ω·m": "ohm m", "mohm cm": "mohm cm",
    "uohm cm": "uohm cm", "µohm cm": "uohm cm", "μohm cm": "uohm cm", "ohm mm": "ohm mm",
    "t": "T", "mt": "mT", "g": "G", "gauss": "G", "kg": "kG", "oe": "Oe", "koe": "kOe", "tesla": "T",
    "k": "K", "kelvin": "K", "mk": "mK",
    "s": "S", "ms": "mS", "us": "uS", "µs": "uS", "e2/h": "e2/h", "e^2/h": "e2/h", "g_q": "G_Q",
    "a": "A", "ma": "mA", "ua": "uA", "µa": "uA", "na": "nA",
    "v": "V", "mv": "mV", "uv": "uV", "µv": "uV", "nv": "nV",
    "sec": "s", "seconds": "s", "min": "min", "h": "h",
    "deg": "deg", "degrees": "deg", "°": "deg", "hz": "Hz",
    "cm-1": "cm-1", "cm^-1": "cm-1", "1/cm": "cm-1", "cm⁻¹": "cm-1", "ev": "eV", "mev": "meV", "thz": "THz",
    "nm": "nm", "um": "um", "µm": "um", "μm": "um", "micron": "um", "microns": "um",
    "s/cm": "S/cm", "s/m": "S/m", "ohm-1 cm-1": "ohm-1 cm-1", "ohm^-1 cm^-1": "ohm-1 cm-1", "1/(ohm cm)": "ohm-1 cm-1",
    "%": "%", "percent": "%", "%t": "%", "%r": "%", "emu": "emu",
    "cm3/c": "cm3/C", "cm^3/c": "cm3/C", "cm³/c": "cm3/C", "cm^3/coul": "cm3/C",
    "1/cm3": "cm-3", "1/cm³": "cm-3", "cm-3": "cm-3", "cm^-3": "cm-3",
    "cm2/vs": "cm2/Vs", "cm²/(vs)": "cm2/Vs", "cm2/(vs)": "cm2/Vs", "cm^2/vs": "cm2/Vs", "cm²/vs": "cm2/Vs",
}


def norm_unit(unit: str | None) -> str | None:
    """Normalize a unit spelling to the key used in :mod:`sigmafit.constants` (``None`` if empty)."""
    if unit is None:
        return None
    u = unit.strip()
    if not u:
        return None
    if u in _UNIT_ALIASES:
        return _UNIT_ALIASES[u]
    low = re.sub(r"\s+", " ", u.lower().replace("·", " "))
    return _UNIT_ALIASES.get(low, _UNIT_ALIASES.get(low.replace(" ", ""), u))


_IN_UNITS = re.compile(r"^(.*?)\s+in units of\s+(\S+)", re.I)
_SUFFIX = re.compile(
    r"^(.*?)[_ ](K|mK|T|mT|G|Oe|kOe|Ohms?|ohms?|kOhms?|V|mV|uV|A|mA|uA|nA|s|sec|Hz|deg|eV|meV|THz|nm|um|cm-1|S|mS|emu)$"
)


def split_unit(header: str) -> tuple[str, str | None]:
    """``"Field (Oe)" -> ("Field", "Oe")``; ``"Temp_K" -> ("Temp", "K")``; no unit → ``(header, None)``."""
    h = header.strip()
    if h.startswith("%") and len(h) > 1:
        return h[1:].strip(), "%"
    if h and h[-1] in ")]":
        close, depth = h[-1], 0
        opener = "(" if close == ")" else "["
        for i in range(len(h) - 1, -1, -1):
            depth += h[i] == close
            depth -= h[i] == opener
            if depth == 0:
                if i > 0:
                    return h[:i].strip(), (h[i + 1 : -1].strip() or None)
                break
    m = _IN_UNITS.match(h)
    if m:
        return m.group(1).strip(), m.group(2).strip()
    m = _SUFFIX.match(h)
    if m and m.group(1):
        return m.group(1).strip(), m.group(2)
    return h, None


@dataclass(frozen=True)
class Mapping:
    """How one original column becomes a canonical one: ``canonical = original * factor``."""

    original: str
    canonical: str
    unit: str | None  # original unit (normalized), None when not stated
    factor: float
    role: str  # "x", "y" or "aux": which --x-unit/--y-unit supplies a missing unit


# (regex on the lower-cased quantity part, quantity key)
_PATTERNS = [
    (r"^(time( ?stamp)?|t_?s|elapsed time)$", "time"),
    (r"^(status|status code|eto status code)$", "status"),
    (r"^(temp|temperature|sample temp(erature)?|t|t_?sample|temp_?k|probe temp)$", "temperature"),
    (r"^(field|magnetic field|b|h|b ?field|bfield|mag(netic)? field|b_?t|applied field)$", "field"),
    (r"^(sample position|angle|position|rotator angle|theta)$", "angle"),
    (r"^(v_?bg|v_?g|gate|gate voltage|backgate|back ?gate voltage|vgate)$", "gate"),
    (r"^(r_?xy|rxy|hall resistance|r_?h|r_hall|hall)$", "hall_resistance"),
    (r"^(r|r_?xx|rxx|resistance|r_?4pt|bridge ?\d ?resistance|resistance ch\d)$", "resistance"),
    (r"^(rho_?xy|ρ_?xy|hall resistivity)$", "hall_resistivity"),
    (r"^(rho|rho_?xx|ρ|ρ_?xx|resistivity)$", "resistivity"),
    (r"^(g|conductance|g_?xx)$", "conductance"),
    (r"^(delta ?sigma|dsigma|Δσ|δσ|delta_?g|dg|magnetoconductance)$", "delta_sigma"),
    (r"^(i|current|excitation|i_?exc)$", "current"),
    (r"^(moment|m|magnetic moment|long moment|dc moment)$", "moment"),
    (r"^(wavenumber|wave ?number|wn|nu|ν|ν̃|frequency_?cm)$", "wavenumber"),
    (r"^(energy|photon energy|e|hν|hw|ħω)$", "energy"),
    (r"^(frequency|freq|f)$", "frequency"),
    (r"^(wavelength|lambda|λ|wl|wave ?length)$", "wavelength"),
    (r"^(sigma_?1|σ_?1|s1|sig1|re ?sigma|sigma1)$", "sigma1"),
    (r"^(sigma_?2|σ_?2|s2|sig2|im ?sigma|sigma2)$", "sigma2"),
    (r"^(eps_?1|ε_?1|e1|epsilon_?1|re ?eps)$", "eps1"),
    (r"^(eps_?2|ε_?2|e2|epsilon_?2|im ?eps)$", "eps2"),
    (r"^(n|refractive index)$", "n"),
    (r"^(k|extinction|extinction coefficient)$", "k"),
    (r"^(reflectance|reflectivity|refl|r_?opt)$", "reflectance"),
    (r"^(transmittance|transmission|trans|%t)$", "transmittance"),
    (r"^(absorbance|abs|od)$", "absorbance"),
    (r"^(hall coefficient|r_?h coefficient)$", "hall_coefficient"),
    (r"^(carrier density|n_?carrier|density)$", "carrier_density"),
    (r"^(hall mobility|mobility|mu)$", "mobility"),
]
_COMPILED = [(re.compile(p, re.I), q) for p, q in _PATTERNS]

# quantity → (canonical column, unit table or None for dimensionless, default unit, role)
_QUANT = {
    "time": ("time_s", C.TIME_TO_S, "s", "aux"),
    "status": ("status_code", None, None, "aux"),
    "temperature": ("temperature_K", C.TEMPERATURE_TO_K, "K", "aux"),
    "field": ("field_T", C.FIELD_TO_T, None, "x"),
    "angle": ("angle_deg", {"deg": 1.0}, "deg", "aux"),
    "gate": ("gate_V", C.VOLTAGE_TO_V, "V", "x"),
    "resistance": ("resistance_ohm", C.RESISTANCE_TO_OHM, "ohm", "y"),
    "hall_resistance": ("hall_resistance_ohm", C.RESISTANCE_TO_OHM, "ohm", "y"),
    "resistivity": ("resistivity_ohm_cm", C.RESISTIVITY_TO_OHM_CM, None, "y"),
    "hall_resistivity": ("hall_resistivity_ohm_cm", C.RESISTIVITY_TO_OHM_CM, None, "y"),
    "conductance": ("conductance_S", C.CONDUCTANCE_TO_S, None, "y"),
    "delta_sigma": ("delta_sigma_S", C.CONDUCTANCE_TO_S, None, "y"),
    "current": ("current_A", C.CURRENT_TO_A, None, "aux"),
    "moment": ("moment_emu", {"emu": 1.0}, "emu", "y"),
    "sigma1": ("sigma1_S_per_cm", C.OPTICAL_SIGMA_TO_S_PER_CM, None, "y"),
    "sigma2": ("sigma2_S_per_cm", C.OPTICAL_SIGMA_TO_S_PER_CM, None, "y"),
    "eps1": ("eps1", None, None, "y"),
    "eps2": ("eps2", None, None, "y"),
    "n": ("n", None, None, "y"),
    "k": ("k", None, None, "y"),
    "reflectance": ("reflectance", {"%": 0.01, "": 1.0}, "", "y"),
    "transmittance": ("transmittance", {"%": 0.01, "": 1.0}, "", "y"),
    "absorbance": ("absorbance", None, None, "y"),
    "hall_coefficient": ("hall_coefficient_cm3_per_C", {"cm3/C": 1.0, "m3/C": 1e6}, "cm3/C", "aux"),
    "carrier_density": ("carrier_density_cm-3", {"cm-3": 1.0, "m-3": 1e-6}, "cm-3", "aux"),
    "mobility": ("mobility_cm2_per_Vs", {"cm2/Vs": 1.0, "m2/Vs": 1e4}, "cm2/Vs", "aux"),
}

#: Spectral x quantities (converted to wavenumber by :mod:`sigmafit.io.optics`).
SPECTRAL = {"wavenumber": "cm-1", "energy": None, "frequency": None, "wavelength": None}


def quantity_of(base: str) -> str | None:
    """Quantity key recognised in the unit-free part of a header, or None."""
    b = re.sub(r"[\s_]+", " ", base.strip()).strip()
    for rx, q in _COMPILED:
        if rx.match(b) or rx.match(b.replace(" ", "_")) or rx.match(b.replace(" ", "")):
            return q
    return None


class UnitNeeded(Exception):
    """Raised by :func:`map_header` when a column's unit must be supplied (caught by readers)."""

    def __init__(self, column: str, role: str, example: str):
        self.column, self.role, self.example = column, role, example
        super().__init__(column)


_EXAMPLES = {"field": "Oe", "resistivity": "'ohm cm'", "conductance": "e2/h", "delta_sigma": "e2/h",
             "current": "uA", "sigma1": "S/cm", "sigma2": "S/cm", "energy": "eV", "frequency": "THz",
             "wavelength": "nm"}


def map_header(header: str, *, x_unit: str | None = None, y_unit: str | None = None) -> Mapping | None:
    """Map one original header onto a canonical column (``None`` when it has no canonical name).

    Spectral x columns (energy, wavelength, …) map to ``canonical="spectral:<unit>"``; the
    optics reader converts them to ``wavenumber_cm-1``.  Raises :class:`UnitNeeded` when the
    quantity is recognised but its unit is neither in the header, nor a safe default, nor
    given through ``x_unit``/``y_unit``; raises ``KeyError`` for a unit that is not convertible.
    """
    base, unit = split_unit(header)
    q = quantity_of(base)
    if q is None:
        return None
    u = norm_unit(unit)
    if q in SPECTRAL:
        if u is None and q == "wavenumber":
            u = "cm-1"
        if u is None:
            u = norm_unit(x_unit)
        if u is None:
            raise UnitNeeded(header, "x", _EXAMPLES.get(q, "eV"))
        if q == "frequency" and (unit or "").strip().lower() == "hz":
            return Mapping(header, "frequency_Hz", "Hz", 1.0, "aux")
        spectral = {**C.SPECTRAL_TO_CM1, **C.WAVELENGTH_TO_UM}
        u = resolve_unit(u, spectral)
        return Mapping(header, f"spectral:{u}", u, 1.0, "x")
    if u == "%" and q in ("temperature", "resistance"):
        q = "transmittance" if q == "temperature" else "reflectance"
    canonical, table, default, role = _QUANT[q]
    raw = unit
    if raw is None:
        supplied = x_unit if role == "x" else y_unit if role == "y" else None
        raw = supplied if supplied else default
    if table is None:
        return Mapping(header, canonical, norm_unit(raw), 1.0, role)
    if raw is None:
        flag = "x" if role == "x" else "y"
        raise UnitNeeded(header, flag, _EXAMPLES.get(q, "?"))
    key = resolve_unit(raw, table)
    return Mapping(header, canonical, key, float(table[key]), role)


def resolve_unit(unit: str, table: dict) -> str:
    """Find ``unit`` in a conversion ``table``: as written, normalized, or case-insensitively.

    Raises ``KeyError(unit)`` when it is not a unit of that quantity.
    """
    u = unit.strip()
    for cand in (u, norm_unit(u) or ""):
        if cand in table:
            return cand
    low = {k.lower(): k for k in table}
    for cand in (u.lower(), (norm_unit(u) or "").lower()):
        if cand in low:
            return low[cand]
    raise KeyError(unit)


def canonicalize(df, meta: dict, *, path, x_unit: str | None = None, y_unit: str | None = None,
                 line: int | None = None, reserved: frozenset = frozenset()):
    """Rename and convert every recognisable column of a wide table (returns a new frame).

    The first column mapping to a canonical name wins; later ones are kept unrenamed (noted).
    Records ``meta["units"][canonical] = original unit`` and ``meta["origin"][canonical] =
    original header``.  Spectral x columns are left for :mod:`sigmafit.io.optics` and
    returned in ``meta["_spectral"]`` as ``(column, unit)``.
    """
    import pandas as pd

    from ..exceptions import DataFormatError

    out = {}
    taken: set[str] = set(df.columns)
    for col in df.columns:
        try:
            m = map_header(str(col), x_unit=x_unit, y_unit=y_unit)
        except UnitNeeded as exc:
            flag = f"--{exc.role}-unit"
            raise DataFormatError(
                f"{path}: the unit of column {exc.column!r} is not stated in the file; "
                f"pass {flag} (e.g. {flag} {exc.example}) or {exc.role}_unit= to sigmafit.load",
                path=path, line=line, column=exc.column,
            ) from None
        except KeyError as exc:
            raise DataFormatError(
                f"{path}: column {col!r} has unit {exc.args[0]!r}, which sigmafit cannot convert for that quantity",
                path=path, line=line, column=str(col),
            ) from None
        series = df[col]
        if m is None or not pd.api.types.is_numeric_dtype(series):
            out[col] = series
            continue
        if m.canonical.startswith("spectral:"):
            meta.setdefault("_spectral", []).append((col, m.unit))
            out[col] = series
            continue
        if m.canonical in out or m.canonical in reserved or (m.canonical in taken and m.canonical != col):
            meta["notes"].append(f"column {col!r} also looks like {m.canonical}; kept unrenamed")
            out[col] = series
            continue
        out[m.canonical] = series * m.factor if m.factor != 1.0 else series
        if split_unit(str(col))[1] is None and m.canonical not in ("status_code", "step", "channel") and m.unit:
            meta["notes"].append(f"unit of column {col!r} not stated; taken as {m.unit}")
        meta["units"][m.canonical] = m.unit
        meta["origin"][m.canonical] = str(col)
    return pd.DataFrame(out)


# --- spectral positions typed by users (--xmin 1eV, xmax = "2um") ------------------------------

_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-zµμ%/\-0-9]*)\s*$")


def parse_spectral(text: str | None, option: str) -> tuple[float | None, bool]:
    """A spectral position with optional unit (``"1eV"``, ``"100cm-1"``, ``"2um"``, ``"500"`` = cm⁻¹) → (cm⁻¹, is_wavelength)."""
    if text is None:
        return None, False
    m = _QUANTITY.match(text)
    if not m:
        raise SigmafitError(f"{option} expects a number with an optional unit (cm-1, eV, meV, THz, nm, um), e.g. {option} 1eV; got {text!r}")
    value, unit = float(m.group(1)), (m.group(2) or "cm-1").replace("µ", "u").replace("μ", "u")
    units = {u.lower(): u for u in list(C.SPECTRAL_TO_CM1) + list(C.WAVELENGTH_TO_UM)}
    if unit.lower() not in units:
        raise SigmafitError(f"{option}: unknown unit {unit!r}; use one of cm-1, eV, meV, THz, nm, um")
    unit = units[unit.lower()]
    return float(C.spectral_to_cm1(value, unit)), unit in C.WAVELENGTH_TO_UM


def spectral_window(xmin: str | None, xmax: str | None) -> tuple[float | None, float | None]:
    """--xmin/--xmax with units → a window in cm⁻¹ (wavelength limits swap ends)."""
    lo, lo_wl = parse_spectral(xmin, "--xmin")
    hi, hi_wl = parse_spectral(xmax, "--xmax")
    if lo_wl:
        lo, hi_from_lo = None, lo
    else:
        hi_from_lo = None
    if hi_wl:
        hi, lo_from_hi = None, hi
    else:
        lo_from_hi = None
    lo = lo if lo is not None else lo_from_hi
    hi = hi if hi is not None else hi_from_lo
    return lo, hi
