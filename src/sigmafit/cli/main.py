"""Entry point of the ``sigmafit`` command: builds the parser from one module per verb.

Each verb module defines ``register(subparsers)`` which adds its sub-parser and sets
``func=run``.  Errors a user can fix (:class:`~sigmafit.exceptions.SigmafitError`,
missing files) are printed as one sentence and exit with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from importlib import import_module

from .._version import __version__
from ..exceptions import SigmafitError, SigmafitWarning

#: Verb modules, in the order ``--help`` lists them.
VERBS = ["info", "fit", "batch", "report", "models", "demo", "run"]

EPILOG = """examples:
  sigmafit demo --out demo_report              # whole pipeline on the bundled sample data
  sigmafit info sample_data/wal_film_sweeps.dat
  sigmafit fit sample_data/wal_film_sweeps.dat --model hln-so --width 10 --length 40 --json out.json --plot out.png
  sigmafit models
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sigmafit",
        description="Fit optical conductivity, weak-(anti)localization magnetoconductance and σ(T) laws.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sigmafit {__version__}")
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for verb in VERBS:
        try:
            module = import_module(f"{__package__}.{verb}")
        except ModuleNotFoundError as exc:  # verb not built yet in this checkout
            if exc.name == f"{__package__}.{verb}":
                continue
            raise
        module.register(sub)
    return parser




def _format_warning(message, category, filename, lineno, line=None):  # pragma: no cover - cosmetic
    return f"warning: {message}\n"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    warnings.formatwarning = _format_warning
    warnings.simplefilter("always", SigmafitWarning)
    try:
        code = args.func(args)
    except SigmafitError as exc:
        print(f"sigmafit {args.verb}: error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"sigmafit {args.verb}: error: no such file: {exc.filename}", file=sys.stderr)
        return 2
    except IsADirectoryError as exc:
        print(f"sigmafit {args.verb}: error: {exc.filename} is a folder, not a file", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(f"sigmafit {args.verb}: interrupted", file=sys.stderr)
        return 130
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
