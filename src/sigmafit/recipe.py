"""Analysis recipes: one TOML file says which files, how they are prepared, which model, which
windows and parameters, which laws are fitted to the results, and where the report goes —
so an analysis can be rerun, reviewed and diffed.  ``sigmafit run analysis.toml`` executes it;
``sigmafit demo`` is ``sample_data/demo.toml``.

Schema (paths are relative to the TOML file; every key except those marked *required* is optional)::

    title = "Film WAL-01"                 # report title (or [report] title)

    [[fit]]                               # one or more
    name  = "wal"                         # required; letters, digits, _ and -; names the result file
    file  = "wal_film_sweeps.dat"         # required; any file `sigmafit.load` reads
    model = "hln-so"                      # required; see `sigmafit models`
    format = "quantum_design"             # force a loader; x_unit / y_unit when headers give none
    x = "field_T"                         # columns when the file is ambiguous
    y = "delta_sigma_S"
    by = "temperature_K"                  # one curve per value (default: per temperature for sweeps)
    channel = 1                           # instrument channel (default: the longitudinal one)
    width_um = 10.0                       # Hall bar (µm) — or geometry = "vdp" | "sheet"
    length_um = 40.0
    thickness_nm = 20.0                   # for resistivity
    symmetrize = true                     # magnetoconductance: symmetrize R(B) (default true)
    field_offset = 0.003                  # T (or with a unit, "3mT"), or "auto"
    bmax = 0.5                            # |B| ≤ bmax (T, or "500mT"), or "auto" (single-curve fits only)
    xmin = 0.0                            # window in the x unit, or with a unit: "100cm-1", "0.1eV", "2um", "50mT"
    xmax = "4eV"
    tmin = 2.0                            # temperature laws: window in K (or "300mK")
    tmax = 10.0
    share = ["L_so"]                      # global fit over the curves with these parameters shared
    fix  = { L_e = 0.0 }                  # fixed values
    init = { L_so = 30.0 }                # start values
    oscillators = 1                       # drude-lorentz: number of Lorentz oscillators
    observable = "sigma"                  # optics: sigma1, sigma, eps, nk, reflectance
    background = "quadratic"              # classical c2·B² term (Δσ fits)
    loss = "linear"                       # or soft_l1, huber, cauchy, arctan (robust against glitches)
    weights = "relative"                  # none, relative, or a column of 1σ uncertainties
    transform = false                     # raw R(B): true fits Δσ of the transform path instead of the readings
    carrier = "auto"                      # measurement model: holes, electrons; bands = 1 or 2; wl_hall
    sample_mass_mg = 12.3                 # heat capacity: sample C (J/K) → molar (with molar_mass_g_per_mol)
    substrate_n = 3.42                    # optics: a film on a substrate (thickness_nm is the film's)

    [[trend]]                             # laws fitted to fit *results*
    name = "dephasing"                    # default: the kind
    kind = "dephasing"                    # required; L_φ(T) = L1·T^(−p/2) from the L_phi of a fit
    from = "wal"                          # required; a [[fit]] name with L_phi at ≥ 3 temperatures
    model = "dephasing"                   # or "dephasing-sat"
    fix = { p = 1.0 }

    [report]
    out = "report"                        # folder (results/, figures/, report.html); `--out` overrides
    title = "Film WAL-01"

Every mistake is reported as one sentence naming the fit and the key (``[[fit]] 'wal': …``); ``sigmafit run``
exits with status 2 on it.  The options of a [[fit]] are checked by the code that ``sigmafit fit`` runs on its
flags (:mod:`sigmafit.fitting.options`), so a recipe accepts what the command line accepts.
"""

from __future__ import annotations

import json
import re
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .exceptions import SigmafitError
from .fitting.options import FAMILY_QUANTITY, QUANTITY_OPTIONS, Loss, choices, quantity_value, with_quantities


class RecipeError(SigmafitError):
    """A recipe that cannot be run: the message names the key and what was expected."""


_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_NUMBER = (int, float)

#: key → (accepted types, description) for a [[fit]] table.
FIT_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "name": ((str,), "a name of letters, digits, _ and -"),
    "file": ((str,), "a path relative to the recipe"),
    "model": ((str,), "a model name (see `sigmafit models`)"),
    "format": ((str,), "a loader format name"),
    "x_unit": ((str,), "a unit such as 'Oe' or 'eV'"),
    "y_unit": ((str,), "a unit such as 'ohm'"),
    "x": ((str,), "a column name"),
    "y": ((str,), "a column name"),
    "by": ((str,), "a column name such as 'temperature_K'"),
    "channel": ((int,), "an integer channel number"),
    "width_um": (_NUMBER, "a width in µm"),
    "length_um": (_NUMBER, "a length in µm"),
    "thickness_nm": (_NUMBER, "a thickness in nm"),
    "geometry": ((str,), "'hallbar', 'vdp' or 'sheet'"),
    "symmetrize": ((bool,), "true or false"),
    "field_offset": (_NUMBER + (str,), "a field in T (or with a unit, e.g. '3mT') or 'auto'"),
    "bmax": (_NUMBER + (str,), "a field in T (or with a unit, e.g. '500mT') or 'auto'"),
    "xmin": (_NUMBER + (str,), "a number in the x unit (or with a unit, e.g. '0.1eV', '50mT')"),
    "xmax": (_NUMBER + (str,), "a number in the x unit (or with a unit, e.g. '4eV', '500mT')"),
    "tmin": (_NUMBER + (str,), "a temperature in K (or with a unit, e.g. '300mK')"),
    "tmax": (_NUMBER + (str,), "a temperature in K (or with a unit, e.g. '300mK')"),
    "share": ((list,), "a list of parameter names"),
    "fix": ((dict,), "a table of NAME = number"),
    "init": ((dict,), "a table of NAME = number"),
    "oscillators": ((int,), "an integer number of oscillators"),
    "observable": ((str,), "sigma1, sigma, eps, nk or reflectance"),
    "background": ((str,), "'quadratic', 'offset' or 'quadratic+offset'"),
    "loss": ((str,), ", ".join(choices(Loss))),
    "weights": ((str,), "none, relative or a column of 1σ uncertainties"),
    "transform": ((bool,), "true to fit Δσ from the transform path instead of the raw readings"),
    "carrier": ((str,), "'auto', 'holes' or 'electrons' (measurement model)"),
    "bands": ((int,), "1 or 2 Drude bands (measurement model)"),
    "wl_hall": ((str,), "'fukuyama' or 'none' (measurement model)"),
    "hall_channel": ((int,), "an integer channel number of R_xy"),
    "signs": ((str,), "'eh', 'ee', 'hh' or 'free' (two-band models)"),
    "rho_xx0": (_NUMBER, "ρ_xx(0) to constrain a two-band fit"),
    "sample_mass_mg": (_NUMBER, "the sample mass in mg (heat capacity)"),
    "sample_mass_err_mg": (_NUMBER, "the uncertainty of the sample mass in mg"),
    "molar_mass_g_per_mol": (_NUMBER, "the molar mass in g/mol (heat capacity)"),
    "eps_inf_min": (_NUMBER, "the lower bound of ε∞ (optics)"),
    "substrate_n": (_NUMBER, "the substrate's refractive index (optics films)"),
    "substrate_thickness_mm": (_NUMBER, "the substrate thickness in mm (optics films)"),
    "film_reference": ((str,), "'vacuum' or 'substrate' (optics films)"),
    "film_method": ((str,), "'fresnel', 'thin-film' or 'incoherent' (optics films)"),
}
TREND_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "name": ((str,), "a name of letters, digits, _ and -"),
    "kind": ((str,), "'dephasing'"),
    "from": ((str,), "the name of a [[fit]]"),
    "model": ((str,), "'dephasing' or 'dephasing-sat'"),
    "fix": ((dict,), "a table of NAME = number"),
    "init": ((dict,), "a table of NAME = number"),
}
REPORT_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "out": ((str,), "a folder relative to the recipe"),
    "title": ((str,), "a title"),
}
TOP_KEYS = ("title", "fit", "trend", "report")
TREND_KINDS = {"dephasing": ("dephasing", "dephasing-sat")}


@dataclass
class Recipe:
    """A validated recipe: ``fits`` and ``trends`` are lists of plain dicts (schema in the module docstring)."""

    path: Path | None
    base: Path
    text: str
    fits: list[dict[str, Any]]
    trends: list[dict[str, Any]]
    report: dict[str, Any]
    title: str


@dataclass
class RecipeRun:
    """What :func:`run_recipe` produced: result summaries by name, files written, notes, the report."""

    recipe: Recipe
    out: Path
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    report: Path | None = None
    elapsed: float = 0.0

    @property
    def n_warnings(self) -> int:
        n = 0
        for s in self.summaries.values():
            n += len(s.get("warnings") or [])
            n += sum(len(c.get("warnings") or []) for c in s.get("curves") or [])
        return n

    @property
    def ok(self) -> bool:
        """True when every fit converged without a warning."""
        def good(s):
            return s.get("success", True) and not s.get("warnings") and all(good(c) for c in s.get("curves") or [] if "success" in c)
        return all(good(s) for s in self.summaries.values())


# ---------------------------------------------------------------------------------------------
# parsing and validation
# ---------------------------------------------------------------------------------------------
def _toml():
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    try:  # pragma: no cover - Python 3.10
        import tomli

        return tomli
    except ImportError:  # pragma: no cover
        raise RecipeError("reading a recipe on Python 3.10 needs the package 'tomli' (pip install tomli); Python ≥ 3.11 has it built in") from None


def _where(section: str, i: int, table: Mapping[str, Any]) -> str:
    name = table.get("name")
    return f"[[{section}]] '{name}'" if isinstance(name, str) else f"[[{section}]] number {i + 1}"


def _check_keys(table: Mapping[str, Any], allowed: Mapping[str, tuple[tuple[type, ...], str]], where: str) -> None:
    for key, value in table.items():
        if key not in allowed:
            raise RecipeError(f"{where}: unknown key '{key}'; allowed keys: {', '.join(allowed)}")
        types, what = allowed[key]
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        if not ok:
            raise RecipeError(f"{where}: key '{key}' must be {what}, not {value!r}")


def _check_assignments(table: Mapping[str, Any], key: str, where: str, names: list[str]) -> None:
    for name, v in (table.get(key) or {}).items():
        if isinstance(v, bool) or not isinstance(v, _NUMBER):
            raise RecipeError(f"{where}: {key}.{name} must be a number, not {v!r}")
        if names and name not in names:
            raise RecipeError(f"{where}: {key} names unknown parameter '{name}'; {', '.join(names)} are the model's")


def parse_recipe(source: str | Path, *, text: str | None = None) -> Recipe:
    """Read and validate a recipe (a path, or ``text`` with ``source`` as the folder paths are relative to)."""

    path = Path(source)
    if text is None:
        if not path.exists():
            raise RecipeError(f"no such recipe: {path}")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise RecipeError(f"{path} is not UTF-8 text; a recipe is a TOML file") from None
        base = path.resolve().parent
    else:
        base = path.resolve() if path.is_dir() else path.resolve().parent
        path = None
    toml = _toml()
    try:
        doc = toml.loads(text)
    except toml.TOMLDecodeError as exc:
        raise RecipeError(f"{path or 'recipe'} is not valid TOML: {exc}") from None
    for key in doc:
        if key not in TOP_KEYS:
            raise RecipeError(f"unknown top-level key '{key}'; a recipe has {', '.join(TOP_KEYS)}")
    fits = doc.get("fit")
    if not isinstance(fits, list) or not fits or not all(isinstance(f, dict) for f in fits):
        raise RecipeError("a recipe needs at least one [[fit]] table (name, file, model)")
    seen: set[str] = set()
    out_fits = [_parse_fit(f, i, base, seen) for i, f in enumerate(fits)]
    trends = doc.get("trend") or []
    if not isinstance(trends, list) or not all(isinstance(t, dict) for t in trends):
        raise RecipeError("'trend' must be [[trend]] tables")
    by_name = {f["name"]: f for f in out_fits}
    out_trends = [_parse_trend(t, i, by_name, seen) for i, t in enumerate(trends)]
    report = doc.get("report") or {}
    if not isinstance(report, dict):
        raise RecipeError("'report' must be a [report] table")
    _check_keys(report, REPORT_KEYS, "[report]")
    title = doc.get("title", report.get("title", "sigmafit report"))
    if not isinstance(title, str):
        raise RecipeError(f"key 'title' must be text, not {title!r}")
    return Recipe(path=path, base=base, text=text, fits=out_fits, trends=out_trends, report=report, title=title)


def _parse_fit(f: Mapping[str, Any], i: int, base: Path, seen: set[str]) -> dict[str, Any]:
    """One validated [[fit]] table (with its resolved ``path``)."""
    from . import models

    where = _where("fit", i, f)
    _check_keys(f, FIT_KEYS, where)
    for req in ("name", "file", "model"):
        if req not in f:
            raise RecipeError(f"{where}: missing required key '{req}' ({FIT_KEYS[req][1]})")
    _check_name(f["name"], where, seen)
    available = models.available()
    if f["model"] not in available:
        raise RecipeError(f"{where}: key 'model' = '{f['model']}' is not a model; choose from {', '.join(available)}")
    file = (base / f["file"]).resolve()
    if not file.is_file():
        raise RecipeError(f"{where}: key 'file' = '{f['file']}' does not exist (looked for {file})")
    if ("width_um" in f) != ("length_um" in f):
        raise RecipeError(f"{where}: a Hall bar needs both keys 'width_um' and 'length_um'")
    if f.get("share") is not None and f.get("bmax") == "auto":
        raise RecipeError(f"{where}: key 'bmax' = 'auto' is not available with 'share' (global fits); give a field in T")
    names = [p.name for p in models.model_class(f["model"]).params_table] if not f.get("oscillators") else []
    for s in f.get("share") or []:
        if not isinstance(s, str) or (names and s not in names):
            raise RecipeError(f"{where}: key 'share' names unknown parameter {s!r}; {f['model']} has {', '.join(names)}")
    _check_assignments(f, "fix", where, names)
    _check_assignments(f, "init", where, names)
    _check_options(f, where)
    return {**f, "path": file}


def _fit_options(f: Mapping[str, Any]) -> dict[str, Any]:
    """The options of a [[fit]] table as :func:`sigmafit.workflow.fit_file` takes them: quantities given with a
    unit (``bmax = "500mT"``, ``tmax = "8K"``) converted as ``sigmafit fit`` converts its flags."""
    from . import models

    options = {k: v for k, v in f.items() if k not in ("name", "file", "model", "path")}
    return with_quantities(options, models.model_class(f["model"]).family)


def _check_options(f: Mapping[str, Any], where: str) -> None:
    """Build the fit's option objects as :func:`sigmafit.workflow.fit_file` builds them (``workflow.split_file_options`` after
    ``with_quantities``: the code behind `sigmafit fit`'s flags), so parsing and running cannot disagree; a quantity
    it cannot read is named by its key, any other refusal is its sentence after the fit's name."""
    from . import models, workflow

    family = models.model_class(f["model"]).family
    for key, quantity in QUANTITY_OPTIONS.items():
        try:
            quantity_value(f.get(key), quantity or FAMILY_QUANTITY.get(family), key)
        except SigmafitError:
            raise RecipeError(f"{where}: key '{key}' must be {FIT_KEYS[key][1]}, not {f[key]!r}") from None
    try:
        workflow.split_file_options(_fit_options(f), family)
    except SigmafitError as exc:
        raise RecipeError(f"{where}: {exc}") from None


def _check_name(name: str, where: str, seen: set[str]) -> None:
    if not _NAME.match(name):
        raise RecipeError(f"{where}: key 'name' must be letters, digits, _ and - only")
    if name in seen:
        raise RecipeError(f"{where}: key 'name' = {name!r} is already used; names must be unique")
    seen.add(name)


def _parse_trend(t: Mapping[str, Any], i: int, by_name: Mapping[str, Mapping[str, Any]], seen: set[str]) -> dict[str, Any]:
    """One validated [[trend]] table."""
    from . import models

    where = _where("trend", i, t)
    _check_keys(t, TREND_KEYS, where)
    if "kind" not in t:
        raise RecipeError(f"{where}: missing required key 'kind' ({', '.join(TREND_KINDS)})")
    if t["kind"] not in TREND_KINDS:
        raise RecipeError(f"{where}: key 'kind' = {t['kind']!r} is not known; choose from {', '.join(TREND_KINDS)}")
    if "from" not in t:
        raise RecipeError(f"{where}: missing required key 'from' (the name of a [[fit]])")
    if t["from"] not in by_name:
        raise RecipeError(f"{where}: key 'from' = {t['from']!r} names no [[fit]]; fits: {', '.join(by_name)}")
    src_model = by_name[t["from"]]["model"]
    if "L_phi" not in [p.name for p in models.model_class(src_model).params_table]:
        raise RecipeError(f"{where}: key 'from' = {t['from']!r} is a {src_model} fit, which has no L_phi to fit a dephasing law to")
    model = t.get("model", TREND_KINDS[t["kind"]][0])
    if model not in TREND_KINDS[t["kind"]]:
        raise RecipeError(f"{where}: key 'model' must be one of {', '.join(TREND_KINDS[t['kind']])}, not {model!r}")
    name = t.get("name", t["kind"])
    _check_name(name, where, seen)
    names = [p.name for p in models.model_class(model).params_table]
    _check_assignments(t, "fix", where, names)
    _check_assignments(t, "init", where, names)
    return {**t, "name": name, "model": model}


# ---------------------------------------------------------------------------------------------
# execution
# ---------------------------------------------------------------------------------------------
def run_fit(f: Mapping[str, Any], notes: list[str] | None = None) -> dict[str, Any]:
    """Load, prepare and fit one [[fit]] entry; returns its summary in the ``--json`` shape (with data)."""
    from . import workflow
    from .exceptions import DataWarning

    notes = notes if notes is not None else []
    where = f"[[fit]] '{f['name']}'"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        try:
            result = workflow.fit_file(str(f["path"]), f["model"], **_fit_options(f))
        except SigmafitError as exc:
            raise RecipeError(f"{where}: {exc}") from None
    notes += [f"{f['name']}: {w.message}" for w in caught if issubclass(w.category, DataWarning)]
    return workflow.results_summary(result, f["model"])


def run_trend(t: Mapping[str, Any], source: Mapping[str, Any]) -> dict[str, Any]:
    """Fit a law to the results of a fit (``kind = "dephasing"``); returns the law's summary (with data)."""
    from .fitting.tables import fit_dephasing

    try:
        res = fit_dephasing(source, model=t["model"], fix=t.get("fix"), init=t.get("init"))
    except SigmafitError as exc:
        raise RecipeError(f"[[trend]] '{t['name']}': {exc}") from None
    s = res.summary(include_data=True)
    s["source"] = {**s.get("source", {}), "from": t["from"]}
    return s


def run_recipe(recipe: Recipe | str | Path, *, out: str | Path | None = None, report: bool = True,
               command: str | None = None, progress=None) -> RecipeRun:
    """Execute a recipe: every [[fit]], then every [[trend]]; write ``out/results/<name>.json`` and the report.

    ``out`` overrides ``[report] out`` (default ``<recipe folder>/report``).  ``progress(text)`` is called
    before each step (e.g. ``print``).
    """
    from .report.document import result_set, sha256_of, write_report

    t0 = time.perf_counter()
    if not isinstance(recipe, Recipe):
        recipe = parse_recipe(recipe)
    out_dir = Path(out) if out is not None else recipe.base / recipe.report.get("out", "report")
    (out_dir / "results").mkdir(parents=True, exist_ok=True)
    run = RecipeRun(recipe=recipe, out=out_dir)
    for f in recipe.fits:
        if progress:
            progress(f"fit {f['name']}: {f['model']} on {f['file']}")
        run.summaries[f["name"]] = run_fit(f, run.notes)
    for t in recipe.trends:
        if progress:
            progress(f"trend {t['name']}: {t['model']} from {t['from']}")
        run.summaries[t["name"]] = run_trend(t, run.summaries[t["from"]])
    for name, s in run.summaries.items():
        path = out_dir / "results" / f"{name}.json"
        path.write_text(json.dumps(s, indent=2) + "\n", encoding="utf-8")
        run.files[name] = path
    if report:
        if progress:
            progress("report")
        sets = []
        for name, s in run.summaries.items():
            meta = {"from": s["source"]["from"]} if (s.get("source") or {}).get("from") else {}
            sets.append(result_set(s, name, path=str(run.files[name]), meta=meta))
        inputs = []
        if recipe.path is not None:
            inputs.append({"role": "recipe", "path": str(recipe.path), "sha256": sha256_of(recipe.path)})
        inputs += [{"role": f"data of {f['name']}", "path": str(f["path"]), "sha256": sha256_of(f["path"])} for f in recipe.fits]
        options = {f["name"]: {k: v for k, v in f.items() if k not in ("name", "path")} for f in recipe.fits}
        options.update({t["name"]: {k: v for k, v in t.items() if k != "name"} for t in recipe.trends})
        run.report = write_report(sets, out_dir, title=recipe.title, command=command, options=options, inputs=inputs,
                                  recipe_text=recipe.text, notes=run.notes)
    run.elapsed = time.perf_counter() - t0
    return run
