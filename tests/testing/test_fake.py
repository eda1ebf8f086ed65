"""Smoke tests for the local Bria test server (test infrastructure: kept short)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

import bria.testing
from bria.testing import FakeBria, Fault, JobPlan, png_bytes

TOKEN = "secret-token"
AUTH = {"api_token": TOKEN}


@pytest.fixture
def server() -> Iterator[FakeBria]:
    with FakeBria(token=TOKEN) as srv:
        yield srv


@pytest.fixture
def client(server: FakeBria) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=5) as c:
        yield c


def _poll(client: httpx.Client, status_url: str, deadline: float = 5.0) -> httpx.Response:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        response = client.get(status_url, headers=AUTH)
        if response.json()["status"] != "IN_PROGRESS":
            return response
        time.sleep(0.01)
    raise AssertionError("job did not finish")


def test_v2_job_round_trip(server: FakeBria, client: httpx.Client) -> None:
    server.plan_jobs(JobPlan(duration=0.1))
    submit = client.post("/v2/image/edit/remove_background", json={"image": "https://x/y.png"}, headers=AUTH)
    assert submit.status_code == 202
    rid = submit.json()["request_id"]
    assert submit.json()["status_url"] == f"{server.base_url}/v2/status/{rid}"
    assert client.get(f"/v2/status/{rid}", headers=AUTH).json() == {"request_id": rid, "status": "IN_PROGRESS"}

    done = _poll(client, submit.json()["status_url"])
    assert done.json() == {
        "request_id": rid,
        "status": "COMPLETED",
        "result": {"image_url": f"{server.base_url}/results/{rid}.png", "seed": 123},
    }
    created, completed = server.job_timeline(rid)
    assert completed is not None and completed - created == pytest.approx(0.1)

    image = client.get(done.json()["result"]["image_url"], params={"size": 5000})
    assert image.status_code == 200 and image.content == png_bytes(f"{rid}.png", 5000)
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert server.result_token_leaks == 0
    client.get(f"/results/{rid}.png", headers=AUTH)
    assert server.result_token_leaks == 1

    assert client.get("/v2/status/unknown", headers=AUTH).status_code == 404
    sync = client.post("/v2/image/edit/erase", json={"image": "b64", "mask": "m", "sync": True}, headers=AUTH)
    assert sync.status_code == 200 and sync.json()["result"]["seed"] == 123
    bad = client.post("/v2/image/edit/erase", json={"mask": "m"}, headers=AUTH)
    assert bad.status_code == 400 and set(bad.json()) == {"error", "request_id"}


def test_v1_routes(server: FakeBria, client: httpx.Client) -> None:
    rmbg = client.post("/v1/background/remove", files={"file": ("a.png", b"\x89PNG")}, headers=AUTH)
    assert rmbg.status_code == 200 and rmbg.json()["result_url"].startswith(server.base_url + "/results/")
    assert server.requests[-1].form_fields == ["file"]
    fill = client.post("/v1/gen_fill", json={"image_url": "u", "mask_url": "m", "num_results": 2}, headers=AUTH)
    assert len(fill.json()["urls"]) == len(fill.json()["seed"]) == 2
    replace = client.post("/v1/background/replace", json={"file": "b64", "bg_prompt": "a beach"}, headers=AUTH)
    assert len(replace.json()["result"][0]) == 3
    create = {"changes": [{"id": "p1", "actions": {"smile": 1}}]}
    assert set(client.post("/v1/abc/create", json=create, headers=AUTH).json()) == {"image_res", "sid"}
    assert client.get("/v1/abc/person/info", headers=AUTH).json()[0]["type"] == "person"
    missing = client.post("/v1/eraser", json={"mask_url": "m"}, headers=AUTH)
    assert missing.status_code == 400 and missing.text.startswith("Bad request. one of 'image_url'+'mask_url' or")


def test_auth(client: httpx.Client) -> None:
    v2 = client.post("/v2/image/edit/erase", json={"image": "x"}, headers={"api_token": "wrong"})
    assert v2.status_code == 401 and v2.json()["error"]["code"] == 401
    assert client.get("/v2/status/whatever").status_code == 401
    v1 = client.post("/v1/eraser", json={"image_url": "x"})
    assert v1.status_code == 401 and v1.headers["content-type"].startswith("text/plain")


def test_fault_sequence(server: FakeBria, client: httpx.Client) -> None:
    server.inject(
        "POST",
        "/v2/image/edit",
        Fault(status=429, headers={"Retry-After": "0.05"}),
        Fault(status=503),
        Fault(status=502, html=True),
        Fault(truncate=True),
        Fault(reset=True),
        Fault(delay=0.3),
    )

    def post(timeout: float = 5) -> httpx.Response:
        return client.post("/v2/image/edit/erase", json={"image": "x", "mask": "m"}, headers=AUTH, timeout=timeout)

    r = post()
    assert (r.status_code, r.headers["retry-after"]) == (429, "0.05")
    assert post().status_code == 503
    html = post()
    assert html.status_code == 502 and html.headers["content-type"] == "text/html" and "nginx" in html.text
    with pytest.raises(httpx.RemoteProtocolError):
        post()
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        post()
    with pytest.raises(httpx.ReadTimeout):
        post(timeout=0.1)
    assert post().status_code == 202  # faults used up

    assert server.count("POST", "/v2/image/edit") == 7
    assert [r.fault for r in server.requests] == [
        "status:429",
        "status:503",
        "html:502",
        "truncate:normal",
        "reset",
        "delay",
        None,
    ]
    assert len(server.jobs) == 6  # every request but the reset was processed


def test_job_plans(server: FakeBria, client: httpx.Client) -> None:
    def submit() -> str:
        return str(client.post("/v2/image/edit/enhance", json={"image": "x"}, headers=AUTH).json()["status_url"])

    server.plan_jobs(JobPlan(outcome="MYSTERY"))
    assert _poll(client, submit()).json()["status"] == "MYSTERY"
    server.plan_jobs(JobPlan(outcome="ERROR"))
    assert _poll(client, submit()).json()["error"]["code"] == 422
    server.plan_jobs(JobPlan(outcome="NEVER", retry_after=0.25))
    pending = client.get(submit(), headers=AUTH)
    assert pending.json()["status"] == "IN_PROGRESS" and pending.headers["retry-after"] == "0.25"
    assert server.job_timeline(pending.json()["request_id"])[1] is None
    server.plan_jobs(JobPlan(duration=lambda i: i * 0.0, status_url_host="evil.example"))
    assert submit().startswith("http://evil.example/v2/status/")


def test_concurrent_clients(server: FakeBria) -> None:
    server.plan_jobs(JobPlan(duration=0.05))
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with httpx.Client(base_url=server.base_url, timeout=10) as c:
                for _ in range(3):
                    r = c.post("/v2/image/edit/expand", json={"image": "x", "aspect_ratio": "1:1"}, headers=AUTH)
                    assert _poll(c, r.json()["status_url"]).json()["status"] == "COMPLETED"
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert server.count("POST", "/v2/image/edit/expand") == 60


def test_sync_jobs_answer_when_done_and_their_failures_are_errors(server: FakeBria, client: httpx.Client) -> None:
    server.plan_jobs(JobPlan(outcome="ERROR", error={"code": 460, "message": "Download failed", "details": "x"}))
    failed = client.post("/v2/image/edit/erase", json={"image": "b64", "mask": "m", "sync": True}, headers=AUTH)
    assert failed.status_code == 460 and failed.json()["error"] == {
        "code": 460,
        "message": "Download failed",
        "details": "x",
    }
    server.plan_jobs(JobPlan(outcome="MYSTERY"))
    odd = client.post("/v2/image/edit/erase", json={"image": "b64", "mask": "m", "sync": True}, headers=AUTH)
    assert odd.json()["status"] == "MYSTERY"


def test_a_sync_job_that_never_finishes_is_dropped_at_stop() -> None:
    fake = FakeBria(token=TOKEN).start()
    fake.plan_jobs(JobPlan(outcome="NEVER"))
    outcome: list[BaseException] = []

    def submit() -> None:
        try:
            httpx.post(
                f"{fake.base_url}/v2/image/edit/erase", json={"image": "b", "mask": "m", "sync": True}, headers=AUTH
            )
        except httpx.HTTPError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=submit)
    worker.start()
    while not fake.jobs:
        time.sleep(0.01)
    fake.stop()
    worker.join(5)
    assert outcome and isinstance(outcome[0], httpx.RemoteProtocolError)


def test_addresses_and_lifecycle() -> None:
    fake = FakeBria(token=TOKEN)
    with pytest.raises(RuntimeError, match="not started"):
        _ = fake.base_url
    assert fake.start() is fake.start()  # starting twice is one server
    assert (fake.v1_url, fake.v2_url, fake.status_url) == (
        fake.base_url + "/v1",
        fake.base_url + "/v2/image/edit",
        fake.base_url + "/v2/status",
    )
    assert fake.result_url("a.png") == fake.base_url + "/results/a.png"
    fake.stop()
    fake.stop()  # stopping twice is harmless


def test_a_missing_body_and_other_plumbing(server: FakeBria, client: httpx.Client) -> None:
    empty = client.post("/v2/video/edit/green_screen", headers=AUTH)
    assert empty.status_code == 400 and "body is required" in empty.json()["error"]["details"]
    assert client.post(f"/results/{'x'}.png").status_code == 405
    assert client.get("/results/x.png", params={"size": "big"}).status_code == 400
    form = client.post("/v1/crop", data={"image_url": "https://x/a.png"}, headers=AUTH)  # urlencoded v1 body
    assert form.status_code == 200 and "result_url" in form.json()
    server.clear()
    assert server.requests == []
    with pytest.raises(AttributeError):
        _ = bria.testing.NoSuchThing  # type: ignore[attr-defined]


def test_webhook_delivery_failures_are_recorded(server: FakeBria) -> None:
    with FakeBria(token=TOKEN) as refused_port:
        closed = refused_port.base_url + "/hook"  # nothing listens there once this block ends
    targets = [closed, server.base_url + "/v2/nowhere"]  # the second answers 401 (no token)
    with httpx.Client(base_url=server.base_url, headers=AUTH) as client:
        for target in targets:
            client.post("/v2/video/edit/green_screen", json={"video": "v", "webhook_url": target})
    deliveries = server.wait_for_webhooks(2)
    by_url = {d.url: d for d in deliveries}
    assert by_url[closed].status is None and by_url[closed].error
    assert by_url[targets[1]].status == 401
    with pytest.raises(TimeoutError):
        server.wait_for_webhooks(3, timeout=0.1)


def test_python_m_bria_testing_serves_in_the_foreground(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bria.testing import __main__ as cli

    served: list[FakeBria] = []

    def serve_forever(self: FakeBria) -> None:
        served.append(self)
        self.stop()

    monkeypatch.setattr(FakeBria, "serve_forever", serve_forever)
    cli.main(
        ["--port", "0", "--token", "t", "--outcome", "ERROR", "--no-validate", "--webhook-url", "http://127.0.0.1:9/h"]
    )
    assert "Bria test server on http://127.0.0.1:" in capsys.readouterr().out
    assert (served[0].token, served[0].validate, served[0].webhook_url) == ("t", False, "http://127.0.0.1:9/h")
