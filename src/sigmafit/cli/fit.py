"""``sigmafit fit``: load → prepare → fit → report text, JSON and a figure, for one file."""

from __future__ import annotations

import argparse
import json
import sys

from ._common import add_data_options, add_fit_options, field_offset, fit_window, geometry_from_args, parse_assignments

EXAMPLES = """examples:
  sigmafit fit sample_data/wal_film_sweeps.dat --model hln-so --width 10 --length 40 --bmax 0.5 --json out.json --plot out.png
  sigmafit fit sample_data/wal_film_sweeps.dat --model hln --width 10 --length 40 --bmax auto
  sigmafit fit sweeps.dat --model hln-so --width 10 --length 40 --by temperature_K --share L_so
  sigmafit fit rt.csv --model lnT --tmax 10 --width 10 --length 40 --json out.json --plot out.png
  sigmafit fit Au.yml --model drude --xmax 1eV --json out.json --plot out.png
  sigmafit fit Au_Johnson.yml --model drude-lorentz --oscillators 3 --xmin 0.6eV --xmax 5eV

exit status: 0 fitted cleanly, 1 fitted with warnings or did not converge (results still written), 2 bad input or usage.
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
    from .. import models
    from ..fitting import pipeline

    family = models.model_class(args.model).family
    window = fit_window(args, family)
    opts = {k: v for k, v in (("x_unit", args.x_unit), ("y_unit", args.y_unit), ("run", args.run)) if v is not None}
    result = pipeline.fit_file(
        args.file, args.model, format=args.format, load_options=opts, geometry=geometry_from_args(args), by=args.by,
        symmetrize=not args.no_symmetrize, field_offset=field_offset(args.field_offset), channel=args.channel,
        x=args.x, y=args.y, tmin=args.tmin, tmax=args.tmax, share=args.share,
        fix=parse_assignments(args.fix, "--fix"), init=parse_assignments(args.init, "--init"),
        background=args.background, loss=args.loss, conf_interval=args.conf_interval,
        n_oscillators=args.oscillators, observable=args.observable, **window,
    )
    if not isinstance(result, list):  # global fit
        print(result.report())
        _outputs(args, pipeline.results_summary(result, args.model), lambda: result.plot().figure)
        return 0 if result.success and not result.warnings else 1
    for r in result:
        if len(result) > 1:
            print(f"=== {pipeline.curve_label(r)}")
        print(r.report())
        if args.cutoff and family == "optics":
            _spectral_weight(r, args.cutoff)
        print()

    def figure():
        if len(result) == 1:
            return result[0].plot().figure
        from ..report.plots import plot_saved_curves

        curves = [(pipeline.curve_label(r) or str(i), r.curve_data()) for i, r in enumerate(result)]
        return plot_saved_curves(curves, x_name=result[0].x_name, y_name=result[0].y_name).figure

    _outputs(args, pipeline.results_summary(result, args.model), figure)
    return 0 if all(r.success and not r.warnings for r in result) else 1


def _spectral_weight(result, cutoffs) -> None:
    """Print the spectral-weight table and keep it for the JSON summary."""
    from ..fitting.spectral import spectral_weight_table, sum_rule_check
    from ..io.units import parse_spectral

    cut = [parse_spectral(c, "--cutoff")[0] for c in cutoffs]
    table = spectral_weight_table(result, cut)
    result.extras["spectral_weight"] = table.to_dict("records")
    result.extras["sum_rule_deviation"] = sum_rule_check(result)
    print("spectral weight ∫σ1 dν (S/cm·cm⁻¹) and effective plasma frequency:")
    for row in table.itertuples(index=False):
        print(f"  ≤ {row[0]:8.1f} cm⁻¹ ({row[1]:.3g} eV): data {row[2]:.4g}  model {row[3]:.4g}  "
              f"ω_p,eff data {row[4]:.0f}  model {row[5]:.0f} cm⁻¹")


def _outputs(args, summary, make_figure) -> None:
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(summary, fh, indent=2)
            fh.write("\n")
        print(f"wrote {args.json}", file=sys.stderr)
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        fig = make_figure()
        fig.savefig(args.plot, dpi=200)
        print(f"wrote {args.plot}", file=sys.stderr)
