"""Coverage of the temperature family (hopping, ln T, dephasing law, Bloch–Grüneisen) through the command a user types.

Files come from ``tests/simulate_temperature.py`` (independent of sigmafit's formulas; truth drawn per file):

1. ``vrh`` (s free) and ``vrh-mott3d`` (s = ¼ fixed) on a PPMS ``.dat`` cool-down 300 → 2 K of an insulating film,
   Mott 3D hopping, R0 2–200 Ω, T0 3·10³–10⁵ K, relative noise 0.3–1 %;  ``arrhenius`` on a 330 → 100 K
   cool-down of an activated semiconductor (E_a 30–150 meV);
2. ``lnT --tmax 10 --width 10 --length 40`` on a film's R_xx(T) CSV (σ_□ = 1/R_BG + A·G_Q ln T, A 0.3–1.5);
3. ``dephasing`` / ``dephasing-sat`` on a ``sigmafit batch`` results table (``temperature_K, L_phi,
   L_phi_stderr``: the stderr column is the 1σ weight), 8–14 temperatures 0.3–20 K, 1–5 % errors;
4. ``bloch-gruneisen`` (n = 5 fixed) on a PPMS ``.dat`` cool-down 300 → 2 K of a metal (Θ_D 150–450 K, RRR
   1.5–20, absolute noise).

Each file: ``sigmafit fit FILE --model M [flags] --json OUT`` in-process.  Per study and parameter: the 1σ coverage
of the truth (68.3 % for calibrated errors, ±3.3 % binomial spread at 200 files), median pull, pull spread,
median χ²_ν, failed fits and fits without warnings that miss by more than 3σ; for the dephasing studies also the
pulls with the covariance not scaled by χ²_ν (the stderr column is a 1σ; see docs/temperature.md).

    python benchmarks/coverage_temperature.py --files 200
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import simulate_temperature as sim  # noqa: E402

HALLBAR = ["--width", "10", "--length", "40"]

#: study name → (case function, model, extra flags, parameters compared)
STUDIES = {
    "vrh (s free)": (sim.case_vrh, "vrh", [], ("R0", "T0", "s")),
    "vrh-mott3d": (sim.case_vrh, "vrh-mott3d", [], ("R0", "T0")),
    "arrhenius": (sim.case_arrhenius, "arrhenius", [], ("R0", "Ea")),
    "lnT --tmax 10 (Hall bar)": (sim.case_lnT, "lnT", ["--tmax", "10", *HALLBAR], ("sigma0", "A")),
    "dephasing (results table)": (sim.case_dephasing, "dephasing", [], ("L1", "p")),
    "dephasing-sat (results table)": (lambda p, s: sim.case_dephasing(p, s, saturation=True), "dephasing-sat", [],
                                      ("L1", "p", "L_sat")),
    "bloch-gruneisen": (sim.case_bg, "bloch-gruneisen", [], ("rho0", "A", "theta_D")),
}
SUFFIX = {"vrh": ".dat", "vrh-mott3d": ".dat", "arrhenius": ".dat", "bloch-gruneisen": ".dat", "lnT": ".csv",
          "dephasing": ".csv", "dephasing-sat": ".csv"}


def fit_file(path: Path, model: str, flags: list[str]) -> dict | None:
    """``sigmafit fit PATH --model MODEL FLAGS --json OUT`` in-process; the JSON summary (None when none was written)."""
    from sigmafit.cli.main import main

    out = path.with_suffix(".json")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            main(["fit", str(path), "--model", model, *flags, "--json", str(out)])
        except SystemExit:
            pass
    return json.loads(out.read_text()) if out.exists() else None


def run_study(name: str, folder: Path, n: int, seed0: int = 0) -> dict:
    """Simulate and fit ``n`` files of one study; pulls per parameter and the bookkeeping."""
    case, model, flags, names = STUDIES[name]
    pulls = {p: [] for p in names}
    redchi, failed, silent_miss, records = [], 0, 0, []
    for i in range(n):
        seed = seed0 + i
        path, truth = case(folder / f"{model}_{seed:04d}{SUFFIX[model]}", seed)
        g = fit_file(path, model, flags)
        if g is None or not g.get("success"):
            failed += 1
            continue
        z = {}
        for p in names:
            e = g["params"][p]
            z[p] = (e["value"] - truth[p]) / e["stderr"] if e.get("stderr") else np.nan
            pulls[p].append(z[p])
        redchi.append(g["statistics"]["redchi"])
        records.append({"seed": seed, "truth": truth, "pull": z, "redchi": redchi[-1], "warnings": g.get("warnings", []),
                        "fit": {p: g["params"][p]["value"] for p in names}})
        if not g.get("warnings") and any(not np.isfinite(v) or abs(v) > 3 for v in z.values()):
            silent_miss += 1
    return {"pulls": {p: np.array(v, float) for p, v in pulls.items()}, "redchi": float(np.median(redchi)) if redchi else np.nan,
            "failed": failed, "silent_miss": silent_miss, "n": n,
            "records": records}


def stats(z: np.ndarray) -> tuple[float, float, float]:
    z = z[np.isfinite(z)]
    return float(np.mean(np.abs(z) < 1.0)), float(np.median(z)), float(np.std(z))


def lines(name: str, res: dict, wall: float) -> list[str]:
    out = []
    for p, z in res["pulls"].items():
        cov, med, sd = stats(z)
        out.append(f"  {name + f' ({wall:.0f} s)':<40} {p:<8} coverage {cov:6.1%}  median pull {med:+.2f}  "
                   f"pull spread {sd:.2f}  median χ²_ν {res['redchi']:.3f}  (n = {np.isfinite(z).sum()})")
    out.append(f"  {name:<40} failed {res['failed']}, >3σ misses without a warning {res['silent_miss']}")
    if name.startswith("dephasing"):  # the stderr column is a 1σ: what the errors would be without the √χ²_ν scaling
        for p in res["pulls"]:
            z = np.array([r["pull"][p] * np.sqrt(r["redchi"]) for r in res["records"]])
            cov, med, sd = stats(z)
            out.append(f"  {name + ' unscaled':<40} {p:<8} coverage {cov:6.1%}  median pull {med:+.2f}  pull spread "
                       f"{sd:.2f}  >3σ {int(np.sum(np.abs(z) > 3))}  (errors of the 1σ column, not × √χ²_ν)")
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--study", action="append", choices=list(STUDIES), help="only these studies (repeatable)")
    args = ap.parse_args(argv)
    print(time.strftime("%Y-%m-%d %H:%M"), f"— {args.files} files per study")
    with tempfile.TemporaryDirectory() as d:
        for name in args.study or STUDIES:
            t = time.perf_counter()
            res = run_study(name, Path(d), args.files)
            for row in lines(name, res, time.perf_counter() - t):
                print(row, flush=True)


if __name__ == "__main__":
    main()
