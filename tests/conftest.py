"""Shared fixtures: the folder of real instrument files (``../shared/external``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def external_dir() -> Path:
    """Folder of real files from elsewhere (env ``SIGMAFIT_EXTERNAL_DATA``, default ``<repo>/../shared/external``).

    Missing folder: the test fails under CI (env ``CI`` set) and is skipped otherwise.
    """
    path = Path(os.environ.get("SIGMAFIT_EXTERNAL_DATA", REPO.parent / "shared" / "external"))
    if not path.is_dir():
        msg = f"external test data not found at {path} (set SIGMAFIT_EXTERNAL_DATA)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """``tests/data`` (files written for the tests, including the ``broken/`` corpus)."""
    return DATA
