"""`Bria` and `AsyncBria`: options, the token, one connection pool; each call is a `_flow` run by a driver.

Operations live on the generated facades (`client.image_editing`, `client.tailored_generation`, ...,
one property per document of spec/sources.toml, from `bria.resources`), written by `make generate`
from the effective specs; this module never names an operation or a document.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Self, TypeVar, cast

import httpx

from bria.resources import AsyncDocuments, SyncDocuments, job_status

from . import _flow
from ._auth import TokenAuth
from ._constants import (
    AUTH_HEADER,
    BASE_URL_ENV_VAR,
    DEFAULT_BASE_URL,
    DEFAULT_LIMITS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    TOKEN_ENV_VAR,
    USER_AGENT,
)
from ._drivers import arun, run
from ._exceptions import BriaError, ParameterError
from ._history import history_for
from ._jobs import Job, PollPlanner, ResultData
from ._operation import Operation
from ._pacing import pacer_for
from ._results import AsyncImageResult, AsyncResult, ImageResult, Result, adownload, aread, download, read

# The SDK's own clients name it in every request they send, redirects and downloads included.
OWN_HEADERS = {"User-Agent": USER_AGENT}
HttpClient = TypeVar("HttpClient", httpx.Client, httpx.AsyncClient)


@dataclass(frozen=True)
class Service:
    """Who a client talks to: the key's argument and environment variable, the host, the key's header."""

    key_argument: str
    key_env_var: str
    base_url_env_var: str
    default_base_url: str
    auth_header: str


BRIA = Service("api_token", TOKEN_ENV_VAR, BASE_URL_ENV_VAR, DEFAULT_BASE_URL, AUTH_HEADER)


class _Setup:
    """What every client derives from its arguments; checked before anything is sent."""

    def __init__(
        self,
        api_token: str | None,
        base_url: str | httpx.URL | None,
        max_retries: int,
        timeout: float | httpx.Timeout | None,
        http_client: object,
        requests_per_minute: float | str | None = None,
        poll_history: bool | str | os.PathLike[str] = True,
        service: Service = BRIA,
    ) -> None:
        token = api_token if api_token is not None else os.environ.get(service.key_env_var)
        if not token:
            what = "API token" if service is BRIA else "API key"
            raise BriaError(
                f"no {what}: pass {service.key_argument}=... or set the {service.key_env_var} environment variable"
            )
        # The argument, else the environment, else production: a test setup that exports BRIA_BASE_URL
        # never sends billed calls to production by forgetting to pass it.
        chosen = base_url or os.environ.get(service.base_url_env_var) or service.default_base_url
        self.base_url = httpx.URL(str(chosen).rstrip("/"))
        if self.base_url.scheme not in ("http", "https") or not self.base_url.host:
            raise ParameterError("base_url", f"must be an http(s) URL, got {str(self.base_url)[:60]!r}")
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ParameterError("max_retries", f"must be an integer >= 0, got {max_retries!r}"[:80])
        if http_client is not None and timeout is not None:
            raise ParameterError("timeout", "a caller's http_client keeps its own timeout: set it on that client")
        self.timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        self.max_retries = max_retries
        self.auth = TokenAuth(token, self.base_url, service.auth_header)
        self.pacer = pacer_for(requests_per_minute)
        self.history = history_for(poll_history)

    def own_client(self, factory: Callable[..., HttpClient]) -> HttpClient:
        """The SDK's own `httpx.Client` / `httpx.AsyncClient`, used when the caller passes none."""
        return factory(timeout=self.timeout, limits=DEFAULT_LIMITS, headers=OWN_HEADERS)

    def session(self, http: httpx.Client | httpx.AsyncClient) -> _flow.Session:
        theirs = http.headers.get("user-agent", "")
        # The SDK's own client sends its User-Agent by default; a caller's client that names its application
        # keeps that name, followed by the SDK's.
        if theirs == USER_AGENT:
            user_agent = None
        elif not theirs or theirs.startswith("python-httpx/"):
            user_agent = USER_AGENT
        else:
            user_agent = f"{theirs} {USER_AGENT}"
        return _flow.Session(
            self.base_url,
            self.max_retries,
            PollPlanner(self.history),
            build_request=http.build_request,
            user_agent=user_agent,
            pacer=self.pacer,
        )


class ClientBase:
    """The connection and call path every sync client shares (`Bria`, `bria.Segmind`): one connection pool,
    the call flow run by the sync driver, results that download without the key."""

    _base_url: httpx.URL
    _auth: TokenAuth
    _owns_http: bool
    _http: httpx.Client
    _session: _flow.Session

    def _connect(self, setup: _Setup, http_client: httpx.Client | None) -> None:
        self._base_url = setup.base_url
        self._auth = setup.auth
        self._owns_http = http_client is None
        self._http = http_client or setup.own_client(httpx.Client)
        self._session = setup.session(self._http)

    def __repr__(self) -> str:
        # The base URL only: the key is in `_auth`, whose repr names the header and origin, never the key.
        return f"{type(self).__name__}(base_url={str(self._base_url)!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool (a caller's `http_client` is left open) and save the poll history."""
        self._session.planner.flush()
        if self._owns_http:
            self._http.close()

    def _invoke(self, operation: Operation, arguments: dict[str, Any], *, wait: bool, max_wait: float | None) -> Any:
        flow = _flow.call(operation, arguments, self._session, wait=wait, max_wait=max_wait)
        outcome = run(flow, self._http, self._auth)
        return self._result(outcome, operation.image_result) if isinstance(outcome, ResultData) else outcome

    def _result(self, data: ResultData, image: bool = False) -> Result:
        # `image`: `check_result` has made sure the URL is there.
        kind = ImageResult if image else Result
        return kind(
            data.request_id, cast(str, data.image_url), data.seed, data.raw, data.answer, self._save, self._read
        )

    def _save(self, url: str, destination: Path) -> Path:
        return download(self._http, url, destination)

    def _read(self, url: str) -> bytes:
        return read(self._http, url)


class AsyncClientBase:
    """`ClientBase` for asyncio (`AsyncBria`, `bria.AsyncSegmind`), with a connection pool per event loop."""

    _base_url: httpx.URL
    _auth: TokenAuth
    _owns_http: bool
    _setup: _Setup
    _http: httpx.AsyncClient
    _session: _flow.Session
    _loop: object

    def _connect(self, setup: _Setup, http_client: httpx.AsyncClient | None) -> None:
        self._base_url = setup.base_url
        self._auth = setup.auth
        self._owns_http = http_client is None
        self._setup = setup
        self._http = http_client or setup.own_client(httpx.AsyncClient)
        self._session = setup.session(self._http)
        self._loop = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={str(self._base_url)!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection pool (a caller's `http_client` is left open) and save the poll history."""
        self._session.planner.flush()
        if self._owns_http:
            # A pool from a loop that has ended cannot be closed on this one; `_pool` swaps it for a fresh one.
            await self._pool().aclose()

    async def _invoke(
        self, operation: Operation, arguments: dict[str, Any], *, wait: bool, max_wait: float | None
    ) -> Any:
        http = self._pool()
        flow = _flow.call(operation, arguments, self._session, wait=wait, max_wait=max_wait)
        outcome = await arun(flow, http, self._auth)
        return self._result(outcome, operation.image_result) if isinstance(outcome, ResultData) else outcome

    def _pool(self) -> httpx.AsyncClient:
        """The connection pool for the running event loop. A pool's connections belong to the loop that
        opened them: a client reused after `asyncio.run()` returned (a notebook cell, a CLI command per run)
        gets a fresh pool of its own, with the poll history kept. A caller's `http_client` is left as given."""
        import asyncio

        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            if self._loop is not None and self._owns_http:
                self._http = self._setup.own_client(httpx.AsyncClient)
                self._session = replace(self._session, build_request=self._http.build_request)
            self._loop = loop
        return self._http

    def _result(self, data: ResultData, image: bool = False) -> AsyncResult:
        kind = AsyncImageResult if image else AsyncResult
        return kind(
            data.request_id, cast(str, data.image_url), data.seed, data.raw, data.answer, self._save, self._read
        )

    async def _save(self, url: str, destination: Path) -> Path:
        return await adownload(self._pool(), url, destination)

    async def _read(self, url: str) -> bytes:
        return await aread(self._pool(), url)


class Bria(ClientBase, SyncDocuments):
    """Client of Bria's API: every document of spec/sources.toml is a property (`client.image_editing`, ...).

    ```python
    client = Bria()  # token from BRIA_API_TOKEN
    result = client.image_editing.background_remove(image="photo.jpg")
    result.download("cutout.png")
    ```

    **Parameters:** `api_token` (default: `$BRIA_API_TOKEN`), `base_url` (the host root, default
    `$BRIA_BASE_URL`, else https://engine.prod.bria-api.com; each
    operation's server path, e.g. `/v1` or `/v2/image/edit`, comes from its spec), `timeout` (the HTTP
    timeout, seconds or `httpx.Timeout`; default 60 s, 5 s to connect), `max_retries` (see README
    "Retries"), `http_client` (an `httpx.Client` to send through, used as configured: its timeout,
    headers, proxies and limits; the token is added per request, and the client stays the caller's to close),
    `requests_per_minute` (client-side pacing per endpoint, status polls included: a number, or Bria's plan
    name "free" (10), "pay-as-you-go" (60), "enterprise" (1000); default None, no pacing), `poll_history`
    (where the learned job durations are kept across processes: True for `$BRIA_POLL_HISTORY` or the user's
    cache folder, a path, or False; see `_history`).
    """

    def __init__(
        self,
        api_token: str | None = None,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        requests_per_minute: float | str | None = None,
        poll_history: bool | str | os.PathLike[str] = True,
    ) -> None:
        self._connect(
            _Setup(api_token, base_url, max_retries, timeout, http_client, requests_per_minute, poll_history),
            http_client,
        )

    def wait(self, job: Job | str, *, max_wait: float | None = None) -> Result:
        """Wait for a v2 job (a `Job` or a request_id) and return its result; `max_wait` seconds at most
        (default 300), then `JobTimeoutError`. See `_jobs` for the polling strategy."""
        return self._result(run(_flow.wait(job, self._session, job_status, max_wait), self._http, self._auth))

    def download(self, url: str, path: str | os.PathLike[str]) -> Path:
        """Save what `url` points to (a result URL, a pre-signed model or dataset download) at `path`.

        Sent without the token, following redirects; written to a temporary file first and renamed,
        so a failed download leaves nothing behind.
        """
        return download(self._http, url, Path(path))


class AsyncBria(AsyncClientBase, AsyncDocuments):
    """`Bria` for asyncio: the same surface, awaited; one connection pool shared by all calls."""

    def __init__(
        self,
        api_token: str | None = None,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        requests_per_minute: float | str | None = None,
        poll_history: bool | str | os.PathLike[str] = True,
    ) -> None:
        self._connect(
            _Setup(api_token, base_url, max_retries, timeout, http_client, requests_per_minute, poll_history),
            http_client,
        )

    async def wait(self, job: Job | str, *, max_wait: float | None = None) -> AsyncResult:
        """`Bria.wait`, awaited."""
        flow = _flow.wait(job, self._session, job_status, max_wait)
        return self._result(await arun(flow, self._pool(), self._auth))

    async def download(self, url: str, path: str | os.PathLike[str]) -> Path:
        """`Bria.download`, awaited."""
        return await adownload(self._pool(), url, Path(path))
