"""``sigmafit models``: list the model registry with parameters, units and one line of physics."""

from __future__ import annotations

import argparse


def register(sub) -> None:
    p = sub.add_parser(
        "models",
        help="list the available models with their parameters and units",
        description="List every model in the registry: name, physics, parameters with units and bounds.",
        epilog="examples:\n  sigmafit models\n  sigmafit models --family optics\n  sigmafit models hln-so",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("name", nargs="?", help="show one model in detail")
    p.add_argument("--family", choices=["magnetoconductance", "temperature", "optics", "carriers", "heat", "metal-insulator",
                                        "background"], help="only this family")
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import models

    names = [args.name] if args.name else models.available(family=args.family)
    for name in names:
        print(models.get(name).describe())
        print()
    return 0
