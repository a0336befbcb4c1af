"""Readers: instrument file → tidy, unit-normalized :class:`pandas.DataFrame`.

``load(path)`` detects the format from the file's *content* (:func:`sniff`), then calls the
reader of that format.  Every reader returns canonical, unit-suffixed columns (the names in
:mod:`sigmafit.io.columns`; headers matched by :mod:`sigmafit.io.vocabulary`, units read by
:mod:`sigmafit.io.units` and converted here, once, by :mod:`sigmafit.io.mapping`) and puts its
metadata in ``df.attrs["sigmafit"]``: ``source``, ``format``, ``kind`` (transport / optics /
magnetometry / thermal / other), ``sample``, ``geometry``, ``channels`` (``{n: {"name", "role"}}``,
role "xx" or "xy"), ``dropped`` (``[{"reason", "count"}]``, each also warned as
:class:`~sigmafit.exceptions.DataWarning`), ``units`` (original unit of each canonical column),
``origin`` (original column of each canonical column), ``mappings`` (how and why each column was
mapped), ``assumptions`` (sentences: units taken where the file states none), ``errors``
(``{value column: uncertainty column}``), ``preamble`` (free-text lines skipped before the header)
and ``notes``.  User documentation: ``docs/input-files.md``.

Formats: ``quantum_design`` (PPMS/DynaCool MultiVu .dat: Resistivity, ACT, ETO, MPMS/VSM),
``delimited`` (CSV/TSV/semicolon/whitespace text, .dpt), ``lakeshore_hms``, ``qcodes``
(SQLite; ``run=``), ``perkinelmer`` (.asc), ``refractiveindex`` (YAML), ``opus`` (Bruker
binary, optional extra), ``array2d`` (gate × field arrays), ``results`` (saved sigmafit fit
results, one row per curve).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..exceptions import DataFormatError
from . import _text
from .summary import describe, format_description
from .qcodes import list_runs

__all__ = ["load", "sniff", "describe", "format_description", "list_runs", "FORMATS"]

#: Format name → module path and function of its reader.
FORMATS = {
    "quantum_design": ("quantum_design", "read"),
    "delimited": ("delimited", "read"),
    "lakeshore_hms": ("lakeshore", "read"),
    "qcodes": ("qcodes", "read"),
    "perkinelmer": ("optics", "read_perkinelmer"),
    "refractiveindex": ("refractiveindex", "read"),
    "opus": ("opus", "read"),
    "array2d": ("array2d", "read"),
    "results": ("results", "read"),
}
#: How much of a file's start :func:`sniff` looks at (every format marks itself near the top).
SNIFF_BYTES = 1 << 16

_ALIASES = {"qd": "quantum_design", "ppms": "quantum_design", "dynacool": "quantum_design", "multivu": "quantum_design",
            "csv": "delimited", "tsv": "delimited", "txt": "delimited", "dpt": "delimited", "lakeshore": "lakeshore_hms",
            "hms": "lakeshore_hms", "sqlite": "qcodes", "db": "qcodes", "asc": "perkinelmer", "yaml": "refractiveindex",
            "yml": "refractiveindex", "json": "results"}


def sniff(path) -> str:
    """Name of the format of ``path``, decided from its content (magic bytes, section markers).

    Raises :class:`DataFormatError` for a missing, empty or unrecognised binary file.
    """
    data = _text.read_bytes(path, limit=SNIFF_BYTES + 1)  # the markers are near the top
    if data.startswith(b"\x0a\x0a\xfe\xfe"):
        return "opus"
    if data.startswith(b"SQLite format 3\x00"):
        return "qcodes"
    # the reader decodes the whole file
    text, _ = _text.decode(data[:SNIFF_BYTES], path, partial=len(data) > SNIFF_BYTES)
    from . import array2d, lakeshore, optics, quantum_design, refractiveindex, results

    if quantum_design.is_multivu(text):
        return "quantum_design"
    if optics.is_perkinelmer(text):
        return "perkinelmer"
    if lakeshore.is_lakeshore(text):
        return "lakeshore_hms"
    if refractiveindex.is_refractiveindex(text):
        return "refractiveindex"
    if array2d.is_array2d(text):
        return "array2d"
    if results.is_results_json(text) or results.is_results_table(text):
        return "results"
    return "delimited"


def load(path, *, format: str | None = None, **options: Any) -> pd.DataFrame:
    """Load an instrument or text file into a tidy DataFrame with canonical columns.

    Parameters
    ----------
    path : str or Path
        The file.
    format : str, optional
        Skip detection and use this reader (one of :data:`FORMATS`, or an alias such as
        ``"csv"``, ``"ppms"``, ``"lakeshore"``).
    **options
        Reader options: ``x_unit=`` / ``y_unit=`` (unit of an x or y column whose header
        does not say it, e.g. ``x_unit="Oe"``), ``run=`` (QCoDeS run id), ``block=`` (OPUS block).

    Returns
    -------
    pandas.DataFrame
        Canonical unit-suffixed columns (``field_T`` in T, ``temperature_K`` in K,
        ``resistance_ohm`` in Ω, ``wavenumber_cm-1`` in cm⁻¹, …); metadata in
        ``df.attrs["sigmafit"]``.
    """
    from importlib import import_module

    p = Path(path)
    name = sniff(p) if format is None else _ALIASES.get(format.lower(), format.lower())
    if name not in FORMATS:
        raise DataFormatError(f"unknown format {format!r}; expected one of {sorted(FORMATS)}", path=p)
    module, func = FORMATS[name]
    reader = getattr(import_module(f"{__name__}.{module}"), func)
    return reader(p, **options)
