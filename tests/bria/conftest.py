"""The runtime tests talk to `bria.testing.FakeBria` through the pytest plugin's fixtures (it autoloads:
the pytest11 entry point), with a sentinel token the secret-handling tests search every output for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import bria
from bria.testing import FakeBria, png_bytes

TOKEN = "sentinel-token-5f1c9a7e"


@pytest.fixture
def bria_api_token() -> str:
    return TOKEN


@pytest.fixture
def server(fake_bria: FakeBria) -> FakeBria:
    return fake_bria


@pytest.fixture
def client(server: FakeBria) -> Iterator[bria.Bria]:
    # Not the plugin's bria_client: these tests keep the default poll history (in tmp, tests/conftest.py)
    # and a 5 s HTTP timeout.
    with bria.Bria(TOKEN, base_url=server.base_url, timeout=5.0) as sdk:
        yield sdk


@pytest.fixture
def png() -> bytes:
    return png_bytes("input")
