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
                                        "measurement", "background"], help="only this family")
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import models

    from ..exceptions import SigmafitError

    names = [args.name] if args.name else models.available(family=args.family)
    for name in names:
        try:
            text = models.get(name).describe()
        except SigmafitError:  # a model built from options (the measurement model needs a geometry)
            cls = models.model_class(name)
            text = (f"{cls.name}  [{cls.family}]  {cls.physics}\n  built by `sigmafit fit` / `batch` from the options: "
                    "the physics model (--model), the geometry (--width/--length, --vdp, --sheet), --carrier, "
                    "--bands, --wl-hall; see docs/measurement-model.md")
        print(text)
        print()
    return 0
