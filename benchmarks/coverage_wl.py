"""Coverage of the weak-localization models on a user's Δσ(B) files, through the command a user types.

Files from ``tests/simulate_wl.py`` (its own Y(x), f₃ and wire formula): a CSV/TSV of field and Δσ with unit headers
(``B (T)``, ``Field (mT)``; ``dG (e^2/h)``, ``delta_sigma (S)``, ``Δσ (G_Q)`` …), 1–5 mT steps near zero, white noise of
0.5–1.5 % of the cusp depth, truth drawn per file.  Each file is fitted by
``sigmafit fit FILE --model M [flags] --json out.json`` (in-process ``main``), per study:

* ``B≥0``: the symmetrized half, Δσ referenced to σ(0) — the clean case;
* ``±B mirrored``: the symmetrized curve saved for both signs (Δσ(−B) a copy of Δσ(B)), as read, and with ``--xmin 0``;
* ``offset``: B ≥ 0, Δσ referenced to the reading at a remanent field of 0–3 mT (plus that reading's noise), as a user
  who subtracted the measured σ at "B = 0" has it — the CLI has no free-offset option for a user's Δσ file;
* ``kawabata`` (S/m) and ``wire`` (``--fix W=… --fix L=…`` and ``--y delta_sigma_S`` for a ΔG column) on B ≥ 0.

Per study and parameter: 1σ coverage (|pull| < 1; 68.3 % when honest, ±3.3 % at 200 files), median pull, pull spread,
median χ²_ν (unweighted fits report the residual variance in S², so ≈ 0), failures, >3σ misses of fits with no warning
at all ("unwarned"), and files flagged by the offset check (``offset-warned``).

    python benchmarks/coverage_wl.py --files 200
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
sys.path.insert(0, str(ROOT / "src"))

import simulate_wl as sim

from sigmafit.cli.main import main as sigmafit_main

#: (label, model, sides, offset, extra flags)
STUDIES = (
    ("hln B≥0", "hln", "positive", False, []),
    ("hln ±B mirrored", "hln", "mirrored", False, []),
    ("hln ±B mirrored --xmin 0", "hln", "mirrored", False, ["--xmin", "0"]),
    ("hln offset", "hln", "positive", True, []),
    ("hln-so B≥0", "hln-so", "positive", False, []),
    ("hln-so ±B mirrored --xmin 0", "hln-so", "mirrored", False, ["--xmin", "0"]),
    ("hln-so offset", "hln-so", "positive", True, []),
    ("graphene B≥0", "graphene", "positive", False, []),
    ("graphene ±B mirrored --xmin 0", "graphene", "mirrored", False, ["--xmin", "0"]),
    ("graphene offset", "graphene", "positive", True, []),
    ("kawabata B≥0", "kawabata", "positive", False, []),
    ("wire B≥0 --y delta_sigma_S", "wire", "positive", False, ["--y", "delta_sigma_S"]),
)


def run_study(folder: Path, model: str, sides: str, offset: bool, extra: list[str], n: int) -> dict:
    """Simulate ``n`` files, fit each through ``sigmafit fit``; pulls per parameter and the tallies."""
    pulls: dict[str, list[float]] = {}
    redchi, failed, unwarned = [], [], []
    offset_warned = 0
    for seed in range(n):
        f = sim.random_case(folder, model, seed, offset=offset, sides=sides)
        out = folder / f"{f.path.stem}.json"
        out.unlink(missing_ok=True)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            sigmafit_main(sim.fit_args(f, out, extra))
        if not out.exists():
            failed.append((seed, err.getvalue().strip()[-200:]))
            continue
        js = sim.read_result(out)
        warns = js.get("warnings") or []
        offset_warned += any("does not start from 0" in w for w in warns)
        redchi.append(js["statistics"]["redchi"])
        for name, truth in f.truth.items():
            p = js["params"][name]
            z = (p["value"] - truth) / p["stderr"] if p.get("stderr") else np.nan
            pulls.setdefault(name, []).append(z)
            if not abs(z) < 3 and not warns:
                unwarned.append((seed, name, round(float(z), 1)))
    return {"pulls": {k: np.asarray(v, float) for k, v in pulls.items()}, "redchi": redchi, "failed": failed,
            "unwarned": unwarned, "offset_warned": offset_warned}


def lines(study: str, res: dict, wall: float) -> list[str]:
    out = []
    for name, z in res["pulls"].items():
        zf = z[np.isfinite(z)]
        cov = float(np.mean(np.abs(z) < 1.0))  # a missing stderr counts as a miss
        out.append(f"  {study:<30} {name:<6} coverage {cov:6.1%}  median pull {np.median(zf):+.2f}  pull spread "
                   f"{np.std(zf):.2f}  median χ²_ν {np.median(res['redchi']):.3g}  (n = {z.size}, no stderr {z.size - zf.size})")
    out.append(f"  {study:<30} failed {len(res['failed'])}  unwarned >3σ {len(res['unwarned'])}  "
               f"offset-warned {res['offset_warned']}  ({wall:.0f} s)")
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--studies", default="", help="comma-separated substrings of study labels (default: all)")
    args = ap.parse_args(argv)
    keys = [s for s in args.studies.split(",") if s]
    print(time.strftime("%Y-%m-%d %H:%M"), f"— {args.files} files per study")
    with tempfile.TemporaryDirectory() as d:
        for label, model, sides, offset, extra in STUDIES:
            if keys and not any(k in label for k in keys):
                continue
            folder = Path(d) / label.replace(" ", "_").replace("±", "pm").replace("≥", "ge")
            folder.mkdir()
            t = time.perf_counter()
            res = run_study(folder, model, sides, offset, extra, args.files)
            for row in lines(label, res, time.perf_counter() - t):
                print(row, flush=True)


if __name__ == "__main__":
    main()
