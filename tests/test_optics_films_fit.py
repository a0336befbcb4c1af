"""Fitting σ(ω) of a film from its transmission: simulated THz and FTIR data, and a real UV/Vis %T file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sigmafit
from sigmafit import models
from sigmafit.exceptions import DataFormatError

TRUTH = {"wp": 1e4, "gamma": 100.0}


def _simulated(model, nu, rel_noise, seed, truth=TRUTH):
    T = model.eval(model.make_params(eps_inf=1.0, **truth), nu=nu)
    rng = np.random.default_rng(seed)
    err = rel_noise * T
    return pd.DataFrame({"wavenumber_cm-1": nu, "transmittance": T + err * rng.standard_normal(nu.size), "T_err": err})


def _within_5_sigma(res, truth):
    for name, value in truth.items():
        p = res.params[name]
        assert p.stderr and abs(p.value - value) < 5 * p.stderr, (name, p.value, p.stderr, value)


def test_thz_transmission_of_a_film_returns_its_drude_parameters():
    """A 20 nm Drude film on silicon, T_film/T_substrate from 0.3 to 3 THz with 0.5 % noise."""
    m = models.get("drude", observable="transmission", thickness_nm=20.0, substrate_n=3.42, reference="substrate")
    df = _simulated(m, np.linspace(10, 100, 91), 0.005, seed=3)
    res = sigmafit.fit(df, m, weights="T_err", fix={"eps_inf": 1.0}, warn=False)
    assert 0.6 < res.lmfit_result.redchi < 1.5  # the errors are the noise: χ²_ν ≈ 1
    _within_5_sigma(res, TRUTH)
    assert res.params["gamma"].stderr < 0.01 * TRUTH["gamma"]
    # the start alone (thin-film inversion + short refinement) lands within 10 %
    p0 = m.guess(df["transmittance"].to_numpy(), x=df["wavenumber_cm-1"].to_numpy())
    assert p0["wp"].value == pytest.approx(1e4, rel=0.1) and p0["gamma"].value == pytest.approx(100.0, rel=0.1)


def test_ftir_transmittance_with_a_tabulated_substrate():
    """An 8 nm metal film on a 1 mm CaF2-like window given as an n,k table; absolute T (reference vacuum)."""
    table = pd.DataFrame({"wavenumber_cm-1": [300.0, 3000.0, 9000.0], "n": [1.36, 1.42, 1.43], "k": [1e-4, 0.0, 0.0]})
    m = models.get("drude", observable="transmission", thickness_nm=8.0, substrate_nk=table, substrate_thickness_mm=1.0)
    truth = {"wp": 6e4, "gamma": 400.0}
    df = _simulated(m, np.geomspace(400, 8000, 300), 0.003, seed=11, truth=truth)
    res = sigmafit.fit(df, m, weights="T_err", fix={"eps_inf": 1.0}, warn=False)
    _within_5_sigma(res, truth)
    with pytest.raises(DataFormatError, match="substrate n,k table covers 300–9000 cm-1 but the data reach"):
        sigmafit.fit(df.assign(**{"wavenumber_cm-1": df["wavenumber_cm-1"] * 2}), m, warn=False)


def test_thin_film_method_agrees_with_the_transfer_matrix_for_a_thin_film():
    kw = {"observable": "transmission", "thickness_nm": 5.0, "substrate_n": 3.42, "reference": "substrate"}
    exact, thin = models.get("drude", **kw), models.get("drude", method="thin-film", **kw)
    df = _simulated(exact, np.linspace(5, 80, 60), 0.002, seed=5)
    a = sigmafit.fit(df, exact, weights="T_err", fix={"eps_inf": 1.0}, warn=False)
    b = sigmafit.fit(df, thin, weights="T_err", fix={"eps_inf": 1.0}, warn=False)
    for name in ("wp", "gamma"):
        assert b.value(name) == pytest.approx(a.value(name), abs=3 * a.stderr(name))


def test_transmission_needs_the_film_and_a_fraction():
    df = pd.DataFrame({"wavenumber_cm-1": [10.0, 20.0, 30.0, 40.0], "transmittance": [0.5, 0.4, 0.3, 0.2]})
    with pytest.raises(sigmafit.SigmafitError, match=r"needs the film: its thickness \(thickness_nm=…, nm\)"):
        sigmafit.fit(df, "drude", observable="transmission")


def test_perkinelmer_transmittance_becomes_fittable_with_the_sample(external_dir):
    """The real UV/Vis %T file: a ~1 mm absorbing glass (incoherent slab) with one absorption band near 485 nm.

    Fit physics, not published values: ε∞ ≥ 1 gives the 90 % baseline, the band lies where T dips,
    every parameter is finite and positive, and the model is passive (0 ≤ T ≤ 1).
    """
    df = sigmafit.load(external_dir / "formats" / "perkinelmer-uvvis-asc" / "KTF-D.Probe.Raw.asc")
    m = models.get("lorentz", observable="transmission", thickness_nm=1e6, substrate_n=1.0, method="incoherent")
    lo, hi = 1e7 / 1200, 1e7 / 390  # 390–1200 nm, above the UV absorption edge
    res = sigmafit.fit(df, m, xmin=lo, xmax=hi, warn=False)
    assert res.success
    v = {k: p.value for k, p in res.params.items()}
    assert all(np.isfinite(x) for x in v.values())
    assert 1.0 <= v["eps_inf"] < 5.0
    window = df[(df["wavenumber_cm-1"] >= lo) & (df["wavenumber_cm-1"] <= hi)]
    dip = float(window["wavenumber_cm-1"].to_numpy()[np.argmin(window["transmittance"].to_numpy())])
    assert v["nu01"] == pytest.approx(dip, rel=0.01)
    assert v["wp1"] > 0 and 0 < v["gamma1"] < 0.1 * v["nu01"]
    model_T = m.eval(res.params, nu=np.linspace(lo, hi, 200))
    assert np.all((model_T >= 0) & (model_T <= 1))
    # 1 − T baseline: two faces of an index √ε∞ slab, (1 − R)/(1 + R) with R = ((n − 1)/(n + 1))²
    n = np.sqrt(v["eps_inf"])
    R = ((n - 1) / (n + 1)) ** 2
    assert (1 - R) / (1 + R) == pytest.approx(float(np.median(window["transmittance"])), abs=0.01)


def test_film_models_pickle_with_their_substrate_table():
    """Batch runs send models to worker processes: the film and its substrate table travel with them."""
    import pickle

    table = pd.DataFrame({"wavenumber_cm-1": [100.0, 1e4], "n": [1.4, 1.45], "k": [0.0, 0.0]})
    m = models.get("drude", observable="transmission", thickness_nm=10.0, substrate_nk=table, substrate_thickness_mm=1.0)
    nu = np.linspace(200, 5000, 5)
    p = m.make_params()
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(m)).eval(p, nu=nu), m.eval(p, nu=nu))
