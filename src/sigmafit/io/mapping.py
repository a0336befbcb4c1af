"""Column headers → canonical columns: split the unit off, look the name up in the vocabulary,
let the unit choose the canonical column, convert once.

:func:`map_column` maps one header (a :class:`Mapping`, with the vocabulary rule that matched and
where the unit came from: the header, an ``x_unit``/``y_unit`` option, or an assumed default);
:func:`canonicalize` applies the mappings to a wide table and records them in the metadata
(``mappings``, ``units``, ``origin``, ``assumptions``, ``errors``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from .. import constants as C
from ..exceptions import DataFormatError
from . import _text
from .columns import error_name, error_owner, lookup
from .units import Unit, UnitError, tidy, parse_unit, spectral_kind, to_cm1
from .vocabulary import FAMILIES, Family, Rule, canonical_rule, error_base, match_name

#: Letters written in parentheses as the argument of a function, not as a unit: ``R(T)``, ``Δσ(B)``.
ARGUMENTS = {"B", "T", "H", "E", "V", "Vg", "ω", "w", "f", "x", "y", "n", "t", "k", "λ", "ν"}
#: Above this frequency (Hz) a "frequency" column is a spectral coordinate (THz), below an excitation.
SPECTRAL_HZ = 1e11


@dataclass(frozen=True)
class Mapping:
    """How one original column becomes a canonical one.

    ``canonical = original * factor + offset`` (``factor / original`` when ``reciprocal``:
    wavelength → wavenumber).  ``canonical == ""`` means the column keeps its own name (``note``
    says why).  ``source``: where the unit came from — ``"header"``, ``"option"`` (x_unit/y_unit),
    ``"default"`` (assumed: see ``note``), ``"canonical"`` (already a canonical name) or ``"none"``.
    """

    original: str
    canonical: str
    unit: str | None = None
    factor: float = 1.0
    offset: float = 0.0
    reciprocal: bool = False
    rule: str = ""
    source: str = "header"
    priority: int = 1
    note: str = ""
    keep_as: str | None = None
    error_of: str | None = None

    def apply(self, values) -> np.ndarray:
        """Convert an array of original values into the canonical unit."""
        v = np.asarray(values, dtype=float)
        if self.reciprocal:
            with np.errstate(divide="ignore", invalid="ignore"):
                return self.factor / v
        out = v * self.factor if self.factor != 1.0 else v.copy()
        return out + self.offset if self.offset else out

    def as_dict(self) -> dict:
        """Plain dict for the metadata (``attrs["sigmafit"]["mappings"]``)."""
        return {k: v for k, v in asdict(self).items() if v not in (None, "", False) or k in ("canonical", "factor")}


class ColumnUnitError(Exception):
    """A recognised column whose unit is missing (``needed``) or of the wrong kind; turned into DataFormatError."""

    def __init__(self, column: str, message: str, role: str | None = None):
        self.column, self.message, self.role = column, message, role
        super().__init__(message)


# --- splitting a header ------------------------------------------------------------------------

_IN_UNITS = re.compile(r"^(.*?)\s+in units of\s+(\S+)", re.I)


def split_header(header: str) -> tuple[str, str | None]:
    """``"Field (Oe)" → ("Field", "Oe")``, ``"B [T]" → ("B", "T")``; ``(header, None)`` without brackets.

    Unit suffixes (``Temp_K``, ``B_mT``, ``R_ohm``) and ``name/unit`` are tried by
    :func:`map_column`, which accepts them only when the name is in the vocabulary and the unit fits.
    """
    h = header.strip()
    pct = re.match(r"^%\s*([TR])$", h)
    if pct:  # PerkinElmer and spectrometer exports: %T, %R
        return ("transmittance" if pct.group(1) == "T" else "reflectance"), "%"
    if h and h[-1] in ")]":
        close = h[-1]
        opener = "(" if close == ")" else "["
        depth = 0
        for i in range(len(h) - 1, -1, -1):
            depth += h[i] == close
            depth -= h[i] == opener
            if depth == 0:
                if i > 0:
                    return h[:i].strip(), (h[i + 1:-1].strip() or None)
                break
    m = _IN_UNITS.match(h)
    if m:
        return m.group(1).strip(), m.group(2).strip()
    return h, None


def _suffix_splits(name: str):
    """``"rho_ohm_cm"`` → ("rho_ohm", "cm"), ("rho", "ohm cm"); then ``"B/T"`` → ("B", "T")."""
    for m in reversed(list(re.finditer(r"[_ ]", name))):
        head, tail = name[: m.start()], name[m.end():]
        if head and tail:
            yield head, tail.replace("_per_", "/").replace("_", " ")
    if name.count("/") == 1:
        head, tail = name.split("/")
        if head.strip() and tail.strip():
            yield head.strip(), tail.strip()


# --- choosing the canonical column ----------------------------------------------------------------


def _variant(family: Family, unit: Unit, text: str | None) -> tuple[str, float, str] | None:
    """(canonical column, factor, note) of the first variant of ``family`` that ``unit`` is a kind of."""
    for kind, canonical, note in family.variants:
        if kind.startswith("="):
            if text is not None and text.strip() == kind[1:]:
                return canonical, unit.factor, note
            continue
        ref = parse_unit(kind)
        if unit.same_kind(ref):
            factor = unit.factor / ref.factor
            if note == "μ0·H":
                factor *= C.MU_0
            return canonical, factor, ("" if note == "μ0·H" else note)
    return None


def _spectral(rule: Rule, header: str, unit: Unit, source: str) -> Mapping | None:
    kind = spectral_kind(unit)
    if kind is None:
        return None
    if kind == "frequency" and unit.factor < SPECTRAL_HZ:
        return Mapping(header, "frequency_Hz", unit.text, unit.factor, rule=rule.id, source=source)
    k = tidy(float(to_cm1(1.0, unit)))
    keep = None if kind == "wavenumber" and abs(k - 1.0) < 1e-12 else f"{kind}_{unit.ascii}"
    return Mapping(header, "wavenumber_cm-1", unit.text, k, reciprocal=kind == "wavelength", rule=rule.id,
                   source=source, keep_as=keep)


def _resolve(rule: Rule, header: str, unit: Unit, text: str | None, source: str) -> Mapping | None:
    family = FAMILIES[rule.family]
    if rule.family in ("spectral", "wavenumber") or (rule.family == "frequency" and unit.factor >= SPECTRAL_HZ):
        return _spectral(rule, header, unit, source)
    hit = _variant(family, unit, text)
    if hit is None:
        return None
    canonical, factor, note = hit
    if note:
        note = f"column {header!r}: {note}; loaded as {canonical}"
    return Mapping(header, canonical, unit.text, factor, unit.offset, rule=rule.id, source=source,
                   priority=rule.priority, note=note)


def _units_hint(family: Family) -> str:
    if family.hint:
        return family.hint
    kinds = [k for k, _, _ in family.variants if k and not k.startswith("=")]
    return ", ".join(kinds) if kinds else "eV, meV, cm-1, THz, nm, um"


def _parse(text: str, rule: Rule) -> Unit:
    return parse_unit(text, celsius_c=rule.family == "temperature")


def _no_unit(rule: Rule, header: str, supplied: tuple[str | None, ...]) -> Mapping:
    """Mapping of a recognised column whose header states no unit."""
    family = FAMILIES[rule.family]
    for text in supplied:
        if not text:
            continue
        try:
            unit = _parse(text, rule)
        except UnitError:
            continue
        m = _resolve(rule, header, unit, text, "option")
        if m is not None:
            return m
    flag = "--x-unit" if family.role == "x" else "--y-unit"
    if family.missing == "keep":
        return Mapping(header, "", rule=rule.id, note=f"column {header!r} looks like a {family.description} but "
                       f"states no unit; kept under its own name")
    if family.missing == "refuse":
        raise ColumnUnitError(header, f"the unit of column {header!r} is not stated in the file; pass {flag} "
                              f"(e.g. {flag} {family.example}) or {flag[2:].replace('-', '_')}= to sigmafit.load",
                              role=family.role)
    m = _resolve(rule, header, _parse(family.missing, rule), family.missing, "default")
    if family.missing:
        note = (f"column {header!r} states no unit: taken as {family.missing} ({family.description}); "
                f"if it is in another unit, pass {flag} UNIT")
        return replace(m, note="; ".join(n for n in (note, m.note) if n))
    return replace(m, source="none")


def _match(name: str) -> tuple[Rule | None, str, str | None]:
    """(rule, name, unit text) for a header without brackets: whole name, then unit suffixes."""
    rule = canonical_rule(name) or match_name(name)
    if rule is not None:
        return rule, name, None
    for head, tail in _suffix_splits(name):
        r = match_name(head)
        if r is None:
            continue
        try:
            unit = _parse(tail, r)
        except UnitError:
            continue
        if _resolve(r, name, unit, tail, "header") is not None:
            return r, head, tail
    return None, name, None


def map_column(header: str, *, unit: str | None = None, x_unit: str | None = None,
               y_unit: str | None = None) -> Mapping | None:
    """Map one original column onto a canonical column (None: not in the vocabulary).

    ``unit`` gives the unit separately (QCoDeS parameter specs); otherwise it is read from the
    header.  ``x_unit``/``y_unit`` supply the unit of a recognised column whose header has none
    (used where their kind fits).  Raises :class:`ColumnUnitError` for a unit that is missing where
    the scale matters, or not of a kind the recognised quantity can have.
    """
    header = str(header)
    if lookup(header) is not None:
        return Mapping(header, header, rule="canonical name", source="canonical", priority=0,
                       error_of=error_owner(header))
    name, text = (header, unit or None) if unit is not None else split_header(header)
    rule, name, suffix = (match_name(name) or canonical_rule(name), name, None) if text else _match(name)
    text = text or suffix
    is_error = False
    if rule is None:  # "Samp HC Err", "R_err": the uncertainty of a column in the vocabulary
        base = error_base(name)
        if base is not None:
            rule, _, suffix = _match(base)
            text = text or suffix
            is_error = rule is not None
    if rule is None:
        return None
    if rule.family == "status":
        return Mapping(header, "status_code", text, rule=rule.id, source="header" if text else "none")
    if rule.family == "canonical":
        return Mapping(header, name, text, rule=rule.id, source="canonical", priority=0)
    supplied = (x_unit, y_unit) if FAMILIES[rule.family].role != "y" else (y_unit, x_unit)
    if text is None:
        m = _no_unit(rule, header, supplied)
    else:
        m = _with_unit(rule, header, text, supplied)
    if is_error and m.canonical:
        m = replace(m, canonical=error_name(m.canonical), error_of=m.canonical, offset=0.0, keep_as=None,
                    priority=m.priority + 1)
    return m


def _with_unit(rule: Rule, header: str, text: str, supplied) -> Mapping:
    family = FAMILIES[rule.family]
    try:
        unit = _parse(text, rule)
    except UnitError:
        unit = None
    m = _resolve(rule, header, unit, text, "header") if unit is not None else None
    if m is not None:
        return m
    if text.strip() in ARGUMENTS:  # R(T), Δσ(B): a function's argument, not a unit
        m = _no_unit(rule, header, supplied)
        why = f"'({text})' in {header!r} read as the argument of a function, not a unit"
        return replace(m, note="; ".join(n for n in (m.note, why) if n))
    if rule.weak and unit is not None:
        return Mapping(header, "", rule=rule.id, note=f"column {header!r}: {text!r} is not a unit of "
                       f"{family.description}; kept under its own name")
    raise ColumnUnitError(header, f"column {header!r} has unit {text!r}, which is not a unit of "
                          f"{family.description} sigmafit knows (expected a unit like {_units_hint(family)})")


# --- applying the mappings to a table ------------------------------------------------------------


def canonicalize(df: pd.DataFrame, meta: dict, *, path, x_unit: str | None = None, y_unit: str | None = None,
                 line: int | None = None, reserved: frozenset = frozenset(),
                 units: dict[str, str] | None = None) -> pd.DataFrame:
    """Rename and convert every recognisable column of a wide table (returns a new frame).

    When two columns give the same canonical column, the better rule wins (sample temperature
    before probe temperature), else the first; the other keeps its name (noted).  Records
    ``mappings``, ``units``, ``origin``, ``assumptions`` and ``errors`` in ``meta``.  Raises
    :class:`DataFormatError` naming the file and column for a missing or wrong unit, and for an
    unlabelled temperature column holding values ≤ 0 (not kelvin).
    """
    for flag, given in (("x_unit", x_unit), ("y_unit", y_unit)):
        if given:
            try:
                parse_unit(given, celsius_c=True)
            except UnitError:
                raise DataFormatError(f"{path}: {flag}={given!r} is not a unit sigmafit knows (e.g. Oe, mT, degC, kOhm, "
                                      "e2/h, eV)", path=path) from None
    candidates: dict[str, list[tuple[str, Mapping]]] = {}
    for col in df.columns:
        m = _map_or_raise(col, meta, path, line, units, x_unit, y_unit)
        if m is None:
            continue
        if not m.canonical:
            meta["notes"].append(m.note)
        elif not pd.api.types.is_numeric_dtype(df[col]):
            meta["notes"].append(f"column {col!r} looks like {m.canonical} but holds text; kept under its own name")
        elif m.canonical in reserved:
            meta["notes"].append(f"column {col!r} also looks like {m.canonical}; kept under its own name")
        else:
            candidates.setdefault(m.canonical, []).append((col, m))
    chosen: dict[str, tuple[str, Mapping]] = {}
    for key, found in candidates.items():
        winner = min(found, key=lambda cm: cm[1].priority)  # the better rule; the first column on a tie
        chosen[key] = winner
        for col, _ in found:
            if col != winner[0]:
                meta["notes"].append(f"column {col!r} also looks like {key}, which is taken from {winner[0]!r} "
                                     f"(rule {winner[1].rule!r}); kept under its own name")
    by_column = {col: m for col, m in chosen.values()}
    out: dict[str, object] = {}
    for col in df.columns:
        m = by_column.get(col)
        if m is None:
            out[col] = df[col]
            continue
        if m.keep_as and m.keep_as not in df.columns:
            out[m.keep_as] = df[col]
            meta["units"][m.keep_as] = m.unit
            meta["origin"][m.keep_as] = str(col)
        out[m.canonical] = _checked(m, df[col], meta, path, line)
    _record(meta, list(chosen.values()), x_unit, y_unit)
    return pd.DataFrame(out, index=df.index)


def _map_or_raise(col, meta, path, line, units, x_unit, y_unit) -> Mapping | None:
    try:
        return map_column(str(col), unit=(units or {}).get(col), x_unit=x_unit, y_unit=y_unit)
    except ColumnUnitError as exc:
        raise DataFormatError(f"{path}: {exc.message}", path=path, line=line, column=exc.column) from None


def _checked(m: Mapping, series: pd.Series, meta: dict, path, line) -> np.ndarray:
    values = m.apply(series.to_numpy(dtype=float))
    if m.canonical == "temperature_K":
        bad = np.isfinite(values) & (values <= 0)
        n = int(bad.sum())
        if n and m.source == "default":
            lo = float(np.nanmin(series.to_numpy(dtype=float)))
            raise DataFormatError(
                f"{path}: column {m.original!r} states no unit and holds {n} values ≤ 0 (lowest {lo:g}), so it is not "
                "in kelvin; pass --x-unit with its unit (e.g. --x-unit degC) or x_unit= to sigmafit.load",
                path=path, line=line, column=m.original)
        if n:
            values = np.where(bad, np.nan, values)
            _text.drop(meta, f"temperatures ≤ 0 K in column {m.original!r} (not possible: set to NaN)", n)
    return values


def _record(meta: dict, chosen: list[tuple[str, Mapping]], x_unit, y_unit) -> None:
    used = set()
    for col, m in chosen:
        if m.as_dict() not in meta.setdefault("mappings", []):  # readers that map per channel map alike
            meta["mappings"].append(m.as_dict())
        if m.source != "canonical":
            meta["units"][m.canonical] = m.unit
            meta["origin"][m.canonical] = str(col)
        if m.note and m.source in ("default", "option", "header") and m.note not in meta.setdefault("assumptions", []):
            meta["assumptions"].append(m.note)
        if m.error_of:
            meta.setdefault("errors", {})[m.error_of] = m.canonical
        if m.source == "option":
            used.add(m.unit)
    for flag, given in (("x_unit", x_unit), ("y_unit", y_unit)):
        if given and given not in used:
            meta["notes"].append(f"{flag}={given!r} not used: no column without a stated unit takes a unit of that kind")
