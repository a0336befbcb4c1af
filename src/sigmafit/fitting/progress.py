"""Progress of long runs: a tqdm bar on a terminal (when installed), otherwise a plain line now and then."""

from __future__ import annotations

import sys
import time

#: Seconds between plain progress lines when no progress bar is shown.
PROGRESS_EVERY = 10.0


class Progress:
    """Counts finished items of ``total`` (``initial`` of them done before this run: a resumed batch, not counted in
    the rate); ``enabled=False`` is silent, None/True shows progress on stderr."""

    def __init__(self, total: int, initial: int, enabled: bool | None, desc: str, unit: str = "curve"):
        self.total, self.n, self.initial, self.desc, self.unit = total, initial, initial, desc, unit
        self.bar = None
        self.enabled = enabled is not False
        self.t0 = self.last = time.monotonic()
        if not self.enabled:
            return
        from .._optional import available

        if available("tqdm") and sys.stderr.isatty():
            import tqdm

            self.bar = tqdm.tqdm(total=total, initial=initial, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True)

    def message(self, text: str) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        else:
            print(text, file=sys.stderr, flush=True)

    def update(self, k: int) -> None:
        self.n += k
        if self.bar is not None:
            self.bar.update(k)
        elif self.enabled and time.monotonic() - self.last >= PROGRESS_EVERY:
            self.last = time.monotonic()
            rate = (self.n - self.initial) / max(self.last - self.t0, 1e-9)
            print(f"{self.desc}: {self.n}/{self.total} {self.unit}s ({rate:.1f}/s)", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
