"""The routes `FakeBria` serves, read from the effective specs shipped in the package (`bria._specs`).

`make generate` writes every effective spec (upstream + overlays) as `bria/_specs/<document>.json`; this
module turns them into `SpecOperation` records: the full route (the server's path, from operation, path-item
or document `servers` as the SDK resolves them, plus the path template), what kind of answer it gets
(`job` for a documented 202 with `request_id` and `status_url`, `status` for the operation marked
`x-bria-job-status`, `plain` for the rest), the documented success answer (its example when valid, else
`minimal_instance` of its schema), and request validation: the JSON body against its schema ($refs resolved
within the document, OpenAPI 3.0's `nullable` understood) plus the overlays' either/or rules, and path and
query parameters read as their declared types.

jsonschema is imported only when the first request is validated, so importing `bria.testing` (and the
pytest plugin) works without the `testing` extra.
"""

from __future__ import annotations

import copy
import functools
import importlib.resources
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SPECS_PACKAGE = "bria._specs"
# A schema that nests deeper than this gets no more optional structure in a made-up answer.
_MAX_DEPTH = 12


class JsonschemaMissing(ModuleNotFoundError):
    """jsonschema is needed to validate requests against the spec: `pip install bria-openapi[testing]`."""


def require_jsonschema() -> None:
    try:
        import jsonschema  # noqa: F401
    except ModuleNotFoundError as exc:
        raise JsonschemaMissing(
            "bria.testing validates requests with jsonschema: install bria-openapi[testing], "
            "or pass FakeBria(validate=False)"
        ) from exc


@dataclass(frozen=True)
class Invalid:
    """Why a request does not match its operation: the offending field (dotted, "" for the whole body)."""

    field: str
    message: str


@dataclass
class SpecOperation:
    document: str
    operation_id: str
    method: str  # upper case
    template: str  # the spec's path template, e.g. "/status/{request_id}"
    route: str  # server path + template, e.g. "/v2/status/{request_id}"
    kind: str  # "job", "status" or "plain"
    spec: dict[str, Any] = field(repr=False)
    doc: dict[str, Any] = field(repr=False)
    pattern: re.Pattern[str] = field(repr=False, default=re.compile(""))
    path_parameters: tuple[str, ...] = ()
    # Request body properties, when the JSON body schema names them (webhook_url, sync, ...).
    body_properties: frozenset[str] = frozenset()
    json_body: bool = False
    body_required: bool = False
    _validator: Any = field(default=None, repr=False)

    @property
    def takes_webhook(self) -> bool:
        return "webhook_url" in self.body_properties

    @property
    def has_sync_flag(self) -> bool:
        return "sync" in self.body_properties

    @property
    def result_url_property(self) -> str | None:
        value = self.spec.get("x-bria-result-url")
        return value if isinstance(value, str) else None

    def match(self, path: str) -> dict[str, str] | None:
        """The path parameters (by their spec names, still percent-encoded) if `path` is this route."""
        found = self.pattern.fullmatch(path)
        return None if found is None else {p: found.group(_group(p)) for p in self.path_parameters}

    # ---- validation --------------------------------------------------------------------------

    def validate_body(self, body: Any) -> Invalid | None:
        """The first way `body` (parsed JSON) breaks the operation's request schema, or None."""
        validator = self._body_validator()
        if validator is None:
            return None
        error = _best_error(validator, body)
        if error is not None:
            return Invalid(_field_of(error), error.message)
        return self._either_or(body)

    def _either_or(self, body: Any) -> Invalid | None:
        """The overlays' either/or rules, which the schema cannot carry (an anyOf breaks the generator):
        `x-bria-one-of-required` (at least one alternative wholly present) and `x-bria-mutually-exclusive`."""
        schema = _resolve(self.doc, self.json_schema() or {})
        if not isinstance(body, dict) or not isinstance(schema, dict):
            return None
        given = {key for key, value in body.items() if value is not None}
        alternatives = [list(a) for a in schema.get("x-bria-one-of-required") or []]
        if alternatives and not any(set(a) <= given for a in alternatives):
            missing = next(key for key in alternatives[0] if key not in given)
            options = " or ".join("+".join(f"'{k}'" for k in a) for a in alternatives)
            return Invalid(missing, f"one of {options} is required")
        for group in schema.get("x-bria-mutually-exclusive") or []:
            both = [key for key in group if key in given]
            if len(both) > 1:
                return Invalid(both[1], f"{' and '.join(repr(k) for k in both)} cannot be sent together")
        return None

    def validate_parameters(self, query: Mapping[str, str], path: Mapping[str, str]) -> Invalid | None:
        """Path and query parameters: required ones present, each valid for its schema once read as the
        type it declares (so `?limit=10` is an integer and `/models/abc` is not a model id)."""
        for param in self.spec.get("parameters", []):
            param = _resolve(self.doc, param)
            where = param.get("in")
            if where not in ("query", "path"):
                continue
            name = str(param.get("name"))
            given = query if where == "query" else path
            if name not in given:
                if param.get("required"):
                    return Invalid(name, f"'{name}' is a required {where} parameter")
                continue
            schema = _resolve(self.doc, param.get("schema") or {})
            value = _coerce(unquote(given[name]), schema)
            error = _best_error(_validator_for(self.document, schema), value)
            if error is not None:
                return Invalid(name, f"{where} parameter '{name}': {error.message}")
        return None

    def _body_validator(self) -> Any:
        if self._validator is None:
            schema = self.json_schema()
            self._validator = False if schema is None else _validator_for(self.document, schema)
        return self._validator or None

    def json_schema(self) -> dict[str, Any] | None:
        body = _resolve(self.doc, self.spec.get("requestBody") or {})
        media = (body.get("content") or {}).get("application/json")
        if media is None or not isinstance(media.get("schema"), dict):
            return None
        schema: dict[str, Any] = media["schema"]
        return schema

    # ---- answers -----------------------------------------------------------------------------

    def success(self) -> tuple[int, Any, str | None]:
        """(status, body, content type) of the documented success answer: 200 first, else the lowest 2xx.

        The body is the response's example when it has one that matches its schema, else a minimal value
        made from the schema; None with no content type for a response without content (204).
        """
        responses = self.spec.get("responses") or {}
        codes = sorted(int(c) for c in responses if c.isdigit() and c.startswith("2"))
        if not codes:
            return 200, {}, "application/json"
        code = 200 if 200 in codes else codes[0]
        response = _resolve(self.doc, responses[str(code)])
        content = response.get("content") or {}
        if not content:
            return code, None, None
        content_type = "application/json" if "application/json" in content else next(iter(content))
        media = content[content_type] or {}
        schema = _resolve(self.doc, media.get("schema") or {})
        for example in _examples(media):
            if _valid(self.document, schema, example):
                return code, copy.deepcopy(example), content_type
        return code, minimal_instance(self.doc, schema), content_type

    def result_schema(self) -> dict[str, Any]:
        """The `result` object of this job operation's finished (200) answer, resolved ({} if undocumented)."""
        response = _resolve(self.doc, (self.spec.get("responses") or {}).get("200") or {})
        media = (response.get("content") or {}).get("application/json") or {}
        schema = _resolve(self.doc, media.get("schema") or {})
        result = _resolve(self.doc, (schema.get("properties") or {}).get("result") or {})
        return result if isinstance(result, dict) else {}


@dataclass
class SpecRoutes:
    operations: list[SpecOperation]
    status: SpecOperation | None

    def find(self, method: str, path: str) -> tuple[SpecOperation | None, dict[str, str], bool]:
        """(operation, path parameters, whether another method has this path) for a request path."""
        other_method = False
        for op in self.operations:
            params = op.match(path)
            if params is None:
                continue
            if op.method == method:
                return op, params, True
            other_method = True
        return None, {}, other_method

    def status_path(self, request_id: str) -> str:
        if self.status is None:
            return f"/v2/status/{request_id}"
        return self.status.route.replace("{" + self.status.path_parameters[0] + "}", request_id)

    def __iter__(self) -> Iterator[SpecOperation]:
        return iter(self.operations)


# --------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------


def document_names() -> list[str]:
    folder = importlib.resources.files(_SPECS_PACKAGE)
    return sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


@functools.cache
def load_document(name: str) -> dict[str, Any]:
    """One effective spec as shipped (parsed once per process; never mutated)."""
    text = importlib.resources.files(_SPECS_PACKAGE).joinpath(f"{name}.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def authenticates_with(doc: dict[str, Any], header: str) -> bool:
    """Whether the document's API key travels in `header` (Bria's `api_token`; Segmind's is `x-api-key`)."""
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    return any(
        s.get("type") == "apiKey" and s.get("in") == "header" and str(s.get("name", "")).lower() == header
        for s in schemes.values()
        if isinstance(s, dict)
    )


@functools.cache
def load_routes() -> SpecRoutes:
    """Every operation of every shipped spec of Bria's own API (its key in the `api_token` header: the
    Segmind document, another host with its own key, is not Bria's API to fake). Literal routes are tried
    before templated ones, so `/v1/tailored-gen/models` is never taken for `/v1/{visual_id}/...`."""
    operations: list[SpecOperation] = []
    for name in document_names():
        doc = load_document(name)
        if not authenticates_with(doc, "api_token"):
            continue
        for template, item in (doc.get("paths") or {}).items():
            for method in _HTTP_METHODS:
                spec = item.get(method)
                if isinstance(spec, dict):
                    operations.append(_operation(name, doc, template, item, method, spec))
    operations.sort(key=lambda op: (op.route.count("{"), -len(op.route)))
    status = next((op for op in operations if op.kind == "status"), None)
    return SpecRoutes(operations, status)


def _operation(
    name: str, doc: dict[str, Any], template: str, item: dict[str, Any], method: str, spec: dict[str, Any]
) -> SpecOperation:
    route = _server_path(doc, item, spec) + template
    params = tuple(re.findall(r"\{([^}/]+)\}", template))
    regex = "".join(f"(?P<{_group(p)}>[^/]+)" if p else re.escape(literal) for literal, p in _split_template(route))
    responses = spec.get("responses") or {}
    if spec.get("x-bria-job-status"):
        kind = "status"
    elif "202" in responses and {"request_id", "status_url"} <= set(
        _response_schema(doc, responses["202"]).get("properties") or {}
    ):
        kind = "job"
    else:
        kind = "plain"
    body = _resolve(doc, spec.get("requestBody") or {})
    media = (body.get("content") or {}).get("application/json")
    properties: frozenset[str] = frozenset()
    if media is not None:
        properties = frozenset(_properties(doc, media.get("schema") or {}))
    op = SpecOperation(
        document=name,
        operation_id=str(spec.get("operationId", f"{method} {template}")),
        method=method.upper(),
        template=template,
        route=route,
        kind=kind,
        spec=spec,
        doc=doc,
        pattern=re.compile(regex),
        path_parameters=params,
        body_properties=properties,
        json_body=media is not None,
        body_required=bool(body.get("required")),
    )
    return op


def _server_path(doc: dict[str, Any], item: dict[str, Any], spec: dict[str, Any]) -> str:
    # The SDK's rule (bria_pipeline.describe.server_path): operation servers, then path item, then document.
    for servers in (spec.get("servers"), item.get("servers"), doc.get("servers")):
        if servers:
            return urlsplit(str(servers[0]["url"])).path.rstrip("/")
    return ""


def _split_template(route: str) -> Iterator[tuple[str, str]]:
    """(literal, "") and ("", parameter) pieces of a path template, in order."""
    position = 0
    for found in re.finditer(r"\{([^}/]+)\}", route):
        if found.start() > position:
            yield route[position : found.start()], ""
        yield "", found.group(1)
        position = found.end()
    if position < len(route):
        yield route[position:], ""


def _group(parameter: str) -> str:
    # Regex group names must be identifiers; path parameter names here are, but keep it safe.
    return re.sub(r"\W", "_", parameter)


# --------------------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------------------


def _resolve(doc: Mapping[str, Any], node: Any) -> Any:
    """Follow local `$ref`s (`#/components/...`) until a node that is not a reference."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target: Any = doc
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
        seen += 1
        if seen > 64:
            break
    return node


def _response_schema(doc: Mapping[str, Any], response: Any) -> dict[str, Any]:
    media = (_resolve(doc, response).get("content") or {}).get("application/json") or {}
    schema = _resolve(doc, media.get("schema") or {})
    return schema if isinstance(schema, dict) else {}


def _properties(doc: Mapping[str, Any], schema: Any) -> set[str]:
    schema = _resolve(doc, schema)
    if not isinstance(schema, dict):
        return set()
    names = set(schema.get("properties") or {})
    for key in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(key) or []:
            names |= _properties(doc, branch)
    return names


def _examples(media: Mapping[str, Any]) -> Iterator[Any]:
    if "example" in media:
        yield media["example"]
    for example in (media.get("examples") or {}).values():
        if isinstance(example, dict) and "value" in example:
            yield example["value"]
    schema = media.get("schema")
    if isinstance(schema, dict) and "example" in schema:
        yield schema["example"]


def _nullable_as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's `nullable: true` in JSON Schema terms (a "null" type, None in an enum)."""
    if isinstance(node, list):
        return [_nullable_as_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable_as_json_schema(v) for k, v in node.items()}
    if out.get("nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


@functools.cache
def _components(doc_name: str) -> dict[str, Any]:
    components: dict[str, Any] = _nullable_as_json_schema(load_document(doc_name).get("components") or {})
    return components


# (document, id(schema)) -> validator. Non-empty schemas here are nodes of the documents, which live as long as
# the process (load_document is cached), so their ids stay theirs; an empty `{}` may be a temporary, and is
# the same schema whatever its id.
_VALIDATORS: dict[tuple[str, int], Any] = {}


def _validator_for(document: str, schema: Mapping[str, Any]) -> Any:
    """A Draft 4 validator (OpenAPI 3.0 schemas are a Draft 4/5 dialect) whose root also holds the
    document's `components`, so `#/components/schemas/...` references resolve within the document."""
    key = (document, id(schema))
    validator = _VALIDATORS.get(key)
    if validator is None:
        require_jsonschema()
        from jsonschema import Draft4Validator

        root = {**_nullable_as_json_schema(dict(schema)), "components": _components(document)}
        validator = _VALIDATORS[key] = Draft4Validator(root)
    return validator


def _best_error(validator: Any, instance: Any) -> Any:
    from jsonschema.exceptions import best_match

    return best_match(validator.iter_errors(instance))


def _field_of(error: Any) -> str:
    """The dotted path of the offending field; for a missing required property, that property."""
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        found = re.match(r"'([^']+)' is a required property", error.message)
        if found:
            path.append(found.group(1))
    elif error.validator == "additionalProperties":
        found = re.search(r"\('([^']+)'", error.message)
        if found:
            path.append(found.group(1))
    return ".".join(path)


def _valid(document: str, schema: Mapping[str, Any], instance: Any) -> bool:
    try:
        return _best_error(_validator_for(document, schema), instance) is None
    except JsonschemaMissing:
        return True  # without jsonschema the documented example is trusted as it is


def _coerce(value: str, schema: Mapping[str, Any]) -> Any:
    """A query string value as the type its schema declares (so `?limit=10` validates as an integer)."""
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
    except ValueError:
        return value
    if kind == "boolean" and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if kind == "array":
        return value.split(",")
    return value


def minimal_instance(doc: Mapping[str, Any], schema: Any, name: str = "", depth: int = 0) -> Any:
    """A small value valid for `schema`: its example or default when it has one, else the least that
    satisfies it (required properties only, minItems items, the first enum value, a made-up string)."""
    schema = _resolve(doc, schema)
    if not isinstance(schema, dict):
        return None
    for key in ("example", "default"):
        if key in schema:
            return copy.deepcopy(schema[key])
    if schema.get("enum"):
        return copy.deepcopy(schema["enum"][0])
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for branch in schema["allOf"]:
            part = minimal_instance(doc, branch, name, depth + 1)
            if isinstance(part, dict):
                merged.update(part)
        return merged
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return minimal_instance(doc, schema[key][0], name, depth + 1)
    kind = schema.get("type")
    if kind is None and "properties" in schema:
        kind = "object"
    if kind == "object":
        if depth > _MAX_DEPTH:
            return {}
        props = schema.get("properties") or {}
        keys = list(schema.get("required") or [])
        alternatives = schema.get("x-bria-one-of-required") or []  # the overlays' either/or: the first one
        keys += [key for key in (alternatives[0] if alternatives else []) if key not in keys]
        return {key: minimal_instance(doc, props.get(key, {}), key, depth + 1) for key in keys}
    if kind == "array":
        count = max(int(schema.get("minItems", 1)), 1)
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]))
        return [minimal_instance(doc, schema.get("items") or {}, name, depth + 1) for _ in range(count)]
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1.0))
    if kind == "boolean":
        return False
    if kind == "string":
        return _string(schema, name)
    return None


def _string(schema: Mapping[str, Any], name: str) -> str:
    fmt = schema.get("format")
    if fmt in ("uri", "url") or name.endswith(("url", "_uri")):
        return "https://example.com/result.png"  # made local by the server before it is sent
    if fmt == "date-time":
        return "2026-01-01T00:00:00Z"
    if fmt == "date":
        return "2026-01-01"
    if fmt == "uuid":
        return "00000000-0000-4000-8000-000000000000"
    text = "string"
    minimum = int(schema.get("minLength", 0))
    return (text * (minimum // len(text) + 1))[: max(minimum, len(text))]
