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
"notes": [str, …]}``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """A canonical column: its name, unit (as displayed) and the quantity it holds."""

    name: str
    unit: str
    quantity: str


_COLUMNS = [
    # bookkeeping
    Column("time_s", "s", "time stamp"),
    Column("channel", "", "instrument channel number"),
    Column("sweep", "", "sweep index (set by prepare.sweeps)"),
    Column("status_code", "", "instrument status code"),
    Column("run_id", "", "QCoDeS run id"),
    Column("step", "", "measurement step / block index in the file"),
    # control variables
    Column("temperature_K", "K", "temperature"),
    Column("field_T", "T", "magnetic field"),
    Column("angle_deg", "deg", "sample rotator angle"),
    Column("gate_V", "V", "gate voltage"),
    Column("current_A", "A", "excitation current"),
    Column("voltage_V", "V", "measured voltage"),
    Column("frequency_Hz", "Hz", "excitation frequency"),
    Column("phase_deg", "deg", "lock-in phase"),
    # transport
    Column("resistance_ohm", "Ω", "four-terminal resistance"),
    Column("resistance_std_ohm", "Ω", "standard deviation of the resistance"),
    Column("hall_resistance_ohm", "Ω", "Hall resistance R_xy"),
    Column("sheet_resistance_ohm", "Ω", "sheet resistance R_□"),
    Column("resistivity_ohm_cm", "Ω·cm", "resistivity ρ_xx"),
    Column("hall_resistivity_ohm_cm", "Ω·cm", "Hall resistivity ρ_xy"),
    Column("conductance_S", "S", "conductance G"),
    Column("sheet_conductance_S", "S", "sheet conductance σ_□"),
    Column("delta_sigma_S", "S", "magnetoconductance σ(B) − σ(0)"),
    Column("conductivity_S_per_m", "S/m", "3D conductivity"),
    Column("delta_sigma_S_per_m", "S/m", "3D magnetoconductivity σ(B) − σ(0)"),
    Column("L_phi_nm", "nm", "phase-coherence length L_φ"),
    Column("L_phi_err_nm", "nm", "uncertainty of L_φ"),
    Column("hall_coefficient_cm3_per_C", "cm³/C", "Hall coefficient"),
    Column("carrier_density_cm-3", "cm⁻³", "carrier density"),
    Column("mobility_cm2_per_Vs", "cm²/(V·s)", "Hall mobility"),
    # magnetometry
    Column("moment_emu", "emu", "magnetic moment"),
    # optics
    Column("wavenumber_cm-1", "cm⁻¹", "wavenumber ν̃"),
    Column("sigma1_S_per_cm", "S/cm", "real optical conductivity σ1"),
    Column("sigma2_S_per_cm", "S/cm", "imaginary optical conductivity σ2"),
    Column("eps1", "", "real dielectric function ε1"),
    Column("eps2", "", "imaginary dielectric function ε2"),
    Column("n", "", "refractive index n"),
    Column("k", "", "extinction coefficient k"),
    Column("reflectance", "", "reflectance (fraction)"),
    Column("transmittance", "", "transmittance (fraction)"),
    Column("absorbance", "", "absorbance (decadic)"),
]

#: name → :class:`Column`, the single source of canonical names and units.
CANONICAL: dict[str, Column] = {c.name: c for c in _COLUMNS}


def unit_of(name: str) -> str:
    """Display unit of a canonical column, or ``""`` for unknown/dimensionless ones."""
    col = CANONICAL.get(name)
    return col.unit if col else ""


def label(name: str) -> str:
    """Axis label ``"quantity (unit)"`` for a canonical column; the name itself otherwise."""
    col = CANONICAL.get(name)
    if col is None:
        return name
    return f"{col.quantity} ({col.unit})" if col.unit else col.quantity
