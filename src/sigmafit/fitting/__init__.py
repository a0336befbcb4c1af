"""Fitting: one curve (:func:`fit`), several curves with shared parameters (:func:`fit_global`),
many curves (:func:`fit_batch`); every fit returns a uniform result with its warnings."""

from .result import FitResult
from .batch import BatchResult, fit_batch, fit_batch_files
from .global_ import GlobalFitResult, fit_global
from .single import fit
from .tables import dephasing_table, fit_dephasing

__all__ = ["FitResult", "GlobalFitResult", "dephasing_table", "fit", "fit_dephasing", "fit_global"]
__all__ += ["BatchResult", "fit_batch", "fit_batch_files"]
