"""Saved results read back for a report: ``--json`` files (one fit, several curves, a global fit) and batch
tables (``results.csv`` with ``run.json``).  Nothing here fits: a report only shows what was saved."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..exceptions import SigmafitError


@dataclass
class ResultSet:
    """One saved result: a single fit, a multi-curve set, a global fit, or a batch table."""

    name: str
    kind: str  # "single" | "multi" | "global" | "batch"
    summary: dict[str, Any] | None = None
    table: Any = None  # pandas DataFrame for batches
    path: str | None = None
    run_info: dict[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # e.g. {"from": "<fit name>"} for a law fitted to results

    @property
    def model(self) -> str:
        """Registry name of the fitted model ('' when unknown)."""
        if self.summary is not None:
            return str(self.summary.get("model", ""))
        return str((self.run_info or {}).get("model", ""))

    @property
    def fitted_from(self) -> str | None:
        """Name of the result set this one is a law fitted to (a dephasing law to a WAL fit), or None."""
        src = (self.summary or {}).get("source") or {}
        return self.meta.get("from") or src.get("from")


def sha256_of(path: str | Path) -> str | None:
    """Hex sha256 of a file, or None when it cannot be read."""
    try:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


def classify(summary: Mapping[str, Any]) -> str:
    """'global', 'multi' or 'single' for a saved JSON summary; SigmafitError for anything else."""
    if not isinstance(summary, Mapping) or "model" not in summary:
        raise SigmafitError("not a sigmafit result: a JSON object with a 'model' key was expected")
    if summary.get("global"):
        return "global"
    if "curves" in summary:
        return "multi"
    if "params" in summary:
        return "single"
    raise SigmafitError("not a sigmafit result: it has neither 'params' nor 'curves'")


def result_set(summary: Mapping[str, Any], name: str, *, path: str | None = None,
               meta: Mapping[str, Any] | None = None) -> ResultSet:
    """A :class:`ResultSet` from an in-memory summary dict (what ``--json`` writes)."""
    return ResultSet(name=name, kind=classify(summary), summary=dict(summary), path=path, meta=dict(meta or {}))


def _batch(table_path: Path, name: str) -> ResultSet:
    import pandas as pd

    run = table_path.with_name("run.json")
    info = json.loads(run.read_text(encoding="utf-8")) if run.exists() else None
    return ResultSet(name=name, kind="batch", table=pd.read_csv(table_path), path=str(table_path), run_info=info)


def load_results(paths: Iterable[str | Path]) -> list[ResultSet]:
    """Read saved results: ``--json`` files, batch output folders and ``results.csv`` tables.

    Errors name the file: a missing path, a folder without ``results.csv``, or a file that is not a
    sigmafit result raise :class:`SigmafitError` with one sentence.
    """
    out: list[ResultSet] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            if not (path / "results.csv").exists():
                raise SigmafitError(f"{path} is a folder without results.csv; give a batch output folder or JSON files")
            out.append(_batch(path / "results.csv", path.name))
            continue
        if not path.exists():
            raise SigmafitError(f"no such file: {path}")
        if path.suffix.lower() == ".csv":
            out.append(_batch(path, path.stem))
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SigmafitError(f"{path} is not a JSON result file ({exc.__class__.__name__}: {exc})") from None
        try:
            out.append(result_set(data, path.stem, path=str(path)))
        except SigmafitError as exc:
            raise SigmafitError(f"{path}: {exc}") from None
    return out
