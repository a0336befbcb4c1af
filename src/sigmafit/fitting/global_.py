"""Global fits: several curves fitted together, some parameters shared, the rest per curve.

Typical use: R(B) sweeps at several temperatures with one spin–orbit length (and α)
for all of them and one L_φ per temperature::

    res = sigmafit.fit_global(curves, "hln-so", by="temperature_K", share=["L_so"])
    res.table()      # one row per curve
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import lmfit
import numpy as np
import pandas as pd

from .._version import __version__
from ..exceptions import FitError, FitQualityWarning
from ..models import registry
from ..models.base import SigmafitModel, independent_kwargs
from .diagnostics import RUNS_Z_LIMIT, generic_warnings, runs_test_z
from .result import _num, _stderr
from .single import MIN_POINTS, apply_settings, data_arrays, window_mask


def _curves(data, by: str | None, labels: Sequence[Any] | None) -> list[tuple[Any, Any]]:
    if isinstance(data, pd.DataFrame):
        if by is None:
            raise FitError("a global fit of one DataFrame needs by= (the column that labels the curves, e.g. temperature_K)")
        if by not in data.columns:
            raise FitError(f"no column {by!r} to split curves by; columns: {', '.join(map(str, data.columns))}")
        out = []
        for key, g in data.groupby(by, sort=True):
            g = g.copy()
            g.attrs = {**data.attrs}
            out.append((key, g))
        return out
    items = list(data)
    if labels is None:
        labels = list(range(len(items)))
    if len(labels) != len(items):
        raise FitError(f"{len(labels)} labels for {len(items)} curves")
    return list(zip(labels, items))


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

    def eval(self, i: int, x=None) -> np.ndarray:
        xv = self.xs[i] if x is None else np.asarray(x, dtype=float)
        m = (self.evaluators or self.models)[i]
        return np.asarray(m.eval(self.params, **independent_kwargs(m, xv)), dtype=float)

    def table(self) -> pd.DataFrame:
        """One row per curve: label, each parameter and its stderr (None → NaN), points."""
        rows = []
        for i, lab in enumerate(self.labels):
            row: dict[str, Any] = {self.by or "curve": lab}
            for name, p in self.curve_params(i).items():
                row[name] = p.value
                row[f"{name}_stderr"] = np.nan if _stderr(p) is None else _stderr(p)
            row["ndata"] = self.xs[i].size
            rows.append(row)
        return pd.DataFrame(rows)

    def summary(self, include_data: bool = False) -> dict[str, Any]:
        """JSON-able dict: shared parameters, one entry per curve (with its points and model line if ``include_data``)."""
        units = dict(self.models[0].units())
        if self.background:
            units.update({f"bg_{k}": v for k, v in registry.model_class(self.background).units().items()})
        derived = {d.name for d in self.models[0].derived_table}
        shared = {
            n: {"value": _num(self.params[n].value), "stderr": _stderr(self.params[n]), "unit": units.get(n, ""), "vary": bool(self.params[n].vary)}
            for n in self.shared
        }
        curves = []
        for i, lab in enumerate(self.labels):
            ps, ds = {}, {}
            for name, p in self.curve_params(i).items():
                e = {"value": _num(p.value), "stderr": _stderr(p), "unit": units.get(name, "")}
                if name in derived:
                    ds[name] = e
                else:
                    e["vary"] = bool(p.vary) or name in self.shared
                    e["shared"] = name in self.shared
                    ps[name] = e
            resid = self.ys[i] - self.eval(i)
            entry = {"label": _label(lab), "params": ps, "derived": ds, "ndata": int(self.xs[i].size), "chisqr": _num(np.sum(resid**2))}
            if include_data:
                x = self.xs[i]
                fine = np.linspace(x.min(), x.max(), 400)
                entry["data"] = {"x": x.tolist(), "y": self.ys[i].tolist(), "residual": resid.tolist(),
                                 "fine_x": fine.tolist(), "fine_y": self.eval(i, fine).tolist(), "parts": 1}
            curves.append(entry)
        r = self.minimizer_result
        return {
            "model": self.model_name,
            "success": self.success,
            "global": True,
            "by": self.by,
            "shared": shared,
            "curves": curves,
            "statistics": {"ndata": int(r.ndata), "nvarys": int(r.nvarys), "chisqr": _num(r.chisqr), "redchi": _num(r.redchi), "aic": _num(r.aic), "bic": _num(r.bic)},
            "warnings": list(self.warnings),
            "source": {**self.source, "x": self.x_name, "y": self.y_name},
            "software": {"sigmafit": __version__, "lmfit": lmfit.__version__},
        }

    def report(self) -> str:
        from ..report.text import global_report

        return global_report(self.summary())

    def plot(self, ax=None, **kwargs):
        from ..report.plots import plot_saved_curves

        by = self.by or "curve"
        curves = [(f"{by} = {c['label']}", c["data"]) for c in self.summary(include_data=True)["curves"]]
        return plot_saved_curves(curves, ax=ax, x_name=self.x_name, y_name=self.y_name, **kwargs)

    def _repr_html_(self) -> str:
        from ..report.html import global_html

        return global_html(self)


def _label(v: Any) -> Any:
    if isinstance(v, (np.floating, np.integer)):
        return v.item()
    return v


def fit_global(
    data,
    model: str,
    *,
    share: Sequence[str] = (),
    by: str | None = None,
    labels: Sequence[Any] | None = None,
    x: str | None = None,
    y: str | None = None,
    xmin: float | None = None,
    xmax: float | None = None,
    bmax: float | None = None,
    fix: Mapping[str, float] | None = None,
    init: Mapping[str, float] | None = None,
    method: str = "leastsq",
    background: str | None = None,
    warn: bool = True,
    **model_options: Any,
) -> GlobalFitResult:
    """Fit several curves at once with the parameters in ``share`` common to all.

    Parameters
    ----------
    data : a DataFrame split by ``by`` (e.g. ``"temperature_K"``), or a list of DataFrames / ``(x, y)`` pairs.
    model : registry name of a sigmafit model.
    share : parameter names fitted as one value for every curve (e.g. ``["L_so"]``); the
        others get one value per curve.
    labels : labels of a list of curves (default 0, 1, …).
    xmin, xmax, bmax : window applied to every curve (x units; bmax is |B| in T).
    fix, init : ``{name: value}`` applied to every curve (shared or not).
    background : ``"quadratic"`` adds a c2·B² term per curve (reported as ``bg_c2``).
    """
    if not isinstance(model, str):
        raise FitError("fit_global takes a registry model name")
    items = _curves(data, by, labels)
    if len(items) < 2:
        raise FitError(f"a global fit needs at least two curves, got {len(items)}")
    cls = registry.model_class(model)
    names = [p.name for p in cls.params_table]
    bad = [s for s in share if s not in names]
    if bad:
        raise FitError(f"cannot share {bad}: {model} has parameters {names}")
    params = lmfit.Parameters()
    models, evaluators, labs, xs, ys, ws = [], [], [], [], [], []
    bg_name = None if not background else (background if "-" in background else f"{background}-bg")
    xn = yn = ""
    src: dict[str, Any] = {}
    guesses: dict[str, list[float]] = {s: [] for s in share}
    for i, (lab, item) in enumerate(items):
        m = cls(prefix=f"c{i}_", **model_options)
        xv, yv, wv, xn, yn, src_i = data_arrays(item, m, x=x, y=y)
        src = src or src_i
        keep = np.isfinite(xv) & np.isfinite(yv) & window_mask(xv, xmin, xmax, bmax)
        if keep.sum() < MIN_POINTS:
            raise FitError(f"curve {lab!r} has only {int(keep.sum())} points in the window; need {MIN_POINTS}")
        xv, yv = xv[keep], yv[keep]
        wv = None if wv is None else wv[keep]
        p = m.guess(yv, x=xv)
        for s in share:
            guesses[s].append(p[m.prefix + s].value)
        params.update(p)
        models.append(m)
        if bg_name:
            bg = registry.get(bg_name, prefix=f"c{i}_bg_")
            params.update(bg.make_params())
            evaluators.append(m + bg)
        else:
            evaluators.append(m)
        labs.append(_label(lab))
        xs.append(xv)
        ys.append(yv)
        ws.append(wv)
    template = models[0]
    for s in share:
        hint = template.param_hints[s]
        params.add(s, value=float(np.median(guesses[s])), min=hint.get("min", -np.inf), max=hint.get("max", np.inf))
        for m in models:
            params[m.prefix + s].set(expr=s)
    # settings apply to every curve
    expanded_fix = {}
    expanded_init = {}
    for src_map, dst in ((fix or {}, expanded_fix), (init or {}, expanded_init)):
        for k, v in src_map.items():
            if k in share:
                dst[k] = v
            elif k in names or (bg_name and k.startswith("bg_")):
                dst.update({m.prefix + k: v for m in models})
            else:
                raise FitError(f"unknown parameter {k!r}; {model} has {names}")
    apply_settings(params, expanded_fix, expanded_init)

    def residual(pars):
        out = []
        for m, xv, yv, wv in zip(evaluators, xs, ys, ws):
            r = m.eval(pars, **independent_kwargs(m, xv)) - yv
            out.append(r if wv is None else r * wv)
        return np.concatenate(out)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mres = lmfit.minimize(residual, params, method=method)
    res = GlobalFitResult(
        model_name=model, minimizer_result=mres, models=models, labels=labs, xs=xs, ys=ys, shared=list(share),
        by=by, x_name=xn, y_name=yn, source=src, evaluators=evaluators, background=bg_name,
    )
    derived = {m.prefix + d.name for m in models for d in m.derived_table}
    # residual structure is judged per curve below, not on the concatenation
    res.warnings = generic_warnings(mres, np.zeros(0), np.zeros(0), derived)
    for i, m in enumerate(models):
        for w in m.diagnose(mres.params, xs[i]):
            res.warnings.append(f"[{by or 'curve'} = {labs[i]}] {w}")
        r_i = ys[i] - res.eval(i)
        z = runs_test_z(r_i[np.argsort(xs[i])])
        if z < -RUNS_Z_LIMIT:
            res.warnings.append(f"[{by or 'curve'} = {labs[i]}] the residuals are structured (runs test z = {z:.1f})")
    if warn and res.warnings:
        warnings.warn(f"{model} global fit: {len(res.warnings)} warning(s); first: {res.warnings[0]}", FitQualityWarning, stacklevel=2)
    return res
