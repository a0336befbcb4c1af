"""Misuse of the command line: one sentence and exit 2 before any work, never a traceback, never a lost file.

The cases are those a user found (issue "no silent misreads, no tracebacks, no lost files"): impossible
parameter values, empty windows, outputs that cannot be written or would overwrite the data, bad batch options,
text labels, a model applied to the wrong kind of sweep, two batches in one folder, a killed batch's workers.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sigmafit.cli.main import EXIT_INTERNAL, main
from sigmafit.fitting.store import BatchStore
from sigmafit.models.formulas import localization as F

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
SWEEPS = SAMPLE / "wal_film_sweeps.dat"
RT = SAMPLE / "wal_film_rt.csv"
HALLBAR = ["--width", "10", "--length", "40"]


def _run(argv, capsys):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


@pytest.mark.parametrize("argv, words", [
    (["fit", SWEEPS, "--model", "hln", *HALLBAR, "--fix", "L_phi=-5"], "outside its bounds"),
    (["fit", SWEEPS, "--model", "hln", *HALLBAR, "--fix", "L_phi=nan"], "finite number"),
    (["fit", SWEEPS, "--model", "hln", *HALLBAR, "--init", "L_phi=-1"], "outside its bounds"),
    (["fit", RT, "--model", "lnT", *HALLBAR, "--tmin", "50", "--tmax", "5"], "temperature window is empty"),
    (["fit", SWEEPS, "--model", "hln", *HALLBAR, "--xmin", "0.5", "--xmax", "0.1"], "window is empty"),
    (["fit", SWEEPS, "--model", "hln", *HALLBAR, "--bmax", "-1"], "must be > 0"),
    (["fit", SWEEPS, "--model", "lnT", *HALLBAR], "holds field sweeps"),
    (["fit", SWEEPS, "--model", "hln", "--width", "10"], "needs both --width and --length"),
    (["fit", SWEEPS, "--model", "hln", "--vdp", "--sheet"], "only one geometry"),
])
def test_impossible_options_exit_2_in_one_sentence(argv, words, capsys):
    code, _, err = _run(argv, capsys)
    assert code == 2 and words in err and err.count("\n") == 1


def test_outputs_are_checked_before_any_work(tmp_path, capsys):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    for option, target, words in [("--json", blocker / "out.json", "is a file, not a folder"),
                                  ("--plot", tmp_path / "out.xyz", "cannot write a .xyz figure"),
                                  ("--plot", blocker / "sub" / "f.png", "is a file, not a folder")]:
        code, out, err = _run(["fit", SWEEPS, "--model", "hln", *HALLBAR, option, target], capsys)
        assert code == 2 and words in err
        assert out == ""  # refused before fitting: nothing printed


def test_an_input_is_never_overwritten(tmp_path, capsys):
    data = tmp_path / "data.csv"
    shutil.copy(RT, data)
    before = data.read_bytes()
    for option in ("--json", "--plot"):
        target = data if option == "--json" else tmp_path / "data.csv"
        code, _, err = _run(["fit", data, "--model", "lnT", *HALLBAR, "--tmax", "10", option, target], capsys)
        assert code == 2 and "would overwrite the input" in err
    assert data.read_bytes() == before


def _curves_csv(path: Path, labels=("c000", "c001", "c002")) -> None:
    B = np.linspace(-0.1, 0.1, 121)
    rng = np.random.default_rng(5)
    frames = []
    for i, lab in enumerate(labels):
        y = F.hln_dp(B, F.char_field((120 + 20 * i) * 1e-9), F.char_field(40e-9))
        frames.append(pd.DataFrame({"curve": lab, "field_T": B, "delta_sigma_S": y + rng.normal(0, 2e-8, B.size)}))
    pd.concat(frames).to_csv(path, index=False)


def test_text_labels_with_by(tmp_path, capsys):
    data = tmp_path / "curves.csv"
    _curves_csv(data)
    code, out, err = _run(["fit", data, "--model", "hln-dp", "--sheet", "--by", "curve"], capsys)
    assert code in (0, 1), err
    assert out.count("=== curve = c00") == 3
    code, out, err = _run(["batch", data, "--model", "hln-dp", "--sheet", "--by", "curve", "--out", tmp_path / "run",
                           "--workers", "1", "--no-progress"], capsys)
    assert code in (0, 1), err
    tab = pd.read_csv(tmp_path / "run" / "results.csv")
    assert list(tab["label"]) == ["c000", "c001", "c002"] and (tab["status"] != "failed").all()


@pytest.mark.parametrize("extra, words", [
    (["--bmax", "-1"], "must be > 0"),
    (["--by", "nosuch"], "no file has a column 'nosuch'"),
    (["--out", "FILE"], "is a file, not a folder"),
])
def test_batch_options_are_refused_before_fitting(extra, words, tmp_path, capsys):
    data = tmp_path / "curves.csv"
    _curves_csv(data)
    afile = tmp_path / "afile"
    afile.write_text("x")
    extra = [str(afile) if a == "FILE" else a for a in extra]
    out = [] if "--out" in extra else ["--out", tmp_path / "run"]
    code, _, err = _run(["batch", data, "--model", "hln-dp", "--sheet", *out, *extra, "--workers", "1", "--no-progress"], capsys)
    assert code == 2 and words in err
    assert not (tmp_path / "run" / "results.csv").exists()


def test_a_folder_with_another_run_is_refused_unless_replaced(tmp_path, capsys):
    data = tmp_path / "curves.csv"
    _curves_csv(data)
    run = ["batch", data, "--sheet", "--by", "curve", "--out", tmp_path / "run", "--workers", "1", "--no-progress"]
    assert _run([*run, "--model", "hln-dp"], capsys)[0] in (0, 1)
    first = (tmp_path / "run" / "results.csv").read_bytes()
    code, _, err = _run([*run, "--model", "hln"], capsys)
    assert code == 2 and "other settings" in err and "--replace" in err
    assert (tmp_path / "run" / "results.csv").read_bytes() == first  # untouched
    code, _, err = _run([*run, "--model", "hln", "--replace"], capsys)
    assert code in (0, 1), err
    tab = pd.read_csv(tmp_path / "run" / "results.csv")
    assert "alpha" in tab.columns and len(tab) == 3


def test_one_batch_per_folder_at_a_time(tmp_path, capsys):
    data = tmp_path / "curves.csv"
    _curves_csv(data)
    with BatchStore(tmp_path / "run"):  # another batch holds the folder
        code, _, err = _run(["batch", data, "--model", "hln-dp", "--sheet", "--by", "curve", "--out", tmp_path / "run",
                             "--workers", "1", "--no-progress"], capsys)
    assert code == 2 and "another batch is writing into" in err and f"pid {os.getpid()}" in err


def test_internal_errors_have_their_own_status(monkeypatch, capsys):
    from sigmafit import workflow

    def broken(*args, **kwargs):
        raise RuntimeError("a planted defect")

    monkeypatch.setattr(workflow, "fit_file", broken)
    code, _, err = _run(["fit", RT, "--model", "lnT", *HALLBAR], capsys)
    assert code == EXIT_INTERNAL == 3
    assert "internal error (RuntimeError" in err and "please report it" in err and err.count("\n") == 1


WORKERS_SCRIPT = """
import sys, numpy as np
import sigmafit
from sigmafit.models.formulas import localization as F
B = np.linspace(-0.2, 0.2, 400)
rng = np.random.default_rng(0)
curves = [(i, (B, F.hln(B, -0.5, F.char_field(150e-9)) + rng.normal(0, 1e-8, B.size))) for i in range(4000)]
sigmafit.fit_batch(curves, "hln", engine="lmfit", workers=2, chunk_size=2, out=sys.argv[1], progress=False)
"""


def _children(pid: int) -> list[int]:
    """Child processes of ``pid`` from the Linux process table (/proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def test_workers_end_when_the_batch_is_killed(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", WORKERS_SCRIPT, str(tmp_path / "run")])
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
            workers = _children(proc.pid)
        assert len(workers) >= 2, "the batch did not start its worker processes"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
            time.sleep(0.1)
        alive = [w for w in workers if Path(f"/proc/{w}").exists()
                 and Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
        assert not alive, f"worker processes {alive} outlived their killed parent"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_wire_on_a_delta_g_column_names_the_choice(tmp_path, capsys):
    """A `dG (S)` column is read as Δσ per square; the wire model fits the wire's ΔG (S).  The refusal names the
    column and the way (--y delta_sigma_S) instead of asking for a Hall-bar geometry."""
    from sigmafit.cli.main import main

    f = tmp_path / "wire.csv"
    f.write_text("B (T),dG (S)\n" + "".join(f"{b:.3f},{1e-6 * b / (b + 0.02):.6g}\n" for b in np.linspace(0, 0.3, 31)))
    assert main(["fit", str(f), "--model", "wire", "--fix", "W=50", "--fix", "L=10"]) == 2
    err = capsys.readouterr().err
    assert "--y delta_sigma_S" in err and "width" not in err
    assert main(["fit", str(f), "--model", "wire", "--fix", "W=50", "--fix", "L=10", "--y", "delta_sigma_S"]) in (0, 1)
