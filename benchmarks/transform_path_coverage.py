"""Coverage and pulls of the transform path on raw files made like real ones (a study, not a timing).

Each file is one temperature's down- and up-sweep from ``tests/test_transform_path.raw_sweeps``
(2.5 mT set points, field offset uniform in ±0.6 mT, Hall pickup, field jitter, noise; hln-dp
with L_φ = 200 nm, L_so = 60 nm).  Every file goes through ``prepare.magnetoconductance`` (sheet
geometry, one curve) and is fitted with ``sigmafit.fit`` (hln-dp, per-point weights from the
known noise and ``n_averaged``, plus the classical c₂B² background): at each row's mean field
with and without a free Δσ offset, and averaged over each row's two measured fields.  Printed per parameter: the
coverage of the 1σ interval (fraction of |pull| ≤ 1, 0.68 when the errors are honest), the
mean and spread of the pulls (value − truth)/stderr.

    python benchmarks/transform_path_coverage.py --files 200
    python benchmarks/transform_path_coverage.py --field-offset none   # the old default of prepare
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import sigmafit.prepare as prep  # noqa: E402
from test_transform_path import TRUTH, fit_curve, fit_curve_pair_averaged, raw_sweeps  # noqa: E402


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--field-offset", default="auto", help="'auto', 'none' or a field in T")
    args = ap.parse_args(argv)
    fo = None if args.field_offset == "none" else (args.field_offset if args.field_offset == "auto" else float(args.field_offset))
    rng = np.random.default_rng(args.seed)
    variants = {
        "mean field, free Δσ offset": lambda c: fit_curve(c),
        "mean field, no offset     ": lambda c: fit_curve(c, free_offset=False),
        "pair-averaged, free offset": fit_curve_pair_averaged,
    }
    pulls = {(v, k): [] for v in variants for k in TRUTH}
    failed = dict.fromkeys(variants, 0)
    offsets = []
    for _ in range(args.files):
        df = raw_sweeps(rng)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            curve = prep.magnetoconductance(df, prep.Geometry("sheet"), by=None, field_offset=fo)
        rec = next(s for s in curve.attrs["sigmafit"]["prepare"] if s["step"] == "field_offset")
        est = next(iter(rec["B0_T"].values()), 0.0) if rec["B0_T"] else 0.0
        offsets.append(est - df.attrs["sigmafit"]["truth"]["field_offset_T"])
        for name, fit in variants.items():
            if name.startswith("pair") and "field_plus_T" not in curve.columns:
                continue  # an interpolated grid has no pairs
            r = fit(curve)
            if not (r.success and all(r.params[k].stderr for k in TRUTH)):
                failed[name] += 1
                continue
            for k, v in TRUTH.items():
                pulls[(name, k)].append((r.params[k].value - v) / r.params[k].stderr)
    off = np.asarray(offsets)
    print(f"{args.files} files; field offset {args.field_offset}: estimate − truth = {1e6 * off.mean():.1f} ± "
          f"{1e6 * off.std():.1f} µT")
    for name in variants:
        if not pulls[(name, "L_phi")]:
            continue
        parts = []
        for k in TRUTH:
            p = np.asarray(pulls[(name, k)])
            parts.append(f"{k}: coverage {np.mean(np.abs(p) <= 1):.2f}, pull {p.mean():+.2f} ± {p.std():.2f}")
        print(f"  {name}  " + "   ".join(parts) + f"   (fits without errors: {failed[name]})")


if __name__ == "__main__":
    main()
