"""Live mode (opt-in, never in CI): a few cheap calls to the real Bria API through `prism proxy --errors`.

Run with `BRIA_API_TOKEN=... make contract-live` (which sets CONTRACT_LIVE=1). Prism forwards each request to the
spec's first server and validates the real answer against the contract effective spec; `--errors` turns a
violation into a 500 with `sl-violations`, and the answer is also checked with schemathesis' validate_response.
A failure names the operation and every violation: that is the report of where the real API and the spec differ.

The calls (all free: Bria bills processed images, and none of these is processed):
- every GET operation with a `{request_id}` path parameter (the Status Service), for a request_id that does not
  exist: documented answer 404 `{"status": "NOT_FOUND"}`;
- per spec, the first POST operation's example request with a key that is not valid: documented answer 401.

With CONTRACT_LIVE_BILLED=1, also one real job per spec: the `remove_background` example request (v1: one
synchronous background removal; v2: one asynchronous job, then status polls). That costs two image-editing
requests at your plan's price per request; Bria's price list was not available offline, so check it first.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from . import settings
from .cases import api_operation, example_case, send, with_parameter
from .prism import PrismServer, start_many
from .specs import Operation, all_operations, contract_specs

_TOKEN = os.environ.get("BRIA_API_TOKEN", "")
pytestmark: list[pytest.MarkDecorator] = [pytest.mark.live]
if os.environ.get("CONTRACT_LIVE") != "1":
    pytestmark.append(pytest.mark.skip(reason="live mode is opt-in: run `make contract-live`"))
elif not _TOKEN:
    pytestmark.append(pytest.mark.skip(reason="BRIA_API_TOKEN is not set: live mode needs a real key"))

_BILLED = os.environ.get("CONTRACT_LIVE_BILLED") == "1"
_UNKNOWN_REQUEST_ID = "contract-live-no-such-request-0000"


@pytest.fixture(scope="module")
def prism_proxies() -> Iterator[dict[str, PrismServer]]:
    """One `prism proxy --errors` per contract spec, forwarding to the spec's first server."""
    out = settings.output_dir()
    wanted = []
    for spec in contract_specs():
        upstream = spec.document["servers"][0]["url"]
        wanted.append((spec.name, ["proxy", "--errors", str(spec.path), upstream], out / f"prism-live-{spec.name}.log"))
    servers = start_many(wanted)
    try:
        yield servers
    finally:
        for server in servers.values():
            server.stop()


def _report(operation: Operation, response: requests.Response) -> str:
    return (
        f"{operation.spec} {operation.label}: real answer {response.status_code} violates the contract spec\n"
        f"  sl-violations: {response.headers.get('sl-violations')}\n  body: {response.text[:500]}"
    )


def _check(operation: Operation, response: requests.Response, expected: int) -> None:
    assert "sl-violations" not in response.headers, _report(operation, response)
    assert response.status_code == expected, _report(operation, response)
    api_operation(operation).validate_response(response)


STATUS_POLLS = [op for op in all_operations() if op.method == "GET" and "{request_id}" in op.path]
FIRST_POSTS = [
    next(op for op in spec.operations() if op.method == "POST")
    for spec in contract_specs()
    if any(op.method == "POST" for op in spec.operations())
]


@pytest.mark.parametrize("operation", STATUS_POLLS, ids=lambda op: op.test_id)
def test_unknown_job_is_404(operation: Operation, prism_proxies: dict[str, PrismServer]) -> None:
    case = with_parameter(example_case(operation), "path", "request_id", _UNKNOWN_REQUEST_ID)
    response = send(case, prism_proxies[operation.spec].base_url, {"api_token": _TOKEN})
    _check(operation, response, 404)


@pytest.mark.parametrize("operation", FIRST_POSTS, ids=lambda op: op.test_id)
def test_invalid_key_is_401(operation: Operation, prism_proxies: dict[str, PrismServer]) -> None:
    response = send(example_case(operation), prism_proxies[operation.spec].base_url, {"api_token": "not-a-valid-key"})
    _check(operation, response, 401)


BILLED = [op for op in all_operations() if op.operation_id == "remove_background"]


@pytest.mark.parametrize("operation", BILLED, ids=lambda op: op.test_id)
def test_remove_background_for_real(operation: Operation, prism_proxies: dict[str, PrismServer]) -> None:
    if not _BILLED:
        pytest.skip("billed calls need CONTRACT_LIVE_BILLED=1 (two image-editing requests)")
    response = send(example_case(operation), prism_proxies[operation.spec].base_url, {"api_token": _TOKEN})
    assert "sl-violations" not in response.headers, _report(operation, response)
    assert response.status_code in (200, 202), _report(operation, response)
    api_operation(operation).validate_response(response)
    if response.status_code == 202:
        _poll_until_done(response.json(), prism_proxies)


def _poll_until_done(job: dict[str, Any], proxies: dict[str, PrismServer]) -> None:
    poll = STATUS_POLLS[0]
    case = with_parameter(example_case(poll), "path", "request_id", job["request_id"])
    for _attempt in range(30):
        answer = send(case, proxies[poll.spec].base_url, {"api_token": _TOKEN})
        _check(poll, answer, 200)
        if answer.json().get("status") != "IN_PROGRESS":
            return
        time.sleep(2)
    pytest.fail(f"job {job['request_id']} still IN_PROGRESS after 60 s")
