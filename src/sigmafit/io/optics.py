"""Optical spectra: the spectral axis as ``wavenumber_cm-1`` (cm⁻¹), ascending, and PerkinElmer ``.asc``.

The spectral column itself is converted by the column mapping (:mod:`sigmafit.io.mapping`:
eV, meV, THz linear; nm, µm reciprocal, ν̃[cm⁻¹] = 10⁴ / λ[µm]), which keeps the original x
under a unit-suffixed name (``energy_eV``, ``wavelength_um``, ``wavelength_nm``,
``frequency_THz``).  :func:`finish_spectrum` drops rows without a usable coordinate and sorts by
ascending wavenumber.  Transmittance/reflectance in % become fractions (``%`` → × 0.01).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError
from . import _text
from .mapping import canonicalize


def finish_spectrum(df: pd.DataFrame, meta: dict) -> pd.DataFrame:
    """Wavenumber (and the original x) first; rows without a finite positive wavenumber dropped; ascending."""
    nu = df["wavenumber_cm-1"].to_numpy(dtype=float)
    origin = meta["origin"].get("wavenumber_cm-1", "wavenumber_cm-1")
    keep = next((c for c in df.columns if c != "wavenumber_cm-1" and meta["origin"].get(c) == origin), None)
    front = ["wavenumber_cm-1"] + ([keep] if keep else [])
    out = df[front + [c for c in df.columns if c not in front]]
    bad = ~np.isfinite(nu) | (nu <= 0)
    _text.drop(meta, "rows without a finite positive spectral coordinate dropped", int(bad.sum()))
    out = out.loc[~bad]
    if len(out) > 1 and not (np.diff(out["wavenumber_cm-1"].to_numpy()) >= 0).all():
        out = out.sort_values("wavenumber_cm-1", kind="stable")
        meta["notes"].append(f"sorted by ascending wavenumber (file order was by {origin})")
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
    if len(lines) <= max(gr + 2, data + 1) or data < gr:
        raise DataFormatError(f"{path}, line {gr + 1}: the '#GR' block must give the x and y units and come before "
                              "'#DATA' (truncated file?)", path=path, line=gr + 1)
    xunit, yunit = lines[gr + 1].strip(), lines[gr + 2].strip()
    meta["sample"] = lines[2].strip() or None if len(lines) > 2 else None
    meta["instrument"] = lines[11].strip() if len(lines) > 11 else None
    npts = _count(lines[gr + 7]) if len(lines) > gr + 7 else None
    ylabel = {"%T": "transmittance (%)", "%R": "reflectance (%)", "A": "absorbance"}.get(yunit, yunit or "value")
    first = lines[data + 1] if len(lines) > data + 1 else ""
    df = _text.read_table("\n".join(lines[data + 1:]), [f"x ({xunit})", ylabel], sep="\t" if "\t" in first else None,
                          path=path, first_line=data + 2, meta=meta)
    if npts and npts != len(df):
        meta["notes"].append(f"#GR block announces {npts} points, {len(df)} read")
        _text.drop(meta, f"points missing compared with the {npts} announced in #GR", max(npts - len(df), 0))
    df = df.rename(columns={f"x ({xunit})": f"wavelength ({xunit})" if xunit in ("nm", "um") else f"x ({xunit})"})
    df = canonicalize(df, meta, path=path, line=data + 2)
    if "wavenumber_cm-1" not in df.columns:
        raise DataFormatError(f"{path}, line {gr + 2}: x unit {xunit!r} in #GR is not a spectral unit", path=path,
                              line=gr + 2)
    df = finish_spectrum(df, meta)
    return _text.finish(df, meta)


def _count(text: str) -> int | None:
    """A point count written in the header, or None when the line is not a positive whole number."""
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if np.isfinite(value) and 0 < value < 1e9 else None
