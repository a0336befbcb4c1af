"""`sigmafit fit` end to end on the bundled raw files; numbers checked against sample_data/parameters.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sigmafit.exceptions import DataWarning

from sigmafit.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
TRUTH = json.loads((SAMPLE / "parameters.json").read_text())


def run(args, capsys):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_raw_ppms_file_to_lengths_per_temperature(tmp_path, capsys):
    """The default path for raw R(B): the measurement model of every reading (sample_data truth in parameters.json)."""
    out = tmp_path / "wal.json"
    png = tmp_path / "wal.png"
    code, text, err = run(["fit", SAMPLE / "wal_film_sweeps.dat", "--model", "hln-so", "--width", 10, "--length", 40,
                           "--bmax", 0.5, "--json", out, "--plot", png], capsys)
    assert code in (0, 1), err
    assert "Traceback" not in err
    doc = json.loads(out.read_text())
    assert len(doc["curves"]) == 4
    for c in doc["curves"]:
        T = c["source"]["curve"]["temperature_K"]
        for name, true in (("L_phi", TRUTH["film"]["L_phi_nm"][f"{T:.1f}"]), ("L_so", TRUTH["film"]["L_so_nm"]),
                           ("B_off", TRUTH["film"]["field_offset_T"])):
            e = c["params"][name]
            assert abs(e["value"] - true) <= 3 * e["stderr"], (T, name, e, true)
        st = c["statistics"]
        assert st["weighted"] and 0.8 < st["redchi"] < 1.25  # per-point noise from the data: a real goodness of fit
        assert c["data"]["x"] and len(c["data"]["fine_x"]) == len(c["data"]["fine_y"]) and c["data"]["y_name"] == "delta_sigma_S"
        assert set(c["data"]["raw"]["channel"]) == {0, 1}  # R_xx and R_xy readings, both fitted
    assert png.stat().st_size > 10_000


@pytest.fixture
def saved_axes(monkeypatch):
    """The axis labels of every figure `sigmafit fit --plot` saves: [(x label, y label, legend texts)]."""
    from matplotlib.figure import Figure

    seen = []
    original = Figure.savefig

    def savefig(fig, *args, **kwargs):
        ax = fig.axes[0]
        low = getattr(ax, "residual_axes", ax)
        seen.append((low.get_xlabel(), ax.get_ylabel(), [t.get_text() for t in ax.get_legend().get_texts()]))
        return original(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return seen


def test_several_raw_curves_plot_delta_sigma_not_resistance(tmp_path, capsys, saved_axes):
    """Raw R(B) curves fitted one by one are drawn as the measurement model's Δσ(B) (what the data block holds);
    the y axis used to read R (Ω), the fitted column, under Δσ data."""
    code, _, err = run(["fit", SAMPLE / "wal_film_sweeps.dat", "--model", "hln", "--width", 10, "--length", 40, "--bmax", 0.5,
                        "--by", "temperature_K", "--plot", tmp_path / "wal.png"], capsys)
    assert code in (0, 1), err
    assert saved_axes == [("$B$ (T)", r"$\Delta\sigma$ ($e^2/\pi h$)", ["T = 2 K", "T = 4 K", "T = 8 K", "T = 15 K"])]


def test_several_delta_sigma_curves_keep_their_axes(tmp_path, capsys, saved_axes):
    """Curves of Δσ fitted one by one (no measurement model, so no axis names in the data block) still read B and Δσ."""
    import numpy as np
    import pandas as pd

    from sigmafit.models.formulas import localization as F

    B = np.linspace(-0.1, 0.1, 101)
    rng = np.random.default_rng(5)
    frame = pd.concat([pd.DataFrame({"field_T": B, "delta_sigma_S": F.hln(B, -0.5, F.char_field(L * 1e-9)) + rng.normal(0, 2e-8, B.size),
                                     "temperature_K": T}) for T, L in ((2.0, 300.0), (4.0, 200.0))])
    path = tmp_path / "ds.csv"
    frame.to_csv(path, index=False)
    code, _, err = run(["fit", path, "--model", "hln", "--by", "temperature_K", "--plot", tmp_path / "ds.png"], capsys)
    assert code in (0, 1), err
    assert saved_axes == [("$B$ (T)", r"$\Delta\sigma$ ($e^2/\pi h$)", ["T = 2 K", "T = 4 K"])]


def test_transform_path_still_fits_delta_sigma(tmp_path, capsys):
    out = tmp_path / "wal.json"
    with pytest.warns(DataWarning, match="no partner at −B"):  # the file's step changes at 20 mT and 0.2 T
        code, text, err = run(["fit", SAMPLE / "wal_film_sweeps.dat", "--model", "hln-so", "--width", 10, "--length", 40,
                               "--bmax", 0.5, "--transform", "--background", "quadratic", "--json", out], capsys)
    assert code in (0, 1), err
    c = json.loads(out.read_text())["curves"][0]
    assert c["source"]["y"] == "delta_sigma_S" and "off_c0" in c["params"]  # Δσ with its free offset
    prep = c["source"]["prepare"]
    offsets = next(step["B0_T"] for step in prep if step["step"] == "field_offset")
    for b0 in offsets.values():  # the estimated field offset is the one the file was made with
        assert b0 == pytest.approx(TRUTH["film"]["field_offset_T"], abs=2e-4)


def test_global_fit_then_dephasing_from_the_saved_result(tmp_path, capsys):
    """Acceptance of the raw-file issue on sample_data: every parameter within 2σ of what the data were made with,
    and the dephasing law fitted to those L_φ with χ²_ν < 2."""
    out = tmp_path / "global.json"
    code, text, err = run(["fit", SAMPLE / "wal_film_sweeps.dat", "--model", "hln-so", "--width", 10, "--length", 40,
                           "--bmax", 0.5, "--share", "L_so", "--json", out], capsys)
    assert code in (0, 1), err
    g = json.loads(out.read_text())
    assert g["global"] is True
    assert "curve" not in g["source"] and g["source"]["path"].endswith("wal_film_sweeps.dat")  # not one curve's label
    shared = g["shared"]["L_so"]
    assert abs(shared["value"] - TRUTH["film"]["L_so_nm"]) <= 2 * shared["stderr"]
    for c in g["curves"]:
        L = c["params"]["L_phi"]
        assert abs(L["value"] - TRUTH["film"]["L_phi_nm"][f"{c['label']:.1f}"]) <= 2 * L["stderr"], c["label"]
    # L_phi(T) read straight from that result; p = 1 and L_phi(1 K) = 500 nm were used to make the data
    deph = tmp_path / "deph.json"
    code, text, err = run(["fit", out, "--model", "dephasing", "--json", deph], capsys)
    assert code in (0, 1), err
    d = json.loads(deph.read_text())
    for name, true in (("p", TRUTH["film"]["p"]), ("L1", TRUTH["film"]["L_phi_1K_nm"])):
        e = d["params"][name]
        assert abs(e["value"] - true) <= 2 * e["stderr"], (name, e, true)
    assert d["statistics"]["redchi"] < 2
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
