"""Coverage of L_φ and L_so on simulated raw PPMS files: the measurement model against the old transform path.

For each of ``--files`` files of ``tests/simulate_raw.random_case`` (an ``hln-dp`` Hall bar W = 10 µm, L = 40 µm,
field offset uniform in ±0.6 mT, 2.5 mT steps, two sweeps with magnet lag, pickup both ways, white noise):

1. measurement model: ``sigmafit.load`` → ``prepare.measured.measured_points(bmax=0.3)`` → ``MeasurementModel``
   fitted with lmfit, weights 1/σ from ``prepare.noise``;
2. transform path, as ``sigmafit batch FILES --model hln-dp --width 10 --length 40 --bmax 0.3`` runs it
   (``fitting.pipeline.fit_file``): with its default (field offset estimated from the symmetry of R_xx) and with
   the fields as read (offset 0).

It prints, per method and parameter, the 1σ coverage of the truth (fraction of |pull| < 1), the median pull, and
the median χ²_ν.  Seeds are those of the repository's coverage test when ``--first 0``.

    python benchmarks/measurement_coverage.py --files 200
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import simulate_raw  # noqa: E402

import sigmafit  # noqa: E402
from sigmafit.fitting.pipeline import fit_file  # noqa: E402
from sigmafit.models.measurement import MeasurementModel  # noqa: E402
from sigmafit.prepare import Geometry  # noqa: E402
from sigmafit.prepare.measured import measured_points  # noqa: E402

GEOMETRY = Geometry("hallbar", width_um=10.0, length_um=40.0)
BMAX = 0.3
TRUTH = {"L_phi": "L_phi_nm", "L_so": "L_so_nm"}


def _pulls(params, film: dict) -> dict[str, float]:
    out = {}
    for name, key in TRUTH.items():
        p = params[name]
        out[name] = (p.value - film[key]) / p.stderr if p.stderr else np.nan
    return out


def one(seed: int, folder: str) -> dict:
    sim = simulate_raw.random_case(Path(folder) / f"raw_{seed}.dat", seed)
    film = sim.truth()["film"]
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pts = measured_points(sigmafit.load(sim.path), bmax=BMAX, need_hall=True)
        B, ch = pts["field_T"].to_numpy(), pts["channel"].to_numpy()
        y, err = pts["resistance_ohm"].to_numpy(), pts["resistance_err_ohm"].to_numpy()
        model = MeasurementModel("hln-dp", geometry=GEOMETRY)
        res = model.fit(y, model.guess(y, B=B, channel=ch), B=B, channel=ch, weights=1.0 / err, method="least_squares")
        out["measurement model"] = {**_pulls(res.params, film), "redchi": res.redchi}
        for label, offset in (("transform path (default: offset auto)", None), ("transform path, offset 0", 0.0)):
            try:
                (r,) = fit_file(sim.path, "hln-dp", geometry=GEOMETRY, bmax=BMAX, field_offset=offset)
                out[label] = {**_pulls(r.params, film), "redchi": float(r.summary()["statistics"]["redchi"])}
            except Exception as exc:  # record, do not stop the study
                out[label] = {"error": str(exc)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--first", type=int, default=0, help="first seed")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    t0 = time.time()
    with tempfile.TemporaryDirectory() as folder, ProcessPoolExecutor(args.workers) as pool:
        rows = list(pool.map(one, range(args.first, args.first + args.files), [folder] * args.files))
    print(f"{args.files} files, {time.time() - t0:.1f} s with {args.workers} workers")
    for method in rows[0]:
        got = [r[method] for r in rows if "error" not in r[method]]
        failed = len(rows) - len(got)
        for name in TRUTH:
            z = np.array([g[name] for g in got], dtype=float)
            no_err = int((~np.isfinite(z)).sum())
            z = z[np.isfinite(z)]
            print(f"{method:38s} {name:6s} 1σ coverage {np.mean(np.abs(z) < 1):6.1%}  median pull {np.median(z):+8.2f}"
                  f"  ({z.size} fits; {no_err} without an error bar, {failed} raised)")
        red = np.array([g["redchi"] for g in got], dtype=float)
        print(f"{method:38s} median χ²_ν {np.median(red):.4g}" + ("" if method == "measurement model" else
              " (unweighted: a number in S², not a goodness of fit)"))


if __name__ == "__main__":
    main()
