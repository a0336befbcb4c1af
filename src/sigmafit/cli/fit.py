"""``sigmafit fit``: load → prepare → fit → report text, JSON and a figure, for one file."""

from __future__ import annotations

import argparse
import json
import sys

from ._common import add_data_options, add_fit_options, check_outputs, options_from_args

EXAMPLES = """examples:
  sigmafit fit sample_data/wal_film_sweeps.dat --model hln-so --width 10 --length 40 --bmax 0.5 --json out.json --plot out.png
  sigmafit fit sample_data/wal_film_sweeps.dat --model hln --width 10 --length 40 --bmax auto
  sigmafit fit sweeps.dat --model hln-so --width 10 --length 40 --by temperature_K --share L_so
  sigmafit fit gate.dat --model graphene-soc-tau --sheet --by step --share tau_asy --share tau_sym --fix 'tau_phi[0]=40.5'
  sigmafit fit rt.csv --model lnT --tmax 10 --width 10 --length 40 --json out.json --plot out.png
  sigmafit fit Au.yml --model drude --xmax 1eV --json out.json --plot out.png
  sigmafit fit Au_Johnson.yml --model drude-lorentz --oscillators 3 --xmin 0.6eV --xmax 5eV

exit status: 0 fitted cleanly, 1 fitted with warnings or did not converge (results still written), 2 bad input or
usage, 3 internal error (a defect: please report it).
"""


def register(sub) -> None:
    p = sub.add_parser(
        "fit",
        help="fit one file with one model",
        description="Load a measurement, prepare it for the model (symmetrize, geometry, Δσ …), fit, and report "
        "parameters with uncertainties and every reason not to trust them.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", help="measurement file (PPMS .dat, CSV/TSV, Lake Shore, QCoDeS .db, spectra, refractiveindex.info .yml)")
    add_fit_options(p)
    add_data_options(p)
    g = p.add_argument_group("global fit and output")
    g.add_argument("--share", action="append", metavar="NAME", help="fit all curves together with NAME shared (repeatable); others per curve")
    g.add_argument("--conf-interval", action="store_true", help="also compute profile-likelihood 1σ intervals")
    g.add_argument("--json", metavar="OUT", help="write the result summary as JSON")
    g.add_argument("--plot", metavar="OUT.png", help="write the figure (PNG, PDF or SVG by suffix)")
    g.add_argument("--run", type=int, help="QCoDeS run id")
    g.add_argument("--cutoff", action="append", metavar="NU", help="optics: spectral weight up to this frequency (with unit, e.g. 1eV; repeatable)")
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import models, workflow

    family = models.model_class(args.model).family
    options = options_from_args(args, family)
    options.update(share=args.share, conf_interval=args.conf_interval or None, run=args.run)
    check_outputs({"--json": args.json, "--plot": args.plot}, [args.file])
    if args.cutoff and family == "optics":
        _cutoffs(args.cutoff)  # refuse a bad --cutoff before the fit
    result = workflow.fit_file(args.file, args.model, **options)
    if not isinstance(result, list):  # global fit
        print(result.report())
        _outputs(args, workflow.results_summary(result, args.model))
        return 0 if result.success and not result.warnings else 1
    for r in result:
        if len(result) > 1:
            print(f"=== {workflow.curve_label(r)}")
        print(r.report())
        if args.cutoff and family == "optics":
            _spectral_weight(r, args.cutoff)
        print()
    _outputs(args, workflow.results_summary(result, args.model))
    return 0 if all(r.success and not r.warnings for r in result) else 1


def _cutoffs(cutoffs) -> list[float]:
    from ..io.units import parse_spectral

    return [parse_spectral(c, "--cutoff")[0] for c in cutoffs]


def _spectral_weight(result, cutoffs) -> None:
    """Print the spectral-weight table and keep it for the JSON summary."""
    from ..fitting.spectral import spectral_weight_table, sum_rule_check

    cut = _cutoffs(cutoffs)
    table = spectral_weight_table(result, cut)
    result.extras["spectral_weight"] = table.to_dict("records")
    result.extras["sum_rule_deviation"] = sum_rule_check(result)
    print("spectral weight ∫σ1 dν (S/cm·cm⁻¹) and effective plasma frequency:")
    for row in table.itertuples(index=False):
        print(f"  ≤ {row[0]:8.1f} cm⁻¹ ({row[1]:.3g} eV): data {row[2]:.4g}  model {row[3]:.4g}  "
              f"ω_p,eff data {row[4]:.0f}  model {row[5]:.0f} cm⁻¹")


def _outputs(args, summary) -> None:
    """Write the summary as JSON and its figure, drawn from the summary as a report draws a saved result (several
    curves: one overlay labelled ``T = 2 K`` on the axes of what is drawn, Δσ for a model of raw readings)."""
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(summary, fh, indent=2)
            fh.write("\n")
        print(f"wrote {args.json}", file=sys.stderr)
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        from ..report import backend

        draw = backend.plot_global if "curves" in summary else backend.plot_fit
        draw(summary).figure.savefig(args.plot, dpi=200)
        print(f"wrote {args.plot}", file=sys.stderr)
