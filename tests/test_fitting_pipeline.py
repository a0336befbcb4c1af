"""Curves split by a label column (prepare.split, the one rule of every fit path): one clustering rule (prepare.group_levels), nothing dropped silently."""

import numpy as np
import pandas as pd
import pytest

from sigmafit.exceptions import DataWarning
from sigmafit.prepare.split import distinct_set_points, split_curves


def test_temperature_set_points_cluster_like_prepare_and_nan_rows_are_reported():
    t = [2.003, 1.998, 2.001, 4.002, 3.997, np.nan]
    df = pd.DataFrame({"temperature_K": t, "field_T": np.arange(6.0)})
    with pytest.warns(DataWarning, match="1 rows have no temperature_K value"):
        groups = split_curves(df, "temperature_K")
    assert [lab for lab, _ in groups] == [2.0, 4.0]
    assert [len(g) for _, g in groups] == [3, 2]
    assert groups[0][1].attrs["sigmafit"]["curve"] == {"temperature_K": 2.0}


def test_one_temperature_with_jitter_is_one_curve():
    df = pd.DataFrame({"temperature_K": 2 + 0.003 * np.sin(np.arange(50)), "field_T": np.linspace(-1, 1, 50)})
    assert distinct_set_points(df) == 1
    df2 = pd.concat([df, df.assign(temperature_K=4.0)])
    assert distinct_set_points(df2) == 2


def test_text_labels_split_without_conversion():
    df = pd.DataFrame({"curve": ["c000", "c000", "c001"], "field_T": [0.0, 1.0, 2.0]})
    groups = split_curves(df, "curve")
    assert [lab for lab, _ in groups] == ["c000", "c001"]
    assert groups[1][1].attrs["sigmafit"]["curve"] == {"curve": "c001"}
