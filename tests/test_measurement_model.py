"""The measurement model as a model: reference values, the shared contract, options, agreement with the
independent generator ``tests/simulate_raw.py``, display pictures, pickling."""

from __future__ import annotations

import copy
import math
import pickle
import warnings

import numpy as np
import pytest

import simulate_raw as sim
from sigmafit.constants import G_Q
from sigmafit.models import registry
from sigmafit.models.measurement import MeasurementModel, MeasurementReference, physics_class
from sigmafit.prepare import Geometry

HALL = Geometry("hallbar", width_um=10.0, length_um=40.0)
B = np.linspace(-1.0, 1.0, 81)
BOTH = np.tile([0, 1], 41)[:81]


def model(**kw) -> MeasurementModel:
    kw.setdefault("geometry", HALL)
    return MeasurementModel(**kw)


def _refs():
    for i, ref in enumerate(MeasurementModel.reference_values):
        yield pytest.param(ref, id=f"ref-{i}")


@pytest.mark.parametrize("ref", list(_refs()))
def test_reference_values(ref):
    assert isinstance(ref, MeasurementReference) and ref.source.strip()
    opts = dict(ref.options)
    m = MeasurementModel(opts.pop("physics", "hln-dp"), **opts)
    params = m.make_params()
    for k, v in ref.params.items():
        params[k].set(value=v)
        assert params[k].value == v, f"{k} = {v} lies outside its bounds"
    got = m.eval(params, B=np.asarray(ref.x), channel=np.asarray(ref.channel))
    np.testing.assert_allclose(got, ref.y, rtol=ref.rtol, atol=ref.atol, err_msg=ref.source)


@pytest.mark.parametrize("physics", ["hln", "hln-so", "hln-dp", "graphene", "graphene-soc", "graphene-soc-tau"])
def test_finite_at_defaults_and_bound_edges(physics):
    m = model(physics=physics, bands=2)
    base = m.make_params()
    assert np.all(np.isfinite(m.eval(base, B=B, channel=BOTH)))
    for name, p in base.items():
        if p.expr or not p.vary:
            continue
        for edge in (p.min, p.max):
            if math.isfinite(edge):
                params = copy.deepcopy(base)
                params[name].set(value=edge + (1e-6 if edge == p.min else -1e-6) * max(1.0, abs(edge)))
                with np.errstate(all="ignore"):
                    y = m.eval(params, B=B, channel=BOTH)
                assert np.all(np.isfinite(y)), f"{physics}: not finite with {name} at the edge {edge}"


def test_only_2d_sheet_physics():
    for name in ("kawabata", "wire", "lnT", "drude"):
        with pytest.raises(ValueError, match="2D sheet magnetoconductance"):
            physics_class(name)
    assert physics_class("hln-dp") is registry.model_class("hln-dp")


@pytest.mark.parametrize("kw, match", [
    ({"carrier": "positive"}, "carrier must be one of"),
    ({"bands": 3}, "bands must be 1 or 2"),
    ({"wl_hall": "yes"}, "wl_hall must be"),
])
def test_bad_options_are_named(kw, match):
    with pytest.raises(ValueError, match=match):
        model(**kw)


def test_geometry_is_required_and_typed():
    with pytest.raises(TypeError, match="Geometry"):
        MeasurementModel("hln-dp", geometry=(10, 40))


def test_channel_must_be_codes_as_long_as_B():
    m = model()
    with pytest.raises(ValueError, match="channel must be"):
        m.eval(m.make_params(), B=B, channel=np.full(B.size, 2))
    with pytest.raises(ValueError, match="channel must be"):
        m.eval(m.make_params(), B=B, channel=np.zeros(3, int))


def test_tables_units_symbols_and_physics_names():
    m = model(physics="hln-so", bands=2)
    names = [p.name for p in m.params_table]
    for n in ("sigma0", "mu", "sign", "sigma0_2", "mu_2", "sign_2", "L_phi", "L_so", "L_e", "L_s",
              "B_off", "pickup", "pickup_xy", "offset_xy"):
        assert n in names
    units = m.units()
    assert units["L_phi"] == "nm" and units["B_phi"] == "T" and units["n_s"] == "cm⁻²" and units["mu"] == "cm²/(V·s)"
    assert m.symbols()["mu"] == "μ" and m.symbols()["R_sheet0"] == "R_□(0)"
    assert m.make_params()["L_e"].vary is False  # the physics model's fixed parameters stay fixed
    assert "physics model: hln-so" in m.describe()


def test_table_methods_work_on_the_class_and_on_an_instance():
    """The report looks units and symbols up by registry name, on the class (labels.param_unit walks every
    registered model): the class answers with its own (empty) tables, an instance with its options' table."""
    from sigmafit.report.labels import param_unit, symbols

    cls = registry.model_class("measurement")
    assert cls.units() == {} and cls.symbols() == {}
    assert cls.describe().startswith("measurement  [measurement]") and "physics model" not in cls.describe()
    assert param_unit("no_such_parameter") == "" and param_unit("L_phi") == "nm"
    assert symbols("measurement") == symbols(None)  # the class has no rows of its own: only the background terms
    one, two = model(), model(bands=2)
    assert "mu_2" not in one.units() and two.units()["mu_2"] == "cm²/(V·s)" and two.units()["n_s_2"] == "cm⁻²"
    assert two.symbols()["mu"] == "μ" and "physics model: hln-dp" in two.describe()


def test_derived_density_and_sheet_resistance():
    m = model()
    p = m.make_params()
    p["sigma0"].set(value=2e-3)
    p["mu"].set(value=2000.0)  # cm²/(V·s) = 0.2 m²/Vs
    p["sign"].set(value=-1.0)
    # n_s = σ0/(eμ) = 2e-3/(1.602176634e-19·0.2) m⁻² = 6.2415e12 cm⁻² (by hand), electrons negative
    assert p["n_s"].value == pytest.approx(-2e-3 / (1.602176634e-19 * 0.2) * 1e-4, rel=1e-12)
    assert p["R_sheet0"].value == pytest.approx(500.0, rel=1e-12)


@pytest.mark.parametrize("wal, wl_hall, carrier, mu", [  # μ in m²/Vs (the generator is SI)
    ("hln-dp", "fukuyama", "holes", 0.15),
    ("hln-dp", "none", "electrons", 0.15),
    ("hln-so", "fukuyama", "electrons", 2.0),
    ("hln-so", "none", "holes", 2.0),
])
def test_agrees_with_independent_generator(wal, wl_hall, carrier, mu):
    """The model and tests/simulate_raw.py (digamma, explicit 2×2 inverse) give the same readings."""
    film = sim.Film(wal=wal, L_phi_nm=300.0, L_so_nm=40.0, sigma0_S=1.2e-3, carrier=carrier, hall_wl=wl_hall)
    n = film.sigma0_S / (1.602176634e-19 * mu) * 1e-4
    Bt = np.linspace(-0.9, 0.9, 301)
    ds = sim.wal(Bt, wal, film.L_phi_nm, film.L_so_nm)
    rxx, rxy = sim.resistivity(Bt, film.sigma0_S, mu, film.sign, ds, wl_hall)
    off, pk, pxy, oxy = 4e-4, 0.02, -0.007, 1.5
    R_xx = rxx * 4.0 + pk * rxy
    R_xy = rxy + pxy * rxx * 4.0 + oxy
    m = model(physics=wal, wl_hall=wl_hall)
    p = m.make_params()
    # the model's offset_xy is the whole even R_xy at B = 0 (the generator's constant plus pickup_xy·R_xx(0))
    rxx0 = sim.resistivity(np.zeros(1), film.sigma0_S, mu, film.sign, np.zeros(1), wl_hall)[0][0]
    # the model takes μ in cm²/(V·s)
    vals = {"sigma0": film.sigma0_S, "mu": mu * 1e4, "sign": film.sign, "L_phi": 300.0, "L_so": 40.0,
            "B_off": off, "pickup": pk, "pickup_xy": pxy, "offset_xy": oxy + pxy * rxx0 * 4.0}
    for k, v in vals.items():
        p[k].set(value=v)
    assert p["n_s"].value == pytest.approx(film.sign * n, rel=1e-12)
    Brep = np.concatenate([Bt, Bt]) + off
    ch = np.repeat([0, 1], Bt.size)
    np.testing.assert_allclose(m.eval(p, B=Brep, channel=ch), np.concatenate([R_xx, R_xy]), rtol=1e-11, atol=1e-9)


def test_fukuyama_keeps_the_hall_coefficient_and_none_does_not():
    """WL leaves R_H unchanged (δσ_xy/σ_xy = 2δσ_xx/σ_xx); with σ_xy classical R_H changes by −2Δσ/σ0."""
    base = dict(sigma0=1e-3, mu=1000.0, sign=1.0, L_phi=300.0, L_so=40.0)  # μ = 0.1 m²/Vs
    Bv = np.array([0.05, 0.2])
    rh = 0.1 / 1e-3  # R_H = μ/σ0 (Ω/T) of one band
    out = {}
    for mode in ("fukuyama", "none"):
        m = model(wl_hall=mode)
        p = m.make_params()
        for k, v in base.items():
            p[k].set(value=v)
        out[mode] = m.eval(p, B=Bv, channel=np.ones(2, int)) / Bv
        ds = m.delta_sigma(p, Bv)
    np.testing.assert_allclose(out["fukuyama"], rh, rtol=1e-12)
    np.testing.assert_allclose(out["none"] / rh - 1.0, -2.0 * ds / 1e-3, rtol=0.05)  # first order in Δσ/σ0


def test_display_recovers_the_generator_delta_sigma():
    """Δσ_data of noise-free readings equals the generator's Δσ at the true field (electrons, two instrument terms)."""
    mu, off = 0.3, -5e-4
    Bt = np.linspace(-0.3, 0.3, 121)
    ds = sim.wal(Bt, "hln-dp", 250.0, 50.0)
    rxx, rxy = sim.resistivity(Bt, 1e-3, mu, -1, ds)
    m = model()
    p = m.make_params()
    for k, v in {"sigma0": 1e-3, "mu": mu * 1e4, "sign": -1.0, "L_phi": 250.0, "L_so": 50.0, "B_off": off, "pickup": 0.01}.items():
        p[k].set(value=v)
    y = rxx * 4.0 + 0.01 * rxy
    view = m.display(p, Bt + off, np.zeros(Bt.size, int), y)
    pts = view["points"]
    np.testing.assert_allclose(pts["field_true_T"], Bt, atol=1e-15)
    np.testing.assert_allclose(pts["delta_sigma_S"], ds, rtol=0, atol=1e-9 * G_Q)
    # a misfit of δR in R_xx reads as δΔσ = −δR·(W/L)/ρ_xx² to first order (one band, Fukuyama: ρ_xx = 1/(σ0+Δσ))
    bumped = m.display(p, Bt + off, np.zeros(Bt.size, int), y + 1e-3)["points"]["delta_sigma_S"]
    np.testing.assert_allclose(bumped - ds, -1e-3 * 0.25 / rxx**2, rtol=1e-4)
    fine = view["model"]
    assert fine["field_true_T"].min() == pytest.approx(-0.3) and fine["field_true_T"].max() == pytest.approx(0.3)
    np.testing.assert_allclose(fine["delta_sigma_S"], sim.wal(fine["field_true_T"].to_numpy(), "hln-dp", 250.0, 50.0),
                               atol=1e-12 * G_Q)


def test_inputs_never_modified_and_fit_repeats():
    m = model()
    p = m.make_params()
    p["mu"].set(value=1000.0)
    Bv = np.linspace(-0.2, 0.2, 161)
    ch = np.tile([0, 1], 81)[:161]
    y = m.eval(p, B=Bv, channel=ch) + np.random.default_rng(1).normal(0, 0.05, Bv.size)
    for a in (Bv, ch, y):
        a.setflags(write=False)
    copies = [a.copy() for a in (Bv, ch, y)]
    start = m.guess(y, B=Bv, channel=ch)
    before = copy.deepcopy(start)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r1 = m.fit(y, start, B=Bv, channel=ch, weights=np.full(y.size, 20.0))
        r2 = m.fit(y, start, B=Bv, channel=ch, weights=np.full(y.size, 20.0))
    for a, c in zip((Bv, ch, y), copies):
        np.testing.assert_array_equal(a, c)
    for k, par in start.items():
        assert (par.value, par.vary, par.min, par.max, par.expr) == (before[k].value, before[k].vary, before[k].min,
                                                                     before[k].max, before[k].expr)
    for k in r1.params:
        assert r1.params[k].value == r2.params[k].value


def test_pickles_for_parallel_batches():
    m = model(physics="hln-so", carrier="holes", bands=2, wl_hall="none")
    m.set_param_hint("L_so", value=33.0)
    m2 = pickle.loads(pickle.dumps(m))
    assert m2.options == m.options and m2.make_params()["L_so"].value == 33.0
    p = m.make_params()
    np.testing.assert_array_equal(m.eval(p, B=B, channel=BOTH), m2.eval(m2.make_params(), B=B, channel=BOTH))


def test_no_hall_channel_fixes_what_only_r_xy_determines():
    m = model()
    p = m.make_params()
    y = m.eval(p, B=B, channel=np.zeros(B.size, int))
    start = m.guess(y, B=B, channel=np.zeros(B.size, int))
    for name in ("mu", "pickup", "pickup_xy", "offset_xy", "sign"):
        assert start[name].vary is False, name
    assert start["mu"].value == p["mu"].value  # the table default, stated as a fixed parameter


def test_diagnose_speaks_about_offset_and_bands():
    m = model(bands=2)
    p = m.make_params()
    p["B_off"].set(value=0.2)
    said = " ".join(m.diagnose(p, B, np.zeros(B.size, int)))
    assert "field offset" in said and "two Drude bands without an R_xy channel" in said
