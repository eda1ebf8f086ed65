"""The API token as an `httpx.Auth`: added to requests for the API origin, removed from any other.

The clients pass it to every send, redirects included (the call flow follows redirects itself, one
send per hop), and a caller's own `httpx.Client` gets it per send too, so its settings stay its own.
The token goes in Bria's `api_token` header, which httpx does not strip across origins the way it
strips `Authorization`; this class is what keeps it on the API host.
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
    def __init__(self, token: str, api_url: httpx.URL) -> None:
        self._token = token
        self._origin = origin(api_url)

    def __repr__(self) -> str:
        scheme, host, port = self._origin
        return f"TokenAuth(origin='{scheme}://{host}:{port}')"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if origin(request.url) == self._origin:
            request.headers[AUTH_HEADER] = self._token
        else:
            request.headers.pop(AUTH_HEADER, None)
        yield request
