"""Channel selection and the long → wide (R_xx, R_xy side by side) transform.

Transport loaders return *long* data: one row per point per channel, the reading in
``resistance_ohm`` and the channel number in ``channel``; the roles live in
``df.attrs["sigmafit"]["channels"] = {1: {"name": "TMR", "role": "xx"}, 2: {..., "role": "xy"}}``
(see :mod:`sigmafit.io.columns`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from ..exceptions import DataFormatError
from ._common import finish, interp_nan, meta_of, require

Role = Literal["xx", "xy"]

#: Columns that identify one instrument reading; rows of two channels that agree on
#: all of these present columns were taken in the same instrument row.
ROW_KEYS = ("time_s", "field_T", "temperature_K")


def channel_roles(df: pd.DataFrame) -> dict[int, str | None]:
    """Map channel number → role (``"xx"``, ``"xy"`` or ``None``) from ``attrs["sigmafit"]["channels"]``.

    Keys are normalised to ``int`` (metadata that went through JSON has string keys).
    Channels present in the data but absent from the metadata get role ``None``.
    """
    roles: dict[int, str | None] = {}
    for key, info in (meta_of(df).get("channels") or {}).items():
        try:
            num = int(key)
        except (TypeError, ValueError):
            continue
        role = info.get("role") if isinstance(info, dict) else None
        roles[num] = role if role in ("xx", "xy") else None
    if "channel" in df.columns:
        for num in pd.unique(df["channel"].dropna()):
            roles.setdefault(int(num), None)
    return roles


def _channels_in(df: pd.DataFrame) -> list[int]:
    return [int(c) for c in pd.unique(df["channel"].dropna())]


def select(df: pd.DataFrame, role: Role | None = None, channel: int | None = None) -> pd.DataFrame:
    """Keep the rows of one channel.

    Parameters
    ----------
    df : long-format transport data (column ``channel``); data without a ``channel``
        column hold one channel and are returned as a copy.
    role : ``"xx"`` (longitudinal) or ``"xy"`` (Hall); looked up in ``attrs["sigmafit"]["channels"]``.
    channel : channel number; wins over ``role`` when both are given.

    With neither, the only channel is taken, else the unique ``"xx"`` channel; if the
    roles are unknown and several channels exist, :class:`DataFormatError` asks for
    ``channel=`` or ``role=``.
    """
    if role not in (None, "xx", "xy"):
        raise ValueError(f"role must be one of None, 'xx', 'xy'; got {role!r}")
    if "channel" not in df.columns:
        if channel is not None:
            require(df, ["channel"], f"select(channel={channel})")
        return finish(df.copy(), df, "select", channel=None, role=role)
    present = _channels_in(df)
    roles = channel_roles(df)
    if channel is not None:
        if int(channel) not in present:
            raise DataFormatError(
                f"channel {channel} is not in the data; channels present: {present}", column="channel"
            )
        chosen = int(channel)
    else:
        wanted = role or "xx"
        matches = [c for c in present if roles.get(c) == wanted]
        if len(matches) == 1:
            chosen = matches[0]
        elif role is None and len(present) == 1:
            chosen = present[0]
        elif not matches:
            known = {c: roles.get(c) for c in present}
            raise DataFormatError(
                f"cannot tell which channel is {wanted!r}: channels present {present} with roles {known} "
                f"(attrs['sigmafit']['channels']); pass channel=<number>",
                column="channel",
            )
        else:
            raise DataFormatError(
                f"several channels have role {wanted!r}: {matches}; pass channel=<number>", column="channel"
            )
    out = df.loc[df["channel"] == chosen].copy()
    return finish(out, df, "select", channel=chosen, role=roles.get(chosen))


def _hall_on_xx(xx: pd.DataFrame, xy: pd.DataFrame) -> tuple[np.ndarray, str]:
    """Hall reading for every xx row: row-aligned when possible, else interpolated per sweep."""
    keys = [k for k in ROW_KEYS if k in xx.columns and k in xy.columns]
    if keys:
        left = xx[keys].reset_index(drop=True)
        right = xy[keys + ["resistance_ohm"]].drop_duplicates(subset=keys)
        merged = left.merge(right, on=keys, how="left", sort=False)
        hall = merged["resistance_ohm"].to_numpy(float)
        if len(merged) == len(xx) and np.isfinite(hall).all() and len(xy) == len(xx):
            return hall, "row-aligned"
    require(xx, ["field_T"], "to_wide (interpolating the Hall channel onto the xx field points)")
    from .sweeps import segment

    if "sweep" not in xx.columns or "sweep" not in xy.columns:
        xx = segment(xx, x="field_T")
        xy = segment(xy, x="field_T")
    hall = np.full(len(xx), np.nan)
    xy_sweeps = {s: g for s, g in xy.groupby("sweep", sort=False)}
    use_time = "time_s" in xx.columns and "time_s" in xy.columns
    pos = np.arange(len(xx))
    for s, g in xx.groupby("sweep", sort=False):
        idx = pos[(xx["sweep"] == s).to_numpy()]
        partner = None
        if use_time:
            t0, t1 = g["time_s"].min(), g["time_s"].max()
            overlaps = {sy: min(t1, gy["time_s"].max()) - max(t0, gy["time_s"].min()) for sy, gy in xy_sweeps.items()}
            if overlaps:
                best = max(overlaps, key=overlaps.__getitem__)
                if overlaps[best] > 0:
                    partner = xy_sweeps[best]
        if partner is None:
            partner = xy_sweeps.get(s)
        if partner is None:
            continue
        hall[idx] = interp_nan(
            g["field_T"].to_numpy(float), partner["field_T"].to_numpy(float), partner["resistance_ohm"].to_numpy(float)
        )
    return hall, "interpolated in field within each sweep"


def to_wide(df: pd.DataFrame, *, xx: int | None = None, xy: int | None = None) -> pd.DataFrame:
    """R_xx and R_xy side by side: columns ``resistance_ohm`` (xx) and ``hall_resistance_ohm`` (xy).

    The rows are those of the longitudinal channel.  When both channels were read in the
    same instrument row (equal ``time_s``/``field_T``/``temperature_K``) the Hall value is
    taken from that row; otherwise (interleaved channels, e.g. PPMS ACT) the Hall channel is
    linearly interpolated onto the xx channel's field points within the matching sweep
    (sweeps matched by time overlap, else by index). xx points outside the Hall sweep's field
    range get NaN (counted in the step record, never extrapolated). The ``channel`` column is
    dropped; the channel numbers are recorded in the step record.

    ``xx``/``xy`` choose channel numbers explicitly; by default the roles in
    ``attrs["sigmafit"]["channels"]`` decide.
    """
    require(df, ["channel", "resistance_ohm"], "to_wide")
    xx_df = select(df, channel=xx) if xx is not None else select(df, role="xx")
    xy_df = select(df, channel=xy) if xy is not None else select(df, role="xy")
    cx, cy = int(xx_df["channel"].iloc[0]), int(xy_df["channel"].iloc[0])
    if cx == cy:
        raise DataFormatError(f"to_wide needs two different channels; got xx = xy = {cx}", column="channel")
    hall, how = _hall_on_xx(xx_df, xy_df)
    out = xx_df.drop(columns=["channel"]).reset_index(drop=True)
    out["hall_resistance_ohm"] = hall
    n_missing = int(np.count_nonzero(~np.isfinite(hall)))
    return finish(out, df, "to_wide", xx_channel=cx, xy_channel=cy, method=how, n_hall_missing=n_missing)
