"""The same batch on a Dask LocalCluster gives the same table as the local run."""

from __future__ import annotations

import distributed  # in the test extras: a missing package is a failure, not a skip
import numpy as np
import pytest

from sigmafit.fitting.batch import fit_batch
from sigmafit.models.formulas import localization as F

# dask/distributed may warn about ports, resources or deprecations while starting and stopping
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"), pytest.mark.filterwarnings("ignore::UserWarning"),
              pytest.mark.filterwarnings("ignore::ResourceWarning"), pytest.mark.filterwarnings("ignore::RuntimeWarning")]


def _curves(n=16):
    rng = np.random.default_rng(21)
    B = np.linspace(-0.1, 0.1, 150)
    out = []
    for i in range(n):
        y = F.hln_dp(B, F.char_field(rng.uniform(90, 160) * 1e-9), F.char_field(rng.uniform(30, 60) * 1e-9))
        out.append((i, (B, y + rng.normal(0, 0.01 * np.abs(y).max(), B.size))))
    return out


COLS = ["L_phi", "L_so", "L_phi_stderr", "L_so_stderr", "B_phi", "B_so_stderr", "chisqr"]


def test_dask_localcluster_matches_local(tmp_path):
    curves = _curves()
    local_vec = fit_batch(curves, "hln-dp", workers=1, progress=False, chunk_size=4).table
    local_lm = fit_batch(curves[:6], "hln-dp", engine="lmfit", workers=1, progress=False).table
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            dask_vec = fit_batch(curves, "hln-dp", scheduler=client, progress=False, chunk_size=4, out=tmp_path).table
            dask_lm = fit_batch(curves[:6], "hln-dp", engine="lmfit", scheduler=cluster.scheduler_address,
                                progress=False, chunk_size=2).table
    for a, b in ((local_vec, dask_vec), (local_lm, dask_lm)):
        assert list(a["label"]) == list(b["label"])
        assert list(a["status"]) == list(b["status"])
        np.testing.assert_allclose(a[COLS].to_numpy(float), b[COLS].to_numpy(float), rtol=1e-12)
    assert (tmp_path / "results.csv").exists()
