"""Coverage of the measurement model's error bars, measured the way a referee would.

200 raw PPMS files of an ``hln-dp`` Hall bar (W = 10 µm, L = 40 µm) from ``tests/simulate_raw.random_case``:
L_φ 150–400 nm (B_φ ≈ 1–7 mT against 2.5 mT field steps), L_so 40–80 nm, holes or electrons, a field offset
uniform in ±0.6 mT, a 20 µT magnet lag between the two sweeps, ±3 % of ρ_xy in R_xx, ±1 % of R_xx in R_xy, an R_xy
offset, white noise 0.2 Ω / 0.05 Ω.  Each file: ``sigmafit.load`` → ``prepare.measured.measured_points(bmax=0.3)``
→ ``MeasurementModel("hln-dp")`` fitted by lmfit with weights 1/σ from ``prepare.noise``.

For a calibrated 1σ error bar, 68.3 % of the intervals cover the truth; with 200 files the binomial spread is
±3.3 %, so 60–76 % is ±2.5 standard deviations.  The median pull of an unbiased estimate is 0 ± 0.09 here.
(``benchmarks/measurement_coverage.py`` prints the same study with the old transform path beside it.)
"""

from __future__ import annotations

import numpy as np
import pytest

import sigmafit
import simulate_raw as sim
from sigmafit.models.measurement import MeasurementModel
from sigmafit.prepare import Geometry
from sigmafit.prepare.measured import arrays, measured_points

N_FILES = 200


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("coverage")
    model = MeasurementModel("hln-dp", geometry=Geometry("hallbar", width_um=10.0, length_um=40.0))
    z = {"L_phi": [], "L_so": []}
    redchi = []
    for seed in range(N_FILES):
        s = sim.random_case(folder / f"raw_{seed}.dat", seed)
        B, ch, y, err = arrays(measured_points(sigmafit.load(s.path), bmax=0.3, need_hall=True))
        r = model.fit(y, model.guess(y, B=B, channel=ch), B=B, channel=ch, weights=1.0 / err, method="least_squares")
        assert r.success, f"seed {seed}: {r.message}"
        z["L_phi"].append((r.params["L_phi"].value - s.film.L_phi_nm) / r.params["L_phi"].stderr)
        z["L_so"].append((r.params["L_so"].value - s.film.L_so_nm) / r.params["L_so"].stderr)
        redchi.append(r.redchi)
    return {k: np.array(v) for k, v in z.items()}, np.array(redchi)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["L_phi", "L_so"])
def test_one_sigma_coverage_and_median_pull(study, name):
    z = study[0][name]
    assert z.size == N_FILES and np.isfinite(z).all()
    coverage = float(np.mean(np.abs(z) < 1.0))
    assert 0.60 <= coverage <= 0.76, f"{name}: 1σ coverage {coverage:.1%}"
    assert abs(float(np.median(z))) <= 0.3, f"{name}: median pull {np.median(z):+.2f}"
    assert 0.8 < float(np.std(z)) < 1.25  # the spread of the pulls is that of a unit normal (±0.05 for 200)


@pytest.mark.slow
def test_reduced_chi2_is_a_goodness_of_fit(study):
    """With per-point σ from the data χ²_ν ≈ 1: each of 200 fits has ν ≈ 950 (1 ± 0.046) plus the few per cent
    of an estimated σ; the median over files is then 1 ± 0.01 and no file is far off."""
    redchi = study[1]
    assert 0.97 < float(np.median(redchi)) < 1.05
    assert redchi.min() > 0.75 and redchi.max() < 1.35
