"""A robust fit of the real DynaCool R(T) file (dynacool-resistivity-mbe-film, MIT) with its contact glitches.

SOURCE.md: large random jumps in Rxx between ~195 K and 291 K (e.g. 543 → 835 → 736 → 562 Ω), smooth
below ~190 K.  The soft-L1 fit must find the glitches there, and only there, and say which points it
left out.
"""

import numpy as np
import pytest

import sigmafit


@pytest.fixture
def rt(external_dir):
    return sigmafit.load(external_dir / "formats" / "dynacool-resistivity-mbe-film" / "TRP4_MBE1-230323A-MS_RT_300_2K_data.csv")


def test_soft_l1_leaves_out_the_glitches_and_names_them(rt):
    r = sigmafit.fit(rt, "bloch-gruneisen", y="resistance_ohm", xmin=10, loss="soft_l1", warn=False)
    assert r.success
    ex_T, ex_R = r.excluded
    assert ex_T.size >= 3
    assert ex_T.min() > 190.0  # the smooth part below ~190 K keeps every point
    assert 835.808 == pytest.approx(ex_R.max(), abs=0.01)  # the largest jump of SOURCE.md, read from the file
    assert any("left out of the final least-squares fit" in w for w in r.warnings)
    # every point above 10 K is either fitted or listed as left out: nothing dropped silently
    n_window = int(np.sum(rt["temperature_K"].to_numpy() >= 10))
    assert r.x.size + ex_T.size == n_window


def test_plain_fit_is_pulled_by_the_glitches(rt):
    plain = sigmafit.fit(rt, "bloch-gruneisen", y="resistance_ohm", xmin=10, warn=False)
    robust = sigmafit.fit(rt, "bloch-gruneisen", y="resistance_ohm", xmin=10, loss="soft_l1", warn=False)
    # the glitches inflate the scatter: the plain fit's reduced χ² is much larger
    assert plain.lmfit_result.redchi > 3 * robust.lmfit_result.redchi
