"""``sigmafit report RESULTS… --out DIR``: an HTML report (offline, self-contained) from saved results.

Never refits a curve: figures are redrawn from the ``"data"`` saved with each result
(``sigmafit fit --json``); batch folders give tables and trend plots.
"""

from __future__ import annotations

import argparse
import shlex
import sys

EPILOG = """examples:
  sigmafit fit sweeps.dat --model hln-so --width 10 --length 40 --bmax 0.5 --share L_so --json wal.json
  sigmafit fit rt.csv --model lnT --tmax 10 --width 10 --length 40 --json lnt.json
  sigmafit report wal.json lnt.json --out report --title "Film WAL-01"
  sigmafit report batch_run/ --out report          # a `sigmafit batch --out batch_run` folder: trends

exit status: 0 written, 2 unreadable or unknown result files.
"""


def register(sub) -> None:
    p = sub.add_parser(
        "report",
        help="write an HTML report with figures and tables from saved results",
        description="Build a self-contained HTML report (figures embedded, no external files) from result JSON "
        "files (`sigmafit fit --json`) and batch output folders, without refitting. Figures are also saved "
        "as PNG and PDF in DIR/figures.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("results", nargs="+", metavar="RESULTS", help="result JSON files or batch output folders")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for report.html and figures/")
    p.add_argument("--title", default="sigmafit report", help="title of the report")
    p.set_defaults(func=run)


def run(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from ..report.document import load_results, write_report

    sets = load_results(args.results)
    path = write_report(sets, args.out, title=args.title, command=shlex.join(["sigmafit", *sys.argv[1:]]) if sys.argv else None,
                        options={"results": args.results, "out": args.out, "title": args.title})
    print(f"wrote {path}")
    return 0
