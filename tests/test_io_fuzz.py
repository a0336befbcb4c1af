"""Damaged copies of every real file (``../shared/external`` and ``sample_data``): ``sigmafit info`` and
``sigmafit.load`` never raise anything but a DataFormatError that names the file, never hang, and exit
with 0 or 2.

The damages (seeded, see ``tests/io_damage.py``): truncation at a random byte, flipped and inserted
bytes, ``inf``/``1e400``/``NaN``/``---`` cells, a repeated header line, a column dropped from some
rows, CR-only line ends, UTF-16, NUL bytes, broken SQLite pages and dropped tables.  Two variants of
each damage per file run here (about 920 cases); ``python tests/io_damage.py fit OUT`` runs
``sigmafit fit`` over them by hand.
"""

from __future__ import annotations

import contextlib
import io
import signal
import warnings

import pytest

import sigmafit
from sigmafit.cli.main import main
from sigmafit.exceptions import DataFormatError

import io_damage

#: Seconds one case may take before it counts as a hang (the slowest real file loads in ~0.3 s).
TIMEOUT_S = 20


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


@contextlib.contextmanager
def time_limit(seconds: int):
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _info(path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["info", str(path)])
    return code, err.getvalue()


def _load(path) -> None:
    try:
        sigmafit.io.describe(sigmafit.load(path))
    except DataFormatError as exc:
        assert path.name in str(exc), f"refusal does not name the file: {exc}"


@pytest.fixture(scope="module")
def variants(external_dir, tmp_path_factory):
    files = io_damage.real_files(external_dir)
    assert len(files) >= 50  # every real file, from both folders
    return io_damage.write_variants(files, tmp_path_factory.mktemp("damaged"), per_damage=2)


def test_damaged_files_give_a_summary_or_one_sentence(variants):
    assert len(variants) >= 900
    failures, codes = [], {0: 0, 2: 0}
    for path in variants:
        try:
            with time_limit(TIMEOUT_S), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the command prints warnings; they are not failures
                code, err = _info(path)
                if path.suffix == ".db":  # info lists the runs of a database: load one as well
                    _load(path)
        except Hang:
            failures.append(f"{path.name}: no answer within {TIMEOUT_S} s")
            continue
        except Exception as exc:  # noqa: BLE001 - any escape is the failure this test looks for
            failures.append(f"{path.name}: {type(exc).__name__}: {exc}")
            continue
        codes[code] = codes.get(code, 0) + 1
        if code not in (0, 2):
            failures.append(f"{path.name}: exit status {code}")
        elif code == 2 and (path.name not in err or err.count("\n") != 1 or "Traceback" in err):
            failures.append(f"{path.name}: refusal is not one sentence naming the file: {err!r}")
    assert not failures, "\n".join(failures[:20])
    assert codes[0] > 0 and codes[2] > 0  # both outcomes happen: the damages bite, and many files survive them


def test_load_refusals_name_the_file(variants):
    """The Python API says the same as the command: a DataFormatError naming the file, or a frame."""
    for path in variants[::13]:
        with time_limit(TIMEOUT_S), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _load(path)


def test_damage_generator_is_reproducible(external_dir):
    files = io_damage.real_files(external_dir)[:3]
    first = [(n, d) for n, _, d in io_damage.variants(files, 1)]
    again = [(n, d) for n, _, d in io_damage.variants(files, 1)]
    assert first == again and len({d for _, d in first}) > len(first) // 2
