"""The 3D metallic side: σ(T) = σ(0) + m·T^½ + b·T^(p/2), and σ(0) = σ_c·(x/x_c − 1)^ν across samples."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

import sigmafit
from sigmafit.models.formulas import metal_insulator as F


def _fit(df, model, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sigmafit.fit(df, model, warn=False, **kw)


def test_formulas_by_hand():
    # 40 − 2√9 + 0.5·9^(3/2) = 40 − 6 + 13.5
    assert F.metal_sigma(9.0, 40.0, -2.0, 0.5, 3.0) == 47.5
    # 10·(1.21/1.1 − 1)^0.5 = 10·√0.1; below and at x_c: 0
    np.testing.assert_allclose(F.critical_sigma([1.0, 1.1, 1.21], 10.0, 1.1, 0.5), [0.0, 0.0, 10 * math.sqrt(0.1)], rtol=1e-13)


def test_metal_side_recovered():
    """σ(0) = 20 S/cm, m = −3 S/(cm K^½) (negative: interaction), b = 0.4, p = 2; 0.05 S/cm noise, 0.05–10 K."""
    rng = np.random.default_rng(2)
    T = np.geomspace(0.05, 10.0, 60)
    s = F.metal_sigma(T, 20.0, -3.0, 0.4, 2.0) + 0.05 * rng.standard_normal(T.size)
    res = _fit(pd.DataFrame({"temperature_K": T, "conductivity_S_per_cm": s}), "mit-metal")
    for k, v in (("sigma0", 20.0), ("m", -3.0), ("b", 0.4)):
        assert abs(res.params[k].value - v) < 5 * res.params[k].stderr, k
    assert 0.6 < res.summary()["statistics"]["redchi"] / 0.05**2 < 1.5
    # √T and T overlap over two decades of T: the only note is that m and b are correlated
    assert all("correlated" in w for w in res.warnings)


def test_metal_side_warnings():
    model = sigmafit.models.get("mit-metal")
    p = model.make_params()
    p["p"].set(value=1.0)
    p["sigma0"].set(value=-1.0)
    notes = model.diagnose(p, np.linspace(1, 2, 10))
    assert any("not separable" in n for n in notes)
    assert any("insulating side" in n for n in notes)
    assert any("less than a factor 4" in n for n in notes)


def test_critical_law_recovered_with_insulating_samples():
    """x_c = 3.74 (×10¹⁸ cm⁻³, Si:P-like), ν = 0.5, σ_c = 250 S/cm; 3 insulating samples with σ(0) = 0; 2 % noise."""
    rng = np.random.default_rng(9)
    x = np.array([3.0, 3.3, 3.6, 3.8, 3.9, 4.1, 4.4, 4.8, 5.5, 6.5, 8.0])
    s = F.critical_sigma(x, 250.0, 3.74, 0.5)
    err = np.where(s > 0, 0.02 * s, 1.0)
    y = s + np.where(s > 0, err * rng.standard_normal(x.size), 0.0)
    df = pd.DataFrame({"control_parameter": x, "conductivity_S_per_cm": y, "err": err})
    res = _fit(df, "mit-critical", weights=1.0 / err)
    for k, v in (("x_c", 3.74), ("nu", 0.5), ("sigma_c", 250.0)):
        assert abs(res.params[k].value - v) < 5 * res.params[k].stderr, k
    assert res.params["x_c"].stderr < 0.05
    few = _fit(df.iloc[:6], "mit-critical", weights=1.0 / err[:6])
    assert any("metallic side" in w for w in few.warnings)


def test_a_sample_at_the_critical_point_makes_the_x_c_error_suspect():
    """σ = 20·(x/2 − 1)^½ (hand: ν = ½ < 1, infinite slope at x_c = 2): with a sample 1 ‰ above x_c the χ² is not a
    parabola in x_c and the fit says so; with the nearest samples 20 % away it does not."""
    rng = np.random.default_rng(1)
    said = []
    for xs in ([1.5, 1.8, 2.002, 2.2, 2.5, 3.0, 4.0, 5.0, 6.0], [1.5, 1.8, 2.4, 2.7, 3.0, 4.0, 5.0, 6.0]):
        x = np.array(xs)
        y = 20.0 * np.clip(x / 2.0 - 1.0, 0.0, None) ** 0.5
        y = y + rng.normal(0.0, 0.02, x.size) * np.maximum(y, 1.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = sigmafit.fit((x, y), "mit-critical", warn=False)
        said.append(any("within 2σ of x_c" in w for w in r.warnings))
    assert said == [True, False]
