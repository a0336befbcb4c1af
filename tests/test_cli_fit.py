"""`sigmafit fit` end to end on the bundled raw files; numbers checked against sample_data/parameters.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sigmafit.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
TRUTH = json.loads((SAMPLE / "parameters.json").read_text())


def run(args, capsys):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_raw_ppms_file_to_lengths_per_temperature(tmp_path, capsys):
    out = tmp_path / "wal.json"
    png = tmp_path / "wal.png"
    code, text, err = run(["fit", SAMPLE / "wal_film_sweeps.dat", "--model", "hln-so", "--width", 10, "--length", 40,
                           "--bmax", 0.5, "--background", "quadratic", "--json", out, "--plot", png], capsys)
    assert code in (0, 1), err
    assert "Traceback" not in err
    doc = json.loads(out.read_text())
    assert len(doc["curves"]) == 4
    for c in doc["curves"]:
        T = c["source"]["curve"]["temperature_K"]
        L_true = TRUTH["film"]["L_phi_nm"][f"{T:.1f}"]
        L = c["params"]["L_phi"]
        # within 3σ or 0.3 % (interpolation of the symmetrized grid through the cusp)
        assert abs(L["value"] - L_true) <= max(3 * L["stderr"], 0.003 * L_true), (T, L, L_true)
        Lso = c["params"]["L_so"]
        assert abs(Lso["value"] - TRUTH["film"]["L_so_nm"]) <= 3 * Lso["stderr"] + 0.01 * TRUTH["film"]["L_so_nm"]
        assert c["data"]["x"] and len(c["data"]["fine_x"]) == len(c["data"]["fine_y"])
    assert png.stat().st_size > 10_000
    # the estimated field offset is the one the file was made with
    prep = doc["curves"][0]["source"]["prepare"]
    offsets = next(step["B0_T"] for step in prep if step["step"] == "field_offset")
    for b0 in offsets.values():
        assert b0 == pytest.approx(TRUTH["film"]["field_offset_T"], abs=2e-4)


def test_global_fit_then_dephasing_from_the_saved_result(tmp_path, capsys):
    out = tmp_path / "global.json"
    code, text, err = run(["fit", SAMPLE / "wal_film_sweeps.dat", "--model", "hln-so", "--width", 10, "--length", 40,
                           "--bmax", 0.5, "--share", "L_so", "--background", "quadratic", "--json", out], capsys)
    assert code in (0, 1), err
    g = json.loads(out.read_text())
    assert g["global"] is True
    shared = g["shared"]["L_so"]
    assert shared["value"] == pytest.approx(TRUTH["film"]["L_so_nm"], abs=3 * shared["stderr"])
    # L_phi(T) read straight from that result; p = 1 and L_phi(1 K) = 500 nm were used to make the data
    deph = tmp_path / "deph.json"
    code, text, err = run(["fit", out, "--model", "dephasing", "--json", deph], capsys)
    assert code in (0, 1), err
    d = json.loads(deph.read_text())
    p = d["params"]["p"]
    assert p["value"] == pytest.approx(TRUTH["film"]["p"], abs=max(3 * p["stderr"], 0.01))
    assert d["params"]["L1"]["value"] == pytest.approx(TRUTH["film"]["L_phi_1K_nm"], rel=0.01)
    assert d["source"]["weights"].startswith("1/L_phi_err_nm")


def test_ln_t_slope_from_r_of_t(tmp_path, capsys):
    out = tmp_path / "lnt.json"
    code, text, err = run(["fit", SAMPLE / "wal_film_rt.csv", "--model", "lnT", "--tmax", 10, "--width", 10,
                           "--length", 40, "--json", out], capsys)
    assert code in (0, 1), err
    A = json.loads(out.read_text())["params"]["A"]
    # Bloch–Grüneisen adds a (T/Θ)^5 term that is < 1e-4 of the ln T term below 10 K
    assert A["value"] == pytest.approx(TRUTH["film"]["A_lnT"], abs=max(3 * A["stderr"], 0.005))
    assert json.loads(out.read_text())["window"]["max"] == 10


def test_hopping_law_on_the_insulator(capsys):
    code, text, err = run(["fit", SAMPLE / "insulating_film_rt.csv", "--model", "vrh-es"], capsys)
    assert code in (0, 1), err
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("T0"))
    T0 = float(line.split()[1])
    assert T0 == pytest.approx(TRUTH["insulator"]["T0_K"], rel=0.03)


def test_optics_spectrum_drude_lorentz(tmp_path, capsys):
    out = tmp_path / "opt.json"
    code, text, err = run(["fit", SAMPLE / "metal_optical_sigma.txt", "--model", "drude-lorentz", "--xmax", "4eV",
                           "--json", out], capsys)
    assert code in (0, 1), err
    prm = json.loads(out.read_text())["params"]
    truth = TRUTH["optics"]
    for name, key in (("wp", "wp_cm-1"), ("gamma", "gamma_cm-1"), ("eps_inf", "eps_inf")):
        assert prm[name]["value"] == pytest.approx(truth[key], abs=3 * prm[name]["stderr"] + 0.005 * truth[key])
    assert prm["nu01"]["value"] == pytest.approx(truth["oscillators"][0]["nu0_cm-1"], rel=0.01)


def test_spectral_weight_from_data_and_model(tmp_path, capsys):
    out = tmp_path / "sw.json"
    code, text, err = run(["fit", SAMPLE / "metal_optical_sigma.txt", "--model", "drude-lorentz", "--xmax", "4eV",
                           "--cutoff", "0.5eV", "--cutoff", "3eV", "--json", out], capsys)
    assert code in (0, 1), err
    doc = json.loads(out.read_text())
    assert doc["sum_rule_deviation"] < 1e-4
    lo, hi = doc["spectral_weight"]
    # between two cut-offs inside the data the measured and the model weight agree (1 % noise)
    assert hi["W_data"] - lo["W_data"] == pytest.approx(hi["W_model"] - lo["W_model"], rel=0.01)
    assert lo["cutoff_cm-1"] == pytest.approx(0.5 * 8065.544, rel=1e-6)  # PHYSICS.md §5
    assert "spectral weight" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fit", "nope.dat", "--model", "hln"], "no such file"),
        (["fit", SAMPLE / "wal_film_sweeps.dat", "--model", "hlm"], "unknown model 'hlm'"),
        (["fit", SAMPLE / "wal_film_sweeps.dat", "--model", "hln"], "needs the sample geometry"),
        (["fit", SAMPLE / "wal_film_sweeps.dat", "--model", "hln", "--width", 10], "needs both --width and --length"),
        (["fit", SAMPLE / "wal_film_sweeps.dat", "--model", "hln", "--sheet", "--fix", "L_phi"], "NAME=VALUE"),
        (["fit", SAMPLE / "wal_film_sweeps.dat", "--model", "hln", "--sheet", "--bmax", "big"], "--bmax expects"),
        (["fit", SAMPLE / "metal_optical_sigma.txt", "--model", "drude", "--xmax", "1 parsec"], "unknown unit"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(args, message, capsys):
    code, text, err = run(args, capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_help_has_examples(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["fit", "--help"])
    assert exc.value.code == 0
    assert "examples:" in capsys.readouterr().out
