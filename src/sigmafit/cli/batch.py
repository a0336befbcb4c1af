"""``sigmafit batch``: many files / curves, one model — parallel, resumable, one row per curve."""

from __future__ import annotations

import argparse
import sys

from ._common import add_batch_options, add_data_options, add_fit_options, options_from_args

EXAMPLES = """examples:
  sigmafit batch sweeps/ --model hln-dp --width 10 --length 40 --bmax 0.2 --out run1
  sigmafit batch a.dat b.dat c.dat --model hln-so --vdp --by temperature_K --out run2 --workers 4
  sigmafit batch gate_sweep.csv --model hln --sheet --by gate_V --seed-previous --out run3
  sigmafit batch sweeps/ --model hln-dp --sheet --out run4 --scheduler tcp://10.0.0.5:8786

A folder stands for every file in it.  Finished curves are stored in OUT/results.sqlite as
they finish; run the same command again after an interruption to resume without refitting.
At the end OUT/results.csv (and results.parquet with pyarrow) and OUT/run.json are written.

A folder holding a run with other settings is refused (--replace discards it); one batch writes
into a folder at a time.

exit status: 0 every curve fitted cleanly, 1 some curves have warnings or failed (the table
says which and why), 2 bad usage, 3 internal error (a defect: please report it).
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
    add_batch_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import models, workflow

    family = models.model_class(args.model).family
    options = options_from_args(args, family)
    options.update(out=args.out, replace=args.replace or None, seed_from_previous=args.seed_previous or None,
                   engine=args.engine, workers=args.workers, scheduler=args.scheduler,
                   progress=False if args.no_progress else None)
    try:
        res = workflow.fit_batch_files(args.files, args.model, **options)
    except KeyboardInterrupt:
        print(f"sigmafit batch: interrupted; finished curves are kept in {args.out} — run the same command again to resume",
              file=sys.stderr)
        return 130
    print(res.summary_line())
    failed = res.failed
    for r in failed.head(10).itertuples():
        where = r.source if r.label is None or r.label != r.label else f"{r.source} [{r.label}]"
        error = str(r.error)
        print(f"  failed: {error}" if r.source and error.startswith(str(r.source)) else f"  failed: {where}: {error}")
    if len(failed) > 10:
        print(f"  … {len(failed) - 10} more failures in {args.out}/results.csv")
    print(f"wrote {args.out}/results.csv and {args.out}/run.json", file=sys.stderr)
    return 0 if res.ok else 1
