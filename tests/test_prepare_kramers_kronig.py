"""Kramers–Kronig transforms: the transform of a model returns the model's other part; real tables.

Analytic spectra: ε of a Drude–Lorentz metal (ε∞ = 1, so that R falls as ν⁻⁴ above the data,
as the free-electron extrapolation assumes), and of a Lorentz insulator.  Real tables
(refractiveindex.info, CC0): R and σ1 computed from their n,k and transformed back.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import sigmafit
from sigmafit.constants import CM1_PER_EV, Z_OPT
from sigmafit.exceptions import DataFormatError
from sigmafit.prepare import kramers_kronig as KK
from sigmafit.models.formulas import optics as F
from sigmafit.prepare.optics import kk_sigma2, kramers_kronig

DRUDE = [(2e4, 150.0)]
LORENTZ = [(3e4, 2e4, 5e3), (4e4, 6e4, 2e4)]
NU = np.geomspace(10.0, 5e5, 3000)  # 300 points per decade, up to where R ∝ ν⁻⁴
SIGMA_DC = DRUDE[0][0] ** 2 / (Z_OPT * DRUDE[0][1])


def _metal(nu=NU):
    eps = F.drude_lorentz_eps(nu, 1.0, DRUDE, LORENTZ)
    return eps, F.reflectance(eps)


def _sigma1(nu, N):
    return nu * (N**2).imag / Z_OPT


def test_chi2_values():
    assert KK.chi2(1.0) == pytest.approx(math.pi**2 / 8, rel=1e-12)  # Legendre χ₂(1) = π²/8
    u = np.array([1e-3, 0.1, 0.5])
    series = sum(u ** (2 * k + 1) / (2 * k + 1) ** 2 for k in range(200))
    np.testing.assert_allclose(KK.chi2(u), series, rtol=1e-12)


@pytest.mark.parametrize(("low", "options"), [("drude", {"drude": DRUDE[0]}), ("hagen-rubens", {"sigma_dc": SIGMA_DC})])
def test_reflectance_of_a_metal_returns_its_sigma1(low, options):
    eps, R = _metal()
    N = KK.nk_from_reflectance(NU, R, low=low, **options)
    inner = (NU > 3 * NU[0]) & (NU < NU[-1] / 10)  # away from the extrapolation edges
    np.testing.assert_allclose(_sigma1(NU[inner], N[inner]), NU[inner] * eps.imag[inner] / Z_OPT, rtol=0.01)
    # the phase itself, against arg((N − 1)/(N + 1)) of the model (e^{−iωt}, k ≥ 0)
    theta = KK.reflectance_phase(NU, R, low=low, **options)
    true = np.angle((F.nk_from_eps(eps) - 1) / (F.nk_from_eps(eps) + 1))
    assert np.max(np.abs(np.angle(np.exp(1j * (theta - true)))[inner])) < 2e-3


def test_reflectance_of_an_insulator_returns_its_sigma1():
    nu = np.geomspace(50.0, 5e5, 2500)
    eps = F.drude_lorentz_eps(nu, 1.0, (), [(3e3, 1e3, 60.0), (5e4, 4e4, 8e3)])
    N = KK.nk_from_reflectance(nu, F.reflectance(eps), low="insulator")
    s1_true = nu * eps.imag / Z_OPT
    inner = (nu > 150) & (nu < nu[-1] / 10) & (s1_true > 1e-3 * s1_true.max())  # where there is absorption to compare
    np.testing.assert_allclose(_sigma1(nu[inner], N[inner]), s1_true[inner], rtol=0.01)


def test_input_order_does_not_matter():
    eps, R = _metal(NU[::10])
    perm = np.random.default_rng(0).permutation(NU[::10].size)
    a = KK.reflectance_phase(NU[::10], R)
    b = KK.reflectance_phase(NU[::10][perm], R[perm])
    np.testing.assert_allclose(b, a[perm], rtol=1e-12)


def test_sigma1_to_sigma2_returns_the_drude_sigma2():
    nu = np.geomspace(10, 1e5, 2000)
    s = F.drude_sigma(nu, 1e4, 100.0)
    inner = (nu > 30) & (nu < 3e4)
    s2 = KK.sigma2_from_sigma1(nu, s.real, low="drude", drude=(1e4, 100.0))
    np.testing.assert_allclose(s2[inner], s.imag[inner], rtol=1e-4)
    # without the Drude shape below the data: the dc plateau, still within 1 % (the data reach ν ≪ γ)
    np.testing.assert_allclose(KK.sigma2_from_sigma1(nu, s.real)[inner], s.imag[inner], rtol=0.01)


def test_sigma1_to_sigma2_of_a_lorentz_insulator():
    nu = np.geomspace(20, 1e6, 3000)
    s = F.drude_lorentz_sigma(nu, (), [(3e3, 1e3, 60.0), (5e4, 4e4, 8e3)])
    s2 = KK.sigma2_from_sigma1(nu, s.real, low="insulator")
    inner = (nu > 60) & (nu < 3e5)
    np.testing.assert_allclose(s2[inner], s.imag[inner], rtol=0.01, atol=1e-3 * np.abs(s.imag).max())


def test_anchor_removes_the_phase_error_of_missing_absorption():
    """Data that stop below an oscillator: the ν⁻⁴ tail misses it; one known N fixes the linear phase error."""
    nu = np.geomspace(10, 3e4, 1500)
    eps, R = _metal(nu)
    plain = KK.nk_from_reflectance(nu, R, low="drude", drude=DRUDE[0])
    i = int(np.searchsorted(nu, 5e3))
    anchored = KK.nk_from_reflectance(nu, R, low="drude", drude=DRUDE[0], anchor=(nu[i], F.nk_from_eps(eps[i])))
    ir = (nu > 30) & (nu < 1e4)
    err_plain = np.abs(_sigma1(nu, plain) / (nu * eps.imag / Z_OPT) - 1)[ir]
    err_anchor = np.abs(_sigma1(nu, anchored) / (nu * eps.imag / Z_OPT) - 1)[ir]
    assert np.median(err_plain) > 0.04  # below the plasma edge a small phase error is a large σ1 error
    assert np.max(err_anchor) < 0.01


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"R": [0.5, 1.2, 0.9]}, r"R must lie in \(0, 1\]"),
        ({"nu": [0.0, 1.0, 2.0]}, "nu must be > 0 cm-1"),
        ({"nu": [1.0, 1.0, 2.0]}, "nu has repeated values"),
        ({"low": "linear"}, "low must be one of"),
        ({"low": "drude"}, "low='drude' needs drude="),
        ({"anchor": (10.0, 2 + 3j)}, "anchor needs nu_a inside the data"),
        ({"high_power": -1.0}, r"high_power must lie in \[0, 8\]"),
    ],
)
def test_reflectance_phase_refuses_bad_input(kwargs, match):
    args = {"nu": [100.0, 200.0, 300.0], "R": [0.9, 0.8, 0.7], **kwargs}
    nu, R = args.pop("nu"), args.pop("R")
    with pytest.raises(ValueError, match=match):
        KK.reflectance_phase(nu, R, **args)


# --- real tables --------------------------------------------------------------------------------


def _table(external_dir, name):
    df = sigmafit.load(external_dir / "optics" / "refractiveindex-metals" / f"{name}.yml")
    nu = df["wavenumber_cm-1"].to_numpy()
    keep = np.r_[True, np.diff(nu) > 0]  # Olmon/Yang tables repeat a few wavelengths
    return nu[keep], (df["n"].to_numpy() + 1j * df["k"].to_numpy())[keep]


def _low_drude(nu, N):
    """(ω_p, γ) of a Drude fit of the complex σ over the lowest half-decade (the low-frequency extension)."""
    low = nu < 5 * nu[0]
    df = pd.DataFrame({"wavenumber_cm-1": nu[low], "n": N.real[low], "k": N.imag[low]})
    res = sigmafit.fit(df, "drude", observable="nk", fix={"eps_inf": 1.0}, warn=False)
    return res.value("wp"), res.value("gamma")


@pytest.mark.parametrize("name", ["Ag_Yang", "Al_Rakic-LD", "Au_Ordal", "Mo_Ordal"])
def test_real_tables_sigma2_is_the_transform_of_sigma1(external_dir, name):
    nu, N = _table(external_dir, name)
    sigma = F.eps_to_sigma(nu, N**2, 1.0)
    s2 = KK.sigma2_from_sigma1(nu, sigma.real, low="drude", drude=_low_drude(nu, N))
    band = (nu > 3 * nu[0]) & (nu < 30 * nu[0]) & (nu < nu[-1] / 3)
    assert band.sum() >= 5
    np.testing.assert_allclose(s2[band], sigma.imag[band], rtol=0.03)


def test_olmon_single_crystal_table_is_not_a_kramers_kronig_pair(external_dir):
    """Its ε2 and ε1 disagree with each other by >10 % under KK: why σ1-only and complex Drude fits of it differ."""
    nu, N = _table(external_dir, "Au_Olmon-sc")
    sigma = F.eps_to_sigma(nu, N**2, 1.0)
    s2 = KK.sigma2_from_sigma1(nu, sigma.real, low="drude", drude=_low_drude(nu, N))
    band = (nu > 2 * nu[0]) & (nu < 20 * nu[0])
    assert np.median(np.abs(s2[band] / sigma.imag[band] - 1)) > 0.1


@pytest.mark.parametrize(("name", "anchor_ev", "band_ev", "rtol"),
                         [("Al_Rakic-LD", 5.0, (0.01, 8.0), 0.01), ("Ag_Yang", 1.5, (0.06, 2.0), 0.07)])
def test_real_tables_reflectance_returns_their_sigma1(external_dir, name, anchor_ev, band_ev, rtol):
    """R computed from the table, transformed with a Hagen–Rubens start and one anchor point."""
    nu, N = _table(external_dir, name)
    R = F.reflectance(N**2)
    i = int(np.argmin(np.abs(nu / CM1_PER_EV - anchor_ev)))
    Nk = KK.nk_from_reflectance(nu, R, low="hagen-rubens", anchor=(nu[i], N[i]))
    E = nu / CM1_PER_EV
    band = (E > band_ev[0]) & (E < band_ev[1])
    np.testing.assert_allclose(_sigma1(nu[band], Nk[band]), _sigma1(nu[band], N[band]), rtol=rtol)


def test_loading_and_preparing_do_not_import_scipy_special_or_optimize():
    """Start-up: KK (scipy.special), field offsets and vdP (scipy.optimize) import them when they run, not at import."""
    code = ("import sys, sigmafit.io, sigmafit.prepare; "
            "print([m for m in ('scipy.special', 'scipy.optimize') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- the DataFrame steps --------------------------------------------------------------------------


def test_prepare_kramers_kronig_adds_the_optical_constants():
    nu = NU[::3]
    eps, R = _metal(nu)
    df = pd.DataFrame({"wavenumber_cm-1": nu[::-1], "reflectance": R[::-1]})  # descending on purpose
    df.attrs["sigmafit"] = {"source": "metal.csv"}
    before = df.copy()
    out = kramers_kronig(df, low="drude", drude=DRUDE[0])
    pd.testing.assert_frame_equal(df, before)
    assert {"reflectance_phase_rad", "n", "k", "eps1", "eps2", "sigma1_S_per_cm", "sigma2_S_per_cm"} <= set(out.columns)
    inner = (out["wavenumber_cm-1"] > 100) & (out["wavenumber_cm-1"] < 5e4)
    true_s1 = (nu * eps.imag / Z_OPT)[::-1]
    np.testing.assert_allclose(out.loc[inner, "sigma1_S_per_cm"], true_s1[inner.to_numpy()], rtol=0.01)
    step = out.attrs["sigmafit"]["prepare"][-1]
    assert step["step"] == "kramers_kronig" and step["low"] == "drude" and step["high_power"] == 4.0
    back = kk_sigma2(out[["wavenumber_cm-1", "sigma1_S_per_cm"]], low="drude", drude=DRUDE[0], high_power=2.0)
    assert back.attrs["sigmafit"]["prepare"][-1]["step"] == "kk_sigma2"


def test_prepare_kramers_kronig_applies_the_anchor_it_records():
    """N_a = 2 + i: r = (N − 1)/(N + 1) = (1 + i)/(3 + i) = 0.4 + 0.2i, so R = 0.2 and θ = atan(1/2) at ν_a."""
    nu = np.linspace(100.0, 1000.0, 46)
    df = pd.DataFrame({"wavenumber_cm-1": nu[::-1], "reflectance": np.full(nu.size, 0.2)})
    i = 20  # a data row: ν_a = 1000 − 20·20 = 600 cm⁻¹
    plain = kramers_kronig(df, low="constant")
    anchored = kramers_kronig(df, low="constant", anchor=(df["wavenumber_cm-1"][i], 2 + 1j))
    assert anchored.attrs["sigmafit"]["prepare"][-1]["anchor_nu_n_k"] == [600.0, 2.0, 1.0]
    assert abs(plain["reflectance_phase_rad"][i] - math.atan(0.5)) > 0.05  # the anchor has something to correct
    assert anchored["reflectance_phase_rad"][i] == pytest.approx(math.atan(0.5), abs=1e-12)
    assert (anchored["n"][i], anchored["k"][i]) == (pytest.approx(2.0, abs=1e-12), pytest.approx(1.0, abs=1e-12))
    # the correction is the linear phase a·ν (the phase of absorption far above the data), zero at ν = 0
    slope = (anchored["reflectance_phase_rad"] - plain["reflectance_phase_rad"]) / df["wavenumber_cm-1"]
    np.testing.assert_allclose(slope, slope[i], rtol=1e-9)


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        ({"wavenumber_cm-1": [1.0, 2.0, 3.0], "reflectance": [0.9, 1.02, 0.8]}, r"'reflectance' has 1 value\(s\) above 1"),
        ({"wavenumber_cm-1": [1.0, 2.0, 3.0], "reflectance": [0.9, 0.0, 0.8]}, r"'reflectance' has 1 value\(s\) ≤ 0"),
        ({"wavenumber_cm-1": [-1.0, 2.0, 3.0], "reflectance": [0.9, 0.5, 0.8]}, r"'wavenumber_cm-1' has 1 value\(s\) ≤ 0"),
        ({"wavenumber_cm-1": [1.0, 1.0, 3.0], "reflectance": [0.9, 0.5, 0.8]}, "repeats frequencies"),
        ({"wavenumber_cm-1": [1.0, 2.0, 3.0], "reflectance": [0.9, np.nan, 0.8]}, "without a finite"),
        ({"wavenumber_cm-1": [1.0, 2.0, 3.0], "reflectance": [0.9, 0.5, 0.8], "n": [1.0, 1.0, 1.0]}, r"derives \['n'\] from the reflectance"),
        ({"wavenumber_cm-1": [1.0, 2.0, 3.0], "transmittance": [0.9, 0.5, 0.8]}, "'reflectance'"),
    ],
)
def test_prepare_kramers_kronig_refuses_bad_input_in_one_sentence(frame, match):
    df = pd.DataFrame(frame)
    df.attrs["sigmafit"] = {"source": "spectrum.csv"}
    with pytest.raises(DataFormatError, match=match) as err:
        kramers_kronig(df)
    assert "\n" not in str(err.value)
