"""Coverage of the optics fits (ω_p, γ, oscillators) on simulated spectra, through the command a user types.

Every file is fitted with ``sigmafit fit FILE --model M [--observable …] --json OUT`` (in-process ``main``):

1. ``drude`` on an FTIR-derived σ1 file (``Wavenumber (cm-1)``, ``sigma1 (S/cm)``, 30–6000 cm⁻¹ in 8–16 cm⁻¹ steps,
   relative noise 1–2 % per file), and the same truth written as a refractiveindex.info n,k table against wavelength
   (2–250 µm, 80 rows log-spaced, 1 % relative noise in n and k, 4 digits), fitted as n,k (the observable the loader
   infers; ε∞ free); the two fits of one truth are compared (difference / combined error);
1b. the σ1 file with absolute (constant) noise, 1 % of σ1 at the low end: the default relative weights do not
   match it;
2. ``drude-lorentz`` (one oscillator) on σ1 files of a Drude metal plus one mid-IR peak (relative noise 1–2 %);
1c. the same with ``--weights none`` (the weights the constant noise calls for);
3. ``drude`` on an IR-ellipsometry ε1, ε2 CSV in eV (0.03–1 eV, noise 1 % of |ε| in each part — errors of Ψ, Δ
   scale with |ε| — and, for comparison, 1 % of each part), and on an FTIR reflectance (``R (%)``, absolute
   noise 0.2–0.5 % in R, across the plasma edge, where the true R lies 3σ inside [0, 1]; also ``--weights none``
   and a file running past the plasma minimum with the noisy R clipped to [0, 1], as a user must to have it read).

Per study and parameter: the 1σ coverage of the truth (fraction |pull| < 1; 68.3 % when the errors are honest,
±3.3 % binomial SD at 200 files), median pull, pull spread, median χ²_ν, failed fits, and how many fits with no
warning miss the truth by more than 3σ.

    python benchmarks/coverage_optics.py --files 200
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import coverage_study  # noqa: E402
import simulate_optics as S  # noqa: E402


#: the warning that the noise is not relative while the weights are 1/|y| (optics_diagnostics.noise_model_warning)
NOISE_WARNING = "the relative residuals scatter"


def fit(path: Path, model: str, *flags: str) -> dict | None:
    """``sigmafit fit path --model model flags --json out``: the JSON, or None when the fit failed or wrote nothing."""
    code, g = coverage_study.fit_json(path, model, flags)
    return g if code in (0, 1) else None


# --- statistics --------------------------------------------------------------------------------


class Tally:
    """Pulls per parameter, χ²_ν, failures and unwarned > 3σ misses of one study."""

    def __init__(self, study: str, names: tuple[str, ...]):
        self.study, self.names = study, names
        self.z = {n: [] for n in names}
        self.redchi, self.failed, self.silent_miss, self.warned = [], 0, dict.fromkeys(names, 0), 0
        self.values: list[dict | None] = []
        self.noise_warned = 0

    def add(self, g: dict | None, truth: dict[str, float]) -> None:
        if g is None or not g.get("success", True):
            self.failed += 1
            self.values.append(None)
            return
        self.redchi.append(g["statistics"]["redchi"])
        self.warned += bool(g["warnings"])
        self.noise_warned += any(NOISE_WARNING in w for w in g["warnings"])
        self.values.append(g["params"])
        for n in self.names:
            p = g["params"][n]
            z = (p["value"] - truth[n]) / p["stderr"] if p["stderr"] else np.nan  # no error: counted as failed
            self.z[n].append(z)
            if not g["warnings"] and not abs(z) < 3.0:
                self.silent_miss[n] += 1

    def pulls(self, name: str) -> np.ndarray:
        z = np.asarray(self.z[name], dtype=float)
        return z

    def lines(self) -> list[str]:
        out = []
        for n in self.names:
            z = self.pulls(n)
            ok = z[np.isfinite(z)]
            cov = float(np.mean(np.abs(ok) < 1.0)) if ok.size else float("nan")
            out.append(f"  {self.study:<30} {n:<7} coverage {cov:6.1%}  median pull {np.median(ok):+.2f}  "
                       f"pull spread {np.std(ok):.2f}  median χ²_ν {np.median(self.redchi):.3g}  "
                       f"failed {self.failed + int(z.size - ok.size)}  unwarned >3σ {self.silent_miss[n]}  "
                       f"(n = {ok.size}; warnings {self.warned}, noise-model warning {self.noise_warned})")
        return out


def study_sigma1(folder: Path, n: int, noise: str = "relative", kind: str = "drude", *flags: str) -> Tally:
    names = ("wp", "gamma") if kind == "drude" else ("wp", "gamma", "wp1", "nu01", "gamma1")
    tally = Tally(f"{kind} σ1, {noise} noise {' '.join(flags)}".strip(), names)
    for seed in range(n):
        path, t = S.case_sigma1(folder, seed, noise, kind)
        tally.add(fit(path, kind, *flags), t.params())
    return tally


def study_nk(folder: Path, n: int) -> Tally:
    tally = Tally("drude n,k (µm YAML)", ("wp", "gamma", "eps_inf"))
    for seed in range(n):
        path, t = S.case_nk(folder, seed)
        tally.add(fit(path, "drude"), t.params())
    return tally


def study_eps(folder: Path, n: int, noise: str = "modulus") -> Tally:
    tally = Tally(f"drude ε1,ε2 (eV CSV), {noise} noise", ("wp", "gamma", "eps_inf"))
    for seed in range(n):
        path, t = S.case_eps(folder, seed, noise)
        tally.add(fit(path, "drude"), t.params())
    return tally


def study_reflectance(folder: Path, n: int, clip: bool = False, *flags: str) -> Tally:
    tally = Tally(f"drude R (%), abs. noise{', clipped' if clip else ''} {' '.join(flags)}".strip(), ("wp", "gamma", "eps_inf"))
    for seed in range(n):
        path, t = S.case_reflectance(folder, seed, clip)
        tally.add(fit(path, "drude", "--observable", "reflectance", *flags), t.params())
    return tally


def agreement(a: Tally, b: Tally) -> list[str]:
    """σ1 and n,k fits of the same truth: (value_a − value_b)/√(err_a² + err_b²), |·| < 1 in 68 % when both honest."""
    out = []
    for name in ("wp", "gamma"):
        d = [(pa[name]["value"] - pb[name]["value"]) / np.hypot(pa[name]["stderr"], pb[name]["stderr"])
             for pa, pb in zip(a.values, b.values) if pa and pb and pa[name]["stderr"] and pb[name]["stderr"]]
        d = np.asarray(d)
        out.append(f"  {'σ1 vs n,k of one truth':<30} {name:<7} |Δ|/σ_Δ < 1 in {np.mean(np.abs(d) < 1):6.1%}  "
                   f"median {np.median(d):+.2f}  spread {np.std(d):.2f}  (n = {d.size})")
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--only", default="", help="comma-separated study keys: s1,nk,abs,absnone,dl,eps,epsrel,R,Rnone,Rclip")
    args = ap.parse_args(argv)
    only = set(filter(None, args.only.split(",")))
    print(time.strftime("%Y-%m-%d %H:%M"), f"— {args.files} files per study")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        done = {}
        for key, run in (("s1", lambda: study_sigma1(tmp, args.files)),
                         ("nk", lambda: study_nk(tmp, args.files)),
                         ("abs", lambda: study_sigma1(tmp, args.files, noise="absolute")),
                         ("absnone", lambda: study_sigma1(tmp, args.files, "absolute", "drude", "--weights", "none")),
                         ("dl", lambda: study_sigma1(tmp, args.files, kind="drude-lorentz")),
                         ("eps", lambda: study_eps(tmp, args.files)),
                         ("epsrel", lambda: study_eps(tmp, args.files, "relative")),
                         ("R", lambda: study_reflectance(tmp, args.files)),
                         ("Rnone", lambda: study_reflectance(tmp, args.files, False, "--weights", "none")),
                         ("Rclip", lambda: study_reflectance(tmp, args.files, clip=True))):
            if only and key not in only:
                continue
            t0 = time.perf_counter()
            done[key] = run()
            for row in done[key].lines():
                print(row + f"  [{time.perf_counter() - t0:.0f} s]", flush=True)
            if key == "nk" and "s1" in done:
                for row in agreement(done["s1"], done["nk"]):
                    print(row, flush=True)


if __name__ == "__main__":
    main()
