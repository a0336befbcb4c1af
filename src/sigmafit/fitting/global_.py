"""Global fits: several curves fitted together, some parameters shared, the rest per curve.

Typical use: R(B) sweeps at several temperatures with one spin–orbit length for all of them and one L_φ per
temperature::

    res = sigmafit.fit_global(curves, "hln-so", by="temperature_K", share=["L_so"])
    res.table()      # one row per curve

``fix``/``init`` apply to every curve; a key ``NAME[LABEL]`` acts on the curve labelled LABEL only (e.g.
``{"tau_phi[0.025]": 40.5}`` fixes τ_φ of the base-temperature curve).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Sequence

import lmfit
import numpy as np
import pandas as pd

from ..exceptions import FitError, FitQualityWarning
from ..models import registry
from ..models.base import SigmafitModel, components, independent_kwargs, zero_ok_names
from ..prepare.split import plain, split_curves
from . import schema
from .curve import apply_settings, carries_offset, curve_data, in_window, with_offset
from .diagnostics import RUNS_Z_LIMIT, chi2_warning, error_scale, generic_warnings, rescale_errors, runs_test_z
from .options import FitSettings, Window, split_options
from .result import fine_grid, presentation
from .single import fit_method

_CURVE_KEY = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\[(?P<label>[^\]]+)\]$")


def _items(data, by: str | None, labels: Sequence[Any] | None) -> list[tuple[Any, Any]]:
    if isinstance(data, pd.DataFrame):
        if by is None:
            raise FitError("a global fit of one DataFrame needs by= (the column that labels the curves, e.g. temperature_K)")
        return split_curves(data, by)
    items = list(data)
    labels = list(range(len(items))) if labels is None else list(labels)
    if len(labels) != len(items):
        raise FitError(f"{len(labels)} labels for {len(items)} curves")
    return [(plain(lab), item) for lab, item in zip(labels, items)]


def _same_label(text: str, label: Any) -> bool:
    if str(label) == text:
        return True
    try:
        return float(text) == float(label)
    except (TypeError, ValueError):
        return False


def _expand(mapping, names: list[str], share: Sequence[str], models, labels, terms: tuple[str, ...],
            kind: str) -> dict[str, float]:
    """Per-curve lmfit names of ``fix``/``init`` entries (``NAME`` → every curve, ``NAME[LABEL]`` → one); names
    starting with one of ``terms`` (``bg_``, ``off_``) belong to the added background and offset terms."""
    out: dict[str, float] = {}
    for key, value in mapping.items():
        m = _CURVE_KEY.match(key)
        name, label = (m.group("name"), m.group("label")) if m else (key, None)
        if name not in names and not name.startswith(terms or ("\0",)):
            raise FitError(f"--{kind} names unknown parameter {name!r}; the model has {', '.join(names)}")
        if name in share:
            if label is not None:
                raise FitError(f"--{kind} {key}: {name} is shared by every curve, so it cannot be set for one curve")
            out[name] = value
            continue
        hits = [mod for mod, lab in zip(models, labels) if label is None or _same_label(label, lab)]
        if not hits:
            raise FitError(f"--{kind} {key}: no curve is labelled {label!r}; the labels are {', '.join(map(str, labels))}")
        out.update({mod.prefix + name: value for mod in hits})
    return out


@dataclass
class GlobalFitResult:
    """Result of :func:`fit_global`: shared parameters, one parameter set per curve, warnings."""

    model_name: str
    minimizer_result: lmfit.minimizer.MinimizerResult
    models: list[SigmafitModel]
    labels: list[Any]
    xs: list[np.ndarray]
    ys: list[np.ndarray]
    shared: list[str]
    by: str | None = None
    x_name: str = "x"
    y_name: str = "y"
    source: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: what is evaluated per curve: the model, or model + background (default: ``models``)
    evaluators: list[lmfit.Model] | None = None
    background: str | None = None
    #: per-curve weights (None: unweighted) and whether they are 1/σ of per-point uncertainties
    ws: list[np.ndarray | None] = field(default_factory=list)
    weighted: bool = False
    #: per-curve further independent variables (the measurement model's ``channel``)
    extra_vars: list[dict[str, np.ndarray]] = field(default_factory=list)

    @property
    def params(self) -> lmfit.Parameters:
        return self.minimizer_result.params

    @property
    def success(self) -> bool:
        return bool(self.minimizer_result.success)

    def curve_params(self, i: int) -> dict[str, lmfit.Parameter]:
        """Parameters of curve ``i`` under their model names (``L_phi`` not ``c2_L_phi``)."""
        pre = self.models[i].prefix
        return {n[len(pre):]: p for n, p in self.params.items() if n.startswith(pre)}

    def eval(self, i: int, x=None, **extra) -> np.ndarray:
        xv = self.xs[i] if x is None else np.asarray(x, dtype=float)
        extra = extra or (self.extra_vars[i] if x is None and self.extra_vars else {})
        m = (self.evaluators or self.models)[i]
        return np.asarray(m.eval(self.params, **independent_kwargs(m, xv, extra)), dtype=float)

    def _weights(self, i: int):
        return self.ws[i] if self.ws else None

    def table(self) -> pd.DataFrame:
        """One row per curve: label, each parameter and its stderr (None → NaN), points."""
        rows = []
        for i, lab in enumerate(self.labels):
            row: dict[str, Any] = {self.by or "curve": lab}
            for name, p in self.curve_params(i).items():
                err = schema.stderr_of(p)
                row[name] = p.value
                row[f"{name}_stderr"] = np.nan if err is None else err
            row["ndata"] = self.xs[i].size
            rows.append(row)
        return pd.DataFrame(rows)

    def _units(self) -> dict[str, str]:
        units = dict(self.models[0].units())  # an instance: the measurement model's table is per instance
        if self.background:
            units.update({f"bg_{k}": v for k, v in registry.model_class(self.background).units().items()})
        units.update({f"off_{k}": v for k, v in registry.model_class("offset-bg").units().items()})
        return units

    def _curve_entry(self, i: int, units: dict[str, str], include_data: bool) -> dict[str, Any]:
        derived = {d.name for d in self.models[0].derived_table}
        ps, ds = schema.param_entries(self.curve_params(i), units, derived, shared=self.shared)
        resid = self.ys[i] - self.eval(i)
        w = self._weights(i)
        chisqr = float(np.sum((resid if w is None else resid * w) ** 2))
        entry = {"label": self.labels[i], "params": ps, "derived": ds, "ndata": int(self.xs[i].size),
                 "chisqr": schema.number(chisqr)}
        if include_data:
            entry["data"] = self._curve_data(i, resid, w)
        return entry

    def _curve_data(self, i: int, resid: np.ndarray, w) -> dict[str, Any]:
        """Curve ``i``'s points and model line (a raw-reading model gives its display picture)."""
        m = self.models[i]
        if hasattr(m, "display_data"):
            return m.display_data(self.params, self.xs[i], self.ys[i], w, **(self.extra_vars[i] if self.extra_vars else {}))
        x = self.xs[i]
        fine = fine_grid(x)
        data = {"x": x.tolist(), "y": self.ys[i].tolist(), "residual": resid.tolist(),
                "fine_x": fine.tolist(), "fine_y": self.eval(i, fine).tolist(), "parts": 1}
        if self.weighted and w is not None:
            data["y_err"] = (1.0 / w).tolist()
        return data

    def summary(self, include_data: bool = False) -> dict[str, Any]:
        """JSON-able dict: shared parameters, one entry per curve (with its points and model line if ``include_data``)."""
        units = self._units()
        shared = {n: {"value": schema.number(self.params[n].value), "stderr": schema.stderr_of(self.params[n]),
                      "unit": units.get(n, ""), "vary": bool(self.params[n].vary)} for n in self.shared}
        r = self.minimizer_result
        ys = np.concatenate(self.ys)
        model_y = np.concatenate([self.eval(i) for i in range(len(self.ys))])
        stats = schema.statistics(y=ys, model_y=model_y, residual_weighted=r.residual, nvarys=r.nvarys, nfev=r.nfev,
                                  weighted=self.weighted)
        return {
            "model": self.model_name, "success": self.success, "global": True, "by": self.by, "shared": shared,
            "curves": [self._curve_entry(i, units, include_data) for i in range(len(self.labels))],
            "statistics": stats, "warnings": list(self.warnings),
            "source": {**self.source, "x": self.x_name, "y": self.y_name}, "software": schema.software(),
        }

    def report(self) -> str:
        return presentation().global_text(self.summary())

    def fit_report(self) -> str:
        """The same text as :meth:`report` (lmfit's name for it)."""
        return self.report()

    def plot(self, ax=None, **kwargs):
        return presentation().plot_global(self.summary(include_data=True), ax=ax, **kwargs)

    def _repr_html_(self) -> str:
        return presentation().global_html(self.summary(include_data=True))


def _prepare_curves(items, model: str, model_options, settings: FitSettings, window: Window, bg_name):
    """Per-curve models, points and guessed parameters (the one curve preparation of every fit path)."""
    params = lmfit.Parameters()
    out = {"models": [], "evaluators": [], "points": [], "labels": [], "weighted": [], "notes": [], "source": {},
           "x_name": "x", "y_name": "y", "offset": False}
    guesses = []
    for i, (lab, item) in enumerate(items):
        m = registry.get(model, prefix=f"c{i}_", **model_options)
        curve = curve_data(item, m, settings)
        try:
            pts = in_window(curve, window)
        except FitError as exc:
            raise FitError(f"curve {lab!r}: {exc}") from None
        p = m.guess(pts.y, x=pts.x, **pts.extra)
        guesses.append(p)
        params.update(p)
        ev = m + registry.get(bg_name, prefix=f"c{i}_bg_") if bg_name else m
        if carries_offset(curve.source, m.family):  # Δσ from raw R(B): free offset and classical c₂B²
            ev, _ = with_offset(ev, "", prefix=f"c{i}_")
            out["offset"] = True
        for comp in components(ev):  # the terms added here start at their defaults
            for name, par in comp.make_params().items():
                if name not in params:
                    params.add(par)
        for key, value in (("models", m), ("evaluators", ev), ("points", pts), ("labels", lab), ("weighted", curve.weighted),
                           ("notes", curve.notes)):
            out[key].append(value)
        # the fit's source is the curves' shared record: one curve's label is not the global fit's
        out["source"] = out["source"] or {k: v for k, v in curve.source.items() if k != "curve"}
        out["x_name"], out["y_name"] = curve.x_name, curve.y_name
    return params, guesses, out


def fit_global(data, model: str, *, share: Sequence[str] = (), by: str | None = None, labels: Sequence[Any] | None = None,
               window: Window | None = None, settings: FitSettings | None = None, warn: bool = True,
               **options: Any) -> GlobalFitResult:
    """Fit several curves at once with the parameters in ``share`` common to all.

    Parameters
    ----------
    data : a DataFrame split by ``by`` (e.g. ``"temperature_K"``), or a list of DataFrames / ``(x, y)`` pairs.
    model : registry name of a sigmafit model.
    share : parameter names fitted as one value for every curve (e.g. ``["L_so"]``); the others get one value
        per curve.
    labels : labels of a list of curves (default 0, 1, …).
    window, settings, options : as for :func:`sigmafit.fit` (``xmin, xmax, bmax`` in T for |B|, ``fix``,
        ``init``, ``background``, ``x``, ``y``, ``weights``, ``method``), applied to every curve; ``fix``/
        ``init`` keys ``NAME[LABEL]`` act on one curve.  An automatic window (``bmax="auto"``) is not available.
    """
    w_opts, s_opts, model_options = split_options({k: v for k, v in options.items() if v is not None})
    window = window or w_opts
    settings = settings or s_opts
    share = list(share or settings.share)
    if not isinstance(model, str):
        raise FitError("fit_global takes a registry model name")
    if window.auto:
        raise FitError("an automatic field window is not available for global fits; give bmax in tesla")
    items = _items(data, by, labels)
    if len(items) < 2:
        raise FitError(f"a global fit needs at least two curves, got {len(items)}")
    template = registry.get(model, **model_options)
    names = [p.name for p in template.params_table]
    bad = [s for s in share if s not in names]
    if bad:
        raise FitError(f"cannot share {bad}: {model} has parameters {names}")
    bg_name = f"{settings.background}-bg" if settings.background else None
    params, guesses, c = _prepare_curves(items, model, model_options, settings, window, bg_name)
    if bg_name is None and c["offset"]:
        bg_name = "quadratic-bg"  # with_offset's c₂B²
    for s in share:
        hint = c["models"][0].param_hints[s]
        start = float(np.median([g[m.prefix + s].value for g, m in zip(guesses, c["models"])]))
        params.add(s, value=start, min=hint.get("min", -np.inf), max=hint.get("max", np.inf), vary=hint.get("vary", True))
        for m in c["models"]:
            params[m.prefix + s].set(expr=s)
    terms = ("bg_",) * bool(bg_name) + ("off_",) * c["offset"]
    apply_settings(params, _expand(settings.fix, names, share, c["models"], c["labels"], terms, "fix"),
                   _expand(settings.init, names, share, c["models"], c["labels"], terms, "init"))

    def residual(pars):
        out = []
        for m, pts in zip(c["evaluators"], c["points"]):
            r = m.eval(pars, **pts.kwargs(m)) - pts.y
            out.append(r if pts.w is None else r * pts.w)
        return np.concatenate(out)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mres = lmfit.minimize(residual, params, method=fit_method(c["models"][0], settings), max_nfev=settings.max_nfev)
    weighted = all(c["weighted"])
    if mres.errorbars:  # per-point 1σ weights: errors from them, not rescaled by a chance χ²_ν
        rescale_errors(mres, error_scale(mres.redchi, int(mres.nfree), weighted))
    res = GlobalFitResult(model_name=getattr(template, "display_name", model), minimizer_result=mres, models=c["models"],
                          labels=c["labels"], xs=[p.x for p in c["points"]], ys=[p.y for p in c["points"]], shared=share,
                          by=by, x_name=c["x_name"], y_name=c["y_name"], source=c["source"], evaluators=c["evaluators"],
                          background=bg_name, ws=[p.w for p in c["points"]], weighted=weighted,
                          extra_vars=[p.extra for p in c["points"]])
    tag = by or "curve"
    notes = [f"[{tag} = {lab}] {n}" for lab, curve_notes in zip(c["labels"], c["notes"]) for n in curve_notes]
    res.warnings = notes + _warnings(res, mres, by, weighted)
    res.warnings += [f"assumed: {a}" for a in c["source"].get("assumptions", [])]  # as sigmafit.fit says them
    if warn and res.warnings:
        warnings.warn(f"{model} global fit: {len(res.warnings)} warning(s); first: {res.warnings[0]}", FitQualityWarning, stacklevel=2)
    return res


def _warnings(res: GlobalFitResult, mres, by: str | None, weighted: bool) -> list[str]:
    derived = {m.prefix + d.name for m in res.models for d in m.derived_table}
    zero_ok = set().union(*(zero_ok_names(e) for e in (res.evaluators or res.models)))
    out = generic_warnings(mres, np.zeros(0), np.zeros(0), derived, zero_ok)  # residual structure: per curve below
    tag = by or "curve"
    for i, m in enumerate(res.models):
        extra = res.extra_vars[i] if res.extra_vars else {}
        out += [f"[{tag} = {res.labels[i]}] {w}" for w in m.diagnose(mres.params, res.xs[i], **extra)]
        z = runs_test_z((res.ys[i] - res.eval(i))[np.argsort(res.xs[i])])
        if z < -RUNS_Z_LIMIT:
            out.append(f"[{tag} = {res.labels[i]}] the residuals are structured (runs test z = {z:.1f})")
    if weighted:
        note = chi2_warning(mres.redchi, int(mres.ndata - mres.nvarys), what="the global model")
        if note:
            out.append(note)
    return out
