"""Curves split by temperature: one clustering rule (prepare.group_levels), nothing dropped silently."""

import numpy as np
import pandas as pd
import pytest

from sigmafit.exceptions import DataWarning
from sigmafit.fitting import pipeline


def test_temperature_set_points_cluster_like_prepare_and_nan_rows_are_reported():
    t = [2.003, 1.998, 2.001, 4.002, 3.997, np.nan]
    df = pd.DataFrame({"temperature_K": t, "field_T": np.arange(6.0)})
    with pytest.warns(DataWarning, match="1 rows have no temperature_K value"):
        groups = pipeline._group(df, "temperature_K")
    assert [lab for lab, _ in groups] == [2.0, 4.0]
    assert [len(g) for _, g in groups] == [3, 2]
    assert groups[0][1].attrs["sigmafit"]["curve"] == {"temperature_K": 2.0}


def test_one_temperature_with_jitter_is_one_curve():
    df = pd.DataFrame({"temperature_K": 2 + 0.003 * np.sin(np.arange(50)), "field_T": np.linspace(-1, 1, 50)})
    assert pipeline._auto_by(df, "field_T") is None
    df2 = pd.concat([df, df.assign(temperature_K=4.0)])
    assert pipeline._auto_by(df2, "field_T") == "temperature_K"
