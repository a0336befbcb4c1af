"""The HTML report built from saved results (never refitting): tables against the JSON they came from,
warnings in the row of the number they concern (in the table's words), all three JSON shapes and batch
folders, the summary table across fits, figures, and the report's modules never importing sigmafit.fitting."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from test_report_shared import demo_output, load_result  # noqa: E402

import sigmafit  # noqa: E402

DATA = __import__("pathlib").Path(__file__).resolve().parent / "data" / "report"
from sigmafit.exceptions import SigmafitError  # noqa: E402
from sigmafit.fitting.tables import dephasing_table, fit_dephasing  # noqa: E402
from sigmafit.models.formulas.temperature import ln_t  # noqa: E402
from sigmafit.cli.report import dephasing_laws  # noqa: E402
from sigmafit.report.document import curve_warnings, load_results, split_warnings, write_report  # noqa: E402
from sigmafit.report.format import natural_unit, round_pdg  # noqa: E402


def shown(entry: dict) -> tuple[str, str]:
    """(value, error) strings a table cell should carry: PDG-rounded in the quantity's natural unit."""
    scale, _ = natural_unit(entry["value"], entry["stderr"], entry.get("unit", ""))
    v, e = round_pdg(entry["value"] * scale, None if entry["stderr"] is None else entry["stderr"] * scale)
    return v, e or ""


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S)


def _cell_values(html: str, param: str, curve: str | None = None) -> list[tuple[str, str]]:
    out = []
    for m in re.finditer(r"<td class='num[^']*' data-param='([^']*)' data-value='([^']*)' data-stderr='([^']*)'(?: data-curve='([^']*)')?>", html):
        if m.group(1) == param and (curve is None or m.group(4) == curve):
            out.append((m.group(2), m.group(3)))
    return out


@pytest.fixture(scope="module")
def lnt_json(tmp_path_factory):
    """A saved single fit, written the way `sigmafit fit --json` writes it (FitResult.to_json)."""
    rng = np.random.default_rng(3)
    T = np.geomspace(2, 10, 40)
    y = ln_t(T, 1e-3, 0.6) + rng.normal(0, 2e-8, T.size)
    df = pd.DataFrame({"temperature_K": T, "sheet_conductance_S": y})
    res = sigmafit.fit(df, "lnT")
    path = tmp_path_factory.mktemp("saved") / "lnt.json"
    res.to_json(path)
    return path


def test_single_fit_table_matches_the_saved_json(lnt_json, tmp_path):
    saved = json.loads(lnt_json.read_text())
    sets = load_results([lnt_json])
    assert [s.kind for s in sets] == ["single"]
    html = write_report(sets, tmp_path, title="t").read_text(encoding="utf-8")
    for name, e in saved["params"].items():
        assert _cell_values(html, name) == [shown(e)]
    assert (tmp_path / "figures" / "lnt_fit.png").is_file() and (tmp_path / "figures" / "lnt_fit.pdf").is_file()
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert "sha256" in html and str(lnt_json) in html and sigmafit.__version__ in html


def test_warnings_sit_in_the_row_of_their_number(lnt_json, tmp_path):
    saved = json.loads(lnt_json.read_text())
    saved["warnings"] = ["|A| = 9 is larger than localization + interaction allow", "the fit wobbled"]
    p = tmp_path / "warned.json"
    p.write_text(json.dumps(saved))
    html = write_report(load_results([p]), tmp_path / "r", pdf=False).read_text(encoding="utf-8")
    row_a = next(r for r in _rows(html) if "data-param='A'" in r)
    assert "|A| = 9 is larger" in row_a and "has-warning" in row_a
    row_s = next(r for r in _rows(html) if "data-param='sigma0'" in r)
    assert "larger" not in row_s
    whole = next(r for r in _rows(html) if "whole fit" in r)
    assert "the fit wobbled" in whole


def test_split_and_tagged_warnings():
    per, rest = split_warnings(["L_φ rests on few points", "B_so is large", "something else", "alpha near bound"],
                               ["L_phi", "L_so", "alpha"])
    assert per == {"L_phi": ["L_φ rests on few points"], "L_so": ["B_so is large"], "alpha": ["alpha near bound"]}
    assert rest == ["something else"]
    assert curve_warnings(["[temperature_K = 4.0] cusp unresolved", "[curve = 2] x"], 4) == ["cusp unresolved"]


def test_global_json_and_per_curve_warnings(tmp_path):
    wal = load_result("wal")
    wal["warnings"] = list(wal["warnings"]) + ["[temperature_K = 4.0] only 3 points inside the cusp",
                                               "2 parameter pairs are correlated beyond |r| = 0.95: c0_bg_c2–L_so (-0.99), "
                                               "c1_bg_c2–L_so (-0.98); their individual values are poorly separated"]
    p = tmp_path / "wal.json"
    p.write_text(json.dumps(wal))
    sets = load_results([p])
    assert sets[0].kind == "global"
    html = write_report(sets, tmp_path / "r", pdf=False).read_text(encoding="utf-8")
    row4 = next(r for r in _rows(html) if "data-curve='4.0'>" in r and "data-param='L_phi'" in r)
    assert "only 3 points inside the cusp" in row4
    row2 = next(r for r in _rows(html) if "data-curve='2.0'>" in r and "data-param='L_phi'" in r)
    assert "cusp" not in row2
    for c in wal["curves"]:
        e = c["params"]["L_phi"]
        assert _cell_values(html, "L_phi", str(c["label"]))[0] == shown(e)
    # no dephasing law unless the caller fitted one: the report itself never fits
    assert "dephasing law fitted" not in html
    # lmfit's names in the correlation warning read as the table's symbols and curve labels
    assert "c0_bg_c2" not in html and "c₂ (T = 2 K)–L_so" in html


def test_trend_law_from_the_caller_is_drawn_with_its_parameter(tmp_path):
    """`sigmafit report` fits the dephasing law to the L_φ values (CLI level) and the report draws it beside L_φ(T)."""
    sets = load_results([DATA / "wal.json"])
    laws, notes = dephasing_laws(sets)
    assert notes == [] and len(laws) == 1 and laws[0].summary["source"]["from"] == "wal" and laws[0].fitted_from == "wal"
    html = write_report(sets + laws, tmp_path, pdf=False).read_text(encoding="utf-8")
    assert "dephasing law fitted to these values" in html
    p = laws[0].summary["params"]["p"]
    assert "L_φ(1 K)" in html and f"data-value='{round_pdg(p['value'], p['stderr'])[0]}'" in html
    assert (tmp_path / "figures" / "wal_L_phi_vs_temperature_K.png").is_file()


def test_summary_table_lists_every_fit_with_chi2_and_warning_count(tmp_path):
    names = ["wal", "lnT", "hopping", "optics", "dephasing"]
    sets = load_results([DATA / f"{n}.json" for n in names])
    html = write_report(sets, tmp_path, pdf=False).read_text(encoding="utf-8")
    table = re.search(r"<table class='overview'>.*?</table>", html, flags=re.S).group(0)
    rows = _rows(table)[1:]
    assert len(rows) == 4 + 4  # four single fits, four curves of the global fit
    hop = next(r for r in rows if "#hopping" in r)
    assert "1.109×10⁻⁵" in hop  # χ²_ν as the fit gave it (statistics.redchi = 1.10903…e-5)
    assert re.search(r"<td class='warn num'>4</td>", hop)  # the four warnings of the saved hopping fit
    assert "T₀ = 40.29(21) K" in hop and "s = 0.4990(7)" in hop
    wal2 = next(r for r in rows if "#wal" in r and "T = 2 K" in r)
    assert "L_so (shared) = 24.99(11) nm" in wal2 and "L_φ = 353.834(23) nm" in wal2


def test_multi_curve_json(tmp_path):
    wal = load_result("wal")
    curves = []
    for c in wal["curves"][:3]:  # a multi-curve set in the `{"model", "curves": [summary…]}` shape
        curves.append({"model": "hln-so", "success": True, "params": c["params"], "derived": c["derived"],
                       "statistics": {"ndata": c["ndata"]}, "warnings": [], "data": c["data"],
                       "source": {"x": "field_T", "y": "delta_sigma_S", "curve": {"temperature_K": c["label"]}}})
    p = tmp_path / "multi.json"
    p.write_text(json.dumps({"model": "hln-so", "curves": curves}))
    sets = load_results([p])
    assert sets[0].kind == "multi"
    html = write_report(sets, tmp_path / "r", pdf=False).read_text(encoding="utf-8")
    assert len(_cell_values(html, "L_phi")) == 3
    assert (tmp_path / "r" / "figures" / "multi_all.png").is_file()
    assert (tmp_path / "r" / "figures" / "multi_T_2_K.png").is_file()


def test_batch_folder_gives_trends_not_curves(tmp_path):
    wal = load_result("wal")
    rows = [{"index": i, "source": "x.dat", "label": c["label"], "temperature_K": c["label"],
             "L_phi": c["params"]["L_phi"]["value"], "L_phi_stderr": c["params"]["L_phi"]["stderr"],
             "alpha": -0.5 + 0.01 * i, "alpha_stderr": 0.01, "status": "ok" if i else "warning", "n_warnings": 0 if i else 1,
             "warnings": "" if i else "alpha near its bound", "redchi": 1.0} for i, c in enumerate(wal["curves"])]
    batch = tmp_path / "batch"
    batch.mkdir()
    pd.DataFrame(rows).to_csv(batch / "results.csv", index=False)
    (batch / "run.json").write_text(json.dumps({"model": "hln", "options": {"by": "temperature_K"}, "counts": {"ok": 3, "warning": 1, "failed": 0}}))
    sets = load_results([batch])
    assert sets[0].kind == "batch"
    out = tmp_path / "r"
    html = write_report(sets, out, pdf=False).read_text(encoding="utf-8")
    figs = sorted(p.name for p in (out / "figures").glob("*.png"))
    assert "batch_L_phi_vs_temperature_K.png" in figs and "batch_alpha_vs_temperature_K.png" in figs
    assert not any(f.endswith("_fit.png") for f in figs)
    row = next(r for r in _rows(html) if "α near its bound" in r)
    assert "data-param='alpha'" in row


def test_dephasing_table_from_object_and_json():
    wal = load_result("wal")
    t = dephasing_table(wal)
    assert list(t.columns) == ["temperature_K", "L_phi_nm", "L_phi_err_nm"]
    assert t["temperature_K"].tolist() == [2.0, 4.0, 8.0, 15.0]
    assert t.attrs["sigmafit"]["errors"] == {"L_phi_nm": "L_phi_err_nm"}
    res = fit_dephasing(wal)
    assert res.summary()["params"]["p"]["value"] == pytest.approx(load_result("dephasing")["params"]["p"]["value"], rel=1e-6)
    with pytest.raises(SigmafitError, match="L_phi"):
        dephasing_table(load_result("optics"))


def test_report_modules_never_import_fitting():
    """Presentation reads results: no module under sigmafit/report imports sigmafit.fitting (ast of every file)."""
    import ast
    from pathlib import Path

    import sigmafit.report

    folder = Path(sigmafit.report.__file__).parent
    files = sorted(folder.rglob("*.py"))
    assert len(files) >= 10
    bad = []
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                bad += [(f.name, a.name) for a in node.names if a.name.startswith("sigmafit.fitting")]
            elif isinstance(node, ast.ImportFrom):
                mod = node.module or ""
                absolute = mod if node.level == 0 else ".".join(["sigmafit", "report"][: 3 - node.level] + ([mod] if mod else []))
                if absolute.startswith("sigmafit.fitting") or (node.level >= 2 and mod.startswith("fitting")):
                    bad.append((f.name, "." * node.level + mod))
    assert bad == []


def test_report_cli_and_bad_input(tmp_path, lnt_json):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    out = tmp_path / "rep"
    p = subprocess.run([sys.executable, "-m", "sigmafit.cli.main", "report", str(lnt_json), str(demo_output() / "results" / "optics.json"),
                        "--out", str(out)], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert (out / "report.html").is_file()
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    p = subprocess.run([sys.executable, "-m", "sigmafit.cli.main", "report", str(bad), "--out", str(out)],
                       capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 2 and "not a sigmafit result" in p.stderr and "Traceback" not in p.stderr


def test_figures_are_readable_at_column_width():
    """8 pt or larger text, one column wide, no overlapping tick labels (log axes included)."""
    import matplotlib.pyplot as plt

    from sigmafit.report.style import COLUMN_FIGSIZE, paper_style
    from sigmafit.report.plots import plot_saved_fit, plot_trend

    opt = load_result("optics")
    t = dephasing_table(load_result("wal"))
    with paper_style():
        axes = [plot_saved_fit(opt["data"], x_name="wavenumber_cm-1", y_name=opt["source"]["y"], model_name="drude-lorentz"),
                plot_trend(t["temperature_K"], t["L_phi_nm"], t["L_phi_err_nm"], xlabel="T (K)", ylabel="L (nm)", logx=True, logy=True)]
        for ax in axes:
            fig = ax.figure
            assert fig.get_size_inches()[0] == pytest.approx(COLUMN_FIGSIZE[0])
            fig.canvas.draw()
            r = fig.canvas.get_renderer()
            texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()]
            assert texts and min(t.get_fontsize() for t in texts) >= 8
            for a in fig.axes:
                for axis in (a.xaxis, a.yaxis):
                    boxes = [lb.get_window_extent(r) for lb in axis.get_ticklabels(which="both") if lb.get_visible() and lb.get_text()]
                    for i, b1 in enumerate(boxes):
                        for b2 in boxes[i + 1:]:
                            assert not b1.overlaps(b2), "tick labels overlap"
            plt.close(fig)
