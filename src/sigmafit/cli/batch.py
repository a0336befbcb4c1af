"""``sigmafit batch``: many files / curves, one model — parallel, resumable, one row per curve."""

from __future__ import annotations

import argparse
import sys

from ._common import (add_data_options, add_fit_options, field_offset, fit_window, geometry_from_args, model_options,
                      parse_assignments)

EXAMPLES = """examples:
  sigmafit batch sweeps/ --model hln-dp --width 10 --length 40 --bmax 0.2 --out run1
  sigmafit batch a.dat b.dat c.dat --model hln-so --vdp --by temperature_K --out run2 --workers 4
  sigmafit batch gate_sweep.csv --model hln --sheet --by gate_V --seed-previous --out run3
  sigmafit batch sweeps/ --model hln-dp --sheet --out run4 --scheduler tcp://10.0.0.5:8786

A folder stands for every file in it.  Finished curves are stored in OUT/results.sqlite as
they finish; run the same command again after an interruption to resume without refitting.
At the end OUT/results.csv (and results.parquet with pyarrow) and OUT/run.json are written.

exit status: 0 every curve fitted cleanly, 1 some curves have warnings or failed (the table
says which and why), 2 bad usage.
"""


def register(sub) -> None:
    p = sub.add_parser(
        "batch",
        help="fit many files / curves with one model (parallel, resumable)",
        description="Fit every curve of many files with one model; a table with one row per curve "
        "(values, uncertainties, statistics, warnings, errors) is written incrementally and can be resumed.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="measurement files or folders")
    add_fit_options(p)
    add_data_options(p)
    g = p.add_argument_group("batch")
    g.add_argument("--out", required=True, metavar="DIR", help="output folder (resumable store, results.csv, run.json)")
    g.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: number of CPUs)")
    g.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler address, e.g. tcp://host:8786 (needs sigmafit[dask])")
    g.add_argument("--engine", default="auto", choices=["auto", "vectorized", "lmfit"],
                   help="auto (default): vectorized Levenberg–Marquardt when the model allows, else lmfit per curve")
    g.add_argument("--seed-previous", action="store_true", help="start each curve from the previous curve's result (sweeps)")
    g.add_argument("--no-progress", action="store_true", help="no progress bar or progress lines")
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import models
    from ..exceptions import SigmafitError
    from ..fitting.batch import fit_batch_files

    if args.workers is not None and args.workers < 1:
        raise SigmafitError(f"--workers must be at least 1, not {args.workers}")
    model_opts = model_options(args)
    model = models.get(args.model, **model_opts)
    window = fit_window(args, model.family)
    load_options = {k: v for k, v in (("x_unit", args.x_unit), ("y_unit", args.y_unit)) if v}
    try:
        res = fit_batch_files(
            args.files, args.model, by=args.by, geometry=geometry_from_args(args), symmetrize=not args.no_symmetrize,
            field_offset=field_offset(args.field_offset), channel=args.channel, tmin=args.tmin, tmax=args.tmax,
            format=args.format, load_options=load_options, out=args.out, seed_from_previous=args.seed_previous,
            engine=args.engine, workers=args.workers, scheduler=args.scheduler,
            progress=False if args.no_progress else None, x=args.x, y=args.y,
            fix=parse_assignments(args.fix, "--fix"), init=parse_assignments(args.init, "--init"),
            background=args.background, loss=args.loss, **window, **model_opts,
        )
    except KeyboardInterrupt:
        print(f"sigmafit batch: interrupted; finished curves are kept in {args.out} — run the same command again to resume",
              file=sys.stderr)
        return 130
    print(res.summary_line())
    failed = res.failed
    for r in failed.head(10).itertuples():
        where = r.source if r.label is None or r.label != r.label else f"{r.source} [{r.label}]"
        print(f"  failed: {where}: {r.error}")
    if len(failed) > 10:
        print(f"  … {len(failed) - 10} more failures in {args.out}/results.csv")
    print(f"wrote {args.out}/results.csv and {args.out}/run.json", file=sys.stderr)
    return 0 if res.ok else 1
