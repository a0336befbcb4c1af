"""The classical conductivity tensor against PHYSICS.md §6 (two bands) and hand calculations."""

import numpy as np
import pytest

from sigmafit.constants import E_CHARGE
from sigmafit.models.formulas import tensor

# PHYSICS.md §6: electrons n1 = 1e25 m^-3, mu1 = 0.1 m²/Vs; holes n2 = 5e24 m^-3, mu2 = 0.05 m²/Vs
BANDS = [(1e25, 0.1, -1), (5e24, 0.05, +1)]
TABLE = [
    (0.0, 4.99320725956861e-6, 0.0),
    (1.0, 5.01117561835954e-6, -3.49883875345621e-7),
    (5.0, 5.43814652032225e-6, -1.79211646692438e-6),
]


@pytest.mark.parametrize("B, rxx, rxy", TABLE)
def test_two_band_resistivity_physics_table(B, rxx, rxy):
    got_xx, got_xy = tensor.resistivity(B, BANDS)
    assert got_xx == pytest.approx(rxx, rel=1e-12)
    assert got_xy == pytest.approx(rxy, rel=1e-12, abs=1e-22)


def test_single_band_hall_coefficient_and_no_magnetoresistance():
    # one band: rho_xx = 1/(n e mu) at every field, rho_xy = s B/(n e)   (hand calculation)
    n, mu = 3e16, 0.2  # a sheet density in m^-2: sheet quantities in ohm
    B = np.linspace(-9, 9, 37)
    for s in (+1, -1):
        rxx, rxy = tensor.resistivity(B, [(n, mu, s)])
        np.testing.assert_allclose(rxx, 1.0 / (n * E_CHARGE * mu), rtol=1e-13)
        np.testing.assert_allclose(rxy, s * B / (n * E_CHARGE), rtol=1e-13, atol=1e-300)


def test_invert_is_an_involution_and_onsager_parities():
    B = np.linspace(-2, 2, 9)
    sxx, sxy = tensor.conductivity(B, BANDS)
    back = tensor.invert(*tensor.invert(sxx, sxy))
    np.testing.assert_allclose(back[0], sxx, rtol=1e-14)
    np.testing.assert_allclose(back[1], sxy, rtol=1e-14, atol=1e-300)
    rxx, rxy = tensor.invert(sxx, sxy)
    np.testing.assert_allclose(rxx, rxx[::-1], rtol=1e-14)  # even in B
    np.testing.assert_allclose(rxy, -rxy[::-1], rtol=1e-14, atol=1e-300)  # odd in B
