"""Symmetrize / antisymmetrize / field offset: properties (hypothesis) and hand cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigmafit.exceptions import DataFormatError, DataWarning
from sigmafit.prepare import (
    antisymmetrize,
    apply_field_offset,
    dedupe_turning_points,
    default_grid,
    field_offset,
    segment,
    symmetrize,
    symmetrize_parts,
)
from sigmafit.prepare.symmetrize import pair_mirror

SETTINGS = settings(max_examples=40, deadline=None)

# distinct positive fields (T) — the data are sampled at ±these, the grid is these
positive_fields = st.lists(
    st.floats(min_value=1e-3, max_value=9.0, allow_nan=False), min_size=2, max_size=30, unique=True
).map(lambda v: np.unique(np.round(np.asarray(v), 6))).filter(lambda v: v.size >= 2)


def _trace(b_pos: np.ndarray, y_plus: np.ndarray, y_minus: np.ndarray, y0: float) -> pd.DataFrame:
    """One up-sweep through −b … 0 … +b."""
    b = np.concatenate([-b_pos[::-1], [0.0], b_pos])
    y = np.concatenate([y_minus[::-1], [y0], y_plus])
    return pd.DataFrame({"field_T": b, "resistance_ohm": y, "hall_resistance_ohm": y})


@SETTINGS
@given(b=positive_fields, coef=st.lists(st.floats(-10, 10), min_size=3, max_size=3))
def test_even_function_is_unchanged_and_its_odd_part_is_zero(b, coef):
    f = coef[0] + coef[1] * b**2 + coef[2] * np.cos(b)
    df = _trace(b, f, f, coef[0] + coef[2])
    grid = np.concatenate([[0.0], b])
    even = symmetrize(df, grid=grid)
    np.testing.assert_allclose(even["resistance_ohm"], np.concatenate([[coef[0] + coef[2]], f]), rtol=1e-12, atol=1e-12)
    odd = antisymmetrize(df, grid=grid)
    np.testing.assert_allclose(odd["hall_resistance_ohm"], 0.0, atol=1e-12)
    assert (even["field_T"] >= 0).all()


@SETTINGS
@given(b=positive_fields, data=st.data())
def test_even_plus_odd_recovers_the_data_on_the_grid(b, data):
    vals = st.floats(-1e3, 1e3, allow_nan=False)
    yp = np.array(data.draw(st.lists(vals, min_size=b.size, max_size=b.size)))
    ym = np.array(data.draw(st.lists(vals, min_size=b.size, max_size=b.size)))
    df = _trace(b, yp, ym, 0.5)
    parts = symmetrize_parts(df, even=["resistance_ohm"], odd=["hall_resistance_ohm"], grid=b)
    e, o = parts["resistance_ohm"].to_numpy(), parts["hall_resistance_ohm"].to_numpy()
    np.testing.assert_allclose(e + o, yp, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(e - o, ym, rtol=1e-12, atol=1e-9)


@SETTINGS
@given(b=positive_fields, a=st.floats(-5, 5), c=st.floats(-5, 5))
def test_odd_function_is_unchanged_and_its_even_part_is_zero(b, a, c):
    f = a * b + c * b**3
    df = _trace(b, f, -f, 0.0)
    odd = antisymmetrize(df, grid=b)
    np.testing.assert_allclose(odd["hall_resistance_ohm"], f, rtol=1e-12, atol=1e-12)
    even = symmetrize(df, y="hall_resistance_ohm", grid=b)
    np.testing.assert_allclose(even["hall_resistance_ohm"], 0.0, atol=1e-10)


@SETTINGS
@given(b0=st.floats(-0.08, 0.08), width=st.floats(0.05, 0.5), amp=st.floats(0.01, 10.0))
def test_field_offset_recovered_from_shifted_even_curve(b0, width, amp):
    b = np.linspace(-1.0, 1.0, 401)
    u = b - b0
    r = 100.0 + amp * u**2 / (width**2 + u**2)
    df = pd.DataFrame({"field_T": b, "resistance_ohm": r})
    est = field_offset(df)
    assert est == pytest.approx(b0, abs=2e-4)
    fixed = apply_field_offset(df, est)
    assert fixed.attrs["sigmafit"]["prepare"][-1] == {"step": "apply_field_offset", "x": "field_T", "B0_T": est}


def test_field_offset_odd_hall_with_even_pickup():
    b = np.linspace(-1.0, 1.0, 301)
    b0 = 0.031
    r = 5.0 + 2.0 * (b - b0) + 0.3 * np.tanh(4 * (b - b0))  # odd around b0 plus an offset
    est = field_offset(pd.DataFrame({"field_T": b, "hall_resistance_ohm": r}), y="hall_resistance_ohm", odd=True)
    assert est == pytest.approx(b0, abs=1e-3)


def test_up_down_pairing_cancels_magnet_lag():
    # magnet lag δ: the up-sweep sees R(B − δ), the down-sweep R(B + δ); R even.
    # Pairing U(b) with D(−b) gives R(b − δ) exactly for an even R; the mean of the two
    # pairings is the even part, independent of the lag to first order.
    delta = 0.01
    b = np.round(np.linspace(-1, 1, 201), 12)
    r = lambda x: 1.0 + x**2  # noqa: E731
    down = pd.DataFrame({"field_T": b[::-1], "resistance_ohm": r(b[::-1] + delta)})
    up = pd.DataFrame({"field_T": b, "resistance_ohm": r(b - delta)})
    df = dedupe_turning_points(segment(pd.concat([down, up], ignore_index=True)))
    assert sorted(df["sweep_direction"].unique()) == [-1, 1]
    out = symmetrize(df)
    # ½[U(b)+D(−b)] = R(b−δ) and ½[D(b)+U(−b)] = R(b+δ) exactly for an even R: one row each
    rows = out[(out["n_averaged"] == 2) & (out["field_T"] < 1.0)]  # ±1 T: the turning point, averaged by dedupe
    lo, hi = r(rows["field_T"] - delta), r(rows["field_T"] + delta)
    got = rows["resistance_ohm"].to_numpy()
    assert np.all(np.isclose(got, lo, rtol=1e-12) | np.isclose(got, hi, rtol=1e-12))
    both = rows.groupby("field_T")["resistance_ohm"].agg(["mean", "size"])
    full = both["size"] == 2  # both pairings exist at every field but the very end
    assert full.sum() >= len(both) - 1
    np.testing.assert_allclose(both["mean"][full], 1 + both.index[full] ** 2 + delta**2, rtol=1e-12)
    # B = 0: each sweep's own reading, R(−δ) and R(+δ), as rows of one point each
    zero = out[out["field_T"] == 0.0]
    assert zero["n_averaged"].tolist() == [1, 1]
    assert zero["resistance_ohm"].mean() == pytest.approx(1 + delta**2, rel=1e-12)
    assert "1 up/down pair" in out.attrs["sigmafit"]["prepare"][-1]["groups"][0]["pairing"]


def test_single_sweep_symmetrized_within_itself_and_default_grid():
    b = np.linspace(1, -0.8, 181)  # one down-sweep, asymmetric range
    df = pd.DataFrame({"field_T": b, "resistance_ohm": 2 + b**2 + 0.1 * b})
    out = symmetrize(df)
    assert out["field_T"].iloc[0] == 0.0
    assert out["field_T"].max() <= 0.8 + 1e-12
    assert np.allclose(np.diff(out["field_T"]), 0.01)
    np.testing.assert_allclose(out["resistance_ohm"], 2 + out["field_T"] ** 2, rtol=1e-10)
    # B = 0 is its own partner (one measured point); every other row is one measured ±B pair
    assert out["n_averaged"].tolist() == [1] + [2] * (len(out) - 1)
    rec = out.attrs["sigmafit"]["prepare"][-1]
    assert rec["n_outside_common_range"] == 20 and rec["n_unpaired"] == 0  # 0.81 … 1 T have no −B side
    assert {"reason": "beyond the field range measured on both sides of B = 0, no ±B partner (symmetrize)",
            "count": 20} in out.attrs["sigmafit"]["dropped"]
    # the grid option keeps the interpolating rule, on the grid the data suggest
    grid = symmetrize(df, grid=default_grid(df["field_T"].to_numpy()))
    np.testing.assert_allclose(grid["resistance_ohm"], 2 + grid["field_T"] ** 2, rtol=1e-10)


def test_by_groups_and_temperature_column():
    b = np.linspace(-1, 1, 21)
    df = pd.concat(
        [pd.DataFrame({"field_T": b, "resistance_ohm": t + b**2, "temperature_K": t, "gate_V": v}) for t, v in [(2.0, 0), (5.0, 1)]],
        ignore_index=True,
    )
    out = symmetrize(df, by="gate_V")
    assert list(out.columns) == ["gate_V", "field_T", "resistance_ohm", "n_averaged", "field_plus_T", "field_minus_T",
                                 "pair_mismatch_T", "temperature_K"]
    assert out.groupby("gate_V")["temperature_K"].first().tolist() == [2.0, 5.0]


def test_errors_name_the_problem():
    df = pd.DataFrame({"field_T": np.linspace(0.1, 1, 10), "resistance_ohm": 1.0})
    with pytest.raises(DataFormatError, match="both sides of B = 0"):
        symmetrize(df)
    with pytest.raises(DataFormatError, match="'hall_resistance_ohm'"):
        antisymmetrize(df)
    with pytest.raises(ValueError, match="grid"):
        symmetrize(pd.DataFrame({"field_T": [-1.0, 0, 1], "resistance_ohm": 1.0}), grid=[-1, 0])
    two = pd.DataFrame({"field_T": [-1.0, 1, -1, 1], "resistance_ohm": 1.0, "channel": [1, 1, 2, 2]})
    with pytest.raises(DataFormatError, match="select"):
        symmetrize(two)


def test_default_grid_spacing():
    g = default_grid(np.array([-0.5, -0.25, 0, 0.25, 0.5, 0.75]))
    np.testing.assert_allclose(g, [0, 0.25, 0.5])


# --------------------------------------------------------------------------------------
# pairing measured ±B points (the default): no interpolation


def _offset_sweep(b0, step=2.5e-3, bmax=0.05, rng=None):
    """One sweep on nominal set points k·step, read with a field offset b0: the true field is B − b0."""
    b = np.arange(-bmax, bmax + step / 2, step)
    r = 10.0 + 3.0 * np.abs(b - b0) ** 1.5 + 0.7 * (b - b0)  # an even cusp plus an odd admixture
    if rng is not None:
        r = r + rng.normal(0.0, 1e-3, b.size)
    return pd.DataFrame({"field_T": b, "resistance_ohm": r})


@pytest.mark.parametrize("b0", [0.6e-3, -0.6e-3, 0.625e-3, 1.0e-3])
def test_pairs_are_measured_points_after_the_offset(b0):
    """Offset 0.6 mT on 2.5 mT steps: every row is the mean of two *measured* readings, none interpolated."""
    raw = _offset_sweep(b0, rng=np.random.default_rng(1))
    fixed = apply_field_offset(raw, b0)
    out = symmetrize(fixed)
    f = fixed["field_T"].to_numpy()
    r = fixed["resistance_ohm"].to_numpy()
    lookup = dict(zip(np.round(f, 12), r))
    step, mis = 2.5e-3, min(2 * abs(b0), 2.5e-3 - 2 * abs(b0))  # the mirror mismatch the grid allows
    for _, row in out.iterrows():
        if row["n_averaged"] == 1:  # the point closest to B = 0 paired with itself
            assert row["field_T"] <= 0.3 * step and row["pair_mismatch_T"] == pytest.approx(2 * row["field_T"])
            assert row["resistance_ohm"] in (lookup.get(round(row["field_T"], 12)), lookup.get(round(-row["field_T"], 12)))
            continue
        plus, minus = lookup[round(row["field_plus_T"], 12)], lookup[round(-row["field_minus_T"], 12)]
        assert row["resistance_ohm"] == pytest.approx(0.5 * (plus + minus), rel=1e-15)  # two readings, as measured
        assert row["field_T"] == pytest.approx(0.5 * (row["field_plus_T"] + row["field_minus_T"]), rel=1e-15)
        assert row["pair_mismatch_T"] == pytest.approx(mis, abs=1e-12)
    rec = out.attrs["sigmafit"]["prepare"][-1]
    assert rec["grid"] == "measured ±B pairs (no interpolation)" and rec["n_unpaired"] == 0
    assert rec["tolerance"] == "0.6 × the local field step"


def test_points_without_partner_are_counted_and_warned():
    fixed = apply_field_offset(_offset_sweep(0.6e-3), 0.6e-3)
    gap = fixed.drop(index=fixed.index[(fixed["field_T"] - 0.0144).abs() < 1e-6])  # lose +14.4 mT
    assert len(gap) == len(fixed) - 1
    with pytest.warns(DataWarning, match=r"1 measured point\(s\) inside .* no partner at −B .*\|B\| = 0.0156 T"):
        out = symmetrize(gap)
    rec = out.attrs["sigmafit"]["prepare"][-1]
    assert rec["n_unpaired"] == 1 and rec["groups"][0]["n_unpaired"] == 1
    assert {"reason": "no measured partner at −B within the pairing tolerance (symmetrize)", "count": 1} in out.attrs["sigmafit"]["dropped"]
    # the −B side now has two points more than the +B side: one of them stays alone whatever the tolerance
    with pytest.warns(DataWarning, match=r"1 measured point\(s\)"):
        assert symmetrize(gap, pair_tolerance=2.5e-3).attrs["sigmafit"]["prepare"][-1]["n_unpaired"] == 1


def test_pair_mirror_pairs_every_point_when_the_offset_is_a_quarter_step():
    """Offset = step/4 puts every mirror image half a step from two readings: jitter must not break the chain."""
    rng = np.random.default_rng(0)
    s = 1.0
    plus = np.arange(0, 40) * s + 0.75 + rng.uniform(-0.02, 0.02, 40)
    minus = np.arange(0, 40) * s + 0.25 + rng.uniform(-0.02, 0.02, 40)
    ip, im, mis = pair_mirror(plus, minus, np.full(40, s), np.full(40, s))
    assert np.sum(ip >= 0) + np.sum(im >= 0) == 80  # every point used once
    assert len(set(ip[ip >= 0])) == np.sum(ip >= 0) and len(set(im[im >= 0])) == np.sum(im >= 0)
    assert mis.max() <= 0.6 * s
    # a pair's two fields are neighbours: pairs never cross
    both = (ip >= 0) & (im >= 0)
    order = np.argsort(plus[ip[both]])
    assert np.all(np.diff(minus[im[both]][order]) > 0)
    # with tolerance 0 only exact mirror images pair
    ip0, im0, _ = pair_mirror(np.array([0.0, 1.0, 2.0]), np.array([1.0, 2.5]), np.ones(3), np.ones(2), tolerance=0.0)
    assert sorted(zip(ip0.tolist(), im0.tolist())) == [(0, -1), (1, 0)]


@SETTINGS
@given(b=positive_fields, coef=st.lists(st.floats(-10, 10), min_size=3, max_size=3))
def test_pairing_keeps_an_even_function_and_removes_nothing_else(b, coef):
    f = coef[0] + coef[1] * b**2 + coef[2] * np.cos(b)
    df = _trace(b, f, f, coef[0] + coef[2])
    even = symmetrize(df, pair_tolerance=0.0)  # exact mirror images only
    np.testing.assert_allclose(even["field_T"], np.concatenate([[0.0], b]), rtol=0, atol=0)
    np.testing.assert_allclose(even["resistance_ohm"], np.concatenate([[coef[0] + coef[2]], f]), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(antisymmetrize(df, pair_tolerance=0.0)["hall_resistance_ohm"], 0.0, atol=1e-12)


def test_pair_tolerance_must_be_a_field():
    df = _offset_sweep(0.0)
    with pytest.raises(ValueError, match="pair_tolerance"):
        symmetrize(df, pair_tolerance=-1.0)


def test_field_offset_is_not_pulled_by_hall_pickup():
    """Misaligned contacts add a·B of the Hall signal to R_xx.  An even R_xx with a feature beside its parabola (a
    20 mT-wide cusp on 40 Ω/T², 2.5 mT steps, 10 mΩ noise) fixes B0 = 0.6 mT whatever a is; the plain asymmetry
    minimum moves towards the vertex of R_xx + a·B (−22 mT for a = 2 Ω/T, the +50 mT bound for a = −5 Ω/T)."""
    rng = np.random.default_rng(5)
    B = np.arange(-0.5, 0.5 + 1e-9, 2.5e-3)
    b0 = 6e-4
    u = B - b0
    for a in (0.0, 2.0, -5.0):
        r = 100.0 + 2.0 * u**2 / (0.02**2 + u**2) + 40.0 * u**2 + a * u + rng.normal(0.0, 0.01, B.size)
        est = field_offset(pd.DataFrame({"field_T": B, "resistance_ohm": r}))
        assert est == pytest.approx(b0, abs=1e-4), a
    # a pure parabola cannot tell an offset from a pickup: without pickup its vertex is still found
    r = 100.0 + 40.0 * u**2 + rng.normal(0.0, 0.01, B.size)
    assert field_offset(pd.DataFrame({"field_T": B, "resistance_ohm": r})) == pytest.approx(b0, abs=1e-4)
