"""Coverage of kappa, vrh-es, vrh-mott2d, bloch-gruneisen-kondo, mit-metal and mit-critical through the command a user
types.

Files come from ``tests/simulate_misc.py`` (independent of sigmafit's formulas; truth drawn per file):

1. ``kappa`` (κ = aT + bT³, a metal 2 → 15–25 K) with relative (0.5–3 %) or absolute noise, on a PPMS TTO ``.dat``
   with its ``Thermal Cond. Err (W/K-m)`` column or on a CSV without errors;
2. ``vrh-es`` / ``vrh-mott2d`` on a PPMS Resistivity ``.dat`` cool-down of an insulating film (relative noise);
3. ``bloch-gruneisen-kondo`` on a PPMS ``.dat`` cool-down 300 → 2 K of a Kondo metal (absolute noise);
4. ``mit-metal`` on a σ(T) CSV 0.05–4 K; ``mit-critical`` on a table of σ(0) per sample with its error column;
5. ``drude-smith`` and ``two-drude`` on FTIR σ1(ν) files (relative noise 1–2 %).

Each file: ``sigmafit fit FILE --model M [flags] --json OUT`` in-process.  Per study and parameter: the 1σ coverage
of the truth (68.3 % for calibrated errors, ±3.3 % binomial spread at 200 files), median pull, pull spread,
median χ²_ν, failed fits and fits without warnings that miss by more than 3σ.

    python benchmarks/coverage_misc.py --files 200
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

import simulate_misc as sim

#: study name → (case function, model, file suffix, extra flags, parameters compared)
STUDIES = {
    "kappa relative, TTO .dat + err": (lambda p, s: sim.case_kappa(p, s, "relative", True), "kappa", ".dat", [], ("a", "b")),
    "kappa relative, CSV": (lambda p, s: sim.case_kappa(p, s, "relative", False), "kappa", ".csv", [], ("a", "b")),
    "kappa absolute, TTO .dat + err": (lambda p, s: sim.case_kappa(p, s, "absolute", True), "kappa", ".dat", [], ("a", "b")),
    "kappa absolute, CSV": (lambda p, s: sim.case_kappa(p, s, "absolute", False), "kappa", ".csv", [], ("a", "b")),
    "vrh-es": (lambda p, s: sim.case_hopping(p, s, 0.5), "vrh-es", ".dat", [], ("R0", "T0")),
    "vrh-mott2d": (lambda p, s: sim.case_hopping(p, s, 1.0 / 3.0), "vrh-mott2d", ".dat", [], ("R0", "T0")),
    "bloch-gruneisen-kondo": (sim.case_bg_kondo, "bloch-gruneisen-kondo", ".dat", [],
                              ("rho0", "A", "theta_D", "R_K0", "T_K")),
    "mit-metal": (sim.case_mit_metal, "mit-metal", ".csv", [], ("sigma0", "m", "b")),
    "drude-smith (σ1)": (sim.case_drude_smith, "drude-smith", ".txt", [], ("wp", "gamma", "c")),
    "two-drude (σ1)": (sim.case_two_drude, "two-drude", ".txt", [], ("wp1", "gamma1", "wp2", "gamma2")),
    "mit-critical": (sim.case_mit_critical, "mit-critical", ".csv", ["--x", sim.CRITICAL_X], ("sigma_c", "x_c", "nu")),
}


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
    case, model, suffix, flags, names = STUDIES[name]
    pulls = {p: [] for p in names}
    redchi, failed, silent_miss, records = [], 0, 0, []
    for i in range(n):
        seed = seed0 + i
        path, truth = case(folder / f"{model}_{seed:04d}{suffix}", seed)
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
                        "weights": g.get("source", {}).get("weights"), "fit": {p: g["params"][p]["value"] for p in names}})
        if not g.get("warnings") and any(not np.isfinite(v) or abs(v) > 3 for v in z.values()):
            silent_miss += 1
    return {"pulls": {p: np.array(v, float) for p, v in pulls.items()}, "redchi": float(np.median(redchi)) if redchi else np.nan,
            "failed": failed, "silent_miss": silent_miss, "n": n, "records": records}


def stats(z: np.ndarray) -> tuple[float, float, float]:
    z = z[np.isfinite(z)]
    return float(np.mean(np.abs(z) < 1.0)), float(np.median(z)), float(np.std(z))


def lines(name: str, res: dict, wall: float) -> list[str]:
    out = []
    for p, z in res["pulls"].items():
        cov, med, sd = stats(z)
        out.append(f"  {name + f' ({wall:.0f} s)':<42} {p:<8} coverage {cov:6.1%}  median pull {med:+.2f}  "
                   f"pull spread {sd:.2f}  median χ²_ν {res['redchi']:.3f}  (n = {np.isfinite(z).sum()})")
    out.append(f"  {name:<42} failed {res['failed']}, >3σ misses without a warning {res['silent_miss']}")
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
