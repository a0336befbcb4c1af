"""``sigmafit fit``: load → prepare → fit → report text, JSON and a figure, for one file."""

from __future__ import annotations

import argparse
import json
import sys

from ._common import add_data_options, add_fit_options, geometry_from_args, parse_assignments, spectral_window

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


def _load(args):
    from .. import io

    opts = {}
    if args.x_unit:
        opts["x_unit"] = args.x_unit
    if args.y_unit:
        opts["y_unit"] = args.y_unit
    if args.run is not None:
        opts["run"] = args.run
    return io.load(args.file, format=args.format, **opts)


def _model_options(args) -> dict:
    opts = {}
    if args.oscillators is not None:
        opts["n_oscillators"] = args.oscillators
    if args.observable:
        opts["observable"] = args.observable
    return opts


def _window(args, family: str) -> dict:
    from ..exceptions import SigmafitError

    w: dict = {}
    if family == "optics":
        w["xmin"], w["xmax"] = spectral_window(args.xmin, args.xmax)
    else:
        for k in ("xmin", "xmax"):
            v = getattr(args, k)
            if v is not None:
                try:
                    w[k] = float(v)
                except ValueError:
                    raise SigmafitError(f"--{k} expects a number in the x column's unit; got {v!r}") from None
    if args.bmax is not None:
        if args.bmax == "auto":
            w["bmax"] = "auto"
        else:
            try:
                w["bmax"] = float(args.bmax)
            except ValueError:
                raise SigmafitError(f"--bmax expects a field in tesla or 'auto'; got {args.bmax!r}") from None
    return w


def _field_offset(text):
    from ..exceptions import SigmafitError

    if text is None or text == "auto":
        return text
    try:
        return float(text)
    except ValueError:
        raise SigmafitError(f"--field-offset expects a field in tesla or 'auto'; got {text!r}") from None


def run(args) -> int:
    import warnings

    from .. import models
    from ..exceptions import FitQualityWarning, SigmafitError
    from ..fitting import fit, fit_global, pipeline

    family = models.model_class(args.model).family
    fix, init = parse_assignments(args.fix, "--fix"), parse_assignments(args.init, "--init")
    window = _window(args, family)
    if family == "temperature":
        window.setdefault("xmin", args.tmin)
        window.setdefault("xmax", args.tmax)
    df = _load(args)
    if family == "optics" and not args.observable:
        from ..models.optics import best_observable
        from ..prepare.optics import add_optical_conductivity

        cols = df.columns if "sigma1_S_per_cm" in df.columns else add_optical_conductivity(df).columns
        args.observable = best_observable(cols)
    model = models.get(args.model, **_model_options(args))
    curves = pipeline.curves(
        df, model, geometry=geometry_from_args(args), by=args.by, symmetrize=not args.no_symmetrize,
        field_offset=_field_offset(args.field_offset), channel=args.channel, y=args.y,
        tmin=args.tmin, tmax=args.tmax,
    )
    if not curves:
        raise SigmafitError(f"{args.file}: no curve to fit after preparation")
    warnings.simplefilter("ignore", FitQualityWarning)  # the warnings are printed in the report

    if args.share:
        if len(curves) < 2:
            raise SigmafitError(f"--share needs several curves, but {args.file} gave one; choose them with --by")
        if window.get("bmax") == "auto":
            raise SigmafitError("--bmax auto is not available for global fits; give --bmax in tesla")
        labels = [lab for lab, _ in curves]
        res = fit_global([c for _, c in curves], args.model, share=args.share, labels=labels, x=args.x,
                         y=args.y if args.y in curves[0][1].columns else None,
                         fix=fix, init=init, background=args.background, **window, **_model_options(args))
        res.by = args.by or next((c for c in ("temperature_K", "gate_V") if c in curves[0][1].columns), "curve")
        print(res.report())
        summaries = res.summary(include_data=True)
        _outputs(args, summaries, lambda: res.plot().figure)
        return 0 if res.success and not res.warnings else 1

    results = []
    for label, curve in curves:
        r = fit(curve, model if len(curves) == 1 else models.get(args.model, **_model_options(args)),
                x=args.x, y=args.y if args.y in curve.columns else None, fix=fix, init=init,
                background=args.background, loss=args.loss, conf_interval=args.conf_interval,
                source={"path": args.file}, **window)
        results.append(r)
        if len(curves) > 1:
            name = curve["curve"].iloc[0] if "curve" in curve.columns else curve.attrs.get("sigmafit", {}).get("curve", label)
            print(f"=== {name}")
        print(r.report())
        if args.cutoff and model.family == "optics":
            _spectral_weight(r, args.cutoff)
        print()
    summaries = results[0].summary(include_data=True) if len(results) == 1 else {"model": args.model, "curves": [r.summary(include_data=True) for r in results]}

    def figure():
        if len(results) == 1:
            return results[0].plot().figure
        from ..report.plots import plot_saved_curves

        curves = [(", ".join(f"{k} = {v:g}" for k, v in r.source["curve"].items()) if isinstance(r.source.get("curve"), dict)
                   else str(r.source.get("curve", i)), r.curve_data()) for i, r in enumerate(results)]
        return plot_saved_curves(curves, x_name=results[0].x_name, y_name=results[0].y_name).figure

    _outputs(args, summaries, figure)
    return 0 if all(r.success and not r.warnings for r in results) else 1


def _spectral_weight(result, cutoffs) -> None:
    """Print the spectral-weight table and keep it for the JSON summary."""
    from ..fitting.spectral import spectral_weight_table, sum_rule_check
    from ._common import parse_spectral

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
