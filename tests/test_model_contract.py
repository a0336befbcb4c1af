"""One generic test over the registry (the sasmodels habit).

* every model's own ``reference_values`` (independent numbers declared beside the model);
* the contract every model inherits: finite over its family's typical x at its default
  parameters and at the edges of its bounds, inputs never modified (read-only arrays,
  Parameters compared before and after), and the same numbers from a repeated fit.
"""

from __future__ import annotations

import copy
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from sigmafit import fit
from sigmafit.models import registry
from sigmafit.prepare import Geometry

NAMES = registry.available()

#: Constructor options of models that cannot be built without them (the measurement model needs a geometry).
OPTIONS = {"measurement": {"geometry": Geometry("hallbar", width_um=10.0, length_um=40.0)}}


def _get(name: str, **options):
    return registry.get(name, **{**OPTIONS.get(name, {}), **options})


def _kwargs(model, x, channel=None) -> dict:
    """Independent variables: x, and for the measurement model alternating R_xx (0) / R_xy (1) readings."""
    out = {model.independent: x}
    if "channel" in model.independent_vars:
        out["channel"] = np.arange(np.size(x)) % 2 if channel is None else np.asarray(channel)
    return out

#: Typical x of each family (T for magnetoconductance, K for temperature, cm⁻¹ for optics).
FAMILY_X = {
    "magnetoconductance": np.linspace(-1.0, 1.0, 81),
    "background": np.linspace(-1.0, 1.0, 81),
    "temperature": np.geomspace(2.0, 300.0, 81),
    "optics": np.geomspace(20.0, 40000.0, 81),
}


def _x(name: str) -> np.ndarray:
    cls = registry.model_class(name)
    return FAMILY_X.get(cls.family, np.linspace(0.1, 10.0, 81)).copy()


def _references():
    for name in NAMES:
        for i, ref in enumerate(registry.model_class(name).reference_values):
            yield pytest.param(name, ref, id=f"{name}-{i}")


@pytest.mark.parametrize("name, ref", list(_references()))
def test_reference_values(name, ref):
    model = _get(name, **dict(ref.options))
    params = model.make_params()
    for k, v in ref.params.items():
        params[k].set(value=v)
    got = model.eval(params, **_kwargs(model, np.asarray(ref.x, dtype=float), getattr(ref, "channel", None)))
    assert ref.source.strip(), "a reference says where its numbers come from"
    np.testing.assert_allclose(got, np.asarray(ref.y, dtype=float), rtol=ref.rtol, atol=ref.atol,
                               err_msg=f"{name}: {ref.source}")


@pytest.mark.parametrize("name", NAMES)
def test_finite_at_defaults_and_bound_edges(name):
    model = _get(name)
    x = _x(name)
    base = model.make_params()
    assert np.all(np.isfinite(model.eval(base, **_kwargs(model, x))))
    for pname, p in base.items():
        if p.expr or not p.vary:
            continue
        for edge in (p.min, p.max):
            if not math.isfinite(edge):
                continue
            params = copy.deepcopy(base)
            # just inside the bound (a bound of 0 for a length is approached, not reached)
            params[pname].set(value=edge + (1e-6 if edge == p.min else -1e-6) * max(1.0, abs(edge)))
            with np.errstate(all="ignore"):
                y = model.eval(params, **_kwargs(model, x))
            assert np.all(np.isfinite(y)), f"{name}: not finite with {pname} at the edge {edge}"


def _simulated(name):
    model = _get(name)
    x = _x(name)
    params = model.make_params()
    for p in params.values():  # a default of 0 (a background amplitude) would leave nothing to fit
        if p.vary and not p.expr and p.value == 0 and p.min < 1 < p.max:
            p.set(value=1.0)
    y = np.asarray(model.eval(params, **_kwargs(model, x)), dtype=float)
    rng = np.random.default_rng(7)
    scale = np.std(y) if np.std(y) > 0 else max(float(np.abs(y).max()), 1.0)  # a constant model (an offset) too
    return model, x, y + 1e-3 * scale * rng.standard_normal(y.size)


@pytest.mark.parametrize("name", NAMES)
def test_inputs_never_modified_and_fit_repeats(name):
    model, x, y = _simulated(name)
    x.setflags(write=False)
    y.setflags(write=False)
    x0, y0 = x.copy(), y.copy()
    start = model.make_params()
    before = copy.deepcopy(start)
    data: object = (x, y)
    if "channel" in model.independent_vars:  # raw readings: a DataFrame names the channel and each reading's σ
        data = pd.DataFrame({"field_T": x, "channel": _kwargs(model, x)["channel"], "resistance_ohm": y,
                             "resistance_err_ohm": np.full(y.size, 1e-3 * max(float(np.std(y)), 1e-12))})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r1 = fit(data, name, params=start, warn=False, **OPTIONS.get(name, {}))
        r2 = fit(data, name, params=start, warn=False, **OPTIONS.get(name, {}))
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)
    for k, p in start.items():
        assert (p.value, p.vary, p.min, p.max, p.expr) == (before[k].value, before[k].vary, before[k].min, before[k].max,
                                                           before[k].expr), f"{name}: fit changed the start parameter {k}"
    for k in r1.params:
        assert r1.params[k].value == r2.params[k].value or (np.isnan(r1.params[k].value) and np.isnan(r2.params[k].value))
