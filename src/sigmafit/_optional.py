"""One place to import optional dependencies, with an error that names the extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType

from .exceptions import SigmafitError

_EXTRAS = {
    "pyarrow": "batch",
    "tqdm": "batch",
    "dask": "dask",
    "distributed": "dask",
    "brukeropus": "opus",
}


def require(module: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise :class:`SigmafitError` saying how to install it.

    >>> np = require("numpy", "arrays")
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - exercised only when missing
        top = module.split(".")[0]
        extra = _EXTRAS.get(top)
        hint = f'pip install "sigmafit[{extra}]"' if extra else f"pip install {top}"
        raise SigmafitError(f"{purpose} needs the optional package '{top}', which is not installed; run: {hint}") from exc


def available(module: str) -> bool:
    """True when ``module`` can be imported."""
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True
