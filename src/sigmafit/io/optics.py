"""Optical spectra: spectral axis → ``wavenumber_cm-1`` (cm⁻¹), sorting, and PerkinElmer ``.asc``.

Conversions use :func:`sigmafit.constants.spectral_to_cm1` (eV, meV, THz linear; nm, µm
reciprocal: ν̃[cm⁻¹] = 10⁴ / λ[µm]).  The original x column is kept under a unit-suffixed
name (``energy_eV``, ``wavelength_um``, ``wavelength_nm``, ``frequency_THz``).  Rows are
sorted by ascending wavenumber.  Transmittance/reflectance in % become fractions
(done by the column mapping, ``%`` → × 0.01).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..constants import spectral_to_cm1
from ..exceptions import DataFormatError
from . import _text
from .units import canonicalize

_KEEP_NAME = {"eV": "energy_eV", "meV": "energy_meV", "THz": "frequency_THz", "nm": "wavelength_nm",
              "um": "wavelength_um", "A": "wavelength_A", "mm": "wavelength_mm"}


def to_wavenumber(df: pd.DataFrame, meta: dict) -> pd.DataFrame:
    """Add ``wavenumber_cm-1`` from the spectral column recorded in ``meta["_spectral"]``; sort ascending."""
    col, unit = meta.pop("_spectral")[0]
    x = df[col].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        nu = spectral_to_cm1(x, unit)
    out = df.drop(columns=[col])
    if unit != "cm-1":
        keep = _KEEP_NAME.get(unit, f"x_{unit}")
        out.insert(0, keep, x)
        meta["units"][keep] = unit
        meta["origin"][keep] = str(col)
    out.insert(0, "wavenumber_cm-1", nu)
    meta["units"]["wavenumber_cm-1"] = unit
    meta["origin"]["wavenumber_cm-1"] = str(col)
    bad = ~np.isfinite(nu) | (nu <= 0)
    _text.drop(meta, "rows without a finite positive spectral coordinate dropped", int(bad.sum()))
    out = out.loc[~bad]
    if len(out) > 1 and not (np.diff(out["wavenumber_cm-1"].to_numpy()) >= 0).all():
        out = out.sort_values("wavenumber_cm-1", kind="stable")
        meta["notes"].append(f"sorted by ascending wavenumber (file order was by {col})")
    meta["kind"] = "optics"
    return out


def is_perkinelmer(text: str) -> bool:
    """Content test: ``PE UV`` first line, or ``#GR`` and ``#DATA`` sections."""
    return text.startswith("PE UV") or ("\n#DATA" in text and "\n#GR" in text)


def read_perkinelmer(path, **_ignored) -> pd.DataFrame:
    """Read a PerkinElmer UV WinLab ``.asc``: units from the ``#GR`` block, data after ``#DATA``.

    Output: ``wavenumber_cm-1`` (cm⁻¹, ascending), ``wavelength_nm`` (original x) and
    ``transmittance``/``reflectance``/``absorbance`` (fraction when the file says %T/%R).
    """
    text, enc = _text.read_text(path)
    lines = text.split("\n")
    meta = _text.new_meta(path, "perkinelmer")
    meta["encoding"] = enc
    try:
        gr = next(i for i, ln in enumerate(lines) if ln.strip() == "#GR")
        data = next(i for i, ln in enumerate(lines) if ln.strip() == "#DATA")
    except StopIteration:
        raise DataFormatError(f"{path}, line {len(lines)}: PerkinElmer file without '#GR' and '#DATA' sections "
                              "(truncated?)",
                              path=path, line=len(lines)) from None
    xunit, yunit = lines[gr + 1].strip(), lines[gr + 2].strip()
    meta["sample"] = lines[2].strip() or None if len(lines) > 2 else None
    meta["instrument"] = lines[11].strip() if len(lines) > 11 else None
    npts = _text.is_number(lines[gr + 7]) and int(float(lines[gr + 7])) if len(lines) > gr + 7 else None
    ylabel = {"%T": "%T", "%R": "R (%)", "A": "absorbance"}.get(yunit, yunit or "value")
    df = _text.parse_table(lines[data + 1:], [f"x ({xunit})", ylabel], sep="\t" if "\t" in lines[data + 1] else None,
                           path=path, first_line=data + 2, meta=meta)
    if npts and npts != len(df):
        meta["notes"].append(f"#GR block announces {npts} points, {len(df)} read")
        _text.drop(meta, f"points missing compared with the {npts} announced in #GR", max(npts - len(df), 0))
    df = df.rename(columns={f"x ({xunit})": f"wavelength ({xunit})" if xunit in ("nm", "um") else f"x ({xunit})"})
    df = canonicalize(df, meta, path=path, line=data + 2)
    if not meta.get("_spectral"):
        raise DataFormatError(f"{path}, line {gr + 2}: x unit {xunit!r} in #GR is not a spectral unit", path=path,
                              line=gr + 2)
    df = to_wavenumber(df, meta)
    return _text.finish(df, meta)
