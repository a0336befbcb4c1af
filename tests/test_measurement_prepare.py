"""Raw curves (prepare.measured) and per-point uncertainties (prepare.noise) for the measurement model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sigmafit
import simulate_raw as sim
from sigmafit.exceptions import DataFormatError, DataWarning
from sigmafit.prepare import noise
from sigmafit.prepare.measured import arrays, measured_points

SAMPLE = "sample_data/wal_film_sweeps.dat"


# --- noise --------------------------------------------------------------------------------------------------


def _sweeps(n: int, step: float, sigma: float, seed: int, cusp: float = 1e-3) -> pd.DataFrame:
    """Two sweeps of a smooth curve with a cusp narrower than the step, white noise ``sigma``."""
    rng = np.random.default_rng(seed)
    b = np.arange(-n, n + 1) * step
    b = np.concatenate([b[::-1], b])
    clean = 100.0 + 5.0 * b**2 - 3.0 * np.abs(b) / (np.abs(b) + cusp) + 2.0 * b**3
    return pd.DataFrame({"field_T": b, "resistance_ohm": clean + rng.normal(0, sigma, b.size),
                         "sweep": np.repeat([0, 1], b.size // 2)})


def test_local_residuals_vanish_on_a_quadratic_and_on_an_evenly_sampled_cubic():
    b = np.sort(np.random.default_rng(0).uniform(-1, 1, 40))
    z = noise.local_residuals(b, 3.0 - b + 2 * b**2, np.zeros(b.size))
    assert np.isnan(z[:2]).all() and np.isnan(z[-2:]).all()
    np.testing.assert_allclose(z[2:-2], 0.0, atol=1e-10)
    b = np.linspace(-1, 1, 41)  # symmetric neighbours: the cubic term cancels
    np.testing.assert_allclose(noise.local_residuals(b, 3.0 - 5 * b**3, np.zeros(b.size))[2:-2], 0.0, atol=1e-10)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scatter_recovers_white_noise_despite_the_cusp(seed):
    df = _sweeps(200, 2.5e-3, 0.2, seed)
    est = noise.estimate(df, what="test")
    assert est.kind == noise.SCATTER
    # 1.4826·MAD refined by a clipped RMS over ~800 residuals: a few per cent; 10 % is about 3 standard errors
    assert est.scatter_ohm == pytest.approx(0.2, rel=0.10)
    assert np.all(est.sigma == est.scatter_ohm)


def test_dwell_repeats_give_no_residual_but_do_not_break():
    df = _sweeps(50, 2.5e-3, 0.2, 4)
    dwell = pd.DataFrame({"field_T": [0.125] * 4, "resistance_ohm": 100.0, "sweep": 0})
    est = noise.estimate(pd.concat([df, dwell], ignore_index=True), what="dwell")
    assert np.isfinite(est.scatter_ohm) and est.sigma.size == len(df) + 4


def test_instrument_column_of_single_readings_is_divided_by_sqrt_n():
    df = _sweeps(200, 2.5e-3, 0.2, 5)
    rng = np.random.default_rng(6)
    df["resistance_std_ohm"] = 0.2 * 5.0 * np.sqrt(rng.chisquare(24, len(df)) / 24)  # 25 readings of σ = 1 Ω each
    df["Number of Readings"] = 25
    est = noise.estimate(df, what="test")
    assert est.kind == noise.COLUMN_MEAN
    assert np.median(est.sigma) == pytest.approx(0.2, rel=0.1)
    np.testing.assert_allclose(est.sigma, df["resistance_std_ohm"] / 5.0)


def test_instrument_column_that_disagrees_is_not_used_and_the_sentence_says_so():
    df = _sweeps(200, 2.5e-3, 0.2, 7)
    df["resistance_std_ohm"] = 0.001
    df["Number of Readings"] = 25
    est = noise.estimate(df, what="test")
    assert est.kind == noise.SCATTER and "disagrees with it and was not used" in est.method


def test_resistivity_unit_std_column_is_scaled_by_the_rows_ratio():
    df = pd.DataFrame({"resistance_ohm": [10.0, 20.0], "Resistivity (Ohm-m)": [0.01, 0.02], "Std. Dev. (Ohm-m)": [1e-4, 3e-4]})
    values, col = noise.instrument_sigma(df)
    np.testing.assert_allclose(values, [0.1, 0.3])
    assert "Std. Dev. (Ohm-m)" in col


def test_too_few_points_and_no_column_is_refused():
    df = _sweeps(3, 1e-2, 0.2, 8).iloc[:7]
    with pytest.raises(DataFormatError, match="cannot estimate the noise of T = 2 K, R_xx"):
        noise.estimate(df, what="T = 2 K, R_xx")


# --- measured points -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    return sim.random_case(tmp_path_factory.mktemp("raw") / "one.dat", 21)


def test_every_reading_kept_as_measured(simulated):
    df = sigmafit.load(simulated.path)
    pts = measured_points(df)
    assert list(pts.columns[:6]) == ["curve", "temperature_K", "field_T", "channel", "resistance_ohm", "resistance_err_ohm"]
    assert len(pts) == len(df)  # nothing averaged, deduplicated or dropped
    for code, inst in ((0, 1), (1, 2)):
        mine = pts[pts.channel == code]
        theirs = df[df.channel == inst]
        np.testing.assert_array_equal(mine["field_T"], theirs["field_T"])  # nothing interpolated, same order
        np.testing.assert_array_equal(mine["resistance_ohm"], theirs["resistance_ohm"])
        assert (mine["instrument_channel"] == inst).all()
    assert set(pts["sweep"]) == {0, 1} and set(pts["curve"]) == {"T = 2 K"}
    meta = pts.attrs["sigmafit"]
    assert meta["errors"] == {"resistance_ohm": "resistance_err_ohm"}
    assert meta["channels"][0]["role"] == "xx" and meta["channels"][1]["role"] == "xy"
    assert "scatter of the data about a local quadratic" in meta["weights"]
    sig = {n["channel"]: n["sigma_median_ohm"] for n in meta["noise"]}
    assert sig["R_xx"] == pytest.approx(simulated.instrument.noise_xx_ohm, rel=0.12)
    assert sig["R_xy"] == pytest.approx(simulated.instrument.noise_xy_ohm, rel=0.12)
    B, ch, y, err = arrays(pts)
    assert B.size == ch.size == y.size == err.size == len(pts)


def test_window_on_the_reported_field(simulated):
    df = sigmafit.load(simulated.path)
    pts = measured_points(df, bmax=0.1)
    assert pts["field_T"].abs().max() <= 0.1
    assert len(pts) == int((df["field_T"].abs() <= 0.1).sum())
    with pytest.raises(ValueError, match="bmax must be a positive field"):
        measured_points(df, bmax=-1.0)
    with pytest.raises(DataFormatError, match=r"one\.dat: no reading lies within \|B\| ≤ bmax = 1e-09 T"):
        measured_points(df, bmax=1e-9)


def test_four_temperatures_are_four_curves(tmp_path):
    s = sim.four_temperatures(tmp_path / "four.dat", 5, inst=sim.Instrument(bmax_T=0.2))
    pts = measured_points(sigmafit.load(s.path))
    assert list(pd.unique(pts["curve"])) == ["T = 2 K", "T = 4 K", "T = 8 K", "T = 16 K"]
    assert sorted(pts["temperature_K"].unique()) == [2.0, 4.0, 8.0, 16.0]


def test_missing_rows_are_counted_and_left_out(simulated):
    df = sigmafit.load(simulated.path)
    df.loc[[3, 10, 900], "resistance_ohm"] = np.nan
    with pytest.warns(DataWarning, match="3 rows without a finite field or resistance"):
        pts = measured_points(df)
    assert len(pts) == len(df) - 3
    assert pts.attrs["sigmafit"]["dropped"][-1]["count"] == 3


def test_no_finite_reading_is_refused(simulated):
    df = sigmafit.load(simulated.path)
    no_field = df.assign(field_T=np.nan)
    with pytest.warns(DataWarning), pytest.raises(DataFormatError, match="no reading has both a finite field and a finite"):
        measured_points(no_field)
    with pytest.raises(DataFormatError, match=r"one\.dat: no channel holds a finite resistance reading"):
        measured_points(df.assign(resistance_ohm=np.nan))


def test_no_field_column_is_refused(simulated):
    df = sigmafit.load(simulated.path).drop(columns=["field_T"])
    with pytest.raises(DataFormatError, match="needs the canonical column 'field_T'"):
        measured_points(df)


def test_hall_needed_but_missing_is_refused(simulated):
    df = sigmafit.load(simulated.path)
    only_xx = df[df.channel == 1].copy()
    only_xx.attrs = df.attrs
    with pytest.raises(DataFormatError, match="the model needs R_xy"):
        measured_points(only_xx, need_hall=True)
    pts = measured_points(only_xx)
    assert set(pts["channel"]) == {0}


def test_a_single_short_sweep_without_std_column_is_refused():
    df = pd.DataFrame({"field_T": np.linspace(-0.01, 0.01, 9), "resistance_ohm": np.linspace(1, 2, 9)})
    with pytest.raises(DataFormatError, match="cannot estimate the noise of all, R_xx.*measure more points or a second sweep"):
        measured_points(df, by=None)


def test_eto_file_at_fixed_field_is_refused(external_dir):
    path = external_dir / "formats" / "dynacool-eto-eucuas" / "testPPMS.dat"
    with pytest.warns(DataWarning):
        df = sigmafit.load(path)
    with pytest.raises(DataFormatError, match=r"testPPMS\.dat: the fields never cross zero \(field_T from 9\.00002 to 9\.00002 T\)"):
        measured_points(df)


def test_interleaved_act_channels_are_never_paired(external_dir):
    path = external_dir / "formats" / "ppms-act-snse-nbse2" / "ACT_Ch1_Hall_Ch2_TMR.dat"
    df = sigmafit.load(path)
    pts = measured_points(df, need_hall=True)
    assert len(pts) == len(df)
    assert set(pts.loc[pts.channel == 0, "instrument_channel"]) == {2}  # ch2 = TMR on top surface
    assert set(pts.loc[pts.channel == 1, "instrument_channel"]) == {1}  # ch1 = Hall
    for code, inst in ((0, 2), (1, 1)):  # each channel keeps its own fields (interleaved rows: no common field grid)
        np.testing.assert_array_equal(pts.loc[pts.channel == code, "field_T"], df.loc[df.channel == inst, "field_T"])
    xx = pts[(pts.channel == 0) & (pts.curve == "T = 2 K")]["field_T"].to_numpy()
    xy = pts[(pts.channel == 1) & (pts.curve == "T = 2 K")]["field_T"].to_numpy()
    assert np.setdiff1d(xx, xy).size > 0.8 * xx.size  # 352 of the 399 R_xx fields at 2 K are not R_xy fields
    assert pts["curve"].nunique() == 8


def test_sample_file_std_column_in_resistivity_units_is_checked_against_the_data():
    pts = measured_points(sigmafit.load(SAMPLE))
    notes = pts.attrs["sigmafit"]["noise"]
    assert len(notes) == 8
    for n in notes:  # the file's Std. Dev. (Ohm-m) columns are ~1e-3 Ω, 50× below the 0.05/0.02 Ω noise it was made with
        assert n["rule"] == noise.SCATTER and "disagrees with it and was not used" in n["method"]
        truth = 0.05 if n["channel"] == "R_xx" else 0.02
        assert n["sigma_median_ohm"] == pytest.approx(truth, rel=0.15)
