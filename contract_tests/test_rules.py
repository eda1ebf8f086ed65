"""Direct tests of the rules the contract specs add, and of the parts of checks that schemathesis.toml switches off.

- Either/or inputs (overlays/contract/*.yaml): a body without any alternative, or with two that exclude each
  other, is rejected by Prism with `sl-violations`, and the body schemathesis validates against says so too;
  the same body completed with one alternative is accepted. This is the case negative_data_rejection must see.
- The anyOf/not rules equal the codegen overlays' `x-bria-one-of-required` / `x-bria-mutually-exclusive` lists.
- Every operation requires its key (api_token; segmind: x-api-key): without it Prism answers 401 (what
  `ignored_auth` would also probe, minus the part Prism cannot do: telling a valid key from an invalid one).
- Multipart file parts keep the Content-Type that stops Prism 5.14 from crashing (stoplightio/prism#2672).
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from .cases import documented_request_examples, example_case, send, with_body
from .prism import PrismServer
from .specs import Operation, all_operations, contract_specs, spec_named

OPERATIONS = list(all_operations())


def _body_schemas() -> list[tuple[Operation, str, dict[str, Any]]]:
    found = []
    for operation in OPERATIONS:
        content = operation.definition.get("requestBody", {}).get("content", {})
        for media_type, media in content.items():
            schema = media.get("schema") if isinstance(media, dict) else None
            if isinstance(schema, dict):
                found.append((operation, media_type, schema))
    return found


BODY_SCHEMAS = _body_schemas()
EITHER_OR = [(op, media, schema) for op, media, schema in BODY_SCHEMAS if "x-bria-one-of-required" in schema]
EXCLUSIVE = [(op, media, schema) for op, media, schema in BODY_SCHEMAS if "x-bria-mutually-exclusive" in schema]


def _required_groups(groups: list[list[str]]) -> list[dict[str, list[str]]]:
    return [{"required": list(group)} for group in groups]


@pytest.mark.parametrize(("operation", "media_type", "schema"), BODY_SCHEMAS, ids=lambda v: getattr(v, "test_id", None))
def test_contract_rules_spell_the_extension_lists(
    operation: Operation, media_type: str, schema: dict[str, Any]
) -> None:
    """anyOf == x-bria-one-of-required and not.anyOf == x-bria-mutually-exclusive, in both directions."""
    one_of = schema.get("x-bria-one-of-required")
    exclusive = schema.get("x-bria-mutually-exclusive")
    where = f"{operation.spec} {operation.label} ({media_type})"
    assert schema.get("anyOf") == (_required_groups(one_of) if one_of else None), (
        f"{where}: the contract overlay's anyOf does not spell x-bria-one-of-required {one_of}; "
        f"update overlays/contract/{operation.spec}.yaml"
    )
    expected_not = {"anyOf": _required_groups(exclusive)} if exclusive else None
    assert schema.get("not") == expected_not, (
        f"{where}: the contract overlay's `not` does not spell x-bria-mutually-exclusive {exclusive}; "
        f"update overlays/contract/{operation.spec}.yaml"
    )


def _schemas_with_known_values(node: Any, where: str = "#") -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        if "x-bria-known-values" in node:
            found.append((where, node))
        for key, value in node.items():
            found += _schemas_with_known_values(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _schemas_with_known_values(value, f"{where}/{index}")
    return found


@pytest.mark.parametrize("spec_name", [spec.name for spec in contract_specs()])
def test_contract_enums_spell_the_known_values(spec_name: str) -> None:
    """Where the codegen spec leaves a string open (x-bria-known-values), the contract spec closes it, same list."""
    spec = next(s for s in contract_specs() if s.name == spec_name)
    mismatched = [
        f"{where}: enum {schema.get('enum')} != x-bria-known-values {schema['x-bria-known-values']}"
        for where, schema in _schemas_with_known_values(spec.document)
        if schema.get("enum") != schema["x-bria-known-values"]
    ]
    assert not mismatched, f"{spec_name}: update overlays/contract/{spec_name}.yaml:\n  " + "\n  ".join(mismatched)


def _without(body: dict[str, Any], names: set[str]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in names}


def _body_of(operation: Operation) -> dict[str, Any]:
    body = example_case(operation).body
    assert isinstance(body, dict), f"{operation.spec} {operation.label}: the example body is not an object"
    return dict(body)


def _rejected_with_violations(operation: Operation, response: Any, what: str) -> None:
    assert 400 <= response.status_code < 500, (
        f"{operation.spec} {operation.label}: Prism accepted {what} with {response.status_code}: {response.text[:300]}"
    )
    violations = response.headers.get("sl-violations")
    assert violations, f"{operation.spec} {operation.label}: {response.status_code} without sl-violations for {what}"
    assert json.loads(violations), violations


@pytest.mark.parametrize(("operation", "media_type", "schema"), EITHER_OR, ids=lambda v: getattr(v, "test_id", None))
def test_body_without_any_input_is_rejected(
    operation: Operation, media_type: str, schema: dict[str, Any], prism_mocks: dict[str, PrismServer]
) -> None:
    server = prism_mocks[operation.spec]
    case = example_case(operation)
    alternatives: list[list[str]] = schema["x-bria-one-of-required"]
    every_input = {name for group in alternatives for name in group}
    neither = _without(_body_of(operation), every_input)
    # The body the negative check works from is invalid by the contract spec itself...
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(neither, schema, cls=jsonschema.Draft4Validator)
    # ...and Prism, which validates with the same spec, rejects it.
    rejected = send(with_body(case, neither), server.base_url)
    _rejected_with_violations(operation, rejected, f"a body with none of {alternatives}")
    # Completed with the first alternative (values from a valid example), the same body is accepted.
    complete = {**neither, **_values_for(operation, alternatives[0])}
    accepted = send(with_body(case, complete), server.base_url)
    assert accepted.status_code < 300 and "sl-violations" not in accepted.headers, (
        f"{operation.spec} {operation.label}: {complete} was rejected: {accepted.status_code} "
        f"{accepted.headers.get('sl-violations')}"
    )


@pytest.mark.parametrize(("operation", "media_type", "schema"), EXCLUSIVE, ids=lambda v: getattr(v, "test_id", None))
def test_body_with_exclusive_inputs_is_rejected(
    operation: Operation, media_type: str, schema: dict[str, Any], prism_mocks: dict[str, PrismServer]
) -> None:
    server = prism_mocks[operation.spec]
    case = example_case(operation)
    for group in schema["x-bria-mutually-exclusive"]:
        both = {**_body_of(operation), **_values_for(operation, group)}
        _rejected_with_violations(
            operation, send(with_body(case, both), server.base_url), f"a body with all of {group}"
        )


def _values_for(operation: Operation, names: list[str]) -> dict[str, Any]:
    """Valid values for these body properties, taken from the operation's examples or its schema's."""
    schema = next(s for op, _media, s in BODY_SCHEMAS if op is operation)
    properties: dict[str, Any] = schema.get("properties", {})
    values: dict[str, Any] = {}
    written = _request_example_values(operation)
    for name in names:
        prop = properties.get(name, {})
        if name in written:
            values[name] = written[name]
        elif "example" in prop:
            values[name] = prop["example"]
        elif prop.get("format") == "binary":
            values[name] = b"\x89PNG\r\n\x1a\n"
        elif prop.get("type") == "array":
            values[name] = [1, 1] if prop.get("items", {}).get("type") == "integer" else ["https://example.com/a.png"]
        elif "uri" in str(prop.get("format", "")) or name.endswith("_url"):
            values[name] = "https://example.com/a.png"
        else:
            values[name] = "a sunny beach"
    return values


def _request_example_values(operation: Operation) -> dict[str, Any]:
    """Property values from the request examples the operation writes down (first example wins)."""
    found: dict[str, Any] = {}
    for media in (operation.definition.get("requestBody", {}).get("content") or {}).values():
        bodies = [media.get("example"), *(e.get("value") for e in (media.get("examples") or {}).values())]
        for body in bodies:
            if isinstance(body, dict):
                found = {**body, **found}
    return found


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.test_id)
def test_documented_request_examples_are_accepted(operation: Operation, prism_mocks: dict[str, PrismServer]) -> None:
    """Each request example of the spec, sent as written, is a request the spec allows (Prism says 2xx)."""
    server = prism_mocks[operation.spec]
    problems = []
    for label, case in documented_request_examples(operation):
        response = send(case, server.base_url)
        if response.status_code >= 300 or "sl-violations" in response.headers:
            problems.append(f"{label}: {response.status_code} {response.headers.get('sl-violations')}")
    assert not problems, (
        f"{operation.spec} {operation.label} ({operation.operation_id}): the spec's own request examples are "
        "rejected by the spec:\n  " + "\n  ".join(problems)
    )


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.test_id)
def test_request_without_api_token_is_rejected(operation: Operation, prism_mocks: dict[str, PrismServer]) -> None:
    assert operation.definition.get("security"), (
        f"{operation.spec} {operation.label} declares no security requirement, so a request without the api_token "
        "key would be valid (and Prism would accept it)"
    )
    server = prism_mocks[operation.spec]
    case = example_case(operation)
    without = send(case, server.base_url, {spec_named(operation.spec).auth_header: None})
    assert without.status_code == 401, f"{operation.spec} {operation.label}: no key gave {without.status_code}"
    assert "sl-violations" in without.headers
    with_key = send(case, server.base_url)
    assert with_key.status_code < 300, (
        f"{operation.spec} {operation.label}: the example request with a key gave {with_key.status_code}: "
        f"{with_key.headers.get('sl-violations')}"
    )


@pytest.mark.parametrize("spec_name", [spec.name for spec in contract_specs()])
def test_multipart_file_parts_declare_a_content_type(spec_name: str) -> None:
    """Without `encoding.<part>.contentType` schemathesis sends file parts Prism 5.14 dies on (prism#2672)."""
    missing = []
    for operation, media_type, schema in BODY_SCHEMAS:
        if operation.spec != spec_name or not media_type.startswith("multipart/"):
            continue
        media = operation.definition["requestBody"]["content"][media_type]
        for name, prop in schema.get("properties", {}).items():
            if prop.get("format") == "binary" and not media.get("encoding", {}).get(name, {}).get("contentType"):
                missing.append(f"{operation.label} part `{name}`")
    assert not missing, f"{spec_name}: multipart file parts without encoding contentType: {missing}"
