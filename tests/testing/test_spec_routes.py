"""FakeBria is driven by the effective specs: it serves exactly their operations, answers each as documented,
validates requests against them, runs the job lifecycle for every document's job operations, and delivers
webhooks that bria.webhooks accepts. The expectations are derived independently of bria.testing: operations
from generated/openapi/*.yaml with the pipeline's own server rule, answers checked with openapi-schema-validator.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import yaml
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

import bria
import bria.webhooks
from bria._exceptions import make_status_error
from bria.testing import FakeBria, Fault, JobPlan, png_bytes
from bria.testing._spec import load_routes, minimal_instance
from bria_pipeline.describe import server_path
from bria_pipeline.documents import HTTP_METHODS
from tests.conftest import REPO_ROOT

TOKEN = "spec-token"
AUTH = {"api_token": TOKEN}
EFFECTIVE = sorted((REPO_ROOT / "generated/openapi").glob("*.yaml"))
ROUTES = load_routes()


def _documented_operations() -> set[tuple[str, str, str, str]]:
    found = set()
    for path in EFFECTIVE:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.stem == "segmind":  # another host and key (x-api-key): not Bria's API
            continue
        for template, item in doc["paths"].items():
            for method in HTTP_METHODS:
                if method in item:
                    route = server_path(doc, item, item[method]) + template
                    found.add((path.stem, item[method]["operationId"], method.upper(), route))
    return found


@pytest.fixture
def fake() -> Iterator[FakeBria]:
    with FakeBria(token=TOKEN) as running:
        yield running


@pytest.fixture
def http(fake: FakeBria) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fake.base_url, headers=AUTH, timeout=10) as client:
        yield client


@pytest.fixture
def sdk(fake: FakeBria) -> Iterator[bria.Bria]:
    with bria.Bria(TOKEN, base_url=fake.base_url, timeout=10, poll_history=False) as client:
        yield client


# ---- the specs in the package --------------------------------------------------------------------


@pytest.mark.parametrize("path", EFFECTIVE, ids=[p.stem for p in EFFECTIVE])
def test_each_effective_spec_ships_as_sorted_json_package_data(path: Path) -> None:
    shipped = REPO_ROOT / "generated/python/bria/_specs" / f"{path.stem}.json"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    text = shipped.read_text(encoding="utf-8")
    assert json.loads(text) == document
    assert text == json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def test_every_operation_of_every_document_is_served_and_nothing_else(fake: FakeBria) -> None:
    served = set(fake.operations)
    # Bria's ten documents (104), v1 image editing (13) and the legacy platform routes (12); not Segmind's.
    assert len(fake.operations) == len(served) == 129
    assert served == _documented_operations()


# ---- every operation answers as documented -------------------------------------------------------


def _request(op: Any) -> dict[str, Any]:
    """A request the spec allows: path parameters filled, the body's minimal valid form (an image file on
    multipart-only v1 routes), the required query parameters."""
    path = op.route
    declared = {p.get("name"): p.get("schema") or {} for p in op.spec.get("parameters", []) if p.get("in") == "path"}
    for name in op.path_parameters:
        enum = declared.get(name, {}).get("enum")
        path = path.replace("{" + name + "}", str(enum[0]) if enum else "7")
    kwargs: dict[str, Any] = {}
    schema = op.json_schema()
    if schema is not None:
        kwargs["json"] = minimal_instance(op.doc, schema)
    elif "multipart/form-data" in (op.spec.get("requestBody") or {}).get("content", {}):
        kwargs["files"] = {"file": ("a.png", png_bytes("upload"), "image/png")}
    query = {
        p["name"]: str(minimal_instance(op.doc, p.get("schema") or {}))
        for p in op.spec.get("parameters", [])
        if p.get("in") == "query" and p.get("required")
    }
    return {"method": op.method, "url": path, "params": query, **kwargs}


def _response_validator(op: Any, status: int) -> Any:
    """OpenAPI 3.0's own validator for the documented answer, $refs resolved in the whole document."""
    resource = Resource.from_contents(op.doc, default_specification=DRAFT4)
    registry: Registry[Any] = Registry().with_resource("urn:doc", resource)
    pointer = f"/paths/{_pointer(op.template)}/{op.method.lower()}/responses/{status}/content/application~1json/schema"
    return OAS30Validator({"$ref": "urn:doc#" + pointer}, registry=registry)


def _pointer(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1").replace("{", "%7B").replace("}", "%7D")


def _urls(value: Any) -> Iterator[str]:
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _urls(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _urls(v)


@pytest.mark.parametrize("op", [op for op in ROUTES if op.kind != "status"], ids=lambda op: op.route)
def test_every_operation_answers_its_documented_success(op: Any, fake: FakeBria, http: httpx.Client) -> None:
    answer = http.request(**_request(op))
    documented = sorted(int(c) for c in op.spec["responses"] if c.isdigit() and c.startswith("2"))
    if op.kind == "job":
        assert answer.status_code == 202, answer.text
        body = answer.json()
        assert body["status_url"] == f"{fake.base_url}/v2/status/{body['request_id']}"
        assert fake.job(body["request_id"]).document == op.document
        return
    assert answer.status_code in documented, answer.text
    content = op.spec["responses"][str(answer.status_code)].get("content") or {}
    if "application/json" not in content:
        assert answer.content == b""  # 204
        return
    body = answer.json()
    errors = [e.message for e in _response_validator(op, answer.status_code).iter_errors(body)]
    assert errors == [], body
    assert all(url.startswith(fake.base_url + "/results/") for url in _urls(body)), body


# ---- requests are validated ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v2/image/generate", {"prompt": 5}, "prompt"),  # wrong type
        ("/v2/image/generate", {"prompt": "a cat", "aspect_ratio": "7:1"}, "aspect_ratio"),  # not in the enum
        ("/v2/image/generate", {"aspect_ratio": "1:1"}, "prompt"),  # none of the either/or inputs
        ("/v2/video/edit/remove_background", {}, "video"),  # a required property
        ("/v2/video/edit/remove_background", {"video": "https://x/v.mp4", "colour": "red"}, "colour"),  # unknown
        ("/v2/video/segment/mask_by_key_points", {"video": "v", "key_points": [{"x": "left"}]}, "key_points.0.x"),
    ],
)
def test_a_body_that_breaks_the_spec_is_a_400_naming_the_field(
    fake: FakeBria, http: httpx.Client, path: str, body: dict[str, Any], field: str
) -> None:
    answer = http.post(path, json=body)
    assert answer.status_code == 400
    payload = answer.json()
    assert set(payload) == {"error", "request_id"} and payload["error"]["code"] == 400
    assert field in payload["error"]["details"]
    error = make_status_error(answer)  # what the SDK makes of it
    assert isinstance(error, bria.BadRequestError) and field in str(error)
    assert fake.jobs == []  # nothing was started


def test_parameters_and_non_json_bodies_are_validated_too(http: httpx.Client) -> None:
    query = http.get("/v1/search", params={"query": "shoes", "num_results_per_page": "1000"})
    assert query.status_code == 400 and "num_results_per_page" in query.json()["error"]["details"]
    path = http.get("/v1/tailored-gen/models/not-a-number")
    assert path.status_code == 400 and "model_id" in path.json()["error"]["details"]
    garbled = http.post("/v2/image/generate", content=b"{nope", headers={"content-type": "application/json"})
    assert garbled.status_code == 400 and "not valid JSON" in garbled.json()["error"]["details"]


def test_unknown_routes_are_404_and_wrong_methods_405(http: httpx.Client) -> None:
    assert http.post("/v2/image/generate/nothing", json={}).status_code == 404
    assert http.post("/v2/image/generate/nothing", json={}).json()["error"]["code"] == 404
    v1 = http.post("/v1/nothing", json={})
    assert v1.status_code == 404 and v1.headers["content-type"].startswith("text/plain")
    assert http.get("/v2/image/generate").status_code == 405
    assert http.get("/elsewhere").status_code == 404


def test_validation_can_be_turned_off() -> None:
    with FakeBria(token=TOKEN, validate=False) as lax, httpx.Client(base_url=lax.base_url, headers=AUTH) as http:
        assert http.post("/v2/video/edit/remove_background", json={"colour": 5}).status_code == 202


# ---- jobs of any document --------------------------------------------------------------------------


def test_an_image_generation_job_goes_through_its_lifecycle(fake: FakeBria, sdk: bria.Bria) -> None:
    fake.plan_jobs(JobPlan(duration=0.3))
    job = sdk.image_generation.image_generate(prompt="a red shoe", wait=False)
    info = fake.job(job.request_id)
    assert (info.document, info.route, info.state(time.monotonic())) == (
        "image_generation",
        "/v2/image/generate",
        "IN_PROGRESS",
    )

    result = sdk.wait(job, max_wait=10)

    assert info.polls >= 2  # at least one IN_PROGRESS answer, then the finished one
    assert result.image_url == f"{fake.base_url}/results/{job.request_id}.png"
    assert result.raw["result"]["structured_prompt"]  # documented in the operation's finished answer
    assert result.read() == png_bytes(f"{job.request_id}.png")
    assert fake.count("GET", "/v2/status/") == info.polls


def test_a_video_editing_job_finishes_with_a_video_url(fake: FakeBria, sdk: bria.Bria) -> None:
    fake.plan_jobs(JobPlan(duration=0.1))
    result = sdk.video_editing.remove_background(video="https://example.com/clip.mp4")
    assert result.raw["status"] == "COMPLETED"
    assert result.raw["result"]["video_url"] == f"{fake.base_url}/results/{result.request_id}.mp4"
    (info,) = fake.jobs
    assert (info.document, info.route) == ("video_editing", "/v2/video/edit/remove_background")


def test_a_planned_failure_is_a_job_failed_error_with_its_details(fake: FakeBria, sdk: bria.Bria) -> None:
    fake.plan_jobs(JobPlan(outcome="ERROR", error={"code": 451, "message": "Blocked", "details": "not allowed"}))
    with pytest.raises(bria.JobFailedError) as failed:
        sdk.video_editing.green_screen(video="https://example.com/clip.mp4", max_wait=10)
    assert (failed.value.code, failed.value.message, failed.value.details) == (451, "Blocked", "not allowed")


def test_a_429_with_retry_after_is_waited_out_by_the_sdk(fake: FakeBria, sdk: bria.Bria) -> None:
    route = "/v2/image/generate"
    fake.inject("POST", route, Fault(status=429, headers={"Retry-After": "0.4"}, body=b'{"error": "slow down"}'))
    result = sdk.image_generation.image_generate(prompt="a red shoe")
    first, second = [r for r in fake.requests if r.path == route]
    assert first.fault == "status:429" and second.fault is None
    assert second.time - first.time >= 0.4
    assert result.image_url is not None


def test_without_retries_the_429_reaches_the_caller_with_its_retry_after(fake: FakeBria) -> None:
    fake.inject("POST", "/v2/image/generate", Fault(status=429, headers={"Retry-After": "7"}))
    with (
        bria.Bria(TOKEN, base_url=fake.base_url, max_retries=0, poll_history=False) as sdk,
        pytest.raises(bria.RateLimitError) as limited,
    ):
        sdk.image_generation.image_generate(prompt="a red shoe")
    assert limited.value.retry_after == 7


# ---- plain operations through the SDK --------------------------------------------------------------


def test_plain_operations_parse_in_the_sdk_and_their_urls_are_local(
    fake: FakeBria, sdk: bria.Bria, tmp_path: Path
) -> None:
    projects = sdk.tailored_generation.get_projects()
    assert isinstance(projects, list)
    download = sdk.tailored_generation.download_tailored_model(model_id=3)
    urls = list(_urls(download.to_dict()))
    assert urls and all(url.startswith(fake.base_url + "/results/") for url in urls)
    saved = sdk.download(urls[0], tmp_path / "model.bin")
    assert saved.stat().st_size > 0
    assert sdk.tailored_generation.delete_project(project_id=3) is None  # documented 204
    assert fake.result_token_leaks == 0


# ---- webhooks --------------------------------------------------------------------------------------


class _Receiver:
    """A webhook endpoint on 127.0.0.1 that keeps what it was sent."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers.items()), body))
                self.send_response(204)
                self.end_headers()
                receiver.arrived.set()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/bria"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    running = _Receiver()
    yield running
    running.close()


def test_a_requests_webhook_url_gets_the_final_status_signed_as_bria_signs(
    fake: FakeBria, sdk: bria.Bria, receiver: _Receiver
) -> None:
    fake.plan_jobs(JobPlan(duration=0.1))
    job = sdk.image_editing.background_remove(image="https://example.com/a.png", webhook_url=receiver.url, wait=False)

    (delivery,) = fake.wait_for_webhooks(1)
    assert receiver.arrived.wait(5)
    ((headers, body),) = receiver.received
    assert delivery.status == 204 and delivery.url == receiver.url and body == delivery.body
    assert bria.webhooks.verify_request(headers, body, api_token=TOKEN)
    assert not bria.webhooks.verify_request(headers, body, api_token="another-token")
    assert not bria.webhooks.verify_request(headers, body + b" ", api_token=TOKEN)
    assert headers["Bria-Webhook-Id"] == job.request_id
    assert json.loads(body) == {
        "request_id": job.request_id,
        "status": "COMPLETED",
        "result": {"image_url": f"{fake.base_url}/results/{job.request_id}.png", "seed": 123},
    }
    assert fake.requests[0].json()["webhook_url"] == receiver.url


def test_a_fake_wide_webhook_url_gets_every_job_even_failed_ones(receiver: _Receiver) -> None:
    with FakeBria(token=TOKEN, webhook_url=receiver.url) as fake:
        fake.plan_jobs(JobPlan(outcome="ERROR"))
        with bria.Bria(TOKEN, base_url=fake.base_url, poll_history=False) as sdk:
            job = sdk.tailored_generation.image_generate_tailored(tailored_model_id="m1", prompt="x", wait=False)
        (delivery,) = fake.wait_for_webhooks(1)
    assert delivery.status == 204 and delivery.request_id == job.request_id
    assert delivery.json()["status"] == "ERROR" and delivery.json()["error"]["code"] == 422
    headers, body = receiver.received[0]
    assert bria.webhooks.verify_request(headers, body, api_token=TOKEN)


def test_webhooks_never_leave_the_machine(fake: FakeBria, http: httpx.Client) -> None:
    submit = http.post(
        "/v2/video/edit/green_screen", json={"video": "https://x/v.mp4", "webhook_url": "https://hooks.example.com/b"}
    )
    assert submit.status_code == 202
    (delivery,) = fake.wait_for_webhooks(1)
    assert delivery.status is None and delivery.error is not None and "loopback" in delivery.error
    assert urlsplit(delivery.url).hostname == "hooks.example.com"


def test_a_job_still_running_at_stop_sends_no_webhook(receiver: _Receiver) -> None:
    with FakeBria(token=TOKEN, webhook_url=receiver.url) as fake:
        fake.plan_jobs(JobPlan(duration=30))
        with httpx.Client(base_url=fake.base_url, headers=AUTH) as http:
            assert http.post("/v2/video/edit/green_screen", json={"video": "v"}).status_code == 202
    assert fake.webhook_deliveries == [] and receiver.received == []
