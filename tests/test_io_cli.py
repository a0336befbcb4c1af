"""``sigmafit info`` through main([...]): exit codes and the summary text."""

from __future__ import annotations

import json

import pytest

from sigmafit.cli.main import main


def run(capsys, *argv):
    code = main(["info", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_info_ppms(external_dir, capsys):
    code, out, _ = run(capsys, external_dir / "formats/ppms-resistivity-snse-nbse2/Resistivity_Ch1_TMR_Ch2_Hall_test.dat")
    assert code == 0
    assert "format:  quantum_design" in out and "rows:    2802" in out
    assert "field_T [T]" in out and "'Magnetic Field (Oe)'" in out and "file unit: Oe" in out
    assert "1: TMR  role=xx" in out and "2: Hall  role=xy" in out
    assert "sweeps along field_T" in out


def test_info_eto_lists_dropped(external_dir, capsys):
    code, out, _ = run(capsys, external_dir / "formats/dynacool-eto-eucuas/testPPMS.dat")
    assert code == 0 and "dropped: 58 invalid ETO readings" in out


def test_info_json(external_dir, capsys):
    code, out, _ = run(capsys, external_dir / "formats/lakeshore-hms-hall/22-211-G_Hall_23K-320K_TT-Halter.txt", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["format"] == "lakeshore_hms" and d["rows"] == 202 and d["geometry"]["thickness_um"] == 3.0
    names = {c["name"]: c for c in d["columns"]}
    assert names["field_T"]["from"] == "Field [G]" and names["field_T"]["original_unit"] == "G"


def test_info_qcodes_lists_runs(external_dir, capsys):
    db = external_dir / "formats/qcodes-sqlite-measureit/Example_database.db"
    code, out, _ = run(capsys, db)
    assert code == 0 and "16 runs" in out and "testSimu" in out
    code, out, _ = run(capsys, db, "--run", 3)
    assert code == 0 and "run_id: 3" in out


def test_info_magnetometry(data_dir, capsys):
    code, out, _ = run(capsys, data_dir / "mpms_synthetic.dat")
    assert code == 0 and "magnetometry data only" in out


def test_info_x_unit(external_dir, capsys):
    path = external_dir / "magnetotransport/tbg_wse2_wal_polski/Data_array.txt"
    code, _, err = run(capsys, path)
    assert code == 2 and "pass --x-unit" in err and err.count("\n") == 1
    code, out, _ = run(capsys, path, "--x-unit", "mT")
    assert code == 0 and "conductance_S [S]" in out


@pytest.mark.parametrize("name", ["empty.dat", "garbage.bin", "truncated_header.dat"])
def test_info_bad_input_exit_2(data_dir, capsys, name):
    code, out, err = run(capsys, data_dir / "broken" / name)
    assert code == 2 and out == "" and err.startswith("sigmafit info: error:") and "Traceback" not in err


def test_info_missing_file(tmp_path, capsys):
    code, _, err = run(capsys, tmp_path / "missing.dat")
    assert code == 2 and "no such file" in err


def test_info_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        main(["info", "--help"])
    assert "examples:" in capsys.readouterr().out


def test_info_every_external_text_file(external_dir, capsys):
    """Done criterion: info gives a summary (exit 0) or one sentence (exit 2) for every file."""
    files = [p for sub in ("formats", "optics", "magnetotransport") for p in (external_dir / sub).rglob("*")
             if p.is_file() and p.name not in ("SOURCE.md", "LICENSE")]
    assert len(files) > 30
    for p in files:
        code, out, err = run(capsys, p)
        assert code in (0, 2), p
        if code == 2:
            assert err.count("\n") == 1 and p.name in err, (p, err)
        else:
            assert "format:" in out, p
