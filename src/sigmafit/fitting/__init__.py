"""Fitting: one curve (:func:`fit`), several curves with shared parameters (:func:`fit_global`),
many curves (:func:`fit_batch`); every fit returns a uniform result with its warnings.

Options are resolved once into :mod:`.options` objects; one curve preparation (:mod:`.curve`) and one result
schema (:mod:`.schema`) serve every engine.  Files → curves → fits is :mod:`sigmafit.workflow`.
Submodules load on first use, so importing the option objects stays light (no lmfit).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "fit": ".single",
    "fit_global": ".global_",
    "GlobalFitResult": ".global_",
    "fit_batch": ".batch",
    "BatchResult": ".batch_result",
    "FitResult": ".result",
    "dephasing_table": ".tables",
    "fit_dephasing": ".tables",
    "BatchOptions": ".options",
    "FitSettings": ".options",
    "Preparation": ".options",
    "Window": ".options",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'sigmafit.fitting' has no attribute {name!r}") from None
    return getattr(import_module(module, __name__), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
