"""Symmetrize / antisymmetrize / field offset: properties (hypothesis) and hand cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigmafit.exceptions import DataFormatError
from sigmafit.prepare import (
    antisymmetrize,
    apply_field_offset,
    default_grid,
    field_offset,
    segment,
    symmetrize,
    symmetrize_parts,
)

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
    df = segment(pd.concat([down, up], ignore_index=True))
    assert sorted(df["sweep_direction"].unique()) == [-1, 1]
    out = symmetrize(df)
    g = out["field_T"].to_numpy()
    # ½[U(b)+D(−b)] = R(b−δ); ½[D(b)+U(−b)] = R(b+δ); their mean = 1 + b² + δ²
    full = out["n_averaged"].to_numpy() == 4  # both pairings available (all but the very end)
    assert full.sum() >= len(out) - 1
    np.testing.assert_allclose(out["resistance_ohm"][full], (1 + g**2 + delta**2)[full], rtol=1e-12)
    assert "1 up/down pair" in out.attrs["sigmafit"]["prepare"][-1]["groups"][0]["pairing"]


def test_single_sweep_symmetrized_within_itself_and_default_grid():
    b = np.linspace(1, -0.8, 181)  # one down-sweep, asymmetric range
    df = pd.DataFrame({"field_T": b, "resistance_ohm": 2 + b**2 + 0.1 * b})
    out = symmetrize(df)
    assert out["field_T"].iloc[0] == 0.0
    assert out["field_T"].max() <= 0.8 + 1e-12
    assert np.allclose(np.diff(out["field_T"]), 0.01)
    np.testing.assert_allclose(out["resistance_ohm"], 2 + out["field_T"] ** 2, rtol=1e-10)
    assert (out["n_averaged"] == 2).all()


def test_by_groups_and_temperature_column():
    b = np.linspace(-1, 1, 21)
    df = pd.concat(
        [pd.DataFrame({"field_T": b, "resistance_ohm": t + b**2, "temperature_K": t, "gate_V": v}) for t, v in [(2.0, 0), (5.0, 1)]],
        ignore_index=True,
    )
    out = symmetrize(df, by="gate_V")
    assert list(out.columns) == ["gate_V", "field_T", "resistance_ohm", "n_averaged", "temperature_K"]
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
