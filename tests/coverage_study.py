"""What every coverage study shares (``tests/test_coverage_*.py`` and ``benchmarks/coverage_*.py``): a simulated file
through ``sigmafit fit FILE --model M [flags] --json OUT`` in-process, pulls (fit − truth)/stderr per parameter, and
one printed line per parameter.

A study is ``(case, model, suffix, flags, names)``: ``case(path, seed) -> (path, truth)`` writes one file, ``model``
and ``flags`` make the command, ``suffix`` the file's extension, ``names`` the parameters compared with the truth.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np


def fit_json(path, model: str, flags=()) -> tuple[int, dict | None]:
    """``sigmafit fit PATH --model MODEL FLAGS --json OUT`` in-process, quietly: (exit status, the JSON summary or None
    when none was written)."""
    from sigmafit.cli.main import main

    out = Path(path).with_suffix(".json")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            code = main(["fit", str(path), "--model", model, *flags, "--json", str(out)])
        except SystemExit as exc:  # argparse refusing the flags
            code = exc.code
    return code, (json.loads(out.read_text()) if out.exists() else None)


def fit_ok(path, model: str, flags=()) -> dict:
    """:func:`fit_json` that insists on a result (exit status 0 or 1 and a JSON written)."""
    code, g = fit_json(path, model, flags)
    assert code in (0, 1) and g is not None, f"{model} on {Path(path).name}: exit {code}"
    return g


def check_coverage(name: str, res: dict, n: int, median_limit: float = 0.4) -> None:
    """Every fit converged with an error bar, 1σ coverage within ±2.5 binomial SD of 68.3 % at ``n`` files, and
    |median pull| ≤ ``median_limit`` — for every parameter of a :func:`run_study` result."""
    assert not res["failed"], f"{name}: seeds {res['failed']} did not converge"
    half = 2.5 * np.sqrt(0.683 * 0.317 / n)
    for p, z in res["pulls"].items():
        assert np.isfinite(z).all(), f"{name} {p}: a stderr is missing"
        cov = float(np.mean(np.abs(z) < 1.0))
        assert 0.683 - half <= cov <= 0.683 + half, f"{name} {p}: 1σ coverage {cov:.1%}"
        assert abs(float(np.median(z))) <= median_limit, f"{name} {p}: median pull {np.median(z):+.2f}"


def run_study(study, folder: Path, n: int, seed0: int = 0, tag: str | None = None) -> dict:
    """Simulate and fit ``n`` files of ``study``: pulls per parameter (NaN where a stderr is missing), χ²_ν, the
    seeds that failed (exit status other than 0/1, no result, or no convergence), the number of fits with no warning
    that miss by more than 3σ, and one record per fit."""
    case, model, suffix, flags, names = study
    pulls: dict[str, list[float]] = {p: [] for p in names}
    redchi, failed, silent_miss, records = [], [], 0, []
    for seed in range(seed0, seed0 + n):
        path, truth = case(Path(folder) / f"{tag or model}_{seed:04d}{suffix}", seed)
        code, g = fit_json(path, model, flags)
        if code not in (0, 1) or g is None or not g.get("success"):
            failed.append(seed)
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
    return {"pulls": {p: np.array(v, float) for p, v in pulls.items()}, "redchi": np.array(redchi, float),
            "failed": failed, "silent_miss": silent_miss, "n": n, "records": records}


def stats(z: np.ndarray) -> tuple[float, float, float]:
    """(1σ coverage, median pull, pull spread) of the finite pulls."""
    z = z[np.isfinite(z)]
    return float(np.mean(np.abs(z) < 1.0)), float(np.median(z)), float(np.std(z))


def report_lines(name: str, res: dict, wall: float, width: int = 42) -> list[str]:
    """One line per parameter of a :func:`run_study` result, and one for the failures and silent misses."""
    redchi = float(np.median(res["redchi"])) if res["redchi"].size else np.nan
    out = []
    for p, z in res["pulls"].items():
        cov, med, sd = stats(z)
        out.append(f"  {name + f' ({wall:.0f} s)':<{width}} {p:<8} coverage {cov:6.1%}  median pull {med:+.2f}  "
                   f"pull spread {sd:.2f}  median χ²_ν {redchi:.3f}  (n = {np.isfinite(z).sum()})")
    out.append(f"  {name:<{width}} failed {len(res['failed'])}, >3σ misses without a warning {res['silent_miss']}")
    return out


def benchmark_main(studies: dict, doc: str, argv=None, width: int = 42) -> None:
    """The command line of a coverage benchmark: ``--files N`` per study, ``--study NAME`` (repeatable) for a subset."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--study", action="append", choices=list(studies), help="only these studies (repeatable)")
    args = ap.parse_args(argv)
    print(time.strftime("%Y-%m-%d %H:%M"), f"— {args.files} files per study")
    with tempfile.TemporaryDirectory() as d:
        for name in args.study or studies:
            t = time.perf_counter()
            res = run_study(studies[name], Path(d), args.files)
            for row in report_lines(name, res, time.perf_counter() - t, width):
                print(row, flush=True)
