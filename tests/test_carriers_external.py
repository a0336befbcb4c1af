"""Hall density and mobility from the real PPMS files of (SnSe)1.16(NbSe2) (../shared/external/formats).

``ppms-act-snse-nbse2`` (AC Transport, 2022) carries its geometry in the header: Hall voltage across
w = 1.393 mm, longitudinal probes l = 1.022 mm apart, thickness d = 0.08 mm (comment), and the header's
cross-section 0.0011144 cm² = w·d confirms it.  ``ppms-resistivity-snse-nbse2`` (Resistivity option, 2024)
has the MultiVu defaults (cross-section and length 1): no thickness and no W/L.

Both samples superconduct below ~0.6 T at 2 K, so R_H and ρ_xx(0) are taken from the normal state
(R_xx within 3 % of its high-field value), where R_xy is linear.

What the files say (this test pins it): the normal-state sheet Hall coefficients R_xy/B differ by a factor
≈ 470 and in sign (−4.9 mΩ/T against +11 µΩ/T).  R_xy/B = 1/(n e t) depends only on the density and the
thickness, so one crystal of one thickness cannot give both: with the ACT thickness (80 µm) the
Resistivity file would imply a carrier density ≈ 470 times lower than the ACT's 7·10²¹ cm⁻³ hole density.
For the same material it implies a piece ≈ 0.17 µm thick — a different (exfoliated) sample or contact
set, and its own Hall wiring sign.  The densities and mobilities of the two files therefore cannot be
made consistent from what the files record; the ACT file alone gives n and μ_H.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import sigmafit
from sigmafit.constants import E_CHARGE
from sigmafit.prepare import Geometry, select
from sigmafit.exceptions import DataWarning
from sigmafit.prepare.carriers import hall_curves

RESISTIVITY = "formats/ppms-resistivity-snse-nbse2/Resistivity_Ch1_TMR_Ch2_Hall_test.dat"
ACT = "formats/ppms-act-snse-nbse2/ACT_Ch1_Hall_Ch2_TMR.dat"


def _geometry_entry(df, channel):
    geo = df.attrs["sigmafit"]["geometry"]
    return geo.get(channel, geo.get(str(channel)))


def _normal_state_fits(curves, model):
    """{T: fit} over the normal state of every curve that reaches 0.9 T."""
    out = {}
    for T, g in curves.groupby("temperature_K"):
        if g["field_T"].max() < 0.9:
            continue  # the 3.4 K sweep of the ACT file ends at 0.14 T
        rxx = g["resistance_ohm"].to_numpy()
        bmin = float(g["field_T"][rxx >= 0.97 * np.nanmax(rxx)].min())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out[round(float(T), 2)] = sigmafit.fit(g, model, xmin=bmin, init={"mr2": 0.0}, warn=False)
    return out


def _hand_slopes(df):
    """R_H by hand from the raw Hall-channel rows: [⟨R(B > 0.9 T)⟩ − ⟨R(B < −0.9 T)⟩]/[⟨B⁺⟩ − ⟨B⁻⟩] per
    temperature (the even pickup cancels in the difference), with its standard error."""
    xy = select(df, role="xy")
    out = {}
    for T, g in xy.groupby(xy["temperature_K"].round(1)):
        p, m = g[g["field_T"] > 0.9], g[g["field_T"] < -0.9]
        if len(p) < 3 or len(m) < 3:
            continue
        dB = p["field_T"].mean() - m["field_T"].mean()
        slope = (p["resistance_ohm"].mean() - m["resistance_ohm"].mean()) / dB
        err = np.hypot(p["resistance_ohm"].std() / np.sqrt(len(p)), m["resistance_ohm"].std() / np.sqrt(len(m))) / dB
        out[round(float(T), 2)] = (slope, err)
    return out


@pytest.fixture(scope="module")
def files(external_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sigmafit.load(external_dir / RESISTIVITY), sigmafit.load(external_dir / ACT)


def _hall(df, geometry):
    """Hall curves of a real file: a few set points have no measured partner at −B, which the pairing says."""
    with pytest.warns(DataWarning, match="no partner at −B"):
        return hall_curves(df, geometry)


def test_headers_geometry(files):
    res, act = files
    assert _geometry_entry(res, 1).get("defaults") is True  # MultiVu defaults: no geometry recorded
    hall, tmr = _geometry_entry(act, 1), _geometry_entry(act, 2)
    dims = tmr["comment_dimensions"]  # mm
    assert tmr["lead_separation_um"] == pytest.approx(dims["l"] * 1e3)
    assert hall["lead_separation_um"] == pytest.approx(dims["w"] * 1e3)
    assert tmr["cross_section_um2"] == pytest.approx(dims["w"] * 1e3 * dims["d"] * 1e3)


def test_hall_fits_agree_with_a_hand_estimate_from_the_raw_rows(files):
    for df in files:
        fits = _normal_state_fits(_hall(df, Geometry("sheet")), "hall")
        hand = _hand_slopes(df)
        common = sorted(set(fits) & set(hand))
        assert len(common) >= 4
        for T in common:
            p = fits[T].params["R_H"]
            slope, err = hand[T]
            assert abs(p.value - slope) < 5 * np.hypot(p.stderr, err), T


def test_act_density_and_mobility_from_the_header_geometry(files):
    _, act = files
    dims = _geometry_entry(act, 2)["comment_dimensions"]
    geom = Geometry("hallbar", width_um=dims["w"] * 1e3, length_um=dims["l"] * 1e3, thickness_nm=dims["d"] * 1e6)
    curves = _hall(act, geom)
    fits = _normal_state_fits(curves, "hall-3d")
    assert len(fits) == 7  # 2.0 … 3.2 K
    for T, r in fits.items():
        n, mu = r.params["n"], r.params["mu_H"]
        assert n.value > 0  # holes, as wired in this file
        assert 4e21 < n.value < 1.2e22, T  # the fits give 6–9e21 cm⁻³
        assert 15 < mu.value < 35 and mu.stderr < 0.3 * mu.value, T
        # n = 1/(e R_H) with R_H = t·R_xy/B, by hand from the fitted sheet slope of the same window
        g = curves[curves["temperature_K"] == T]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sheet = sigmafit.fit(g, "hall", xmin=r.window["min"], init={"mr2": 0.0}, warn=False)
        assert n.value == pytest.approx(1e-6 / (E_CHARGE * sheet.params["R_H"].value * dims["d"] * 1e-3), rel=1e-6)


def test_the_two_files_cannot_share_a_geometry(files):
    res, act = files
    slopes = []
    for df in (res, act):
        fits = _normal_state_fits(_hall(df, Geometry("sheet")), "hall")
        v = np.array([f.params["R_H"].value for f in fits.values()])
        e = np.array([f.params["R_H"].stderr for f in fits.values()])
        w = 1.0 / e**2
        slopes.append((float(np.sum(w * v) / np.sum(w)), float(1.0 / np.sqrt(np.sum(w)))))
    (r_res, e_res), (r_act, e_act) = slopes
    assert np.sign(r_res) == -np.sign(r_act)  # opposite Hall sign: the wiring (or field direction) differs
    ratio = abs(r_res / r_act)
    ratio_err = ratio * np.hypot(e_res / r_res, e_act / r_act)
    assert ratio > 100 and (ratio - 1) > 5 * ratio_err  # 466 ± 8: not one thickness
    # the thickness the Resistivity-file sample must have for the ACT density: t_ACT·|R_H,ACT/R_H,res| ≈ 0.17 µm
    t_act_um = _geometry_entry(act, 2)["comment_dimensions"]["d"] * 1e3
    assert t_act_um / ratio < 1.0
