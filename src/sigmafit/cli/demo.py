"""``sigmafit demo``: the whole pipeline on the bundled ``sample_data/`` — the recipe
``sample_data/demo.toml`` run by the same code as ``sigmafit run`` — then the recovered numbers
next to the ones the data were made with (``sample_data/parameters.json``).
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import sys
from pathlib import Path
from typing import Any

EPILOG = """examples:
  sigmafit demo --out demo_report            # report in demo_report/report.html
  sigmafit demo --data path/to/sample_data   # when sigmafit is installed away from its repository

exit status as for every verb: 0 every fit clean, 1 results written with warnings, 2 bad input, 3 internal error.

It fits R(B) sweeps at 4 temperatures (global HLN, shared L_so) → L_φ(T) and p; R(T) → ln T slope A;
an insulating film → hopping law; an optical spectrum → Drude–Lorentz; and writes JSON results,
figures (PNG, PDF) and report.html to DIR.
"""

RECIPE = "demo.toml"
TRUTH = "parameters.json"


def register(sub) -> None:
    p = sub.add_parser(
        "demo",
        help="run the whole pipeline on the bundled sample data and write a report",
        description="Run sample_data/demo.toml (the same code as `sigmafit run`) and print the recovered "
        "parameters next to the true ones from sample_data/parameters.json.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", default="demo_report", metavar="DIR", help="output folder (default demo_report)")
    p.add_argument("--data", metavar="DIR", help="the sample_data folder (default: <repository>/sample_data)")
    p.set_defaults(func=run)


def find_sample_data(data: str | None = None) -> Path | None:
    """The sample_data folder: ``data`` if given, else ``<repo>/sample_data`` next to the installed package."""
    if data:
        p = Path(data)
        return p if (p / RECIPE).is_file() else None
    import sigmafit

    here = Path(sigmafit.__file__).resolve().parent  # <repo>/src/sigmafit in an editable install
    for base in (here.parents[1], here.parents[0], Path.cwd()):
        cand = base / "sample_data"
        if (cand / RECIPE).is_file():
            return cand
    return None


def _param(summary: dict, name: str, curve: Any = None) -> tuple[float | None, float | None]:
    if curve is not None:
        for c in summary.get("curves") or []:
            try:
                same = math.isclose(float(c.get("label")), float(curve), rel_tol=1e-6)
            except (TypeError, ValueError):
                same = False
            if same:
                e = (c.get("params") or {}).get(name) or (c.get("derived") or {}).get(name) or {}
                return e.get("value"), e.get("stderr")
        return None, None
    for group in ("shared", "params", "derived"):
        e = (summary.get(group) or {}).get(name)
        if e:
            return e.get("value"), e.get("stderr")
    return None, None


def comparison(summaries: dict[str, dict], truth: dict) -> list[dict[str, Any]]:
    """Rows ``{quantity, unit, recovered, stderr, true}`` of the demo against ``parameters.json``."""
    film, ins, opt = truth["film"], truth["insulator"], truth["optics"]
    rows = []

    def add(quantity, unit, summary_name, name, true, curve=None):
        s = summaries.get(summary_name) or {}
        v, e = _param(s, name, curve)
        rows.append({"quantity": quantity, "unit": unit, "recovered": v, "stderr": e, "true": float(true),
                     "result": summary_name, "param": name, "curve": curve})

    add("L_so", "nm", "wal", "L_so", film["L_so_nm"])
    for T, L in film["L_phi_nm"].items():
        add(f"L_φ({float(T):g} K)", "nm", "wal", "L_phi", L, curve=float(T))
    T0 = float(next(iter(film["L_phi_nm"])))
    add(f"n_s (Hall, {T0:g} K)", "cm⁻²", "wal", "n_s", film["hall_density_cm-2"], curve=T0)
    add(f"field offset ({T0:g} K)", "T", "wal", "B_off", film["field_offset_T"], curve=T0)
    add("p (L_φ ∝ T^(−p/2))", "", "dephasing", "p", film["p"])
    add("L_φ(1 K) = L1", "nm", "dephasing", "L1", film["L_phi_1K_nm"])
    add("A (ln T slope)", "", "lnT", "A", film["A_lnT"])
    add("s (hopping exponent)", "", "hopping", "s", ins["s"])
    add("T0 (hopping)", "K", "hopping", "T0", ins["T0_K"])
    add("ω_p (Drude)", "cm⁻¹", "optics", "wp", opt["wp_cm-1"])
    add("γ (Drude)", "cm⁻¹", "optics", "gamma", opt["gamma_cm-1"])
    add("ε∞", "", "optics", "eps_inf", opt["eps_inf"])
    heat = truth.get("heat")
    if heat:
        add("γ (Sommerfeld)", "mJ/(mol·K²)", "heat", "gamma", heat["gamma_mJ_per_molK2"])
        add("Θ_D (Debye)", "K", "heat", "theta_D", heat["theta_D_K"])
    return rows


def format_comparison(rows: list[dict[str, Any]]) -> str:
    from ..report.format import format_value

    lines = [f"  {'quantity':<22} {'recovered':>26}   {'true':>10}   deviation"]
    for r in rows:
        if r["recovered"] is None:
            lines.append(f"  {r['quantity']:<22} {'(missing)':>26}   {r['true']:>10.5g}")
            continue
        dev = r["recovered"] - r["true"]
        sig = f"{dev / r['stderr']:+.1f}σ" if r["stderr"] else "  n/a "
        rel = f"{100 * dev / r['true']:+.2f} %" if r["true"] else ""
        lines.append(f"  {r['quantity']:<22} {format_value(r['recovered'], r['stderr'], r['unit']):>26}   "
                     f"{r['true']:>10.5g}   {rel:>8} ({sig})")
    return "\n".join(lines)


def run(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from ..recipe import run_recipe

    data = find_sample_data(args.data)
    if data is None:
        where = args.data or "next to the sigmafit package (<repository>/sample_data)"
        print(f"sigmafit demo: the sample data were not found in {where}; "
              "install from the repository (pip install -e .) or give --data DIR.", file=sys.stderr)
        return 2
    print(f"sigmafit demo: running {data / RECIPE} → {args.out}/", file=sys.stderr)
    res = run_recipe(data / RECIPE, out=args.out, command=shlex.join(["sigmafit", *sys.argv[1:]]),
                     progress=lambda s: print(f"  … {s}", file=sys.stderr))
    truth = json.loads((data / TRUTH).read_text(encoding="utf-8"))
    print("recovered parameters (±1σ) against the truth in sample_data/parameters.json:")
    print(format_comparison(comparison(res.summaries, truth)))
    print(f"{res.n_warnings} warning(s) in the results (each shown next to its number in the report)")
    print(f"report: {res.report}   results: {res.out / 'results'}   figures: {res.out / 'figures'}   ({res.elapsed:.1f} s)")
    return 0 if res.ok else 1  # the exit rule of every verb: 1 when results carry warnings
