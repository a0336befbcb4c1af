"""The vectorized batch reads the curves of one split frame at once: the arrays, records and rows it gives are the
ones the per-curve path gives (``curve_data`` per curve, ``sigmafit.fit`` per curve)."""

from __future__ import annotations

import warnings
import numpy as np
import pandas as pd
import pytest

import sigmafit
from sigmafit.fitting import vectorized as V
from sigmafit.fitting.options import FitSettings
from sigmafit.fitting.tasks import as_tasks
from sigmafit.models.formulas import localization as F
from sigmafit.prepare.split import split_curves

def _frame(n_curves=8, seed=5, errors=False):
    """Long-format hln-dp curves (label column ``curve``, rows of the curves interleaved), 1 % noise."""
    rng = np.random.default_rng(seed)
    B = np.linspace(-0.12, 0.12, 90)
    frames = []
    for i in range(n_curves):
        y = F.hln_dp(B, F.char_field(rng.uniform(90, 170) * 1e-9), F.char_field(rng.uniform(30, 55) * 1e-9))
        sigma = 0.01 * np.abs(y).max()
        d = {"curve": f"c{i:02d}", "field_T": B, "delta_sigma_S": y + rng.normal(0, sigma, B.size), "gate_V": 0.5 * i}
        if errors:
            d["delta_sigma_err_S"] = np.full(B.size, sigma)
        frames.append(pd.DataFrame(d))
    df = pd.concat(frames).sample(frac=1.0, random_state=1).reset_index(drop=True)  # rows of curves interleaved
    df.attrs["sigmafit"] = {"source": "simulated.csv", "notes": ["a loader note"], "assumptions": ["units of field_T"]}
    if errors:
        df.attrs["sigmafit"]["errors"] = {"delta_sigma_S": "delta_sigma_err_S"}
    return df


def test_split_curves_are_independent_slices_of_one_sorted_copy():
    df = _frame(4)
    before = df.copy()
    split = split_curves(df, "curve")
    assert [lab for lab, _ in split] == ["c00", "c01", "c02", "c03"]
    for (label, curve), (a, b) in zip(split, split.bounds):
        pd.testing.assert_frame_equal(curve, split.frame.iloc[a:b], check_flags=False)
        assert (curve["curve"] == label).all() and curve.index.is_monotonic_increasing  # rows keep their order
        assert curve.attrs["sigmafit"]["curve"] == {"curve": label}
    split[0][1]["delta_sigma_S"] = 0.0  # a curve changed by its user changes neither the input nor another curve
    split[1][1].loc[split[1][1].index[0], "field_T"] = 99.0
    pd.testing.assert_frame_equal(df, before)
    assert not (split[2][1]["field_T"] == 99.0).any() and (split[3][1]["delta_sigma_S"] != 0.0).all()


@pytest.mark.parametrize("errors", [False, True])
def test_whole_frame_reading_equals_curve_data_per_curve(errors):
    df = _frame(6, errors=errors)
    df.loc[df.index[df["curve"] == "c03"][:2], "delta_sigma_S"] = np.nan  # one curve loses points: its own note
    settings = FitSettings()
    tasks = as_tasks(df, "curve")
    fast = V.prepare_arrays(tasks, "hln-dp", settings)
    model = sigmafit.models.get("hln-dp")
    for t, a in zip(tasks, fast):
        one = V._one(t, model, settings)
        np.testing.assert_array_equal(a.x, one.x)
        np.testing.assert_array_equal(a.y, one.y)
        if errors:
            np.testing.assert_array_equal(a.w, one.w)
            assert a.weighted and a.w.size == a.x.size
        else:
            assert a.w is None and one.w is None
        assert (a.x_name, a.y_name, a.weighted, a.notes) == (one.x_name, one.y_name, one.weighted, one.notes)
        assert a.source == one.source
    assert fast[3].notes == ["2 points with NaN/inf (or without a usable uncertainty) were left out"]
    assert fast[0].x.base is not None  # read from the frame at once: views, not per-curve copies


def _same_rows(vec: pd.DataFrame, ref: pd.DataFrame):
    """Vectorized rows against sigmafit.fit's (engine='lmfit'): same columns and text, errors to 1e-3 relative,
    values to 1e-6 relative or 1e-4 of their standard error (an offset that is ≈ 0 has no relative precision)."""
    assert list(vec.columns) == list(ref.columns)
    for c in vec.columns:
        if c in ("engine", "curve_id", "nfev"):
            continue
        a, b = vec[c], ref[c]
        if a.dtype.kind == "f":
            err = ref.get(f"{c}_stderr")
            atol = 0.0 if err is None or err.isna().all() else 1e-4 * np.nanmin(err)
            np.testing.assert_allclose(a, b, rtol=1e-3 if c.endswith("_stderr") else 1e-6, atol=atol, err_msg=c)
        else:
            assert list(a) == list(b), c


def test_rows_with_per_point_errors_equal_sigmafit_fit():
    df = _frame(6, errors=True)
    df.loc[df["curve"] == "c02", "delta_sigma_err_S"] *= 0.3  # errors 3× too small: a χ²_ν warning from the errors
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        vec = sigmafit.fit_batch(df, "hln-dp", by="curve", workers=1, progress=False).table
        ref = sigmafit.fit_batch(df, "hln-dp", by="curve", workers=1, progress=False, engine="lmfit").table
    assert (vec["engine"] == "vectorized").all()
    assert vec["warnings"].str.contains("assumed: units of field_T").all()
    assert vec["note"].str.contains("a loader note").all()
    assert list(vec["warnings"].str.contains("χ²_ν = ")) == [label == "c02" for label in vec["label"]]
    _same_rows(vec, ref)


def _transform_frame(B):
    """Δσ of three gate voltages measured from a reference point (prepare.delta_sigma of sheet conductance)."""
    rng = np.random.default_rng(8)
    frames = []
    for i, lp in enumerate((110.0, 140.0, 170.0)):
        sigma = 1e-3 + F.hln_dp(B, F.char_field(lp * 1e-9), F.char_field(40e-9))  # sheet conductance, S
        frames.append(pd.DataFrame({"gate_V": float(i), "field_T": B, "sheet_conductance_S": sigma + rng.normal(0, 3e-8, B.size)}))
    return sigmafit.prepare.delta_sigma(pd.concat(frames, ignore_index=True), by="gate_V")


def test_fixing_a_term_of_the_offset_works_with_seeded_start_values():
    """--fix bg_c2=0 on the transform path: the offset terms join after the seed, so the fix applies with them."""
    df = _transform_frame(np.linspace(-0.4, 0.4, 161))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sigmafit.fit_batch(df, "hln-dp", by="gate_V", workers=1, progress=False, seed_from_previous=True,
                                 fix={"bg_c2": 0.0})
    t = res.table
    assert t["success"].all() and (t["bg_c2"] == 0.0).all() and t["bg_c2_stderr"].isna().all()


def test_delta_sigma_from_a_reference_point_gets_the_free_offset_like_sigmafit_fit():
    """Δσ measured from a reference point (the transform path of raw R(B)) differs from σ(B) − σ(0) by a constant:
    sigmafit.fit adds a free offset and the classical c₂B², so does the vectorized batch.  The field reaches 4× B_so
    (±0.1 T leaves L_so degenerate with c₂: a flat valley where two minimizers stop at different points)."""
    df = _transform_frame(np.linspace(-0.4, 0.4, 161))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        vec = sigmafit.fit_batch(df, "hln-dp", by="gate_V", workers=1, progress=False).table
        ref = sigmafit.fit_batch(df, "hln-dp", by="gate_V", workers=1, progress=False, engine="lmfit").table
    assert (vec["engine"] == "vectorized").all() and {"off_c0", "bg_c2"} <= set(vec.columns)
    _same_rows(vec, ref)


@pytest.mark.parametrize("option", [{"max_nfev": 50}, {"conf_interval": True}])
def test_options_the_vectorized_engine_cannot_honour_send_the_batch_to_lmfit(option):
    """max_nfev and profile intervals are sigmafit.fit options the vectorized engine has no counterpart for: the batch
    fits with lmfit (auto) or refuses (engine='vectorized') instead of ignoring them."""
    df = _frame(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sigmafit.fit_batch(df, "hln-dp", by="curve", workers=1, progress=False, **option)
        assert (res.table["engine"] == "lmfit").all()
        with pytest.raises(sigmafit.exceptions.FitError, match="vectorized engine cannot be used"):
            sigmafit.fit_batch(df, "hln-dp", by="curve", workers=1, progress=False, engine="vectorized", **option)


def test_global_fit_of_delta_sigma_from_a_reference_point_takes_the_offset_terms_like_sigmafit_fit():
    """fit_global adds the same free offset and c₂B² as sigmafit.fit (with_offset, one prefix per curve), and its
    fix/init accept those names; L_so shared, each L_φ within 5σ of the simulation's."""
    df = _transform_frame(np.linspace(-0.4, 0.4, 161))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = sigmafit.fit_global(df, "hln-dp", by="gate_V", share=["L_so"], init={"off_c0": 0.0}, warn=False)
    names = set(g.params)
    assert {f"c{i}_{n}" for i in range(3) for n in ("bg_c2", "off_c0")} <= names
    assert abs(g.params["L_so"].value - 40.0) < 5 * g.params["L_so"].stderr
    for i, lp in enumerate((110.0, 140.0, 170.0)):
        p = g.params[f"c{i}_L_phi"]
        assert abs(p.value - lp) < 5 * p.stderr


def test_data_checks_of_a_batch_are_the_ones_sigmafit_fit_makes():
    """Curves with a constant offset (Δσ referenced to a remanent field) and ±B copies are reported by the batch's
    checks, computed for the whole chunk at once, in the words sigmafit.fit uses; clean curves are not."""
    df = _frame(8)
    first = df["curve"].isin(["c01", "c04"])
    df.loc[first, "delta_sigma_S"] -= 2e-6  # an offset of ~20 noise σ on two curves
    mirrored = df["curve"] == "c06"
    pos = df[mirrored & (df["field_T"] > 0)].sort_values("field_T")
    neg = df[mirrored & (df["field_T"] < 0)].sort_values("field_T", ascending=False)
    df.loc[neg.index, "delta_sigma_S"] = pos["delta_sigma_S"].to_numpy()  # Δσ(−B) copied from Δσ(B)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        vec = sigmafit.fit_batch(df, "hln-dp", by="curve", workers=1, progress=False).table
        ref = sigmafit.fit_batch(df, "hln-dp", by="curve", workers=1, progress=False, engine="lmfit").table
    assert (vec["engine"] == "vectorized").all()
    assert list(vec["warnings"].str.contains("does not start from 0")) == [c in ("c01", "c04") for c in vec["label"]]
    assert list(vec["warnings"].str.contains("repeats Δσ")) == [c == "c06" for c in vec["label"]]
    _same_rows(vec, ref)
