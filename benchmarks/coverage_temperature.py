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
median χ²_ν, failed fits and fits without warnings that miss by more than 3σ (the dephasing studies' stderr
column is a 1σ: their errors are not scaled by χ²_ν, see docs/temperature.md).

    python benchmarks/coverage_temperature.py --files 200
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import coverage_study  # noqa: E402
import simulate_temperature as sim  # noqa: E402

if __name__ == "__main__":
    coverage_study.benchmark_main(sim.STUDIES, __doc__, width=40)
