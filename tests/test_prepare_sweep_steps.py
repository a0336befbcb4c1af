"""A temperature step inside a field sweep starts a new sweep; temperature jitter does not.

The field keeps running in one direction, so only the step rule can split the data (reversals
never fire).  The rule (``sigmafit.prepare.segment`` docstring): a jump larger than
max(0.05 K, 0.5 % · T) between consecutive rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sigmafit.prepare import describe_sweeps, segment


def _sweep(T_first: float, T_second: float, jitter: float = 0.0) -> pd.DataFrame:
    B = np.linspace(-1.0, 1.0, 200)  # one sweep up, no reversal
    T = np.where(np.arange(B.size) < 100, T_first, T_second)
    T = T + jitter * np.sin(np.arange(B.size))  # deterministic jitter, |ΔT| between rows ≤ 2·jitter
    return pd.DataFrame({"field_T": B, "temperature_K": T, "resistance_ohm": 100.0 + B**2})


@pytest.mark.parametrize(
    ("T1", "T2", "jitter", "n_sweeps"),
    [
        (2.0, 2.1, 0.002, 2),  # 0.1 K > 0.05 K: the instrument changed temperature mid-sweep
        (2.0, 2.04, 0.002, 1),  # 0.04 K < 0.05 K: one sweep
        (100.0, 101.0, 0.1, 2),  # 1 K > 0.5 % of 100 K
        (100.0, 100.4, 0.1, 1),  # 0.4 K < 0.5 K; jitter steps up to 0.2 K stay inside too
    ],
)
def test_temperature_step_splits_a_monotonic_field_sweep(T1, T2, jitter, n_sweeps):
    out = segment(_sweep(T1, T2, jitter))
    desc = describe_sweeps(out)
    assert len(desc) == n_sweeps
    assert (desc["direction"] == 1).all()
    if n_sweeps == 2:
        assert out["sweep"].tolist() == [0] * 100 + [1] * 100
        np.testing.assert_allclose(desc["temperature_K"], [T1, T2], atol=2 * jitter)


def test_steps_can_be_disabled():
    assert segment(_sweep(2.0, 2.1), steps={})["sweep"].nunique() == 1
