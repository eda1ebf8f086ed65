"""`spec_diff.diff_specs`: what differs between two effective OpenAPI documents, breaking or not for a client.

Most tests mutate a deep copy of a real effective spec (generated/openapi/) and assert the exact changes;
small hand-written documents cover the edge cases (recursive and unresolvable `$ref`s, odd input).
"""

from __future__ import annotations

import copy
import functools
import itertools
from typing import Any

import pytest

from bria_pipeline.changes import Change
from bria_pipeline.documents import load_document
from bria_pipeline.spec_diff import diff_specs

from ._repo import REPO_ROOT

SPEC_NAMES = ("image_editing_v1", "image_editing", "status")
IMAGE_EDITING_OPERATIONS = 23  # every image_editing operation answers 202 with an AsyncInitialResponse
SYNC_SUCCESS_OPERATIONS = 7  # the image_editing operations whose 200 is a SyncSuccessResponse


@functools.cache
def _effective(name: str) -> Any:
    return load_document(REPO_ROOT / "generated" / "openapi" / f"{name}.yaml")


def _spec(name: str) -> Any:
    """A copy of a real effective spec, free to mutate."""
    return copy.deepcopy(_effective(name))


def _change(scope: str, where: str, what: str, breaking: bool) -> Change:
    return Change("spec", scope, where, what, breaking)


def _body_schema(document: Any, path: str, media_type: str = "application/json") -> Any:
    return document["paths"][path]["post"]["requestBody"]["content"][media_type]["schema"]


def _operations(document: Any) -> list[tuple[str, Any]]:
    return [(f"POST {path}", item["post"]) for path, item in document["paths"].items()]


def _mini(schemas: dict[str, Any], body: Any, response: Any = None) -> dict[str, Any]:
    """A one-operation document: POST /x with `body` as its JSON request schema and `response` as 200's."""
    operation: dict[str, Any] = {
        "operationId": "x",
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": response or {}}}}},
    }
    return {"openapi": "3.1.0", "paths": {"/x": {"post": operation}}, "components": {"schemas": schemas}}


# --- no change ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_a_spec_compared_with_a_copy_of_itself_has_no_changes(name: str) -> None:
    assert diff_specs(name, _effective(name), _spec(name)) == []


DOCUMENTATION_KEYS = ("description", "summary", "title", "example", "examples", "tags")


def _rewrite_documentation(node: Any, names_properties: bool = False) -> int:
    """Change every documentation-only field in place; count them. Property names are left alone."""
    if isinstance(node, list):
        return sum(_rewrite_documentation(item) for item in node)
    if not isinstance(node, dict):
        return 0
    rewritten = 0
    for key, value in node.items():
        if not names_properties and (key in DOCUMENTATION_KEYS or key.startswith("x-")):
            node[key] = f"reworded {value}" if isinstance(value, str) else ["something", "else"]
            rewritten += 1
        else:
            rewritten += _rewrite_documentation(value, names_properties=key == "properties" and not names_properties)
    return rewritten


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_documentation_tags_extensions_and_servers_are_not_api_changes(name: str) -> None:
    new = _spec(name)
    assert _rewrite_documentation(new) > 20
    new["servers"] = [{"url": "https://elsewhere.example.com"}]
    new["info"]["version"] = "99.0.0"
    assert new != _effective(name)
    assert diff_specs(name, _effective(name), new) == []


# --- operations --------------------------------------------------------------------------------------------


def test_an_added_operation_is_compatible() -> None:
    new = _spec("image_editing")
    new["paths"]["/remove_background_hd"] = copy.deepcopy(new["paths"]["/remove_background"])
    new["paths"]["/remove_background_hd"]["post"]["operationId"] = "remove_background_hd"
    assert diff_specs("image_editing", _effective("image_editing"), new) == [
        _change("image_editing", "POST /remove_background_hd", "operation added", False)
    ]


def test_a_renamed_path_is_one_removed_and_one_added_operation() -> None:
    new = _spec("image_editing")
    new["paths"]["/erase_object"] = new["paths"].pop("/erase")
    assert diff_specs("image_editing", _effective("image_editing"), new) == [
        _change("image_editing", "POST /erase", "operation removed", True),
        _change("image_editing", "POST /erase_object", "operation added", False),
    ]


def test_a_changed_operation_id_is_breaking() -> None:
    new = _spec("status")
    new["paths"]["/status/{request_id}"]["get"]["operationId"] = "get_request_status"
    assert diff_specs("status", _effective("status"), new) == [
        _change("status", "GET /status/{request_id}", "operationId changed: get_status -> get_request_status", True)
    ]


# --- parameters --------------------------------------------------------------------------------------------


def test_parameter_changes_on_a_real_v1_operation() -> None:
    new = _spec("image_editing_v1")
    parameters = new["paths"]["/{visual_id}/image_to_psd"]["post"]["parameters"]
    parameters[1]["required"] = True  # sid
    parameters.append({"in": "query", "name": "layers", "schema": {"type": "integer"}})
    parameters.append({"in": "header", "name": "X-Session", "required": True, "schema": {"type": "string"}})
    where = "POST /{visual_id}/image_to_psd"
    assert diff_specs("image_editing_v1", _effective("image_editing_v1"), new) == [
        _change("image_editing_v1", f"{where}: header parameter `X-Session`", "added as required", True),
        _change("image_editing_v1", f"{where}: query parameter `layers`", "added", False),
        _change("image_editing_v1", f"{where}: query parameter `sid`", "became required", True),
    ]


def test_a_removed_parameter_is_breaking_and_a_parameter_made_optional_is_compatible() -> None:
    old = _spec("image_editing_v1")
    old["paths"]["/{visual_id}/image_to_psd"]["post"]["parameters"][1]["required"] = True
    new = copy.deepcopy(old)
    new["paths"]["/{visual_id}/image_to_psd"]["post"]["parameters"][1]["required"] = False
    del new["paths"]["/image/increase_resolution"]["post"]["parameters"][0]
    assert diff_specs("image_editing_v1", old, new) == [
        _change(
            "image_editing_v1", "POST /image/increase_resolution: query parameter `desired_increase`", "removed", True
        ),
        _change("image_editing_v1", "POST /{visual_id}/image_to_psd: query parameter `sid`", "became optional", False),
    ]


def test_a_query_parameter_enum_value_removed_is_breaking() -> None:
    new = _spec("image_editing_v1")
    new["paths"]["/image/increase_resolution"]["post"]["parameters"][0]["schema"]["enum"] = [2]
    assert diff_specs("image_editing_v1", _effective("image_editing_v1"), new) == [
        _change(
            "image_editing_v1",
            "POST /image/increase_resolution: query parameter `desired_increase`",
            "enum value `4` removed",
            True,
        )
    ]


def test_a_path_parameter_type_change_is_breaking() -> None:
    new = _spec("status")
    new["paths"]["/status/{request_id}"]["get"]["parameters"][0]["schema"] = {"type": "integer"}
    assert diff_specs("status", _effective("status"), new) == [
        _change(
            "status", "GET /status/{request_id}: path parameter `request_id`", "type changed: string -> integer", True
        )
    ]


def test_path_level_and_operation_level_parameters_are_merged() -> None:
    seed = {"in": "query", "name": "seed", "schema": {"type": "integer"}}
    old = {"paths": {"/x": {"get": {"parameters": [seed], "responses": {}}}}}
    moved = {"paths": {"/x": {"parameters": [seed], "get": {"responses": {}}}}}
    assert diff_specs("t", old, moved) == []
    overridden = copy.deepcopy(moved)
    overridden["paths"]["/x"]["get"]["parameters"] = [dict(seed, required=True)]
    assert diff_specs("t", moved, overridden) == [
        _change("t", "GET /x: query parameter `seed`", "became required", True)
    ]


# --- request bodies ----------------------------------------------------------------------------------------


def test_an_optional_request_property_made_required_is_breaking() -> None:
    new = _spec("image_editing")
    _body_schema(new, "/remove_background")["required"].append("sync")
    assert diff_specs("image_editing", _effective("image_editing"), new) == [
        _change("image_editing", "POST /remove_background: request body property `sync`", "became required", True)
    ]


def test_a_required_request_property_made_optional_is_compatible() -> None:
    new = _spec("image_editing")
    _body_schema(new, "/remove_background")["required"].remove("image")
    assert diff_specs("image_editing", _effective("image_editing"), new) == [
        _change("image_editing", "POST /remove_background: request body property `image`", "became optional", False)
    ]


def test_request_properties_added_and_removed() -> None:
    new = _spec("image_editing")
    schema = _body_schema(new, "/remove_background")
    schema["properties"]["seed"] = {"type": "integer"}
    schema["properties"]["mode"] = {"type": "string"}
    schema["required"].append("mode")
    del schema["properties"]["preserve_alpha"]
    where = "POST /remove_background: request body property"
    assert diff_specs("image_editing", _effective("image_editing"), new) == [
        _change("image_editing", f"{where} `mode`", "added as required", True),
        _change("image_editing", f"{where} `preserve_alpha`", "removed", True),
        _change("image_editing", f"{where} `seed`", "added", False),
    ]


def test_request_enum_values_removed_are_breaking_and_added_are_compatible() -> None:
    new = _spec("image_editing_v1")
    _body_schema(new, "/eraser")["properties"]["mask_type"]["enum"] = ["manual", "brush"]
    where = "POST /eraser: request body property `mask_type`"
    assert diff_specs("image_editing_v1", _effective("image_editing_v1"), new) == [
        _change("image_editing_v1", where, "enum value `automatic` removed", True),
        _change("image_editing_v1", where, "enum value `brush` added", False),
    ]


def test_request_type_and_format_changes_are_breaking() -> None:
    new = _spec("image_editing")
    properties = _body_schema(new, "/remove_background")["properties"]
    properties["sync"]["type"] = "string"
    del properties["webhook_url"]["format"]
    where = "POST /remove_background: request body property"
    assert diff_specs("image_editing", _effective("image_editing"), new) == [
        _change("image_editing", f"{where} `sync`", "type changed: boolean -> string", True),
        _change("image_editing", f"{where} `webhook_url`", "format changed: uri -> none", True),
    ]


def test_request_constraints_tightened_are_breaking_and_loosened_are_compatible() -> None:
    new = _spec("image_editing")
    # `season` and `style` are each an enum or free text; the free-text branch has minLength 1 and no maxLength.
    season = _body_schema(new, "/reseason")["properties"]["season"]["anyOf"][1]
    season["minLength"] = 5
    season["maxLength"] = 2048
    del _body_schema(new, "/restyle")["properties"]["style"]["anyOf"][1]["minLength"]
    reseason, restyle = "POST /reseason: request body property", "POST /restyle: request body property"
    assert diff_specs("image_editing", _effective("image_editing"), new) == [
        _change("image_editing", f"{reseason} `season.anyOf[1]`", "maxLength added: 2048", True),
        _change("image_editing", f"{reseason} `season.anyOf[1]`", "minLength raised: 1 -> 5", True),
        _change("image_editing", f"{restyle} `style.anyOf[1]`", "minLength removed", False),
    ]


def test_request_body_media_types_and_requiredness() -> None:
    new = _spec("image_editing_v1")
    remove = new["paths"]["/background/remove"]["post"]["requestBody"]
    remove["content"]["application/json"] = copy.deepcopy(remove["content"]["multipart/form-data"])
    resolution = new["paths"]["/image/increase_resolution"]["post"]["requestBody"]
    resolution["content"]["application/json"] = resolution["content"].pop("multipart/form-data")
    del new["paths"]["/eraser"]["post"]["requestBody"]
    new["paths"]["/{visual_id}/image_to_psd"]["post"]["requestBody"] = {"content": {"application/json": {}}}
    new["paths"]["/{visual_id}/person/info"]["get"]["requestBody"] = {"required": True, "content": {}}
    assert diff_specs("image_editing_v1", _effective("image_editing_v1"), new) == [
        _change("image_editing_v1", "GET /{visual_id}/person/info: request body", "added as required", True),
        _change(
            "image_editing_v1", "POST /background/remove: request body", "media type `application/json` added", False
        ),
        _change("image_editing_v1", "POST /eraser: request body", "removed", True),
        _change(
            "image_editing_v1",
            "POST /image/increase_resolution: request body",
            "media type `application/json` added",
            False,
        ),
        _change(
            "image_editing_v1",
            "POST /image/increase_resolution: request body",
            "media type `multipart/form-data` removed",
            True,
        ),
        _change("image_editing_v1", "POST /{visual_id}/image_to_psd: request body", "added", False),
    ]


def test_a_request_body_made_required_is_breaking_and_made_optional_compatible() -> None:
    new = _spec("image_editing_v1")
    new["paths"]["/background/remove"]["post"]["requestBody"]["required"] = False
    assert diff_specs("image_editing_v1", _effective("image_editing_v1"), new) == [
        _change("image_editing_v1", "POST /background/remove: request body", "became optional", False)
    ]
    assert diff_specs("image_editing_v1", new, _effective("image_editing_v1")) == [
        _change("image_editing_v1", "POST /background/remove: request body", "became required", True)
    ]


# --- responses ---------------------------------------------------------------------------------------------


def test_a_response_property_dropped_from_a_component_is_reported_at_every_operation_using_it() -> None:
    new = _spec("image_editing")
    async_job = new["components"]["schemas"]["AsyncInitialResponse"]
    del async_job["properties"]["status_url"]
    async_job["required"].remove("status_url")
    expected = [
        _change("image_editing", f"{label}: response 202 property `status_url`", "removed", True)
        for label, _ in _operations(new)
    ]
    assert len(expected) == IMAGE_EDITING_OPERATIONS
    assert diff_specs("image_editing", _effective("image_editing"), new) == sorted(expected)


def test_a_nested_component_change_is_reported_at_every_response_that_reaches_it() -> None:
    new = _spec("image_editing")
    new["components"]["schemas"]["ErrorObject"]["properties"]["code"]["type"] = "string"
    # Not every error response has a body: gen_fill's 404 has only a description.
    expected = [
        _change(
            "image_editing", f"{label}: response {code} property `error.code`", "type changed: integer -> string", True
        )
        for label, operation in _operations(new)
        for code, response in operation["responses"].items()
        if response.get("content", {}).get("application/json", {}).get("schema")
        == {"$ref": "#/components/schemas/ErrorResponse"}
    ]
    assert len(expected) > IMAGE_EDITING_OPERATIONS
    assert diff_specs("image_editing", _effective("image_editing"), new) == sorted(expected)


def test_response_properties_added_are_compatible() -> None:
    new = _spec("image_editing")
    new["components"]["schemas"]["SyncSuccessResponse"]["properties"]["result"]["properties"]["cost"] = {
        "type": "number"
    }
    expected = [
        _change("image_editing", f"{label}: response 200 property `result.cost`", "added", False)
        for label, operation in _operations(new)
        if operation["responses"]["200"]["content"]["application/json"]["schema"]
        == {"$ref": "#/components/schemas/SyncSuccessResponse"}
    ]
    assert len(expected) == SYNC_SUCCESS_OPERATIONS
    assert diff_specs("image_editing", _effective("image_editing"), new) == sorted(expected)


def test_response_required_to_optional_is_breaking_and_optional_to_required_compatible() -> None:
    new = _spec("status")
    # The 200 body is oneOf success, error, in progress; in progress requires `status` and not `request_id`.
    in_progress = new["components"]["schemas"]["StatusInProgressResponse"]
    in_progress["required"] = ["request_id"]
    where = "GET /status/{request_id}: response 200 property"
    assert diff_specs("status", _effective("status"), new) == [
        _change("status", f"{where} `oneOf[2].request_id`", "became required", False),
        _change("status", f"{where} `oneOf[2].status`", "became optional", True),
    ]


def test_response_nullable_dropped_is_a_type_change() -> None:
    # The status document declares nothing nullable, so the old side gets it: the success branch's `result`
    # (an anyOf with no type of its own), as if a nullable result had been dropped.
    old = _spec("status")
    old["components"]["schemas"]["StatusSuccessResponse"]["properties"]["result"]["nullable"] = True
    assert diff_specs("status", old, _effective("status")) == [
        _change(
            "status",
            "GET /status/{request_id}: response 200 property `oneOf[0].result`",
            "type changed: any | null -> any",
            True,
        )
    ]


def test_response_enum_values_added_are_breaking_and_removed_are_compatible() -> None:
    new = _spec("image_editing_v1")
    schema = new["paths"]["/image_expansion"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    schema["properties"]["status"]["enum"] = ["SUCCESS", "BLOCKED"]
    where = "POST /image_expansion: response 200 property `status`"
    assert diff_specs("image_editing_v1", _effective("image_editing_v1"), new) == [
        _change("image_editing_v1", where, "enum value `BLOCKED` added", True),
        _change("image_editing_v1", where, "enum value `NSFW` removed", False),
    ]


def test_response_constraint_changes_are_compatible() -> None:
    new = _spec("status")
    new["components"]["schemas"]["StatusSuccessResponse"]["properties"]["request_id"]["maxLength"] = 64
    where = "GET /status/{request_id}: response 200 property `oneOf[0].request_id`"
    assert diff_specs("status", _effective("status"), new) == [_change("status", where, "maxLength added: 64", False)]


def test_status_codes_added_and_removed() -> None:
    new = _spec("image_editing")
    responses = new["paths"]["/erase"]["post"]["responses"]
    responses["201"] = copy.deepcopy(responses["200"])
    responses["409"] = copy.deepcopy(responses["400"])  # /erase already answers 404
    del responses["202"]
    del responses["429"]
    assert diff_specs("image_editing", _effective("image_editing"), new) == [
        _change("image_editing", "POST /erase: response 201", "added", True),
        _change("image_editing", "POST /erase: response 202", "removed", True),
        _change("image_editing", "POST /erase: response 409", "added", False),
        _change("image_editing", "POST /erase: response 429", "removed", False),
    ]


def test_a_response_media_type_removed_is_breaking_only_for_2xx() -> None:
    new = _spec("image_editing")
    responses = new["paths"]["/erase"]["post"]["responses"]
    del responses["200"]["content"]["application/json"]
    del responses["400"]["content"]["application/json"]
    assert diff_specs("image_editing", _effective("image_editing"), new) == [
        _change("image_editing", "POST /erase: response 200", "media type `application/json` removed", True),
        _change("image_editing", "POST /erase: response 400", "media type `application/json` removed", False),
    ]


# --- security ----------------------------------------------------------------------------------------------


def test_a_security_requirement_added_to_an_operation_is_breaking() -> None:
    new = _spec("image_editing")
    new["paths"]["/erase"]["post"]["security"].append({"OAuth": ["images:write"]})
    assert diff_specs("image_editing", _effective("image_editing"), new) == [
        _change("image_editing", "POST /erase: security requirement `OAuth (images:write)`", "added", True)
    ]
    assert diff_specs("image_editing", new, _effective("image_editing")) == [
        _change("image_editing", "POST /erase: security requirement `OAuth (images:write)`", "removed", False)
    ]


def test_a_root_security_requirement_counts_where_an_operation_inherits_it() -> None:
    old = _spec("status")
    del old["paths"]["/status/{request_id}"]["get"]["security"]
    new = copy.deepcopy(old)
    new["security"] = [{"BriaApiToken": []}]
    where = "GET /status/{request_id}: security requirement `BriaApiToken`"
    assert diff_specs("status", old, new) == [_change("status", where, "added", True)]
    overriding = copy.deepcopy(new)
    overriding["paths"]["/status/{request_id}"]["get"]["security"] = [{"BriaApiToken": []}, {}]
    assert diff_specs("status", new, overriding) == [
        _change("status", "GET /status/{request_id}: security requirement `(anonymous)`", "added", False)
    ]


def test_security_scheme_changes() -> None:
    new = _spec("image_editing")
    schemes = new["components"]["securitySchemes"]
    schemes["BriaApiToken"]["name"] = "X-Api-Key"
    schemes["Bearer"] = {"type": "http", "scheme": "bearer"}
    assert diff_specs("image_editing", _effective("image_editing"), new) == [
        _change("image_editing", "security scheme `Bearer`", "added", False),
        _change("image_editing", "security scheme `BriaApiToken`", "`name` changed: api_token -> X-Api-Key", True),
    ]
    del schemes["BriaApiToken"]
    assert _change("image_editing", "security scheme `BriaApiToken`", "removed", True) in diff_specs(
        "image_editing", _effective("image_editing"), new
    )


# --- schema rules on small documents -----------------------------------------------------------------------


def test_numeric_bounds_and_patterns() -> None:
    old = _mini({}, {"type": "object", "properties": {"n": {"type": "integer", "maximum": 10, "minimum": 0}}})
    new = _mini({}, {"type": "object", "properties": {"n": {"type": "integer", "maximum": 5, "minimum": -1}}})
    where = "POST /x: request body property `n`"
    assert diff_specs("t", old, new) == [
        _change("t", where, "maximum lowered: 10 -> 5", True),
        _change("t", where, "minimum lowered: 0 -> -1", False),
    ]
    old_flag = _mini({}, {"type": "number", "maximum": 1, "exclusiveMaximum": False, "pattern": "^a"})
    new_flag = _mini({}, {"type": "number", "maximum": 1, "exclusiveMaximum": True, "pattern": "^b"})
    assert diff_specs("t", old_flag, new_flag) == [
        _change("t", "POST /x: request body", "exclusiveMaximum added: True", True),
        _change("t", "POST /x: request body", "pattern changed: ^a -> ^b", True),
    ]


def test_enums_introduced_and_dropped() -> None:
    free = {"type": "object", "properties": {"mode": {"type": "string"}}}
    enum = {"type": "object", "properties": {"mode": {"type": "string", "enum": ["a", "b"]}}}
    assert diff_specs("t", _mini({}, free, free), _mini({}, enum, enum)) == [
        _change("t", "POST /x: request body property `mode`", "became an enum", True),
        _change("t", "POST /x: response 200 property `mode`", "became an enum", True),
    ]
    assert diff_specs("t", _mini({}, enum, enum), _mini({}, free, free)) == [
        _change("t", "POST /x: request body property `mode`", "no longer an enum", False),
        _change("t", "POST /x: response 200 property `mode`", "no longer an enum", True),
    ]


def test_composition_branches_and_items_and_additional_properties() -> None:
    old_schema = {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "properties": {"tags": {"type": "array", "items": {"oneOf": [{"type": "string"}]}}},
        "allOf": [{"properties": {"id": {"type": "string"}}}],
    }
    new_schema = copy.deepcopy(old_schema)
    new_schema["properties"]["tags"]["items"]["oneOf"].append({"type": "integer"})
    new_schema["additionalProperties"] = {"type": "integer"}
    new_schema["allOf"][0]["properties"]["id"]["format"] = "uuid"
    new_schema["allOf"].append({"required": ["id"]})
    old, new = _mini({}, old_schema, old_schema), _mini({}, new_schema, new_schema)
    body, response = "POST /x: request body", "POST /x: response 200"
    assert diff_specs("t", old, new) == [
        _change("t", body, "allOf[1] added", True),
        _change("t", f"{body} property `id`", "format changed: none -> uuid", True),
        _change("t", f"{body} property `tags[]`", "oneOf[1] added", False),
        _change("t", f"{body} property `{{}}`", "type changed: string -> integer", True),
        _change("t", response, "allOf[1] added", False),
        _change("t", f"{response} property `id`", "format changed: none -> uuid", True),
        _change("t", f"{response} property `tags[]`", "oneOf[1] added", True),
        _change("t", f"{response} property `{{}}`", "type changed: string -> integer", True),
    ]


def test_additional_properties_forbidden_breaks_requests_only() -> None:
    old = _mini({}, {"type": "object"}, {"type": "object"})
    new = _mini(
        {}, {"type": "object", "additionalProperties": False}, {"type": "object", "additionalProperties": False}
    )
    assert diff_specs("t", old, new) == [
        _change("t", "POST /x: request body", "additional properties forbidden", True),
        _change("t", "POST /x: response 200", "additional properties forbidden", False),
    ]


def test_openapi_3_1_type_lists() -> None:
    old = _mini({}, {"type": ["string", "null"]})
    new = _mini({}, {"type": "string"})
    assert diff_specs("t", old, new) == [
        _change("t", "POST /x: request body", "type changed: string | null -> string", True)
    ]


# --- $ref resolution and odd input -------------------------------------------------------------------------


def _tree(name_type: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "name": {"type": name_type},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
        },
    }


def test_a_recursive_ref_terminates_and_reports_the_change_once() -> None:
    ref = {"$ref": "#/components/schemas/Node"}
    old, new = _mini({"Node": _tree("string")}, ref), _mini({"Node": _tree("integer")}, ref)
    assert diff_specs("t", old, new) == [
        _change("t", "POST /x: request body property `name`", "type changed: string -> integer", True)
    ]
    # Recursive on one side only: the other side ends, and so does the comparison.
    assert diff_specs("t", old, _mini({}, {"type": "object"})) == [
        _change("t", "POST /x: request body property `children`", "removed", True),
        _change("t", "POST /x: request body property `name`", "removed", True),
    ]


def test_a_ref_loop_is_opaque_and_does_not_hang() -> None:
    loop = {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}
    document = _mini(loop, {"$ref": "#/components/schemas/A"})
    assert diff_specs("t", document, copy.deepcopy(document)) == []
    assert diff_specs("t", document, _mini(loop, {"$ref": "#/components/schemas/B"})) == [
        _change("t", "POST /x: request body", "schema changed", True)
    ]


def test_an_unresolvable_ref_is_compared_by_its_raw_value() -> None:
    missing = _mini({}, {"$ref": "#/components/schemas/Missing"})
    assert diff_specs("t", missing, copy.deepcopy(missing)) == []
    assert diff_specs("t", missing, _mini({}, {"$ref": "other.yaml#/Body"})) == [
        _change("t", "POST /x: request body", "schema changed", True)
    ]
    responses_ref = {"paths": {"/x": {"get": {"responses": {"200": {"$ref": "#/components/responses/Gone"}}}}}}
    assert diff_specs("t", responses_ref, copy.deepcopy(responses_ref)) == []


def test_ref_pointers_are_unescaped() -> None:
    ref = {"$ref": "#/components/schemas/a~1b~0c"}
    old = _mini({"a/b~c": {"type": "string"}}, ref)
    new = _mini({"a/b~c": {"type": "boolean"}}, ref)
    assert diff_specs("t", old, new) == [_change("t", "POST /x: request body", "type changed: string -> boolean", True)]


ODD_DOCUMENTS: list[Any] = [
    {},
    {"paths": None, "components": []},
    {"paths": {"/x": None}},
    {"paths": {"/x": {"get": "not an operation", "parameters": "nope"}}},
    {"paths": {"/x": {"get": {"parameters": [None, 1, {"in": "query"}], "requestBody": [], "responses": [1]}}}},
    {"paths": {"/x": {"get": {"responses": {200: None, "201": {"content": {"a/b": None}}}, "security": "all"}}}},
    {"paths": {"/x": {"post": {"requestBody": {"content": {"a/b": {"schema": {"properties": [], "enum": 3}}}}}}}},
    {"paths": {"/x": {"$ref": 7}}, "components": {"securitySchemes": {"k": None}}, "security": [None]},
]


@pytest.mark.parametrize(("old", "new"), list(itertools.product(ODD_DOCUMENTS, repeat=2)))
def test_odd_input_never_raises(old: Any, new: Any) -> None:
    changes = diff_specs("t", old, new)
    assert changes == sorted(set(changes))
    if old == new:
        assert changes == []


def test_odd_input_still_reports_what_it_can() -> None:
    old = {"paths": {"/x": {"get": {"responses": None}}}}
    new = {"paths": {"/x": {"get": {"responses": {200: "odd"}}}}, "components": {"securitySchemes": {"k": None}}}
    assert diff_specs("t", old, new) == [
        _change("t", "GET /x: response 200", "added", True),
        _change("t", "security scheme `k`", "added", False),
    ]


def test_changes_are_sorted_and_deduplicated() -> None:
    new = _spec("image_editing_v1")
    remove = new["paths"]["/background/remove"]["post"]["requestBody"]["content"]
    remove["application/json"] = copy.deepcopy(remove["multipart/form-data"])
    old = copy.deepcopy(new)
    # The same property change under two media types is one change.
    for media_type in ("application/json", "multipart/form-data"):
        remove[media_type]["schema"]["properties"]["image_url"]["maxLength"] = 2048
    changes = diff_specs("image_editing_v1", old, new)
    assert changes == [
        _change(
            "image_editing_v1",
            "POST /background/remove: request body property `image_url`",
            "maxLength added: 2048",
            True,
        )
    ]
