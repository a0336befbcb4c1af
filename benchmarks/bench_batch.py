"""Benchmark: ``sigmafit.fit_batch`` (vectorized engine) against a plain per-curve lmfit loop.

Generates ``--curves`` ``hln-dp`` curves of ``--points`` points with known L_φ, L_so and
Gaussian noise, takes start values from the model's ``guess`` once per curve, then fits the
same data with the same start values

1. in a plain loop: ``model.fit(y, params, B=B)`` per curve (lmfit ``leastsq``), and
2. with ``sigmafit.fit_batch(..., engine="vectorized", start=...)``,

in the same run, and prints the speed ratio, curves per second and the largest relative
differences of the fitted values and their standard errors.  With ``--guess`` it also times
``fit_batch`` end to end with the model's own ``guess`` inside the batch.

    python benchmarks/bench_batch.py                  # 2000 × 400, as in the README
    python benchmarks/bench_batch.py --curves 200     # quick look
"""

from __future__ import annotations

import argparse
import copy
import os
import time
import warnings

import numpy as np

import sigmafit
from sigmafit import models
from sigmafit.models.formulas import localization as F


def make_data(n_curves: int, n_points: int, seed: int = 20240601):
    """Curves with known parameters: L_φ 80–200 nm, L_so 25–60 nm, |B| ≤ 0.15 T, 1 % noise."""
    rng = np.random.default_rng(seed)
    B = np.linspace(-0.15, 0.15, n_points)
    truth, curves = [], []
    for i in range(n_curves):
        lp, ls = rng.uniform(80, 200), rng.uniform(25, 60)
        y = F.hln_dp(B, F.char_field(lp * 1e-9), F.char_field(ls * 1e-9))
        y = y + rng.normal(0.0, 0.01 * np.abs(y).max(), B.size)
        truth.append((lp, ls))
        curves.append((i, (B.copy(), y)))
    return curves, np.array(truth)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--curves", type=int, default=2000)
    ap.add_argument("--points", type=int, default=400)
    ap.add_argument("--workers", type=int, default=None, help="processes for fit_batch (default: all CPUs)")
    ap.add_argument("--guess", action="store_true", help="also time fit_batch with the guess inside the batch")
    args = ap.parse_args(argv)

    curves, truth = make_data(args.curves, args.points)
    model = models.get("hln-dp")
    names = ("L_phi", "L_so")
    t = time.perf_counter()
    starts = []
    for _, (B, y) in curves:
        p = model.guess(y, x=B)
        starts.append({n: p[n].value for n in names})
    t_guess = time.perf_counter() - t
    print(f"data: {args.curves} hln-dp curves × {args.points} points; {os.cpu_count()} CPUs; "
          f"guess {t_guess:.1f} s ({1e3 * t_guess / args.curves:.1f} ms/curve)")

    # 1. plain lmfit loop, same start values
    template = model.make_params()
    t = time.perf_counter()
    ref, chi_ref = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for (_, (B, y)), s in zip(curves, starts):
            p = copy.deepcopy(template)
            for n in names:
                p[n].set(value=s[n])
            r = model.fit(y, p, B=B)
            ref.append([r.params[n].value for n in names] + [r.params[n].stderr or np.nan for n in names])
            chi_ref.append(r.chisqr)
    t_loop = time.perf_counter() - t
    ref = np.array(ref)
    print(f"lmfit loop:              {t_loop:7.2f} s  {args.curves / t_loop:8.1f} curves/s")

    # 2. fit_batch, vectorized engine, same start values
    t = time.perf_counter()
    res = sigmafit.fit_batch(curves, "hln-dp", engine="vectorized", start=starts, workers=args.workers, progress=False)
    t_vec = time.perf_counter() - t
    tab = res.table
    got = tab[list(names) + [f"{n}_stderr" for n in names]].to_numpy(dtype=float)
    print(f"fit_batch (vectorized):  {t_vec:7.2f} s  {args.curves / t_vec:8.1f} curves/s   -> {t_loop / t_vec:.1f}× faster")
    print(f"  {res.summary_line()}")
    refit = int((tab["engine"] != "vectorized").sum())
    if refit:
        print(f"  {refit} curves refitted with lmfit after the vectorized engine")
    rel = np.abs(got / ref - 1.0)
    print(f"max relative difference of values:  L_phi {np.nanmax(rel[:, 0]):.2e}  L_so {np.nanmax(rel[:, 1]):.2e}  (all curves)")
    # lmfit reached a minimum with error bars and every parameter is determined (stderr < value):
    # elsewhere the optimum is a flat valley and where an optimizer stops depends on its path
    ok = (np.isfinite(ref[:, 2]) & np.isfinite(ref[:, 3])
          & (ref[:, 2] < np.abs(ref[:, 0])) & (ref[:, 3] < np.abs(ref[:, 1])))
    within = int(np.sum(np.all(rel[:, :2] <= 1e-6, axis=1)))
    within_ok = int(np.sum(np.all(rel[ok, :2] <= 1e-6, axis=1)))
    print(f"  {within}/{args.curves} curves within 1e-6; {int((~ok).sum())} curves where lmfit gave no error bars or a "
          f"parameter is not determined (stderr > value); {within_ok}/{int(ok.sum())} of the determined curves within 1e-6")
    for i in np.flatnonzero(np.any(rel[:, :2] > 1e-6, axis=1))[:5]:
        print(f"  curve {i}: lmfit L_phi={ref[i, 0]:.6g} L_so={ref[i, 1]:.6g} (stderr {ref[i, 3]:.3g}); "
              f"fit_batch L_phi={got[i, 0]:.6g} L_so={got[i, 1]:.6g}; χ² lmfit/batch = {chi_ref[i] / tab['chisqr'][i]:.4f}")
    print(f"max relative difference of values:  L_phi {np.nanmax(rel[ok, 0]):.2e}  L_so {np.nanmax(rel[ok, 1]):.2e}  "
          "(determined curves)")
    print(f"max relative difference of stderrs: L_phi {np.nanmax(rel[ok, 2]):.2e}  L_so {np.nanmax(rel[ok, 3]):.2e}")
    print(f"recovered vs true (median |rel|):   L_phi {np.median(np.abs(got[:, 0] / truth[:, 0] - 1)):.2e}  "
          f"L_so {np.median(np.abs(got[:, 1] / truth[:, 1] - 1)):.2e}")

    if args.guess:
        t = time.perf_counter()
        res2 = sigmafit.fit_batch(curves, "hln-dp", engine="vectorized", workers=args.workers, progress=False)
        t_end = time.perf_counter() - t
        print(f"fit_batch with guess inside: {t_end:7.2f} s  {args.curves / t_end:8.1f} curves/s  "
              f"(vs lmfit loop + guess {(t_loop + t_guess) / t_end:.1f}× faster)  {res2.summary_line()}")


if __name__ == "__main__":
    main()
