"""The plain progress line of a resumed batch: curves per second counts this run's curves only."""

from __future__ import annotations

from sigmafit.fitting import progress


def test_rate_leaves_out_the_curves_done_before_this_run(monkeypatch, capsys):
    clock = iter([0.0, 2.0, 2.0])  # start, then the update 2 s later (read twice)
    monkeypatch.setattr(progress.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(progress, "PROGRESS_EVERY", 0.0)
    bar = progress.Progress(110, 100, True, "hln-dp")  # 100 curves resumed from a previous run
    bar.update(10)
    # 10 curves fitted in 2 s → 5.0/s (counting the 100 resumed ones would say 55.0/s)
    assert capsys.readouterr().err.strip() == "hln-dp: 110/110 curves (5.0/s)"
