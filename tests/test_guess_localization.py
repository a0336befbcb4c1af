"""Start values of the localization models: many curves at once give what each curve alone gives."""

from __future__ import annotations

import numpy as np
import pytest

from sigmafit import models
from sigmafit.models.guess import localization as G

TRUTH = {  # table units; fields in the cusp of a ±0.1 T sweep
    "hln": [dict(alpha=-0.5, L_phi=150.0), dict(alpha=1.0, L_phi=400.0), dict(alpha=-1.0, L_phi=90.0)],
    "hln-dp": [dict(L_phi=300.0, L_so=80.0), dict(L_phi=150.0, L_so=200.0), dict(L_phi=600.0, L_so=40.0)],
    "hln-so": [dict(L_phi=300.0, L_so=80.0), dict(L_phi=150.0, L_so=60.0), dict(L_phi=500.0, L_so=1000.0)],
}


def _curves(name: str, seed: int = 0):
    """Simulated curves of different lengths and layouts: unsorted ±B, one side only, with B = 0,
    a few NaNs, fewer than 48 points, and one curve with only two points."""
    rng = np.random.default_rng(seed)
    m = models.get(name)
    xs, ys = [], []
    layouts = [
        lambda: rng.permutation(np.linspace(-0.1, 0.1, 301)),
        lambda: np.linspace(0.0, 0.1, 120),
        lambda: np.concatenate([np.linspace(-0.08, 0.08, 81), [0.0, 0.0]]),
        lambda: rng.uniform(-0.1, 0.1, 40),
        lambda: np.linspace(-0.05, 0.1, 49),
    ]
    for truth in TRUTH[name]:
        for make in layouts:
            x = make()
            y0 = m.eval(m.make_params(**truth), B=x)
            y = y0 + rng.normal(0.0, 0.02 * np.ptp(y0), x.size)
            xs.append(x)
            ys.append(y)
    ys[3] = ys[3].copy()
    ys[3][[2, 7]] = np.nan
    xs.append(np.array([0.01, 0.02]))
    ys.append(np.array([1e-6, 2e-6]))
    n = max(x.size for x in xs)
    X = np.full((len(xs), n), np.nan)
    Y = np.full((len(xs), n), 7.0)  # padding holds junk: the mask must keep it out
    mask = np.zeros((len(xs), n), bool)
    for i, (x, y) in enumerate(zip(xs, ys)):
        X[i, : x.size], Y[i, : y.size], mask[i, : x.size] = x, y, True
    return m, xs, ys, X, Y, mask


@pytest.mark.parametrize("name", ["hln", "hln-dp", "hln-so"])
@pytest.mark.parametrize("chunk_bytes", [G.CHUNK_BYTES, 5e6, 2e5])  # one chunk, a few, one curve each
def test_guess_many_equals_the_per_curve_guess(name, chunk_bytes):
    m, xs, ys, X, Y, mask = _curves(name)
    X.setflags(write=False)
    Y.setflags(write=False)
    many = G.guess_many(name, X, Y, mask, chunk_bytes=chunk_bytes)
    for i, (x, y) in enumerate(zip(xs, ys)):
        ok = np.isfinite(x) & np.isfinite(y)
        if ok.sum() < 3:  # no estimate, as model.guess falls back to the table defaults
            assert all(np.isnan(v[i]) for v in many.values())
            continue
        one = m._guess(y[ok], x[ok])
        assert set(one) == set(many)
        for k, v in one.items():
            assert many[k][i] == v, (name, i, k, many[k][i], v)


def test_guess_many_loops_for_the_other_models():
    m = models.get("graphene-soc")
    B = np.linspace(-0.1, 0.1, 201)
    Y = np.stack([m.eval(B=B, L_phi=400.0, L_asy=150.0, L_sym=s) for s in (65.0, 200.0)])
    many = G.guess_many("graphene-soc", np.stack([B, B]), Y)
    for i in range(2):
        one = m._guess(Y[i], B)
        assert {k: many[k][i] for k in one} == one


def test_fold_is_array_split_with_bin_medians():
    """Independent check of the vectorized fold against numpy.array_split / numpy.median per bin."""
    rng = np.random.default_rng(3)
    for n in (5, 48, 49, 300, 1001):
        x = rng.uniform(-1.0, 1.0, n)
        y = rng.normal(size=n)
        b, yb, w = G.fold(x[None, :], y[None, :])
        order = np.argsort(np.abs(x), kind="stable")
        parts = np.array_split(order, min(n, G.NBINS)) if n > G.NBINS else [order[[i]] for i in range(n)]
        assert int(w.sum()) == len(parts)
        np.testing.assert_allclose(b[0, : len(parts)], [np.abs(x[p]).mean() for p in parts], rtol=1e-13)
        np.testing.assert_array_equal(yb[0, : len(parts)], [np.median(y[p]) for p in parts])


@pytest.mark.parametrize("name", ["hln", "hln-dp", "hln-so"])
def test_start_values_lead_to_the_truth(name):
    """Start values from noisy ±B curves are close enough for the fit to find the simulated parameters."""
    m, xs, ys, X, Y, mask = _curves(name, seed=11)
    many = G.guess_many(name, X, Y, mask)
    for i in (0, 5, 10):  # the full ±0.1 T sweep of each truth
        truth = TRUTH[name][i // 5]
        p = m.make_params(**{k: v[i] for k, v in many.items()})
        r = m.fit(ys[i], p, B=xs[i])
        for k, v in truth.items():
            assert abs(r.params[k].value - v) < 5 * r.params[k].stderr, (name, i, k, r.params[k].value, v)


def test_guess_many_arguments():
    with pytest.raises(ValueError, match="same shape"):
        G.guess_many("hln", np.zeros((2, 5)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="mask"):
        G.guess_many("hln", np.zeros((2, 5)), np.zeros((2, 5)), np.ones((2, 4), bool))
    with pytest.raises(ValueError, match="no start-value estimate"):
        G.guess_curve("drude", np.ones(5), np.arange(5.0))
    assert G.guess_many("hln", np.full((2, 3), np.nan), np.zeros((2, 3))) == {}


def test_lattice_snapping_stays_within_half_a_step():
    """The two-field search reads Y at |B| moved to a 64-per-decade lattice: at most ±1.8 %."""
    b = np.geomspace(1e-4, 1.0, 997)
    k = np.rint(np.log(b) / (np.log(10.0) / G.LATTICE_PER_DECADE))
    moved = np.exp(k * np.log(10.0) / G.LATTICE_PER_DECADE) / b
    assert np.max(np.abs(np.log(moved))) <= 0.5 * np.log(10.0) / G.LATTICE_PER_DECADE + 1e-12
    assert 10 ** (0.5 / G.LATTICE_PER_DECADE) - 1 < 0.0182  # the ±1.8 % the module docstring states


@pytest.mark.parametrize("name", ["hln-dp", "hln-so"])
def test_start_values_allow_for_an_offset_and_a_classical_background(name):
    """Δσ of the transform path: the WAL curve plus a constant (the reference is a measured point) and a classical
    c₂B² of −93 µS/T² (μB ≈ 0.3 at 0.3 T, as in ``simulate_raw.random_case`` seed 11).  Searched without the two
    terms, the negative B² reads as a spin–orbit field at the top of the search range and the fit that starts there
    ends in a wrong minimum (L_so 0.05 nm, 22σ off in L_φ); with ``background=(0, 2)`` both lengths start within 25 %."""
    L_phi, L_so = 182.0, 60.0
    B = np.arange(-0.3, 0.3 + 1e-9, 2.5e-3)
    m = models.get(name)
    p = m.make_params()
    p["L_phi"].set(value=L_phi)
    p["L_so"].set(value=L_so)
    y = m.eval(p, B=B) - 7.2e-7 - 9.3e-5 * B**2
    y = y - y[np.argmin(np.abs(B))]  # referred to the measured point nearest B = 0, as magnetoconductance() does
    plain = G.guess_curve(name, y, B)
    aware = G.guess_curve(name, y, B, background=(0, 2))
    assert plain["L_so"] < 0.5 * L_so  # the trap the background terms take away
    assert aware["L_phi"] == pytest.approx(L_phi, rel=0.25) and aware["L_so"] == pytest.approx(L_so, rel=0.25)
    # the batched search gives the same numbers as the single curve (one code path)
    many = G.guess_many(name, np.vstack([B, B]), np.vstack([y, y]), background=(0, 2))
    assert many["L_so"][1] == aware["L_so"] and many["L_phi"][0] == aware["L_phi"]
    # the model class passes the background on when asked, and not otherwise
    assert m.guess_values(y, B, (0, 2))["L_so"] == pytest.approx(aware["L_so"], rel=1e-12)
    assert m.guess_values(y, B)["L_so"] == pytest.approx(plain["L_so"], rel=1e-12)


def test_hln_amplitude_start_allows_for_an_offset():
    """hln (α closed form): a curve lifted by a constant 20 % of its depth still starts near α and B_φ."""
    B = np.arange(-0.1, 0.1 + 1e-9, 1e-3)
    m = models.get("hln")
    p = m.make_params()
    p["alpha"].set(value=-0.5)
    p["L_phi"].set(value=200.0)
    y0 = m.eval(p, B=B)
    y = y0 + 0.2 * float(np.abs(y0).max())
    aware = G.guess_curve("hln", y, B, background=(0,))
    assert abs(G.guess_curve("hln", y, B)["alpha"] / -0.5 - 1) > 0.3  # without the offset: α far off
    assert aware["alpha"] == pytest.approx(-0.5, rel=0.1) and aware["L_phi"] == pytest.approx(200.0, rel=0.15)
