#!/usr/bin/env python3
"""Plant known bugs ("mutants") in a scratch copy of ``src/`` and check that the tests catch each one.

Run by hand, not in CI (see ``docs/testing.md``)::

    export SIGMAFIT_EXTERNAL_DATA=/path/to/shared/external MPLBACKEND=Agg CI=1
    .venv/bin/python tests/mutants.py --quick           # each mutant against its own test files (minutes)
    .venv/bin/python tests/mutants.py                   # each mutant against the whole suite (slow)
    .venv/bin/python tests/mutants.py --quick --only graphene-last-term --only store-done-ignores-ids
    .venv/bin/python tests/mutants.py --list

Each mutant names a file, exact source snippets and their replacements, and the test files
that should catch it.  The working tree is never touched: ``src/`` is copied into a
temporary folder, the copy is edited, and pytest runs from this checkout with
``PYTHONPATH`` pointing at the copy (checked: ``sigmafit.__file__`` must lie in the copy).
Before any mutant runs, the unmutated copy must pass the same tests (otherwise every
mutant would look caught).

Exit status: 0 every mutant caught; 1 at least one survived; 2 a mutant no longer applies
(its snippet is not found exactly once — update the mutant after a refactor) or the
unmutated baseline fails.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutant:
    """One planted bug: ``edits`` are (exact snippet, replacement) pairs in ``path`` (relative to the repo)."""

    name: str
    path: str
    edits: tuple[tuple[str, str], ...]
    tests: tuple[str, ...]
    why: str


def _m(name, path, edits, tests, why):
    return Mutant(name, f"src/sigmafit/{path}", tuple(edits), tuple(f"tests/{t}" for t in tests), why)


MUTANTS: tuple[Mutant, ...] = (
    # --- the five bugs of the issue ----------------------------------------------------------------
    _m("batch-id-ignores-data", "fitting/tasks.py",
       [("out.append(by_split[id(split)][i])", 'out.append("")'),
        ("out.append(digest(t.data))", 'out.append("")')],
       ["test_batch_resume.py", "test_batch_store.py"],
       "a resumed batch returns stale rows for edited data under an unchanged label"),
    _m("store-done-ignores-ids", "fitting/store.py",
       [("if wanted is not None and cid not in wanted:", "if False and wanted is not None and cid not in wanted:")],
       ["test_batch_resume.py", "test_batch_store.py"],
       "another curve set in the same folder counts as 'from a previous run'"),
    _m("resume-refits-everything", "fitting/batch.py",
       [("pending = [t for t in tasks if t.id not in done]", "pending = list(tasks)")],
       ["test_batch_resume.py", "test_batch_store.py"],
       "a resume fits every curve again (the stored rows are not rewritten, so attempt stays 1)"),
    _m("graphene-last-term", "models/formulas/localization.py",
       [("return G_Q * (_yb(B_phi, B) - _yb(H1, B) - 2.0 * _yb(H2, B))",
         "return G_Q * (_yb(B_phi, B) - _yb(H1, B) - 1.0 * _yb(H2, B))"),
        ("return G_Q * (d0 - d1 - 2.0 * d2), -2.0 * G_Q * (d1 + d2), -2.0 * G_Q * d2",
         "return G_Q * (d0 - d1 - 1.0 * d2), -G_Q * (2.0 * d1 + d2), -1.0 * G_Q * d2")],
       ["test_formulas_localization.py"],
       "graphene: factor 2 of the last term → 1, Jacobian changed to match"),
    _m("hln-so-magnetic-third", "models/formulas/localization.py",
       [("np.multiply(2.0 / 3.0, B_s)", "np.multiply(1.0 / 3.0, B_s)"),
        ("-G_Q * (d1 - d2 + d3),", "-G_Q * (d1 - 0.5 * d2 + d3),")],
       ["test_formulas_localization.py"],
       "hln-so: (2/3)B_s → (1/3)B_s in H2, Jacobian changed to match"),
    # --- io: unit factors ---------------------------------------------------------------------------
    _m("io-milli-prefix", "io/units.py",
       [('"u": 1e-6, "m": 1e-3, "c": 1e-2,', '"u": 1e-6, "m": 1e-2, "c": 1e-2,')],
       ["test_units_reference.py"],
       "milli prefix off by 10 (mK, mT, mΩ, mS read ten times too large)"),
    _m("io-centi-prefix", "io/units.py",
       [('"m": 1e-3, "c": 1e-2, "k": 1e3,', '"m": 1e-3, "c": 1e-1, "k": 1e3,')],
       ["test_units_reference.py"],
       "centi prefix off by 10 (Ω·cm ↔ Ω·m, cm⁻¹ wrong)"),
    # --- prepare: geometry, sweeps ------------------------------------------------------------------
    _m("hallbar-w-over-l-swapped", "prepare/geometry.py",
       [("return float(self.width_um) / float(self.length_um)", "return float(self.length_um) / float(self.width_um)")],
       ["test_prepare_external.py", "test_units_reference.py"],
       "Hall bar R_□ = R·L/W instead of R·W/L"),
    _m("resistivity-thickness-unit", "prepare/geometry.py",
       [('_NM_PER_CM = LENGTH_TO_NM["cm"]', '_NM_PER_CM = LENGTH_TO_NM["mm"]')],
       ["test_units_reference.py"],
       "thickness converted nm → mm instead of nm → cm for Ω·cm"),
    _m("sweep-temperature-step", "prepare/sweeps.py",
       [('DEFAULT_STEPS = {"temperature_K": 0.05,', 'DEFAULT_STEPS = {"temperature_K": 0.5,')],
       ["test_prepare_sweep_steps.py", "test_prepare_external.py"],
       "a temperature step of 0.1 K no longer starts a new sweep"),
    # --- models: a coefficient, a bound -------------------------------------------------------------
    _m("wire-spin-orbit-four-thirds", "models/formulas/localization.py",
       [("a = c + (4.0 / 3.0) / np.square(L_so)", "a = c + (3.0 / 4.0) / np.square(L_so)")],
       ["test_formulas_localization.py"],
       "wire: (4/3)L_so⁻² → (3/4)L_so⁻²"),
    _m("hopping-T0-error-gradient", "models/formulas/temperature.py",
       [("g = np.array([1.0 / s, (1.0 + coef[0] - math.log(s)) / s**2])",
         "g = np.array([1.0 / s, (coef[0] - math.log(s) - 1.0) / s**2])")],
       ["test_formulas_temperature.py"],
       "the sign error that hopping_exponent's T0_err had until this branch"),
    _m("line-fit-dof", "models/formulas/temperature.py",
       [("cov = cov * float(resid @ resid) / (x.size - 2)", "cov = cov * float(resid @ resid) / (x.size - 3)")],
       ["test_formulas_temperature.py"],
       "ln T / Zabrodskii straight-line errors from RSS/(N − 3) instead of RSS/(N − 2)"),
    _m("zabrodskii-half-window", "models/formulas/temperature.py",
       [("h = 0.5 * window", "h = 0.55 * window")],
       ["test_formulas_temperature.py"],
       "Zabrodskii window wider than documented (±0.55·window)"),
    _m("kondo-half-point", "models/formulas/temperature.py",
       [("Tk = _arr(T_K) / math.sqrt(2.0 ** (1.0 / s) - 1.0)", "Tk = _arr(T_K) / math.sqrt(2.0 ** (1.0 / s))")],
       ["test_formulas_temperature.py", "test_model_contract.py"],
       "Kondo T_K no longer the half-resistance point"),
    _m("bloch-gruneisen-A-unbounded", "models/bloch_gruneisen.py",
       [('Param("A", "Ω", 1.0, 0.0, _INF, "phonon prefactor', 'Param("A", "Ω", 1.0, -_INF, _INF, "phonon prefactor')],
       ["test_models_temperature.py"],
       "the phonon prefactor may go negative (phonons would lower R)"),
    # --- fitting: bounds transform, diagnostics thresholds, χ² / stderr scaling ----------------------
    _m("engine-two-sided-gradient", "fitting/engine.py",
       [("np.cos(u) * (hi - lo) / 2.0,", "np.cos(u) * (hi - lo) / 2.5,")],
       ["test_batch_engine.py"],
       "MINUIT gradient of a two-sided bound off by 20 %"),
    _m("engine-redchi-dof", "fitting/engine.py",
       [("dof = ndata - prob.vi.size", "dof = ndata")],
       ["test_batch_engine.py"],
       "vectorized covariance scaled by χ²/N instead of χ²/(N − p)"),
    _m("correlation-limit", "fitting/diagnostics.py",
       [("CORRELATION_LIMIT = 0.95", "CORRELATION_LIMIT = 0.99")],
       ["test_fitting_diagnostics.py"],
       "r = 0.97 no longer reported as degenerate"),
    _m("runs-test-limit", "fitting/diagnostics.py",
       [("RUNS_Z_LIMIT = 3.0", "RUNS_Z_LIMIT = 4.0")],
       ["test_fitting_diagnostics.py"],
       "structured residuals with z = −3.5 no longer reported"),
    _m("store-attempt-count", "fitting/store.py",
       [("attempt=curves.attempt + 1", "attempt=curves.attempt")],
       ["test_batch_store.py"],
       "a rewritten row does not count its attempt"),
    _m("estimated-noise-chi2-silent", "fitting/diagnostics.py",
       [("    elif noise_estimated:\n", "    elif False:\n")],
       ["test_models_carriers.py"],
       "a Hall fit with χ²_ν = 12 against its estimated noise reports no warning"),
    _m("vectorized-transform-without-c2", "fitting/engine.py",
       [("f = f + v[c2] * x2 + v[c0]", "f = f + v[c0]")],
       ["test_batch_arrays.py"],
       "the batch drops the classical c₂B² that sigmafit.fit fits on Δσ from raw R(B)"),
    _m("io-mega-read-as-milli", "io/units.py",
       [('"k": 1e3, "M": 1e6,', '"k": 1e3, "M": 1e-3,')],
       ["test_io_headers.py", "test_units_reference.py"],
       "R (MOhm) read as milliohm (the bug of issue 10: 10⁹ too small)"),
    # --- report: rounding ----------------------------------------------------------------------------
    _m("pdg-two-digit-edge", "report/format.py",
       [("if three <= 354:", "if three < 354:")],
       ["test_pdg_boundaries.py", "test_report_format.py"],
       "error digits 354 rounded to one digit"),
    _m("pdg-one-digit-edge", "report/format.py",
       [("elif three <= 949:", "elif three < 949:")],
       ["test_pdg_boundaries.py", "test_report_format.py"],
       "error digits 949 rounded up to 1000"),
)


class NotApplicable(Exception):
    pass


def _mutated_text(m: Mutant) -> str:
    path = REPO / m.path
    if not path.is_file():
        raise NotApplicable(f"mutant {m.name} no longer applies: {m.path} does not exist")
    text = path.read_text(encoding="utf-8")
    for old, new in m.edits:
        n = text.count(old)
        if n != 1:
            raise NotApplicable(f"mutant {m.name} no longer applies: snippet {old!r} found {n} times in {m.path} (expected once)")
        text = text.replace(old, new)
    return text


def _scratch_copy(tmp: Path) -> Path:
    src = tmp / "src"
    shutil.copytree(REPO / "src", src, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"))
    return src


def _env(src: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(src), *filter(None, [env.get("PYTHONPATH")])])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.setdefault("MPLBACKEND", "Agg")
    env.setdefault("CI", "1")
    return env


def _check_import(src: Path) -> None:
    out = subprocess.run([sys.executable, "-c", "import sigmafit; print(sigmafit.__file__)"], env=_env(src),
                         cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    if not Path(out).resolve().is_relative_to(src.resolve()):
        raise SystemExit(f"the scratch copy is not what Python imports (sigmafit from {out}); refusing to run")


_FAILED = re.compile(r"^(FAILED|ERROR) (\S+)")


def _pytest(src: Path, tests: list[str], *, fail_fast: bool, timeout: float) -> tuple[int | None, list[str], str]:
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE", *(["-x"] if fail_fast else []), *tests]
    try:
        proc = subprocess.run(cmd, env=_env(src), cwd=REPO, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, [], f"timed out after {timeout:.0f} s"
    failed = [m.group(2) for line in proc.stdout.splitlines() if (m := _FAILED.match(line))]
    tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()[-300:]
    return proc.returncode, failed, tail


def _run_mutant(m: Mutant, quick: bool, timeout: float) -> dict:
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"sigmafit-mutant-{m.name}-") as tmp:
        src = _scratch_copy(Path(tmp))
        (src.parent / m.path).write_text(_mutated_text(m), encoding="utf-8")
        tests = list(m.tests) if quick else ["tests"]
        code, failed, tail = _pytest(src, tests, fail_fast=not quick, timeout=timeout)
    caught = code != 0  # a failing test, a collection error, or a hang
    return {"mutant": m, "caught": caught, "by": failed, "tail": tail, "seconds": time.monotonic() - t0}


def _baseline(mutants: list[Mutant], quick: bool, timeout: float) -> None:
    with tempfile.TemporaryDirectory(prefix="sigmafit-mutant-baseline-") as tmp:
        src = _scratch_copy(Path(tmp))
        _check_import(src)
        tests = sorted({t for m in mutants for t in m.tests}) if quick else ["tests"]
        code, failed, tail = _pytest(src, tests, fail_fast=True, timeout=timeout)
    if code != 0:
        print(f"baseline: the unmutated copy fails its tests ({tail}); fix that first: {', '.join(failed)}", file=sys.stderr)
        raise SystemExit(2)
    print(f"baseline ok: {tail}")


def _table(results: list[dict]) -> str:
    lines = ["| mutant | file | caught by |", "|---|---|---|"]
    for r in results:
        m = r["mutant"]
        if not r["caught"]:
            by = "**SURVIVED**"
        elif r["by"]:
            by = ", ".join(f"`{t}`" for t in r["by"][:3]) + (f" (+{len(r['by']) - 3} more)" if len(r["by"]) > 3 else "")
        else:
            by = r["tail"]
        lines.append(f"| {m.name} | {m.path.removeprefix('src/sigmafit/')} | {by} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="run only each mutant's own test files (default: the whole suite)")
    ap.add_argument("--only", action="append", default=[], metavar="NAME", help="run this mutant (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--jobs", type=int, default=1, help="mutants run at the same time (default 1)")
    ap.add_argument("--timeout", type=float, default=None, help="seconds per pytest run (default 600 quick, 1800 full)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the check that the unmutated copy passes")
    args = ap.parse_args(argv)

    names = {m.name for m in MUTANTS}
    if len(names) != len(MUTANTS):
        raise SystemExit("two mutants share a name")
    unknown = set(args.only) - names
    if unknown:
        print(f"unknown mutant(s): {', '.join(sorted(unknown))}; see --list", file=sys.stderr)
        return 2
    chosen = [m for m in MUTANTS if not args.only or m.name in args.only]
    if args.list:
        for m in chosen:
            print(f"{m.name:32s} {m.path.removeprefix('src/sigmafit/'):36s} {m.why}")
        return 0
    try:  # every snippet must still be there before anything runs
        for m in chosen:
            _mutated_text(m)
    except NotApplicable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    missing = sorted({t for m in chosen for t in m.tests if not (REPO / t).exists()})
    if missing:
        print(f"error: test files named by mutants do not exist: {', '.join(missing)}", file=sys.stderr)
        return 2
    timeout = args.timeout or (600.0 if args.quick else 1800.0)
    if not args.no_baseline:
        _baseline(chosen, args.quick, timeout)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = []
        for r in pool.map(lambda m: _run_mutant(m, args.quick, timeout), chosen):
            state = "caught" if r["caught"] else "SURVIVED"
            print(f"{r['mutant'].name:32s} {state:8s} {r['seconds']:6.1f} s  {r['by'][0] if r['by'] else r['tail']}", flush=True)
            results.append(r)
    print()
    print(_table(results))
    survivors = [r["mutant"].name for r in results if not r["caught"]]
    if survivors:
        print(f"\n{len(survivors)} of {len(results)} mutants survived: {', '.join(survivors)}", file=sys.stderr)
        return 1
    print(f"\nall {len(results)} mutants caught ({'listed test files' if args.quick else 'whole suite'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
