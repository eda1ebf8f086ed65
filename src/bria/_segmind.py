"""`Segmind` and `AsyncSegmind`: Bria's models as Segmind hosts them, on the same runtime as `Bria`.

Segmind serves Bria's models on its own host (https://api.segmind.com/v1/bria-<model>), with its own key
(`x-api-key`), its own error codes (406: not enough credits) and the image's bytes as the answer. Its
operations are the generated facade of the `segmind` document (`bria.resources.segmind`), and this client
*is* that facade: `client.blur_background(image=..., scale=...)`, one method per model, not a
`client.segmind.<model>` property, since everything such a client can call is one document. Everything
else is `Bria`'s: the setup checks, `TokenAuth` (with Segmind's header), and the connection and call path of
`ClientBase` / `AsyncClientBase` (the call flow `_flow.call`: input checks from the `Operation` records,
retries, redirects, typed errors; the drivers; a pool per event loop). What differs per
operation (a file answer, the credits header, the credits error code) is read from the spec into the
records by `make generate`.

`bria` imports this module on first use of `bria.Segmind` (PEP 562), so `import bria` loads nothing
of the generated segmind package.
"""

from __future__ import annotations

import httpx

from bria.resources.segmind import AsyncSegmind as _AsyncOperations
from bria.resources.segmind import Segmind as _Operations

from ._client import AsyncClientBase, ClientBase, Service, _Setup
from ._constants import (
    DEFAULT_MAX_RETRIES,
    SEGMIND_AUTH_HEADER,
    SEGMIND_BASE_URL_ENV_VAR,
    SEGMIND_DEFAULT_BASE_URL,
    SEGMIND_KEY_ENV_VAR,
)

SEGMIND = Service(
    "api_key", SEGMIND_KEY_ENV_VAR, SEGMIND_BASE_URL_ENV_VAR, SEGMIND_DEFAULT_BASE_URL, SEGMIND_AUTH_HEADER
)


def _setup(
    api_key: str | None,
    base_url: str | httpx.URL | None,
    max_retries: int,
    timeout: float | httpx.Timeout | None,
    http_client: object,
    requests_per_minute: float | str | None,
) -> _Setup:
    # No job is ever polled on Segmind (every answer is final), so nothing is learned or kept across processes.
    return _Setup(
        api_key, base_url, max_retries, timeout, http_client, requests_per_minute, poll_history=False, service=SEGMIND
    )


class Segmind(ClientBase, _Operations):
    """Client of Bria's models on Segmind: `Segmind().blur_background(image=url).save("blurred.jpg")`.

    Each method returns a `bria.BinaryResult`: the image's bytes (`content`, `read()`, `save(path)`), its
    `content_type` and `remaining_credits` (Segmind's `x-remaining-credits`). Not enough credits is a
    `bria.InsufficientCreditsError`; the other errors are `Bria`'s (`AuthenticationError`, `RateLimitError`, ...).

    **Parameters:** `api_key` (default: `$SEGMIND_API_KEY`; sent only as `x-api-key` to the base URL's
    origin), `base_url` (the host root, default `$SEGMIND_BASE_URL`, else https://api.segmind.com; the `/v1`
    server path comes from the spec), `timeout`, `max_retries`, `http_client` and `requests_per_minute` as
    for `bria.Bria`.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        requests_per_minute: float | str | None = None,
    ) -> None:
        setup = _setup(api_key, base_url, max_retries, timeout, http_client, requests_per_minute)
        super().__init__(self)
        self._connect(setup, http_client)


class AsyncSegmind(AsyncClientBase, _AsyncOperations):
    """`Segmind` for asyncio: `await client.blur_background(...)`; one connection pool shared by all calls."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        requests_per_minute: float | str | None = None,
    ) -> None:
        setup = _setup(api_key, base_url, max_retries, timeout, http_client, requests_per_minute)
        super().__init__(self)
        self._connect(setup, http_client)
