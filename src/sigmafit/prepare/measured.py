r"""Raw curves for the measurement model: every measured R_xx and R_xy reading, per curve, nothing interpolated.

From a loaded transport DataFrame (:func:`sigmafit.load`, long format with ``channel`` and the roles
``"xx"``/``"xy"`` in ``attrs["sigmafit"]["channels"]``) this module keeps what the instrument measured — the
reported field, the channel, the reading — and adds only bookkeeping and a per-point uncertainty:

* channels: the longitudinal one (``channel=`` or role ``"xx"``) becomes code 0, the Hall one
  (``hall_channel=`` or role ``"xy"``) code 1; they keep their own fields (interleaved channels are never paired);
* sweeps (:func:`sigmafit.prepare.segment`), all of them, dwell repeats included (each is a reading);
* curves: one per ``by`` value, temperatures clustered into set points per sweep as
  :func:`sigmafit.prepare.group_levels` does for the transform path;
* an optional window |B| ≤ ``bmax`` on the reported field;
* ``resistance_err_ohm``: σ of each reading (:mod:`sigmafit.prepare.noise`), one rule stated in
  ``attrs["sigmafit"]["weights"]``.

Refusals are one sentence (:class:`DataFormatError`): no field column, fields that never cross zero, R_xy missing
when the model needs it, too few readings to estimate the noise without a standard-deviation column.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError, DataWarning
from ._common import finish, meta_of, require
from .channels import channel_roles
from .noise import estimate
from .pipeline import _curve_label, _sweep_levels
from .sweeps import segment

#: channel codes of the measurement model's data layout
XX, XY = 0, 1
_LABEL = {XX: "R_xx", XY: "R_xy"}


def _source(df: pd.DataFrame) -> str:
    src = meta_of(df).get("source")
    return str(src) if src else "the data"


def _with_readings(df: pd.DataFrame, num: int) -> bool:
    return bool(np.isfinite(df.loc[df["channel"] == num, "resistance_ohm"].to_numpy(float)).any())


def _pick_channels(df: pd.DataFrame, channel: int | None, hall_channel: int | None) -> tuple[int | None, int | None]:
    """(instrument channel of R_xx, of R_xy or None); None for R_xx means the data hold one unnamed channel."""
    if "channel" not in df.columns:
        return None, None
    roles = channel_roles(df)
    present = [c for c in sorted(roles) if _with_readings(df, c)]
    if not present:
        raise DataFormatError(f"{_source(df)}: no channel holds a finite resistance reading", column="resistance_ohm")
    for given, what in ((channel, "channel"), (hall_channel, "hall_channel")):
        if given is not None and int(given) not in present:
            raise DataFormatError(f"{_source(df)}: {what}={given} holds no readings; channels with readings: {present}",
                                  column="channel")
    xx = int(channel) if channel is not None else None
    if xx is None:
        cands = [c for c in present if roles.get(c) == "xx"] or (present if len(present) == 1 else [])
        if len(cands) != 1:
            raise DataFormatError(f"{_source(df)}: cannot tell which channel is R_xx (channels with readings {present}, "
                                  f"roles {roles}); pass channel=<number>", column="channel")
        xx = cands[0]
    xy = int(hall_channel) if hall_channel is not None else None
    if xy is None:
        cands = [c for c in present if roles.get(c) == "xy" and c != xx]
        xy = cands[0] if len(cands) == 1 else None
    return xx, xy


def _require_hall(df: pd.DataFrame) -> None:
    roles = channel_roles(df) if "channel" in df.columns else {}
    present = [c for c in sorted(roles) if _with_readings(df, c)]
    raise DataFormatError(f"{_source(df)}: the model needs R_xy, but no channel with role 'xy' holds readings "
                          f"(channels with readings {present}, roles {roles}); pass hall_channel=<number>", column="channel")


def _drop_nonfinite(data: pd.DataFrame, dropped: list) -> pd.DataFrame:
    ok = np.isfinite(data["field_T"].to_numpy(float)) & np.isfinite(data["resistance_ohm"].to_numpy(float))
    n = int((~ok).sum())
    if n:
        warnings.warn(f"{_source(data)}: {n} rows without a finite field or resistance were left out", DataWarning, stacklevel=3)
        dropped.append({"reason": "no finite field_T or resistance_ohm (prepare.measured)", "count": n})
    return data.loc[ok]


def _crossing(data: pd.DataFrame, value_col: str, dropped: list) -> pd.DataFrame:
    """Keep the curves whose R_xx fields reach both signs; refuse when none does."""
    if data.empty:
        raise DataFormatError(f"{_source(data)}: no reading has both a finite field and a finite resistance", column="resistance_ohm")
    keep = []
    for value, g in data.groupby(value_col, sort=False):
        b = g.loc[g["code"] == XX, "field_T"].to_numpy(float)
        if b.size and b.min() < 0.0 < b.max():
            keep.append(value)
    if not keep:
        b = data["field_T"].to_numpy(float)
        raise DataFormatError(f"{_source(data)}: the fields never cross zero (field_T from {b.min():.6g} to {b.max():.6g} T); "
                              "a magnetoresistance fit needs sweeps through B = 0", column="field_T")
    out = data.loc[data[value_col].isin(keep)]
    n = len(data) - len(out)
    if n:
        warnings.warn(f"{_source(data)}: {n} readings of curves whose fields do not cross zero were left out", DataWarning,
                      stacklevel=3)
        dropped.append({"reason": "curve fields do not cross zero (prepare.measured)", "count": n})
    return out


def measured_points(
    df: pd.DataFrame,
    *,
    by: str | None = "temperature_K",
    tolerance: float | None = None,
    channel: int | None = None,
    hall_channel: int | None = None,
    need_hall: bool = False,
    bmax: float | None = None,
) -> pd.DataFrame:
    r"""Every reading of R_xx (code 0) and R_xy (code 1) per curve, with its uncertainty, in long format.

    Parameters
    ----------
    df : loaded transport data (``field_T`` in T, ``resistance_ohm`` in Ω, optional ``channel``, ``temperature_K``).
    by : column that labels curves (default ``temperature_K``, clustered into set points within ``tolerance``,
        default 0.02 K); ``None``: one curve.
    channel, hall_channel : instrument channel numbers of R_xx and R_xy (default: the roles in the metadata).
    need_hall : refuse data without an R_xy channel (the model fits the Hall resistance).
    bmax : keep |B| ≤ bmax (T, reported field).

    Returns
    -------
    DataFrame with ``curve`` (label), the ``by`` column (set point), ``field_T`` (T, as reported), ``channel``
    (0 = R_xx, 1 = R_xy), ``resistance_ohm`` (Ω, as measured), ``resistance_err_ohm`` (Ω, σ of the reading),
    ``sweep``, ``sweep_direction``, ``instrument_channel`` and ``temperature_K``/``time_s`` when present, in
    acquisition order within each curve and channel.  ``attrs["sigmafit"]``: ``channels`` (codes → roles),
    ``errors`` (``{"resistance_ohm": "resistance_err_ohm"}``), ``weights`` (the noise rule, one sentence) and
    ``noise`` (σ and method per curve and channel).
    """
    require(df, ["field_T", "resistance_ohm"], "measured_points")
    if by is not None:
        require(df, [by], f"measured_points(by={by!r})")
    if bmax is not None and not (np.isfinite(bmax) and bmax > 0):
        raise ValueError(f"bmax must be a positive field in T; got {bmax!r}")
    xx, xy = _pick_channels(df, channel, hall_channel)
    data = df.copy()
    if xx is None:
        data["channel"] = 1
        xx = 1
    data = data.loc[data["channel"].isin([c for c in (xx, xy) if c is not None])].copy()
    data["code"] = np.where(data["channel"] == xx, XX, XY)
    dropped: list = []
    data = _drop_nonfinite(data, dropped)
    data = segment(data, x="field_T")
    data["_value"], tol, _ = _sweep_levels(data, by, tolerance, ("channel", "sweep"))  # sweeps are numbered per channel
    data = _crossing(data, "_value", dropped)
    if need_hall and xy is None:
        _require_hall(df)
    n_window = 0
    if bmax is not None:
        inside = np.abs(data["field_T"].to_numpy(float)) <= bmax
        n_window = int((~inside).sum())
        data = data.loc[inside]
        if data.empty:
            raise DataFormatError(f"{_source(df)}: no reading lies within |B| ≤ bmax = {bmax:g} T", column="field_T")
    pieces, notes = [], []
    for value, g in data.groupby("_value", sort=False):
        label = _curve_label(by, value)
        for code in (XX, XY):
            part = g.loc[g["code"] == code]
            if part.empty:
                continue
            est = estimate(part, what=f"{label}, {_LABEL[code]}")
            part = part.assign(resistance_err_ohm=est.sigma, curve=label)
            pieces.append(part)
            notes.append({"curve": label, "channel": _LABEL[code], "sigma_median_ohm": float(np.median(est.sigma)),
                          "rule": est.kind, "method": est.method, "n_residuals": est.n_residuals})
    out = _layout(pd.concat(pieces), by)
    return _finish(out, df, by=by, tol=tol, xx=xx, xy=xy, bmax=bmax, n_window=n_window, notes=notes, dropped=dropped)


def arrays(points: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(B in T, channel code, reading in Ω, σ in Ω) of :func:`measured_points` output (one curve), for
    ``model.fit(y, params, B=B, channel=channel, weights=1/σ)``."""
    require(points, ["field_T", "channel", "resistance_ohm", "resistance_err_ohm"], "measured.arrays")
    return (points["field_T"].to_numpy(float), points["channel"].to_numpy(int), points["resistance_ohm"].to_numpy(float),
            points["resistance_err_ohm"].to_numpy(float))


def _layout(data: pd.DataFrame, by: str | None) -> pd.DataFrame:
    out = pd.DataFrame({"curve": data["curve"].to_numpy()})
    if by is not None:
        out[by] = data["_value"].to_numpy(float)
    out["field_T"] = data["field_T"].to_numpy(float)
    out["channel"] = data["code"].to_numpy(int)
    out["resistance_ohm"] = data["resistance_ohm"].to_numpy(float)
    out["resistance_err_ohm"] = data["resistance_err_ohm"].to_numpy(float)
    for col in ("sweep", "sweep_direction"):
        out[col] = data[col].to_numpy()
    out["instrument_channel"] = data["channel"].to_numpy(int)
    for col in ("temperature_K", "time_s"):
        if col in data.columns and col != by:
            out[col] = data[col].to_numpy(float)
    return out


def _finish(out, df, *, by, tol, xx, xy, bmax, n_window, notes, dropped) -> pd.DataFrame:
    methods = sorted({n["rule"] for n in notes})
    rule = ("1/σ per reading, σ from prepare.noise per curve and channel: " + "; ".join(methods)
            + " — " + ", ".join(f"{n['curve']} {n['channel']} {n['sigma_median_ohm']:.3g} Ω" for n in notes))
    res = finish(out, df, "measured_points", by=by, tolerance=tol, xx_channel=xx, xy_channel=xy, bmax=bmax,
                 n_outside_window=n_window, curves=list(pd.unique(out["curve"])))
    meta = res.attrs["sigmafit"]
    names = meta.get("channels") or {}
    meta["channels"] = {XX: {"role": "xx", "instrument_channel": xx, "name": (names.get(xx) or {}).get("name")}}
    if xy is not None:
        meta["channels"][XY] = {"role": "xy", "instrument_channel": xy, "name": (names.get(xy) or {}).get("name")}
    meta["errors"] = {"resistance_ohm": "resistance_err_ohm"}
    meta["weights"] = rule
    meta["noise"] = notes
    if dropped:
        meta["dropped"] = [*meta.get("dropped", []), *dropped]
    return res
