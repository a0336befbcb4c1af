"""The column vocabulary, declared once: names of real exports → a *family* of quantities, and per
family the canonical column that each kind of unit means.

A header is split into a name and a unit (:func:`sigmafit.io.mapping.split_header`); the name is
matched against :data:`RULES` (first match wins; the rule's ``id`` is what ``sigmafit info`` shows),
and the unit then picks the canonical column within the rule's family: ``R (Ohm)`` is a resistance,
``R (Ohm/sq)`` a sheet resistance, ``R (Ohm cm)`` a resistivity, ``R (%)`` a reflectance.  A unit of
no kind the family knows is refused naming the column, except for *weak* rules (single letters such
as ``C`` or ``n``), whose columns are then kept under their own name.

``missing`` says what happens when the file states no unit: a unit text (taken, and the assumption
recorded in ``attrs["sigmafit"]["assumptions"]``), ``"refuse"`` (the scale changes the answer: the
reader asks for ``--x-unit``/``--y-unit``) or ``"keep"`` (the column keeps its own name).
Documented for users in ``docs/input-files.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .columns import CANONICAL


@dataclass(frozen=True)
class Family:
    """A group of quantities one name can mean.

    ``variants`` = (unit, canonical column, note): a header unit of the same kind as ``unit`` goes to
    that canonical column, scaled by header unit / ``unit`` (so ``unit`` is the canonical column's own
    unit); ``"=%"`` matches the percent sign only.  A non-empty note is recorded as an assumption.
    """

    description: str
    role: str  # "x", "y" or "aux": which of x_unit / y_unit a file without the unit is asked for first
    variants: tuple
    missing: str = "refuse"  # unit text, "refuse" or "keep"
    example: str = ""  # a unit to suggest in messages
    hint: str = ""  # units to list when refusing one (default: the variants' units)


@dataclass(frozen=True)
class Rule:
    """Names (a regular expression on the unit-free name) that mean a family."""

    id: str
    pattern: str
    family: str
    priority: int = 1  # when two columns give the same canonical column, the lower number wins
    weak: bool = False  # a unit of another kind means "not this" (keep the column), not "refuse"
    case: bool = False  # match case-sensitively (T temperature, t time)
    regex: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(f"^(?:{self.pattern})$", 0 if self.case else re.I))


_2D_RHO = "a resistivity in Ω is the 2D sheet resistivity ρ_xx = R_□"
_2D_RHO_XY = "a Hall resistivity in Ω is the 2D ρ_xy = R_xy"
_2D_SIGMA = "a conductivity in S is the 2D sheet conductivity"
FAMILIES: dict[str, Family] = {
    "time": Family("time", "aux", (("s", "time_s", ""),), missing="s", example="s"),
    "status": Family("instrument status code", "aux", (), missing="keep"),
    "temperature": Family("temperature", "x", (("K", "temperature_K", ""), ("=%", "transmittance", "")), missing="K",
                          example="K", hint="K, mK, °C, degC"),
    "field": Family("magnetic field", "x", (("T", "field_T", ""), ("A/m", "field_T", "μ0·H")), example="Oe",
                    hint="T, mT, G, kG, Oe, kOe, A/m"),
    "wavenumber": Family("wavenumber", "x", (), missing="cm-1", example="cm-1"),
    "angle": Family("angle", "aux", (("deg", "angle_deg", ""),), missing="deg", example="deg"),
    "gate": Family("gate voltage", "x", (("V", "gate_V", ""),), missing="V", example="V"),
    "voltage": Family("voltage", "aux", (("V", "voltage_V", ""),), missing="keep", example="V"),
    "current": Family("current", "aux", (("A", "current_A", ""),), missing="keep", example="uA"),
    "frequency": Family("frequency", "aux", (("Hz", "frequency_Hz", ""),), missing="keep", example="Hz"),
    "resistance": Family("resistance", "y", (("ohm", "resistance_ohm", ""), ("ohm/sq", "sheet_resistance_ohm", ""),
                                             ("ohm cm", "resistivity_ohm_cm", ""), ("=%", "reflectance", "")),
                         missing="ohm", example="ohm"),
    "sheet_resistance": Family("sheet resistance", "y", (("ohm/sq", "sheet_resistance_ohm", ""),
                                                         ("ohm", "sheet_resistance_ohm", "")),
                               missing="ohm", example="ohm"),
    "resistivity": Family("resistivity", "y", (("ohm cm", "resistivity_ohm_cm", ""),
                                               ("ohm/sq", "sheet_resistance_ohm", _2D_RHO),
                                               ("ohm", "sheet_resistance_ohm", _2D_RHO)), example="'ohm cm'"),
    "hall_resistance": Family("Hall resistance", "y", (("ohm", "hall_resistance_ohm", ""),
                                                       ("ohm/sq", "hall_resistance_ohm", ""),
                                                       ("ohm cm", "hall_resistivity_ohm_cm", ""),
                                                       ("cm3/C", "hall_coefficient_cm3_per_C", "")),
                              missing="ohm", example="ohm"),
    "hall_resistivity": Family("Hall resistivity", "y", (("ohm cm", "hall_resistivity_ohm_cm", ""),
                                                         ("ohm", "hall_resistance_ohm", _2D_RHO_XY),
                                                         ("ohm/sq", "hall_resistance_ohm", "")), example="'ohm cm'"),
    "conductance": Family("conductance", "y", (("S", "conductance_S", ""), ("S/sq", "sheet_conductance_S", ""),
                                               ("S/cm", "conductivity_S_per_cm", "")), example="e2/h"),
    "sheet_conductance": Family("sheet conductance", "y", (("S", "sheet_conductance_S", ""),
                                                           ("S/sq", "sheet_conductance_S", "")), example="e2/h"),
    "conductivity": Family("conductivity", "y", (("S/cm", "conductivity_S_per_cm", ""),
                                                 ("S", "sheet_conductance_S", _2D_SIGMA),
                                                 ("S/sq", "sheet_conductance_S", "")), example="S/cm"),
    "delta_sigma": Family("magnetoconductance Δσ", "y", (("S", "delta_sigma_S", ""), ("S/sq", "delta_sigma_S", ""),
                                                          ("S/m", "delta_sigma_S_per_m", "")), example="e2/h"),
    "hall_coefficient": Family("Hall coefficient", "aux", (("cm3/C", "hall_coefficient_cm3_per_C", ""),),
                               missing="cm3/C", example="cm3/C"),
    "carrier_density": Family("carrier density", "aux", (("cm-3", "carrier_density_cm-3", ""),
                                                         ("cm-2", "sheet_density_cm-2", "")), example="cm-3"),
    "mobility": Family("mobility", "aux", (("cm2/(V s)", "mobility_cm2_per_Vs", ""),), missing="cm2/(V s)",
                       example="cm2/Vs"),
    "moment": Family("magnetic moment", "y", (("emu", "moment_emu", ""),), missing="emu", example="emu"),
    "heat_capacity": Family("heat capacity", "y", (("J/K", "heat_capacity_J_per_K", ""),
                                                   ("J/(mol K)", "molar_heat_capacity_J_per_molK", "")),
                            example="uJ/K"),
    "heat_capacity_over_T": Family("heat capacity over T", "y",
                                   (("J/(mol K^2)", "molar_heat_capacity_over_T_J_per_molK2", ""),
                                    ("J/K^2", "heat_capacity_over_T_J_per_K2", "")), example="mJ/(mol K^2)"),
    # a TTO export names both "Thermal Cond." (W/(m K), conductivity) and "Thermal Cond. Err (W/K)" (conductance)
    "thermal_conductivity": Family("thermal conductivity", "y", (("W/(m K)", "thermal_conductivity_W_per_mK", ""),
                                                                 ("W/K", "thermal_conductance_W_per_K", "")),
                                   example="W/(m K)"),
    "spectral": Family("spectral coordinate", "x", (), example="eV"),
    "sigma1": Family("optical conductivity σ1", "y", (("S/cm", "sigma1_S_per_cm", ""),), example="S/cm"),
    "sigma2": Family("optical conductivity σ2", "y", (("S/cm", "sigma2_S_per_cm", ""),), example="S/cm"),
    "eps1": Family("dielectric function ε1", "y", (("", "eps1", ""),), missing=""),
    "eps2": Family("dielectric function ε2", "y", (("", "eps2", ""),), missing=""),
    "n": Family("refractive index", "y", (("", "n", ""), ("cm-3", "carrier_density_cm-3", ""),
                                          ("cm-2", "sheet_density_cm-2", "")), missing=""),
    "k": Family("extinction coefficient", "y", (("", "k", ""), ("W/(m K)", "thermal_conductivity_W_per_mK", "")),
                missing=""),
    "reflectance": Family("reflectance", "y", (("", "reflectance", ""),), missing=""),
    "transmittance": Family("transmittance", "y", (("", "transmittance", ""),), missing=""),
    "absorbance": Family("absorbance", "y", (("", "absorbance", ""),), missing=""),
}

_T = r"temp(?:erature)?\.?"
#: The vocabulary: first matching rule wins.  Names are compared with runs of spaces and
#: underscores as one space (``R_xx`` ≡ ``R xx``) and also with no space at all (``Rxx``).
RULES: tuple[Rule, ...] = (
    Rule("time", r"time|time ?stamp|elapsed ?time|timestamp", "time"),
    Rule("time (t)", r"t", "time", case=True),
    Rule("status", r"status|status ?code|eto status code|ppms status|status ?\(code\)", "status"),
    Rule("sample temperature", rf"sample ?{_T}|{_T} ?sample|t ?sample|t ?samp|sample t", "temperature",
         priority=0),
    Rule("temperature (T)", r"T", "temperature", case=True),
    Rule("temperature", rf"{_T}|tmp", "temperature"),
    Rule("probe temperature", rf"(?:probe|system|puck|platform|vti|mixing chamber|mxc|mc|stage|cryostat) ?{_T}"
         r"|t ?(?:probe|sys|system|vti|mxc|mc|stage|puck)", "temperature", priority=2),
    Rule("field", r"b|h|mu ?0 ?h|µ ?0 ?h|μ ?0 ?h|field|magnetic ?field|b ?field|h ?field|applied ?field|magnet ?field"
         r"|b ?z|b ?ext|h ?ext|b ?applied|b ?perp", "field"),
    Rule("gate", r"v ?g|v ?gate|gate|gate ?voltage|v ?bg|v ?tg|back ?gate(?: ?voltage)?|top ?gate(?: ?voltage)?"
         r"|v ?backgate|v ?topgate", "gate"),
    Rule("Hall resistance", r"r ?xy|r ?yx|r ?h|r ?hall|hall ?resistance|v ?xy ?/ ?i|hall|r ?xy ?raw", "hall_resistance"),
    Rule("Hall resistivity", r"rho ?xy|ρ ?xy|rho ?yx|ρ ?yx|hall ?resistivity", "hall_resistivity"),
    Rule("sheet resistance", r"r ?sheet|rs|r ?s|r ?sq|r ?□|r ?square|sheet ?resistance|r ?sh", "sheet_resistance"),
    Rule("resistivity", r"rho|ρ|rho ?xx|ρ ?xx|resistivity|zero-field ?resistivity", "resistivity"),
    Rule("resistance", r"r|res\.?|r ?xx|r ?4 ?p(?:t|robe)?|r ?2 ?p(?:t|robe)?|resistance|v ?xx ?/ ?i|r ?long"
         r"|bridge ?\d ?resistance|resistance ?ch ?\d|r ?xx ?raw|four[- ]?probe ?resistance", "resistance"),
    Rule("Δσ", r"delta ?sigma(?: ?xx)?|d ?sigma|δσ|Δσ|δ ?σ|Δ ?σ(?: ?xx)?|delta ?g|d ?g|Δ ?g|δ ?g|magnetoconductance"
         r"|magnetoconductivity|mc|delta ?sigma ?\(b\)|Δσ ?\(b\)", "delta_sigma"),
    Rule("sheet conductance", r"sigma ?sheet|σ ?□|σ ?sq|sigma ?sq|g ?sq|g ?□|sheet ?conductance|sigma ?□|g ?sheet",
         "sheet_conductance"),
    Rule("conductivity", r"sigma|σ|sigma ?xx|σ ?xx|sigma ?dc|σ ?dc|conductivity|dc ?conductivity"
         r"|electrical ?conductivity", "conductivity"),
    Rule("conductance", r"conductance|g ?xx|g ?2 ?p(?:t)?|g ?4 ?p(?:t)?", "conductance"),
    Rule("conductance (G)", r"g", "conductance", weak=True),
    Rule("current", r"current|excitation|i ?exc|i ?bias|bias ?current|source ?current|i ?source|i ?ac|i ?dc",
         "current"),
    Rule("current (I)", r"i", "current", weak=True),
    Rule("voltage", r"voltage|volts|v ?xx|v ?meas|v ?measured", "voltage"),
    Rule("voltage (V)", r"v|u", "voltage", weak=True),
    Rule("heat capacity (sample)", r"samp ?hc|sample ?hc|sample ?heat ?capacity|c ?sample", "heat_capacity", priority=0),
    Rule("heat capacity", r"hc|heat ?capacity|c ?p|cp|specific ?heat|c ?v", "heat_capacity"),
    Rule("heat capacity (C)", r"c", "heat_capacity", weak=True),
    Rule("heat capacity over T", r"c ?/ ?t|c ?p ?/ ?t|cp ?/ ?t|samp ?hc ?/ ?temp|c ?over ?t", "heat_capacity_over_T"),
    Rule("thermal conductivity", r"kappa|κ|thermal ?conductivity|thermal ?conductance|thermal ?cond\.?|k ?th|kappa ?xx|κ ?xx",
         "thermal_conductivity"),
    Rule("moment", r"moment|magnetic ?moment|long ?moment|dc ?moment(?: fixed ctr| free ctr)?|m ?long",
         "moment"),
    Rule("moment (m)", r"m", "moment", weak=True),
    Rule("frequency", r"frequency|freq|f", "frequency"),
    Rule("wavenumber", r"wavenumber|wave ?number|wn|nu|ν|ν̃|frequency ?cm", "wavenumber"),
    Rule("spectral", r"energy|photon ?energy|hν|hv|hw|ħω|hbar ?omega|wavelength|lambda|λ|wl|wave ?length", "spectral"),
    Rule("energy (E)", r"e", "spectral", weak=True),
    Rule("σ1", r"sigma ?1|σ ?1|s1|sig1|re ?sigma|re ?σ|sigma ?real|σ'", "sigma1"),
    Rule("σ2", r"sigma ?2|σ ?2|s2|sig2|im ?sigma|im ?σ|sigma ?imag|σ''", "sigma2"),
    Rule("ε1", r"eps ?1|ε ?1|e1|epsilon ?1|re ?eps|re ?ε|ε'", "eps1"),
    Rule("ε2", r"eps ?2|ε ?2|e2|epsilon ?2|im ?eps|im ?ε|ε''", "eps2"),
    Rule("refractive index", r"n|refractive ?index|n ?real", "n", weak=True),
    Rule("extinction", r"k|extinction|extinction ?coefficient|n ?imag", "k", weak=True),
    Rule("reflectance", r"reflectance|reflectivity|refl|r ?opt", "reflectance"),
    Rule("transmittance", r"transmittance|transmission|trans", "transmittance"),
    Rule("absorbance", r"absorbance|abs|od|optical ?density", "absorbance"),
    Rule("Hall coefficient", r"hall ?coefficient|hall ?coeff\.?|r ?h ?coefficient", "hall_coefficient"),
    Rule("carrier density", r"carrier ?density|carrier ?concentration|n ?carrier|density|n ?s|n ?2d|n ?hall|n ?h"
         r"|sheet ?(?:carrier ?)?density|n ?e", "carrier_density"),
    Rule("mobility", r"hall ?mobility|mobility|mu|µ|μ|mu ?h|µ ?h|μ ?h", "mobility"),
    Rule("angle", r"angle|rotator ?angle|theta|θ|rotation|tilt", "angle"),
    Rule("angle (position)", r"sample ?position|position", "angle", weak=True),
)

#: Suffixes that make a column the uncertainty of another (``Samp HC Err``, ``R_err``, ``sigma1 std``).
ERROR_SUFFIX = re.compile(r"^(?P<base>.+?)[ _.]*(?:err|error|stderr|std|std\.? ?dev\.?|unc|uncertainty|±|\+/-)$",
                          re.I)


def _forms(name: str) -> tuple[str, ...]:
    s = re.sub(r"[\s_]+", " ", name).strip()
    return (s, s.replace(" ", ""))


def match_name(name: str) -> Rule | None:
    """The first rule whose pattern matches ``name`` (a header with its unit removed), or None.

    Canonical column names (``field_T``, ``delta_sigma_S`` …) are matched by :func:`canonical_rule`.
    """
    forms = _forms(name)
    for rule in RULES:
        if any(rule.regex.match(f) for f in forms):
            return rule
    return None


def canonical_rule(name: str) -> Rule | None:
    """A rule for a column already named canonically (files written by sigmafit), or None."""
    return Rule("canonical name", re.escape(name), "canonical", priority=0) if name in CANONICAL else None


def error_base(name: str) -> str | None:
    """``"Samp HC"`` for ``"Samp HC Err"``: the name an uncertainty column belongs to (None otherwise)."""
    m = ERROR_SUFFIX.match(name.strip())
    return m.group("base").strip() if m else None
