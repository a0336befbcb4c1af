"""Weights, starts, checks and diagnostics of the optics models (synthetic spectra, known answers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sigmafit
from sigmafit import models
from sigmafit.exceptions import DataFormatError
from sigmafit.fitting.curve import curve_data
from sigmafit.fitting.options import FitSettings
from sigmafit.models import optics_diagnostics as D
from sigmafit.models.formulas import optics as F
from sigmafit.models.optical_observables import envelope, relative_weights, stack_observable


def frame(nu, eps):
    N = F.nk_from_eps(eps)
    s = F.eps_to_sigma(nu, eps, 1.0)
    return pd.DataFrame({"wavenumber_cm-1": nu, "eps1": eps.real, "eps2": eps.imag, "n": N.real, "k": N.imag,
                         "sigma1_S_per_cm": s.real, "sigma2_S_per_cm": s.imag, "reflectance": F.reflectance(eps)})


# --- the relative weights -------------------------------------------------------------------------


def test_relative_weights_are_one_over_y_for_smooth_data():
    nu = np.geomspace(10, 1e4, 200)
    s1 = F.drude_sigma(nu, 1e4, 100.0).real  # spans 4 decades, falls smoothly
    w = relative_weights(nu, s1, "sigma1")
    np.testing.assert_allclose(w * s1, 1.0, rtol=1e-12)  # every point counts alike


def test_relative_weights_stay_finite_at_a_zero_crossing():
    """ε1 of a metal crosses zero at the screened plasma frequency: the envelope bounds its weight."""
    nu = np.linspace(1000, 3000, 201)
    eps = F.drude_lorentz_eps(nu, 4.0, [(4000.0, 10.0)])  # ε1 = 0 at 2000 cm⁻¹, ε2 tiny
    y = np.r_[eps.real, eps.imag]
    w = relative_weights(nu, y, "eps")
    w1 = w[: nu.size]
    i = int(np.argmin(np.abs(eps.real)))
    assert abs(eps.real[i]) < 0.01
    # at the crossing the weight is that of half the largest |ε1| within ±10 % (or the 1 % modulus floor)
    local = np.abs(eps.real[(nu > nu[i] / 1.1) & (nu < nu[i] * 1.1)]).max()
    assert w1[i] == pytest.approx(1 / max(0.5 * local, 0.01 * abs(eps[i])), rel=1e-12)
    assert w1[i] * abs(eps.real).max() < 100  # no single point dominates


def test_envelope_keeps_non_finite_points_local():
    nu = np.arange(1.0, 11.0)
    a = np.full(10, 2.0)
    a[4] = np.nan
    env = envelope(nu, a)
    assert np.isnan(env[4]) and np.all(env[np.arange(10) != 4] == 2.0)


def test_small_part_is_floored_by_the_modulus():
    nu = np.linspace(100, 200, 50)
    n, k = np.full(50, 1.5), np.full(50, 1e-9)  # a transparent insulator: k is not resolved
    w = relative_weights(nu, np.r_[n, k], "nk")
    np.testing.assert_allclose(w[50:], 1 / (0.01 * np.hypot(1.5, 1e-9)))


def test_eps_and_nk_fits_of_the_same_data_agree():
    """Relative weights: the same spectrum fitted as ε and as n,k gives the same parameters within errors."""
    nu = np.geomspace(30, 3e4, 200)
    eps = F.drude_lorentz_eps(nu, 3.0, [(2e4, 150.0)], [(1.5e4, 1.2e4, 3e3)])
    rng = np.random.default_rng(8)
    df = frame(nu, eps)
    for c in ("n", "k"):
        df[c] = df[c] * (1 + 0.003 * rng.standard_normal(nu.size))
    e = F.eps_from_nk(df["n"], df["k"])  # ε computed from the same noisy n,k
    df["eps1"], df["eps2"] = e.real, e.imag
    a = sigmafit.fit(df, "drude-lorentz", observable="nk", warn=False)
    b = sigmafit.fit(df, "drude-lorentz", observable="eps", warn=False)
    for name in ("wp", "gamma", "eps_inf", "wp1", "nu01", "gamma1"):
        err = np.hypot(a.stderr(name), b.stderr(name))
        assert abs(a.value(name) - b.value(name)) < 3 * err, name


# --- where the weights come from ----------------------------------------------------------------


def test_default_weights_are_recorded_in_the_result():
    nu = np.geomspace(10, 1e4, 60)
    y = F.drude_sigma(nu, 1e4, 100.0).real
    res = sigmafit.fit((nu, y), "drude", warn=False)
    assert res.source["weights"].startswith("drude default: relative weights 1/|y| for every point and part")
    np.testing.assert_allclose(res.weights * y, 1.0, rtol=1e-12)


def test_error_columns_announced_by_the_loader_are_used():
    nu = np.geomspace(100, 1e4, 40)
    df = frame(nu, F.drude_lorentz_eps(nu, 1.0, [(1e4, 100.0)]))[["wavenumber_cm-1", "n", "k"]]
    df["dn"], df["dk"] = 0.01, 0.02
    df.attrs["sigmafit"] = {"errors": {"n": "dn", "k": "dk"}}
    m = models.get("drude", observable="nk")
    d = m.fit_data(df)
    np.testing.assert_allclose(d["weights"], np.r_[np.full(40, 100.0), np.full(40, 50.0)])
    assert d["weights_how"] == "1/dn+dk"
    assert d["weighted"]  # per-point 1σ: the fit checks χ²_ν
    df.attrs["sigmafit"] = {"errors": {"n": "dn"}}
    with pytest.raises(DataFormatError, match=r"uncertainties for \['n'\] but not for \['k'\]"):
        m.fit_data(df)


def test_announced_errors_are_one_sigma_and_chi2_checks_them():
    """1 % Gaussian noise on σ1 of a Drude metal: error columns saying 1 % are honest (χ²_ν ≈ 1 ± 0.18 for 60 − 2
    points, no warning); saying 0.1 % they are 10× too small, χ²_ν ≈ 10² and the fit says so."""
    nu = np.geomspace(10, 1e4, 60)
    s1 = F.drude_sigma(nu, 1e4, 100.0).real
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"wavenumber_cm-1": nu, "sigma1_S_per_cm": s1 * (1 + 0.01 * rng.standard_normal(nu.size))})
    fits = {}
    for rel in (0.01, 0.001):
        d = df.assign(ds1=rel * s1)
        d.attrs["sigmafit"] = {"errors": {"sigma1_S_per_cm": "ds1"}}
        fits[rel] = sigmafit.fit(d, "drude", warn=False)
        assert fits[rel].source["weights"] == "1/ds1"
    assert 0.5 < fits[0.01].summary()["statistics"]["redchi"] < 1.6
    assert not any("χ²_ν" in w for w in fits[0.01].warnings)
    assert 50 < fits[0.001].summary()["statistics"]["redchi"] < 160
    assert any("χ²_ν" in w and "with the data's uncertainties" in w for w in fits[0.001].warnings)


def test_weight_schemes_by_name():
    nu = np.geomspace(100, 1e4, 30)
    df = frame(nu, F.drude_lorentz_eps(nu, 1.0, [(1e4, 100.0)]))
    df["dn"] = 0.01
    m = models.get("drude", observable="nk")
    assert m.fit_data(df)["weights"] is None  # nothing announced: the fit applies default_weights (and records it)
    assert curve_data(df, m, FitSettings(weights="none")).weights is None  # every point alike
    by_column = m.fit_data(df, weights="dn")
    np.testing.assert_allclose(by_column["weights"], 100.0)
    assert by_column["weighted"]  # a column of 1σ uncertainties
    y = m.fit_data(df)["y"]
    np.testing.assert_allclose(curve_data(df, m, FitSettings(weights="relative")).weights, m.default_weights(nu, y))
    with pytest.raises(DataFormatError, match="must name 2 uncertainty column"):
        m.fit_data(df, weights="nope")


# --- bad data ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("observable", "column", "value", "match"),
    [
        ("reflectance", "reflectance", 1.03, r"'reflectance' has 1 value\(s\), the first 1.03 at .* above 1"),
        ("reflectance", "reflectance", -0.01, r"'reflectance' has 1 value\(s\), the first -0.01 .* below 0"),
        ("nk", "k", -0.5, r"column 'k' has negative 1 value\(s\), the first -0.5"),
        ("nk", "wavenumber_cm-1", -100.0, r"'wavenumber_cm-1' has 1 value\(s\) ≤ 0 \(the first -100\)"),
    ],
)
def test_data_no_passive_sample_gives_is_refused_in_one_sentence(observable, column, value, match):
    nu = np.geomspace(100, 1e4, 30)
    df = frame(nu, F.drude_lorentz_eps(nu, 1.0, [(1e4, 100.0)]))
    df.loc[5, column] = value
    df.attrs["sigmafit"] = {"source": "spectrum.csv"}
    with pytest.raises(DataFormatError, match=match) as err:
        sigmafit.fit(df, "drude", observable=observable)
    assert str(err.value).startswith("spectrum.csv: ") and "\n" not in str(err.value)
    x, y, _ = stack_observable(df.drop(index=5), observable)  # arrays: the same check in default_weights/guess
    x, y = x.copy(), y.copy()
    if column == "wavenumber_cm-1":
        x[0] = value
    else:
        y[-1] = value  # the last value of the last part (k for n,k; R for reflectance)
    with pytest.raises(DataFormatError, match=match.split(" at ")[0].split(r" \(the")[0]):
        sigmafit.fit((x, y), "drude", observable=observable)


# --- starts ------------------------------------------------------------------------------------------


def test_reflectance_of_a_metal_below_its_plasma_edge_is_fitted_from_the_guess():
    """No plasma edge in the data (IR only): Hagen–Rubens and relaxation-regime starts, best one refined."""
    nu = np.geomspace(20, 4000, 200)
    eps = F.drude_lorentz_eps(nu, 1.0, [(5e4, 300.0)])
    R = F.reflectance(eps)
    rng = np.random.default_rng(2)
    err = 2e-4 * np.ones(nu.size)
    Rn = R + err * rng.standard_normal(nu.size)
    res = sigmafit.fit((nu, Rn), "drude", observable="reflectance", weights=1 / err, fix={"eps_inf": 1.0}, warn=False)
    for name, value in (("wp", 5e4), ("gamma", 300.0)):
        assert abs(res.value(name) - value) < 5 * res.stderr(name), (name, res.value(name), res.stderr(name))
    assert any("R stays above 0.9" in w for w in res.warnings)  # and it says how little R pins down


def test_best_start_keeps_the_deeper_minimum():
    """Two starts, two minima: the short local least-squares from each, and the lower cost wins."""
    from sigmafit.models.guess.optics import best_start

    def residual(v):  # cost (v − 1)²(v − 4)² + 0.09(v − 4)²: a local minimum near 1, the global one at 4
        x = v["x"]
        return np.array([(x - 1) * (x - 4), 0.3 * (x - 4)])

    free = {"x": (0.0, np.inf)}
    assert best_start(residual, [{"x": 0.5}], free)["x"] == pytest.approx(1.0, abs=0.1)  # one start: stuck
    assert best_start(residual, [{"x": 0.5}, {"x": 6.0}], free)["x"] == pytest.approx(4.0, abs=1e-3)


def test_guess_of_reflectance_beats_each_raw_estimate():
    nu = np.geomspace(20, 4000, 200)
    R = F.reflectance(F.drude_lorentz_eps(nu, 1.0, [(5e4, 300.0)]))
    m = models.get("drude", observable="reflectance")
    w = m.default_weights(nu, R)
    from sigmafit.models.guess.optics import reflectance_candidates

    raw = [np.sum(((m.eval(m.make_params(**c), nu=nu) - R) * w) ** 2) for c in reflectance_candidates(R, nu)]
    p = m.guess(R, x=nu)
    assert np.sum(((m.eval(p, nu=nu) - R) * w) ** 2) < 1e-2 * min(raw)


# --- diagnostics ---------------------------------------------------------------------------------------


def test_clean_drude_data_raise_no_optics_warning():
    nu = np.geomspace(5, 2e4, 300)
    df = frame(nu, F.drude_lorentz_eps(nu, 1.0, [(1e4, 100.0)]))
    rng = np.random.default_rng(4)
    for c in ("n", "k"):
        df[c] = df[c] * (1 + 0.002 * rng.standard_normal(nu.size))
    res = sigmafit.fit(df, "drude", observable="nk", fix={"eps_inf": 1.0}, warn=False)
    assert res.warnings == []


def test_frequency_dependent_scattering_is_named():
    """γ(ν) = γ0(1 + (ν/ν1)²) (electron–electron scattering): one Drude term cannot follow it, and says why."""
    nu = np.geomspace(20, 5000, 200)
    gamma = 100.0 * (1 + (nu / 2000.0) ** 2)
    sigma = 1e8 / (F.Z_OPT * (gamma - 1j * nu))  # ω_p = 10⁴ cm⁻¹ with the rate of each frequency
    msgs = D.scattering_rate_warning(nu, sigma)
    assert len(msgs) == 1 and "scattering rate changes across the window" in msgs[0]
    assert D.scattering_rate_warning(nu, 1e8 / (F.Z_OPT * (100.0 - 1j * nu))) == []


def test_a_few_points_carrying_the_chi2_are_named():
    nu = np.geomspace(10, 1e4, 100)
    y = np.ones(100)
    model = y.copy()
    model[:3] = 3.0  # three points miss by 200 %, the rest are perfect
    model[3:] += 0.01 * np.random.default_rng(0).standard_normal(97)
    msgs = D.fit_quality(nu, y, model, np.ones(100))
    assert any(m.startswith("5 of 100 points carry") and "ν = 10, 10.72, 11.5" in m for m in msgs)
    assert not any(m.startswith("poor fit") for m in msgs)  # 97 points are perfect: not a poor fit, a few bad points
    assert any(m.startswith("poor fit: the model misses the data by 50 %") for m in D.fit_quality(nu, y, 1.5 * y, np.ones(100)))


def test_sigma1_tail_only_is_named():
    msgs = D.tail_only_warning("sigma1", 500.0, 3e4, 80.0)
    assert len(msgs) == 1 and "above γ = 80" in msgs[0] and "fixes ω_p²·γ" in msgs[0]
    assert D.tail_only_warning("sigma1", 50.0, 3e4, 80.0) == []
    assert D.tail_only_warning("nk", 500.0, 3e4, 80.0) == []
