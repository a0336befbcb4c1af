"""Coverage of L_φ and L_so on simulated raw PPMS files, through the commands a user types.

1. ``--files`` single-temperature files (``tests/simulate_raw.random_case``: an ``hln-dp`` Hall bar W = 10 µm,
   L = 40 µm, field offset uniform in ±0.6 mT, 2.5 mT steps, two sweeps with magnet lag, pickup both ways, white
   noise) fitted by ``sigmafit batch FILES/ --model hln-dp --width 10 --length 40 --bmax 0.3 --out run`` — the
   default (the measurement model of the raw readings) and, for the record, ``--transform`` (Δσ from symmetrized
   sheet conductance, with its free offset);
2. ``--files`` four-temperature files (``hln-so``, L_φ ∝ T^(−1/2), one L_so) fitted one by one with
   ``sigmafit fit FILE --model hln-so --width 10 --length 40 --bmax 0.3 --share L_so`` (a process pool).

It prints, per study and parameter, the 1σ coverage of the truth (fraction of |pull| < 1; 68.3 % for calibrated
errors, ±3.3 % binomial spread at 200 files), the median pull and the median χ²_ν.

    python benchmarks/coverage_raw.py --files 200
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import simulate_raw as sim  # noqa: E402

SIGMAFIT = [sys.executable, "-m", "sigmafit.cli.main"]
HALLBAR = ["--width", "10", "--length", "40", "--bmax", "0.3"]


def line(study: str, name: str, z: np.ndarray, redchi: float) -> str:
    cov = float(np.mean(np.abs(z) < 1.0))
    return (f"  {study:<34} {name:<6} coverage {cov:6.1%}  median pull {np.median(z):+.2f}  "
            f"pull spread {np.std(z):.2f}  median χ²_ν {redchi:.3f}  (n = {z.size})")


def batch_study(folder: Path, n: int, transform: bool) -> list[str]:
    truth = {}
    for seed in range(n):
        s = sim.random_case(folder / f"raw_{seed:03d}.dat", seed)
        truth[str(s.path)] = {"L_phi": s.film.L_phi_nm, "L_so": s.film.L_so_nm}
    out = folder.parent / ("run_transform" if transform else "run")
    cmd = [*SIGMAFIT, "batch", str(folder), "--model", "hln-dp", *HALLBAR, "--out", str(out), "--no-progress", "--replace"]
    t = time.perf_counter()
    subprocess.run(cmd + (["--transform"] if transform else []), check=False, capture_output=True)
    wall = time.perf_counter() - t
    tab = pd.read_csv(out / "results.csv")
    ok = tab["status"] != "failed"
    study = f"batch{' --transform' if transform else ''} ({wall:.0f} s)"
    rows = []
    for name in ("L_phi", "L_so"):
        z = ((tab.loc[ok, name] - tab.loc[ok, "source"].map(lambda p: truth[p][name])) / tab.loc[ok, f"{name}_stderr"]).to_numpy()
        rows.append(line(study, name, z[np.isfinite(z)], float(tab.loc[ok, "redchi"].median())))
    if (~ok).any():
        rows.append(f"  {study}: {int((~ok).sum())} files failed")
    return rows


def _one_global(args) -> tuple[list[float], float, float]:
    folder, seed = args
    rng = np.random.default_rng(seed)
    film = sim.Film(wal="hln-so", L_so_nm=float(rng.uniform(30.0, 60.0)), carrier="holes" if seed % 2 else "electrons")
    inst = sim.Instrument(B_off_T=float(rng.uniform(-6e-4, 6e-4)), pickup=float(rng.uniform(-0.03, 0.03)))
    s = sim.four_temperatures(Path(folder) / f"four_{seed:03d}.dat", seed + 77, film=film, inst=inst,
                              L_phi_1K_nm=float(rng.uniform(300.0, 500.0)))
    out = Path(folder) / f"four_{seed:03d}.json"
    subprocess.run([*SIGMAFIT, "fit", str(s.path), "--model", "hln-so", *HALLBAR, "--share", "L_so", "--json", str(out)],
                   check=False, capture_output=True)
    g = json.loads(out.read_text())
    so = g["shared"]["L_so"]
    z_phi = [(c["params"]["L_phi"]["value"] - t.L_phi_nm) / c["params"]["L_phi"]["stderr"]
             for c, t in zip(sorted(g["curves"], key=lambda c: c["label"]), s.curves)]
    return z_phi, (so["value"] - s.film.L_so_nm) / so["stderr"], g["statistics"]["redchi"]


def global_study(folder: Path, n: int, workers: int) -> list[str]:
    t = time.perf_counter()
    with ProcessPoolExecutor(workers) as ex:
        res = list(ex.map(_one_global, [(str(folder), seed) for seed in range(n)]))
    wall = time.perf_counter() - t
    z_phi = np.array([v for r in res for v in r[0]])
    z_so = np.array([r[1] for r in res])
    redchi = float(np.median([r[2] for r in res]))
    study = f"fit --share L_so, 4 T ({wall:.0f} s)"
    return [line(study, "L_phi", z_phi, redchi), line(study, "L_so", z_so, redchi)]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--studies", default="batch,transform,share",
                    help="comma-separated subset of batch, transform, share (default: all three)")
    args = ap.parse_args(argv)
    studies = set(args.studies.split(","))
    print(time.strftime("%Y-%m-%d %H:%M"), f"— {args.files} files per study")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        (tmp / "raw").mkdir()
        (tmp / "four").mkdir()
        runs = [("batch", lambda: batch_study(tmp / "raw", args.files, transform=False)),
                ("transform", lambda: batch_study(tmp / "raw", args.files, transform=True)),
                ("share", lambda: global_study(tmp / "four", args.files, args.workers))]
        for name, run in runs:
            if name in studies:
                for row in run():
                    print(row, flush=True)


if __name__ == "__main__":
    main()
