"""segment(), dedupe_turning_points(), describe_sweeps() on synthetic loops with noise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sigmafit.exceptions import DataFormatError
from sigmafit.prepare import dedupe_turning_points, describe_sweeps, segment


def _loops(rng, temps=(2.0, 2.1, 2.2), noise_b=2e-3, noise_t=3e-3, n=101):
    """Down + up loop per temperature (+1 → −1 → +1 T), T changes at the +1 T turning point."""
    rows = []
    for t in temps:
        b = np.concatenate([np.linspace(1, -1, n), np.linspace(-1, 1, n)[1:]])
        rows.append(pd.DataFrame({"field_T": b + rng.normal(0, noise_b, b.size), "temperature_K": t + rng.normal(0, noise_t, b.size)}))
    df = pd.concat(rows, ignore_index=True)
    df["resistance_ohm"] = 1.0 + df["field_T"] ** 2
    return df


def test_noisy_up_down_loops_split_per_direction_and_temperature():
    rng = np.random.default_rng(0)
    df = _loops(rng)
    out = segment(df)
    desc = describe_sweeps(out)
    # 3 temperatures × (down, up); the up-sweep at T and the down-sweep at the next T are
    # split by the temperature step at the +1 T turning point.
    assert len(desc) == 6
    assert desc["direction"].tolist() == [-1, 1] * 3
    assert np.allclose(desc["temperature_K"], np.repeat([2.0, 2.1, 2.2], 2), atol=0.01)
    assert desc["n_points"].between(95, 106).all()
    assert desc["n_points"].sum() == len(df)
    assert list(out.columns[-2:]) == ["sweep", "sweep_direction"]
    assert out["sweep"].is_monotonic_increasing


def test_noise_at_a_dwell_does_not_split():
    rng = np.random.default_rng(1)
    b = np.concatenate([np.linspace(-1, 1, 100), np.full(30, 1.0), np.linspace(1, -1, 100)])
    b = b + rng.normal(0, 1e-3, b.size)
    out = segment(pd.DataFrame({"field_T": b}))
    assert out["sweep"].nunique() == 2
    assert out.groupby("sweep")["sweep_direction"].first().tolist() == [1, -1]


def test_fast_return_same_direction_sweeps():
    # −1 → +1, magnet returns unrecorded, −1 → +1 again: two up-sweeps, no 1-point sweep
    b = np.concatenate([np.linspace(-1, 1, 50), np.linspace(-1, 1, 50)])
    out = segment(pd.DataFrame({"field_T": b}))
    assert out.groupby("sweep").size().tolist() == [50, 50]
    assert out.groupby("sweep")["sweep_direction"].first().tolist() == [1, 1]


def test_per_channel_numbering_and_by():
    b = np.concatenate([np.linspace(1, -1, 40), np.linspace(-1, 1, 40)])
    one = pd.DataFrame({"field_T": b, "resistance_ohm": 1.0})
    df = pd.concat([one.assign(channel=1), one.assign(channel=2)], ignore_index=True)
    out = segment(df)
    assert out.groupby("channel")["sweep"].unique().map(list).tolist() == [[0, 1], [0, 1]]
    gated = pd.concat([one.assign(gate_V=0.0), one.assign(gate_V=1.0)], ignore_index=True)
    assert segment(gated, by="gate_V")["sweep"].nunique() == 4


def test_temperature_ramps():
    t = np.concatenate([np.linspace(300, 2, 150), np.linspace(2, 300, 150)])
    out = segment(pd.DataFrame({"temperature_K": t, "field_T": 0.0}), x="temperature_K")
    assert out.groupby("sweep")["sweep_direction"].first().tolist() == [-1, 1]
    # a field step during an R(T) measurement starts a new sweep
    f = np.where(np.arange(t.size) < 75, 0.0, 1.0)
    out = segment(pd.DataFrame({"temperature_K": t, "field_T": f}), x="temperature_K")
    assert out["sweep"].nunique() == 3


def test_dedupe_averages_dwell_and_counts():
    # down-sweep ends at −1 T; a dwell of 10 readings (field noise 1e-5 T) opens the up-sweep
    dwell = np.full(10, -1.0) + 1e-5 * (1 + np.arange(10))
    b = np.concatenate([np.linspace(1, -1, 41), dwell, np.linspace(-1, 1, 41)[1:]])
    r = np.arange(b.size, dtype=float)
    df = segment(pd.DataFrame({"field_T": b, "resistance_ohm": r, "note": "x"}))
    assert df["sweep"].iloc[40] == 0 and (df["sweep"].iloc[41:51] == 1).all()
    out = dedupe_turning_points(df)
    assert len(out) == len(df) - 9
    rec = out.attrs["sigmafit"]["prepare"][-1]
    assert rec["step"] == "dedupe_turning_points" and rec["n_removed"] == 9
    assert out.attrs["sigmafit"]["dropped"][-1]["count"] == 9
    averaged = out.loc[(out["sweep"] == 1)].iloc[0]
    assert averaged["resistance_ohm"] == pytest.approx(np.mean(np.arange(41, 51)))
    assert averaged["field_T"] == pytest.approx(dwell.mean())
    assert averaged["note"] == "x"
    assert list(out.columns) == list(df.columns)
    assert out["sweep"].dtype == df["sweep"].dtype
    # nothing to merge: same rows back
    assert len(dedupe_turning_points(df.iloc[:41])) == 41


def test_errors_name_the_column():
    with pytest.raises(DataFormatError, match="'field_T'"):
        segment(pd.DataFrame({"resistance_ohm": [1.0, 2.0]}))
    with pytest.raises(DataFormatError, match="'gate_V'"):
        segment(pd.DataFrame({"field_T": [1.0, 2.0]}), by="gate_V")
