"""``sigmafit report RESULTS… --out DIR``: HTML and PDF reports (offline, self-contained) from saved results.

Never refits a curve: figures are redrawn from the ``"data"`` saved with each result
(``sigmafit fit --json``); batch folders give tables and trend plots.  The one fit made here is of
*results*: the dephasing law L_φ(T) ∝ T^(−p/2) fitted to the L_φ values of each set that has them at three
or more temperatures (unless a saved dephasing result is among the inputs) — the CLI sits above both
fitting and report, so it fits and hands the law to :func:`sigmafit.report.document.write_report` as a result
set of its own, as ``sigmafit run`` hands over a recipe's [[trend]].
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
    from ..report.document import PDF_NAME, load_results, write_report

    sets = load_results(args.results)
    laws, notes = dephasing_laws(sets)
    path = write_report(sets + laws, args.out, notes=notes, title=args.title,
                        command=shlex.join(["sigmafit", *sys.argv[1:]]) if sys.argv else None,
                        options={"results": args.results, "out": args.out, "title": args.title})
    print(f"wrote {path} and {path.with_name(PDF_NAME)}")
    return 0


def dephasing_laws(sets) -> tuple[list, list[str]]:
    """(the dephasing law fitted to each set with L_φ at ≥ 3 temperatures, notes on the ones that failed).

    Nothing is fitted when a saved dephasing result is among ``sets`` (it is shown instead).  Each law is a
    :class:`~sigmafit.report.load.ResultSet` named ``<set>-dephasing`` whose summary carries ``source.from`` = the
    set's name: the report gives it a section and an overview row and draws it with that set's L_φ(T).
    """
    from ..exceptions import FitError
    from ..fitting.tables import dephasing_table, fit_dephasing
    from ..report.load import result_set

    if any(s.model.startswith("dephasing") for s in sets):
        return [], []
    laws, notes = [], []
    for s in sets:
        if s.kind == "single":
            continue
        src = s.table if s.kind == "batch" else s.summary
        try:
            if dephasing_table(src)["temperature_K"].nunique() < 3:
                continue
        except FitError:
            continue
        try:
            law = fit_dephasing(src).summary(include_data=True)
        except FitError as exc:
            notes.append(f"{s.name}: the dephasing law could not be fitted to its L_φ values: {exc}")
            continue
        law["source"] = {**law.get("source", {}), "from": s.name}
        laws.append(result_set(law, f"{s.name}-dephasing"))
    return laws, notes
