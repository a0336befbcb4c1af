"""Header corpus: (name, unit) pairs from real exports, each mapped to the right canonical column and
scale — or refused naming the column — never silently wrong.

Expected factors are written by hand from the definitions of the units (1 Oe ↔ 10⁻⁴ T, 1 Ω·m = 100 Ω·cm,
T[K] = t[°C] + 273.15 …); the few irrational ones come from CODATA through scipy.constants (e²/h, μ0,
hc/e), not from sigmafit, and are compared with PHYSICS.md's rounded values where it gives them.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import scipy.constants as sc

import sigmafit
from sigmafit.exceptions import DataFormatError, DataWarning, SigmafitError
from sigmafit.io.mapping import ColumnUnitError, map_column
from sigmafit.io.units import UnitError, parse_option, parse_unit

E2H = sc.e**2 / sc.h  # e²/h in S
GQ = sc.e**2 / (sc.pi * sc.h)  # G_Q = e²/(πh), DESIGN.md §3

# (header as exported, canonical column, factor, offset); source of the spelling in the comment.
MAPPED = [
    # Quantum Design PPMS / DynaCool / MPMS (MultiVu .dat headers)
    ("Temperature (K)", "temperature_K", 1.0, 0.0),
    ("Magnetic Field (Oe)", "field_T", 1e-4, 0.0),
    ("Field (Oe)", "field_T", 1e-4, 0.0),
    ("Field (Oersted)", "field_T", 1e-4, 0.0),
    ("Bridge 1 Resistance (Ohms)", "resistance_ohm", 1.0, 0.0),
    ("Resistance Ch1 (Ohms)", "resistance_ohm", 1.0, 0.0),
    ("Time Stamp (sec)", "time_s", 1.0, 0.0),
    ("Sample Position (deg)", "angle_deg", 1.0, 0.0),
    ("Moment (emu)", "moment_emu", 1.0, 0.0),
    ("DC Moment Fixed Ctr (emu)", "moment_emu", 1.0, 0.0),
    ("Sample Temp (Kelvin)", "temperature_K", 1.0, 0.0),
    ("Samp HC (µJ/K)", "heat_capacity_J_per_K", 1e-6, 0.0),
    ("Samp HC Err (µJ/K)", "heat_capacity_err_J_per_K", 1e-6, 0.0),
    ("Samp HC (mJ/mole-K)", "molar_heat_capacity_J_per_molK", 1e-3, 0.0),
    ("Samp HC/Temp (µJ/K/K)", "heat_capacity_over_T_J_per_K2", 1e-6, 0.0),
    ("Thermal Conductivity (W/K-m)", "thermal_conductivity_W_per_mK", 1.0, 0.0),
    # Lake Shore HMS
    ("Temperature [K]", "temperature_K", 1.0, 0.0),
    ("Field [G]", "field_T", 1e-4, 0.0),
    ("Field [kG]", "field_T", 0.1, 0.0),
    ("Zero-field Resistivity [ohm cm]", "resistivity_ohm_cm", 1.0, 0.0),
    ("Hall Coefficient [cm³/C]", "hall_coefficient_cm3_per_C", 1.0, 0.0),
    ("Carrier Density [1/cm³]", "carrier_density_cm-3", 1.0, 0.0),
    ("Hall Mobility [cm²/(VS)]", "mobility_cm2_per_Vs", 1.0, 0.0),  # Lake Shore writes V·s as "VS"
    # Keithley / LabVIEW / lock-in scripts
    ("R (MOhm)", "resistance_ohm", 1e6, 0.0),
    ("R (mOhm)", "resistance_ohm", 1e-3, 0.0),
    ("R (MΩ)", "resistance_ohm", 1e6, 0.0),
    ("R (mΩ)", "resistance_ohm", 1e-3, 0.0),
    ("R (KOhm)", "resistance_ohm", 1e3, 0.0),
    ("Rxx (kOhm)", "resistance_ohm", 1e3, 0.0),
    ("R_xx (Ω)", "resistance_ohm", 1.0, 0.0),
    ("Vxx/I (Ohm)", "resistance_ohm", 1.0, 0.0),
    ("R_ohm", "resistance_ohm", 1.0, 0.0),
    ("Rxy (Ohm)", "hall_resistance_ohm", 1.0, 0.0),
    ("R_xy (kΩ)", "hall_resistance_ohm", 1e3, 0.0),
    ("Vxy/I (Ohm)", "hall_resistance_ohm", 1.0, 0.0),
    ("Hall Resistance (Ohm)", "hall_resistance_ohm", 1.0, 0.0),
    ("mu0H (T)", "field_T", 1.0, 0.0),
    ("µ0H (mT)", "field_T", 1e-3, 0.0),
    ("B_mT", "field_T", 1e-3, 0.0),
    ("B [T]", "field_T", 1.0, 0.0),
    ("H (kOe)", "field_T", 0.1, 0.0),
    ("H (A/m)", "field_T", 4e-7 * math.pi, 0.0),  # μ0·H, μ0 ≈ 4π·10⁻⁷ T·m/A
    ("T (°C)", "temperature_K", 1.0, 273.15),
    ("Temp (degC)", "temperature_K", 1.0, 273.15),
    ("T (mK)", "temperature_K", 1e-3, 0.0),
    ("Temp_K", "temperature_K", 1.0, 0.0),
    ("T_sample (K)", "temperature_K", 1.0, 0.0),
    ("Probe Temp (K)", "temperature_K", 1.0, 0.0),
    ("Vg (V)", "gate_V", 1.0, 0.0),
    ("V_gate (mV)", "gate_V", 1e-3, 0.0),
    ("Gate (V)", "gate_V", 1.0, 0.0),
    ("I (uA)", "current_A", 1e-6, 0.0),
    ("Time (min)", "time_s", 60.0, 0.0),
    # sheet resistance, resistivity, conductance (2D and 3D)
    ("R_sheet (Ohm)", "sheet_resistance_ohm", 1.0, 0.0),
    ("Rs (Ohm/sq)", "sheet_resistance_ohm", 1.0, 0.0),
    ("R_sq (kOhm)", "sheet_resistance_ohm", 1e3, 0.0),
    ("Rsq (Ω/□)", "sheet_resistance_ohm", 1.0, 0.0),
    ("Sheet Resistance (Ohm/sq)", "sheet_resistance_ohm", 1.0, 0.0),
    ("R (kOhm/sq)", "sheet_resistance_ohm", 1e3, 0.0),
    ("rho_xx (Ohm cm)", "resistivity_ohm_cm", 1.0, 0.0),
    ("Resistivity (uOhm cm)", "resistivity_ohm_cm", 1e-6, 0.0),
    ("ρ (µΩ·cm)", "resistivity_ohm_cm", 1e-6, 0.0),
    ("rho (Ohm m)", "resistivity_ohm_cm", 100.0, 0.0),
    ("rho (mOhm-cm)", "resistivity_ohm_cm", 1e-3, 0.0),
    ("Res. (ohm-cm)", "resistivity_ohm_cm", 1.0, 0.0),
    ("R (Ohm-cm)", "resistivity_ohm_cm", 1.0, 0.0),
    ("rho_xy (uOhm cm)", "hall_resistivity_ohm_cm", 1e-6, 0.0),
    ("ρ_xy (Ω·m)", "hall_resistivity_ohm_cm", 100.0, 0.0),
    ("G (e2/h)", "conductance_S", E2H, 0.0),
    ("G (mS)", "conductance_S", 1e-3, 0.0),
    ("Conductance (2e^2/h)", "conductance_S", 2 * E2H, 0.0),
    ("sigma_sheet (S)", "sheet_conductance_S", 1.0, 0.0),
    ("sigma (S/cm)", "conductivity_S_per_cm", 1.0, 0.0),
    ("Conductivity (S/m)", "conductivity_S_per_cm", 1e-2, 0.0),
    ("σ_dc (Ω⁻¹cm⁻¹)", "conductivity_S_per_cm", 1.0, 0.0),
    ("Δσ (e^2/h)", "delta_sigma_S", E2H, 0.0),
    ("delta G (G_Q)", "delta_sigma_S", GQ, 0.0),
    ("Delta sigma (uS)", "delta_sigma_S", 1e-6, 0.0),
    ("Δσ (S/m)", "delta_sigma_S_per_m", 1.0, 0.0),
    ("R_H (cm3/C)", "hall_coefficient_cm3_per_C", 1.0, 0.0),
    ("n (1/cm2)", "sheet_density_cm-2", 1.0, 0.0),
    ("C (J/mol K)", "molar_heat_capacity_J_per_molK", 1.0, 0.0),
    ("C/T (mJ/mol K^2)", "molar_heat_capacity_over_T_J_per_molK2", 1e-3, 0.0),
    ("kappa (W/mK)", "thermal_conductivity_W_per_mK", 1.0, 0.0),
    ("κ (mW/(cm·K))", "thermal_conductivity_W_per_mK", 0.1, 0.0),
    # optics exports and refractiveindex.info
    ("energy (eV)", "wavenumber_cm-1", 8065.544, 0.0),  # PHYSICS.md §5: ν[cm⁻¹] = 8065.544·E[eV]
    ("E (meV)", "wavenumber_cm-1", 8.065544, 0.0),
    ("wavenumber (cm-1)", "wavenumber_cm-1", 1.0, 0.0),
    ("Wavenumber (cm⁻¹)", "wavenumber_cm-1", 1.0, 0.0),
    ("frequency (THz)", "wavenumber_cm-1", 33.35641, 0.0),  # PHYSICS.md §5: 1 THz = 33.35641 cm⁻¹
    ("sigma1 (S/cm)", "sigma1_S_per_cm", 1.0, 0.0),
    ("σ1 (Ω⁻¹cm⁻¹)", "sigma1_S_per_cm", 1.0, 0.0),
    ("sigma2 (S/m)", "sigma2_S_per_cm", 1e-2, 0.0),
    ("R (%)", "reflectance", 1e-2, 0.0),
    ("T (%)", "transmittance", 1e-2, 0.0),
    ("%T", "transmittance", 1e-2, 0.0),
    ("Frequency (Hz)", "frequency_Hz", 1.0, 0.0),
]

# Reciprocal spectral coordinates: canonical = factor / value.
RECIPROCAL = [("wavelength (nm)", 1e7), ("wavelength (um)", 1e4), ("lambda (µm)", 1e4), ("Wavelength (Å)", 1e8)]

# Recognised columns whose unit is unknown or of another kind: refused naming the column.
REFUSED = [
    ("Field (furlong)", "furlong"),
    ("B (MT)", "MT"),  # megatesla is not read: MT is refused, not taken as 10⁶ T
    ("H (mt)", "'mt'"),  # prefixes and symbols are case-sensitive: mT is millitesla, mt is nothing
    ("Field (kg)", "kg"),  # kilogram, not kilogauss (kG)
    ("T (Oe)", "Oe"),
    ("Temp (Ohm)", "Ohm"),
    ("rho (S)", "'S'"),
    ("Samp HC (J/g K)", "J/g K"),
    ("R (mho)", "mho"),
    ("Rs (Ohm cm)", "Ohm cm"),
    ("sigma1 (eV)", "eV"),
]

# Recognised columns without a unit where the scale changes the answer: the loader asks for it.
NEED_UNIT = [("B", "--x-unit"), ("Field", "--x-unit"), ("G", "--y-unit"), ("Δσ", "--y-unit"),
             ("sigma1", "--y-unit"), ("rho", "--y-unit"), ("energy", "--x-unit"), ("wavelength", "--x-unit")]


@pytest.mark.parametrize("header,canonical,factor,offset", MAPPED)
def test_header_maps_to_canonical_with_hand_factor(header, canonical, factor, offset):
    m = map_column(header)
    assert m is not None and m.canonical == canonical
    assert m.factor == pytest.approx(factor, rel=1e-6) and m.offset == pytest.approx(offset, abs=1e-12)
    assert m.source == "header" and m.rule


@pytest.mark.parametrize("header,factor", RECIPROCAL)
def test_wavelength_is_reciprocal(header, factor):
    m = map_column(header)
    assert m.canonical == "wavenumber_cm-1" and m.reciprocal and m.factor == pytest.approx(factor, rel=1e-12)
    assert m.apply([500.0])[0] == pytest.approx(factor / 500.0)


def test_corpus_is_large():
    assert len(MAPPED) + len(RECIPROCAL) + len(REFUSED) + len(NEED_UNIT) >= 60


@pytest.mark.parametrize("header,unit", REFUSED)
def test_wrong_unit_refused_naming_column(header, unit):
    with pytest.raises(ColumnUnitError) as info:
        map_column(header)
    assert repr(header) in info.value.message and unit in info.value.message


@pytest.mark.parametrize("header,flag", NEED_UNIT)
def test_missing_unit_refused_with_the_option_to_give_it(header, flag):
    with pytest.raises(ColumnUnitError, match=rf"unit of column '{header}' is not stated.*{flag}"):
        map_column(header)


def test_case_of_prefix_decides_mega_or_milli():
    assert parse_unit("MOhm").factor == 1e6 and parse_unit("mOhm").factor == 1e-3
    assert parse_unit("MΩ").factor == 1e6 and parse_unit("mohm").factor == 1e-3
    assert parse_unit("mS").factor == 1e-3 and parse_unit("ms").factor == 1e-3
    assert not parse_unit("mS").same_kind(parse_unit("ms"))  # millisiemens vs millisecond
    with pytest.raises(UnitError):
        parse_unit("Ms")  # megasecond is not a unit files use


def test_conversion_between_kinds_refused():
    assert parse_unit("kOhm").factor_to(parse_unit("Ω")) == 1e3
    with pytest.raises(UnitError):
        parse_unit("Ohm-m").factor_to(parse_unit("Ω"))


def test_qcodes_style_label_and_unit_given_apart():
    assert map_column("Temperature", unit="mK").factor == pytest.approx(1e-3)
    assert map_column("Magnetic field", unit="T").canonical == "field_T"
    assert map_column("Gate voltage", unit="V").canonical == "gate_V"
    assert map_column("Resistance", unit="Ω").canonical == "resistance_ohm"


def test_unlabelled_columns_take_a_recorded_default_or_the_option():
    m = map_column("Rxx")
    assert m.canonical == "resistance_ohm" and m.factor == 1.0 and m.source == "default" and "'Rxx'" in m.note
    m = map_column("Rxx", y_unit="kOhm")
    assert m.factor == 1e3 and m.source == "option"
    m = map_column("Temp", x_unit="degC", y_unit="kOhm")  # each column takes the supplied unit of its kind
    assert m.offset == 273.15 and m.source == "option"
    assert map_column("B", x_unit="Oe", y_unit="kOhm").factor == pytest.approx(1e-4)


def test_function_argument_is_not_a_unit():
    m = map_column("R(T)")
    assert m.canonical == "resistance_ohm" and m.source == "default" and "argument" in m.note


def test_weak_single_letter_names_yield_to_other_units():
    assert map_column("C (pF)").canonical == ""  # a capacitance: kept under its own name
    assert map_column("E (V/m)").canonical == ""
    assert map_column("n").canonical == "n" and map_column("n (cm-3)").canonical == "carrier_density_cm-3"


def test_2d_resistivity_in_ohm_recorded_as_assumption():
    m = map_column("rho_xx (kOhm)")
    assert m.canonical == "sheet_resistance_ohm" and m.factor == 1e3 and "2D sheet resistivity" in m.note


# --- option values (for the CLI: --bmax 500mT, --tmin 300mK, --xmin 4eV) -------------------------


@pytest.mark.parametrize("text,quantity,expected", [
    ("500mT", "field", 0.5), ("0.5 T", "field", 0.5), ("5 kOe", "field", 0.5), ("2", "field", 2.0),
    ("300mK", "temperature", 0.3), ("4.2", "temperature", 4.2), ("20 °C", "temperature", 293.15),
    ("100cm-1", "spectral", 100.0), ("2um", "spectral", 5000.0), ("500 nm", "spectral", 2e4),
    ("4eV", "spectral", 4 * 8065.544), ("1 THz", "spectral", 33.35641),
])
def test_parse_option(text, quantity, expected):
    assert parse_option(text, quantity, "--opt") == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("text,quantity,option,message", [
    ("4K", "field", "--bmax", r"--bmax expects a magnetic field .* '4K' is a temperature"),
    ("1 T", "temperature", "--tmin", r"--tmin expects a temperature .* is a magnetic field"),
    ("2 ohm", "spectral", "--xmin", r"--xmin expects a spectral position"),
    ("lots", "field", "--bmax", r"--bmax expects a magnetic field"),
    ("3 furlong", "field", "--bmax", r"--bmax: unknown unit 'furlong'"),
    ("-5", "temperature", "--tmin", r"--tmin: '-5' is not a usable temperature"),
])
def test_parse_option_refuses_in_one_sentence(text, quantity, option, message):
    with pytest.raises(SigmafitError, match=message) as info:
        parse_option(text, quantity, option)
    assert not re.search(r"[.;!?]\s+[A-Z]", str(info.value)) and "\n" not in str(info.value)


# --- the same through whole files ---------------------------------------------------------------------


def test_file_with_mega_and_milli_ohm_columns(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("T (K),R (MOhm),R_contact (mOhm)\n2,1.5,250\n3,1.25,260\n")
    df = sigmafit.load(p)
    assert df["resistance_ohm"].tolist() == [1.5e6, 1.25e6]
    assert df["R_contact (mOhm)"].tolist() == [250, 260]  # not a name in the vocabulary: kept as it is


def test_file_sheet_and_celsius(tmp_path):
    p = tmp_path / "rs.txt"
    p.write_text("Temp (degC)\tR_sq (kOhm)\tRxy (Ohm)\n-10\t1.5\t3\n25\t1.2\t4\n")
    df = sigmafit.load(p)
    assert df["temperature_K"].tolist() == pytest.approx([263.15, 298.15])
    assert df["sheet_resistance_ohm"].tolist() == [1500.0, 1200.0]
    maps = {m["canonical"]: m for m in df.attrs["sigmafit"]["mappings"]}
    assert maps["sheet_resistance_ohm"]["rule"] == "sheet resistance" and maps["temperature_K"]["offset"] == 273.15


def test_unlabelled_temperature_at_or_below_zero_is_not_kelvin(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("Temp,R (Ohm)\n-20,10\n0,11\n20,12\n")
    with pytest.raises(DataFormatError, match=r"c\.csv: column 'Temp' states no unit and holds 2 values ≤ 0.*--x-unit"):
        sigmafit.load(p)
    df = sigmafit.load(p, x_unit="degC")
    assert df["temperature_K"].tolist() == pytest.approx([253.15, 273.15, 293.15])


def test_labelled_kelvin_at_or_below_zero_set_to_nan_and_counted(tmp_path):
    p = tmp_path / "k.csv"
    p.write_text("T (K),R (Ohm)\n0,10\n2,11\n-1,12\n")
    with pytest.warns(DataWarning, match="2 temperatures ≤ 0 K"):
        df = sigmafit.load(p)
    assert np.isnan(df["temperature_K"].to_numpy()[[0, 2]]).all() and df["temperature_K"].iloc[1] == 2


def test_unlabelled_resistance_assumption_recorded(tmp_path):
    p = tmp_path / "u.csv"
    p.write_text("T (K),Rxx\n2,1.5\n3,1.25\n")
    df = sigmafit.load(p)
    (sentence,) = df.attrs["sigmafit"]["assumptions"]
    assert "'Rxx' states no unit: taken as ohm" in sentence and "--y-unit" in sentence
    assert sigmafit.load(p, y_unit="kOhm")["resistance_ohm"].tolist() == [1500.0, 1250.0]
    assert sigmafit.load(p, y_unit="kOhm").attrs["sigmafit"]["assumptions"] == []


def test_heat_capacity_error_column_announced(tmp_path):
    p = tmp_path / "hc.csv"
    p.write_text("Sample Temp (Kelvin),Puck Temp (Kelvin),Samp HC (µJ/K),Samp HC Err (µJ/K)\n"
                 "2.0,1.9,1.5,0.02\n3.0,2.9,2.5,0.03\n", encoding="utf-8")
    df = sigmafit.load(p)
    assert df["temperature_K"].tolist() == [2.0, 3.0]  # the sample's temperature, not the puck's
    assert df["heat_capacity_J_per_K"].tolist() == pytest.approx([1.5e-6, 2.5e-6])
    assert df["heat_capacity_err_J_per_K"].tolist() == pytest.approx([2e-8, 3e-8])
    assert df.attrs["sigmafit"]["errors"] == {"heat_capacity_J_per_K": "heat_capacity_err_J_per_K"}
    assert "Puck Temp (Kelvin)" in df.columns and df.attrs["sigmafit"]["kind"] == "thermal"


def test_every_vocabulary_rule_is_documented():
    """docs/input-files.md lists every rule of the vocabulary by the id `sigmafit info` shows."""
    from pathlib import Path

    from sigmafit.io.vocabulary import RULES

    doc = (Path(__file__).resolve().parents[1] / "docs" / "input-files.md").read_text(encoding="utf-8")
    missing = [r.id for r in RULES if f"`{r.id}`" not in doc]
    assert not missing, f"rules not in docs/input-files.md: {missing}"


def test_fixed_unit_tables_of_constants_agree_with_the_parser():
    """sigmafit.constants keeps a few fixed tables for code outside io; they say what the parser says."""
    from sigmafit import constants as C
    from sigmafit.io.units import to_cm1

    for key, factor in C.CONDUCTANCE_TO_S.items():
        assert parse_unit(key).factor_to(parse_unit("S")) == pytest.approx(factor, rel=1e-12)
    for key, factor in C.LENGTH_TO_NM.items():
        assert parse_unit("Å" if key == "A" else key).factor_to(parse_unit("nm")) == pytest.approx(factor, rel=1e-12)
    assert to_cm1(1.0, parse_unit("eV")) == pytest.approx(C.CM1_PER_EV, rel=1e-12)  # the one spectral constant outside io


def test_unknown_supplied_unit_refused_naming_the_option(tmp_path):
    p = tmp_path / "b.csv"
    p.write_text("B,R (Ohm)\n0,1\n1,2\n")
    with pytest.raises(DataFormatError, match=r"b\.csv: x_unit='furlong' is not a unit sigmafit knows"):
        sigmafit.load(p, x_unit="furlong")
    notes = sigmafit.load(p, x_unit="Oe", y_unit="mT").attrs["sigmafit"]["notes"]  # R states its unit: mT unused
    assert any(n.startswith("y_unit='mT' not used") for n in notes)


def test_thermal_transport_export_keeps_conductance_and_conductivity_apart(tmp_path):
    """A thermal-transport export names the sample's conductance (W/K) and conductivity (W/(m K)) and both errors
    "Thermal Cond. Err": the unit decides which is which (the W/K error column was refused as a conductivity unit)."""
    f = tmp_path / "tto.csv"
    f.write_text("Temperature (K),Thermal Conductance (mW/K),Thermal Cond. Err (mW/K),Thermal Conductivity (W/K-m),"
                 "Thermal Cond. Err (W/K-m)\n10,0.1,0.001,10,0.1\n20,0.2,0.001,20,0.1\n30,0.3,0.002,30,0.2\n")
    df = sigmafit.load(f)
    assert df["thermal_conductance_W_per_K"].tolist() == pytest.approx([1e-4, 2e-4, 3e-4])  # mW/K → W/K by hand
    assert df["thermal_conductance_err_W_per_K"].tolist() == pytest.approx([1e-6, 1e-6, 2e-6])
    assert df["thermal_conductivity_W_per_mK"].tolist() == [10.0, 20.0, 30.0]
    errors = df.attrs["sigmafit"]["errors"]
    assert errors["thermal_conductivity_W_per_mK"] == "thermal_conductivity_err_W_per_mK"
    assert errors["thermal_conductance_W_per_K"] == "thermal_conductance_err_W_per_K"
