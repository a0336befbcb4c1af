"""Global weak-antilocalization fit of real graphene/WSe₂ data (tbg_wse2_wal_polski, CC0).

Data_array.txt holds Δσ(B) in e²/h at base T, 300, 500 and 700 mK (field in mT, stated in
its SOURCE.md, not in the file).  A global graphene-soc fit with shared spin–orbit times
and one τ_φ per temperature must converge and give τ_φ falling with temperature.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import sigmafit
from sigmafit.cli.main import main

TEMPERATURES = {0: 0.025, 1: 0.3, 2: 0.5, 3: 0.7}  # SOURCE.md: block order base (~25 mK), 300, 500, 700 mK


@pytest.fixture
def tbg(external_dir):
    path = external_dir / "magnetotransport" / "tbg_wse2_wal_polski" / "Data_array.txt"
    df = sigmafit.load(path, x_unit="mT")
    assert len(df) == 480 and df["step"].nunique() == 4
    # the header says "conductance in units of e^2/h"; SOURCE.md says it is G(B) − G(0)
    df = df.rename(columns={"conductance_S": "delta_sigma_S"})
    df["temperature_K"] = df["step"].map(TEMPERATURES)
    return df


def test_raw_value_converted_from_e2_over_h(tbg, external_dir):
    raw = (external_dir / "magnetotransport" / "tbg_wse2_wal_polski" / "Data_array.txt").read_text().splitlines()
    first = float(raw[2].split()[0])  # −1.8805683e-02 e²/h at 0.2 mT
    from sigmafit.constants import E2_OVER_H

    assert tbg["delta_sigma_S"].iloc[0] == pytest.approx(first * E2_OVER_H, rel=1e-12)
    assert tbg["field_T"].iloc[0] == pytest.approx(0.2e-3)


def test_global_graphene_soc_tau_phi_falls_with_temperature(tbg):
    g = sigmafit.fit_global(tbg, "graphene-soc-tau", by="temperature_K", share=["tau_asy", "tau_sym"], warn=False)
    assert g.success
    t = g.table()
    assert list(t["temperature_K"]) == sorted(TEMPERATURES.values())
    tau = t["tau_phi"].to_numpy()
    err = t["tau_phi_stderr"].to_numpy()
    assert np.all(tau > 0) and np.all(np.isfinite(err))
    assert np.all(np.diff(tau) < 0), tau  # dephasing time falls as T rises
    # falling by more than its errors between the extremes
    assert tau[0] - tau[-1] > 3 * np.hypot(err[0], err[-1])
    # the spin–orbit times are shared: one value for all curves
    s = g.summary()
    assert set(s["shared"]) == {"tau_asy", "tau_sym"}
    json.dumps(s, allow_nan=False)


def test_lengths_variant_agrees_on_the_ordering(tbg):
    g = sigmafit.fit_global(tbg, "graphene-soc", by="temperature_K", share=["L_asy", "L_sym"], warn=False)
    L = g.table()["L_phi"].to_numpy()
    assert np.all(np.diff(L) < 0)


def test_cli_global_fit_on_the_processed_file(external_dir, tmp_path, capsys):
    path = external_dir / "magnetotransport" / "tbg_wse2_wal_polski" / "Data_array.txt"
    out = tmp_path / "g.json"
    code = main(["fit", str(path), "--x-unit", "mT", "--y", "conductance_S", "--by", "step", "--model", "graphene-soc-tau",
                 "--share", "tau_asy", "--share", "tau_sym", "--json", str(out)])
    err = capsys.readouterr().err
    assert code in (0, 1), err
    doc = json.loads(out.read_text())
    taus = [c["params"]["tau_phi"]["value"] for c in doc["curves"]]
    assert len(taus) == 4 and all(np.diff(taus) < 0)


def test_authors_fit_a_configured_as_they_did(external_dir, tmp_path, capsys):
    """SOURCE.md, the authors' "fit A": τ_asy and τ_sym shared, one τ_φ per temperature, τ_φ(base) = 40.5 ps and
    D = v_F²τ/2 = 0.03485 m²/s fixed — five free parameters — written with the per-curve fix of the CLI."""
    path = external_dir / "magnetotransport" / "tbg_wse2_wal_polski" / "Data_array.txt"
    out = tmp_path / "fitA.json"
    code = main(["fit", str(path), "--x-unit", "mT", "--y", "conductance_S", "--by", "step", "--model", "graphene-soc-tau",
                 "--share", "tau_asy", "--share", "tau_sym", "--fix", "tau_phi[0]=40.5", "--fix", "D=0.03485",
                 "--json", str(out)])
    assert code in (0, 1), capsys.readouterr().err
    doc = json.loads(out.read_text())
    assert doc["success"] and doc["statistics"]["nvarys"] == 5
    base = doc["curves"][0]["params"]["tau_phi"]
    assert base["value"] == 40.5 and base["vary"] is False and base["stderr"] is None
    assert all(c["params"]["D"]["value"] == pytest.approx(0.03485) for c in doc["curves"])
    taus = [c["params"]["tau_phi"]["value"] for c in doc["curves"]]
    assert all(np.diff(taus) < 0), taus  # dephasing time falls as T rises (base < 300 < 500 < 700 mK)
    tau_so = doc["curves"][0]["derived"]["tau_so"]["value"]
    assert tau_so <= doc["shared"]["tau_asy"]["value"]  # 1/τ_so = 1/τ_asy + 1/τ_sym: never above τ_asy
