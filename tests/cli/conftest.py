"""Fixtures of the command-line tests: a local fake Bria server and the environment pointing at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# The one place the fake server is named: when it moves into the package (`bria.testing.FakeBria`, same API),
# this import is the only line to change.
from tests.server import BriaTestServer as FakeBria
from tests.server import Fault, JobPlan, png_bytes

__all__ = ["TOKEN", "FakeBria", "Fault", "JobPlan", "png_bytes"]

TOKEN = "cli-test-token-do-not-print"


@pytest.fixture
def server() -> Iterator[FakeBria]:
    with FakeBria(token=TOKEN) as running:
        yield running


@pytest.fixture
def env(server: FakeBria, monkeypatch: pytest.MonkeyPatch) -> FakeBria:
    """BRIA_API_TOKEN and BRIA_BASE_URL set for the fake server (what `bria.Bria()` reads)."""
    monkeypatch.setenv("BRIA_API_TOKEN", TOKEN)
    monkeypatch.setenv("BRIA_BASE_URL", server.base_url)
    return server
