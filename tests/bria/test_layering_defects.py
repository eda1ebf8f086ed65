"""Five defects of the layering reported in issue 10, each reproduced through the real client."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

import bria
from bria.testing import FakeBria, png_bytes

TOKEN = "sentinel-token-7e21"
BASE = "https://engine.test"


def test_a_redirect_through_the_callers_client_never_carries_the_token() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "engine.test":
            return httpx.Response(307, headers={"Location": "https://elsewhere.test/steal"})
        return httpx.Response(404, json={"error": {"message": "no such thing"}})

    own = httpx.Client(transport=httpx.MockTransport(answer), follow_redirects=True)
    with bria.Bria(TOKEN, base_url=BASE, http_client=own) as client, pytest.raises(bria.NotFoundError):
        client.product_shot_editing.product_packshot(image="https://example.com/a.png")
    assert [r.url.host for r in seen] == ["engine.test", "elsewhere.test"], "one send per hop, by the flow"
    assert seen[0].headers["api_token"] == TOKEN
    assert TOKEN not in str(seen[1].headers.raw), "the token went to another origin"
    assert seen[1].method == "POST" and seen[1].content == seen[0].content, "a 307 repeats the request"


def test_the_callers_client_timeout_and_headers_are_used() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    own = httpx.Client(transport=httpx.MockTransport(answer), timeout=1.23, headers={"x-user": "mine"})
    with bria.Bria(TOKEN, base_url=BASE, http_client=own) as client:
        assert client.tailored_generation.delete_project(project_id=1) is None
    request = seen[0]
    assert request.headers["x-user"] == "mine" and request.headers["api_token"] == TOKEN
    assert request.extensions["timeout"] == httpx.Timeout(1.23).as_dict()


@pytest.fixture
def server() -> Iterator[FakeBria]:
    with FakeBria(token=TOKEN) as running:
        yield running


def test_wait_quotes_the_request_id_as_one_path_segment(server: FakeBria) -> None:
    with bria.Bria(TOKEN, base_url=server.base_url, max_retries=0) as client, pytest.raises(bria.BriaError):
        client.wait("a b/../c?d", max_wait=0.5)
    polled = [r.path for r in server.requests if r.method == "GET"]
    assert polled and all(p.startswith("/v2/status/a%20b%2F..%2Fc%3Fd") for p in polled), polled


def _client_answering(body: bytes, status: int) -> bria.Bria:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    return bria.Bria(TOKEN, base_url=BASE, http_client=httpx.Client(transport=httpx.MockTransport(answer)))


def test_a_202_whose_status_url_does_not_parse_is_a_typed_error() -> None:
    body = json.dumps({"request_id": "r1", "status_url": "http://[::1"}).encode()
    with _client_answering(body, 202) as client, pytest.raises(bria.APIResponseValidationError, match="status_url"):
        client.image_editing.background_remove(image=png_bytes("x"))


@pytest.mark.parametrize(
    ("call", "status"),
    [
        (lambda c: c.image_editing.background_remove(image="https://example.com/a.png", sync=True), 200),
        (lambda c: c.image_editing_v1.blur_background(image="https://example.com/a.png"), 200),
        (
            lambda c: c.tailored_generation.create_project(project_name="p", ip_medium="photography", ip_type="other"),
            201,
        ),
    ],
    ids=["v2-sync", "v1", "tailored-201"],
)
def test_a_json_array_where_an_object_is_documented_is_a_typed_error(call, status: int) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps([["request_id", "x"], ["result_url", "https://cdn.test/a.png"]]).encode()
    with _client_answering(body, status) as client, pytest.raises(bria.APIResponseValidationError, match="JSON object"):
        call(client)
