"""The canonical column schema: one name per physical quantity, unit in the name.

Every loader maps instrument columns onto these names (converting units once, at
load time); every later step reads only these names.  Original instrument columns
without a canonical name are kept unrenamed.

Layout of transport data ("long" format): one row per measured point *per channel*.
Instruments that measure several channels in one row (PPMS Resistivity bridges,
ETO Ch1/Ch2) are split into one row per channel with an integer ``channel`` column;
the reading goes to ``resistance_ohm`` whatever the channel's role.  Which channel is
longitudinal (``"xx"``) and which is Hall (``"xy"``) is recorded in
``df.attrs["sigmafit"]["channels"] = {1: {"name": "TMR", "role": "xx"}, …}``; see
:func:`sigmafit.prepare.channels.to_wide` for the R_xx / R_xy side-by-side form.

Metadata travels in ``df.attrs["sigmafit"]`` (a plain dict):
``{"source": path, "format": name, "sample": str|None, "geometry": {...},
"channels": {...}, "dropped": [{"reason": str, "count": int}, …], "units": {column: original unit},
"origin": {column: original header}, "mappings": [{"original", "canonical", "unit", "factor",
"offset", "rule", "source"}, …], "assumptions": [str, …], "errors": {value column: error column},
"preamble": {"lines": int, "first": str} | None, "notes": [str, …]}``.

An uncertainty column of a canonical column is named with ``_err`` before the unit
(``heat_capacity_err_J_per_K`` for ``heat_capacity_J_per_K``, see :func:`error_name`) and
announced in ``attrs["sigmafit"]["errors"]``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """A canonical column: its name, unit (as displayed), the quantity it holds and its unit-free stem."""

    name: str
    unit: str
    quantity: str
    stem: str = ""

    @property
    def base(self) -> str:
        """The name without its unit suffix (``heat_capacity`` of ``heat_capacity_J_per_K``)."""
        return self.stem or self.name


_COLUMNS = [
    # bookkeeping
    Column("time_s", "s", "time stamp", "time"),
    Column("channel", "", "instrument channel number"),
    Column("sweep", "", "sweep index (set by prepare.sweeps)"),
    Column("status_code", "", "instrument status code"),
    Column("run_id", "", "QCoDeS run id"),
    Column("step", "", "measurement step / block index in the file"),
    Column("measurement", "", "which table of the file a row comes from (Lake Shore: zero-field / hall)"),
    Column("table", "", "table of the file a row comes from: split curves by it (Lake Shore step and table)"),
    # control variables
    Column("temperature_K", "K", "temperature", "temperature"),
    Column("field_T", "T", "magnetic field", "field"),
    Column("angle_deg", "deg", "sample rotator angle", "angle"),
    Column("gate_V", "V", "gate voltage", "gate"),
    Column("current_A", "A", "excitation current", "current"),
    Column("voltage_V", "V", "measured voltage", "voltage"),
    Column("frequency_Hz", "Hz", "excitation frequency", "frequency"),
    Column("phase_deg", "deg", "lock-in phase", "phase"),
    # transport
    Column("resistance_ohm", "Ω", "four-terminal resistance", "resistance"),
    Column("resistance_std_ohm", "Ω", "standard deviation of the resistance", "resistance_std"),
    Column("hall_resistance_ohm", "Ω", "Hall resistance R_xy", "hall_resistance"),
    Column("sheet_resistance_ohm", "Ω", "sheet resistance R_□", "sheet_resistance"),
    Column("resistivity_ohm_cm", "Ω·cm", "resistivity ρ_xx", "resistivity"),
    Column("hall_resistivity_ohm_cm", "Ω·cm", "Hall resistivity ρ_xy", "hall_resistivity"),
    Column("conductance_S", "S", "conductance G", "conductance"),
    Column("sheet_conductance_S", "S", "sheet conductance σ_□", "sheet_conductance"),
    Column("delta_sigma_S", "S", "magnetoconductance σ(B) − σ(0)", "delta_sigma"),
    Column("conductivity_S_per_cm", "S/cm", "dc conductivity σ (3D)", "conductivity"),
    Column("conductivity_S_per_m", "S/m", "3D conductivity", "conductivity"),
    Column("delta_sigma_S_per_m", "S/m", "3D magnetoconductivity σ(B) − σ(0)", "delta_sigma"),
    Column("L_phi_nm", "nm", "phase-coherence length L_φ", "L_phi"),
    Column("L_phi_err_nm", "nm", "uncertainty of L_φ", "L_phi_err"),
    Column("hall_coefficient_cm3_per_C", "cm³/C", "Hall coefficient", "hall_coefficient"),
    Column("carrier_density_cm-3", "cm⁻³", "carrier density", "carrier_density"),
    Column("sheet_density_cm-2", "cm⁻²", "sheet carrier density", "sheet_density"),
    Column("mobility_cm2_per_Vs", "cm²/(V·s)", "Hall mobility", "mobility"),
    # heat and thermal transport
    Column("heat_capacity_J_per_K", "J/K", "heat capacity of the sample", "heat_capacity"),
    Column("molar_heat_capacity_J_per_molK", "J/(mol·K)", "molar heat capacity", "molar_heat_capacity"),
    Column("molar_heat_capacity_over_T_J_per_molK2", "J/(mol·K²)", "molar heat capacity over temperature C/T",
           "molar_heat_capacity_over_T"),
    Column("heat_capacity_over_T_J_per_K2", "J/K²", "heat capacity over temperature C/T", "heat_capacity_over_T"),
    Column("thermal_conductivity_W_per_mK", "W/(m·K)", "thermal conductivity κ", "thermal_conductivity"),
    Column("thermal_conductance_W_per_K", "W/K", "thermal conductance K of the sample", "thermal_conductance"),
    # magnetometry
    Column("moment_emu", "emu", "magnetic moment", "moment"),
    # optics
    Column("wavenumber_cm-1", "cm⁻¹", "wavenumber ν̃", "wavenumber"),
    Column("sigma1_S_per_cm", "S/cm", "real optical conductivity σ1", "sigma1"),
    Column("sigma2_S_per_cm", "S/cm", "imaginary optical conductivity σ2", "sigma2"),
    Column("eps1", "", "real dielectric function ε1", "eps1"),
    Column("eps2", "", "imaginary dielectric function ε2", "eps2"),
    Column("n", "", "refractive index n", "n"),
    Column("k", "", "extinction coefficient k", "k"),
    Column("reflectance", "", "reflectance (fraction)", "reflectance"),
    Column("transmittance", "", "transmittance (fraction)", "transmittance"),
    Column("absorbance", "", "absorbance (decadic)", "absorbance"),
]

#: name → :class:`Column`, the single source of canonical names and units.
CANONICAL: dict[str, Column] = {c.name: c for c in _COLUMNS}


def error_name(name: str) -> str:
    """Name of the uncertainty column of canonical column ``name`` (``_err`` before the unit suffix)."""
    col = CANONICAL[name]
    return f"{col.base}_err{name[len(col.base):]}"


def error_owner(name: str) -> str | None:
    """The canonical column whose uncertainty column is ``name`` (None if it is none)."""
    return next((c.name for c in _COLUMNS if c.stem and name == error_name(c.name)), None)


def lookup(name: str) -> Column | None:
    """The :class:`Column` of a canonical name or of the uncertainty column of one (None otherwise)."""
    col = CANONICAL.get(name)
    if col is not None:
        return col
    owner = error_owner(name)
    if owner is None:
        return None
    c = CANONICAL[owner]
    return Column(name, c.unit, f"uncertainty of the {c.quantity}", f"{c.base}_err")


def unit_of(name: str) -> str:
    """Display unit of a canonical column (or of its uncertainty column), ``""`` for unknown/dimensionless ones."""
    col = lookup(name)
    return col.unit if col else ""


def label(name: str) -> str:
    """Axis label ``"quantity (unit)"`` for a canonical column; the name itself otherwise."""
    col = lookup(name)
    if col is None:
        return name
    return f"{col.quantity} ({col.unit})" if col.unit else col.quantity
