r"""The measurement model: what a four-probe instrument reads, R_xx(B) and R_xy(B), from the sample's physics.

DESIGN.md §1 "Fit the measurement, not a transformed copy of it".  The raw readings are compared with a
forward model at the fields where they were measured; nothing is interpolated, averaged, symmetrized or
referenced to σ(0) before the fit.  From the raw column to the parameter, in SI sheet quantities:

1. true field  B = B_reported − ``B_off``  (one offset for the magnet, both channels);
2. classical part: Drude band(s) (:mod:`sigmafit.models.formulas.tensor`), band *i* with sheet conductance
   ``sigma0`` (S), mobility ``mu`` (cm²/(V·s), as the carriers models) and carrier sign ``sign`` (+1 holes, −1 electrons):
   σ⁰_xx = Σ σ0ᵢ/(1 + μᵢ²B²),  σ⁰_xy = −Σ sᵢσ0ᵢμᵢB/(1 + μᵢ²B²);
3. weak-localization correction Δσ(B) of the chosen 2D sheet model of the registry (``hln``, ``hln-so``,
   ``hln-dp``, ``graphene``, ``graphene-soc`` …: its own function, parameter table and derived quantities);
4. how it enters the tensor (option ``wl_hall``):
   ``"fukuyama"`` (default) — weak localization renormalizes the Drude transport time of every band by the
   factor f(B) = 1 + Δσ(B)/Σσ0ᵢ (σ0ᵢ → f·σ0ᵢ, μᵢ → f·μᵢ, densities unchanged).  To first order in μB this is
   σ_xx = σ⁰_xx + Δσ with δσ_xy/σ_xy = 2δσ_xx/σ_xx, the weak-localization result that leaves the Hall
   coefficient unchanged (Fukuyama, J. Phys. Soc. Jpn. 48, 2169 (1980); Altshuler, Khmel'nitzkii, Larkin, Lee,
   PRB 22, 5142 (1980)); for one band it is exact to all orders: ρ_xx = 1/(σ0 + Δσ), ρ_xy = B/(q n_s).
   ``"none"`` — σ_xx = σ⁰_xx + Δσ with σ_xy classical (δR_H/R_H = −2δσ/σ, the behaviour of the e–e interaction
   correction); the two differ in R_xy by 2Δσ/σ0 relative and in R_xx only at order Δσ·μ²B²;
5. ρ = σ⁻¹ (:func:`~sigmafit.models.formulas.tensor.invert`);
6. geometry (:class:`sigmafit.prepare.Geometry`): R_xx = ρ_xx / factor (Hall bar L/W, van der Pauw ln2/π,
   per square 1); R_xy = ρ_xy;
7. instrument: channel 0 reads  R_xx + ``pickup``·ρ_xy  (longitudinal probes offset across the bar),
   channel 1 reads  ρ_xy + ``offset_xy`` + ``pickup_xy``·[R_xx(B) − R_xx(0)]  (Hall probes offset along the bar
   pick up a fraction of R_xx: its zero-field part is inseparable from a constant thermoelectric or amplifier
   offset, so ``offset_xy`` (Ω) is the whole even R_xy at B = 0 and ``pickup_xy`` carries only the part that
   follows R_xx's magnetoresistance — the same model as ρ_xy + pickup·R_xx + constant, with parameters the data
   can tell apart).

Data layout: independent variables ``B`` (T, the field the instrument reports) and ``channel`` (int, 0 = R_xx,
1 = R_xy), both as long as y; y = the reading (Ω) of that channel at that point.  R_xx and R_xy may come at
different fields (interleaved channels): they are never paired.  Weights = 1/σᵢ (:mod:`sigmafit.prepare.noise`).

Derived: ``n_s`` (cm⁻², signed: + holes, − electrons) = sign·σ0/(eμ), ``R_sheet0`` (Ω) = 1/Σσ0, and the
physics model's own (``B_phi``, ``B_so`` …).  Start values: :mod:`sigmafit.models.guess.measurement`.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Literal

import lmfit
import numpy as np
import pandas as pd

from ..constants import E_CHARGE, G_Q
from ..prepare.geometry import Geometry
from .base import Derived, Param, Reference, SigmafitModel, TableMethod
from .measurement_tensor import resistivity
from .registry import model_class, register

Carrier = Literal["auto", "holes", "electrons"]
WLHall = Literal["fukuyama", "none"]

#: channel codes of the data layout
XX, XY = 0, 1
#: lower bound of the mobilities (cm²/(V·s)): μ > 0, and the derived n_s = σ0/(eμ) must stay finite at the bound
_MU_MIN = 1e-8
#: lower bound of the sheet conductances (S): R_sheet0 = 1/Σσ0 must stay finite at the bound
_SIGMA_MIN = 1e-15
#: lower bound (table units: nm, ps) given to the physics model's varying parameters whose bound is 0, so that the
#: derived fields B = ħ/(4eL²) stay finite if a fit of data the model cannot describe runs a length to its bound
_PHYSICS_MIN = 1e-6
_SIGNS = {"holes": 1.0, "electrons": -1.0, "auto": 1.0}
_CHANNEL_NAMES = {XX: "R_xx", XY: "R_xy"}


def physics_class(physics: str | type[SigmafitModel]) -> type[SigmafitModel]:
    """The registered 2D sheet magnetoconductance class named ``physics`` (``ValueError`` for any other)."""
    cls = model_class(physics) if isinstance(physics, str) else physics
    ok = isinstance(cls, type) and issubclass(cls, SigmafitModel) and cls.family == "magnetoconductance"
    if not ok or cls.y != "delta_sigma_S":
        name = getattr(cls, "name", cls)
        raise ValueError(f"physics must be a 2D sheet magnetoconductance model (Δσ in S, e.g. 'hln-dp'); got {name!r}")
    return cls


def _describe(target) -> str:
    """The parameter table (the layout of :meth:`SigmafitModel.describe`); an instance adds its physics model and
    options (the class itself has no tables: they are built per instance from the options)."""
    text = SigmafitModel.describe.__func__(target)
    return text if isinstance(target, type) else text + f"\n  physics model: {target.physics_cls.name}, options {target.options}"


@dataclass(frozen=True)
class MeasurementReference(Reference):
    """A :class:`~sigmafit.models.base.Reference` whose points also name their ``channel`` (0 R_xx, 1 R_xy)."""

    channel: tuple[int, ...] = ()


def _band_rows(suffix: str, sign: float, sigma0: float, mu: float, carrier: str) -> tuple[Param, ...]:
    band = "band 2" if suffix else "band 1"
    return (
        Param(f"sigma0{suffix}", "S", sigma0, _SIGMA_MIN, math.inf, f"Drude sheet conductance of {band} at B = 0 (> 0)"),
        Param(f"mu{suffix}", "cm²/(V·s)", mu, _MU_MIN, math.inf, f"mobility of {band} (> 0)"),
        Param(f"sign{suffix}", "", sign, -1.0, 1.0,
              f"carrier sign of {band}: +1 holes, −1 electrons ({'from the Hall slope' if carrier == 'auto' else carrier})",
              vary=False),
    )


_INSTRUMENT_ROWS = (
    Param("B_off", "T", 0.0, description="field offset: the magnet reports B + B_off", zero_ok=True),
    Param("pickup", "", 0.0, description="fraction of ρ_xy read in R_xx (longitudinal probes offset across the bar)", zero_ok=True),
    Param("pickup_xy", "", 0.0, description="fraction of R_xx's change with field read in R_xy (Hall probes offset along the bar)",
          zero_ok=True),
    Param("offset_xy", "Ω", 0.0, description="even R_xy at B = 0 (R_xx pickup at zero field, thermoelectric or amplifier zero)",
          zero_ok=True),
)
_E = repr(float(E_CHARGE))


@register
class MeasurementModel(SigmafitModel):
    """R_xx(B), R_xy(B) as measured: Drude tensor + a weak-localization model + geometry + instrument terms.

    Parameters
    ----------
    physics : registry name (or class) of a 2D sheet magnetoconductance model, default ``"hln-dp"``.
    geometry : :class:`sigmafit.prepare.Geometry` of the sample (Hall bar W/L, van der Pauw or per square).
    carrier : ``"auto"`` (the start values take the sign from the Hall slope), ``"holes"`` or ``"electrons"``.
    bands : 1 or 2 Drude bands (the second adds ``sigma0_2``, ``mu_2``, ``sign_2``).
    carrier_2 : sign of the second band (``"auto"`` = that of the first, a start value only).
    wl_hall : ``"fukuyama"`` (WL leaves R_H unchanged, default) or ``"none"`` (σ_xy classical); see the module.

    Evaluate with ``model.eval(params, B=B, channel=channel)``; fit with
    ``model.fit(y, params, B=B, channel=channel, weights=1/sigma)``.
    """

    name = "measurement"
    family = "measurement"
    physics = "raw R_xx(B), R_xy(B): Drude tensor + weak localization + geometry + field offset and pickup"
    reference = "DESIGN.md §1; Fukuyama, J. Phys. Soc. Jpn. 48, 2169 (1980)"
    x = "field_T"
    y = "resistance_ohm"
    reference_values: ClassVar[tuple[Reference, ...]] = ()  # set below the class (they need the class's options)
    #: lmfit's leastsq can end far worse than its start on data the model cannot describe; least_squares does not
    fit_method: ClassVar[str] = "least_squares"

    def __init__(
        self,
        physics: str | type[SigmafitModel] = "hln-dp",
        *,
        geometry: Geometry,
        carrier: Carrier = "auto",
        bands: int = 1,
        carrier_2: Carrier = "auto",
        wl_hall: WLHall = "fukuyama",
        prefix: str = "",
        nan_policy: str = "raise",
        **kwargs: Any,
    ):
        if not isinstance(geometry, Geometry):
            raise TypeError(f"geometry must be a sigmafit.prepare.Geometry; got {type(geometry).__name__}")
        for opt, val in (("carrier", carrier), ("carrier_2", carrier_2)):
            if val not in _SIGNS:
                raise ValueError(f"{opt} must be one of 'auto', 'holes', 'electrons'; got {val!r}")
        if bands not in (1, 2):
            raise ValueError(f"bands must be 1 or 2; got {bands!r}")
        if wl_hall not in ("fukuyama", "none"):
            raise ValueError(f"wl_hall must be 'fukuyama' or 'none'; got {wl_hall!r}")
        self.physics_cls = physics_class(physics)
        self.physics_model = self.physics_cls(prefix=prefix)
        self.geometry = geometry
        self.options = {"physics": self.physics_cls.name, "geometry": geometry, "carrier": carrier, "bands": bands,
                        "carrier_2": carrier_2, "wl_hall": wl_hall}
        s1 = _SIGNS[carrier]
        s2 = s1 if carrier_2 == "auto" else _SIGNS[carrier_2]
        rows = _band_rows("", s1, 1e-3, 100.0, carrier)
        if bands == 2:
            rows += _band_rows("_2", s2, 1e-4, 30.0, carrier_2 if carrier_2 != "auto" else carrier)
        physics_rows = tuple(replace(r, min=_PHYSICS_MIN) if r.vary and r.min == 0.0 else r for r in self.physics_cls.params_table)
        self.params_table = rows + physics_rows + _INSTRUMENT_ROWS
        total = "sigma0" + (" + sigma0_2" if bands == 2 else "")
        derived = [
            Derived("n_s", f"sign*sigma0/({_E}*mu)", "cm⁻²", "sheet carrier density of band 1, + holes / − electrons"),
            Derived("R_sheet0", f"1/({total})", "Ω", "sheet resistance at B = 0"),
        ]
        if bands == 2:
            derived.insert(1, Derived("n_s_2", f"sign_2*sigma0_2/({_E}*mu_2)", "cm⁻²", "sheet density of band 2, signed"))
        self.derived_table = tuple(derived) + tuple(self.physics_cls.derived_table)
        self.function = self._make_function()
        super().__init__(prefix=prefix, nan_policy=nan_policy, independent_vars=["B", "channel"], **kwargs)

    # -- the forward model ------------------------------------------------------------------------
    def _make_function(self):
        names = [p.name for p in self.params_table]
        phys_names = [p.name for p in self.physics_cls.params_table]
        suffixes = self.band_suffixes
        factor = self.geometry.factor
        fukuyama = self.options["wl_hall"] == "fukuyama"
        phys = self.physics_cls.function

        def measurement(B, channel, **p):
            """Reading (Ω) of channel 0 (R_xx) or 1 (R_xy) at the reported field B (T)."""
            B = np.asarray(B, dtype=float)
            ch = np.asarray(channel)
            if ch.shape != B.shape or not np.isin(ch, (XX, XY)).all():
                raise ValueError("channel must be an array as long as B holding 0 (R_xx) or 1 (R_xy) at every point")
            Bt = B - p["B_off"]
            rho_xx, rho_xy = resistivity(Bt, p, suffixes, phys(Bt, *[p[n] for n in phys_names]), fukuyama)
            R_xx = rho_xx / factor
            R_xx0 = resistivity(np.zeros(1), p, suffixes, 0.0, fukuyama)[0][0] / factor  # Δσ(0) = 0
            return np.where(ch == XY, rho_xy + p["offset_xy"] + p["pickup_xy"] * (R_xx - R_xx0), R_xx + p["pickup"] * rho_xy)

        params = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in ("B", "channel", *names)]
        measurement.__signature__ = inspect.Signature(params)
        return measurement

    def __reduce__(self):
        """Rebuild from the options (the function is a closure): pickling for parallel batches."""
        return (_rebuild, (self.options, self.prefix, self.nan_policy, dict(self.param_hints)))

    @property
    def independent(self) -> str:
        return "B"

    @property
    def display_name(self) -> str:
        """The physics model's name: results read ``hln-dp``, fitted to the raw readings."""
        return self.physics_cls.name

    def fit_data(self, df: pd.DataFrame, *, x=None, y=None, weights=None) -> dict[str, Any]:
        """The arrays of a fit from :func:`sigmafit.prepare.measured.measured_points` output (one curve).

        Weights 1/σ of each reading (``resistance_err_ohm``) unless ``weights="none"``; the noise rule the
        preparation stated becomes the result's ``source["weights"]``.
        """
        from ..exceptions import DataFormatError

        need = ["field_T", "channel", "resistance_ohm", "resistance_err_ohm"]
        missing = [c for c in need if c not in df.columns]
        if missing:
            raise DataFormatError(f"the measurement model needs the raw readings of sigmafit.prepare.measured "
                                  f"(columns {', '.join(need)}); missing: {', '.join(missing)}", column=missing[0])
        err = df["resistance_err_ohm"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            w = None if weights == "none" else np.where(err > 0, 1.0 / err, np.nan)
        how = None if w is None else str(df.attrs.get("sigmafit", {}).get("weights") or "1/resistance_err_ohm")
        return {"x": df["field_T"].to_numpy(float), "y": df["resistance_ohm"].to_numpy(float), "weights": w,
                "x_name": "field_T", "y_name": "resistance_ohm", "weighted": w is not None, "weights_how": how,
                "independent": {"channel": df["channel"].to_numpy(int)}}

    def display_data(self, params: lmfit.Parameters, B, y, weights, *, channel, n_fine: int = 400) -> dict[str, Any]:
        """The data block of a result for figures: the Δσ(B − B_off) picture users expect (R_xx readings turned into
        Δσ pointwise, see :meth:`display`) with the raw R_xx, R_xy readings and model under ``"raw"``."""
        shown = self.display(params, B, channel, y, n_fine=n_fine)
        pts, fine = shown["points"], shown["model"]
        xx = pts["channel"].to_numpy() == XX
        x = pts["field_true_T"].to_numpy(float)[xx]
        ds = pts["delta_sigma_S"].to_numpy(float)[xx]
        order = np.argsort(x, kind="stable")
        model_ds = self.delta_sigma(params, x)
        data: dict[str, Any] = {
            "x": x[order].tolist(), "y": ds[order].tolist(), "residual": (ds - model_ds)[order].tolist(),
            "fine_x": fine["field_true_T"].tolist(), "fine_y": fine["delta_sigma_S"].tolist(), "parts": 1,
            "x_name": "field_T", "y_name": "delta_sigma_S",
            "note": "Δσ(B − B_off) from the R_xx readings with the fitted classical part and instrument terms removed "
                    "(display only: the fit compared the model with the raw readings)",
        }
        if weights is not None:
            slope = pts["dR_dsigma_ohm_per_S"].to_numpy(float)[xx]
            with np.errstate(divide="ignore", invalid="ignore"):
                data["y_err"] = (1.0 / np.asarray(weights, float)[xx] / np.abs(slope))[order].tolist()
        raw = {"x": np.asarray(B, float).tolist(), "channel": np.asarray(channel).astype(int).tolist(),
               "y": np.asarray(y, float).tolist(), "model": pts["model_ohm"].tolist(),
               "fine_x": fine["field_T"].tolist(), "fine_R_xx": fine["R_xx_ohm"].tolist(), "fine_R_xy": fine["R_xy_ohm"].tolist()}
        if weights is not None:
            raw["y_err"] = (1.0 / np.asarray(weights, float)).tolist()
        data["raw"] = raw
        return data

    def values(self, params: lmfit.Parameters) -> dict[str, float]:
        """Unprefixed ``{name: value}`` of the table's parameters."""
        return {p.name: float(params[self.prefix + p.name].value) for p in self.params_table}

    @property
    def band_suffixes(self) -> tuple[str, ...]:
        """Suffixes of the Drude bands' parameter names: ``("",)`` or ``("", "_2")``."""
        return ("", "_2")[: self.options["bands"]]

    def sample_resistivity(self, params: lmfit.Parameters, B_true, delta_sigma=None) -> tuple[np.ndarray, np.ndarray]:
        """(ρ_xx, ρ_xy) in Ω of the sample alone (no geometry, no instrument) at the true field ``B_true`` (T).

        ``delta_sigma`` (S) replaces the physics model's Δσ(B_true) when given.
        """
        Bt = np.asarray(B_true, float)
        ds = self.delta_sigma(params, Bt) if delta_sigma is None else np.asarray(delta_sigma, float)
        return resistivity(Bt, self.values(params), self.band_suffixes, ds, self.options["wl_hall"] == "fukuyama")

    def delta_sigma(self, params: lmfit.Parameters, B_true) -> np.ndarray:
        """Δσ (S) of the physics model at the true field ``B_true`` (T)."""
        return self.physics_model.eval(params, B=np.asarray(B_true, float))

    # -- lmfit / sigmafit protocol ------------------------------------------------------------------
    units = TableMethod(SigmafitModel.units.__func__)
    symbols = TableMethod(SigmafitModel.symbols.__func__)
    describe = TableMethod(_describe)

    def characteristic_x(self, params: lmfit.Parameters) -> float | None:
        """B_φ (T) of the physics model, for automatic windows |B| ≤ k·B_φ."""
        return self.physics_model.characteristic_x(params)

    def guess(self, data, x=None, *, B=None, channel=None, **kwargs) -> lmfit.Parameters:
        """Start parameters from the raw readings ``data`` at fields ``B`` (or ``x``) of channels ``channel``.

        See :func:`sigmafit.models.guess.measurement.start_values`; parameters a dataset cannot fix (μ,
        ``pickup_xy``, ``offset_xy`` without R_xy points) come back fixed.  Keywords override start values.
        """
        from .guess.measurement import start_values

        y = np.asarray(data, dtype=float)
        Bv = np.asarray(B if B is not None else x, dtype=float)
        ch = np.zeros(y.shape, dtype=int) if channel is None else np.asarray(channel)
        start = start_values(self, y, Bv, ch)
        params = self.make_params()
        for name, value in start.values.items():
            par = params[self.prefix + name]
            if np.isfinite(value):
                par.set(value=float(np.clip(value, par.min, par.max)))
        for name, (lo, hi) in start.bounds.items():
            params[self.prefix + name].set(min=lo, max=hi)
        for name in start.fixed:
            params[self.prefix + name].set(vary=False)
        return lmfit.models.update_param_vals(params, self.prefix, **kwargs)

    def diagnose(self, params: lmfit.Parameters, x: np.ndarray, channel: np.ndarray | None = None) -> list[str]:
        """Reasons not to trust ``params`` fitted on fields ``x`` (T, as reported) of channels ``channel``."""
        B = np.asarray(x, dtype=float)
        ch = np.zeros(B.shape, dtype=int) if channel is None else np.asarray(channel)
        p = self.values(params)
        out = self.physics_model.diagnose(params, B[ch == XX] - p["B_off"])
        for suffix in self.band_suffixes:
            if abs(p[f"sign{suffix}"]) != 1.0:
                out.append(f"sign{suffix} = {p[f'sign{suffix}']:g} is not ±1 (holes +1, electrons −1): keep it fixed")
        if self.options["bands"] == 2 and not (ch == XY).any():
            out.append("two Drude bands without an R_xy channel: the bands are not separable from R_xx alone; "
                       "fit one band or measure the Hall resistance")
        span = float(np.max(np.abs(B))) if B.size else 0.0
        if span and abs(p["B_off"]) > 0.05 * span:
            out.append(f"the field offset B_off = {p['B_off']:.3g} T is more than 5 % of the field range "
                       f"({span:.3g} T): check the field column and its unit")
        return out

    def goodness(self, params: lmfit.Parameters, B, channel, y, weights, nvarys: int) -> tuple[dict, list[str]]:
        """χ² per channel and overall with the per-point weights (1/σ), and sentences when χ²_ν is far from 1.

        Returns ``({"R_xx": {"n": …, "chisqr": …, "chi2_per_point": …}, …, "redchi": …}, sentences)``.
        With honest per-point uncertainties χ²_ν ≈ 1 ± √(2/ν); far above, the model misses the data.
        """
        B, y, w = (np.asarray(a, dtype=float) for a in (B, y, weights))
        ch = np.asarray(channel)
        r2 = np.square((y - self.eval(params, B=B, channel=ch)) * w)
        stats: dict[str, Any] = {}
        for code, label in _CHANNEL_NAMES.items():
            sel = ch == code
            if sel.any():
                stats[label] = {"n": int(sel.sum()), "chisqr": float(r2[sel].sum()), "chi2_per_point": float(r2[sel].mean())}
        nu = max(y.size - int(nvarys), 1)
        redchi = float(r2.sum() / nu)
        stats["redchi"] = redchi
        out = []
        if redchi > 1.0 + 5.0 * math.sqrt(2.0 / nu):
            worst = max((k for k in stats if k != "redchi"), key=lambda k: stats[k]["chi2_per_point"])
            out.append(f"χ²_ν = {redchi:.3g} with per-point uncertainties (expected 1 ± {math.sqrt(2.0 / nu):.2g}): the model "
                       f"does not describe the data within their noise; {worst} is worst ({stats[worst]['chi2_per_point']:.3g} per "
                       "point) — look at its residuals (field range, background, superconducting or hopping physics)")
        elif redchi < 1.0 - 5.0 * math.sqrt(2.0 / nu):
            out.append(f"χ²_ν = {redchi:.3g} is far below 1: the per-point uncertainties are overestimated "
                       "(or the noise is correlated between neighbouring points)")
        return stats, out

    # -- display ------------------------------------------------------------------------------------
    def display(self, params: lmfit.Parameters, B, channel, y, *, n_fine: int = 801) -> dict[str, pd.DataFrame]:
        """The pictures users expect, for display only (nothing here feeds back into the fit).

        ``"points"``: one row per reading — reported ``field_T``, ``field_true_T`` = B − B_off, ``channel``,
        ``resistance_ohm`` (data), ``model_ohm``, and for R_xx readings ``delta_sigma_S`` = Δσ_data(B − B_off): the
        correction that, with every other fitted parameter (classical part, pickup of the model's own ρ_xy,
        geometry), reproduces that reading — Δσ_model plus the reading's misfit divided by ∂R_xx/∂Δσ (one Newton
        step from the model, exact to first order in the misfit; for one band and ``wl_hall="fukuyama"`` this is
        1/ρ_xx − σ0).  R_xy readings are never paired with it.
        ``"model"``: a fine grid of the true field over the data's range with ``delta_sigma_S`` (physics model),
        ``field_T`` (reported) and the model readings ``R_xx_ohm``, ``R_xy_ohm``.
        """
        B, y = np.asarray(B, dtype=float), np.asarray(y, dtype=float)
        ch = np.asarray(channel)
        p = self.values(params)
        Bt = B - p["B_off"]
        model_y = self.eval(params, B=B, channel=ch)
        xx = ch == XX
        ds_m = self.delta_sigma(params, Bt[xx])
        step = 1e-3 * G_Q
        rxx0 = self.sample_resistivity(params, Bt[xx], ds_m)[0]
        rxx1 = self.sample_resistivity(params, Bt[xx], ds_m + step)[0]
        slope = (rxx1 - rxx0) / step / self.geometry.factor  # ∂R_xx/∂Δσ (Ω/S); the pickup term does not depend on Δσ
        ds = np.full(B.shape, np.nan)
        ds[xx] = ds_m + (y[xx] - model_y[xx]) / slope
        dR = np.full(B.shape, np.nan)
        dR[xx] = slope
        points = pd.DataFrame({"field_T": B, "field_true_T": Bt, "channel": ch, "resistance_ohm": y,
                               "model_ohm": model_y, "delta_sigma_S": ds, "dR_dsigma_ohm_per_S": dR})
        fine = np.linspace(float(Bt.min()), float(Bt.max()), n_fine) if B.size else np.zeros(0)
        Bf = fine + p["B_off"]
        model = pd.DataFrame({"field_true_T": fine, "field_T": Bf, "delta_sigma_S": self.delta_sigma(params, fine),
                              "R_xx_ohm": self.eval(params, B=Bf, channel=np.full(fine.shape, XX)),
                              "R_xy_ohm": self.eval(params, B=Bf, channel=np.full(fine.shape, XY))})
        return {"points": points, "model": model}


def _rebuild(options: dict, prefix: str, nan_policy: str, hints: dict) -> MeasurementModel:
    opts = dict(options)
    model = MeasurementModel(opts.pop("physics"), prefix=prefix, nan_policy=nan_policy, **opts)
    model.param_hints = hints
    return model


# --- independent reference values ------------------------------------------------------------------------
# PHYSICS.md §6, one band: ρ_xy = B/(q n) exactly and ρ_xx = 1/σ0 (no classical magnetoresistance); two bands:
# the table of ρ_xx, ρ_xy (n₁ = 1e25 electrons, μ₁ = 0.1 m²/Vs = 1000 cm²/(V·s); n₂ = 5e24 holes, μ₂ = 0.05 m²/Vs —
# the same formulas hold for
# sheet quantities, so σ0ᵢ = nᵢ e μᵢ and the values read in Ω).  PHYSICS.md §2 for Δσ of hln-dp.  Weak
# localization is switched off with L_phi at its floor (B_φ ≈ 1.6e14 T, Y(B_φ/B) < 1e-29).

_GQ_DP = -0.345690612559227  # hln-dp, B = 0.1 T, B_φ = 0.01 T, B_so = 0.1 T (PHYSICS.md §2)


def _reference_values() -> tuple[MeasurementReference, ...]:
    from .carriers import _PHYSICS_B, _PHYSICS_RHO  # the two-band table: ρ_xx at _PHYSICS_B, then ρ_xy
    from .formulas.localization import char_length  # L (m) of a characteristic field B = ħ/(4eL²)

    hall = Geometry("hallbar", width_um=10.0, length_um=40.0)
    inst0 = {"B_off": 0.0, "pickup": 0.0, "pickup_xy": 0.0, "offset_xy": 0.0}
    s1, s2 = 1e25 * E_CHARGE * 0.1, 5e24 * E_CHARGE * 0.05
    off = _PHYSICS_MIN  # L_phi at its floor: B_φ = 1.6e14 T, Y(B_φ/B) < 1e-29, no weak localization
    two = {"sigma0": s1, "mu": 1000.0, "sign": -1.0, "sigma0_2": s2, "mu_2": 500.0, "sign_2": 1.0, "L_phi": off, "L_so": 50.0}
    n = 1e16  # holes per m², μ = 0.1 m²/Vs: ρ_xx = 1/(neμ), R_H = 1/(ne)
    rho, r_h = 1.0 / (n * E_CHARGE * 0.1), 1.0 / (n * E_CHARGE)
    one = {"sigma0": n * E_CHARGE * 0.1, "mu": 1000.0, "sign": 1.0, "L_phi": off, "L_so": 50.0}
    wl = {"sigma0": 1e-3, "mu": 1e-5, "sign": 1.0, "L_phi": char_length(0.01) * 1e9, "L_so": char_length(0.1) * 1e9}
    return (
        MeasurementReference({**two, **inst0}, _PHYSICS_B * 2, _PHYSICS_RHO,
                             "PHYSICS.md §6 two-band table (electrons + holes), per square",
                             rtol=1e-12, atol=1e-20, options={"bands": 2, "geometry": Geometry("sheet"), "wl_hall": "none"},
                             channel=(XX,) * len(_PHYSICS_B) + (XY,) * len(_PHYSICS_B)),
        MeasurementReference({**one, **inst0, "B_off": 0.02, "pickup": 0.03, "pickup_xy": 0.01, "offset_xy": -2.0},
                             (1.02, 1.02, -0.48),
                             (4.0 * rho + 0.03 * r_h * 1.0, r_h * 1.0 - 2.0, r_h * -0.5 - 2.0),
                             "PHYSICS.md §6 one band: ρ_xy = B/(en), ρ_xx = 1/σ0 (no magnetoresistance, so the R_xx pickup "
                             "in R_xy adds nothing beyond offset_xy); Hall bar L/W = 4; instrument terms by hand",
                             rtol=1e-12, options={"geometry": hall}, channel=(0, 1, 1)),
        MeasurementReference({**wl, **inst0}, (0.1, -0.1, 0.0),
                             (4.0 / (1e-3 + G_Q * _GQ_DP), 4.0 / (1e-3 + G_Q * _GQ_DP), 4.0 / 1e-3),
                             "PHYSICS.md §2 hln-dp Δσ/G_Q (B_φ = 10 mT, B_so = 100 mT) in R_xx = (L/W)/(σ0 + Δσ), μB ≈ 0",
                             rtol=1e-11, options={"geometry": hall}, channel=(0, 0, 0)),
        MeasurementReference({**wl, **inst0, "mu": 1e4}, (0.1, 0.1),
                             (4.0 / (1e-3 + G_Q * _GQ_DP), 0.1 * 1.0 / 1e-3),
                             "wl_hall='fukuyama', one band, μ = 1 m²/Vs, μB = 0.1: ρ_xx = 1/(σ0 + Δσ) with PHYSICS.md §2 hln-dp Δσ, "
                             "ρ_xy = B/(en) = Bμ/σ0 unchanged by weak localization (by hand)",
                             rtol=1e-11, options={"geometry": hall}, channel=(0, 1)),
    )


MeasurementModel.reference_values = _reference_values()
