"""Batch speed as the user feels it: the whole ``sigmafit batch`` command against the plain script a user writes.

One long-format CSV (``curve, field_T, delta_sigma_S``) of ``--curves`` ``hln-dp`` curves × ``--points`` points
with known L_φ, L_so and 1 % noise is fitted

1. **whole commands** (separate processes, loading and start values included, alternating, ``--repeat`` times):
   ``sigmafit batch curves.csv --model hln-dp --by curve --out DIR`` against a 20-line script that reads the CSV
   with pandas and calls ``lmfit.Model.fit`` per curve from one fixed start (its own HLN function with
   ``scipy.special.digamma``, as a user would write it);
2. **in process**: ``sigmafit.fit_batch(df, "hln-dp", by="curve")`` (start values from the model's guess,
   inside the timing) against the same lmfit loop in this process;

and prints both ratios, curves per second, the peak memory of the command and the largest relative difference
between sigmafit's and lmfit's fitted values on the curves where both converged.  ``--scale 2000 5000 20000``
times the whole command at several sizes (time per curve and peak memory).

    python benchmarks/bench_batch.py                   # 2000 × 400, as in the README
    python benchmarks/bench_batch.py --curves 200      # quick look
    python benchmarks/bench_batch.py --scale 2000 5000 20000 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

#: The plain script a user would write instead of sigmafit (reads the CSV, one lmfit fit per curve).
PLAIN_SCRIPT = r'''
import sys
import numpy as np, pandas as pd, lmfit
from scipy.special import digamma
E, HBAR, H = 1.602176634e-19, 1.054571817e-34, 6.62607015e-34
GQ, HB4E = E * E / (np.pi * H), HBAR / (4 * E)
def Y(x):
    return digamma(0.5 + x) - np.log(x)
def hln_dp(B, L_phi, L_so):
    bp, bs, b = HB4E / (L_phi * 1e-9) ** 2, HB4E / (L_so * 1e-9) ** 2, np.abs(B)
    return -GQ * (0.5 * Y(bp / b) - Y((bp + bs) / b) - 0.5 * Y((bp + 2 * bs) / b))
df = pd.read_csv(sys.argv[1])
model = lmfit.Model(hln_dp, independent_vars=["B"])
rows = []
for name, g in df.groupby("curve"):
    p = model.make_params(L_phi=dict(value=100, min=1), L_so=dict(value=50, min=1))
    r = model.fit(g["delta_sigma_S"].to_numpy(), p, B=g["field_T"].to_numpy())
    rows.append((name, r.params["L_phi"].value, r.params["L_phi"].stderr, r.params["L_so"].value, r.params["L_so"].stderr, r.success))
pd.DataFrame(rows, columns=["curve", "L_phi", "L_phi_stderr", "L_so", "L_so_stderr", "success"]).to_csv(sys.argv[2], index=False)
'''

HB4E = 1.054571817e-34 / (4 * 1.602176634e-19)
GQ = 1.602176634e-19 ** 2 / (np.pi * 6.62607015e-34)


def make_csv(path: Path, n_curves: int, n_points: int, seed: int = 20240601) -> None:
    """Curves with known parameters: L_φ 80–200 nm, L_so 25–60 nm, |B| ≤ 0.15 T, 1 % noise (own formula)."""
    from scipy.special import digamma

    def Y(x):
        return digamma(0.5 + x) - np.log(x)

    rng = np.random.default_rng(seed)
    B = np.linspace(-0.15, 0.15, n_points + 1)
    B = B[B != 0][:n_points]
    frames = []
    for i in range(n_curves):
        lp, ls = rng.uniform(80, 200), rng.uniform(25, 60)
        bp, bs, b = HB4E / (lp * 1e-9) ** 2, HB4E / (ls * 1e-9) ** 2, np.abs(B)
        y = -GQ * (0.5 * Y(bp / b) - Y((bp + bs) / b) - 0.5 * Y((bp + 2 * bs) / b))
        y = y + rng.normal(0.0, 0.01 * np.abs(y).max(), B.size)
        frames.append(pd.DataFrame({"curve": f"c{i:06d}", "field_T": B, "delta_sigma_S": y}))
    pd.concat(frames, ignore_index=True).to_csv(path, index=False)


def run_timed(cmd: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak resident memory (MB) of one whole command: ``os.wait4``'s rusage of the process, whose
    ``ru_maxrss`` is the largest resident set of it and of the worker processes it waited for (the largest one, not
    their sum: forked workers share most pages with it)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{cmd[:3]} failed ({code}): {err.strip()[-400:]}")
    return wall, usage.ru_maxrss / 1024.0


def load() -> str:
    """The machine's load average (1, 5, 15 min): other processes share the CPUs this benchmark counts on."""
    return "load " + " ".join(f"{v:.1f}" for v in os.getloadavg())


def sigmafit_cmd(csv: Path, out: Path) -> list[str]:
    exe = shutil.which("sigmafit") or str(Path(sys.executable).with_name("sigmafit"))
    return [exe, "batch", str(csv), "--model", "hln-dp", "--by", "curve", "--out", str(out), "--no-progress", "--replace"]


def whole_commands(csv: Path, tmp: Path, repeat: int, n: int) -> tuple[list[float], list[float], float]:
    script = tmp / "plain_lmfit.py"
    script.write_text(PLAIN_SCRIPT)
    ours, plain, peak = [], [], 0.0
    for k in range(repeat):
        shutil.rmtree(tmp / "run", ignore_errors=True)
        w, m = run_timed(sigmafit_cmd(csv, tmp / "run"))
        ours.append(w)
        peak = max(peak, m)
        w, _ = run_timed([sys.executable, str(script), str(csv), str(tmp / "plain.csv")])
        plain.append(w)
        print(f"  run {k + 1}: sigmafit batch {ours[-1]:.2f} s ({n / ours[-1]:.0f} curves/s), "
              f"plain lmfit script {plain[-1]:.2f} s ({n / plain[-1]:.0f} curves/s): {plain[-1] / ours[-1]:.1f}×  "
              f"[{load()}]", flush=True)
    return ours, plain, peak


def agreement(tmp: Path) -> tuple[float, int]:
    """Largest relative difference of L_φ, L_so between sigmafit and lmfit where both converged with error bars."""
    a = pd.read_csv(tmp / "run" / "results.csv").set_index("label")
    b = pd.read_csv(tmp / "plain.csv").set_index("curve")
    both = a.index.intersection(b.index)
    a, b = a.loc[both], b.loc[both]
    ok = (a["status"] != "failed") & b["success"].astype(bool) & b["L_phi_stderr"].notna() & a["L_phi_stderr"].notna()
    rel = [np.abs(a.loc[ok, c] / b.loc[ok, c] - 1.0).max() for c in ("L_phi", "L_so")]
    return float(max(rel)), int(ok.sum())


def in_process(csv: Path, n: int, repeat: int) -> tuple[float, float]:
    """Median in-process times (s) of fit_batch (start values included) and of the lmfit loop, alternating."""
    import lmfit

    sys.path.insert(0, str(Path(__file__).parent))
    import sigmafit

    df = sigmafit.load(csv)
    ns: dict = {}
    exec(PLAIN_SCRIPT.split("df = pd.read_csv")[0], ns)  # the plain script's model, in this process
    model = lmfit.Model(ns["hln_dp"], independent_vars=["B"])
    raw = pd.read_csv(csv)
    ours, loops = [], []
    for k in range(repeat):
        t = time.perf_counter()
        sigmafit.fit_batch(df, "hln-dp", by="curve", progress=False)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        for _, g in raw.groupby("curve"):
            p = model.make_params(L_phi=dict(value=100, min=1), L_so=dict(value=50, min=1))
            model.fit(g["delta_sigma_S"].to_numpy(), p, B=g["field_T"].to_numpy())
        loops.append(time.perf_counter() - t)
        print(f"  in process, run {k + 1}: fit_batch (guess included) {ours[-1]:.2f} s ({n / ours[-1]:.0f} curves/s), "
              f"lmfit loop {loops[-1]:.2f} s ({n / loops[-1]:.0f} curves/s): {loops[-1] / ours[-1]:.1f}×  [{load()}]",
              flush=True)
    o, lp = float(np.median(ours)), float(np.median(loops))
    print(f"in process: median {lp / o:.1f}× the lmfit loop (fit_batch {o:.2f} s, loop {lp:.2f} s)", flush=True)
    return o, lp


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--curves", type=int, default=2000)
    ap.add_argument("--points", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=3, help="whole-command runs of each (alternating)")
    ap.add_argument("--scale", type=int, nargs="*", help="also time the whole command at these curve counts")
    args = ap.parse_args(argv)
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d %H:%M')}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        csv = tmp / "curves.csv"
        make_csv(csv, args.curves, args.points)
        print(f"{args.curves} hln-dp curves × {args.points} points in one CSV ({csv.stat().st_size / 1e6:.0f} MB)")
        ours, plain, peak = whole_commands(csv, tmp, args.repeat, args.curves)
        rel, n_both = agreement(tmp)
        print(f"whole command: median {np.median(plain) / np.median(ours):.1f}× the plain lmfit script "
              f"(sigmafit {np.median(ours):.2f} s, peak memory {peak:.0f} MB); fitted values agree with lmfit to "
              f"{rel:.1e} relative on the {n_both} curves where both converged with error bars")
        in_process(csv, args.curves, args.repeat)
        for n in args.scale or []:
            big = tmp / f"curves{n}.csv"
            make_csv(big, n, args.points)
            shutil.rmtree(tmp / "run", ignore_errors=True)
            w, m = run_timed(sigmafit_cmd(big, tmp / "run"))
            print(f"  scale: {n} curves ({n * args.points / 1e6:.1f} M rows): {w:.1f} s, {1e3 * w / n:.2f} ms per curve, "
                  f"peak memory {m:.0f} MB  [{load()}]", flush=True)
            big.unlink()


if __name__ == "__main__":
    main()
