"""An independent generator of weak-localization Δσ(B) files as users save them (already symmetrized).

Used by ``tests/test_coverage_wl.py`` and ``benchmarks/coverage_wl.py`` as the "truth" side of
simulate → ``sigmafit fit FILE --model M --json`` → compare.  It shares no code with ``sigmafit.models`` on
purpose: Y(x) = ψ(½ + x) − ln x from ``scipy.special.digamma`` (with the 1/(24x²) series for large x), Kawabata's
f₃(δ) = −2√δ − ζ(½, ½ + δ) with the Hurwitz ζ at s = ½ summed here by Euler–Maclaurin (scipy's ``zeta`` is
defined for s > 1 only), the wire formula of PHYSICS.md §3, constants from ``scipy.constants``.  Checked against the
PHYSICS.md §1–3 tables in the tests.

A file is a CSV (or TSV) of field and Δσ as a user writes it after symmetrizing: a header with units
(``B (T)``, ``dG (e^2/h)``, ``delta_sigma (S)``, ``Field (mT)`` …), fields either ±B or B ≥ 0, steps of 1–5 mT
near zero growing further out, white noise of ~1 % of the cusp depth, and optionally a constant offset (Δσ
referenced to a measured σ at the smallest |B| instead of to σ(0)).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import constants as sc
from scipy.special import digamma

E = sc.e
HBAR = sc.hbar
G_Q = sc.e**2 / (math.pi * sc.h)  # e²/(πh)
E2H = sc.e**2 / sc.h


def y_function(x):
    """Y(x) = ψ(½ + x) − ln x (Y(0) = ∞ is not needed: x > 0); series 1/(24x²) − 7/(960x⁴) + 31/(8064x⁶) for x > 50."""
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    big = x > 50.0
    xs = x[~big]
    out[~big] = digamma(0.5 + xs) - np.log(xs)
    xb = x[big]
    out[big] = 1.0 / (24 * xb**2) - 7.0 / (960 * xb**4) + 31.0 / (8064 * xb**6)
    return out


def field_of(L_nm: float) -> float:
    """B = ħ/(4eL²) in T for L in nm."""
    return HBAR / (4 * E * (L_nm * 1e-9) ** 2)


def _Y(H, B):
    """Y(H/|B|), 0 at B = 0."""
    B = np.abs(np.asarray(B, dtype=float))
    out = np.zeros_like(B)
    nz = B > 0
    out[nz] = y_function(H / B[nz])
    return out


def hln(B, alpha, L_phi):
    return alpha * G_Q * _Y(field_of(L_phi), B)


def hln_so(B, L_phi, L_so, B_e_T=math.inf):
    """Full HLN (Elliott–Yafet); ``B_e_T`` the elastic field ħ/(2eℓ²) of the cut-off (∞: none, its term is 0)."""
    bp, bso = field_of(L_phi), field_of(L_so)
    first = _Y(bso + B_e_T, B) if math.isfinite(B_e_T) else 0.0
    return -G_Q * (first - 1.5 * _Y(bp + 4.0 / 3.0 * bso, B) + 0.5 * _Y(bp, B))


def graphene(B, L_phi, L_i, L_star):
    bp, bi, bs = field_of(L_phi), field_of(L_i), field_of(L_star)
    return G_Q * (_Y(bp, B) - _Y(bp + 2 * bi, B) - 2 * _Y(bp + bi + bs, B))


def graphene_soc(B, L_phi, L_asy, L_sym):
    bp, ba, bs = field_of(L_phi), field_of(L_asy), field_of(L_sym)
    return -0.5 * G_Q * (_Y(bp, B) - _Y(bp + 2 * ba, B) - 2 * _Y(bp + ba + bs, B))


# Bernoulli numbers B_2, B_4, B_6, B_8, B_10 for the Euler–Maclaurin tail
_BERN = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66)


def hurwitz_half_plus(q):
    """ζ(½, q) + 2√q for q > 0 (analytic continuation of the Hurwitz ζ), Euler–Maclaurin with N = 30 terms summed
    directly; the −2√(q + N) of the tail is combined with +2√q as −2N/(√(q+N) + √q) to keep the digits."""
    q = np.atleast_1d(np.asarray(q, dtype=float))
    s, N = 0.5, 30
    k = np.arange(N)[:, None]
    head = np.sum((q[None, :] + k) ** -s, axis=0)
    a = q + N
    rest = -2.0 * N / (np.sqrt(a) + np.sqrt(q)) + 0.5 * a**-s
    poch = s  # s(s+1)…(s+2j−2)
    for j, b2j in enumerate(_BERN, start=1):
        rest = rest + b2j / math.factorial(2 * j) * poch * a ** (-s - 2 * j + 1)
        poch *= (s + 2 * j - 1) * (s + 2 * j)
    return head + rest


def f3(delta):
    """Kawabata's f₃(δ) = Σ[2(√(n+1+δ) − √(n+δ)) − (n+½+δ)^(−½)] = −2√δ − ζ(½, ½ + δ)
    = 2(√(δ+½) − √δ) − [ζ(½, ½+δ) + 2√(δ+½)]."""
    d = np.atleast_1d(np.asarray(delta, dtype=float))
    q = d + 0.5
    return 1.0 / (np.sqrt(q) + np.sqrt(d)) - hurwitz_half_plus(q)


def kawabata(B, L_phi):
    """Δσ (S/m) = G_Q·√(e|B|/ħ)·f₃(B_φ/|B|)."""
    B = np.abs(np.asarray(B, dtype=float))
    out = np.zeros_like(B)
    nz = B > 0
    out[nz] = G_Q * np.sqrt(E * B[nz] / HBAR) * f3(field_of(L_phi) / B[nz])
    return out


def wire(B, L_phi, L_so, W_nm, L_um):
    """ΔG(B) = G(B) − G(0) (S) of a quasi-1D wire (PHYSICS.md §3); lengths in nm, L in µm."""
    B = np.abs(np.asarray(B, dtype=float))
    lp, lso, w, length = L_phi * 1e-9, L_so * 1e-9, W_nm * 1e-9, L_um * 1e-6
    with np.errstate(divide="ignore"):
        inv_lb2 = (E * B * w / (math.sqrt(3) * HBAR)) ** 2

    def g(ib2):
        return -(2 * E2H / length) * (1.5 * (lp**-2 + 4 / 3 * lso**-2 + ib2) ** -0.5 - 0.5 * (lp**-2 + ib2) ** -0.5)

    return g(inv_lb2) - g(0.0)


MODELS = {"hln": hln, "hln-so": hln_so, "graphene": graphene, "graphene-soc": graphene_soc,
          "kawabata": kawabata, "wire": wire}

# --- files ---------------------------------------------------------------------------------------------------

#: header spellings users write, with the factor Δσ[S] → the column's unit
Y_UNITS_2D = (("dG (e^2/h)", E2H), ("delta_sigma (S)", 1.0), ("Δσ (G_Q)", G_Q), ("MC (e2/h)", E2H))
X_UNITS = (("B (T)", 1.0), ("Field (T)", 1.0), ("B (mT)", 1e3))


@dataclass
class WLFile:
    path: Path
    model: str
    truth: dict
    fix: dict = field(default_factory=dict)
    bmax_T: float = 0.0


def grid(rng: np.random.Generator, bmax: float) -> np.ndarray:
    """Fields B ≥ 0: a fine step (1–5 mT) up to ~a tenth of bmax, then 2–4× coarser (a user's sweep plan)."""
    step = float(rng.choice([1e-3, 2e-3, 2.5e-3, 5e-3]))
    knee = max(20 * step, 0.15 * bmax)
    fine = np.arange(0.0, knee, step)
    coarse = np.arange(knee, bmax + 1e-12, step * float(rng.choice([2, 4])))
    b = np.concatenate([fine, coarse])
    return b + rng.normal(0.0, 0.02 * step, b.size) * (b > 0)  # setpoint jitter of the magnet


def write(path, model: str, truth: dict, rng: np.random.Generator, *, bmax: float, noise_frac: float = 0.01,
          offset_frac: float = 0.0, reference_T: float | None = None, sides: str = "positive", geometry: dict | None = None,
          tsv: bool = False) -> WLFile:
    """Δσ(B) of ``model`` at ``truth`` on a user's field grid, white noise ``noise_frac`` × cusp depth
    (max |Δσ|), a constant offset ``offset_frac`` × depth, written with a randomly chosen header.
    ``reference_T``: Δσ referenced to one measured reading at that (true) field instead of to σ(0), as when a user
    subtracts the reading at "B = 0" of a magnet with a remanent field: offset = −(Δσ(B_ref) + its noise).

    ``sides``: ``"positive"`` (B ≥ 0 only, the symmetrized half), ``"mirrored"`` (±B with Δσ(−B) = Δσ(B) copied,
    as a symmetrized curve is often saved) or ``"both"`` (±B, each point its own noise: an even curve saved unsymmetrized).
    """
    path = Path(path)
    geometry = geometry or {}
    fn = MODELS[model]
    B = grid(rng, bmax)
    y = fn(B, **truth, **geometry)
    depth = float(np.max(np.abs(y)))
    offset = offset_frac * depth
    if reference_T is not None:
        offset -= float(fn(np.array([reference_T]), **truth, **geometry)[0]) + rng.normal(0.0, noise_frac * depth)
    y = y + rng.normal(0.0, noise_frac * depth, B.size) + offset
    if sides == "mirrored":
        B, y = np.concatenate([-B[:0:-1], B]), np.concatenate([y[:0:-1], y])
    elif sides == "both":
        Bm = -B[:0:-1]
        ym = fn(Bm, **truth, **geometry) + rng.normal(0.0, noise_frac * depth, Bm.size) + offset
        B, y = np.concatenate([Bm, B]), np.concatenate([ym, y])
    elif sides != "positive":
        raise ValueError(sides)
    if model == "kawabata":
        ycol, yf = ("dsigma (S/m)", 1.0) if rng.random() < 0.5 else ("delta_sigma (S/cm)", 1e-2)
    elif model == "wire":
        ycol, yf = ("dG (S)", 1.0) if rng.random() < 0.5 else ("Delta G (e^2/h)", 1 / E2H)
    else:
        ycol, f = Y_UNITS_2D[int(rng.integers(len(Y_UNITS_2D)))]
        yf = 1.0 / f
    xcol, xf = X_UNITS[int(rng.integers(len(X_UNITS)))]
    sep = "\t" if tsv else ","
    lines = [f"{xcol}{sep}{ycol}"] + [f"{b * xf:.6g}{sep}{v * yf:.8g}" for b, v in zip(B, y)]
    path.write_text("\n".join(lines) + "\n")
    return WLFile(path, model, dict(truth), dict(geometry), bmax)


def _log_uniform(rng, lo, hi) -> float:
    return float(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def random_case(folder, model: str, seed: int, *, offset: bool = False, sides: str | None = None) -> WLFile:
    """A file of ``model`` with truth drawn from a physically sensible range (seeded); ``sides`` as in
    :func:`write` (None: B ≥ 0 or mirrored ±B at random); ``offset``: Δσ referenced to the reading at a remanent
    field of 0–3 mT (``reference_T`` of :func:`write`) instead of σ(0)."""
    rng = np.random.default_rng([seed, sum(map(ord, model))])
    folder = Path(folder)
    ref = float(rng.uniform(0.0, 3e-3))
    side = str(rng.choice(["positive", "mirrored"]))
    path = folder / f"{model}_{seed:03d}.{'tsv' if seed % 5 == 0 else 'csv'}"
    kw = {"reference_T": ref if offset else None, "sides": sides or side, "tsv": seed % 5 == 0,
          "noise_frac": float(rng.uniform(0.005, 0.015))}
    if model == "hln":
        L_phi = _log_uniform(rng, 50.0, 500.0)
        truth = {"alpha": float(rng.choice([-0.5, -1.0])), "L_phi": L_phi}
        bmax = float(np.clip(8.0 * field_of(L_phi), 0.02, 0.5))
    elif model == "hln-so":
        L_phi = _log_uniform(rng, 100.0, 500.0)
        L_so = L_phi * _log_uniform(rng, 0.1, 0.5)
        truth = {"L_phi": L_phi, "L_so": L_so}
        bmax = float(np.clip(3.0 * field_of(L_so), 0.05, 1.0))
    elif model == "graphene":
        L_phi = _log_uniform(rng, 200.0, 1000.0)
        L_i = L_phi * _log_uniform(rng, 0.2, 0.6)
        L_star = max(L_i * _log_uniform(rng, 0.15, 0.5), 20.0)
        truth = {"L_phi": L_phi, "L_i": L_i, "L_star": L_star}
        bmax = float(np.clip(3.0 * field_of(L_star), 0.2, 2.0))  # the window reaches past B_* (L_* ≥ 20 nm: ≤ 1.2 T)
    elif model == "graphene-soc":
        L_phi = _log_uniform(rng, 200.0, 800.0)
        truth = {"L_phi": L_phi, "L_asy": L_phi * _log_uniform(rng, 0.2, 0.6), "L_sym": L_phi * _log_uniform(rng, 0.2, 0.6)}
        bmax = float(np.clip(3.0 * field_of(min(truth["L_asy"], truth["L_sym"])), 0.05, 1.0))
    elif model == "kawabata":
        L_phi = _log_uniform(rng, 50.0, 500.0)
        truth = {"L_phi": L_phi}
        bmax = float(np.clip(20.0 * field_of(L_phi), 0.05, 2.0))
    elif model == "wire":
        W = float(rng.choice([30.0, 50.0, 100.0]))
        L_phi = _log_uniform(rng, 3 * W, 20 * W)
        truth = {"L_phi": L_phi, "L_so": L_phi * _log_uniform(rng, 0.2, 1.0)}
        geom = {"W_nm": W, "L_um": float(rng.choice([5.0, 10.0, 20.0]))}
        bmax = float(np.clip(10 * math.sqrt(3) * HBAR / (E * W * 1e-9 * L_phi * 1e-9), 0.05, 3.0))
        out = write(path, model, truth, rng, bmax=bmax, geometry=geom, **kw)
        out.fix = {"W": W, "L": geom["L_um"]}
        return out
    else:
        raise ValueError(model)
    return write(path, model, truth, rng, bmax=bmax, **kw)


def fit_args(f: WLFile, out: Path, extra: list[str] | None = None) -> list[str]:
    args = ["fit", str(f.path), "--model", f.model, "--json", str(out)]
    for k, v in f.fix.items():
        args += ["--fix", f"{k}={v}"]
    return args + list(extra or [])


def read_result(out: Path) -> dict:
    js = json.loads(Path(out).read_text())
    if "curves" in js and "params" not in js:
        js = js["curves"][0]
    return js
