"""``sigmafit run RECIPE.toml``: run an analysis recipe (files, preparation, models, trends, report).

The schema is in :mod:`sigmafit.recipe` and docs/recipes.md.
"""

from __future__ import annotations

import argparse
import shlex
import sys

EPILOG = """examples:
  sigmafit run analysis.toml                   # report into the recipe's [report] out folder
  sigmafit run analysis.toml --out today       # … or here
  sigmafit run analysis.toml --check           # validate only

a minimal recipe:
  [[fit]]
  name = "wal"
  file = "sweeps.dat"
  model = "hln-so"
  width_um = 10
  length_um = 40
  bmax = 0.5
  share = ["L_so"]

  [[trend]]
  kind = "dephasing"
  from = "wal"

exit status: 0 every fit clean, 1 results written with warnings, 2 bad recipe or input.
"""


def register(sub) -> None:
    p = sub.add_parser(
        "run",
        help="run an analysis recipe (TOML): fits, laws fitted to their results, and the report",
        description="Run every [[fit]] and [[trend]] of a TOML recipe and write results/<name>.json, "
        "figures/ and report.html. Paths in the recipe are relative to it.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("recipe", metavar="RECIPE.toml", help="the recipe")
    p.add_argument("--out", metavar="DIR", help="output folder (default: the recipe's [report] out)")
    p.add_argument("--check", action="store_true", help="only validate the recipe")
    p.add_argument("--no-report", action="store_true", help="write the JSON results only")
    p.set_defaults(func=run)


def run(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from ..recipe import parse_recipe, run_recipe

    recipe = parse_recipe(args.recipe)
    if args.check:
        print(f"{args.recipe}: {len(recipe.fits)} fit(s), {len(recipe.trends)} trend(s) — valid")
        return 0
    res = run_recipe(recipe, out=args.out, report=not args.no_report, command=shlex.join(["sigmafit", *sys.argv[1:]]),
                     progress=lambda s: print(f"… {s}", file=sys.stderr))
    for name, path in res.files.items():
        print(f"wrote {path}")
    if res.report:
        print(f"wrote {res.report}")
    print(f"{res.n_warnings} warning(s); {res.elapsed:.1f} s")
    return 0 if res.ok else 1
