"""Requests that Prism 5.14.2 does not answer from the spec, so the suite does not send them.

Used by the schemathesis test and by the client tests; each withheld case is counted in the summary.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

from schemathesis import Case

_MULTIPART_NAME_BREAKERS = ("%", ";")


def withheld_reason(case: Case[Any]) -> str | None:
    """Why this case must not be sent to Prism, or None. Withheld cases are counted in the summary.

    Two kinds of request are not answered from the spec, so they say nothing about it:

    - Prism 5.14.2 crashes (uncaught exception, process exit) on a multipart part name containing `%` that is
      not valid percent-encoding (`URIError: URI malformed` in prism-http's validator/validators/body.js,
      decodeUriEntities) or containing `;` (parse-multipart-data then reads a `filename=` parameter that is not
      there: the crash of stoplightio/prism#2672). Schemathesis invents such names for the free-form extra
      properties of multipart bodies. test_harness.py shows the crash and how the supervisor reports it.
    - Prism 5.14.2 also dies on a JSON body that breaks `additionalProperties: false` (video_editing) with a
      property name Node cannot put in a header: it copies the name into its `sl-violations` header and
      `ServerResponse.setHeader` throws ERR_INVALID_CHAR for a code point above U+00FF or a control character
      (prism-http-server's addViolationHeader). Schemathesis invents such names in its negative cases.
    - A JSON body that is not JSON at all (schemathesis' "Invalid syntax: random bytes") is rejected by Prism's
      HTTP layer (micri) before the spec is consulted, with its own `400 {"error": {"code": "invalid_json"}}`,
      whatever the spec documents for 400.

    Four kinds are answered, but not from the spec: Prism 5.14.2 accepts them whatever the schema says, so a
    2xx would be reported as "schema-violating request accepted" (ST201) against a spec that forbids them.
    Seen on tailored_generation, the first document with integer/boolean path and query parameters and an
    optional JSON body:

    - an empty query value (`?max_images=`, `?include_training_parameters=`, `?atmosphere=`) for a parameter
      that cannot be empty (not a string, or an enum, pattern, format or minLength): Prism takes it as absent;
    - a path segment of only white space or control characters (`/projects/%0C`) for an integer parameter:
      Prism's coercion trims it to nothing and matches the route;
    - a JSON `null` body for an operation whose body is optional: Prism takes it as no body;
    - a query parameter the operation does not declare (schemathesis' `x-schemathesis-unknown-property`):
      OpenAPI has no way to forbid them, and Prism ignores them (seen on ai_search's GET /search).
    """
    media_type = case.media_type or ""
    if (
        media_type.startswith("multipart/")
        and isinstance(case.body, Mapping)
        and multipart_names_crash_prism(case.body)
    ):
        return "multipart part name Prism 5.14 crashes on"
    if "json" in media_type and isinstance(case.body, bytes):
        try:
            json.loads(case.body)
        except ValueError:
            return "JSON body that is not JSON (answered by Prism's HTTP layer, not from the spec)"
    if "json" in media_type and _closed_body(case, media_type) and _has_unsendable_name(case.body):
        return "JSON property name Prism 5.14 crashes on when it reports it in a header"
    if "json" in media_type and case.body is None and not _body_required(case):
        return "JSON null for an optional body (Prism takes it as no body)"
    declared = {p["name"] for p in _parameters(case, "query")}
    if any(name not in declared for name in case.query or {}):
        return "undeclared query parameter (OpenAPI does not forbid them; Prism ignores them)"
    for parameter in _parameters(case, "query"):
        value = (case.query or {}).get(parameter["name"])
        if value == "" and _empty_is_invalid(parameter):
            return "empty value for a query parameter that cannot be empty (Prism takes it as absent)"
    for parameter in _parameters(case, "path"):
        # Schemathesis keeps path values percent-encoded (`%0C`).
        value = (case.path_parameters or {}).get(parameter["name"])
        if isinstance(value, str) and not unquote(value).strip() and _schema_type(parameter) == "integer":
            return "blank segment for an integer path parameter (Prism trims it and matches the route)"
    return None


def _closed_body(case: Case[Any], media_type: str) -> bool:
    """Whether the operation's body schema (inline) forbids additional properties: only then does Prism name
    an unknown property in its violation header."""
    content = (_definition(case).get("requestBody") or {}).get("content") or {}
    schema = (content.get(media_type) or {}).get("schema") if isinstance(content, Mapping) else None
    return isinstance(schema, Mapping) and schema.get("additionalProperties") is False


def _has_unsendable_name(body: Any) -> bool:
    if isinstance(body, Mapping):
        return any(_unsendable(str(key)) or _has_unsendable_name(value) for key, value in body.items())
    if isinstance(body, list):
        return any(_has_unsendable_name(item) for item in body)
    return False


def _unsendable(name: str) -> bool:
    # Node's header check: tab, then 0x20-0x7e and 0x80-0xff only.
    return any(ch != "\t" and (ord(ch) < 0x20 or ord(ch) == 0x7F or ord(ch) > 0xFF) for ch in name)


def _definition(case: Case[Any]) -> Mapping[str, Any]:
    definition = case.operation.definition.raw
    return definition if isinstance(definition, Mapping) else {}


def _body_required(case: Case[Any]) -> bool:
    return bool((_definition(case).get("requestBody") or {}).get("required"))


def _parameters(case: Case[Any], location: str) -> list[Mapping[str, Any]]:
    found = [p for p in _definition(case).get("parameters", []) if isinstance(p, Mapping)]
    return [p for p in found if p.get("in") == location and "name" in p]


def _empty_is_invalid(parameter: Mapping[str, Any]) -> bool:
    schema = parameter.get("schema")
    if not isinstance(schema, Mapping):
        return False
    if schema.get("type") not in ("string", None):
        return True
    return bool(schema.get("enum") or schema.get("minLength") or schema.get("pattern") or schema.get("format"))


def _schema_type(parameter: Mapping[str, Any]) -> str | None:
    schema = parameter.get("schema")
    return schema.get("type") if isinstance(schema, Mapping) else None


def multipart_names_crash_prism(names: Iterable[object]) -> bool:
    """Whether a multipart body with these part names would crash Prism (see `withheld_reason`)."""
    return any(any(ch in str(name) for ch in _MULTIPART_NAME_BREAKERS) for name in names)
