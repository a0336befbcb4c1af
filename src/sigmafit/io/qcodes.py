"""QCoDeS SQLite databases (stdlib :mod:`sqlite3` only, opened read-only).

A database holds many runs; :func:`list_runs` tabulates them and :func:`read` loads one
(``run=ID``, default: the last run, noted in the metadata).  Result tables are long and
sparse (each ``add_result`` writes its own row, NULL elsewhere): rows are aligned on the
setpoints by grouping consecutive rows with the same independent-parameter values and
taking each dependent's non-NULL value.  Units come from ``runs.run_description``; columns
whose name/label/unit map onto a canonical quantity are converted (:mod:`sigmafit.io.units`),
the others keep their parameter names.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError
from . import _text
from .mapping import ColumnUnitError, map_column

MAGIC = b"SQLite format 3\x00"


def _connect(path) -> sqlite3.Connection:
    p = Path(path)
    _text.read_bytes(p, limit=len(MAGIC))  # existence / emptiness checks with clear messages (not the whole database)
    try:
        # immutable=1: never create -wal/-shm files next to a shared, read-only database
        con = sqlite3.connect(f"file:{p.resolve().as_posix()}?mode=ro&immutable=1", uri=True)
        con.execute("select run_id from runs limit 1")
    except sqlite3.Error as exc:
        raise DataFormatError(f"{path}: not a QCoDeS database, or a damaged one (sqlite: {_text.one_line(exc)})",
                              path=path) from None
    return con


def _query(con: sqlite3.Connection, path, sql: str, args=()) -> list:
    """Run a query; a damaged database (broken pages, missing tables) gives a DataFormatError naming the file."""
    try:
        return con.execute(sql, args).fetchall()
    except (sqlite3.Error, OverflowError, ValueError, MemoryError) as exc:
        raise DataFormatError(f"{path}: damaged QCoDeS database (sqlite: {_text.one_line(exc)})", path=path) from None


def _description(raw) -> dict:
    try:
        desc = json.loads(raw or "{}")
    except (json.JSONDecodeError, TypeError, ValueError, RecursionError):
        return {}
    inter = desc.get("interdependencies") if isinstance(desc, dict) else None
    specs = inter.get("paramspecs") if isinstance(inter, dict) else None
    return {s["name"]: s for s in specs or [] if isinstance(s, dict) and isinstance(s.get("name"), str)}


def list_runs(path) -> pd.DataFrame:
    """One row per run: ``run_id``, ``exp_name``, ``sample``, ``name``, ``parameters``, ``rows``."""
    con = _connect(path)
    try:
        runs = _query(con, path,
                      "select r.run_id, e.name, e.sample_name, r.name, r.parameters, r.result_table_name "
                      "from runs r left join experiments e on r.exp_id = e.exp_id order by r.run_id")
        out = []
        for run_id, exp, sample, name, params, table in runs:
            try:
                n = con.execute(f'select count(*) from "{table}"').fetchone()[0]
            except sqlite3.Error:
                n = None
            out.append({"run_id": run_id, "exp_name": exp, "sample": sample, "name": name,
                        "parameters": params, "rows": n})
    finally:
        con.close()
    return pd.DataFrame(out, columns=["run_id", "exp_name", "sample", "name", "parameters", "rows"])


def read(path, *, run: int | None = None, x_unit=None, y_unit=None, **_ignored) -> pd.DataFrame:
    """Load one run's numeric parameters aligned on their setpoints (see module docstring)."""
    con = _connect(path)
    meta = _text.new_meta(path, "qcodes")
    try:
        ids = [r[0] for r in _query(con, path, "select run_id from runs order by run_id")]
        if not ids:
            raise DataFormatError(f"{path}: the QCoDeS database holds no runs", path=path)
        if run is None:
            run = ids[-1]
            meta["notes"].append(f"no run given: loaded the last run ({run} of {len(ids)}); list them with "
                                 "sigmafit info")
        if not isinstance(run, int | np.integer) and not str(run).lstrip("-").isdigit():
            raise DataFormatError(f"{path}: run id {run!r} is not a whole number (damaged database?)", path=path)
        rows = _query(con, path,
                      "select r.result_table_name, r.run_description, r.name, e.name, e.sample_name from runs r "
                      "left join experiments e on r.exp_id = e.exp_id where r.run_id = ?", (int(run),))
        if not rows:
            raise DataFormatError(f"{path}: no run {run} in the database (runs are {ids[0]}…{ids[-1]})", path=path)
        table, desc_raw, name, exp, sample = rows[0]
        try:
            cur = con.execute(f'select * from "{table}"')
            raw = pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description])
        except (sqlite3.Error, ValueError, OverflowError, MemoryError) as exc:
            raise DataFormatError(f"{path}: the results table {table!r} of run {run} cannot be read "
                                  f"(sqlite: {_text.one_line(exc)})",
                                  path=path) from None
    finally:
        con.close()
    specs = _description(desc_raw)
    meta.update(run_id=int(run), experiment=exp, run_name=name)
    meta["sample"] = sample
    raw = raw.drop(columns=[c for c in ("id",) if c in raw.columns])
    numeric = [c for c in raw.columns if specs.get(c, {}).get("paramtype", "numeric") in ("numeric", "array")]
    skipped = [c for c in raw.columns if c not in numeric]
    if skipped:
        meta["notes"].append(f"non-numeric parameters not loaded: {skipped}")
    raw = raw[numeric].apply(pd.to_numeric, errors="coerce")
    inf = np.isinf(raw.to_numpy(dtype=float))
    _text.drop(meta, "infinite values (set to NaN)", int(inf.sum()))
    raw = raw.mask(inf)
    deps = {n: s.get("depends_on") or [] for n, s in specs.items()}
    indep = sorted({d for v in deps.values() if isinstance(v, list) for d in v if d in raw.columns},
                   key=list(raw.columns).index)
    df = _align(raw, indep, meta)
    result = _canonical(df, specs, meta, x_unit, y_unit)
    result.insert(0, "run_id", int(run))
    meta["independent"] = indep
    meta["kind"] = "transport" if {"resistance_ohm", "conductance_S"} & set(result.columns) else "other"
    return _text.finish(result, meta)


def _canonical(df: pd.DataFrame, specs: dict, meta: dict, x_unit, y_unit) -> pd.DataFrame:
    """Rename and convert the parameters whose label or name (with the spec's unit) is in the vocabulary."""
    out = {}
    for c in df.columns:
        spec = specs.get(c, {})
        unit = str(spec.get("unit") or "") or None
        m = None
        for cand in dict.fromkeys((str(spec.get("label") or c), str(c))):
            try:
                m = map_column(cand, unit=unit, x_unit=x_unit, y_unit=y_unit)
            except ColumnUnitError:
                m = None
            if m is not None and m.canonical and not m.keep_as and m.canonical not in out:
                break
            m = None
        if m is None:
            out[c] = df[c]
            if unit:
                meta["units"][c] = unit
            continue
        out[m.canonical] = m.apply(df[c].to_numpy(dtype=float))
        meta["units"][m.canonical] = m.unit
        meta["origin"][m.canonical] = c
        meta["mappings"].append({**m.as_dict(), "original": c})
        if m.note and m.note not in meta["assumptions"]:
            meta["assumptions"].append(m.note)
    return pd.DataFrame(out, index=df.index)


def _align(raw: pd.DataFrame, indep: list[str], meta: dict) -> pd.DataFrame:
    """Combine sparse rows that share the same consecutive setpoint values."""
    if not indep or raw.empty:
        return raw
    key = raw[indep].ffill()
    change = (key != key.shift()).any(axis=1).to_numpy()
    group = np.cumsum(change)
    filled = raw.assign(**{c: key[c] for c in indep})
    grouped = filled.groupby(group, sort=False)
    dependents = [c for c in raw.columns if c not in indep]
    repeats = int((grouped[dependents].count() - 1).clip(lower=0).to_numpy().sum()) if dependents else 0
    _text.drop(meta, "repeated readings of a parameter at the same setpoint (first kept)", repeats)
    combined = grouped.first()
    merged = len(raw) - len(combined)
    if merged:
        meta["notes"].append(f"{len(raw)} sparse result rows aligned on setpoints {indep} into {len(combined)} points")
    return combined.reset_index(drop=True)
