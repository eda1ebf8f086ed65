"""Fixtures of the command-line tests: a local fake Bria server and the environment pointing at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bria.testing import FakeBria, Fault, JobPlan, png_bytes

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
