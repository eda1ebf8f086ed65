"""The httpx transports every request goes through: auth, retries and error mapping in one place.

The generated clients call httpx; httpx calls these transports. So every generated operation gets
the same behaviour without per-endpoint code, and nothing bypasses it:
- the API token is added here, and only to requests for the configured API origin, so a
  `status_url` or a result URL on another host never sees it;
- retries follow `_retry` (never a billed POST that may have been processed);
- an error status becomes a typed `APIStatusError` before the generated parser sees the body,
  and transport failures become `APIConnectionError` / `APITimeoutError`.
"""

from __future__ import annotations

import logging
import time

import httpx

from ._constants import AUTH_HEADER
from ._exceptions import APIConnectionError, APITimeoutError, make_status_error
from ._retry import parse_retry_after, retry_delay, should_retry_error, should_retry_status

log = logging.getLogger("bria")


class _Policy:
    """What the sync and async transports share: origin check, auth, and the decision table."""

    def __init__(self, *, token: str, api_url: httpx.URL, max_retries: int) -> None:
        self._token = token
        self._origin = _origin(api_url)
        self.max_retries = max_retries

    def __repr__(self) -> str:
        return f"_Policy(origin={self._origin!r}, max_retries={self.max_retries})"

    def authorize(self, request: httpx.Request) -> None:
        if _origin(request.url) == self._origin:
            request.headers[AUTH_HEADER] = self._token
        else:
            request.headers.pop(AUTH_HEADER, None)

    def error_delay(self, request: httpx.Request, error: Exception, attempt: int) -> float | None:
        if attempt >= self.max_retries or not should_retry_error(request.method, error):
            return None
        delay = retry_delay(attempt, None)
        if delay is not None:
            _log_retry(request, type(error).__name__, delay, attempt, self.max_retries)
        return delay

    def status_delay(self, request: httpx.Request, response: httpx.Response, attempt: int) -> float | None:
        if attempt >= self.max_retries or not should_retry_status(request.method, response.status_code):
            return None
        delay = retry_delay(attempt, parse_retry_after(response.headers))
        if delay is not None:
            _log_retry(request, f"HTTP {response.status_code}", delay, attempt, self.max_retries)
        return delay


class BriaTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, policy: _Policy) -> None:
        self._inner = inner
        self._policy = policy

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            self._policy.authorize(request)
            try:
                response = self._inner.handle_request(request)
                # API answers are small JSON: read them here, so a body cut short is a transport
                # failure this loop classifies (retried only when idempotent), not a raw httpx error later.
                try:
                    response.read()
                finally:
                    response.close()
            except httpx.TransportError as error:
                delay = self._policy.error_delay(request, error, attempt)
                if delay is None:
                    raise _connection_error(request, error) from error
                time.sleep(delay)
                attempt += 1
                continue
            if response.status_code < 400:
                return response
            delay = self._policy.status_delay(request, response, attempt)
            if delay is None:
                raise make_status_error(response)
            time.sleep(delay)
            attempt += 1

    def close(self) -> None:
        self._inner.close()


class AsyncBriaTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, policy: _Policy) -> None:
        self._inner = inner
        self._policy = policy

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            self._policy.authorize(request)
            try:
                response = await self._inner.handle_async_request(request)
                try:
                    await response.aread()
                finally:
                    await response.aclose()
            except httpx.TransportError as error:
                delay = self._policy.error_delay(request, error, attempt)
                if delay is None:
                    raise _connection_error(request, error) from error
                await _asyncio_sleep(delay)
                attempt += 1
                continue
            if response.status_code < 400:
                return response
            delay = self._policy.status_delay(request, response, attempt)
            if delay is None:
                raise make_status_error(response)
            await _asyncio_sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        await self._inner.aclose()


class ClientSender(httpx.BaseTransport):
    """Lets a caller-supplied `httpx.Client` (proxies, certificates, limits, headers, timeout) carry our requests.

    The request is sent as the caller's client would build it (its default headers under ours, its timeout),
    and never with the client's redirect following: a redirect would carry the `api_token` header, which
    httpx does not strip across origins as it does `Authorization`. A 3xx reaches the caller as an answer.
    """

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._client.send(as_sent_by(self._client, request), stream=True, follow_redirects=False)

    def close(self) -> None:
        self._client.close()


class AsyncClientSender(httpx.AsyncBaseTransport):
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._client.send(as_sent_by(self._client, request), stream=True, follow_redirects=False)

    async def aclose(self) -> None:
        await self._client.aclose()


def as_sent_by(client: httpx.Client | httpx.AsyncClient, request: httpx.Request) -> httpx.Request:
    """`request` with the caller's client's default headers under its own (but the caller's User-Agent, which
    names the caller's application) and the caller's timeout."""
    headers = httpx.Headers(client.headers)
    for name, value in request.headers.multi_items():
        if name.lower() != "user-agent" or "user-agent" not in client.headers:
            headers[name] = value
    extensions = {**request.extensions, "timeout": client.timeout.as_dict()}
    return httpx.Request(request.method, request.url, headers=headers, stream=request.stream, extensions=extensions)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default_port = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default_port


def _connection_error(request: httpx.Request, error: Exception) -> APIConnectionError:
    url = str(request.url.copy_with(query=None))
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"request timed out: {type(error).__name__}", method=request.method, url=url)
    return APIConnectionError(f"connection failed: {type(error).__name__}: {error}", method=request.method, url=url)


def _log_retry(request: httpx.Request, reason: str, delay: float, attempt: int, max_retries: int) -> None:
    log.debug(
        "retrying %s %s in %.2fs after %s (retry %d of %d)",
        request.method,
        request.url.path,
        delay,
        reason,
        attempt + 1,
        max_retries,
    )


async def _asyncio_sleep(seconds: float) -> None:
    # asyncio is imported on first async use only: `import bria` stays cheap for sync callers.
    import asyncio

    await asyncio.sleep(seconds)
