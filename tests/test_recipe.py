"""Analysis recipes: validation errors name the key (exit 2, one sentence); a recipe runs relative to its folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from sigmafit.recipe import RecipeError, parse_recipe, run_recipe
from test_report_shared import SAMPLE

GOOD = """
title = "small"
[[fit]]
name = "rt"
file = "wal_film_rt.csv"
model = "lnT"
width_um = 10
length_um = 40
tmax = 10.0
[report]
out = "out"
"""


@pytest.fixture()
def folder(tmp_path):
    shutil.copy(SAMPLE / "wal_film_rt.csv", tmp_path)
    return tmp_path


def _write(folder, text):
    p = folder / "r.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_demo_recipe_is_valid():
    r = parse_recipe(SAMPLE / "demo.toml")
    assert [f["name"] for f in r.fits] == ["wal", "lnT", "hopping", "optics", "heat"]
    assert r.trends[0]["from"] == "wal" and r.trends[0]["model"] == "dephasing"


@pytest.mark.parametrize(("patch", "message"), [
    (("tmax = 10.0", "tmaxx = 10.0"), "unknown key 'tmaxx'"),
    (('model = "lnT"', 'model = "lnX"'), "key 'model' = 'lnX' is not a model"),
    (('file = "wal_film_rt.csv"', 'file = "nope.csv"'), "key 'file' = 'nope.csv' does not exist"),
    (("width_um = 10\n", ""), "needs both keys 'width_um' and 'length_um'"),
    (("tmax = 10.0", 'tmax = "cold"'), "key 'tmax' must be a temperature in K"),
    (('name = "rt"', 'name = "r t"'), "key 'name' must be letters"),
    (("tmax = 10.0", "fix = { B = 1.0 }"), "fix names unknown parameter 'B'"),
    (("[report]", "[[trend]]\nkind = \"dephasing\"\nfrom = \"rt\"\n[report]"), "has no L_phi"),
    (("[report]", "[[trend]]\nkind = \"dephasing\"\nfrom = \"wal\"\n[report]"), "key 'from' = 'wal' names no [[fit]]"),
    (("[report]", "[[trend]]\nkind = \"spin\"\nfrom = \"rt\"\n[report]"), "key 'kind' = 'spin' is not known"),
    (('out = "out"', "out = 3"), "[report]: key 'out' must be"),
    (("title", "titel"), "unknown top-level key 'titel'"),
])
def test_validation_names_the_key(folder, patch, message):
    p = _write(folder, GOOD.replace(*patch, 1))
    with pytest.raises(RecipeError) as exc:
        parse_recipe(p)
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_no_fit_and_bad_toml(folder):
    with pytest.raises(RecipeError, match=r"at least one \[\[fit\]\]"):
        parse_recipe(_write(folder, 'title = "x"\n'))
    with pytest.raises(RecipeError, match="not valid TOML"):
        parse_recipe(_write(folder, "[[fit]\n"))


def test_run_writes_results_and_report_relative_to_the_recipe(folder):
    run = run_recipe(_write(folder, GOOD))
    assert run.out == folder / "out"
    saved = json.loads((folder / "out" / "results" / "rt.json").read_text())
    assert saved["model"] == "lnT" and saved["params"]["A"]["value"] == pytest.approx(0.6, rel=0.02)
    assert "data" in saved  # the report can redraw without refitting
    html = (folder / "out" / "report.html").read_text(encoding="utf-8")
    assert "wal_film_rt.csv" in html and "r.toml" in html and 'name = &quot;rt&quot;' in html  # inputs, recipe text (escaped)


def test_cli_run_exit_codes(folder):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    bad = _write(folder, GOOD.replace("tmax = 10.0", "tmaxx = 10.0"))
    p = subprocess.run([sys.executable, "-m", "sigmafit.cli.main", "run", str(bad)], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 2 and p.stderr.strip().count("\n") == 0 and "tmaxx" in p.stderr
    good = _write(folder, GOOD)
    p = subprocess.run([sys.executable, "-m", "sigmafit.cli.main", "run", str(good), "--check"], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0 and "valid" in p.stdout


def test_quantities_with_units_read_as_on_the_command_line(folder):
    """bmax = "500mT", field_offset = "3mT", tmax = "10K" are what `sigmafit fit --bmax 500mT …` accepts; the recipe
    refused them ('must be a number (T)') although run_fit converts them.  They fit exactly as 0.5 T, 0.003 T, 10 K."""
    shutil.copy(SAMPLE / "wal_film_sweeps.dat", folder)
    wal = """
[[fit]]
name = "wal"
file = "wal_film_sweeps.dat"
model = "hln"
width_um = 10
length_um = 40
transform = true
{}
"""
    runs = {}
    for tag, wal_keys, rt_key in (("units", 'bmax = "500mT"\nfield_offset = "3mT"', 'tmax = "10K"'),
                                  ("numbers", "bmax = 0.5\nfield_offset = 0.003", "tmax = 10.0")):
        text = wal.format(wal_keys) + GOOD.replace("tmax = 10.0", rt_key).split("[report]")[0].replace('title = "small"', "")
        runs[tag] = run_recipe(_write(folder, text), out=folder / tag, report=False).summaries
    for name in ("wal", "rt"):
        a, b = runs["units"][name], runs["numbers"][name]
        for s, t in zip(a.get("curves", [a]), b.get("curves", [b])):
            assert s["params"] == t["params"] and s["window"] == t["window"]
    assert runs["units"]["wal"]["curves"][0]["window"]["abs_max"] == 0.5 and runs["units"]["rt"]["window"]["max"] == 10
    offset = next(p for p in runs["units"]["wal"]["curves"][0]["source"]["prepare"] if p["step"] == "field_offset")
    assert set(offset["B0_T"].values()) == {0.003}
