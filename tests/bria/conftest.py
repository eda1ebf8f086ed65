from __future__ import annotations

from collections.abc import Iterator

import pytest

import bria
from bria.testing import FakeBria, png_bytes

TOKEN = "sentinel-token-5f1c9a7e"


@pytest.fixture
def server() -> Iterator[FakeBria]:
    with FakeBria(token=TOKEN) as running:
        yield running


@pytest.fixture
def client(server: FakeBria) -> Iterator[bria.Bria]:
    with bria.Bria(TOKEN, base_url=server.base_url, timeout=5.0) as sdk:
        yield sdk


@pytest.fixture
def png() -> bytes:
    return png_bytes("input")
