"""The argparse choices that `sigmafit fit` / `sigmafit batch` type out by hand (so `sigmafit --help` need not
import the models, ~0.9 s of lmfit) are the ones the models declare: a choice added to a model's Literal
must reach the flag, and a flag must not offer what the model refuses."""

from __future__ import annotations

import argparse
import typing

import pytest

from sigmafit.cli.main import build_parser
from sigmafit.models.carriers import Signs
from sigmafit.models.measurement import Carrier, WLHall
from sigmafit.models.optical_observables import FilmStack


def _choices(verb: str) -> dict[str, tuple]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[verb]
    return {a.option_strings[0]: tuple(a.choices) for a in sub._actions if a.option_strings and a.choices is not None}


_film = typing.get_type_hints(FilmStack)


@pytest.mark.parametrize("verb", ["fit", "batch"])
@pytest.mark.parametrize(("flag", "declared"), [
    ("--carrier", typing.get_args(Carrier)),
    ("--wl-hall", typing.get_args(WLHall)),
    ("--signs", typing.get_args(Signs)),
    ("--film-reference", typing.get_args(_film["reference"])),
    ("--film-method", typing.get_args(_film["method"])),
])
def test_flag_choices_are_the_models_literals(verb, flag, declared):
    assert set(_choices(verb)[flag]) == set(declared)
