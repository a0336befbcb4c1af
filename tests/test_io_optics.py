"""Optical spectra: refractiveindex.info YAML, PerkinElmer .asc, Bruker OPUS, generic spectra."""

from __future__ import annotations

import numpy as np
import pytest

import sigmafit
from sigmafit import _optional
from sigmafit.constants import CM1_PER_EV
from sigmafit.exceptions import DataFormatError
from sigmafit.io import sniff

METALS = {"Au_Johnson.yml": 49, "Ag_Johnson.yml": 49, "Cu_Johnson.yml": 49, "Au_Rakic-LD.yml": 200,
          "Ag_Rakic-LD.yml": 200, "Cu_Rakic-LD.yml": 200, "Al_Rakic-LD.yml": 1000, "Au_Ordal.yml": 52,
          "Cu_Ordal.yml": 56, "Al_Ordal.yml": 51, "Au_Olmon-sc.yml": 448, "Au_Olmon-ev.yml": 448,
          "Au_Olmon-ts.yml": 448, "Ag_Yang.yml": 525}


def test_olmon_gold(external_dir):
    path = external_dir / "formats/refractiveindex-au-olmon/Olmon-ev.yml"
    assert sniff(path) == "refractiveindex"
    df = sigmafit.load(path)
    assert len(df) == 448 and df.attrs["sigmafit"]["kind"] == "optics"
    assert np.all(np.diff(df["wavenumber_cm-1"]) > 0)
    first, last = df.iloc[0], df.iloc[-1]
    # 2.493E+01 4.279E+01 1.375E+02  (24.93 um -> 401.12 cm-1)
    assert first["wavenumber_cm-1"] == pytest.approx(1e4 / 24.93)
    assert (first["n"], first["k"]) == pytest.approx((42.79, 137.5))
    # 3.000E-01 1.596E+00 1.888E+00
    assert last["wavelength_um"] == pytest.approx(0.3) and last["n"] == pytest.approx(1.596)


@pytest.mark.parametrize("name,rows", sorted(METALS.items()))
def test_refractiveindex_metals(external_dir, name, rows):
    df = sigmafit.load(external_dir / "optics/refractiveindex-metals" / name)
    assert len(df) == rows
    assert {"wavenumber_cm-1", "wavelength_um", "n", "k"} <= set(df.columns)
    assert (df["k"] >= 0).all() and np.all(np.diff(df["wavenumber_cm-1"]) >= 0)


def test_perkinelmer(external_dir):
    path = external_dir / "formats/perkinelmer-uvvis-asc/KTF-D.Probe.Raw.asc"
    assert sniff(path) == "perkinelmer"
    df = sigmafit.load(path)
    assert len(df) == 1001
    # ascending wavenumber: first row is 1200 nm (89.940565 %T), last 200 nm (0.040434 %T)
    assert df.iloc[0]["wavelength_nm"] == 1200 and df.iloc[0]["wavenumber_cm-1"] == pytest.approx(1e7 / 1200)
    assert df.iloc[0]["transmittance"] == pytest.approx(0.89940565)
    assert df.iloc[-1]["transmittance"] == pytest.approx(0.00040434)
    assert df.attrs["sigmafit"]["units"]["transmittance"] == "%"


def test_opus_read_for_real(external_dir):
    """brukeropus is in the test extra: the real OPUS 8.1 file is read, never skipped."""
    path = external_dir / "formats/bruker-opus/file.0"
    assert sniff(path) == "opus"
    df = sigmafit.load(path)
    meta = df.attrs["sigmafit"]
    # SOURCE.md: SNM "File Test"; data blocks a (absorbance), sm, rf among others
    assert meta["sample"] == "File Test" and {"a", "sm", "rf"} <= set(meta["blocks"])
    assert "absorbance" in df.columns and meta["kind"] == "optics"
    # regression values of brukeropus 1.4.3 on this file (NPT = 4927, LXV = 499.404, FXV = 9997.72 cm⁻¹)
    x = df["wavenumber_cm-1"].to_numpy()
    assert len(df) == 4927 and x[0] == pytest.approx(499.40399596, rel=1e-6) and x[-1] == pytest.approx(9997.7209, rel=1e-6)
    assert np.allclose(np.diff(x), (x[-1] - x[0]) / 4926, rtol=1e-9)  # an evenly spaced, ascending axis


def test_opus_without_brukeropus(external_dir, monkeypatch):
    from sigmafit.io import opus

    def missing(module, purpose):
        raise _optional.SigmafitError("missing")

    monkeypatch.setattr(opus, "require", missing)
    with pytest.raises(DataFormatError, match=r'pip install "sigmafit\[opus\]".*\.dpt'):
        sigmafit.load(external_dir / "formats/bruker-opus/file.0")


def test_energy_spectrum_and_dpt(tmp_path):
    p = tmp_path / "s.txt"
    p.write_text("# sigma1 of a film\nE (eV)\tsigma1 (S/cm)\teps2\n0.5\t100\t3\n0.1\t200\t4\n")
    df = sigmafit.load(p)
    assert list(df.columns[:2]) == ["wavenumber_cm-1", "energy_eV"]
    assert df["wavenumber_cm-1"].tolist() == pytest.approx([0.1 * CM1_PER_EV, 0.5 * CM1_PER_EV])
    assert df["sigma1_S_per_cm"].tolist() == [200, 100]
    d = tmp_path / "spec.dpt"
    d.write_text("4000.5,0.91\n3999.0,0.90\n3997.5,0.88\n")
    df = sigmafit.load(d)
    assert df["wavenumber_cm-1"].tolist() == [3997.5, 3999.0, 4000.5]
    assert df["value"].tolist() == [0.88, 0.90, 0.91]


def test_formula_dispersion_rejected(data_dir):
    with pytest.raises(DataFormatError, match="formula dispersion not supported"):
        sigmafit.load(data_dir / "broken" / "formula.yml")
