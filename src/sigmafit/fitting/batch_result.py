"""``BatchResult``: the table of a batch (one row per curve) and how the run went."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .result import presentation


@dataclass
class BatchResult:
    """The table of a batch (one row per curve) and how the run went.

    ``table`` columns: ``index, source, label`` (+ the ``by`` column or the curve's own labels such as
    ``temperature_K``), each parameter and derived quantity with ``<name>_stderr`` (NaN when not estimable),
    ``ndata, nvarys, chisqr, redchi, r_squared, aic, bic, nfev``, ``success``, ``status`` ("ok" | "warning" |
    "failed"), ``n_warnings``, ``warnings`` (joined text), ``error``, ``engine``, ``note``, ``curve_id`` and,
    with a store, ``attempt``, ``run``, ``fitted_at``.
    """

    table: pd.DataFrame
    model_name: str
    options: dict[str, Any] = field(default_factory=dict)
    out: Path | None = None
    n_resumed: int = 0
    elapsed: float = 0.0
    engine: str = ""

    def __len__(self) -> int:
        return len(self.table)

    def counts(self) -> dict[str, int]:
        s = self.table["status"] if len(self.table) else pd.Series(dtype=object)
        return {k: int((s == k).sum()) for k in ("ok", "warning", "failed")}

    @property
    def failed(self) -> pd.DataFrame:
        """Rows of curves that could not be fitted, with ``error``."""
        return self.table[self.table["status"] == "failed"]

    @property
    def warned(self) -> pd.DataFrame:
        return self.table[self.table["status"] == "warning"]

    @property
    def ok(self) -> bool:
        """True when every curve fitted without a warning."""
        return self.counts()["ok"] == len(self.table)

    def summary_line(self) -> str:
        """``"2000 curves: 1990 ok, 8 with warnings, 2 failed (hln-dp, vectorized, 12.3 s, 163 curves/s)"``."""
        c = self.counts()
        n = len(self.table)
        fitted = n - self.n_resumed
        rate = f", {fitted / self.elapsed:.0f} curves/s" if self.elapsed > 0 and fitted > 0 else ""
        extra = f"; {self.n_resumed} from a previous run" if self.n_resumed else ""
        return (f"{n} curve{'s' if n != 1 else ''}: {c['ok']} ok, {c['warning']} with warnings, {c['failed']} failed "
                f"({self.model_name}, {self.engine}, {self.elapsed:.1f} s{rate}{extra})")

    def to_csv(self, path, **kwargs) -> None:
        """Write the table as CSV (``index=False`` unless given)."""
        kwargs.setdefault("index", False)
        self.table.to_csv(path, **kwargs)

    def __repr__(self) -> str:
        return f"<BatchResult {self.summary_line()}>"

    def plot(self, param: str | None = None, ax=None, *, x: str | None = None):
        """A fitted parameter (default: the first) against the curve label (temperature, gate, or index).

        Failed curves are left out; error bars are ±1σ.  Returns the Axes (never calls show()).
        """
        return presentation().plot_batch(self.table, param, ax=ax, x=x, model=self.model_name)

    def _repr_html_(self) -> str:
        return presentation().batch_html(self.table, self.summary_line(), self.model_name)
