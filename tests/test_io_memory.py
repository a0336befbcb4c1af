"""Loading is O(n) in memory: a 10⁶-row R(T) CSV loads in a fresh process with a peak resident size
under 2 GB (a memory assertion, not a timing one)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

ROWS = 1_000_000
LIMIT_KB = 2 * 1024 * 1024  # ru_maxrss is in KiB on Linux

CHILD = """
import resource, sys
import sigmafit
df = sigmafit.load(sys.argv[1])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(df), float(df["temperature_K"].iloc[-1]), float(df["resistance_ohm"].iloc[-1]), peak)
"""


def test_million_row_rt_csv_peak_memory(tmp_path):
    path = tmp_path / "rt.csv"
    t = np.linspace(2.0, 300.0, ROWS)
    with open(path, "w") as fh:
        fh.write("Temperature (K),R (kOhm)\n")
        np.savetxt(fh, np.column_stack([t, 1.0 + 1e-3 * t]), fmt="%.6f", delimiter=",")
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True)
    rows, t_last, r_last, peak_kb = out.stdout.split()
    assert int(rows) == ROWS
    assert float(t_last) == 300.0 and float(r_last) == 1300.0  # last row "300.000000,1.300000" in kΩ → Ω
    assert int(peak_kb) < LIMIT_KB, f"peak resident size {int(peak_kb) / 1024:.0f} MiB"
