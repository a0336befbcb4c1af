"""Models: lmfit Model subclasses over the pure formulas in :mod:`sigmafit.models.formulas`.

>>> from sigmafit import models
>>> models.available()[:3]          # doctest: +SKIP
>>> hln = models.get("hln")
"""

from .base import Derived, Param, SigmafitModel, components, derived_names, independent_kwargs, param_units
from .registry import available, get, model_class, register

__all__ = [
    "Derived",
    "Param",
    "SigmafitModel",
    "available",
    "components",
    "derived_names",
    "get",
    "independent_kwargs",
    "model_class",
    "param_units",
    "register",
]
