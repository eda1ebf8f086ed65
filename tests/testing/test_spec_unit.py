"""The spec helpers of bria.testing on small schemas: made-up values are valid, validation names fields,
OpenAPI 3.0's `nullable` is understood, query values are read as their declared types."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from jsonschema import Draft4Validator

import bria
from bria.testing import FakeBria
from bria.testing import _spec as spec

DOC: dict[str, Any] = {
    "components": {
        "schemas": {
            "Point": {"type": "object", "required": ["x"], "properties": {"x": {"type": "integer", "minimum": 3}}},
            "Maybe": {"type": "string", "nullable": True, "enum": ["a", "b"]},
        }
    }
}


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string", "example": "hi"}, "hi"),
        ({"type": "integer", "default": 4}, 4),
        ({"enum": ["first", "second"]}, "first"),
        ({"$ref": "#/components/schemas/Point"}, {"x": 3}),
        (
            {"allOf": [{"$ref": "#/components/schemas/Point"}, {"type": "object", "required": ["y"]}]},
            {"x": 3, "y": None},
        ),
        ({"oneOf": [{"type": "boolean"}, {"type": "string"}]}, False),
        ({"anyOf": [{"type": "number", "minimum": 0.5}]}, 0.5),
        ({"type": "array", "minItems": 2, "items": {"type": "integer"}}, [1, 1]),
        ({"type": "array", "maxItems": 0}, []),
        ({"type": "string", "format": "date-time"}, "2026-01-01T00:00:00Z"),
        ({"type": "string", "format": "date"}, "2026-01-01"),
        ({"type": "string", "format": "uuid"}, "00000000-0000-4000-8000-000000000000"),
        ({"type": "string", "minLength": 10}, "stringstri"),
        ({"properties": {"a": {"type": "string"}}, "required": ["a"]}, {"a": "string"}),
        ({"type": "object", "required": ["a"], "x-bria-one-of-required": [["b"], ["c"]]}, {"a": None, "b": None}),
        ({"type": "null"}, None),
        ("not a schema", None),
    ],
)
def test_minimal_instances(schema: Any, expected: Any) -> None:
    assert spec.minimal_instance(DOC, schema) == expected


def test_urls_are_made_up_by_format_or_name_and_deep_schemas_stop() -> None:
    assert spec.minimal_instance(DOC, {"type": "string"}, "image_url").startswith("https://")
    assert spec.minimal_instance(DOC, {"type": "string", "format": "uri"}).startswith("https://")
    assert spec.minimal_instance(DOC, {"type": "object", "required": ["a"]}, depth=99) == {}


def test_nullable_becomes_a_null_type_and_a_null_enum_member() -> None:
    converted = spec._nullable_as_json_schema([DOC["components"]["schemas"]["Maybe"]])[0]
    assert converted["type"] == ["string", "null"] and converted["enum"] == ["a", "b", None]
    validator = Draft4Validator(converted)
    assert validator.is_valid(None) and not validator.is_valid("c")


@pytest.mark.parametrize(
    ("value", "schema", "expected"),
    [
        ("10", {"type": "integer"}, 10),
        ("1.5", {"type": "number"}, 1.5),
        ("ten", {"type": "integer"}, "ten"),
        ("TRUE", {"type": "boolean"}, True),
        ("maybe", {"type": "boolean"}, "maybe"),
        ("a,b", {"type": "array"}, ["a", "b"]),
        ("x", {}, "x"),
    ],
)
def test_query_values_are_read_as_their_declared_type(value: str, schema: dict[str, Any], expected: Any) -> None:
    assert spec._coerce(value, schema) == expected


def _operation(route: str) -> spec.SpecOperation:
    (op,) = [op for op in spec.load_routes() if op.route == route]
    return op


def test_field_names_for_each_kind_of_violation() -> None:
    generate = _operation("/v2/video/edit/remove_background")
    assert generate.validate_body({"video": "v", "extra": 1}) == spec.Invalid(
        "extra", "Additional properties are not allowed ('extra' was unexpected)"
    )
    assert generate.validate_body({}) == spec.Invalid("video", "'video' is a required property")
    assert generate.validate_body({"video": "v"}) is None
    replace = _operation("/v1/background/replace")
    both = replace.validate_body({"image_url": "u", "bg_prompt": "p", "ref_image_url": "r"})
    assert both == spec.Invalid("ref_image_url", "'bg_prompt' and 'ref_image_url' cannot be sent together")
    assert replace.validate_body([1]) is not None  # not an object at all
    status = _operation("/v2/status/{request_id}")
    assert status.validate_body({"anything": 1}) is None  # no body documented: nothing to check
    assert status.match("/v2/status/abc") == {"request_id": "abc"} and status.match("/v2/status/a/b") is None


def test_answers_without_a_documented_success_or_content() -> None:
    op = _operation("/v2/video/edit/remove_background")
    bare = spec.SpecOperation(
        document=op.document,
        operation_id="bare",
        method="GET",
        template="/bare",
        route="/bare",
        kind="plain",
        spec={"responses": {"400": {}}},
        doc=op.doc,
    )
    assert bare.success() == (200, {}, "application/json")
    assert bare.result_schema() == {}
    assert bare.json_schema() is None and bare.result_url_property is None
    assert _operation("/v1/background/remove").result_url_property == "result_url"


def test_without_jsonschema_validation_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jsonschema", None)
    with pytest.raises(spec.JsonschemaMissing, match=r"bria-openapi\[testing\]"):
        spec.require_jsonschema()
    assert spec._valid("status", {"type": "string"}, 5)  # examples are trusted as they are


def test_the_plugin_fixtures_in_process(
    fake_bria: FakeBria, bria_client: bria.Bria, async_bria_client: bria.AsyncBria, bria_api_token: str
) -> None:
    import asyncio

    assert fake_bria.token == bria_api_token
    assert bria_client.image_editing.background_remove(image="https://example.com/a.png").image_url
    result = asyncio.run(async_bria_client.video_editing.green_screen(video="https://example.com/v.mp4"))
    assert result.raw["status"] == "COMPLETED"
    assert fake_bria.count("GET", "/v2/status/") >= 2
