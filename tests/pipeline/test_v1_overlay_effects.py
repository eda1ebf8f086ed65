"""What the v1 overlays (overlays/image_editing_v1/*.yaml) change in the generated client, one group of actions
per test.

These tests import the package that `make generate` wrote (generated/python/bria/_generated/image_editing_v1)
and drive it through `httpx.MockTransport`, so each test shows the effect a caller sees, not the YAML that caused it.
Row numbers refer to shared/reference/inconsistencies.md.
"""

from __future__ import annotations

import base64
import importlib
import inspect
import json
import pkgutil
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from http import HTTPStatus
from types import ModuleType
from typing import Any

import attrs
import bria._generated.image_editing_v1
import httpx
import pytest
import yaml
from bria._generated.image_editing_v1 import AuthenticatedClient, models
from bria._generated.image_editing_v1.models import (
    ExpandImageResponse200,
    ExpandImageResponse200Status,
    GetPersonInfoResponse200Item,
    IncreaseResolutionDesiredIncrease,
    ModifyPresenterBody,
    ModifyPresenterBodyChangesItem,
    ModifyPresenterBodyChangesItemActions,
    ModifyPresenterBodyChangesItemActionsAgeType1,
    ModifyPresenterBodyChangesItemActionsDiversityType0,
    ModifyPresenterBodyChangesItemActionsExpressionType0,
    ModifyPresenterBodyDesiredResolution,
    RemoveBackgroundBody,
    ReplaceBackgroundBody,
    ResultUrl,
)
from bria._generated.image_editing_v1.types import UNSET
from packaging.version import Version

from ._repo import REPO_ROOT

GENERATED = REPO_ROOT / "generated"
PACKAGE_DIR = GENERATED / "python" / "bria" / "_generated" / "image_editing_v1"
SPEC: dict[str, Any] = yaml.safe_load((GENERATED / "openapi" / "image_editing_v1.yaml").read_text(encoding="utf-8"))
BASE_URL = "https://engine.test/v1"
IMAGE_URL = "https://example.com/images/photo.jpg"

# Rows 7 and 48: module (api.<tag>.<operationId>) -> the route it calls.
OPERATIONS: dict[str, tuple[str, str]] = {
    "background.remove_background": ("POST", "/background/remove"),
    "background.replace_background": ("POST", "/background/replace"),
    "background.blur_background": ("POST", "/background/blur"),
    "background.crop_foreground": ("POST", "/crop"),
    "erase_and_fill.erase": ("POST", "/eraser"),
    "erase_and_fill.gen_fill": ("POST", "/gen_fill"),
    "erase_and_fill.erase_foreground": ("POST", "/erase_foreground"),
    "transform.expand_image": ("POST", "/image_expansion"),
    "transform.increase_resolution": ("POST", "/image/increase_resolution"),
    "masks.generate_masks": ("POST", "/objects/mask_generator"),
    "presenter.get_person_info": ("GET", "/{visual_id}/person/info"),
    "presenter.modify_presenter": ("POST", "/{visual_id}/create"),
    "layers.image_to_psd": ("POST", "/{visual_id}/image_to_psd"),
}
VISUAL_ID = "8487fb411f3c6716"
RESULT_URL_OPERATIONS = [
    "erase_and_fill.erase",
    "background.remove_background",
    "erase_and_fill.erase_foreground",
    "background.blur_background",
    "transform.increase_resolution",
    "background.crop_foreground",
]


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"bria._generated.image_editing_v1.api.{name}")


def _operation(name: str) -> dict[str, Any]:
    method, path = OPERATIONS[name]
    operation: dict[str, Any] = SPEC["paths"][path][method.lower()]
    return operation


def _documented(code: int) -> list[str]:
    return [name for name in OPERATIONS if str(code) in _operation(name)["responses"]]


def _call_kwargs(module: ModuleType) -> dict[str, Any]:
    """The smallest valid arguments for `module.sync_detailed` apart from `client`."""
    parameters = inspect.signature(module.sync_detailed).parameters
    kwargs: dict[str, Any] = {}
    if "visual_id" in parameters:
        kwargs["visual_id"] = VISUAL_ID
    if "body" in parameters:
        body_type = parameters["body"].annotation
        if body_type is ModifyPresenterBody:
            actions = ModifyPresenterBodyChangesItemActions(
                expression=ModifyPresenterBodyChangesItemActionsExpressionType0.HAPPY
            )
            kwargs["body"] = ModifyPresenterBody(changes=[ModifyPresenterBodyChangesItem(id="p1", actions=actions)])
        else:
            kwargs["body"] = body_type(image_url=IMAGE_URL)
    return kwargs


def _client(handler: Callable[[httpx.Request], httpx.Response], *, strict: bool = False) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url=BASE_URL,
        token="t",
        auth_header_name="api_token",
        prefix="",
        raise_on_unexpected_status=strict,
        httpx_args={"transport": httpx.MockTransport(handler)},
    )


class Recorder:
    """A MockTransport handler that answers every request with one canned response and keeps the requests."""

    def __init__(self, status: int, *, content: bytes = b"", json_body: Any = None, content_type: str = "") -> None:
        self.status, self.content, self.json_body, self.content_type = status, content, json_body, content_type
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.json_body is not None:
            return httpx.Response(self.status, json=self.json_body)
        headers = {"content-type": self.content_type} if self.content_type else {}
        return httpx.Response(self.status, content=self.content, headers=headers)


# --- Rows 7, 48: tags become packages, operationIds become modules ---------------------------------------


def test_operations_live_in_their_tag_packages_under_their_new_names() -> None:
    found = {
        m.name.removeprefix("bria._generated.image_editing_v1.api.")
        for m in pkgutil.walk_packages(
            importlib.import_module("bria._generated.image_editing_v1.api").__path__,
            "bria._generated.image_editing_v1.api.",
        )
        if not m.ispkg
    }
    assert found == set(OPERATIONS)
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("bria._generated.image_editing_v1.api.endpoints")


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_module_calls_its_route(name: str) -> None:
    recorder = Recorder(400)
    _module(name).sync_detailed(client=_client(recorder), **_call_kwargs(_module(name)))
    method, path = OPERATIONS[name]
    (request,) = recorder.requests
    assert request.method == method
    assert request.url.path == "/v1" + path.replace("{visual_id}", VISUAL_ID)


# --- Rows 4, 13: authentication is the client's job --------------------------------------------------------


@pytest.mark.parametrize("name", OPERATIONS)
def test_functions_take_an_authenticated_client_and_no_api_token(name: str) -> None:
    module = _module(name)
    for function in (module.sync_detailed, module.sync, module.asyncio_detailed, module.asyncio):
        parameters = inspect.signature(function).parameters
        assert parameters["client"].annotation is AuthenticatedClient
        assert "api_token" not in parameters


def test_the_key_travels_as_the_api_token_header_only() -> None:
    recorder = Recorder(200, json_body={"result_url": "https://example.com/r.png"})
    _module("erase_and_fill.erase").sync_detailed(
        client=_client(recorder), **_call_kwargs(_module("erase_and_fill.erase"))
    )
    (request,) = recorder.requests
    assert request.headers["api_token"] == "t"
    assert "authorization" not in request.headers
    scheme = SPEC["components"]["securitySchemes"]["BriaApiToken"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "api_token")


@pytest.mark.parametrize("name", OPERATIONS)
def test_401_is_documented_everywhere_so_a_strict_client_does_not_raise(name: str) -> None:
    module = _module(name)
    response = module.sync_detailed(client=_client(Recorder(401), strict=True), **_call_kwargs(module))
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.parsed is None


# --- Row 9: bodies are required ------------------------------------------------------------------------------

BODY_OPERATIONS = [name for name in OPERATIONS if "requestBody" in _operation(name)]


def test_eleven_operations_take_a_body() -> None:
    assert sorted(set(OPERATIONS) - set(BODY_OPERATIONS)) == ["layers.image_to_psd", "presenter.get_person_info"]


@pytest.mark.parametrize("name", BODY_OPERATIONS)
def test_body_is_a_required_argument(name: str) -> None:
    body = inspect.signature(_module(name).sync_detailed).parameters["body"]
    assert body.default is inspect.Parameter.empty
    assert "Unset" not in repr(body.annotation)


# --- Rows 17, 18, 50-53: no materialized defaults -----------------------------------------------------------


def _body_models() -> list[type]:
    return [getattr(models, name) for name in models.__all__ if name.endswith("Body")]


@pytest.mark.parametrize("model", _body_models(), ids=lambda m: m.__name__)
def test_body_models_default_every_optional_field_to_unset(model: type) -> None:
    for field in attrs.fields(model):
        if field.name == "additional_properties":
            continue
        assert field.default is UNSET or field.default is attrs.NOTHING, f"{model.__name__}.{field.name}"


def test_replace_background_sends_only_what_the_caller_set() -> None:
    body = ReplaceBackgroundBody(image_url=IMAGE_URL, bg_prompt="in a parking lot")
    assert body.to_dict() == {"image_url": IMAGE_URL, "bg_prompt": "in a parking lot"}
    recorder = Recorder(200, json_body={"result": []})
    _module("background.replace_background").sync_detailed(client=_client(recorder), body=body)
    (request,) = recorder.requests
    sent = json.loads(request.content)
    assert sent == {"image_url": IMAGE_URL, "bg_prompt": "in a parking lot"}  # no fast, num_results, refine_prompt


def test_multipart_bodies_no_longer_send_content_moderation_false() -> None:
    parts = RemoveBackgroundBody(image_url=IMAGE_URL).to_multipart()
    assert [name for name, _ in parts] == ["image_url"]


def test_removed_defaults_are_stated_in_the_descriptions() -> None:
    replace = SPEC["paths"]["/background/replace"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    for name in ("fast", "refine_prompt", "num_results", "content_moderation"):
        assert "default" not in replace["properties"][name]
        assert "Server default" in replace["properties"][name]["description"]
    assert "Server default disputed" in replace["properties"]["fast"]["description"]


# --- Rows 10, 34, 35, 37: either/or inputs as formats and an extension ---------------------------------------


@pytest.mark.parametrize("name", [n for n in BODY_OPERATIONS if n != "presenter.modify_presenter"])
def test_image_bodies_declare_their_either_or_inputs(name: str) -> None:
    ((media_type, media),) = _operation(name)["requestBody"]["content"].items()
    schema = media["schema"]
    alternatives = schema["x-bria-one-of-required"]
    assert all(({"image_url"} & set(a)) or ({"file"} & set(a)) for a in alternatives)
    assert {"image_url", "file"} <= {p for a in alternatives for p in a}
    image_url = schema["properties"]["image_url"]
    assert (image_url["type"], image_url["format"], image_url["minLength"]) == ("string", "uri", 1)
    if media_type == "application/json":
        assert schema["properties"]["file"]["format"] == "byte"
    assert "anyOf" not in schema and "oneOf" not in schema


# --- Rows 2, 25, 49: person/info is parsed and typed ---------------------------------------------------------


def test_person_info_parses_its_documented_example_into_typed_models() -> None:
    person_info = _module("presenter.get_person_info")
    assert callable(person_info.sync)
    example = _operation("presenter.get_person_info")["responses"]["200"]["content"]["application/json"]["examples"]
    people = person_info.sync(client=_client(Recorder(200, json_body=example["example"]["value"])), visual_id=VISUAL_ID)
    assert people is not None and len(people) == 2
    first = people[0]
    assert isinstance(first, GetPersonInfoResponse200Item)
    assert first.id.startswith("c6bbe1cd") and first.type_ == "person"
    assert first.labels == ["age_14-26", "glasses", "Female"]
    assert attrs.fields(GetPersonInfoResponse200Item).labels.type == "list[str] | Unset"
    assert isinstance(first.rect.x, float) and isinstance(first.rect.h, float)
    assert first.actions["age"] == ["mid-20", "mid-40", "mid-60"]
    assert first.oracle["diversity"]["france"] == "low"


# --- Row 8: one result model ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", RESULT_URL_OPERATIONS)
def test_single_result_operations_share_result_url(name: str) -> None:
    module = _module(name)
    recorder = Recorder(200, json_body={"result_url": "https://example.com/r.png"})
    parsed = module.sync(client=_client(recorder), **_call_kwargs(module))
    assert isinstance(parsed, ResultUrl)
    assert parsed.result_url == "https://example.com/r.png"


def test_the_six_duplicate_result_models_are_gone() -> None:
    duplicates = {
        f"{operation}Response200"
        for operation in ("Erase", "RemoveBackground", "EraseForeground", "BlurBackground", "IncreaseResolution")
    } | {"CropForegroundResponse200"}
    assert not duplicates & set(models.__all__)


# --- Row 11: 422 is read as text -------------------------------------------------------------------------------

MODERATION_MESSAGE = b"The request could not be completed because the modified visual did not pass content moderation."


@pytest.mark.parametrize("name", _documented(422))
def test_a_text_422_body_does_not_raise(name: str) -> None:
    module = _module(name)
    recorder = Recorder(422, content=MODERATION_MESSAGE, content_type="text/plain")
    response = module.sync_detailed(client=_client(recorder, strict=True), **_call_kwargs(module))
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.content == MODERATION_MESSAGE
    assert response.parsed is None


def test_no_v1_endpoint_json_decodes_an_error_body() -> None:
    assert len(_documented(422)) == 10  # 9 upstream + crop (row 23)
    for path in (PACKAGE_DIR / "api").rglob("*.py"):
        assert "cast(str, response.json())" not in path.read_text(encoding="utf-8"), path.name


# --- Rows 3, 20-23, 31: status codes --------------------------------------------------------------------------


@pytest.mark.parametrize("name", _documented(460))
def test_460_yields_a_response_with_the_plain_code(name: str) -> None:
    module = _module(name)
    response = module.sync_detailed(client=_client(Recorder(460), strict=True), **_call_kwargs(module))
    assert response.status_code == 460
    assert not isinstance(response.status_code, HTTPStatus)
    assert response.parsed is None


def test_every_460_is_flagged_and_mask_generator_now_documents_it() -> None:
    assert "masks.generate_masks" in _documented(460)
    assert len(_documented(460)) == 10
    for name in _documented(460):
        assert _operation(name)["responses"]["460"]["x-bria-nonstandard-status"] is True


ADDED_CODES = [
    ("background.crop_foreground", 422),
    ("background.remove_background", 404),
    ("background.remove_background", 413),
    ("masks.generate_masks", 404),
    ("masks.generate_masks", 413),
    ("masks.generate_masks", 415),
    ("transform.increase_resolution", 404),
]


@pytest.mark.parametrize(("name", "code"), ADDED_CODES)
def test_added_documented_codes_do_not_raise_on_a_strict_client(name: str, code: int) -> None:
    module = _module(name)
    response = module.sync_detailed(client=_client(Recorder(code), strict=True), **_call_kwargs(module))
    assert response.status_code == code


def test_misused_codes_carry_runtime_hints() -> None:
    assert _operation("presenter.get_person_info")["responses"]["205"]["x-bria-retry"] is True
    assert _operation("background.remove_background")["responses"]["206"]["x-bria-client-error"] is True
    with_506 = _documented(506)
    assert len(with_506) == 6
    for name in with_506:
        response = _operation(name)["responses"]["506"]
        assert response["x-bria-client-error"] is True and "not retryable" in response["description"]
    assert "8192x8192" in _operation("transform.increase_resolution")["responses"]["406"]["description"]


# --- Rows 24, 26, 33, 36, 38, 39, 41, 54, 55: enums, tuples, required fields ----------------------------------


def test_desired_increase_is_an_enum_of_two_and_four() -> None:
    assert {member.value for member in IncreaseResolutionDesiredIncrease} == {2, 4}
    module = _module("transform.increase_resolution")
    recorder = Recorder(200, json_body={"result_url": "https://example.com/r.png"})
    body = models.IncreaseResolutionBody(image_url=IMAGE_URL)
    module.sync_detailed(
        client=_client(recorder), body=body, desired_increase=IncreaseResolutionDesiredIncrease.VALUE_4
    )
    assert recorder.requests[0].url.params["desired_increase"] == "4"


def test_expand_image_status_is_an_enum() -> None:
    assert ExpandImageResponse200.from_dict({"status": "NSFW"}).status is ExpandImageResponse200Status.NSFW


def test_modify_presenter_requires_changes_with_id_and_actions() -> None:
    assert attrs.fields(ModifyPresenterBody).changes.default is attrs.NOTHING
    item = attrs.fields(ModifyPresenterBodyChangesItem)
    assert item.id.default is attrs.NOTHING and item.actions.default is attrs.NOTHING
    assert {"hd", "had"} <= {member.value for member in ModifyPresenterBodyDesiredResolution}


def test_presenter_actions_take_an_enum_value_or_a_key_value_pair() -> None:
    actions = ModifyPresenterBodyChangesItemActions.from_dict(
        {"age": {"key": "age", "value": 6.2}, "diversity": "unsplash"}
    )
    assert isinstance(actions.age, ModifyPresenterBodyChangesItemActionsAgeType1)
    assert actions.age.value == 6.2
    assert actions.diversity is ModifyPresenterBodyChangesItemActionsDiversityType0.UNSPLASH
    assert actions.to_dict() == {"age": {"key": "age", "value": 6.2}, "diversity": "unsplash"}
    assert ModifyPresenterBodyChangesItemActionsExpressionType0("smile")


def test_every_modify_presenter_example_round_trips_through_the_model() -> None:
    content = _operation("presenter.modify_presenter")["requestBody"]["content"]["application/json"]
    assert len(content["examples"]) == 4
    for example in content["examples"].values():
        assert ModifyPresenterBody.from_dict(example["value"]).to_dict() == example["value"]
    ids = [change["id"] for change in content["examples"]["Multiple People"]["value"]["changes"]]
    assert len(set(ids)) == len(ids) == 2


def test_pairs_and_triples_are_bounded_in_the_spec() -> None:
    expand = _operation("transform.expand_image")["requestBody"]["content"]["application/json"]["schema"]["properties"]
    for name in ("canvas_size", "original_image_size", "original_image_location"):
        assert (expand[name]["minItems"], expand[name]["maxItems"]) == (2, 2)
    replace_200 = _operation("background.replace_background")["responses"]["200"]["content"]["application/json"]
    items = replace_200["schema"]["properties"]["result"]["items"]
    assert (items["minItems"], items["maxItems"]) == (3, 3)
    replace_body = _operation("background.replace_background")["requestBody"]["content"]["application/json"]
    assert replace_body["schema"]["properties"]["num_results"]["minimum"] == 1


# --- Rows 5, 6, 29: package identity and links -------------------------------------------------------------


def test_title_and_version() -> None:
    assert bria._generated.image_editing_v1.__doc__ == "A client library for accessing Bria Image Editing API v1"
    version = Version(SPEC["info"]["version"])
    assert (version.public, version.local) == ("1.0.0", "hf.21466fa")


def _generated_v1_text() -> Iterator[tuple[str, str]]:
    paths = [GENERATED / "openapi" / "image_editing_v1.yaml", *sorted(PACKAGE_DIR.rglob("*.py"))]
    for path in paths:
        yield path.name, path.read_text(encoding="utf-8")


def test_no_proxy_links_or_nonexistent_field_names_remain() -> None:
    for name, text in _generated_v1_text():
        assert "effarig" not in text, name
        assert not re.search(r"(?<!ref_)image_file", text), name


# --- Rows 14, 15, 19, 49: examples are real, valid and free of credentials ------------------------------------


def test_no_aws_credentials_anywhere_in_generated() -> None:
    secret = re.compile(r"AWSAccessKeyId|X-Amz|x-amz-security-token|Signature=", re.IGNORECASE)
    # overlay-actions.md quotes our own overlay descriptions, which name the query parameters they removed.
    for path in sorted(GENERATED.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.name != "overlay-actions.md":
            assert not secret.search(path.read_text(encoding="utf-8", errors="replace")), path


def _examples(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "example":
                yield value
            elif key == "examples" and isinstance(value, dict):
                yield from (entry.get("value") for entry in value.values() if isinstance(entry, dict))
            yield from _examples(value)
    elif isinstance(node, list):
        for value in node:
            yield from _examples(value)


def _leaves(node: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _leaves(v, key)
    else:
        yield key, node


def _is_png(data: bytes) -> bool:
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return False
    position, chunks = 8, []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind, payload = data[position + 4 : position + 8], data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        if zlib.crc32(kind + payload) != crc:
            return False
        chunks.append((kind, payload))
        position += 12 + length
    zlib.decompress(b"".join(payload for kind, payload in chunks if kind == b"IDAT"))
    return chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"


def test_examples_are_real_urls_and_valid_base64_pngs() -> None:
    leaves = [leaf for example in _examples(SPEC["paths"]) for leaf in _leaves(example)]
    files = [value for key, value in leaves if key in {"file", "mask_file"}]
    assert len(files) == 5  # eraser file + mask_file, gen_fill file + mask_file, mask_generator file
    assert all(_is_png(base64.b64decode(value, validate=True)) for value in files)
    for key, value in leaves:
        assert value != "URL" and "base64_encoded" not in str(value), key
        if key.endswith("_url"):
            assert str(value).startswith("https://"), key
    sid = next(p for p in _operation("layers.image_to_psd")["parameters"] if p["name"] == "sid")
    assert "example" not in sid["schema"]
