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

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import coverage_study  # noqa: E402
import simulate_misc as sim  # noqa: E402

if __name__ == "__main__":
    coverage_study.benchmark_main(sim.STUDIES, __doc__)
