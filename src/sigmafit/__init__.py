"""sigmafit — fit optical conductivity, weak-(anti)localization magnetoconductance and σ(T) laws.

Public API (DESIGN.md §4)::

    import sigmafit
    df = sigmafit.load("sweeps.dat")                 # tidy, unit-normalized DataFrame
    res = sigmafit.fit(curve, "hln", x="field_T", y="delta_sigma_S")
    res.summary(); res.plot()
    sigmafit.models.available()

Importing sigmafit stays light (no matplotlib); heavy pieces load on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from ._version import __version__
from .exceptions import DataFormatError, FitError, FitQualityWarning, SigmafitError

__all__ = [
    "__version__",
    "load",
    "fit",
    "fit_global",
    "fit_batch",
    "fit_batch_files",
    "fit_file",
    "models",
    "prepare",
    "SigmafitError",
    "DataFormatError",
    "FitError",
    "FitQualityWarning",
]

_LAZY = {
    "load": ("sigmafit.io", "load"),
    "fit": ("sigmafit.fitting", "fit"),
    "fit_global": ("sigmafit.fitting", "fit_global"),
    "fit_batch": ("sigmafit.fitting", "fit_batch"),
    "fit_batch_files": ("sigmafit.workflow", "fit_batch_files"),
    "fit_file": ("sigmafit.workflow", "fit_file"),
    "workflow": ("sigmafit.workflow", None),
    "models": ("sigmafit.models", None),
    "prepare": ("sigmafit.prepare", None),
    "io": ("sigmafit.io", None),
    "fitting": ("sigmafit.fitting", None),
    "report": ("sigmafit.report", None),
}


def __getattr__(name: str) -> Any:
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'sigmafit' has no attribute {name!r}") from None
    mod = import_module(module)
    return mod if attr is None else getattr(mod, attr)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
