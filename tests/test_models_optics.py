"""Optics models: registry, tables, derived values, every observable, simulate → fit → recover,
sum rules of fitted models, and Drude / Drude–Lorentz fits of real n,k tables.

Recovery tests use noise of known size and the matching weights (1/σ_i), and allow 5 standard
errors of the fit (the errors then mean something: χ²_ν ≈ 1)."""

from __future__ import annotations

import math
import pickle
import re
from pathlib import Path

import lmfit
import numpy as np
import pandas as pd
import pytest
from scipy.integrate import quad

from sigmafit import models
from sigmafit.constants import CM1_PER_EV, SUM_RULE, TAU_FS_CM, Z_OPT
from sigmafit.exceptions import DataFormatError
from sigmafit.models.formulas import optics as F
from sigmafit.models.optics import (
    OBSERVABLES,
    DrudeLorentzModel,
    DrudeModel,
    split_observable,
    stack_observable,
)

COMPLEX = ("sigma", "eps", "nk")
#: Film options that make the film observables evaluable (a 50 nm film on a 1 mm substrate of n = 1.5).
FILM = {"thickness_nm": 50.0, "substrate_n": 1.5, "substrate_thickness_mm": 1.0}


def options(observable):
    return {"observable": observable, **(FILM if observable in ("transmission", "film_reflectance") else {})}


def frame(nu, eps_inf, sigma):
    """A tidy optics DataFrame with every canonical observable column, from the conduction σ
    and ε∞; σ2 is referred to vacuum, ν(1 − ε1)/Z, as ``prepare.optics`` writes it by default."""
    eps = F.sigma_to_eps(nu, sigma, eps_inf)
    N = F.nk_from_eps(eps)
    s_vac = F.eps_to_sigma(nu, eps, 1.0)
    return pd.DataFrame(
        {
            "wavenumber_cm-1": nu,
            "sigma1_S_per_cm": s_vac.real,
            "sigma2_S_per_cm": s_vac.imag,
            "eps1": eps.real,
            "eps2": eps.imag,
            "n": N.real,
            "k": N.imag,
            "reflectance": F.reflectance(eps),
        }
    )


def noisy(df, rel, seed):
    rng = np.random.default_rng(seed)
    out = df.copy()
    for c in out.columns[1:]:
        out[c] = out[c] * (1 + rel * rng.standard_normal(len(out)))
    return out


# --- registry and tables ---------------------------------------------------------------------


def test_registry_lists_the_optics_family():
    assert set(models.available("optics")) == {"drude", "two-drude", "drude-smith", "drude-lorentz", "lorentz"}
    for name in models.available("optics"):
        m = models.get(name)
        assert m.family == "optics" and m.x == "wavenumber_cm-1"
        assert isinstance(m, lmfit.Model)
        assert "eps_inf" in m.param_names
        assert all(m.units()[p] == "cm⁻¹" for p in m.param_names if re.match(r"(wp|gamma|nu0)", p))


def test_n_oscillators_builds_the_parameter_names():
    m = models.get("drude-lorentz", n_oscillators=3)
    assert m.param_names[:3] == ["eps_inf", "wp", "gamma"]
    assert [p for p in m.param_names if p[-1].isdigit()] == [f"{p}{j}" for j in (1, 2, 3) for p in ("wp", "nu0", "gamma")]
    assert m.units()["gamma3"] == "cm⁻¹" and "nu03" in m.describe()
    assert models.get("lorentz", n_oscillators=2).param_names == ["eps_inf", "wp1", "nu01", "gamma1", "wp2", "nu02", "gamma2"]
    # the class-level table describes the default (one oscillator)
    assert "nu02" not in DrudeLorentzModel.describe()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"observable": "absorbance"}, r"observable must be one of \['sigma1', 'sigma', 'eps', 'nk', 'reflectance', "
                                       r"'transmission', 'film_reflectance'\], got 'absorbance'"),
        ({"n_oscillators": 0}, "n_oscillators must be an integer >= 1, got 0"),
        ({"n_oscillators": 2.5}, "n_oscillators must be an integer >= 1, got 2.5"),
        ({"sigma_reference": "air"}, "sigma_reference must be 'eps_inf' or 'vacuum', got 'air'"),
        ({"eps_inf_min": -1}, "eps_inf_min must be a number ≥ 0, got -1"),
        ({"observable": "transmission"}, r"observable 'transmission' needs the film: its thickness \(thickness_nm=…, nm\)"),
        ({"observable": "transmission", "thickness_nm": 20, "substrate_n": 3.4},
         r"absolute transmittance \(reference='vacuum'\) leaves through the substrate's back face: give substrate_thickness_mm"),
        ({"observable": "transmission", "thickness_nm": -5, "substrate_n": 3.4}, "thickness_nm must be a number > 0"),
        ({"observable": "transmission", "thickness_nm": 5, "substrate_n": 3.4, "substrate_nk": ([1, 2], [1, 1], [0, 0])},
         "give the substrate once"),
        ({"observable": "transmission", "thickness_nm": 5, "substrate_n": 3.4, "method": "thin-film"},
         "method='thin-film' is the Tinkham ratio"),
        ({"observable": "nk", "thickness_nm": 5}, r"film options apply to the observables \['transmission', 'film_reflectance'\]"),
    ],
)
def test_bad_options_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        models.get("drude-lorentz", **kwargs)


def test_drude_has_no_oscillators():
    with pytest.raises(ValueError, match="drude has no oscillators"):
        models.get("drude", n_oscillators=2)


def test_eps_inf_fixed_only_where_it_cannot_be_seen():
    assert not models.get("drude").make_params()["eps_inf"].vary
    assert not models.get("drude", observable="sigma", sigma_reference="eps_inf").make_params()["eps_inf"].vary
    for obs in ("sigma", "eps", "nk", "reflectance", "transmission", "film_reflectance"):
        assert models.get("drude", **options(obs)).make_params()["eps_inf"].vary


@pytest.mark.parametrize("name", ["drude", "two-drude", "drude-smith", "drude-lorentz", "lorentz"])
def test_eps_inf_at_least_one_unless_widened(name):
    p = models.get(name, observable="nk").make_params()["eps_inf"]
    assert (p.min, p.value) == (1.0, 1.0)  # ε∞ < 1 would remove polarizable charge from vacuum
    assert models.get(name, observable="nk", eps_inf_min=0.0).make_params()["eps_inf"].min == 0.0


@pytest.mark.parametrize("observable", OBSERVABLES)
def test_describe_says_what_is_fixed(observable):
    """`sigmafit models` prints describe(): what it calls fixed must be fixed, what it calls fitted must vary."""
    m = models.get("drude", **options(observable))
    line = next(ln for ln in m.describe().splitlines() if ln.lstrip().startswith("eps_inf"))
    varies = m.make_params()["eps_inf"].vary
    assert f"here (observable {observable!r}): {'fitted' if varies else 'fixed'}" in line
    assert "fixed by default" not in line  # the class-level flag alone would be wrong for half the observables
    assert "fixed when fitting sigma1" in line and "≥ eps_inf_min (default 1)" in line
    params = m.make_params()
    for ln in m.describe().splitlines():  # every other row: "(fixed by default)" exactly when it is fixed
        name = ln.split()[0] if ln.startswith("  ") and ln.split() else ""
        if name in params and name != "eps_inf" and not params[name].expr:
            assert ("(fixed by default)" in ln) == (not params[name].vary), ln


def test_drude_derived_values_physics_md():
    p = models.get("drude").make_params(wp=1e4, gamma=100.0)
    assert p["sigma0"].value == pytest.approx(16678.2, abs=0.05)
    assert p["tau"].value == pytest.approx(53.09, abs=0.005)
    assert p["rho_dc"].value == pytest.approx(1e6 / 16678.2, rel=1e-5)  # µΩ·cm
    assert p["hbar_wp"].value == pytest.approx(1e4 / 8065.544, rel=1e-6)
    assert p["n_over_m"].value == pytest.approx(F.n_eff(1e4), rel=1e-12)
    ds = models.get("drude-smith").make_params(wp=1e4, gamma=100.0, c=-0.25)
    assert ds["sigma_dc"].value == pytest.approx(0.75 * 16678.2, abs=0.05)
    td = models.get("two-drude").make_params(wp1=3e3, gamma1=50, wp2=4e3, gamma2=500)
    assert td["wp"].value == pytest.approx(5e3)
    assert td["sigma0"].value == pytest.approx((9e6 / 50 + 16e6 / 500) / Z_OPT)


def test_prefix_and_pickle_roundtrip():
    m = models.get("drude-lorentz", n_oscillators=2, observable="nk", prefix="a_")
    assert m.param_names[0] == "a_eps_inf"
    p = m.make_params(a_wp=1e4, a_gamma=100.0)
    assert p["a_sigma0"].value == pytest.approx(16678.2, abs=0.05)
    nu = np.geomspace(100, 3e4, 50)
    m2 = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(m2.eval(p, nu=nu), m.eval(p, nu=nu))


@pytest.mark.parametrize("name", ["drude", "two-drude", "drude-smith", "drude-lorentz", "lorentz"])
@pytest.mark.parametrize("observable", OBSERVABLES)
def test_finite_at_the_bounds(name, observable):
    m = models.get(name, n_oscillators=None, **options(observable))
    nu = np.geomspace(1.0, 1e6, 60)
    for side in ("min", "max"):
        p = m.make_params()
        for par in m.params_table:
            bound = getattr(par, side)
            if math.isfinite(bound):
                p[par.name].set(value=bound)
        y = m.eval(p, nu=nu)
        assert y.shape == (nu.size * (2 if observable in COMPLEX else 1),)
        assert np.all(np.isfinite(y)), (side, p.valuesdict())


# --- layout of the observables ---------------------------------------------------------


def test_stack_observable_layout_and_weights():
    nu = np.linspace(100, 5000, 7)
    df = frame(nu, 2.0, F.drude_sigma(nu, 1e4, 300.0)).iloc[::-1]  # descending on purpose
    x, y, w = stack_observable(df, "sigma", weighting="part")
    np.testing.assert_array_equal(x, nu)
    re_, im_ = split_observable(y, "sigma")
    np.testing.assert_array_equal(re_, df["sigma1_S_per_cm"].to_numpy()[::-1])
    np.testing.assert_array_equal(im_, df["sigma2_S_per_cm"].to_numpy()[::-1])
    # each part weighted by its own RMS scale: both parts weigh the same in χ²
    assert np.sum((w * y)[:7] ** 2) == pytest.approx(np.sum((w * y)[7:] ** 2))
    x, y, w = stack_observable(df, "reflectance", weighting="relative")
    assert y.shape == w.shape == (7,)
    np.testing.assert_allclose(w * y, 1.0)
    assert df.index[0] == 6  # input untouched


def test_stack_observable_errors_name_the_column():
    df = pd.DataFrame({"wavenumber_cm-1": [1.0, 2.0, 3.0], "n": [1.0, 2.0, 3.0]})
    with pytest.raises(DataFormatError, match=r"observable 'nk' needs column\(s\) \['k'\]"):
        stack_observable(df, "nk")
    df["k"] = [0.1, np.nan, 0.3]
    with pytest.raises(DataFormatError, match="column 'k' has 1 non-finite value"):
        stack_observable(df, "nk")
    with pytest.raises(ValueError, match="weighting must be 'relative', 'part' or 'none', got 'flat'"):
        stack_observable(df.fillna(0.2), "nk", weighting="flat")


def test_model_output_matches_formulas_for_every_observable():
    nu = np.geomspace(50, 5e4, 80)
    vals = dict(eps_inf=3.0, wp=2e4, gamma=200.0, wp1=8e3, nu01=1.2e4, gamma1=2e3)
    sigma = F.drude_lorentz_sigma(nu, [(2e4, 200.0)], [(8e3, 1.2e4, 2e3)])
    df = frame(nu, 3.0, sigma)
    for obs in ("sigma1", "sigma", "eps", "nk", "reflectance"):  # σ2 referred to vacuum: ν(1 − ε1)/Z carries ε∞
        m = models.get("drude-lorentz", observable=obs)
        _, y, _ = stack_observable(df, obs)
        np.testing.assert_allclose(m.eval(m.make_params(**vals), nu=nu), y, rtol=1e-10)
    # the conduction σ (DESIGN.md §3) with sigma_reference="eps_inf"
    m = models.get("drude-lorentz", observable="sigma", sigma_reference="eps_inf")
    np.testing.assert_allclose(m.eval(m.make_params(**vals), nu=nu), np.r_[sigma.real, sigma.imag], rtol=1e-10)
    assert np.all(df["sigma2_S_per_cm"] != sigma.imag)


# --- simulate → fit → recover ---------------------------------------------------------------

DL_TRUE = dict(eps_inf=3.0, wp=2.0e4, gamma=150.0, wp1=6e3, nu01=2.5e3, gamma1=400.0, wp2=2.5e4, nu02=2.0e4, gamma2=5e3)
NU_DL = np.geomspace(30, 6e4, 300)


def _dl_frame():
    t = DL_TRUE
    sigma = F.drude_lorentz_sigma(NU_DL, [(t["wp"], t["gamma"])], [(t["wp1"], t["nu01"], t["gamma1"]), (t["wp2"], t["nu02"], t["gamma2"])])
    return frame(NU_DL, t["eps_inf"], sigma)


def _fit(m, df, observable, weighting="relative"):
    x, y, w = stack_observable(df, observable, weighting=weighting)
    params = m.guess(y, x=x)
    return m.fit(y, params, nu=x, weights=w)


@pytest.mark.parametrize("observable", ["sigma1", "sigma", "eps", "nk"])
def test_drude_lorentz_recovers_every_observable(observable):
    df = noisy(_dl_frame(), 0.003, seed=1)
    m = models.get("drude-lorentz", observable=observable, n_oscillators=2)
    res = _fit(m, df, observable)
    assert res.success
    for k, v in DL_TRUE.items():
        if k == "eps_inf" and observable == "sigma1":
            continue  # invisible in σ1: fixed
        assert res.params[k].value == pytest.approx(v, rel=0.03), k
    assert res.params["sigma0"].value == pytest.approx(DL_TRUE["wp"] ** 2 / (Z_OPT * DL_TRUE["gamma"]), rel=0.05)
    # the sum rule of the fitted model, closed form and numerical quadrature
    fitted = res.params
    total = fitted["wp"].value ** 2 + fitted["wp1"].value ** 2 + fitted["wp2"].value ** 2
    assert SUM_RULE * m.spectral_weight(fitted) == pytest.approx(total, rel=1e-10)
    edges = [0.0, fitted["gamma"].value, fitted["nu01"].value, fitted["nu02"].value, 1e5, 1e6, 1e7, 1e8]
    numeric = sum(
        quad(lambda v: m.sigma(fitted, v).real, a, b, limit=400, epsrel=1e-11, epsabs=0)[0] for a, b in zip(edges[:-1], edges[1:])
    )
    assert SUM_RULE * numeric == pytest.approx(total, rel=1e-4)


def test_drude_recovers_from_reflectance():
    nu = np.geomspace(20, 4e4, 250)
    df = noisy(frame(nu, 4.0, F.drude_sigma(nu, 2.5e4, 250.0)), 0.001, seed=2)
    m = models.get("drude", observable="reflectance")
    x, y, w = stack_observable(df, "reflectance")
    params = m.guess(y, x=x)
    # the guess alone lands within a factor of a few (Hagen–Rubens and the plasma edge)
    assert 0.3 < params["wp"].value / 2.5e4 < 3
    res = m.fit(y, params, nu=x, weights=w)
    assert res.params["wp"].value == pytest.approx(2.5e4, rel=0.02)
    assert res.params["gamma"].value == pytest.approx(250.0, rel=0.05)
    assert res.params["eps_inf"].value == pytest.approx(4.0, rel=0.05)


@pytest.mark.parametrize("observable", ["sigma1", "eps"])
def test_drude_recovers_and_guess_is_close(observable):
    nu = np.geomspace(5, 2e4, 200)
    df = noisy(frame(nu, 1.0, F.drude_sigma(nu, 1e4, 100.0)), 0.002, seed=3)
    m = DrudeModel(observable=observable)
    x, y, w = stack_observable(df, observable, weighting="relative")
    p0 = m.guess(y, x=x)
    assert p0["wp"].value == pytest.approx(1e4, rel=0.05) and p0["gamma"].value == pytest.approx(100.0, rel=0.05)
    res = m.fit(y, p0, nu=x, weights=w)
    assert res.params["sigma0"].value == pytest.approx(16678.2, rel=0.01)
    assert res.params["tau"].value == pytest.approx(53.09, rel=0.01)


def _known_noise_fit(model, df_true, observable, rel_noise, seed):
    """Fit data with multiplicative Gaussian noise of known size, weighted by the true 1/σ_i."""
    x, y_true, _ = stack_observable(df_true, observable)
    rng = np.random.default_rng(seed)
    y = y_true * (1 + rel_noise * rng.standard_normal(y_true.size))
    res = model.fit(y, model.guess(y, x=x), nu=x, weights=1.0 / (rel_noise * np.abs(y_true)))
    assert res.success
    assert 0.7 < res.redchi < 1.4  # honest weights: χ²_ν ≈ 1, so the standard errors are the real spread
    return res


def _within_5_sigma(res, truth):
    for name, value in truth.items():
        p = res.params[name]
        assert p.stderr is not None and p.stderr > 0, name
        assert abs(p.value - value) < 5 * p.stderr, (name, p.value, p.stderr, value)


def test_two_drude_recovers():
    nu = np.geomspace(2, 3e4, 300)
    sigma = F.drude_sigma(nu, 6e3, 20.0) + F.drude_sigma(nu, 1.5e4, 800.0)
    # ε∞ = 2.5: inside its bound (ε∞ ≥ 1), where a standard error exists
    res = _known_noise_fit(models.get("two-drude", observable="sigma"), frame(nu, 2.5, sigma), "sigma", 0.002, seed=4)
    _within_5_sigma(res, {"wp1": 6e3, "gamma1": 20.0, "wp2": 1.5e4, "gamma2": 800.0, "eps_inf": 2.5})
    assert res.params["gamma1"].stderr < 0.01 * 20.0  # and the errors are small enough to mean something
    assert models.get("two-drude").diagnose(res.params, nu) == []


def test_drude_smith_recovers():
    nu = np.geomspace(3, 1e4, 200)
    df = frame(nu, 2.5, F.drude_smith_sigma(nu, 5e3, 150.0, -0.8))
    res = _known_noise_fit(models.get("drude-smith", observable="sigma"), df, "sigma", 0.002, seed=5)
    _within_5_sigma(res, {"c": -0.8, "gamma": 150.0, "wp": 5e3, "eps_inf": 2.5})
    assert res.params["c"].stderr < 0.005
    dc = res.params["sigma_dc"]
    assert abs(dc.value - 0.2 * 5e3**2 / (Z_OPT * 150.0)) < 5 * dc.stderr


def test_lorentz_insulator_guess_orders_peaks_and_recovers():
    nu = np.linspace(50, 3000, 600)
    true = [(900.0, 400.0, 15.0), (1500.0, 1100.0, 40.0), (600.0, 2200.0, 25.0)]
    df = noisy(frame(nu, 2.5, F.drude_lorentz_sigma(nu, (), true)), 0.002, seed=6)
    m = models.get("lorentz", n_oscillators=3, observable="eps")
    x, y, w = stack_observable(df, "eps")
    p0 = m.guess(y, x=x)
    assert [p0[f"nu0{j}"].value for j in (1, 2, 3)] == pytest.approx([400.0, 1100.0, 2200.0], rel=0.02)
    res = m.fit(y, p0, nu=x, weights=w)
    for j, (wp, nu0, g) in enumerate(true, start=1):
        assert res.params[f"wp{j}"].value == pytest.approx(wp, rel=0.02)
        assert res.params[f"nu0{j}"].value == pytest.approx(nu0, rel=0.005)
        assert res.params[f"gamma{j}"].value == pytest.approx(g, rel=0.05)


def test_guess_fills_missing_oscillators_ordered_and_distinct():
    nu = np.geomspace(100, 5e4, 300)
    df = frame(nu, 2.0, F.drude_lorentz_sigma(nu, [(1e4, 100.0)], [(2e4, 1.5e4, 3e3)]))
    m = models.get("drude-lorentz", n_oscillators=4, observable="nk")
    x, y, _ = stack_observable(df, "nk")
    y.setflags(write=False)
    x.setflags(write=False)  # guess must not write into its inputs
    p = m.guess(y, x=x)
    nu0 = [p[f"nu0{j}"].value for j in range(1, 5)]
    assert all(b > a * 1.01 for a, b in zip(nu0, nu0[1:]))
    assert min(abs(v - 1.5e4) for v in nu0) < 0.05 * 1.5e4  # the real peak is among them
    assert all(p[f"wp{j}"].value > 0 and p[f"gamma{j}"].value > 0 for j in range(1, 5))
    assert p["wp"].value == pytest.approx(1e4, rel=0.05)


def test_guess_rejects_mismatched_x():
    m = models.get("drude", observable="eps")
    with pytest.raises(ValueError, match="x has 3 points but the 'eps' data has 4 per part"):
        m.guess(np.ones(8), x=np.arange(1.0, 4.0))


def test_diagnose_flags_unresolved_widths_and_far_oscillators():
    m = models.get("drude-lorentz")
    p = m.make_params(gamma=1e-6, nu01=1e6)
    msgs = m.diagnose(p, np.linspace(100, 1e4, 10))
    assert any("gamma = 1e-06" in s for s in msgs)
    assert any("nu01 = 1e+06" in s and "outside the data range" in s for s in msgs)


# --- real n,k tables (refractiveindex.info, CC0) ----------------------------------------------


@pytest.fixture(scope="module")
def metals_dir(external_dir) -> Path:
    """The refractiveindex-metals folder (the shared ``external_dir`` fixture fails in CI when it is missing)."""
    return external_dir / "optics" / "refractiveindex-metals"


def read_nk_table(path: Path) -> pd.DataFrame:
    """Tiny reader of a refractiveindex.info ``tabulated nk`` block (λ µm, n, k) → optics frame."""
    rows, inside = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"\s*data:\s*\|", line):
            inside = True
            continue
        if inside:
            fields = line.split()
            if len(fields) != 3:
                break
            rows.append([float(f) for f in fields])
    a = np.array(rows)
    assert a.shape[0] > 10, path
    nu = 1e4 / a[:, 0]
    eps = F.eps_from_nk(a[:, 1], a[:, 2])
    sig = F.eps_to_sigma(nu, eps, 1.0)
    df = pd.DataFrame(
        {"wavenumber_cm-1": nu, "n": a[:, 1], "k": a[:, 2], "eps1": eps.real, "eps2": eps.imag,
         "sigma1_S_per_cm": sig.real, "sigma2_S_per_cm": sig.imag}
    )
    return df.sort_values("wavenumber_cm-1", ignore_index=True)


def _drude_ir(df, lam_min_um, observable, start=None):
    sub = df[df["wavenumber_cm-1"] < 1e4 / lam_min_um]
    m = models.get("drude", observable=observable)
    x, y, w = stack_observable(sub, observable, weighting="relative")
    p = m.guess(y, x=x)
    p["eps_inf"].set(value=1.0, vary=False)  # ε∞ is invisible next to ε1 ~ −10³ in the IR
    if start is not None:
        p["wp"].set(value=start[0] * CM1_PER_EV)
        p["gamma"].set(value=start[1] * CM1_PER_EV)
    res = m.fit(y, p, nu=x, weights=w)
    assert res.success
    return res.params["hbar_wp"].value, res.params["gamma"].value / CM1_PER_EV, res.params["tau"].value


@pytest.mark.parametrize("name", ["Au_Olmon-ev", "Au_Ordal", "Ag_Yang"])
def test_drude_fit_of_infrared_nk_is_physical_and_stable(metals_dir, name):
    df = read_nk_table(metals_dir / f"{name}.yml")
    results = [
        _drude_ir(df, lam, obs, start)
        for lam in (1.5, 2.0, 3.0)
        for obs in ("eps", "nk")
        for start in (None, (7.0, 0.02), (10.0, 0.1))
    ]
    hwp, gamma, tau = np.array(results).T
    assert np.all((8.0 < hwp) & (hwp < 9.5)), hwp
    assert np.all((0.01 < gamma) & (gamma < 0.1)), gamma  # tens of meV
    assert np.all(tau == pytest.approx(TAU_FS_CM / (gamma * CM1_PER_EV)))
    # same answer from every start, window and observable within a few per cent
    assert hwp.max() / hwp.min() < 1.02
    assert gamma.max() / gamma.min() < 1.15


@pytest.mark.parametrize(
    ("name", "observable", "weighting"),
    [("Au_Johnson", "nk", "part"), ("Au_Johnson", "nk", "relative"), ("Ag_Johnson", "nk", "part"),
     ("Cu_Johnson", "nk", "part"), ("Cu_Johnson", "eps", "relative"), ("Au_Johnson", "sigma", "part")],
)
def test_drude_lorentz_fit_of_visible_nk_converges_physically(metals_dir, name, observable, weighting):
    df = read_nk_table(metals_dir / f"{name}.yml")
    E = df["wavenumber_cm-1"] / CM1_PER_EV
    sub = df[(E > 0.5) & (E < 6.0)]
    m = models.get("drude-lorentz", observable=observable, n_oscillators=3)
    x, y, w = stack_observable(sub, observable, weighting=weighting)
    res = m.fit(y, m.guess(y, x=x), nu=x, weights=w)
    v = res.params
    assert res.success
    assert all(np.isfinite(p.value) and p.value > 0 for p in v.values())
    assert 7.5 < v["hbar_wp"].value < 10.0
    assert 0.005 < v["gamma"].value / CM1_PER_EV < 0.2
    assert 1.0 <= v["eps_inf"].value < 10.0
    for j in (1, 2, 3):  # interband oscillators in (or just above) the measured window
        assert 1.5 < v[f"nu0{j}"].value / CM1_PER_EV < 9.0
        assert v[f"gamma{j}"].value / CM1_PER_EV < 5.0
    # typical (median) relative misfit of each part below 15 %
    for fit, data in zip(split_observable(res.best_fit, observable), split_observable(y, observable)):
        assert np.median(np.abs(fit / data - 1)) < 0.15
    # passive everywhere, and the model's own f-sum rule holds
    nu = np.geomspace(10, 1e6, 500)
    assert np.all(m.sigma(v, nu).real >= 0)
    total = v["wp"].value ** 2 + sum(v[f"wp{j}"].value ** 2 for j in (1, 2, 3))
    assert SUM_RULE * m.spectral_weight(v) == pytest.approx(total, rel=1e-10)
