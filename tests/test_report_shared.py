"""One run of the demo recipe shared by the demo, report and browser tests (run once per session)."""

from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data"


@functools.lru_cache(maxsize=1)
def demo_output() -> Path:
    """Folder holding results/, figures/ and report.html of ``sample_data/demo.toml`` (same code as `sigmafit run`)."""
    import matplotlib

    matplotlib.use("Agg")
    from sigmafit.recipe import run_recipe

    out = Path(tempfile.mkdtemp(prefix="sigmafit-demo-"))
    run_recipe(SAMPLE / "demo.toml", out=out)
    return out


def load_result(name: str) -> dict:
    return json.loads((demo_output() / "results" / f"{name}.json").read_text(encoding="utf-8"))


def test_demo_output_is_complete():
    out = demo_output()
    assert (out / "report.html").is_file()
    names = {p.stem for p in (out / "results").glob("*.json")}
    assert names == {"wal", "lnT", "hopping", "optics", "heat", "dephasing"}
