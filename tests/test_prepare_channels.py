"""select() and to_wide() on long-format transport data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sigmafit.exceptions import DataFormatError
from sigmafit.prepare import select, to_wide

ROLES = {1: {"name": "TMR", "role": "xx"}, 2: {"name": "Hall", "role": "xy"}}


def _long(interleaved: bool) -> pd.DataFrame:
    b = np.linspace(-1, 1, 41)
    t = np.arange(b.size) * 10.0
    xx = pd.DataFrame({"time_s": t, "field_T": b, "temperature_K": 2.0, "resistance_ohm": 1 + b**2, "channel": 1})
    bh = b + (0.01 if interleaved else 0.0)  # interleaved: Hall read a bit later, at a slightly different field
    xy = pd.DataFrame({"time_s": t + (5.0 if interleaved else 0.0), "field_T": bh, "temperature_K": 2.0, "resistance_ohm": 0.5 * bh + 0.2, "channel": 2})
    df = pd.concat([xx, xy], ignore_index=True).sort_values("time_s", kind="stable", ignore_index=True)
    df.attrs["sigmafit"] = {"channels": ROLES, "source": "synthetic.dat"}
    return df


def test_select_by_role_channel_and_default():
    df = _long(False)
    assert (select(df)["channel"] == 1).all()
    assert (select(df, role="xy")["channel"] == 2).all()
    assert (select(df, channel=2)["channel"] == 2).all()
    assert select(df, role="xy").attrs["sigmafit"]["prepare"][-1] == {"step": "select", "channel": 2, "role": "xy"}
    with pytest.raises(DataFormatError, match="channel 3 is not in the data"):
        select(df, channel=3)


def test_select_ambiguous_without_roles():
    df = _long(False)
    df.attrs = {}
    with pytest.raises(DataFormatError, match="cannot tell which channel is 'xx'.*pass channel="):
        select(df)
    # JSON-style string keys are understood
    df.attrs["sigmafit"] = {"channels": {"1": {"role": "xx"}, "2": {"role": "xy"}}}
    assert (select(df)["channel"] == 1).all()


def test_to_wide_row_aligned():
    out = to_wide(_long(False))
    assert len(out) == 41 and "channel" not in out.columns
    np.testing.assert_allclose(out["hall_resistance_ohm"], 0.5 * out["field_T"] + 0.2)
    assert out.attrs["sigmafit"]["prepare"][-1]["method"] == "row-aligned"


def test_to_wide_interleaved_interpolates_in_field():
    out = to_wide(_long(True))
    rec = out.attrs["sigmafit"]["prepare"][-1]
    assert rec["method"].startswith("interpolated")
    ok = np.isfinite(out["hall_resistance_ohm"])
    assert rec["n_hall_missing"] == int((~ok).sum()) == 1  # B = −1 T lies below the Hall sweep's range
    np.testing.assert_allclose(out.loc[ok, "hall_resistance_ohm"], 0.5 * out.loc[ok, "field_T"] + 0.2, rtol=1e-12)
