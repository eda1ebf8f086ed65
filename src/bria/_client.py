"""`Bria` and `AsyncBria`: options, the token, one connection pool, calls and job waiting.

Operations live on the generated facades (`client.image_editing`, `client.tailored_generation`, ...,
one property per document of spec/sources.toml, from `bria.resources`), written by `make generate`
from the effective specs; this module never names an operation or a document.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from bria.resources import AsyncDocuments, SyncDocuments

from ._calls import build_request, interpret, json_object
from ._constants import (
    DEFAULT_BASE_URL,
    DEFAULT_LIMITS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    DOWNLOAD_CHUNK,
    TOKEN_ENV_VAR,
)
from ._exceptions import APIConnectionError, BriaError, InternalServerError, RateLimitError, UnsafeURLError
from ._jobs import Job, PollPlanner, ResultData, Waiter, adownload_to, download_to
from ._operation import Operation
from ._results import AsyncResult, Result
from ._retry import parse_retry_after
from ._transport import AsyncBriaTransport, AsyncClientSender, BriaTransport, ClientSender, _asyncio_sleep, _Policy

# A status poll that still fails after the transport's retries does not end the wait: the job is
# still on the server, so the waiter polls again on its schedule until its own timeout.
_TRANSIENT = (APIConnectionError, InternalServerError, RateLimitError)


class _Options:
    """What both clients derive from their arguments; holds the token without ever showing it."""

    def __init__(self, api_token: str | None, base_url: str | httpx.URL | None, max_retries: int) -> None:
        token = api_token if api_token is not None else os.environ.get(TOKEN_ENV_VAR)
        if not token:
            raise BriaError(f"no API token: pass api_token=... or set the {TOKEN_ENV_VAR} environment variable")
        self.base_url = httpx.URL(str(base_url or DEFAULT_BASE_URL).rstrip("/"))
        if self.base_url.scheme not in ("http", "https") or not self.base_url.host:
            raise BriaError(f"base_url must be an http(s) URL, got {str(self.base_url)!r}")
        self.policy = _Policy(token=token, api_url=self.base_url, max_retries=max_retries)
        self.planner = PollPlanner()

    def job(self, job_or_request_id: Job | str) -> Job:
        if isinstance(job_or_request_id, Job):
            job = job_or_request_id
        else:
            from bria.resources.status import JOB_STATUS

            # The id is one path segment, whatever it contains (`a b/../c?d` must not walk the path).
            path = JOB_STATUS.path.replace("{request_id}", quote(job_or_request_id, safe=""))
            job = Job(request_id=job_or_request_id, status_url=f"{self.base_url}{JOB_STATUS.path_prefix}{path}")
        try:
            target = httpx.URL(job.status_url)
        except httpx.InvalidURL:
            raise UnsafeURLError(f"refusing to poll {job.status_url[:60]!r}: not a URL") from None
        if target.copy_with(path="/", query=None) != self.base_url.copy_with(path="/", query=None):
            # The token goes with every status call; a status_url elsewhere would leak it.
            raise UnsafeURLError(f"refusing to poll {job.status_url!r}: not on the API host {self.base_url.host!r}")
        return job


def _url(base: httpx.URL, request: dict[str, Any]) -> dict[str, Any]:
    return {**request, "url": str(base) + request["url"]}


class Bria(SyncDocuments):
    """Client of Bria's API: every document of spec/sources.toml is a property (`client.image_editing`, ...).

    ```python
    client = Bria()  # token from BRIA_API_TOKEN
    result = client.image_editing.background_remove(image="photo.jpg")
    result.download("cutout.png")
    ```

    **Parameters:** `api_token` (default: `$BRIA_API_TOKEN`), `base_url` (the host root; each
    operation's server path, e.g. `/v1` or `/v2/image/edit`, comes from its spec), `timeout` (seconds
    or `httpx.Timeout`),
    `max_retries` (see README "Retries"), `http_client` (an `httpx.Client` to send through, e.g. for proxies).
    """

    def __init__(
        self,
        api_token: str | None = None,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
    ) -> None:
        self._options = _Options(api_token, base_url, max_retries)
        inner: httpx.BaseTransport = (
            ClientSender(http_client) if http_client else httpx.HTTPTransport(limits=DEFAULT_LIMITS)
        )
        self._http = httpx.Client(transport=BriaTransport(inner, self._options.policy), timeout=timeout)
        # Result URLs are fetched by a client that has no token at all.
        self._downloads = httpx.Client(timeout=timeout, follow_redirects=True)

    def __repr__(self) -> str:
        return f"Bria(base_url={str(self._options.base_url)!r})"

    def __enter__(self) -> Bria:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()
        self._downloads.close()

    def wait(self, job: Job | str, *, timeout: float | None = None) -> Result:
        """Wait for a v2 job (a `Job` or a request_id) and return its result; see `_jobs` for the strategy."""
        job = self._options.job(job)
        waiter = Waiter(job, self._options.planner, timeout)
        while True:
            time.sleep(waiter.next_delay())
            try:
                response = self._http.get(job.status_url)
            except _TRANSIENT as error:
                waiter.observe_failure(error)
                continue
            data = waiter.observe(json_object(response), parse_retry_after(response.headers))
            if data is not None:
                return self._result(data)

    def _invoke(self, operation: Operation, arguments: dict[str, Any], *, wait: bool, timeout: float | None) -> Any:
        request = build_request(operation, arguments)
        response = self._http.request(**_url(self._options.base_url, request))
        outcome = interpret(operation, response)
        if isinstance(outcome, Job):
            return self.wait(outcome, timeout=timeout) if wait else outcome
        if isinstance(outcome, ResultData):
            return self._result(outcome)
        return outcome

    def _result(self, data: ResultData) -> Result:
        return Result(data.request_id, data.image_url, data.seed, data.raw, _downloader=self._download)

    def download(self, url: str, path: str | os.PathLike[str]) -> Path:
        """Save what `url` points to (a result URL, a pre-signed model or dataset download) at `path`.

        Fetched by a client that has no token at all, following redirects; written to a temporary file
        first and renamed, so a failed download leaves nothing behind.
        """
        return self._download(url, Path(path))

    def _download(self, url: str, destination: Path) -> Path:
        with self._downloads.stream("GET", url) as response:
            if response.status_code >= 400:
                raise BriaError(f"download of {url.split('?')[0]!r} failed: HTTP {response.status_code}")
            return download_to(response.iter_bytes(DOWNLOAD_CHUNK), destination)


class AsyncBria(AsyncDocuments):
    """`Bria` for asyncio: the same surface, awaited; one connection pool shared by all calls."""

    def __init__(
        self,
        api_token: str | None = None,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self._options = _Options(api_token, base_url, max_retries)
        inner: httpx.AsyncBaseTransport = (
            AsyncClientSender(http_client) if http_client else httpx.AsyncHTTPTransport(limits=DEFAULT_LIMITS)
        )
        self._http = httpx.AsyncClient(transport=AsyncBriaTransport(inner, self._options.policy), timeout=timeout)
        self._downloads = httpx.AsyncClient(timeout=timeout, follow_redirects=True)

    def __repr__(self) -> str:
        return f"AsyncBria(base_url={str(self._options.base_url)!r})"

    async def __aenter__(self) -> AsyncBria:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.aclose()
        await self._downloads.aclose()

    async def wait(self, job: Job | str, *, timeout: float | None = None) -> AsyncResult:
        job = self._options.job(job)
        waiter = Waiter(job, self._options.planner, timeout)
        while True:
            await _asyncio_sleep(waiter.next_delay())
            try:
                response = await self._http.get(job.status_url)
            except _TRANSIENT as error:
                waiter.observe_failure(error)
                continue
            data = waiter.observe(json_object(response), parse_retry_after(response.headers))
            if data is not None:
                return self._result(data)

    async def _invoke(
        self, operation: Operation, arguments: dict[str, Any], *, wait: bool, timeout: float | None
    ) -> Any:
        request = build_request(operation, arguments)
        response = await self._http.request(**_url(self._options.base_url, request))
        outcome = interpret(operation, response)
        if isinstance(outcome, Job):
            return await self.wait(outcome, timeout=timeout) if wait else outcome
        if isinstance(outcome, ResultData):
            return self._result(outcome)
        return outcome

    def _result(self, data: ResultData) -> AsyncResult:
        return AsyncResult(data.request_id, data.image_url, data.seed, data.raw, _downloader=self._download)

    async def download(self, url: str, path: str | os.PathLike[str]) -> Path:
        """`Bria.download`, awaited."""
        return await self._download(url, Path(path))

    async def _download(self, url: str, destination: Path) -> Path:
        async with self._downloads.stream("GET", url) as response:
            if response.status_code >= 400:
                raise BriaError(f"download of {url.split('?')[0]!r} failed: HTTP {response.status_code}")
            return await adownload_to(response.aiter_bytes(DOWNLOAD_CHUNK), destination)
