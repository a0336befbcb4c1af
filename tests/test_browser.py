"""The HTML report in a real headless browser (Chromium): it loads without console errors, every
figure decodes (naturalWidth > 0) and is shown at least 480 px wide on a 1280 px window, the summary
table lists every fit, and the tables hold the fitted values under the rounding rule in natural units.

Chromium comes from the Debian package (``.ci/ensure_chromium`` installs it).  Missing: the test
fails when the environment variable CI is set and is skipped otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from test_report_shared import demo_output, load_result

from sigmafit.report.format import natural_unit, round_pdg

PROBE = """<script>
window.__errs = [];
window.addEventListener('error', function (e) {
  var t = e.target && e.target !== window ? ('resource ' + (e.target.tagName || '') + ' failed') : String(e.message);
  window.__errs.push(t);
}, true);
(function () { var o = console.error; console.error = function () {
  window.__errs.push(Array.prototype.join.call(arguments, ' ')); return o.apply(console, arguments); }; })();
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var bad = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); }).map(function (i) { return i.alt; });
  var widths = imgs.map(function (i) { return i.naturalWidth; });
  var shown = imgs.map(function (i) { return i.getBoundingClientRect().width; });
  var overview = document.querySelectorAll('table.overview tbody tr').length;
  var d = document.createElement('pre'); d.id = 'sigmafit-probe';
  d.textContent = JSON.stringify({errors: window.__errs, images: imgs.length, bad: bad, widths: widths, shown: shown, overview: overview});
  document.body.appendChild(d);
});
</script>"""


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        msg = "Chromium is not installed (run .ci/ensure_chromium or apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return exe


def _dump_dom(exe: str, html_path, profile) -> tuple[str, str]:
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}", "--enable-logging=stderr",
           "--v=0", "--window-size=1280,1600", "--virtual-time-budget=10000", "--dump-dom", html_path.as_uri()]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    return p.stdout, p.stderr


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells: list[dict[str, str]] = []
        self.probe = ""
        self._in_probe = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "td" and "data-param" in a:
            self.cells.append(a)
        if tag == "pre" and a.get("id") == "sigmafit-probe":
            self._in_probe = True

    def handle_endtag(self, tag):
        if tag == "pre":
            self._in_probe = False

    def handle_data(self, data):
        if self._in_probe:
            self.probe += data


def test_report_in_headless_chromium(tmp_path):
    exe = _chromium()
    src = (demo_output() / "report.html").read_text(encoding="utf-8")
    assert "<head>" in src
    page = tmp_path / "report.html"
    page.write_text(src.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    dom, stderr = _dump_dom(exe, page, tmp_path / "profile")
    parser = _Cells()
    parser.feed(dom)
    assert parser.probe, "the load handler did not run: " + stderr[-1500:]
    probe = json.loads(parser.probe)
    assert probe["errors"] == []
    console = [ln for ln in stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert console == []
    assert probe["images"] >= 8 and probe["bad"] == []
    assert min(probe["widths"]) > 100
    assert min(probe["shown"]) >= 480, "figures are shown too small to read"
    assert probe["overview"] == 5 + 4  # five single fits and the four curves of the global fit

    def rounded(e):
        scale, _ = natural_unit(e["value"], e["stderr"], e.get("unit", ""))
        return round_pdg(e["value"] * scale, e["stderr"] * scale)

    # the tables hold the fitted values, rounded by the one rule
    def cell(param, curve):
        hits = [c for c in parser.cells if c["data-param"] == param and c.get("data-curve") == curve]
        assert hits, (param, curve)
        return hits[0]

    wal = load_result("wal")
    lso = wal["shared"]["L_so"]
    c = cell("L_so", "shared")
    assert (c["data-value"], c["data-stderr"]) == rounded(lso)
    for curve in wal["curves"]:
        e = curve["params"]["L_phi"]
        c = cell("L_phi", str(curve["label"]))
        assert (c["data-value"], c["data-stderr"]) == rounded(e)
    optics = load_result("optics")
    for name in ("wp", "gamma", "eps_inf"):
        e = optics["params"][name]
        hits = [c for c in parser.cells if c["data-param"] == name and "data-curve" not in c]
        assert (hits[0]["data-value"], hits[0]["data-stderr"]) == rounded(e)
