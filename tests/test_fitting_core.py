"""sigmafit.fit / fit_global / FitResult: API, schema, warnings, windows, calibration.

Truth values come from the simulated parameters themselves (simulate → fit → recover);
the formulas they are simulated with are tested against PHYSICS.md elsewhere.
"""

from __future__ import annotations

import json
import math

import lmfit
import numpy as np
import pandas as pd
import pytest

import sigmafit
from sigmafit.constants import G_Q, HBAR_OVER_4E
from sigmafit.exceptions import DataFormatError, FitError
from sigmafit.models.formulas.localization import hln, hln_so


def b_of(L_nm: float) -> float:
    return HBAR_OVER_4E / (L_nm * 1e-9) ** 2


def wal_curve(rng, *, L_phi=200.0, alpha=-0.5, bmax=0.1, n=101, noise=0.01, c2=0.0):
    B = np.linspace(-bmax, bmax, n)
    y = hln(B, alpha, b_of(L_phi)) + c2 * B**2
    amp = np.ptp(y)
    return B, y + rng.normal(0, noise * amp, n)


def test_fit_arrays_and_dataframe_agree():
    rng = np.random.default_rng(1)
    B, y = wal_curve(rng)
    r1 = sigmafit.fit((B, y), "hln", warn=False)
    df = pd.DataFrame({"field_T": B, "delta_sigma_S": y})
    before = df.copy()
    r2 = sigmafit.fit(df, "hln", warn=False)
    pd.testing.assert_frame_equal(df, before)  # input untouched
    assert r1.value("L_phi") == pytest.approx(r2.value("L_phi"), rel=1e-10)
    assert abs(r1.value("L_phi") - 200.0) < 5 * r1.stderr("L_phi")
    assert abs(r1.value("alpha") + 0.5) < 5 * r1.stderr("alpha")


def test_summary_schema_is_plain_json_and_units_from_table():
    rng = np.random.default_rng(2)
    B, y = wal_curve(rng)
    s = sigmafit.fit((B, y), "hln", warn=False).summary()
    text = json.dumps(s, allow_nan=False)  # plain JSON, no NaN/inf
    assert json.loads(text)["model"] == "hln"
    assert set(s) >= {"model", "success", "params", "derived", "statistics", "warnings", "source"}
    assert s["params"]["L_phi"]["unit"] == "nm" and s["params"]["alpha"]["unit"] == ""
    assert s["derived"]["B_phi"]["unit"] == "T"
    # the derived field follows B = ħ/(4eL²) with its propagated error ≈ 2·B·δL/L
    L, dL = s["params"]["L_phi"]["value"], s["params"]["L_phi"]["stderr"]
    assert s["derived"]["B_phi"]["value"] == pytest.approx(b_of(L), rel=1e-9)
    assert s["derived"]["B_phi"]["stderr"] == pytest.approx(2 * b_of(L) * dL / L, rel=1e-3)
    assert set(s["statistics"]) >= {"ndata", "nvarys", "chisqr", "redchi", "r_squared"}


def test_fixed_parameter_has_null_stderr_never_zero():
    rng = np.random.default_rng(3)
    B, y = wal_curve(rng)
    s = sigmafit.fit((B, y), "hln", fix={"alpha": -0.5}, warn=False).summary()
    assert s["params"]["alpha"]["vary"] is False
    assert s["params"]["alpha"]["stderr"] is None
    assert s["params"]["alpha"]["value"] == -0.5


def test_errors_name_what_is_wrong():
    df = pd.DataFrame({"field_T": [0.0, 0.1], "resistance_ohm": [1.0, 2.0]})
    with pytest.raises(DataFormatError, match="no column 'delta_sigma_S'.*available columns: field_T, resistance_ohm"):
        sigmafit.fit(df, "hln")
    with pytest.raises(FitError, match="unknown model 'hlm'; choose one of: .*hln"):
        sigmafit.fit(df, "hlm")
    rng = np.random.default_rng(4)
    B, y = wal_curve(rng)
    with pytest.raises(FitError, match="--fix names unknown parameter 'Lphi'; the model has: alpha, L_phi"):
        sigmafit.fit((B, y), "hln", fix={"Lphi": 100})
    with pytest.raises(FitError, match="B_phi is derived"):
        sigmafit.fit((B, y), "hln", fix={"B_phi": 0.01})
    with pytest.raises(FitError, match="only 1 points lie in the fit window; need at least 3"):
        sigmafit.fit((B, y), "hln", bmax=0.0015)
    # y of the wrong length for the model: one sentence with both counts, not numpy's broadcasting error
    with pytest.raises(DataFormatError, match=rf"y has {2 * B.size} values for {B.size} x values; model 'hln' takes 1"):
        sigmafit.fit((B, np.concatenate([y, y])), "hln")
    nu = np.linspace(100.0, 1000.0, 40)
    with pytest.raises(DataFormatError, match=r"model 'drude' takes 2 per x value \(80 in all\)"):
        sigmafit.fit((nu, np.ones(40)), "drude", observable="nk")


def test_params_argument_is_deep_copied():
    rng = np.random.default_rng(5)
    B, y = wal_curve(rng)
    m = sigmafit.models.get("hln")
    p = m.make_params(alpha=-0.4, L_phi=150.0)
    sigmafit.fit((B, y), m, params=p, warn=False)
    assert p["L_phi"].value == 150.0 and p["alpha"].value == -0.4


def test_unconstrained_spin_orbit_is_warned():
    # pure weak localization data fitted with hln-so: L_so is not fixed by the data
    rng = np.random.default_rng(6)
    B = np.linspace(-0.05, 0.05, 121)
    y = G_Q * 1.0 * (hln(B, 1.0, b_of(300)) / G_Q)
    y = y + rng.normal(0, 0.01 * np.ptp(y), B.size)
    r = sigmafit.fit((B, y), "hln-so", warn=False)
    assert any("L_so" in w for w in r.warnings), r.warnings


def test_structured_residuals_and_background_are_reported():
    rng = np.random.default_rng(7)
    B, y = wal_curve(rng, bmax=0.5, n=201, noise=0.002, c2=-4e-5)
    r = sigmafit.fit((B, y), "hln", warn=False)
    assert any("structured" in w for w in r.warnings)
    r_bg = sigmafit.fit((B, y), "hln", background="quadratic", warn=False)
    assert not any("structured" in w for w in r_bg.warnings)
    assert abs(r_bg.value("bg_c2") + 4e-5) < 5 * r_bg.stderr("bg_c2")
    assert abs(r_bg.value("L_phi") - 200.0) < 5 * r_bg.stderr("L_phi")
    assert r_bg.summary()["params"]["bg_c2"]["unit"] == "S/T²"


def test_automatic_field_window_settles_near_ten_b_phi():
    rng = np.random.default_rng(8)
    B, y = wal_curve(rng, bmax=1.0, n=2001, noise=0.002, c2=-2e-5)
    r = sigmafit.fit((B, y), "hln", bmax="auto", warn=False)
    assert r.window["how"].startswith("auto")
    assert r.window["abs_max"] == pytest.approx(10 * b_of(200.0), rel=0.1)
    assert abs(r.value("L_phi") - 200.0) < 5 * r.stderr("L_phi")
    with pytest.raises(FitError, match="'auto'"):
        sigmafit.fit((B, y), "hln", bmax="automatic")


def test_uncertainties_are_calibrated():
    """Truth inside ±1σ in 60–76 % of 200 noise realizations (68 % expected)."""
    rng = np.random.default_rng(2026)
    B = np.linspace(-0.08, 0.08, 81)
    truth = {"alpha": -0.5, "L_phi": 150.0}
    clean = hln(B, truth["alpha"], b_of(truth["L_phi"]))
    sigma = 0.02 * np.ptp(clean)
    hits = {k: 0 for k in truth}
    n = 200
    for _ in range(n):
        r = sigmafit.fit((B, clean + rng.normal(0, sigma, B.size)), "hln", warn=False)
        for k, v in truth.items():
            hits[k] += abs(r.value(k) - v) <= r.stderr(k)
    for k in truth:
        assert 0.60 <= hits[k] / n <= 0.76, (k, hits[k] / n)


def test_profile_likelihood_intervals_bracket_the_value():
    rng = np.random.default_rng(9)
    B, y = wal_curve(rng, noise=0.02)
    r = sigmafit.fit((B, y), "hln", conf_interval=True, warn=False)
    iv = r.intervals["L_phi"]
    assert iv["-1sigma"] < r.value("L_phi") < iv["+1sigma"]
    # for a near-linear problem the profile interval is close to ±stderr
    assert (iv["+1sigma"] - iv["-1sigma"]) / 2 == pytest.approx(r.stderr("L_phi"), rel=0.3)
    assert "intervals" in r.summary()


def test_global_fit_shares_spin_orbit_length():
    rng = np.random.default_rng(10)
    B = np.linspace(-0.5, 0.5, 201)
    L_so = 40.0
    curves, labels = [], []
    for T, L_phi in ((2.0, 400.0), (4.0, 280.0), (8.0, 200.0)):
        y = hln_so(B, b_of(L_phi), b_of(L_so))
        curves.append((B, y + rng.normal(0, 0.005 * np.ptp(y), B.size)))
        labels.append(T)
    g = sigmafit.fit_global(curves, "hln-so", share=["L_so"], labels=labels, warn=False)
    s = g.summary()
    assert s["shared"]["L_so"]["value"] == pytest.approx(L_so, abs=5 * s["shared"]["L_so"]["stderr"])
    table = g.table()
    assert list(table["curve"]) == labels
    assert np.all(np.abs(table["L_phi"] - [400, 280, 200]) < 5 * table["L_phi_stderr"])
    assert table["L_phi"].is_monotonic_decreasing
    json.dumps(s, allow_nan=False)
    html = g._repr_html_()  # Jupyter: the report's tables and the figure
    assert "L_so (shared)" in html and "data:image/png;base64," in html and "<th>warnings</th>" in html
    with pytest.raises(FitError, match="cannot share"):
        sigmafit.fit_global(curves, "hln-so", share=["L_xx"])


def test_global_fit_says_which_points_of_which_curve_were_left_out():
    """Nothing is dropped silently: a NaN reading in one curve of a global fit is named with its curve, as sigmafit.fit
    names it for a single curve."""
    B = np.linspace(-0.5, 0.5, 201)
    frames = [pd.DataFrame({"temperature_K": T, "field_T": B, "delta_sigma_S": hln_so(B, b_of(Lp), b_of(40.0))})
              for T, Lp in ((2.0, 400.0), (4.0, 280.0))]
    df = pd.concat(frames, ignore_index=True)
    df.loc[3, "delta_sigma_S"] = np.nan  # a point of the 2 K curve
    g = sigmafit.fit_global(df, "hln-so", by="temperature_K", share=["L_so"], warn=False)
    left_out = [w for w in g.warnings if "left out" in w]
    assert left_out == ["[temperature_K = 2.0] 1 points with NaN/inf (or without a usable uncertainty) were left out"]


def test_robust_loss_discounts_glitches_and_says_which():
    rng = np.random.default_rng(11)
    T = np.geomspace(2, 20, 60)
    sigma = 1e-3 + 0.8 * G_Q * np.log(T) + rng.normal(0, 2e-8, T.size)
    sigma[[10, 30, 31]] += [3e-6, -4e-6, 5e-6]
    plain = sigmafit.fit((T, sigma), "lnT", warn=False)
    robust = sigmafit.fit((T, sigma), "lnT", loss="soft_l1", warn=False)
    assert sorted(robust.window["discounted"]) == pytest.approx(sorted(T[[10, 30, 31]]))
    assert abs(robust.value("A") - 0.8) < abs(plain.value("A") - 0.8)
    assert robust.value("A") == pytest.approx(0.8, abs=3 * robust.stderr("A"))
    assert any("left out of the final least-squares fit" in w for w in robust.warnings)
    assert robust.excluded is not None and robust.excluded[0].size == 3


def test_user_lmfit_model_composes():
    rng = np.random.default_rng(12)
    B, y = wal_curve(rng, bmax=0.3, n=201, noise=0.002, c2=-3e-5)
    m = sigmafit.models.get("hln") + lmfit.models.QuadraticModel(prefix="q_")
    p = sigmafit.models.get("hln").guess(y, x=B)
    p.update(lmfit.models.QuadraticModel(prefix="q_").make_params(a=0, b=0, c=0))
    p["q_b"].set(value=0, vary=False)
    p["q_c"].set(value=0, vary=False)
    r = sigmafit.fit((B, y), m, params=p, warn=False)
    assert abs(r.value("q_a") + 3e-5) < 5 * r.stderr("q_a")  # HLNModel() + QuadraticModel(), DESIGN §4
    assert abs(r.value("L_phi") - 200.0) < 5 * r.stderr("L_phi")


def test_known_uncertainties_set_the_errors_whatever_chi2_came_out():
    """Straight line y = a + b·x with per-point 1σ given (a column): the errors are those of the weighted
    least-squares normal equations, σ_b² = 1/Σw(x − x̄_w)², σ_a² = Σwx²/(Σw·Σwx² − (Σwx)²), w = 1/σ² — whether the
    scatter came out small (χ²_ν ≪ 1, where lmfit's χ²_ν scaling had shrunk them) or about right.  When χ²_ν is
    incompatible with 1 from above the errors are scaled by √χ²_ν, and a warning says so.  Without uncertainties
    the scatter sets the errors (the same formulas times √χ²_ν)."""
    x = np.linspace(0.0, 9.0, 10)
    sigma = np.full(x.size, 0.5)
    w = 1.0 / sigma**2
    sw, swx, swxx = w.sum(), (w * x).sum(), (w * x * x).sum()
    det = sw * swxx - swx**2
    hand = {"slope": math.sqrt(sw / det), "intercept": math.sqrt(swxx / det)}
    rng = np.random.default_rng(11)
    for scatter in (0.02, 0.5):  # χ²_ν ≈ 0.002 and ≈ 1
        df = pd.DataFrame({"x": x, "y": 1.0 + 2.0 * x + rng.normal(0.0, scatter, x.size), "err": sigma})
        r = sigmafit.fit(df, lmfit.models.LinearModel(), x="x", y="y", weights="err", warn=False)
        for k, v in hand.items():
            assert r.stderr(k) == pytest.approx(v, rel=1e-6), (scatter, k)
    df = pd.DataFrame({"x": x, "y": 1.0 + 2.0 * x + rng.normal(0.0, 5.0, x.size), "err": sigma})  # 10× the stated σ
    r = sigmafit.fit(df, lmfit.models.LinearModel(), x="x", y="y", weights="err", warn=False)
    redchi = r.summary()["statistics"]["redchi"]
    assert redchi > 20 and any("scaled by √χ²_ν" in s for s in r.warnings)
    assert r.stderr("slope") == pytest.approx(hand["slope"] * math.sqrt(redchi), rel=1e-6)
    r = sigmafit.fit(df[["x", "y"]], lmfit.models.LinearModel(), x="x", y="y", warn=False)  # no uncertainties
    chi2 = float(np.sum(np.square(r.lmfit_result.residual)))
    s2 = chi2 / (x.size - 2)  # residual variance estimates σ²
    assert r.stderr("slope") == pytest.approx(math.sqrt(s2 / ((x - x.mean()) ** 2).sum()), rel=1e-6)


def test_profile_intervals_of_known_uncertainties_are_the_errors():
    """A straight line is linear in its parameters, so its profile-likelihood ±1σ interval is value ± stderr exactly.
    With per-point 1σ given and a scatter that came out small (χ²_ν ≈ 0.002) both are the normal-equation errors
    (Δχ² = 1), not √χ²_ν of them (lmfit's F-test measures Δχ² in units of χ²_ν)."""
    x = np.linspace(0.0, 9.0, 10)
    sigma = np.full(x.size, 0.5)
    w = 1.0 / sigma**2
    det = w.sum() * (w * x * x).sum() - (w * x).sum() ** 2
    slope_err = math.sqrt(w.sum() / det)
    rng = np.random.default_rng(12)
    df = pd.DataFrame({"x": x, "y": 1.0 + 2.0 * x + rng.normal(0.0, 0.02, x.size), "err": sigma})
    r = sigmafit.fit(df, lmfit.models.LinearModel(), x="x", y="y", weights="err", conf_interval=True, warn=False)
    ci = r.intervals["slope"]
    v = r.value("slope")
    assert ci["-1sigma"] == pytest.approx(v - slope_err, abs=1e-3 * slope_err)
    assert ci["+1sigma"] == pytest.approx(v + slope_err, abs=1e-3 * slope_err)
