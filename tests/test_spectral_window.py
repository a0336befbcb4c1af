"""Spectral windows given in wavelengths: ν = 10⁷/λ(nm) cm⁻¹ reverses the order, so a wavelength limit bounds the
other end of the window in cm⁻¹ (hand values: 10⁷/390 = 25,641.03 cm⁻¹, 10⁷/1200 = 8,333.33 cm⁻¹)."""

from __future__ import annotations

import pytest

from sigmafit.fitting.options import with_quantities


@pytest.mark.parametrize(("xmin", "xmax", "lo", "hi"), [
    ("390nm", "1200nm", 1e7 / 1200, 1e7 / 390),  # both ends: swapped
    ("390nm", None, None, 1e7 / 390),  # λ ≥ 390 nm alone is an upper limit in cm⁻¹
    (None, "1200nm", 1e7 / 1200, None),  # λ ≤ 1200 nm alone is a lower limit
    ("1 micron", "2 microns", 5000.0, 10000.0),  # every wavelength spelling the unit parser reads
    ("2um", "6000cm-1", None, 5000.0),  # two upper limits: the narrower holds
    ("500cm-1", "4000", 500.0, 4000.0),  # wavenumbers and bare numbers (cm⁻¹) stay as they are
    (1000.0, 3000.0, 1000.0, 3000.0),
])
def test_wavelength_limits_land_on_the_right_end(xmin, xmax, lo, hi):
    out = with_quantities({"xmin": xmin, "xmax": xmax}, "optics")
    assert out["xmin"] == (None if lo is None else pytest.approx(lo, rel=1e-12))
    assert out["xmax"] == (None if hi is None else pytest.approx(hi, rel=1e-12))


def test_other_families_keep_their_x_unit():
    assert with_quantities({"xmin": "500mT", "tmax": "300mK"}, "magnetoconductance") == {"xmin": 0.5, "tmax": 0.3}
