"""Options shared by the ``fit`` and ``batch`` verbs (names are part of the contract, DESIGN.md §4).

The flags are parsed into the same option objects that Python keywords and recipe keys build
(:mod:`sigmafit.fitting.options`): argparse ``choices`` come from the same ``Literal`` types, and one function
(:func:`options_from_args`) maps the flags onto the option names.  Output paths are checked before any work.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..exceptions import SigmafitError
from ..fitting.options import Background, Engine, Loss, choices, with_quantities


def parse_assignments(items: list[str] | None, option: str) -> dict[str, float]:
    """``["L_so=120", "tau_phi[0]=40.5"]`` → ``{"L_so": 120.0, "tau_phi[0]": 40.5}``; one sentence otherwise."""
    out: dict[str, float] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            raise SigmafitError(f"{option} expects NAME=VALUE with a number, e.g. {option} L_so=120; got {item!r}") from None
    return out


def add_data_options(p: argparse.ArgumentParser) -> None:
    """Loading and preparation options."""
    g = p.add_argument_group("data")
    g.add_argument("--format", help="force the file format instead of detecting it")
    g.add_argument("--x", dest="x", metavar="COL", help="x column when the file is ambiguous")
    g.add_argument("--y", dest="y", metavar="COL", help="y column when the file is ambiguous")
    g.add_argument("--x-unit", help="unit of the x column when its header does not say (e.g. Oe, T, K, eV)")
    g.add_argument("--y-unit", help="unit of the y column when its header does not say (e.g. ohm, S)")
    g.add_argument("--by", metavar="COL", help="one curve per value of COL (e.g. temperature_K); default: per temperature when the file has several")
    g.add_argument("--channel", type=int, help="instrument channel to fit (default: the longitudinal one)")
    geo = p.add_argument_group("geometry (for R → sheet conductance)")
    geo.add_argument("--width", type=float, metavar="UM", help="Hall-bar width (µm)")
    geo.add_argument("--length", type=float, metavar="UM", help="Hall-bar length between voltage contacts (µm)")
    geo.add_argument("--vdp", action="store_true", help="van der Pauw sample: R_□ = π/ln2 · R")
    geo.add_argument("--sheet", action="store_true", help="data are already per square")
    geo.add_argument("--thickness", type=float, metavar="NM", help="film thickness (nm), for resistivity")
    heat = p.add_argument_group("sample (heat capacity)")
    heat.add_argument("--mass-mg", type=float, metavar="MG", help="sample mass (mg): a sample's C (J/K) → molar C")
    heat.add_argument("--mass-err-mg", type=float, metavar="MG", help="uncertainty of the sample mass (mg), propagated")
    heat.add_argument("--molar-mass", type=float, metavar="G", help="molar mass (g per mole of formula units)")
    prep = p.add_argument_group("preparation")
    prep.add_argument("--no-symmetrize", action="store_true", help="do not symmetrize R(B) (default: symmetrize for magnetoconductance models)")
    prep.add_argument("--hall-channel", type=int, help="instrument channel of R_xy (default: the one the file calls Hall)")
    prep.add_argument("--transform", action="store_true",
                      help="raw R(B): fit Δσ from symmetrized sheet conductance instead of the measurement model of the raw "
                           "readings (the default)")
    meas = p.add_argument_group("measurement model (raw R(B))")
    meas.add_argument("--carrier", choices=("auto", "holes", "electrons"), help="carrier sign (default: from the Hall slope)")
    meas.add_argument("--bands", type=int, choices=(1, 2), help="Drude bands of the classical tensor (default 1)")
    meas.add_argument("--wl-hall", choices=("fukuyama", "none"),
                      help="how weak localization enters R_xy: fukuyama (R_H unchanged, default) or none (σ_xy classical)")
    prep.add_argument("--field-offset", default=None, metavar="T|auto",
                      help="field offset to subtract (T); default 'auto' (estimated from the symmetry of R(B)); 0 keeps the fields as read")


def add_fit_options(p: argparse.ArgumentParser) -> None:
    """Model, window and parameter options."""
    g = p.add_argument_group("fit")
    g.add_argument("--model", required=True, help="model name (see `sigmafit models`)")
    g.add_argument("--bmax", metavar="B|auto", help="fit |B| ≤ BMAX (tesla, or with a unit: 500mT, 5kOe), or 'auto' (|B| ≤ 10·B_φ, iterated)")
    g.add_argument("--xmin", help="lower end of the fit window in the x column's unit, or with a unit (100cm-1, 0.1eV, 50mT, 300mK)")
    g.add_argument("--xmax", help="upper end of the fit window (same rules as --xmin)")
    g.add_argument("--tmin", metavar="K", help="lowest temperature to fit (K, or with a unit: 300mK)")
    g.add_argument("--tmax", metavar="K", help="highest temperature to fit (K, or with a unit)")
    g.add_argument("--fix", action="append", metavar="NAME=VALUE",
                   help="fix a parameter (repeatable); in a global fit NAME[LABEL]=VALUE fixes it for the curve labelled LABEL")
    g.add_argument("--init", action="append", metavar="NAME=VALUE", help="start value of a parameter (repeatable; NAME[LABEL] as for --fix)")
    g.add_argument("--background", choices=choices(Background),
                   help="add to a Δσ model a classical c2·B² (quadratic), a free constant (offset: Δσ referenced to a "
                        "measured reading, not σ(0)), or both")
    g.add_argument("--loss", default="linear", choices=choices(Loss), help="robust loss that discounts glitches (default linear)")
    g.add_argument("--weights", metavar="none|relative|part|COL",
                   help="per-point weighting: none, relative (1/|y|), part (optics: one weight per part, 1/its RMS, for "
                        "noise of constant level), or a column of 1σ uncertainties (default: the file's "
                        "uncertainties when it has them, else the model's default)")
    g.add_argument("--oscillators", type=int, metavar="N", help="number of Lorentz oscillators (drude-lorentz)")
    g.add_argument("--observable", help="optics: what to fit (sigma1, sigma, eps, nk, reflectance, transmission, "
                                        "film_reflectance)")
    g.add_argument("--eps-inf-min", type=float, metavar="EPS", help="optics: lower bound of ε∞ (default 1)")
    film = p.add_argument_group("optics: a film on a substrate (film thickness: --thickness NM)")
    film.add_argument("--substrate-n", metavar="N", help="substrate refractive index (complex allowed, e.g. 3.42 or 3.42+0.01j)")
    film.add_argument("--substrate-nk", metavar="FILE", help="substrate n,k table (any spectrum file sigmafit reads)")
    film.add_argument("--substrate-thickness", type=float, metavar="MM", help="substrate thickness (mm): incoherent back reflections")
    film.add_argument("--film-reference", choices=("vacuum", "substrate"), help="transmission relative to vacuum or to the bare substrate")
    film.add_argument("--film-method", choices=("fresnel", "thin-film", "incoherent"), help="film optics: transfer matrix, Tinkham thin film, or incoherent substrate")
    g.add_argument("--signs", choices=("eh", "ee", "hh", "free"), help="two-band: carrier signs of the bands (default eh)")
    g.add_argument("--rho-xx0", type=float, metavar="RHO", help="two-band: constrain ρ_xx(0) to this value (Ω or Ω·cm)")


def add_batch_options(p: argparse.ArgumentParser) -> None:
    """How a batch runs."""
    g = p.add_argument_group("batch")
    g.add_argument("--out", required=True, metavar="DIR", help="output folder (resumable store, results.csv, run.json)")
    g.add_argument("--replace", action="store_true", help="discard the results of a run with other settings in --out")
    g.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: number of CPUs)")
    g.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler address, e.g. tcp://host:8786 (needs sigmafit[dask])")
    g.add_argument("--engine", default="auto", choices=choices(Engine),
                   help="auto (default): vectorized Levenberg–Marquardt when the model allows, else lmfit per curve")
    g.add_argument("--seed-previous", action="store_true", help="start each curve from the previous curve's result (sweeps)")
    g.add_argument("--no-progress", action="store_true", help="no progress bar or progress lines")


def _complex(text):
    if text is None:
        return None
    try:
        return complex(str(text).replace(" ", "").replace("i", "j"))
    except ValueError:
        raise SigmafitError(f"--substrate-n expects a refractive index such as 3.42 or 3.42+0.01j; got {text!r}") from None


def _table(path):
    """A substrate's n,k table, read as any spectrum (wavenumber_cm-1, n, k)."""
    if path is None:
        return None
    from .. import io

    return io.load(path)


def _geometry(args) -> dict:
    given = [n for n, v in (("--width/--length", args.width is not None or args.length is not None), ("--vdp", args.vdp),
                            ("--sheet", args.sheet)) if v]
    if len(given) > 1:
        raise SigmafitError(f"give only one geometry, not {' and '.join(given)}")
    kind = "vdp" if args.vdp else "sheet" if args.sheet else None
    return {"geometry": kind, "width_um": args.width, "length_um": args.length, "thickness_nm": args.thickness}


def options_from_args(args, family: str) -> dict:
    """Flat option names (those of :func:`sigmafit.fit` / :func:`sigmafit.workflow.fit_file`) from the flags,
    quantities converted to their units."""
    out = {
        "format": args.format, "x": args.x, "y": args.y, "x_unit": args.x_unit, "y_unit": args.y_unit, "by": args.by,
        "channel": args.channel, "symmetrize": not args.no_symmetrize, "field_offset": args.field_offset,
        "xmin": args.xmin, "xmax": args.xmax, "bmax": args.bmax, "tmin": args.tmin, "tmax": args.tmax,
        "fix": parse_assignments(args.fix, "--fix"), "init": parse_assignments(args.init, "--init"),
        "background": args.background, "loss": args.loss, "weights": args.weights,
        "oscillators": args.oscillators, "observable": args.observable, "signs": args.signs, "rho_xx0": args.rho_xx0,
        "sample_mass_mg": args.mass_mg, "sample_mass_err_mg": args.mass_err_mg, "molar_mass_g_per_mol": args.molar_mass,
        "hall_channel": args.hall_channel, "transform": args.transform or None, "carrier": args.carrier,
        "bands": args.bands, "wl_hall": args.wl_hall, "eps_inf_min": args.eps_inf_min,
        "substrate_n": _complex(args.substrate_n), "substrate_nk": _table(args.substrate_nk),
        "substrate_thickness_mm": args.substrate_thickness, "film_reference": args.film_reference,
        "film_method": args.film_method,
    }
    out.update(_geometry(args))
    return with_quantities({k: v for k, v in out.items() if v is not None}, family)


def check_outputs(outputs: dict[str, str | None], inputs: list[str]) -> None:
    """Refuse, before any work, an output that would overwrite an input, that lies under a file, or whose
    figure format matplotlib cannot write."""
    sources = {Path(p).resolve() for p in inputs}
    for option, path in outputs.items():
        if not path:
            continue
        target = Path(path)
        if target.resolve() in sources:
            raise SigmafitError(f"{option} {path} would overwrite the input file; choose another name")
        if target.is_dir():
            raise SigmafitError(f"{option} {path} is a folder; give a file name")
        parent = target.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir():
            raise SigmafitError(f"{option} {path}: {parent} is a file, not a folder")
        if option == "--plot":
            from matplotlib.figure import Figure

            supported = Figure().canvas.get_supported_filetypes()
            suffix = target.suffix.lstrip(".").lower()
            if suffix not in supported:
                raise SigmafitError(f"--plot {path}: cannot write a .{suffix or '(no suffix)'} figure; use one of "
                                    f"{', '.join('.' + s for s in sorted(supported))}")
