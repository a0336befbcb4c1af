"""Bruker OPUS binary FTIR files (magic bytes ``0a 0a fe fe``), through the optional extra ``opus``.

Reading needs the ``brukeropus`` package (``pip install "sigmafit[opus]"``); without it a
clear :class:`~sigmafit.exceptions.DataFormatError` suggests installing it or exporting a
``.dpt`` data point table (read by :mod:`sigmafit.io.delimited`).

Output: ``wavenumber_cm-1`` (cm⁻¹, ascending) and one y column: ``transmittance`` or
``reflectance`` (fraction), ``absorbance``, or the OPUS block name (``sample_single_channel``…).
Choose the block with ``block="a"`` (keys as in brukeropus: ``t``, ``a``, ``r``, ``sm``, ``rf``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._optional import require
from ..exceptions import DataFormatError, SigmafitError
from . import _text

MAGIC = b"\x0a\x0a\xfe\xfe"
#: Preferred data blocks, first present wins.
PREFERENCE = ("t", "r", "a", "sm", "rf")
_Y_NAME = {"t": "transmittance", "r": "reflectance", "a": "absorbance", "sm": "sample_single_channel",
           "rf": "reference_single_channel"}


def read(path, *, block: str | None = None, **_ignored) -> pd.DataFrame:
    """Read one spectrum block of an OPUS file (see module docstring)."""
    try:
        brukeropus = require("brukeropus", "reading Bruker OPUS files")
    except SigmafitError:
        raise DataFormatError(
            f'{path} is a Bruker OPUS binary file; reading it needs the optional package brukeropus: '
            f'pip install "sigmafit[opus]" (or export the spectrum from OPUS as a .dpt data point table)',
            path=path) from None
    _text.read_bytes(path, limit=len(MAGIC))  # existence / emptiness checks with clear messages
    try:
        f = brukeropus.read_opus(str(path))
        keys = list(f.data_keys)
    except Exception as exc:  # brukeropus raises assorted errors on damaged files
        raise DataFormatError(f"{path}: brukeropus could not read this OPUS file ({_text.one_line(exc)})",
                              path=path) from None
    meta = _text.new_meta(path, "opus")
    meta["kind"] = "optics"
    meta["blocks"] = keys
    if block is None:
        block = next((k for k in PREFERENCE if k in keys), None)
    if block not in keys:
        raise DataFormatError(f"{path}: OPUS data block {block!r} not found (blocks: {keys})", path=path)
    data = getattr(f, block)
    x, y = np.asarray(data.x, dtype=float), np.asarray(data.y, dtype=float)
    xunit = getattr(data, "dxu", "WN")
    if xunit != "WN":
        raise DataFormatError(f"{path}: OPUS block {block!r} has x unit {xunit!r}, not wavenumber", path=path)
    name = _Y_NAME.get(block, block)
    if block in ("t", "r") and np.nanmax(y) > 2:
        y = y / 100.0
        meta["units"][name] = "%"
    df = pd.DataFrame({"wavenumber_cm-1": x, name: y}).sort_values("wavenumber_cm-1", kind="stable")
    meta["units"]["wavenumber_cm-1"] = "cm-1"
    meta["origin"].update({"wavenumber_cm-1": f"OPUS block {block} x", name: f"OPUS block {block} ({data.label})"})
    meta["notes"].append(f"OPUS data blocks {keys}; loaded {block!r} ({data.label})")
    for key, label in (("snm", "sample"), ("ins", "instrument")):
        try:
            value = f.params[key]
        except Exception:
            value = None
        if value:
            meta["sample" if label == "sample" else "instrument"] = str(value)
    return _text.finish(df, meta)
