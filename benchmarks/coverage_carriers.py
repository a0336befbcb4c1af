"""Coverage of the carriers-and-heat models on simulated instrument files, through the commands a user types.

Files from ``tests/simulate_carriers.py`` (independent physics: tensor inversion with numpy.linalg.inv, Debye T³
from 12π⁴R/5), each fitted in-process with ``sigmafit fit FILE --model M [flags] --json OUT``:

1. ``hall``: PPMS Resistivity .dat of one band (n_s 10¹¹–10¹⁴ cm⁻² either sign, μ 50–20 000 cm²/Vs, B_max 1–9 T,
   two sweeps, field offset ±2 mT, magnet lag, ±2 % ρ_xy in R_xx, ±30 % R_xx in R_xy, white noise) with
   ``--width W --length L``: n_s and μ_H;
2. ``two-band``: electrons + holes (μ₁B_max ≥ 1.8), same instrument, ``--width 10 --length 40``: n1, mu1, n2, mu2 —
   with the ±2 mT field offset and, for comparison, without it;
3. ``heat-capacity``: PPMS heat-capacity .dat (``Samp HC (µJ/K)`` with its error column) and a user CSV without
   errors, noise relative / absolute / both, ``--mass-mg m --molar-mass M --fix r=R``: gamma, beta, theta_D.

It prints per study and parameter the 1σ coverage (68.3 % when honest, ±3.3 % at 200 files), the median pull,
the pull spread, the median χ²_ν, failed fits and >3σ misses that carry no warning.

    python benchmarks/coverage_carriers.py --files 200
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import simulate_carriers as sim  # noqa: E402


def lines(study: str, res: dict) -> list[str]:
    out = []
    rc = float(np.nanmedian(res["redchi"])) if res["redchi"].size else float("nan")
    for name, z in res["pulls"].items():
        z = z[np.isfinite(z)]
        cov = float(np.mean(np.abs(z) < 1.0))
        out.append(f"  {study:<34} {name:<8} coverage {cov:6.1%}  median pull {np.median(z):+.2f}  "
                   f"pull spread {np.std(z):.2f}  median χ²_ν {rc:.3f}  (n = {z.size})")
    out.append(f"  {study:<34} failed {len(res['failed'])}, >3σ misses with 'warnings: none' {len(res['silent'])}")
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=200)
    args = ap.parse_args(argv)
    n = args.files
    print(time.strftime("%Y-%m-%d %H:%M"), f"— {n} files per study")
    studies = [
        ("hall", lambda d: [sim.hall_case(d, i) for i in range(n)]),
        ("two-band (B_off ±2 mT)", lambda d: [sim.two_band_case(d, i) for i in range(n)]),
        ("two-band (B_off 0)", lambda d: [sim.two_band_case(d, i, b_off_max_T=0.0) for i in range(n)]),
    ]
    for noise in ("relative", "absolute", "mixed"):
        for err in (True, False):
            studies.append((f"heat-capacity {noise}, {'error column' if err else 'no errors'}",
                            lambda d, noise=noise, err=err: [sim.heat_case(d, i, noise=noise, error_column=err) for i in range(n)]))
    for study, make in studies:
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            cases = make(Path(d))
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                res = sim.run_study(cases)
            for row in lines(f"{study} ({time.perf_counter() - t:.0f} s)", res):
                print(row, flush=True)


if __name__ == "__main__":
    main()
