"""Exception and warning classes of sigmafit.

Users filter our warnings by class (``warnings.simplefilter("ignore", FitQualityWarning)``);
the CLI turns :class:`SigmafitError` into one sentence on stderr and exit status 2.
"""

from __future__ import annotations


class SigmafitError(Exception):
    """Base class of every error sigmafit raises on purpose."""


class DataFormatError(SigmafitError, ValueError):
    """A file or DataFrame cannot be read or lacks what a step needs.

    The message is one sentence that names the file (and line or column where known)
    and says what was expected.
    """

    def __init__(self, message: str, *, path=None, line: int | None = None, column: str | None = None):
        self.path = None if path is None else str(path)
        self.line = line
        self.column = column
        prefix = ""
        if self.path is not None and self.path not in message:
            prefix = f"{self.path}"
            if line is not None:
                prefix += f", line {line}"
            prefix += ": "
        super().__init__(prefix + message)


class FitError(SigmafitError, RuntimeError):
    """A fit could not be set up or run (bad model name, no data in the window, …)."""


class SigmafitWarning(UserWarning):
    """Base class of sigmafit warnings."""


class DataWarning(SigmafitWarning):
    """Something in the input was dropped, padded, or looks suspicious (counted, never silent)."""


class FitQualityWarning(SigmafitWarning):
    """A fitted number should not be trusted as it stands (see ``FitResult.warnings``)."""


class ModelOptionError(FitError, ValueError):
    """A model was asked for with options it does not take (bad observable, oscillator count …)."""
