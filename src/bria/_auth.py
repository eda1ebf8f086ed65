"""The API key as an `httpx.Auth`: added to requests for the API origin, removed from any other.

The clients pass it to every send, redirects included (the call flow follows redirects itself, one
send per hop), and a caller's own `httpx.Client` gets it per send too, so its settings stay its own.
The key goes in a custom header (Bria's `api_token`, Segmind's `x-api-key`), which httpx does not strip
across origins the way it strips `Authorization`; this class is what keeps it on the API host.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

from ._constants import AUTH_HEADER


def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """Scheme, host and port, with the scheme's default port filled in."""
    default_port = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default_port


class TokenAuth(httpx.Auth):
    """`token` in the `header` header (default Bria's `api_token`) of every request to `api_url`'s origin."""

    def __init__(self, token: str, api_url: httpx.URL, header: str = AUTH_HEADER) -> None:
        self._token = token
        self._origin = origin(api_url)
        self._header = header

    def __repr__(self) -> str:
        scheme, host, port = self._origin
        return f"TokenAuth(header={self._header!r}, origin='{scheme}://{host}:{port}')"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if origin(request.url) == self._origin:
            request.headers[self._header] = self._token
        else:
            request.headers.pop(self._header, None)
        yield request
