"""report.pdf rendered to page images (pypdfium2): every page draws, figures are on the pages, and the text
layer holds the overview and every fit's numbers and warnings in the report's words."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

from sigmafit.report.document import load_results, write_report  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "report"


def test_pdf_report_renders_with_numbers_warnings_and_figures(tmp_path):
    sets = load_results([DATA / "lnT_errors.json", DATA / "hopping.json", DATA / "wal.json"])
    write_report(sets, tmp_path, title="PDF check")
    doc = pdfium.PdfDocument(str(tmp_path / "report.pdf"))
    n = len(doc)
    assert n >= 5  # title + overview, one part per result set, reproducibility
    texts = []
    for i in range(n):
        page = doc[i]
        w, h = page.get_size()
        assert (round(w), round(h)) == (595, 842)  # A4 in points
        img = np.asarray(page.render(scale=0.5).to_pil().convert("L"), float)
        assert img.std() > 5, f"page {i + 1} is blank"
        texts.append(page.get_textpage().get_text_range())
    text = "\n".join(texts)
    assert "Summary of all fits" in text and "PDF check" in text
    # numbers in natural units under the PDG rule (hand-rounded from the JSON: σ0 = 1.00001142e-3 ± 8.2e-9 S)
    assert "σ₀ = 1.000011(8) mS" in text and "T₀ = 40.29(21) K" in text and "L_so = 24.99(11) nm" in text
    # warnings printed under their number, in the table's words
    assert "σ₀ and A are correlated" in text and "c₂ (T = 2 K)–L_so" in text and "c0_bg_c2" not in text
    # the figures are drawn on the pages: the hopping part holds images (dark pixels beyond the text)
    hop = next(i for i, t in enumerate(texts) if "hopping — vrh fit" in t)
    objs = [o for o in doc[hop].get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    assert len(objs) == 2  # the fit and the Zabrodskii plot


def test_sigmafit_report_shows_the_dephasing_law_in_the_overview_and_the_pdf(tmp_path, capsys):
    """`sigmafit report` on a global WAL result fits the dephasing law to its L_φ(T) and shows it as `sigmafit run`
    shows a recipe's trend: a row of the overview (HTML and PDF) and a part of the PDF with its numbers.  The law
    used to reach the HTML trends only, so the PDF, which says every warning is printed, lacked it.
    p as saved in tests/data/report/dephasing.json (the law fitted to the same wal.json): 1.00061059 ± 0.00089 →
    PDG: error digits 890 → one digit, 0.0009 → "1.0006(9)"."""
    import re

    from sigmafit.cli.main import main

    assert main(["report", str(DATA / "wal.json"), "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    overview = re.search(r"<table class='overview'>.*?</table>", html, flags=re.S).group(0)
    assert "wal-dephasing" in overview and "p = 1.0006(9)" in overview
    doc = pdfium.PdfDocument(str(tmp_path / "report.pdf"))
    pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    first = pages[0]
    assert "wal-dephasing — dephasing" in first and "p = 1.0006(9)" in first  # the overview
    part = next(t for t in pages if "wal-dephasing — dephasing fit" in t)
    assert "p = 1.0006(9)" in part


def test_notes_given_once_reach_both_documents(tmp_path):
    """write_report read ``notes`` for the HTML and again for the PDF: notes given as an iterator (read once) were
    missing from report.pdf."""
    sets = load_results([DATA / "lnT.json"])
    write_report(sets, tmp_path, notes=iter(["rt: 3 rows without a temperature were skipped"]))
    assert "rt: 3 rows without a temperature were skipped" in (tmp_path / "report.html").read_text(encoding="utf-8")
    doc = pdfium.PdfDocument(str(tmp_path / "report.pdf"))
    assert "rt: 3 rows without a temperature were skipped" in doc[0].get_textpage().get_text_range()
