"""What overlays/v2/ and overlays/status/ change in the generated clients, one group per test.

Each test exercises generated code (or, where codegen cannot show it, the effective spec) so that an
overlay action that stops working shows up as a failing behaviour, not only as a changed YAML node.
HTTP goes through `httpx.MockTransport` injected with `httpx_args`; nothing leaves the process.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from types import ModuleType
from typing import Any

import attrs
import httpx
import pytest
from bria_status_client import AuthenticatedClient as StatusClient
from bria_status_client.api.status import get_status
from bria_status_client.models import ErrorDetail, JobResult, NotFoundResponse, StatusResponse
from bria_v2_client import AuthenticatedClient
from bria_v2_client import models as v2_models
from bria_v2_client.api.background import remove_background, replace_background
from bria_v2_client.api.transform import increase_resolution
from bria_v2_client.models import (
    AsyncJob,
    ErrorResponse,
    IncreaseResolutionBody,
    RemoveBackgroundBody,
    ReplaceBackgroundBody,
    SyncResult,
)

from bria_pipeline.documents import load_document

from ._repo import REPO_ROOT

V2_BASE = "https://engine.test/v2/image/edit"
STATUS_BASE = "https://engine.test/v2"
IMAGE = "https://example.com/images/sneaker.png"

# tag package -> operation modules (30-metadata.yaml: v1's grouping, operationIds after the v2 paths)
V2_OPERATIONS = {
    "background": {"remove_background", "replace_background", "blur_background", "crop_foreground"},
    "erase_and_fill": {"erase", "gen_fill", "erase_foreground"},
    "transform": {"expand", "enhance", "increase_resolution"},
}
V1_ROUTES = {"/{visual_id}/image_to_psd", "/objects/mask_generator", "/{visual_id}/person/info", "/{visual_id}/create"}
V1_OPERATION_IDS = {"image_to_psd", "generate_masks", "get_person_info", "modify_presenter", "create", "person_info"}


def _endpoint_modules(package: str) -> dict[str, ModuleType]:
    api = importlib.import_module(f"{package}.api")
    names = [m.name for m in pkgutil.walk_packages(api.__path__, prefix=f"{package}.api.")]
    modules = {name: importlib.import_module(name) for name in names}
    return {name: module for name, module in modules.items() if hasattr(module, "sync_detailed")}


def _spec(name: str) -> dict[str, Any]:
    spec = load_document(REPO_ROOT / "generated" / "openapi" / f"{name}.yaml")
    assert isinstance(spec, dict)
    return spec


def _transport(status: int, payload: Any, seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=payload)

    return httpx.MockTransport(handler)


def _v2_client(transport: httpx.MockTransport) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url=V2_BASE, token="t", auth_header_name="api_token", prefix="", httpx_args={"transport": transport}
    )


def _status_client(transport: httpx.MockTransport) -> StatusClient:
    return StatusClient(
        base_url=STATUS_BASE, token="t", auth_header_name="api_token", prefix="", httpx_args={"transport": transport}
    )


# --- 10-scope-and-servers.yaml ------------------------------------------------------------------------


def test_v2_client_holds_only_the_ten_v2_operations_grouped_by_tag() -> None:
    modules = _endpoint_modules("bria_v2_client")
    expected = {f"bria_v2_client.api.{tag}.{op}" for tag, ops in V2_OPERATIONS.items() for op in ops}
    assert set(modules) == expected
    assert not {name.rsplit(".", 1)[1] for name in modules} & V1_OPERATION_IDS


def test_v1_routes_and_the_v1_server_left_the_v2_spec() -> None:
    spec = _spec("v2")
    assert not set(spec["paths"]) & V1_ROUTES
    assert len(spec["paths"]) == 10
    assert spec["servers"] == [{"url": "https://engine.prod.bria-api.com/v2/image/edit"}]


# --- 20-auth.yaml (v2 and status) ---------------------------------------------------------------------

ALL_OPERATIONS = [*_endpoint_modules("bria_v2_client").values(), get_status]


@pytest.mark.parametrize("module", ALL_OPERATIONS, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_operations_take_an_authenticated_client_and_no_api_token(module: ModuleType) -> None:
    for function in (module.sync_detailed, module.sync, module.asyncio_detailed, module.asyncio):
        parameters = inspect.signature(function).parameters
        assert "api_token" not in parameters
        assert parameters["client"].annotation.__name__ == "AuthenticatedClient"


def test_every_operation_requires_the_api_key_scheme_and_documents_401() -> None:
    for name in ("v2", "status"):
        spec = _spec(name)
        scheme = spec["components"]["securitySchemes"]["BriaApiToken"]
        assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "api_token")
        for operation in (op for item in spec["paths"].values() for op in item.values()):
            assert operation["security"] == [{"BriaApiToken": []}]
            assert "401" in operation["responses"]
            assert not [p for p in operation.get("parameters", []) if p["name"] == "api_token"]


# --- 40-requests.yaml + 50-responses.yaml through remove_background ----------------------------------


def test_remove_background_posts_only_the_fields_set_and_parses_the_202() -> None:
    seen: list[httpx.Request] = []
    accepted = {"request_id": "r-1", "status_url": "https://engine.prod.bria-api.com/v2/status/r-1"}
    client = _v2_client(_transport(202, accepted, seen))

    response = remove_background.sync_detailed(client=client, body=RemoveBackgroundBody(image=IMAGE))

    (request,) = seen
    assert request.method == "POST"
    assert request.url == "https://engine.test/v2/image/edit/remove_background"
    assert request.headers["api_token"] == "t"
    assert "authorization" not in request.headers
    assert json.loads(request.content) == {"image": IMAGE}  # no sync, no defaults
    assert response.status_code == 202
    assert isinstance(response.parsed, AsyncJob)
    assert (response.parsed.request_id, response.parsed.status_url) == ("r-1", accepted["status_url"])


def test_remove_background_sync_answer_parses_into_sync_result() -> None:
    seen: list[httpx.Request] = []
    answer = {"request_id": "r-2", "result": {"image_url": "https://example.com/out.png", "seed": 7, "extra": 1}}
    client = _v2_client(_transport(200, answer, seen))
    body = RemoveBackgroundBody(image=IMAGE, sync=True, webhook_url="https://example.com/hook")

    parsed = remove_background.sync(client=client, body=body)

    assert json.loads(seen[0].content) == {"image": IMAGE, "sync": True, "webhook_url": "https://example.com/hook"}
    assert isinstance(parsed, SyncResult)
    assert parsed.request_id == "r-2"
    assert (parsed.result.image_url, parsed.result.seed) == ("https://example.com/out.png", 7)
    assert parsed.result.additional_properties == {"extra": 1}


def test_remove_background_error_body_parses_into_error_response() -> None:
    error = {"error": {"code": 422, "message": "Moderation", "details": "image failed"}, "request_id": "r-3"}
    client = _v2_client(_transport(422, error, []))

    parsed = remove_background.sync(client=client, body=RemoveBackgroundBody(image=IMAGE))

    assert isinstance(parsed, ErrorResponse)
    assert (parsed.error.code, parsed.error.details, parsed.request_id) == (422, "image failed", "r-3")


def _body_classes() -> list[type[Any]]:
    return [getattr(v2_models, name) for name in v2_models.__all__ if name.endswith("Body")]


@pytest.mark.parametrize("body_class", _body_classes(), ids=lambda c: c.__name__)
def test_bodies_send_only_required_fields_and_accept_a_webhook_url(body_class: type[Any]) -> None:
    fields = [f for f in attrs.fields(body_class) if f.init]
    required = {f.name for f in fields if f.default is attrs.NOTHING}
    assert required >= {"image"}
    assert "webhook_url" in {f.name for f in fields}

    body = body_class(**dict.fromkeys(required, "x"))

    assert body.to_dict() == dict.fromkeys(required, "x")


def test_no_request_body_default_survives_and_the_server_defaults_are_documented() -> None:
    spec = _spec("v2")
    for path, item in spec["paths"].items():
        properties = item["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]
        assert not [name for name, prop in properties.items() if "default" in prop], path
        assert "Server default: false" in properties["sync"]["description"], path
        assert properties["image"]["minLength"] == 1
    erase = spec["paths"]["/erase"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert "Server default: manual" in erase["mask_type"]["description"]
    assert erase["mask"]["minLength"] == 1


def test_increase_resolution_takes_desired_increase_in_the_body_only() -> None:
    for function in (increase_resolution.sync_detailed, increase_resolution._get_kwargs):
        assert "desired_increase" not in inspect.signature(function).parameters
    assert "desired_increase" in {f.name for f in attrs.fields(IncreaseResolutionBody)}
    body = IncreaseResolutionBody.from_dict({"image": IMAGE, "desired_increase": 4})
    kwargs = increase_resolution._get_kwargs(body=body)
    assert "params" not in kwargs
    assert kwargs["json"] == {"image": IMAGE, "desired_increase": 4}


def test_expand_pairs_are_bounded_and_the_either_or_rule_is_recorded() -> None:
    schema = _spec("v2")["paths"]["/expand"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    for name in ("canvas_size", "original_image_size", "original_image_location"):
        assert (schema["properties"][name]["minItems"], schema["properties"][name]["maxItems"]) == (2, 2)
    assert schema["x-bria-one-of-required"] == [["aspect_ratio"], ["original_image_size", "original_image_location"]]
    assert not {"anyOf", "oneOf"} & set(schema)


def test_replace_background_ref_images_is_a_string_or_a_list() -> None:
    many = ReplaceBackgroundBody(image=IMAGE, ref_images=[IMAGE, IMAGE]).to_dict()
    one = ReplaceBackgroundBody(image=IMAGE, ref_images=IMAGE).to_dict()
    assert (many["ref_images"], one["ref_images"]) == ([IMAGE, IMAGE], IMAGE)
    schema = _spec("v2")["paths"]["/replace_background"]["post"]["requestBody"]["content"]["application/json"]
    assert schema["schema"]["x-bria-one-of-required"] == [["prompt"], ["ref_images"]]
    assert inspect.signature(replace_background.sync_detailed).parameters.keys() == {"client", "body"}


# --- status/50-responses.yaml ------------------------------------------------------------------------


def _poll(payload: Any, status: int = 200) -> tuple[httpx.Request, Any]:
    seen: list[httpx.Request] = []
    response = get_status.sync_detailed("r-9", client=_status_client(_transport(status, payload, seen)))
    assert response.status_code == status
    return seen[0], response.parsed


def test_get_status_sends_the_key_and_parses_a_completed_job() -> None:
    request, parsed = _poll({"request_id": "r-9", "status": "COMPLETED", "result": {"image_url": IMAGE, "seed": 3}})
    assert request.url == "https://engine.test/v2/status/r-9"
    assert request.headers["api_token"] == "t"
    assert isinstance(parsed, StatusResponse)
    assert parsed.status == "COMPLETED"
    assert isinstance(parsed.result, JobResult)
    assert (parsed.result.image_url, parsed.result.seed) == (IMAGE, 3)


def test_get_status_parses_a_failed_job_from_a_200() -> None:
    error = {"code": 500, "message": "Pipeline failed", "details": "timeout"}
    _, parsed = _poll({"request_id": "r-9", "status": "ERROR", "error": error})
    assert isinstance(parsed, StatusResponse)
    assert isinstance(parsed.error, ErrorDetail)
    assert (parsed.status, parsed.error.message) == ("ERROR", "Pipeline failed")


@pytest.mark.parametrize(
    "payload",
    [
        {"request_id": "r-9", "status": "QUEUED"},
        {"request_id": "r-9", "status": "IN_PROGRESS", "result": None, "error": None},
    ],
    ids=["unknown-status-value", "nulls"],
)
def test_get_status_tolerates_unknown_values_and_nulls(payload: dict[str, Any]) -> None:
    _, parsed = _poll(payload)
    assert isinstance(parsed, StatusResponse)
    assert parsed.status == payload["status"]
    assert not parsed.result and not parsed.error


def test_get_status_parses_not_found() -> None:
    _, parsed = _poll({"status": "NOT_FOUND"}, status=404)
    assert isinstance(parsed, NotFoundResponse)


def test_status_values_are_documented_but_not_an_enum() -> None:
    status = _spec("status")["components"]["schemas"]["StatusResponse"]["properties"]["status"]
    assert "enum" not in status
    assert status["x-bria-known-values"] == ["IN_PROGRESS", "COMPLETED", "ERROR", "UNKNOWN"]


def test_names_and_metadata() -> None:
    v2, status = _spec("v2"), _spec("status")
    assert (v2["info"]["title"], v2["info"]["version"]) == ("Bria Image Editing API v2", "2.0.0")
    assert (status["info"]["title"], status["info"]["version"]) == ("Bria Status Service", "2.0.0")
    assert [t["name"] for t in v2["tags"]] == ["Background", "Erase and Fill", "Transform"]
    assert [t["name"] for t in status["tags"]] == ["Status"]
    assert get_status.__name__ == "bria_status_client.api.status.get_status"
