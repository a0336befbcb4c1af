"""The optics CLI examples on real refractiveindex.info n,k tables (CC0): Drude in the IR, Drude–Lorentz in the visible.

Gold: free-electron ħω_p ≈ 8–9.5 eV and τ of 10–20 fs are the textbook range (SOURCE.md of
refractiveindex-au-olmon: a quick Drude check gives ħω_p ≈ 8.8 eV, γ ≈ 45 meV ↔ τ ≈ 15 fs).
"""

import json

import pytest

from sigmafit.cli.main import main

def _fit(args, tmp_path, capsys):
    out = tmp_path / "r.json"
    code = main(["fit"] + [str(a) for a in args] + ["--json", str(out)])
    err = capsys.readouterr().err
    assert code in (0, 1), err
    return json.loads(out.read_text())

def test_drude_on_gold_infrared(external_dir, tmp_path, capsys):
    doc = _fit([external_dir / "formats" / "refractiveindex-au-olmon" / "Olmon-ev.yml", "--model", "drude",
                "--xmax", "1eV", "--fix", "eps_inf=1"], tmp_path, capsys)
    assert doc["success"]
    assert doc["source"]["y"] == "n+k"  # the file's own observable, not a derived σ1
    assert 8.0 < doc["derived"]["hbar_wp"]["value"] < 9.5
    assert 10.0 < doc["derived"]["tau"]["value"] < 25.0
    assert doc["derived"]["tau"]["unit"] == "fs" and doc["derived"]["sigma0"]["unit"] == "S/cm"

def test_drude_lorentz_over_the_visible(external_dir, tmp_path, capsys):
    doc = _fit([external_dir / "optics" / "refractiveindex-metals" / "Au_Johnson.yml", "--model", "drude-lorentz",
                "--oscillators", "3", "--xmin", "0.6eV", "--xmax", "5eV"], tmp_path, capsys)
    assert doc["success"]
    p = doc["params"]
    assert all(p[k]["value"] > 0 for k in p if k != "eps_inf")  # passive: every term positive
    centres = [p[f"nu0{j}"]["value"] / 8065.544 for j in (1, 2, 3)]  # eV, PHYSICS.md §5
    assert centres == sorted(centres)  # ordered, non-degenerate oscillators
    assert 2.0 < centres[0] < 3.5  # gold's interband edge near 2.5 eV
    assert 8.0 < doc["derived"]["hbar_wp"]["value"] < 9.5
    assert doc["statistics"]["r_squared"] > 0.99


def test_film_transmittance_from_the_command_line(external_dir, tmp_path, capsys):
    """The PerkinElmer %T file with the sample given on the command line: a 1 mm incoherent slab, the window in
    wavelengths (390–1200 nm, the two ends swap on the way to cm⁻¹)."""
    path = external_dir / "formats" / "perkinelmer-uvvis-asc" / "KTF-D.Probe.Raw.asc"
    out = tmp_path / "film.json"
    code = main(["fit", str(path), "--model", "lorentz", "--oscillators", "1", "--thickness", "1e6", "--substrate-n", "1.0",
                 "--film-method", "incoherent", "--xmin", "390nm", "--xmax", "1200nm", "--json", str(out)])
    assert code in (0, 1), capsys.readouterr().err
    doc = json.loads(out.read_text())
    assert doc["source"]["y"] == "transmittance" and doc["params"]["eps_inf"]["value"] >= 1.0
    assert doc["window"]["min"] == pytest.approx(1e7 / 1200) and doc["window"]["max"] == pytest.approx(1e7 / 390)
    assert 1e7 / 1200 < doc["params"]["nu01"]["value"] < 1e7 / 390


def test_film_without_thickness_is_refused(external_dir, capsys):
    path = external_dir / "formats" / "perkinelmer-uvvis-asc" / "KTF-D.Probe.Raw.asc"
    assert main(["fit", str(path), "--model", "lorentz", "--oscillators", "1", "--substrate-n", "1.0"]) == 2
    assert "needs the film thickness" in capsys.readouterr().err
