"""One call to the API as a flow without I/O: every decision both clients make, written once.

A flow is a generator. It yields `Send(request)` when a request must go out and `Sleep(seconds)` when it
must wait; the driver that runs it (`_drivers.run` for `Bria`, `_drivers.arun` for `AsyncBria`) answers a
`Send` with the `httpx.Response` (its body read) or by throwing the `httpx.RequestError` the send raised
into the flow, and a `Sleep` with None after sleeping. The flow returns the call's outcome or raises a
typed `BriaError`. httpx's `Auth.auth_flow` is the model: one generator, a sync and an async driver.

- `call`: arguments -> request -> `exchange` -> `interpret` -> for a v2 job, `wait_for`.
- `exchange`: one request until its final answer: retries by the `_retry` rules (never a POST that may
  have been processed), redirects followed one send per hop (so `TokenAuth` sees every hop).
- `wait_for`: the status polls of a job on the `Waiter`'s schedule, until its result or `max_wait`.

Time comes from `Session.clock` and jitter from `Session.jitter`, so tests drive a flow with
`httpx.Response` objects and a fake clock, for both clients at once.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from ._auth import origin
from ._calls import check_result, interpret, json_object, request_arguments
from ._constants import MAX_REDIRECTS, SECRET_HEADERS
from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    InternalServerError,
    ParameterError,
    RateLimitError,
    UnsafeURLError,
    connection_error,
    status_error,
)
from ._jobs import Job, PollPlanner, ResultData, Waiter
from ._operation import Operation
from ._pacing import Pacer
from ._retry import parse_retry_after, retry_delay, should_retry_error, should_retry_status

log = logging.getLogger("bria")
T = TypeVar("T")


@dataclass(frozen=True)
class Send:
    request: httpx.Request


@dataclass(frozen=True)
class Sleep:
    seconds: float


Step = Send | Sleep
# What a driver sends back: the response to a `Send`, None after a `Sleep`.
Reply = httpx.Response | None
Flow = Generator[Step, Reply, T]

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# A status poll that still fails after its retries does not end the wait: the job is still on the
# server, so the flow polls again on the schedule until `max_wait`.
_TRANSIENT = (APIConnectionError, InternalServerError, RateLimitError)


@dataclass(frozen=True)
class Session:
    """What a flow needs of the client that runs it. `build_request` only builds (the client's
    `build_request`, which merges a caller's client's headers, cookies and timeout); it never sends."""

    base_url: httpx.URL
    max_retries: int
    planner: PollPlanner
    build_request: Callable[..., httpx.Request]
    clock: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = random.random
    # Set on every request when the client that sends does not already send it as its default (a caller's
    # own client; `_client` puts the caller's User-Agent in front of the SDK's); None: the client's default.
    user_agent: str | None = None
    # Client-side pacing per endpoint (`requests_per_minute=`), shared by every call of the client; None: off.
    pacer: Pacer | None = None

    def request(self, method: str, url: str, **arguments: Any) -> httpx.Request:
        if self.user_agent is not None:
            # Per request only for a caller's client: merging a header costs httpx about 15 us a request.
            arguments["headers"] = {**arguments.get("headers", {}), "User-Agent": self.user_agent}
        return self.build_request(method, url, **arguments)


def call(
    operation: Operation, arguments: dict[str, Any], session: Session, *, wait: bool, max_wait: float | None
) -> Flow[Any]:
    """One operation call: its parsed answer, a `Job` (`wait=False`), or a finished job's `ResultData`."""
    if not wait and operation.sync_flag is not None and arguments.get(operation.sync_flag) is True:
        # The answer would be the result, not the Job that `wait=False` is typed to return.
        raise ParameterError(operation.sync_flag, "sync=True returns the finished result; wait=False asks for a Job")
    request = session.request(**request_arguments(operation, arguments, session.base_url))
    response = yield from exchange(request, session, endpoint=operation.path_prefix + operation.path)
    outcome = interpret(operation, response, session.clock())
    if wait and isinstance(outcome, Job):
        outcome = yield from wait_for(outcome, session, max_wait)
    if isinstance(outcome, ResultData):
        check_result(operation, outcome)
    return outcome


def wait(
    job: Job | str, session: Session, status_operation: Callable[[], Operation], max_wait: float | None
) -> Flow[ResultData]:
    """`client.wait`: a `Job`, or a request_id whose status URL the status operation's builder makes."""
    if not isinstance(job, Job):
        url = request_arguments(status_operation(), {"request_id": job}, session.base_url)["url"]
        job = Job(request_id=job, status_url=url, operation_name="", submitted_at=session.clock())
    return (yield from wait_for(job, session, max_wait))


def wait_for(job: Job, session: Session, max_wait: float | None) -> Flow[ResultData]:
    """Poll `job` until it is done; its status URL is checked before the first poll (each carries the token)."""
    _check_status_url(job, session.base_url)
    waiter = Waiter(job, session.planner, max_wait, session.clock())
    while True:
        yield Sleep(waiter.next_delay(session.clock()))
        try:
            poll = session.request("GET", job.status_url)
            response = yield from exchange(poll, session, endpoint=_status_endpoint(poll.url))
            error = status_error(response)
            if error is not None:
                raise error
        except _TRANSIENT as error:
            waiter.observe_failure(error)
            continue
        data = waiter.observe(json_object(response), parse_retry_after(response.headers), session.clock())
        if data is not None:
            return data


def _check_status_url(job: Job, base_url: httpx.URL) -> None:
    try:
        target = httpx.URL(job.status_url)
    except httpx.InvalidURL:
        raise UnsafeURLError(f"refusing to poll {job.status_url[:60]!r}: not a URL") from None
    if origin(target) != origin(base_url):
        raise UnsafeURLError(f"refusing to poll {job.status_url[:60]!r}: not on the API host {base_url.host!r}")


def _status_endpoint(url: httpx.URL) -> str:
    # Every job's status URL is one endpoint for Bria's limits: `/v2/status/<id>` counts as `/v2/status/{id}`.
    return url.path.rsplit("/", 1)[0] + "/{request_id}"


def exchange(request: httpx.Request, session: Session, *, endpoint: str | None = None) -> Flow[httpx.Response]:
    """Send `request` until its final answer: retried while that is safe, redirects followed, each send
    paced for `endpoint` (default: the request's path) when the client paces."""
    attempt = hops = 0
    while True:
        if session.pacer is not None:
            slot = session.pacer.reserve(endpoint or request.url.path, session.clock())
            if slot > 0:
                yield Sleep(slot)
        try:
            response = yield from _send(request)
        except httpx.RequestError as error:
            delay = _delay_after_error(request, error, attempt, session)
            if delay is None:
                raise connection_error(request, error) from error
        else:
            if response.status_code in _REDIRECT_STATUSES and "location" in response.headers:
                hops += 1
                if hops > MAX_REDIRECTS:
                    raise APIConnectionError(
                        f"stopped after {MAX_REDIRECTS} redirects",
                        method=request.method,
                        url=str(request.url.copy_with(query=None)),
                    )
                request = redirected(request, response)
                continue
            delay = _delay_after_status(request, response, attempt, session)
            if delay is None:
                return response
        yield Sleep(delay)
        attempt += 1


def redirected(request: httpx.Request, response: httpx.Response) -> httpx.Request:
    """The request a redirect asks for, as browsers and httpx make it: 303 (and 301/302 after a POST)
    become a GET without body; 307/308 repeat the method and body. The token is never copied: the
    auth of the next send adds it again, on the API origin only."""
    try:
        url = request.url.join(response.headers["location"])
    except httpx.InvalidURL:
        raise APIResponseValidationError(
            "a redirect to a URL that does not parse", status_code=response.status_code, body=response.content
        ) from None
    method = request.method
    if (response.status_code == 303 and method != "HEAD") or (response.status_code in (301, 302) and method == "POST"):
        method = "GET"
    headers = httpx.Headers(request.headers)
    for name in ("host", *SECRET_HEADERS, "authorization", "cookie"):
        headers.pop(name, None)
    if method != request.method:
        for name in ("content-length", "content-type", "transfer-encoding"):
            headers.pop(name, None)
        return httpx.Request(method, url, headers=headers, extensions=request.extensions)
    return httpx.Request(method, url, headers=headers, stream=request.stream, extensions=request.extensions)


def _send(request: httpx.Request) -> Generator[Step, Reply, httpx.Response]:
    reply = yield Send(request)
    if reply is None:  # pragma: no cover - a driver bug, not an answer
        raise RuntimeError("the driver answered a Send with nothing")
    return reply


def _delay_after_error(request: httpx.Request, error: Exception, attempt: int, session: Session) -> float | None:
    if attempt >= session.max_retries or not should_retry_error(request.method, error):
        return None
    delay = retry_delay(attempt, None, rand=session.jitter())
    _log_retry(request, type(error).__name__, delay, attempt, session.max_retries)
    return delay


def _delay_after_status(
    request: httpx.Request, response: httpx.Response, attempt: int, session: Session
) -> float | None:
    if attempt >= session.max_retries or not should_retry_status(request.method, response.status_code):
        return None
    delay = retry_delay(attempt, parse_retry_after(response.headers), rand=session.jitter())
    _log_retry(request, f"HTTP {response.status_code}", delay, attempt, session.max_retries)
    return delay


def _log_retry(request: httpx.Request, reason: str, delay: float | None, attempt: int, max_retries: int) -> None:
    if delay is None:
        return
    log.debug(
        "retrying %s %s in %.2fs after %s (retry %d of %d)",
        request.method,
        request.url.path,
        delay,
        reason,
        attempt + 1,
        max_retries,
    )
