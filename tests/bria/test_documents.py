"""The shapes the published documents bring, through the real client over an `httpx.MockTransport`: every
operation is a method, servers per operation, GET/PUT/DELETE with path and query parameters, 201/204 answers,
multipart uploads, jobs outside image editing, the new error classes, deprecation and token-free downloads."""

from __future__ import annotations

import importlib
import json
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from openapi_python_client.strings import snake_case

import bria
from bria.testing import png_bytes
from bria_pipeline.documents import HTTP_METHODS
from bria_pipeline.facade import camel_case
from bria_pipeline.layout import load_documents
from tests.conftest import REPO_ROOT

TOKEN = "sentinel-token-0d3c"
BASE = "https://engine.test"
DOCUMENTS = load_documents(REPO_ROOT)
Handler = Callable[[httpx.Request], httpx.Response]


def _operation_ids(name: str) -> list[str]:
    effective = yaml.safe_load((REPO_ROOT / "generated/openapi" / f"{name}.yaml").read_text(encoding="utf-8"))
    return [
        op["operationId"]
        for item in effective["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS and isinstance(op, dict)
    ]


def test_every_operation_of_every_document_is_a_method() -> None:
    counts = {}
    for document in DOCUMENTS:
        facade = getattr(importlib.import_module(document.facade_module), camel_case(document.name))
        ids = _operation_ids(document.name)
        # The naming rule: the operationId in openapi-python-client's own snake case.
        missing = {i for i in ids if not callable(getattr(facade, snake_case(i), None))}
        assert not missing, f"{document.name}: no method for {sorted(missing)}"
        counts[document.name] = len(ids)
    assert sum(n for name, n in counts.items() if name not in ("image_editing_v1", "segmind", "legacy_platform")) == 104
    assert counts["image_editing_v1"] == 13
    assert counts["segmind"] == 2
    assert counts["legacy_platform"] == 12


class Recorder:
    """A MockTransport handler that answers from a table and keeps every request."""

    def __init__(self, answer: Handler) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.answer(request)


@pytest.fixture
def mock() -> Iterator[Callable[[Handler], tuple[bria.Bria, Recorder]]]:
    opened: list[bria.Bria] = []

    def make(answer: Handler) -> tuple[bria.Bria, Recorder]:
        recorder = Recorder(answer)
        client = bria.Bria(TOKEN, base_url=BASE, http_client=httpx.Client(transport=httpx.MockTransport(recorder)))
        opened.append(client)
        return client, recorder

    yield make
    for client in opened:
        client.close()


PROJECT = {
    "id": 7,
    "project_name": "mascot",
    "ip_medium": "illustration",
    "ip_type": "defined_character",
    "status": "active",
    "created_at": "2024-05-26T12:00:00Z",
    "updated_at": "2024-05-26T12:00:00Z",
}


def test_201_is_a_typed_model_and_204_is_none_on_the_operation_server(mock) -> None:  # type: ignore[no-untyped-def]
    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(201, json=PROJECT)
        return httpx.Response(204)

    client, seen = mock(answer)
    created = client.tailored_generation.create_project(
        project_name="mascot", ip_medium="illustration", ip_type="defined_character"
    )
    assert created.id == 7 and type(created).__name__ == "CreateProjectResponse201"
    assert client.tailored_generation.delete_project(project_id=7) is None
    assert [(r.method, r.url.path) for r in seen.requests] == [
        ("POST", "/v1/tailored-gen/projects"),
        ("DELETE", "/v1/tailored-gen/projects/7"),
    ]
    assert json.loads(seen.requests[0].content) == {
        "project_name": "mascot",
        "ip_medium": "illustration",
        "ip_type": "defined_character",
    }
    assert all(r.headers["api_token"] == TOKEN for r in seen.requests)


def test_path_and_query_parameters_and_servers_that_differ_inside_one_document(mock) -> None:  # type: ignore[no-untyped-def]
    client, seen = mock(lambda request: httpx.Response(500))
    with pytest.raises(bria.InternalServerError):
        client.tailored_generation.get_dataset_by_id(dataset_id=12, max_images=3)
    with pytest.raises(bria.InternalServerError):
        client.video_editing.mask_by_prompt(video="https://example.com/v.mp4", prompt="the dog")
    with pytest.raises(bria.InternalServerError):
        client.video_editing.remove_background(video="https://example.com/v.mp4")
    sent = [(r.method, str(r.url)) for r in seen.requests]
    # A GET is retried on 500 (idempotent: 1 + max_retries=2); a POST is sent once.
    assert sent == [
        *[("GET", f"{BASE}/v1/tailored-gen/datasets/12?max_images=3")] * 3,
        ("POST", f"{BASE}/v2/video/segment/mask_by_prompt"),
        ("POST", f"{BASE}/v2/video/edit/remove_background"),
    ]


@pytest.mark.parametrize(
    ("status", "cls"),
    [(409, bria.ConflictError), (412, bria.PreconditionFailedError), (405, bria.MethodNotAllowedError)],
)
def test_new_documented_statuses_have_their_classes(mock, status: int, cls: type) -> None:  # type: ignore[no-untyped-def]
    client, _ = mock(lambda request: httpx.Response(status, text="dataset is in use"))
    with pytest.raises(cls) as raised:
        client.tailored_generation.delete_dataset(dataset_id=3)
    assert raised.value.status_code == status and "dataset is in use" in str(raised.value)


def test_every_documented_error_status_has_a_class() -> None:
    from bria._exceptions import _STATUS_CLASSES

    documented = set()
    for document in DOCUMENTS:
        effective = yaml.safe_load((REPO_ROOT / "generated/openapi" / f"{document.name}.yaml").read_text())
        for item in effective["paths"].values():
            for method, op in item.items():
                if method in HTTP_METHODS and isinstance(op, dict):
                    documented |= {int(c) for c in op.get("responses", {}) if c.isdigit() and 400 <= int(c) < 500}
    assert documented <= set(_STATUS_CLASSES), sorted(documented - set(_STATUS_CLASSES))


def test_multipart_upload_sends_the_file_part(mock) -> None:  # type: ignore[no-untyped-def]
    image = png_bytes("dataset-image")
    answer = {"id": 1, "dataset_id": 3, "caption": "a cat", "caption_source": "automatic", "image_name": "x.png"}
    client, seen = mock(lambda request: httpx.Response(201, json=answer))
    uploaded = client.tailored_generation.upload_image(dataset_id=3, image=image, image_name="x.png")
    assert uploaded.id == 1
    request = seen.requests[0]
    assert request.url.path == "/v1/tailored-gen/datasets/3/images"
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert image in request.content and b'name="image_name"' in request.content


def test_a_video_job_is_waited_for_through_the_status_service(mock) -> None:  # type: ignore[no-untyped-def]
    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(202, json={"request_id": "r1", "status_url": f"{BASE}/v2/status/r1"})
        return httpx.Response(
            200, json={"request_id": "r1", "status": "COMPLETED", "result": {"video_url": "https://cdn.test/v.mp4"}}
        )

    client, seen = mock(answer)
    result = client.video_editing.remove_background(video="https://example.com/v.mp4")
    assert result.raw["result"]["video_url"] == "https://cdn.test/v.mp4"
    assert result.image_url == "https://cdn.test/v.mp4"
    assert [r.url.path for r in seen.requests] == ["/v2/video/edit/remove_background", "/v2/status/r1"]


def test_v1_calls_with_a_sync_flag_ask_for_finished_results(mock) -> None:  # type: ignore[no-untyped-def]
    client, seen = mock(lambda request: httpx.Response(200, json={"result": [["https://cdn.test/a.png", 1, "s"]]}))
    client.product_shot_editing.product_lifestyle_shot_by_text(image="https://example.com/a.png", scene_description="x")
    client.product_shot_editing.product_lifestyle_shot_by_text(
        image="https://example.com/a.png", scene_description="x", sync=False
    )
    sent = [json.loads(r.content)["sync"] for r in seen.requests]
    assert sent == [True, False], "the default waits for results; the caller's choice is kept"


def test_deprecated_documents_warn_and_name_the_replacement(mock) -> None:  # type: ignore[no-untyped-def]
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/search":
            return httpx.Response(200, text="<html>maintenance</html>", headers={"content-type": "text/html"})
        return httpx.Response(200, json={"result_url": "https://cdn.test/a.png"})

    client, _ = mock(answer)
    with pytest.warns(DeprecationWarning, match=r"Use client\.image_editing\.background_remove\(") as caught:
        client.image_editing_v1.remove_background(image="https://example.com/a.png")
    assert caught[0].filename == __file__, "the warning points at the caller's line"
    assert "Deprecated:" in (type(client.image_editing_v1).remove_background.__doc__ or "")
    # The answer is an HTML page: the call warns first, then fails typed.
    with (
        pytest.warns(DeprecationWarning, match="ai_search.search is deprecated"),
        pytest.raises(bria.APIResponseValidationError),
    ):
        client.ai_search.search(gallery_id="g")


def test_current_documents_do_not_warn(mock) -> None:  # type: ignore[no-untyped-def]
    client, _ = mock(lambda request: httpx.Response(204))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert client.tailored_generation.delete_project(project_id=1) is None


def test_download_saves_a_presigned_url_without_the_token(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"model-bytes")

    with bria.Bria(TOKEN, base_url=BASE, http_client=httpx.Client(transport=httpx.MockTransport(answer))) as client:
        saved = client.download("https://bucket.s3.test/model.safetensors?X-Amz-Signature=abc", tmp_path / "m.bin")
    assert saved.read_bytes() == b"model-bytes"
    assert "api_token" not in seen[0].headers


_ONE_DOCUMENT = """
import sys, httpx, bria
loaded = lambda: sorted({m.split(".")[2] for m in sys.modules if m.startswith("bria._generated.")})
assert loaded() == [], loaded()
transport = httpx.MockTransport(lambda request: httpx.Response(204))
with bria.Bria("t", base_url="https://engine.test", http_client=httpx.Client(transport=transport)) as client:
    client.tailored_generation.delete_project(project_id=1)
print(",".join(loaded()))
"""


def test_a_first_call_loads_only_its_own_document() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _ONE_DOCUMENT], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "tailored_generation"


@pytest.mark.parametrize(
    ("call", "argument", "reason"),
    [
        (lambda c: c.tailored_generation.delete_project(project_id=None), "project_id", "is required"),
        (lambda c: c.tailored_generation.get_dataset_by_id(dataset_id=" "), "dataset_id", "part of the URL path"),
        (lambda c: c.image_editing.background_remove(image=None), "image", "is required"),
        (
            lambda c: c.video_editing.mask_by_prompt(video="https://example.com/v.mp4", prompt=None),
            "prompt",
            "required",
        ),
    ],
    ids=["path-none", "path-blank", "image-none", "body-none"],
)
def test_missing_required_arguments_are_refused_before_the_network(mock, call, argument: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    client, seen = mock(lambda request: httpx.Response(204))
    with pytest.raises(bria.ParameterError) as raised:
        call(client)
    assert raised.value.parameter == argument and reason in str(raised.value)
    assert seen.requests == []
