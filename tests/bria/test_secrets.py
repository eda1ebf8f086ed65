"""The API token never shows up in logs, reprs, exceptions, URLs, or requests to other hosts."""

from __future__ import annotations

import logging

import pytest

import bria
from bria.testing import Fault, JobPlan

from .conftest import TOKEN


def test_token_is_nowhere_but_the_api_header(server, png, caplog: pytest.LogCaptureFixture, tmp_path) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    seen: list[str] = []
    with bria.Bria(TOKEN, base_url=server.base_url, max_retries=2) as client:
        seen += [repr(client), str(client), repr(client.image_editing), repr(client._http._transport)]
        server.inject("POST", "/v2/image/edit/remove_background", Fault(status=429, headers={"Retry-After": "0"}))
        server.inject("GET", "/v2/status/", Fault(reset=True))
        result = client.image_editing.background_remove(image=png)
        seen += [repr(result), str(result)]
        result.download(tmp_path / "r.png")
        errors: list[BaseException] = []
        for fault in (Fault(status=401), Fault(status=500, html=True), Fault(status=460), Fault(reset=True)):
            server.inject("POST", "/v1/background/blur", fault)
            with pytest.raises(bria.BriaError) as raised:
                client.image_editing_v1.blur_background(image="https://example.com/a.png")
            errors.append(raised.value)
        server.plan_jobs(JobPlan(outcome="ERROR"))
        with pytest.raises(bria.JobFailedError) as failed:
            client.image_editing.erase(image=png, mask=png)
        errors.append(failed.value)
        for error in errors:
            seen += [str(error), repr(error), repr(error.args), repr(getattr(error, "body", ""))]
    assert any("retrying" in r.getMessage() for r in caplog.records), "the DEBUG capture must see our retry log"
    seen += [record.getMessage() for record in caplog.records] + [repr(record.args) for record in caplog.records]
    seen += [request.path + "?" + request.raw_query for request in server.requests]
    assert [text for text in seen if TOKEN in text] == []
    assert server.result_token_leaks == 0
    api_requests = [r for r in server.requests if not r.path.startswith("/results/")]
    assert api_requests and all(r.headers.get("api_token") == TOKEN for r in api_requests)


def test_caller_supplied_http_client_carries_the_token_only_to_the_api(server, png, tmp_path) -> None:
    import httpx

    hosts: list[tuple[str, bool]] = []
    own = httpx.Client(event_hooks={"request": [lambda r: hosts.append((r.url.host, "api_token" in r.headers))]})
    with bria.Bria(TOKEN, base_url=server.base_url, http_client=own) as client:
        result = client.image_editing_v1.blur_background(image="https://example.com/a.png")
        result.download(tmp_path / "v1.png")
    assert hosts[0] == ("127.0.0.1", True) and len(hosts) == 2
    assert not hosts[1][1], "the v1 result's download carries no token"
    assert server.result_token_leaks == 0
