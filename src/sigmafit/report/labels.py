"""Names a reader understands: parameter symbols, curve labels, axis labels, warnings in words.

* Parameters read as in the model's table (:meth:`SigmafitModel.symbols`, i.e. :mod:`sigmafit.models.symbols`):
  ``L_phi`` → ``L_φ``, ``bg_c2`` → ``c₂ (B² background)`` (:func:`short` drops the parenthesis for axes).
* Curves read as ``T = 2 K``, never ``temperature_K = 2``.
* Axes carry the quantity and its unit (:func:`column_axis`); Δσ in units of e²/πh.
* Warnings name parameters as the tables do: ``c0_bg_c2–L_so (−0.99)`` becomes
  ``c₂ (T = 2 K)–L_so (−0.99)`` (:func:`readable_warning`).
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from ..io.columns import label as column_label
from ..models.symbols import symbol


def model_class(name: str | None):
    """The registered model class of ``name``, or None (a user's own lmfit model, or a family not installed)."""
    from ..exceptions import SigmafitError
    from ..models.registry import model_class as lookup

    if not name:
        return None
    try:
        return lookup(str(name))
    except SigmafitError:
        return None


def family(name: str | None) -> str:
    """Model family (``"magnetoconductance"``, ``"temperature"``, ``"optics"``, ``"heat"`` …); ``""`` if unknown."""
    cls = model_class(name)
    return str(getattr(cls, "family", "") or "")


def symbols(model: str | None) -> dict[str, str]:
    """Display symbol of every parameter and derived quantity of ``model`` (background terms as ``bg_<name>``)."""
    cls = model_class(model)
    out = dict(cls.symbols()) if cls is not None else {}
    bg = model_class("quadratic-bg")
    if bg is not None:
        out.update({f"bg_{k}": v for k, v in bg.symbols().items()})
    return out


def name_of(param: str, model: str | None = None) -> str:
    """The symbol of ``param`` (its model's table first, then the package table, else the name)."""
    return symbols(model).get(param) or symbol(param)


def short(sym: str) -> str:
    """``"c₂ (B² background)"`` → ``"c₂"``: the symbol without its explanation, for axes and lists."""
    return sym.split(" (", 1)[0]


# ---------------------------------------------------------------------------------------------
# curve labels
# ---------------------------------------------------------------------------------------------
#: label column → (symbol, unit) for curve labels ``T = 2 K``.
LABEL_COLUMNS = {"temperature_K": ("T", "K"), "gate_V": ("V_g", "V"), "field_T": ("B", "T"), "angle_deg": ("θ", "°"),
                 "frequency_Hz": ("f", "Hz"), "current_A": ("I", "A")}


def number(v: Any) -> float | None:
    """``v`` as a finite float (a number, or text that reads as one), else None."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def curve_label(by: str | None, value: Any) -> str:
    """``curve_label("temperature_K", 2.0) == "T = 2 K"``; unknown columns keep their name: ``"run = 3"``."""
    num = number(value)
    shown = f"{num:g}" if num is not None else str(value)
    if by in LABEL_COLUMNS:
        sym, unit = LABEL_COLUMNS[by]
        return f"{sym} = {shown}{'' if unit == '°' else ' '}{unit}"
    if not by or by in ("curve", "label"):
        return shown
    return f"{by} = {shown}"


_RAW_LABEL = re.compile(r"^\s*(?P<col>[A-Za-z_][\w-]*)\s*=\s*(?P<val>.+?)\s*$")


def tidy_curve_label(text: str) -> str:
    """``"temperature_K = 2"`` → ``"T = 2 K"``; several ``a = b`` pairs joined by commas are each tidied."""
    parts = []
    for piece in str(text).split(","):
        m = _RAW_LABEL.match(piece)
        parts.append(curve_label(m.group("col"), m.group("val")) if m and m.group("col") in LABEL_COLUMNS else piece.strip())
    return ", ".join(parts)


def entry_label(entry: Mapping[str, Any], by: str | None, i: int) -> tuple[str, Any, str | None]:
    """(display label ``T = 2 K``, raw label value, label column) of a curve entry of a multi or global summary."""
    if "label" in entry:
        return curve_label(by, entry["label"]), entry["label"], by
    cur = (entry.get("source") or {}).get("curve")
    if isinstance(cur, Mapping) and cur:
        col, val = next(iter(cur.items()))
        if len(cur) == 1:
            return curve_label(col, val), val, col
        return ", ".join(curve_label(a, b) for a, b in cur.items()), val, col
    if cur is not None:
        return tidy_curve_label(str(cur)), cur, by
    return f"curve {i + 1}", i, by


# ---------------------------------------------------------------------------------------------
# axes
# ---------------------------------------------------------------------------------------------
#: column → (symbol for an axis, unit) where the canonical column's own label is too long for a figure.
AXIS_SYMBOLS = {
    "field_T": (r"$B$", "T"), "temperature_K": (r"$T$", "K"), "wavenumber_cm-1": (r"$\tilde\nu$", "cm$^{-1}$"),
    "energy_eV": (r"$\hbar\omega$", "eV"), "L_phi_nm": (r"$L_\varphi$", "nm"), "gate_V": (r"$V_g$", "V"),
    "delta_sigma_S_per_m": (r"$\Delta\sigma$", "S/m"), "conductivity_S_per_m": (r"$\sigma$", "S/m"),
    "angle_deg": (r"$\theta$", "deg"),
}


def column_axis(name: str, values=None) -> tuple[float, str]:
    """(multiplier, axis label with unit) for showing the canonical column ``name`` in a figure.

    Δσ in units of G_Q = e²/(πh); sheet conductance in mS; resistances in Ω, kΩ or MΩ; optical
    conductivity in S/cm or 10³ S/cm.  Unknown columns keep their canonical label (quantity and unit).
    """
    from ..constants import G_Q
    from .format import scaled_label

    vals = np.zeros(0) if values is None else np.asarray(values, dtype=float)
    if name == "delta_sigma_S":
        return 1.0 / G_Q, r"$\Delta\sigma$ ($e^2/\pi h$)"
    if name in ("sheet_conductance_S", "conductance_S"):
        scale, lab = scaled_label(vals if vals.size else [1e-3], "S", "σ$_□$" if name.startswith("sheet") else "$G$")
        return scale, lab
    if name in ("resistance_ohm", "sheet_resistance_ohm", "hall_resistance_ohm"):
        sym = {"resistance_ohm": "$R$", "sheet_resistance_ohm": "R$_□$", "hall_resistance_ohm": "$R_{xy}$"}[name]
        return scaled_label(vals if vals.size else [1.0], "Ω", sym)
    if name.startswith(("sigma1_S_per_cm", "sigma2_S_per_cm")):
        big = float(np.nanmax(np.abs(vals))) if vals.size else 0.0
        return (1e-3, r"$\sigma$ ($10^3$ S/cm)") if big >= 1e3 else (1.0, r"$\sigma$ (S/cm)")
    if name in AXIS_SYMBOLS:
        sym, unit = AXIS_SYMBOLS[name]
        return 1.0, f"{sym} ({unit})"
    return 1.0, column_label(name)


# ---------------------------------------------------------------------------------------------
# warnings in words
# ---------------------------------------------------------------------------------------------
_PREFIXED = re.compile(r"(?<![\w])c(?P<i>\d+)_(?P<name>[A-Za-z]\w*)")


def readable_warning(text: str, model: str | None = None, labels: Sequence[str] | None = None) -> str:
    """A warning with lmfit's names replaced by the symbols and curve labels of the tables.

    ``labels[i]`` is the display label of curve ``i`` of a global fit (whose lmfit names carry the prefix
    ``c<i>_``): ``c0_bg_c2–L_so`` reads ``c₂ (T = 2 K)–L_so``.  Other parameter names of ``model`` become
    their symbols (``R0 and T0 are correlated`` → ``R₀ and T₀ are correlated``), except where the name is
    code to type (quoted, or before ``=``).
    """
    table = symbols(model)

    def prefixed(m: re.Match) -> str:
        i, name = int(m.group("i")), m.group("name")
        if name not in table and symbol(name) == name:
            return m.group(0)
        where = labels[i] if labels is not None and i < len(labels) else f"curve {i + 1}"
        return f"{short(name_of(name, model))} ({where})"

    out = _PREFIXED.sub(prefixed, text)
    for name, sym in sorted(table.items(), key=lambda kv: -len(kv[0])):
        s = short(sym)
        if s != name:
            # a name quoted or assigned is code the user types (init={'mr2': 0}, --fix L_phi=…): left as it is
            out = re.sub(rf"(?<![\w'\"=-]){re.escape(name)}(?![\w'\"=])", s, out)
    return out


def readable_warnings(texts: Iterable[str], model: str | None = None, labels: Sequence[str] | None = None) -> list[str]:
    """:func:`readable_warning` of each."""
    return [readable_warning(t, model, labels) for t in texts]


def _class_units(cls) -> dict[str, str]:
    """Units of the parameters and derived quantities in a model class's own tables (``params_table``,
    ``derived_table``); a model whose table is built per instance (the measurement model) has none here."""
    return {r.name: r.unit for r in (*getattr(cls, "params_table", ()), *getattr(cls, "derived_table", ()))}


def param_unit(name: str, model: str | None = None) -> str:
    """Unit of parameter ``name``: from ``model``'s table, else from the first registered model that has it.

    Parameter names are part of the contract (DESIGN.md §4: ``L_phi`` is in nm wherever it appears), so a
    batch table that carries no units still gets the right one.  Give ``model`` where it is known: a name can
    mean different things in different families (``gamma`` is a scattering rate in cm⁻¹ for ``drude``, the
    Sommerfeld coefficient in mJ/(mol·K²) for ``heat-capacity``).
    """
    from ..models.registry import available

    units = _class_units(model_class(model))
    if name in units:
        return units[name]
    for m in available():
        units = _class_units(model_class(m))
        if name in units:
            return units[name]
    return ""


#: The physics conventions every report states (HTML and PDF).
CONVENTIONS = ("Conventions: Δσ(B) = σ(B) − σ(0) = α·G_Q·Y(B_φ/B), G_Q = e²/(πh); lengths in nm, fields in T (or mT), "
               "optical frequencies in cm⁻¹, σ in S/cm. Values read 1.31434(17) mT = (1.31434 ± 0.00017) mT: 1σ, rounded by "
               "the PDG rule. χ²_ν is given as the fit computed it. Nothing here was fitted by the report.")
