"""Exceptions raised by the runtime.

BriaError
 ├── ImageInputError            a local image is missing, too large or of an unsupported type (nothing sent)
 ├── ParameterError             an argument breaks the spec (enum, range, either-or); nothing sent
 ├── UnsafeURLError             a URL to call with the token is not on the API host; nothing sent
 ├── APIConnectionError         no usable answer: connection refused, reset, protocol error
 │    └── APITimeoutError       the request timed out
 ├── APIResponseValidationError an answer with a success code whose body is not what the spec says
 ├── APIStatusError             an error status; one subclass per status Bria documents
 │    ├── BadRequestError (400), AuthenticationError (401), PermissionDeniedError (403),
 │    ├── NotFoundError (404), MethodNotAllowedError (405), NotAcceptableError (406) → InsufficientCreditsError,
 │    ├── ConflictError (409), PreconditionFailedError (412), PayloadTooLargeError (413),
 │    ├── UnsupportedMediaTypeError (415), UnprocessableEntityError (422) → ContentModerationError,
 │    ├── RateLimitError (429), ImageDownloadError (460), UnsupportedInputError (506),
 │    └── InternalServerError (other 5xx)
 ├── DownloadError              a result (or pre-signed) URL answered an error status
 ├── JobFailedError             a v2 job ended in ERROR (or UNKNOWN)
 └── JobTimeoutError            a v2 job did not finish within `max_wait` seconds

No exception's message or repr ever contains the API token: they are built from status, body and
URL only, and the token never goes into a URL. Every exception survives pickling with its attributes
(a `ProcessPoolExecutor` sends it back to the parent that way).
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from ._retry import parse_retry_after


class BriaError(Exception):
    """Base class of every error this package raises."""

    def __reduce__(self) -> tuple[Any, ...]:
        # The default pickles `args` only and calls `__init__(*args)`, which the keyword-only constructors
        # below refuse: rebuild from the message and the attributes instead.
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[BriaError], args: tuple[Any, ...], state: dict[str, Any]) -> BriaError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class ImageInputError(BriaError, ValueError):
    """A local image input cannot be sent; raised before any network call."""

    def __init__(self, parameter: str, reason: str) -> None:
        self.parameter = parameter
        super().__init__(f"{parameter}: {reason}")


class ParameterError(BriaError, ValueError):
    """An argument violates a constraint of the operation's spec; raised before any network call."""

    def __init__(self, parameter: str, reason: str) -> None:
        self.parameter = parameter
        super().__init__(f"{parameter}: {reason}")


class UnsafeURLError(BriaError):
    """A URL the client would call with the API token is not on the configured API host."""


class APIConnectionError(BriaError):
    """The request got no usable answer (refused, reset, broken protocol)."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        self.method = method
        self.url = url
        super().__init__(f"{message} ({method} {url})")


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class APIResponseValidationError(BriaError):
    """A success answer whose body does not match the spec (HTML, truncated JSON, missing fields)."""

    def __init__(self, message: str, *, status_code: int, body: bytes) -> None:
        self.status_code = status_code
        self.body = body
        super().__init__(f"{message} (HTTP {status_code}, body: {_preview(body)})")


class APIStatusError(BriaError):
    """The API answered with an error status."""

    status_code: int

    def __init__(self, message: str, *, response: httpx.Response, body: Any, request_id: str | None) -> None:
        self.status_code = response.status_code
        self.response = response
        self.body = body
        self.request_id = request_id
        self.message = message
        # Seconds the server asked to wait before trying again (`Retry-After`), or None.
        self.retry_after = parse_retry_after(response.headers)
        suffix = f" (request_id {request_id})" if request_id else ""
        super().__init__(f"HTTP {response.status_code}: {message}{suffix}")


class BadRequestError(APIStatusError):
    """400: the request was malformed or missed an input."""


class AuthenticationError(APIStatusError):
    """401: the API token is missing or invalid."""


class PermissionDeniedError(APIStatusError):
    """403: the token may not use this endpoint."""


class NotFoundError(APIStatusError):
    """404: unknown route, visual_id or request_id (or an image URL that does not resolve)."""


class MethodNotAllowedError(APIStatusError):
    """405: the route does not take this method (documented by ai_search, image_onboarding, video_editing)."""


class ConflictError(APIStatusError):
    """409: the resource is in a state that forbids this (e.g. deleting a dataset a model still uses)."""


class PreconditionFailedError(APIStatusError):
    """412: a precondition of the operation does not hold (e.g. training a model whose dataset is not ready)."""


class NotAcceptableError(APIStatusError):
    """406: the result would exceed a size limit (v1 increase_resolution)."""


class InsufficientCreditsError(NotAcceptableError):
    """The account has not enough credits for the call: Segmind's 406 (`x-bria-insufficient-credits` in the
    spec). A `NotAcceptableError` too, since that is the code; never retried."""


class PayloadTooLargeError(APIStatusError):
    """413: the image is larger than 12 MB."""


class UnsupportedMediaTypeError(APIStatusError):
    """415: the image type or colour mode is not supported."""


class UnprocessableEntityError(APIStatusError):
    """422: the input was understood but refused."""


class ContentModerationError(UnprocessableEntityError):
    """422 because content moderation blocked the input, prompt or output."""


class RateLimitError(APIStatusError):
    """429: too many requests for this organization and endpoint."""


class ImageDownloadError(APIStatusError):
    """460: Bria could not download the image from the given URL."""


class UnsupportedInputError(APIStatusError):
    """506: the input is not supported (Bria's use of 506; a client error, never retried)."""


class InternalServerError(APIStatusError):
    """5xx: the API failed."""


class DownloadError(BriaError):
    """Fetching a result or pre-signed URL failed with an error status (an expired link answers 403)."""

    def __init__(self, *, url: str, status_code: int) -> None:
        # The query of a pre-signed URL is a credential of its own: never kept or quoted.
        self.url = url.split("?")[0]
        self.status_code = status_code
        super().__init__(f"download of {self.url[:120]!r} failed: HTTP {status_code}")


class JobFailedError(BriaError):
    """A v2 job reached ERROR (or the documented UNKNOWN internal-failure state)."""

    def __init__(self, *, request_id: str, code: Any, message: str, details: Any, status: str) -> None:
        self.request_id = request_id
        self.code = code
        self.details = details
        self.status = status
        self.message = message
        reason = f"{message}: {details}" if details and str(details) not in message else message
        super().__init__(f"job {request_id} ended {status}: {reason} (code {code})")


class JobTimeoutError(BriaError):
    """A v2 job did not reach a final state within `max_wait` seconds."""

    def __init__(
        self, *, request_id: str, waited: float, last_status: str, last_error: BriaError | None = None
    ) -> None:
        self.request_id = request_id
        self.waited = waited
        self.last_status = last_status
        # The failure of the last status poll when it failed (an APIStatusError has its status_code), else None.
        self.last_error = last_error
        if last_error is None:
            message = f"job {request_id} still {last_status} after {waited:.1f}s"
        else:
            message = f"job {request_id}: no status answer after {waited:.1f}s, the last poll failed: {last_error}"
        super().__init__(message)


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    406: NotAcceptableError,
    409: ConflictError,
    412: PreconditionFailedError,
    413: PayloadTooLargeError,
    415: UnsupportedMediaTypeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    460: ImageDownloadError,
    506: UnsupportedInputError,
}

_MODERATION_WORDS = ("moderation", "inappropriate", "nsfw", "unsafe", "prohibited", "restricted", "blocked")


def status_error(
    response: httpx.Response,
    failure_statuses: frozenset[int] = frozenset(),
    credit_statuses: frozenset[int] = frozenset(),
) -> APIStatusError | None:
    """The one place that decides which answers are errors: every 4xx/5xx, and the 2xx codes an operation
    documents as failures (Bria's 205 "try again" and 206 "bad input"); None for any other answer.
    `credit_statuses`: the codes the operation documents as "not enough credits" (Segmind's 406)."""
    if response.status_code >= 400 or response.status_code in failure_statuses:
        return make_status_error(response, credit_statuses)
    return None


def connection_error(request: httpx.Request, error: Exception) -> APIConnectionError:
    """The typed error for a request that got no usable answer; the URL is quoted without its query."""
    url = str(request.url.copy_with(query=None))
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"request timed out: {type(error).__name__}", method=request.method, url=url)
    return APIConnectionError(f"connection failed: {type(error).__name__}: {error}", method=request.method, url=url)


def make_status_error(response: httpx.Response, credit_statuses: frozenset[int] = frozenset()) -> APIStatusError:
    """The typed error for an error answer, with a readable message whatever the body's form.

    Bria answers with a v2 `{"error": {...}, "request_id": ...}` object, a v1 plain string (JSON
    string or text), an HTML page from a proxy, or nothing at all.
    """
    body, message, request_id = _decode_error_body(response)
    status = response.status_code
    cls = _STATUS_CLASSES.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIStatusError
    if cls is UnprocessableEntityError and any(word in message.lower() for word in _MODERATION_WORDS):
        cls = ContentModerationError
    if status in credit_statuses:
        # The code alone does not say it (Bria's own 406 is "result too large"): the operation's spec does.
        cls = InsufficientCreditsError
        if message == response.reason_phrase or not message:
            message = "not enough credits in the account"
    return cls(message, response=response, body=body, request_id=request_id)


def _decode_error_body(response: httpx.Response) -> tuple[Any, str, str | None]:
    raw = response.content
    request_id = response.headers.get("x-request-id")
    reason = response.reason_phrase or f"HTTP {response.status_code}"
    text = raw.decode("utf-8", errors="replace").strip()
    if not text:
        return None, reason, request_id
    try:
        body: Any = json.loads(text)
    except ValueError:
        if "<html" in text[:200].lower() or "<!doctype" in text[:200].lower():
            return text, f"{reason} (HTML error page, likely from a proxy)", request_id
        return text, text[:500], request_id
    if isinstance(body, dict):
        request_id = str(body.get("request_id") or request_id or "") or None
        error = body.get("error")
        if isinstance(error, dict):
            parts = [str(error.get("message") or reason)]
            if error.get("details"):
                parts.append(str(error["details"]))
            return body, ": ".join(parts), request_id
        for key in ("message", "error", "detail", "description", "status"):
            if isinstance(body.get(key), str):
                return body, str(body[key]), request_id
        return body, reason, request_id
    if isinstance(body, str):
        return body, body[:500], request_id
    return body, reason, request_id


def _preview(body: bytes) -> str:
    text = body[:200].decode("utf-8", errors="replace")
    return repr(text) + ("…" if len(body) > 200 else "")
