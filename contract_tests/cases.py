"""Schemathesis schemas of the contract specs, and valid requests built from them.

`example_case` gives one deterministic valid request per operation: the spec's own example when it has one
(that is what a reader of the docs would send), otherwise the simplest request schemathesis can generate.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck
from schemathesis import Case
from schemathesis.generation import GenerationMode
from schemathesis.schemas import APIOperation, BaseSchema

from . import policy, settings
from .specs import Operation, auth_headers, spec_named

_FIND_SETTINGS = hypothesis.settings(
    # Shrinking gives the simplest valid request; the explain phase would only cost time.
    phases=[hypothesis.Phase.generate, hypothesis.Phase.shrink],
    database=None,
    derandomize=True,
    max_examples=200,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@functools.cache
def schema_for(spec_name: str) -> BaseSchema:
    return schemathesis.openapi.from_path(spec_named(spec_name).path, config=policy.load_config())


def api_operation(operation: Operation) -> APIOperation[Any, Any, Any, Any]:
    return schema_for(operation.spec)[operation.path][operation.method]


@functools.cache
def example_case(operation: Operation) -> Case[Any]:
    """A valid request for the operation: its first explicit example, else the simplest generated one."""
    api = api_operation(operation)
    strategies = api.get_strategies_from_examples()
    strategy = strategies[0] if strategies else api.as_strategy(generation_mode=GenerationMode.POSITIVE)
    case: Case[Any] = hypothesis.find(strategy, lambda _: True, settings=_FIND_SETTINGS)
    return case


def documented_request_examples(operation: Operation) -> list[tuple[str, Case[Any]]]:
    """Every request example the spec writes down, each as a full request.

    Schemathesis silently skips examples that violate their schema; these are taken from the document as
    written, so an example the schema forbids is sent (and must be accepted). The rest of the request
    (path, query) comes from `example_case`.
    """
    base = example_case(operation)
    found: list[tuple[str, Case[Any]]] = []
    content = operation.definition.get("requestBody", {}).get("content", {})
    for media_type, media in content.items():
        if not isinstance(media, dict):
            continue
        values: list[tuple[str, Any]] = []
        if "example" in media:
            values.append(("example", media["example"]))
        for key, example in (media.get("examples") or {}).items():
            if isinstance(example, dict) and "value" in example:
                values.append((f"examples/{key}", example["value"]))
        schema = media.get("schema")
        if isinstance(schema, dict) and "example" in schema:
            values.append(("schema example", schema["example"]))
        for label, value in values:
            found.append((f"{media_type} {label}", with_body(base, value, media_type)))
    for parameter in operation.definition.get("parameters", []):
        location, name = parameter.get("in"), parameter.get("name")
        schema = parameter.get("schema") or {}
        for label, value in (("example", parameter.get("example")), ("schema example", schema.get("example"))):
            if value is not None and location in ("path", "query"):
                found.append((f"{location} {name} {label}", with_parameter(base, location, name, value)))
    return found


def with_parameter(case: Case[Any], location: str, name: str, value: Any) -> Case[Any]:
    path_parameters = dict(case.path_parameters or {})
    query = dict(case.query or {})
    (path_parameters if location == "path" else query)[name] = value
    copied: Case[Any] = case.operation.Case(
        path_parameters=path_parameters,
        headers=dict(case.headers or {}),
        query=query,
        body=case.body,
        media_type=case.media_type,
    )
    return copied


def with_body(case: Case[Any], body: Any, media_type: str | None = None) -> Case[Any]:
    """A copy of the case with another body (cases are cached and shared, so never mutated)."""
    copied: Case[Any] = case.operation.Case(
        path_parameters=dict(case.path_parameters or {}),
        headers=dict(case.headers or {}),
        query=dict(case.query or {}),
        body=body,
        media_type=media_type or case.media_type,
    )
    return copied


def send(case: Case[Any], base_url: str, headers: Mapping[str, str | None] | None = None) -> requests.Response:
    """Send a case with `requests` exactly as schemathesis would; a header mapped to None is left out."""
    kwargs: dict[str, Any] = case.as_transport_kwargs(base_url=base_url)
    merged = {**kwargs.get("headers", {}), **dict.fromkeys(sorted(auth_headers()), settings.DUMMY_API_TOKEN)}
    for name, value in (headers or {}).items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    kwargs["headers"] = merged
    return requests.request(timeout=15, **kwargs)
