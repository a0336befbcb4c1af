"""Options and helpers shared by the ``fit`` and ``batch`` verbs (names are part of the contract)."""

from __future__ import annotations

import argparse

from ..exceptions import SigmafitError
from ..io.units import spectral_window



def parse_assignments(items: list[str] | None, option: str) -> dict[str, float]:
    """``["L_so=120", "alpha=-0.5"]`` → ``{"L_so": 120.0, "alpha": -0.5}``; one-sentence error otherwise."""
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
    """Loading and preparation options (DESIGN.md §4)."""
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
    prep = p.add_argument_group("preparation")
    prep.add_argument("--no-symmetrize", action="store_true", help="do not symmetrize R(B) (default: symmetrize for magnetoconductance models)")
    prep.add_argument("--field-offset", default=None, metavar="T|auto", help="field offset to subtract (T); default 'auto' (estimated from the symmetry of R(B) when symmetrizing); 0 keeps the fields as read")


def add_fit_options(p: argparse.ArgumentParser) -> None:
    """Model, window and parameter options (DESIGN.md §4)."""
    g = p.add_argument_group("fit")
    g.add_argument("--model", required=True, help="model name (see `sigmafit models`)")
    g.add_argument("--bmax", metavar="T|auto", help="fit |B| ≤ BMAX tesla, or 'auto' (|B| ≤ 10·B_φ, iterated)")
    g.add_argument("--xmin", help="lower end of the fit window in the x column's unit (optics: with unit, e.g. 100cm-1, 0.1eV)")
    g.add_argument("--xmax", help="upper end of the fit window (optics: with unit, e.g. 1eV, 2um)")
    g.add_argument("--tmin", type=float, metavar="K", help="lowest temperature to fit (K)")
    g.add_argument("--tmax", type=float, metavar="K", help="highest temperature to fit (K)")
    g.add_argument("--fix", action="append", metavar="NAME=VALUE", help="fix a parameter (repeatable)")
    g.add_argument("--init", action="append", metavar="NAME=VALUE", help="start value of a parameter (repeatable)")
    g.add_argument("--background", choices=["quadratic"], help="add a classical c2·B² background")
    g.add_argument("--loss", default="linear", choices=["linear", "soft_l1", "huber", "cauchy"], help="robust loss that discounts glitches (default linear)")
    g.add_argument("--oscillators", type=int, metavar="N", help="number of Lorentz oscillators (drude-lorentz)")
    g.add_argument("--observable", help="optics: what to fit (sigma1, sigma, eps, nk, reflectance)")


def geometry_from_args(args):
    """A Geometry from --width/--length, --vdp or --sheet (None when none given)."""
    from ..prepare.geometry import Geometry

    chosen = [n for n, v in (("--width/--length", args.width is not None or args.length is not None), ("--vdp", args.vdp), ("--sheet", args.sheet)) if v]
    if len(chosen) > 1:
        raise SigmafitError(f"give only one geometry, not {' and '.join(chosen)}")
    try:
        if args.vdp:
            return Geometry(kind="vdp", thickness_nm=args.thickness)
        if args.sheet:
            return Geometry(kind="sheet", thickness_nm=args.thickness)
        if args.width is not None or args.length is not None:
            if args.width is None or args.length is None:
                raise SigmafitError("a Hall bar needs both --width and --length (µm)")
            return Geometry(kind="hallbar", width_um=args.width, length_um=args.length, thickness_nm=args.thickness)
    except ValueError as exc:
        raise SigmafitError(str(exc)) from None
    return None


def fit_window(args, family: str) -> dict:
    """--xmin/--xmax (with units for optics) and --bmax as keyword arguments of a fit."""
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


def field_offset(text):
    """--field-offset: None, 'auto' or a field in T."""
    if text is None or text == "auto":
        return text
    try:
        return float(text)
    except ValueError:
        raise SigmafitError(f"--field-offset expects a field in tesla or 'auto'; got {text!r}") from None


def model_options(args) -> dict:
    """Model constructor options from --oscillators and --observable."""
    opts = {}
    if args.oscillators is not None:
        opts["n_oscillators"] = args.oscillators
    if args.observable:
        opts["observable"] = args.observable
    return opts
