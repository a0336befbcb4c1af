"""Jupyter views of result objects, kept for the results that still call them by these names: thin
wrappers that take the object's summary (with data) and hand it to :mod:`.backend`."""

from __future__ import annotations

from .backend import figure_png_base64
from .backend import fit_html as _fit_html
from .backend import global_html as _global_html

__all__ = ["figure_png_base64", "fit_html", "global_html"]


def fit_html(result) -> str:
    """Table and figure of one FitResult for Jupyter (:func:`.backend.fit_html` of its summary)."""
    return _fit_html(result.summary(include_data=True))


def global_html(result) -> str:
    """Shared parameters, per-curve table and overlay figure of a global fit (:func:`.backend.global_html`)."""
    return _global_html(result.summary(include_data=True))
