"""``sigmafit info FILE``: what the loader sees — format, each column's mapping (original header →
canonical column, unit in the file, factor or offset, the vocabulary rule that matched), rows,
channels, sweeps, metadata, the assumptions the loader made, the preamble it skipped, and anything
dropped or suspicious.  For a QCoDeS database it lists the runs.
"""

from __future__ import annotations

import argparse
import json

EPILOG = """examples:
  sigmafit info sweeps.dat                      # PPMS / DynaCool MultiVu file
  sigmafit info data.csv --x-unit Oe            # a column just named 'B' or 'field'
  sigmafit info rt.csv --x-unit degC --y-unit kOhm   # columns 'Temp' and 'Rxx' without units
  sigmafit info measurements.db                 # QCoDeS database: list the runs
  sigmafit info measurements.db --run 12        # one run, aligned on its setpoints
  sigmafit info spectrum.asc --json             # machine-readable summary
"""


def register(sub) -> None:
    p = sub.add_parser(
        "info",
        help="show what the loader sees in a file: format, columns with units, rows, sweeps, metadata",
        description="Load FILE as sigmafit would and summarize it: detected format, canonical columns with "
        "units, the original column each came from and why (unit in the file, factor or offset, vocabulary "
        "rule), row count, channels with roles (xx/xy), sweeps, sample metadata and geometry, the assumptions "
        "made where the file states no unit, the preamble skipped, and anything dropped or suspicious. "
        "Column names and unit rules: docs/input-files.md.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="data file (MultiVu .dat, CSV/TSV, Lake Shore, QCoDeS .db, spectra …)")
    p.add_argument("--format", help="skip format detection (e.g. quantum_design, delimited, qcodes, perkinelmer)")
    p.add_argument("--run", type=int, help="QCoDeS run id to load (default: list the runs)")
    p.add_argument("--x-unit", dest="x_unit",
                   help="unit of columns whose header gives none, for the one of that kind (e.g. Oe, mT, degC, eV)")
    p.add_argument("--y-unit", dest="y_unit",
                   help="unit of columns whose header gives none, for the one of that kind (e.g. kOhm, e2/h, 'ohm cm')")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    import warnings

    from .. import io as sio
    from ..exceptions import DataWarning
    from ..prepare.sweeps import sweep_summary

    options = {k: v for k, v in (("x_unit", args.x_unit), ("y_unit", args.y_unit)) if v}
    fmt = args.format or sio.sniff(args.file)
    if fmt in ("qcodes", "sqlite", "db") and args.run is None:
        runs = sio.list_runs(args.file)
        if args.json:
            print(json.dumps({"source": args.file, "format": "qcodes", "runs": runs.to_dict(orient="records")},
                             indent=2))
        else:
            print(f"file:    {args.file}\nformat:  qcodes (SQLite database, {len(runs)} runs; load one with --run ID)")
            print(runs.to_string(index=False))
        return 0
    if args.run is not None:
        options["run"] = args.run
    with warnings.catch_warnings():
        # dropped rows are listed in the summary itself; do not print them twice
        warnings.simplefilter("ignore", DataWarning)
        df = sio.load(args.file, format=args.format, **options)
    summary = sio.describe(df)
    summary["sweeps"] = sweep_summary(df)  # loading knows no sweeps: the preparation step finds them
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        print(sio.format_description(summary))
    return 0
