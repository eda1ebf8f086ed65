"""pytest fixtures for testing code that uses the `bria` SDK against `FakeBria` (no network, no real token).

Registered as the `bria` entry point in the `pytest11` group, so pytest loads it wherever bria-openapi is
installed. It imports nothing but pytest when loaded (the SDK, the fake server and jsonschema only when a
fixture is used), so it costs a test run that does not use it next to nothing and loads without the
`testing` extra.

* `bria_api_token`: the token the fake accepts and the clients send (override it to use your own).
* `fake_bria`: a started `bria.testing.FakeBria`, stopped after the test.
* `bria_client`: a `bria.Bria` pointed at `fake_bria`, closed after the test.
* `async_bria_client`: a `bria.AsyncBria` pointed at `fake_bria`; use it from the test's event loop
  (pytest-asyncio, anyio, or `asyncio.run`); closed after the test if the test did not close it.

The clients keep no poll history (`poll_history=False`): a test run never writes to the user's cache.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import bria
    from bria.testing import FakeBria

DEFAULT_TOKEN = "bria-testing-token"
# Generous for a server on 127.0.0.1, short enough that a hung test fails quickly.
CLIENT_TIMEOUT = 10.0


@pytest.fixture
def bria_api_token() -> str:
    """The API token `fake_bria` accepts and `bria_client` / `async_bria_client` send."""
    return DEFAULT_TOKEN


@pytest.fixture
def fake_bria(bria_api_token: str) -> Iterator[FakeBria]:
    """A started FakeBria on 127.0.0.1 (ephemeral port), stopped after the test."""
    from bria.testing import FakeBria

    with FakeBria(token=bria_api_token) as fake:
        yield fake


@pytest.fixture
def bria_client(fake_bria: FakeBria) -> Iterator[bria.Bria]:
    """A `bria.Bria` talking to `fake_bria`, closed after the test."""
    import bria

    with bria.Bria(fake_bria.token, base_url=fake_bria.base_url, timeout=CLIENT_TIMEOUT, poll_history=False) as client:
        yield client


@pytest.fixture
def async_bria_client(fake_bria: FakeBria) -> Iterator[bria.AsyncBria]:
    """A `bria.AsyncBria` talking to `fake_bria`. A plain fixture, not a coroutine one, so it works with
    any async test runner; closed after the test (on a loop of its own: AsyncBria replaces a pool whose
    loop has ended, so this is safe after the test's loop is gone)."""
    import bria

    client = bria.AsyncBria(fake_bria.token, base_url=fake_bria.base_url, timeout=CLIENT_TIMEOUT, poll_history=False)
    try:
        yield client
    finally:
        with contextlib.suppress(RuntimeError):  # a loop still running here: it closes the client itself
            asyncio.run(client.close())
