"""Benchmark: start values for many curves — a per-curve ``guess`` loop against ``guess_many``.

Generates ``--curves`` curves of ``--points`` points (|B| ≤ 0.15 T, 1 % noise; the same data
as ``bench_batch.py``) for each model, then in the same run

1. loops over the curves calling the model's ``_guess`` (what ``fit_batch`` does per curve today), and
2. calls :func:`sigmafit.models.guess.localization.guess_many` once on the stacked arrays,

and prints both times, the ratio, and whether the two gave identical numbers.

    python benchmarks/bench_guess.py                    # 2000 × 400, hln, hln-dp, hln-so
    python benchmarks/bench_guess.py --curves 200       # quick look
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from sigmafit import models
from sigmafit.models.formulas import localization as F
from sigmafit.models.guess import localization as G

TRUTH = {  # (name, draw parameters) — L in nm
    "hln": lambda rng: dict(alpha=rng.uniform(-1.0, -0.4), L_phi=rng.uniform(80, 200)),
    "hln-dp": lambda rng: dict(L_phi=rng.uniform(80, 200), L_so=rng.uniform(25, 60)),
    "hln-so": lambda rng: dict(L_phi=rng.uniform(80, 200), L_so=rng.uniform(25, 60)),
}


def make_data(name: str, n_curves: int, n_points: int, seed: int = 20240601):
    """Stacked (X, Y) of ``name`` curves with random parameters and 1 % noise."""
    rng = np.random.default_rng(seed)
    m = models.get(name)
    B = np.linspace(-0.15, 0.15, n_points)
    Y = np.empty((n_curves, n_points))
    for i in range(n_curves):
        y = m.eval(m.make_params(**TRUTH[name](rng)), B=B)
        Y[i] = y + rng.normal(0.0, 0.01 * np.abs(y).max(), B.size)
    return np.broadcast_to(B, Y.shape).copy(), Y


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--curves", type=int, default=2000)
    ap.add_argument("--points", type=int, default=400)
    ap.add_argument("--models", nargs="+", default=list(TRUTH))
    args = ap.parse_args(argv)
    print(f"{args.curves} curves × {args.points} points per model; {os.cpu_count()} CPUs; G_Q = {F.G_Q:.6g} S")
    for name in args.models:
        X, Y = make_data(name, args.curves, args.points)
        model = models.get(name)
        t = time.perf_counter()
        loop = [model._guess(Y[i], X[i]) for i in range(args.curves)]
        t_loop = time.perf_counter() - t
        t = time.perf_counter()
        many = G.guess_many(name, X, Y)
        t_many = time.perf_counter() - t
        same = all(many[k][i] == v for i, d in enumerate(loop) for k, v in d.items())
        print(f"{name:7s} per-curve loop {t_loop:7.2f} s ({1e3 * t_loop / args.curves:.2f} ms/curve)   "
              f"guess_many {t_many:6.2f} s ({1e3 * t_many / args.curves:.3f} ms/curve)   "
              f"ratio {t_loop / t_many:5.1f}×   identical: {same}")


if __name__ == "__main__":
    main()
