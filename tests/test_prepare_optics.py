"""Optics conversions against PHYSICS.md §5 and the Olmon gold data (SOURCE.md note σ1 = 2nkν/Z)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sigmafit.constants import Z_OPT
from sigmafit.exceptions import DataFormatError
from sigmafit.prepare import add_optical_conductivity, eps_to_nk, eps_to_sigma, nk_to_eps, sigma_to_eps


def _drude_eps(nu, wp, gamma, eps_inf=1.0):
    return eps_inf - wp**2 / (nu**2 + 1j * gamma * nu)


def test_z_and_drude_dc_limit():
    assert Z_OPT == pytest.approx(59.9585, rel=1e-5)
    # PHYSICS §5: ω_p = 1e4 cm⁻¹, γ = 100 cm⁻¹ → σ0 = 16 678.2 S/cm
    nu = np.array([1e-4])
    eps = _drude_eps(nu, 1e4, 100.0)
    s1, s2 = eps_to_sigma(nu, eps.real, eps.imag)
    assert s1[0] == pytest.approx(16678.2, rel=1e-5)
    assert s2[0] == pytest.approx(16678.2 * 1e-4 / 100.0, rel=1e-5)  # σ2 ≈ σ0·ν/γ for ν ≪ γ


def test_drude_sign_convention_at_nu_equal_gamma():
    # e^{−iωt}: σ = σ0/(1 − iν/γ); at ν = γ, σ = σ0(1 + i)/2 → σ1 = σ2 = σ0/2 > 0
    eps_inf = 3.5
    eps = _drude_eps(np.array([100.0]), 1e4, 100.0, eps_inf)
    s1, s2 = eps_to_sigma(100.0, eps.real, eps.imag, eps_inf=eps_inf)
    sigma0 = 1e8 / (Z_OPT * 100.0)
    assert s1[0] == pytest.approx(sigma0 / 2, rel=1e-12)
    assert s2[0] == pytest.approx(sigma0 / 2, rel=1e-12)


def test_round_trips():
    n = np.array([0.2, 1.5, 42.79])
    k = np.array([3.0, 0.0, 137.5])
    e1, e2 = nk_to_eps(n, k)
    np.testing.assert_allclose(e1 + 1j * e2, (n + 1j * k) ** 2)
    n2, k2 = eps_to_nk(e1, e2)
    np.testing.assert_allclose(n2, n, rtol=1e-10)
    np.testing.assert_allclose(k2, k, rtol=1e-10, atol=1e-12)
    nu = np.array([10.0, 1e3, 3e4])
    s1, s2 = eps_to_sigma(nu, e1, e2, eps_inf=2.0)
    b1, b2 = sigma_to_eps(nu, s1, s2, eps_inf=2.0)
    np.testing.assert_allclose(b1, e1, rtol=1e-12)
    np.testing.assert_allclose(b2, e2, rtol=1e-12)


def _olmon(path: Path) -> pd.DataFrame:
    rows, inside = [], False
    for line in path.read_text().splitlines():
        if line.strip().startswith("data: |"):
            inside = True
            continue
        if inside:
            parts = line.split()
            if len(parts) != 3:
                if rows:
                    break
                continue
            rows.append([float(p) for p in parts])
    lam, n, k = np.array(rows).T
    return pd.DataFrame({"wavenumber_cm-1": 1e4 / lam, "n": n, "k": k})


def test_olmon_gold(external_dir):
    df = _olmon(external_dir / "formats" / "refractiveindex-au-olmon" / "Olmon-ev.yml")
    assert len(df) == 448
    before = df.copy()
    out = add_optical_conductivity(df)
    pd.testing.assert_frame_equal(df, before)
    nu, n, k = df["wavenumber_cm-1"], df["n"], df["k"]
    np.testing.assert_allclose(out["sigma1_S_per_cm"], 2 * n * k * nu / Z_OPT, rtol=1e-13)
    # SOURCE.md: Gaussian shortcut 2nkν/60 agrees within the 0.07 % of Z = 59.9585 vs 60
    np.testing.assert_allclose(out["sigma1_S_per_cm"], 2 * n * k * nu / 60, rtol=1e-3)
    # σ1(10 µm = 1000 cm⁻¹) ≈ 2.4e4 S/cm
    i = int(np.argmin(np.abs(nu - 1000.0)))
    assert out["sigma1_S_per_cm"].iloc[i] == pytest.approx(2.4e4, rel=0.1)
    assert (out["sigma1_S_per_cm"] > 0).all() and (out["eps2"] > 0).all()
    # mid-IR gold is Drude-like: ε1 < 0, σ2 > 0 (inductive) in the e^{−iωt} convention
    ir = nu < 2000
    assert (out.loc[ir, "eps1"] < 0).all() and (out.loc[ir, "sigma2_S_per_cm"] > 0).all()
    assert out.attrs["sigmafit"]["prepare"][-1]["source"] == "n/k"


def test_add_optical_conductivity_sources_and_errors():
    df = pd.DataFrame({"wavenumber_cm-1": [100.0, 200.0], "eps1": [-50.0, -10.0], "eps2": [30.0, 5.0]})
    out = add_optical_conductivity(df)
    assert out["sigma1_S_per_cm"].tolist() == pytest.approx([100 * 30 / Z_OPT, 200 * 5 / Z_OPT])
    back = add_optical_conductivity(out[["wavenumber_cm-1", "sigma1_S_per_cm", "sigma2_S_per_cm"]])
    np.testing.assert_allclose(back["eps1"], df["eps1"])
    with pytest.raises(DataFormatError, match="'n', 'k'"):
        add_optical_conductivity(pd.DataFrame({"wavenumber_cm-1": [1.0], "reflectance": [0.5]}))
    with pytest.raises(DataFormatError, match="'wavenumber_cm-1'"):
        add_optical_conductivity(pd.DataFrame({"n": [1.0], "k": [0.5]}))
