"""Entry point of the ``sigmafit`` command: builds the parser from one module per verb.

Each verb module defines ``register(subparsers)`` which adds its sub-parser and sets
``func=run``.  One exit-status rule for every verb: 0 done cleanly, 1 done with warnings (results
written), 2 bad input or usage (one sentence naming the file, line or column — never a traceback),
3 internal error (a defect: one line asking for a report; ``SIGMAFIT_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
import warnings
from importlib import import_module

from pathlib import Path

from .._version import __version__
from ..exceptions import SigmafitError, SigmafitWarning

#: Exit status of an internal error (a defect), distinct from 0 ok, 1 warnings, 2 bad input.
EXIT_INTERNAL = 3
ISSUES_URL = "https://github.com/sigmafit/sigmafit/issues"

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


def _run_verb(args) -> int:
    """Run the verb with sigmafit's warnings shown one line each, without changing the caller's warning filters."""
    shown = warnings.formatwarning
    warnings.formatwarning = _format_warning
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", SigmafitWarning)
            # a derived quantity of a parameter at 0 (Θ_D at β = 0) is printed as inf: no numpy line about it
            warnings.filterwarnings("ignore", category=RuntimeWarning, module="asteval")
            return args.func(args)
    finally:
        warnings.formatwarning = shown


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code = _run_verb(args)
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
    except PermissionError as exc:
        print(f"sigmafit {args.verb}: error: permission denied: {exc.filename}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"sigmafit {args.verb}: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print(f"sigmafit {args.verb}: internal error: out of memory; please report it with the command and the file "
              f"size at {ISSUES_URL}", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # noqa: BLE001 - any other exception is a defect of sigmafit, not of the input
        if os.environ.get("SIGMAFIT_DEBUG"):
            traceback.print_exc()
        where = traceback.extract_tb(exc.__traceback__)[-1]
        print(f"sigmafit {args.verb}: internal error ({type(exc).__name__} at {Path(where.filename).name}:{where.lineno}); "
              f"this is a defect of sigmafit — please report it with the command at {ISSUES_URL}", file=sys.stderr)
        return EXIT_INTERNAL
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
