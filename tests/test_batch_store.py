"""Resumable store: an interrupted (kill -9) batch resumes with every curve exactly once, none refitted."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest

from sigmafit.fitting.batch import fit_batch
from sigmafit.fitting.store import BatchStore, curve_id
from sigmafit.models.formulas import localization as F

N_CURVES = 200


def _write_curves(path):
    rng = np.random.default_rng(11)
    B = np.linspace(-0.05, 0.05, 60)
    ys = []
    for _ in range(N_CURVES):
        y = F.hln(B, rng.uniform(-0.7, -0.3), F.char_field(rng.uniform(150, 400) * 1e-9))
        ys.append(y + rng.normal(0, 0.01 * np.abs(y).max(), B.size))
    np.savez(path, B=B, Y=np.array(ys))


def _curves(path):
    d = np.load(path)
    return [(f"curve{i}", (d["B"], y)) for i, y in enumerate(d["Y"])]


SCRIPT = textwrap.dedent(
    """
    import sys, numpy as np
    from sigmafit.fitting.batch import fit_batch
    d = np.load(sys.argv[1])
    curves = [(f"curve{i}", (d["B"], y)) for i, y in enumerate(d["Y"])]
    fit_batch(curves, "hln", engine="lmfit", workers=1, chunk_size=4, out=sys.argv[2], progress=False)
    """
)


def _count(db):
    if not os.path.exists(db):
        return 0
    try:
        con = sqlite3.connect(db, timeout=5)
        try:
            return con.execute("SELECT COUNT(*) FROM curves").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


def test_resume_after_kill(tmp_path):
    data, out = tmp_path / "curves.npz", tmp_path / "run"
    _write_curves(data)
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(data), str(out)], stderr=subprocess.PIPE)
    db = out / "results.sqlite"
    deadline = time.monotonic() + 60
    try:
        while _count(db) < 20 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, f"the batch ended before it could be killed: {proc.stderr.read().decode()}"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    killed_at = time.time()
    before = _count(db)
    assert 20 <= before < N_CURVES

    res = fit_batch(_curves(data), "hln", engine="lmfit", workers=1, chunk_size=4, out=out, progress=False)
    tab = res.table
    assert res.n_resumed == before
    assert "from a previous run" in res.summary_line()
    assert len(tab) == N_CURVES
    assert tab["curve_id"].is_unique and tab["label"].tolist() == [f"curve{i}" for i in range(N_CURVES)]
    assert (tab["attempt"] == 1).all()  # no curve was written twice, i.e. none refitted
    assert (tab["run"] == 1).sum() == before and (tab["run"] == 2).sum() == N_CURVES - before
    assert (tab.loc[tab["run"] == 1, "fitted_at"] < killed_at).all()
    assert (tab["status"] != "failed").all()
    assert _count(db) == N_CURVES
    csv = pd.read_csv(out / "results.csv")
    assert len(csv) == N_CURVES and (out / "run.json").exists()

    # a third run fits nothing
    again = fit_batch(_curves(data), "hln", engine="lmfit", workers=1, out=out, progress=False)
    assert again.n_resumed == N_CURVES and (again.table["attempt"] == 1).all()


def test_store_counts_attempts_and_ids_are_stable(tmp_path):
    opts = {"bmax": 0.1}
    a = curve_id("f.dat", 2.0, "hln", opts, "abc")
    assert a == curve_id("f.dat", 2.0, "hln", dict(opts), "abc")
    assert a != curve_id("f.dat", 2.0, "hln", {"bmax": 0.2}, "abc")
    assert a != curve_id("f.dat", 4.0, "hln", opts, "abc")
    with BatchStore(tmp_path) as st:
        st.start_run({})
        st.write([(a, 0, "f.dat", 2.0, {"status": "ok", "L_phi": 1.0})])
        st.write([(a, 0, "f.dat", 2.0, {"status": "ok", "L_phi": 2.0})])
        row = st.done()[a]
    assert row["attempt"] == 2 and row["L_phi"] == 2.0


def test_in_memory_and_store_tables_agree(tmp_path):
    rng = np.random.default_rng(0)
    B = np.linspace(-0.05, 0.05, 80)
    curves = []
    for i in range(5):
        y = F.hln(B, -0.5, F.char_field(200e-9)) + rng.normal(0, 2e-8, B.size)
        curves.append((i, (B, y)))
    mem = fit_batch(curves, "hln", workers=1, progress=False).table
    disk = fit_batch(curves, "hln", workers=1, progress=False, out=tmp_path).table
    cols = ["alpha", "L_phi", "alpha_stderr", "L_phi_stderr", "B_phi"]
    np.testing.assert_allclose(mem[cols].to_numpy(float), disk[cols].to_numpy(float), rtol=1e-12)


def test_edited_curve_under_the_same_label_is_refitted_and_nothing_else(tmp_path):
    """Curve ids hash each curve's rows: a resumed batch refits the one curve whose numbers changed."""
    rng = np.random.default_rng(3)
    B = np.linspace(-0.05, 0.05, 70)
    frames = []
    for i in range(6):
        y = F.hln(B, -0.5, F.char_field((180 + 20 * i) * 1e-9)) + rng.normal(0, 2e-8, B.size)
        frames.append(pd.DataFrame({"gate_V": float(i), "field_T": B, "delta_sigma_S": y}))
    df = pd.concat(frames, ignore_index=True)
    first = fit_batch(df, "hln", by="gate_V", workers=1, progress=False, out=tmp_path).table
    edited = df.copy()
    rows = edited.index[edited["gate_V"] == 2.0]
    edited.loc[rows, "delta_sigma_S"] *= 1.5  # same label, other numbers
    again = fit_batch(edited, "hln", by="gate_V", workers=1, progress=False, out=tmp_path)
    tab = again.table.set_index("gate_V")
    assert again.n_resumed == 5
    assert list(tab["run"]) == [1, 1, 2, 1, 1, 1]
    assert tab.loc[2.0, "curve_id"] != first.set_index("gate_V").loc[2.0, "curve_id"]
    assert tab.loc[2.0, "alpha"] == pytest.approx(1.5 * first.set_index("gate_V").loc[2.0, "alpha"], rel=1e-6)
    assert (tab.drop(2.0)["curve_id"] == first.set_index("gate_V").drop(2.0)["curve_id"]).all()
    # the same data once more: nothing is refitted
    assert fit_batch(edited, "hln", by="gate_V", workers=1, progress=False, out=tmp_path).n_resumed == 6
