"""Options and helpers shared by the ``fit`` and ``batch`` verbs (names are part of the contract)."""

from __future__ import annotations

import argparse
import re

from .. import constants as C
from ..exceptions import SigmafitError

_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-zµμ%/\-0-9]*)\s*$")


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


def parse_spectral(text: str | None, option: str) -> tuple[float | None, bool]:
    """A spectral position with optional unit (``"1eV"``, ``"100cm-1"``, ``"2um"``, ``"500"`` = cm⁻¹) → (cm⁻¹, is_wavelength)."""
    if text is None:
        return None, False
    m = _QUANTITY.match(text)
    if not m:
        raise SigmafitError(f"{option} expects a number with an optional unit (cm-1, eV, meV, THz, nm, um), e.g. {option} 1eV; got {text!r}")
    value, unit = float(m.group(1)), (m.group(2) or "cm-1").replace("µ", "u").replace("μ", "u")
    units = {u.lower(): u for u in list(C.SPECTRAL_TO_CM1) + list(C.WAVELENGTH_TO_UM)}
    if unit.lower() not in units:
        raise SigmafitError(f"{option}: unknown unit {unit!r}; use one of cm-1, eV, meV, THz, nm, um")
    unit = units[unit.lower()]
    return float(C.spectral_to_cm1(value, unit)), unit in C.WAVELENGTH_TO_UM


def spectral_window(xmin: str | None, xmax: str | None) -> tuple[float | None, float | None]:
    """--xmin/--xmax with units → a window in cm⁻¹ (wavelength limits swap ends)."""
    lo, lo_wl = parse_spectral(xmin, "--xmin")
    hi, hi_wl = parse_spectral(xmax, "--xmax")
    if lo_wl:
        lo, hi_from_lo = None, lo
    else:
        hi_from_lo = None
    if hi_wl:
        hi, lo_from_hi = None, hi
    else:
        lo_from_hi = None
    lo = lo if lo is not None else lo_from_hi
    hi = hi if hi is not None else hi_from_lo
    return lo, hi


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
