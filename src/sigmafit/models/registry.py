"""Name → model class registry used by the CLI, ``sigmafit.fit`` and batch runs.

Model modules register their classes with :func:`register` at import;
:func:`get` and :func:`available` import every family module first.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from ..exceptions import FitError, ModelOptionError
from .base import SigmafitModel

#: Family modules (under ``sigmafit.models``) that register models on import.
FAMILY_MODULES = ("localization", "temperature", "hopping", "bloch_gruneisen", "optics", "background", "measurement", "carriers", "heat", "metal_insulator")

_REGISTRY: dict[str, type[SigmafitModel]] = {}
_loaded = False


def register(cls: type[SigmafitModel]) -> type[SigmafitModel]:
    """Class decorator: add ``cls`` under ``cls.name`` (names are unique)."""
    if not cls.name:
        raise TypeError(f"{cls.__name__} has no registry name")
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise TypeError(f"model name {cls.name!r} is registered twice")
    _REGISTRY[cls.name] = cls
    return cls


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    for mod in FAMILY_MODULES:
        try:
            import_module(f"{__package__}.{mod}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.{mod}":
                raise
    _loaded = True


def model_class(name: str) -> type[SigmafitModel]:
    """The class registered as ``name``; :class:`FitError` listing the choices otherwise."""
    _load_all()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise FitError(f"unknown model {name!r}; choose one of: {', '.join(sorted(_REGISTRY))}") from None


def get(name: str, **kwargs: Any) -> SigmafitModel:
    """A new instance of the model registered as ``name`` (``kwargs`` go to its constructor)."""
    cls = model_class(name)
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ModelOptionError(f"model {name!r}: {exc}") from None


def available(family: str | None = None) -> list[str]:
    """Registered model names, sorted by family then name; only ``family`` if given."""
    _load_all()
    items = sorted(_REGISTRY.values(), key=lambda c: (c.family, c.name))
    return [c.name for c in items if family is None or c.family == family]
