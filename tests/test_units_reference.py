"""Unit factors and geometry against values worked by hand (SI definitions), through the public API.

* 1 mK = 10⁻³ K; 1 Oe ↔ 10⁻⁴ T (B = μ0H in vacuum); 1 kΩ = 10³ Ω;
* 1 Ω·m = 100 Ω·cm (1 m = 100 cm);
* Hall bar: R_□ = R·W/L — a bar 10 µm wide with voltage probes 40 µm apart holds 4 squares;
* resistivity ρ = R_□·t: 100 Ω per square of a 50 nm film is 100 Ω × 5·10⁻⁶ cm = 5·10⁻⁴ Ω·cm.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sigmafit
from sigmafit.prepare import Geometry, sheet_from_resistivity, to_resistivity, to_sheet


def test_loader_converts_millikelvin_oersted_and_ohm_metre(tmp_path):
    path = tmp_path / "cryostat.csv"
    path.write_text(
        "Temperature (mK),Magnetic Field (Oe),Resistivity (ohm m),Resistance (kOhm)\n"
        "20.5,0,1.5e-6,1.25\n"
        "300,1000,2.5e-6,1.5\n"
        "1500,-25000,3.5e-6,2\n",
        encoding="utf-8",
    )
    df = sigmafit.load(path)
    np.testing.assert_allclose(df["temperature_K"], [0.0205, 0.3, 1.5], rtol=1e-15)
    np.testing.assert_allclose(df["field_T"], [0.0, 0.1, -2.5], rtol=1e-15)
    np.testing.assert_allclose(df["resistivity_ohm_cm"], [1.5e-4, 2.5e-4, 3.5e-4], rtol=1e-15)
    np.testing.assert_allclose(df["resistance_ohm"], [1250.0, 1500.0, 2000.0], rtol=1e-15)
    assert df.attrs["sigmafit"]["units"]["temperature_K"] == "mK"


def test_hall_bar_counts_squares():
    g = Geometry("hallbar", width_um=10.0, length_um=40.0)
    assert g.factor == 0.25  # 40 µm / 10 µm = 4 squares
    df = pd.DataFrame({"field_T": [0.0, 1.0], "resistance_ohm": [400.0, 404.0]})
    out = to_sheet(df, g)
    np.testing.assert_allclose(out["sheet_resistance_ohm"], [100.0, 101.0], rtol=1e-15)
    assert Geometry("sheet").factor == 1.0


def test_resistivity_from_thickness_in_nm():
    g = Geometry("hallbar", width_um=10.0, length_um=40.0, thickness_nm=50.0)
    df = pd.DataFrame({"field_T": [0.0], "resistance_ohm": [400.0], "hall_resistance_ohm": [2.0]})
    out = to_resistivity(df, g)
    assert out["resistivity_ohm_cm"].iloc[0] == pytest.approx(5e-4, rel=1e-14)
    assert out["hall_resistivity_ohm_cm"].iloc[0] == pytest.approx(1e-5, rel=1e-14)  # 2 Ω × 5·10⁻⁶ cm
    assert sheet_from_resistivity(5e-4, 50.0) == pytest.approx(100.0, rel=1e-14)
