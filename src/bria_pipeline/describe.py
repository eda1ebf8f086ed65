"""What the SDK needs to know of each operation, read from an effective spec: plain data, no source code.

`describe_document` reads one effective spec through openapi-python-client's own parser (so argument
names and types are exactly those of the generated package) and returns one `OperationDescription` per
operation: its route, arguments, body, image inputs, constraints, documented answers and deprecation.
`facade.py` renders these descriptions as Python; nothing here knows how they are written out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.properties import EnumProperty
from openapi_python_client.schema.untrusted_string import UntrustedString

from .layout import SpecDocument
from .problems import Problem

# Argument names the facade methods use themselves.
RESERVED = frozenset({"self", "wait", "max_wait"})
_RULE_KEYS = {
    "enum": "enum",
    "minimum": "minimum",
    "maximum": "maximum",
    "minLength": "min_length",
    "maxLength": "max_length",
    "minItems": "min_items",
    "maxItems": "max_items",
}
_DEFAULT_ACCEPT = ("jpeg", "png", "webp")


@dataclass(frozen=True)
class Argument:
    """One keyword argument of a facade method."""

    name: str
    annotation: str
    required: bool
    doc: str = ""


@dataclass(frozen=True)
class ImageInputDescription:
    """A facade argument (e.g. `image`) that fills one of several body attributes, each in a wire form."""

    parameter: str
    members: tuple[tuple[str, str], ...]
    accept: tuple[str, ...]
    # A list of images (`"many": true` in the hint): the argument takes one image or a sequence of them.
    many: bool = False


@dataclass
class OperationDescription:
    document: str
    name: str
    summary: str
    # The operation's own description (whole, one paragraph), or "".
    description: str
    method: str
    path: str
    # The server URL's path (operation servers, else path-item servers, else the document's).
    path_prefix: str
    # The generated module that builds the request and parses the answer (`bria._generated.x.api.tag.name`).
    module: str
    arguments: list[Argument] = field(default_factory=list)
    body_model: str | None = None
    body_attributes: tuple[str, ...] = ()
    finish_flag: str | None = None
    # A v2 job's body flag that makes the server answer with the finished result instead of a 202 (`sync`).
    sync_flag: str | None = None
    # Body attribute -> generated enum class name.
    enum_types: dict[str, str] = field(default_factory=dict)
    images: tuple[ImageInputDescription, ...] = ()
    one_of_required: tuple[tuple[str, ...], ...] = ()
    # Argument names that must not be given together (`x-bria-mutually-exclusive`).
    mutually_exclusive: tuple[tuple[str, ...], ...] = ()
    required: tuple[str, ...] = ()
    path_parameters: tuple[str, ...] = ()
    # (argument, {Rule field: value}) for every argument whose schema constrains it.
    rules: tuple[tuple[str, dict[str, Any]], ...] = ()
    is_job: bool = False
    failure_statuses: tuple[int, ...] = ()
    empty_statuses: tuple[int, ...] = ()
    object_statuses: tuple[int, ...] = ()
    deprecated: str | None = None
    replaced_by: str | None = None
    # The type the facade method returns (a union of the typed 2xx answers).
    returns: str = "Any"
    # The answer property holding the result's URL (`x-bria-result-url`): the call returns a result.
    result_url: str | None = None
    # The finished answer always has a result URL: the call returns an `ImageResult`.
    image_result: bool = False
    # This operation reports a v2 job's state (`x-bria-job-status`): `client.wait` polls with it.
    reports_job_status: bool = False
    # Media types of the documented 2xx answers that are files, not JSON or text: the call returns the bytes.
    binary_media_types: tuple[str, ...] = ()
    # The 2xx header marked `x-bria-remaining-credits` (segmind's `x-remaining-credits`).
    credits_header: str | None = None
    # Error codes marked `x-bria-insufficient-credits` (segmind's 406).
    credit_statuses: tuple[int, ...] = ()

    @property
    def record(self) -> str:
        """The module-level name of the operation's `Operation` record in its facade."""
        return f"_{self.name.upper()}"

    @property
    def takes_binary_images(self) -> bool:
        return any(wire == "binary" for image in self.images for _, wire in image.members)


def describe_document(
    root: Path, out: Path, document: SpecDocument, effective: dict[str, Any]
) -> tuple[list[OperationDescription], list[Problem]]:
    """Every operation of one effective spec, sorted by name; problems name what could not be described."""
    config = Config.from_sources(
        ConfigFile.load_from_path(root / document.codegen_config),
        MetaType.NONE,
        out / document.effective,
        "utf-8",
        False,
        None,
    )
    data = GeneratorData.from_dict(effective, config=config)
    if not isinstance(data, GeneratorData):
        return [], [Problem("facade", document.name, f"parser failed: {data}")]
    api_dir = out / document.package_dir / "api"
    problems: list[Problem] = []
    described: list[OperationDescription] = []
    collections = data.endpoint_collections_by_tag.values()
    for endpoint in sorted((e for c in collections for e in c.endpoints), key=lambda e: raw(e.name)):
        name = raw(endpoint.name)
        modules = list(api_dir.glob(f"*/{name}.py"))
        if len(modules) != 1:
            found = f"expected one generated module, found {modules}"
            problems.append(Problem("facade", f"{document.name}.{name}", found))
            continue
        path_item = effective["paths"][raw(endpoint.path)]
        spec_op = path_item[raw(endpoint.method).lower()]
        description = OperationDescription(
            document=document.name,
            name=name,
            summary=str(spec_op.get("summary") or name).strip().rstrip("."),
            description=_doc(spec_op),
            method=raw(endpoint.method).upper(),
            path=raw(endpoint.path),
            path_prefix=server_path(effective, path_item, spec_op),
            module=f"{document.package}.api.{modules[0].parent.name}.{name}",
        )
        problems += _describe(description, document, endpoint, spec_op, effective)
        described.append(description)
    return described, problems


def server_path(effective: dict[str, Any], path_item: dict[str, Any], spec_op: dict[str, Any]) -> str:
    """The path of the server an operation is called on: operation servers win over path-item servers,
    which win over the document's (openapi-python-client ignores all three, its issue #112)."""
    for servers in (spec_op.get("servers"), path_item.get("servers"), effective.get("servers")):
        if servers:
            return urlparse(str(servers[0]["url"])).path.rstrip("/")
    return ""


def is_job_answer(effective: dict[str, Any], response: Any) -> bool:
    """A 202 whose JSON body has `request_id` and `status_url`: a v2 job the client can wait for."""
    return {"request_id", "status_url"} <= set(_json_schema(effective, response).get("properties") or {})


def _describe(
    op: OperationDescription, document: SpecDocument, endpoint: Any, spec_op: dict[str, Any], effective: dict[str, Any]
) -> list[Problem]:
    problems: list[Problem] = []
    responses = spec_op.get("responses", {})
    op.is_job = "202" in responses and is_job_answer(effective, responses["202"])
    op.deprecated = _deprecation(document, op.name, spec_op)
    op.replaced_by = spec_op.get("x-bria-replaced-by")
    op.reports_job_status = bool(spec_op.get("x-bria-job-status"))
    spec_params = {p["name"]: p for p in spec_op.get("parameters", []) if "name" in p}
    rules: list[tuple[str, dict[str, Any]]] = []
    for prop in [*endpoint.path_parameters, *endpoint.query_parameters]:
        spec_param = spec_params.get(raw(prop.name), {})
        op.arguments.append(Argument(prop.python_name, _typed(op, prop), prop.required, _doc(spec_param)))
        rules += _rule(prop.python_name, spec_param.get("schema", {}))
    if endpoint.bodies:
        rules += _describe_body(op, endpoint.bodies[0], spec_op)
    if RESERVED & {a.name for a in op.arguments}:
        clash = f"an argument is named one of {sorted(RESERVED)}"
        problems.append(Problem("facade", f"{document.name}.{op.name}", clash))
    two_xx = {int(code): r for code, r in responses.items() if code.isdigit() and code.startswith("2")}
    op.failure_statuses = tuple(
        sorted(code for code, r in two_xx.items() if r.get("x-bria-client-error") or r.get("x-bria-retry"))
    )
    op.empty_statuses = tuple(sorted(code for code, r in two_xx.items() if not _resolve(effective, r).get("content")))
    op.object_statuses = tuple(sorted(code for code, r in two_xx.items() if _answers_an_object(effective, r)))
    op.required = tuple(a.name for a in op.arguments if a.required)
    op.path_parameters = tuple(prop.python_name for prop in endpoint.path_parameters)
    op.rules = tuple(rules)
    op.returns = _return_type(endpoint, set(op.failure_statuses), set(op.empty_statuses))
    op.result_url = spec_op.get("x-bria-result-url")
    answers = [_resolve(effective, r) for r in two_xx.values()]
    op.binary_media_types = tuple(
        sorted({media for r in answers for media in r.get("content") or {} if _is_binary_media(media)})
    )
    credit_headers = [
        name for r in answers for name, h in (r.get("headers") or {}).items() if h.get("x-bria-remaining-credits")
    ]
    op.credits_header = credit_headers[0].lower() if credit_headers else None
    op.credit_statuses = tuple(
        sorted(
            int(code)
            for code, r in responses.items()
            if code.isdigit() and _resolve(effective, r).get("x-bria-insufficient-credits")
        )
    )
    if op.binary_media_types:
        # The generator types such an answer as its `File`; the runtime returns the bytes as a BinaryResult.
        op.returns = "BinaryResult"
    op.image_result = op.result_url is not None or (op.is_job and _requires_image_url(effective, responses.get("200")))
    op.arguments.sort(key=lambda a: not a.required)
    return problems


def _describe_body(op: OperationDescription, body: Any, spec_op: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The body's arguments, image inputs and constraints (added to `op`); returns the body's rules."""
    model = body.prop
    schema = spec_op["requestBody"]["content"][raw(body.content_type)].get("schema", {})
    spec_props = schema.get("properties", {})
    properties = [*model.required_properties, *model.optional_properties]
    wire_to_python = {raw(p.name): p.python_name for p in properties}
    slots: dict[str, list[tuple[str, str]]] = {}
    accept: dict[str, tuple[str, ...]] = {}
    many: set[str] = set()
    attributes: list[str] = []
    rules: list[tuple[str, dict[str, Any]]] = []
    for prop in properties:
        wire, python = raw(prop.name), prop.python_name
        spec_prop = spec_props.get(wire, {})
        hint = spec_prop.get("x-bria-image-input")
        if hint:
            slots.setdefault(hint["parameter"], []).append((python, hint["wire"]))
            accept[hint["parameter"]] = tuple(hint.get("accept", _DEFAULT_ACCEPT))
            if hint.get("many"):
                many.add(hint["parameter"])
            continue
        attributes.append(python)
        doc = _doc(spec_prop)
        if "x-bria-server-default" in spec_prop:
            # The default the server applies when the argument is not sent (a spec `default` would be sent).
            doc = f"{doc} Server default: {_json_text(spec_prop['x-bria-server-default'])}.".strip()
        op.arguments.append(Argument(python, _typed(op, prop), prop.required, doc))
        rules += _rule(python, spec_prop)
    groups = _one_of(schema.get("x-bria-one-of-required", []), wire_to_python, slots)
    required_wire = set(schema.get("required", []))
    for parameter, members in slots.items():
        member_wire = {w for w, p in wire_to_python.items() if p in {m for m, _ in members}}
        required = bool(member_wire & required_wire) or (bool(groups) and all(parameter in g for g in groups))
        kinds = "/".join(sorted({wire for _, wire in members}))
        what = "one image or a list of images, each" if parameter in many else "image"
        if kinds == "url":
            # A URL-only input refuses local images (`ImageInputError`): the docstring must not offer them.
            doc = f"{what} as a public http(s) URL (sent as url)"
        else:
            doc = f"{what} as an http(s) URL, a local path, bytes, a binary file or base64 (sent as {kinds})"
        annotation = "ImageInput | Sequence[ImageInput]" if parameter in many else "ImageInput"
        op.arguments.append(Argument(parameter, annotation if required else f"{annotation} | None", required, doc))
    op.body_model = model.class_info.name
    op.body_attributes = tuple(attributes)
    # A non-job operation with a `sync` flag answers placeholder URLs unless asked to finish first
    # (v1's sync=false): the runtime sends `sync=true` unless the caller chose.
    op.finish_flag = "sync" if "sync" in attributes and not op.is_job else None
    op.sync_flag = "sync" if "sync" in attributes and op.is_job else None
    op.images = tuple(ImageInputDescription(p, tuple(m), accept[p], p in many) for p, m in slots.items())
    op.one_of_required = tuple(groups)
    op.mutually_exclusive = tuple(_one_of(schema.get("x-bria-mutually-exclusive", []), wire_to_python, slots))
    return rules


def _typed(op: OperationDescription, prop: Any) -> str:
    """The argument's annotation, typed as the runtime accepts it: an array as any `Sequence` (a tuple is
    sent as a list), and an enum also as its plain values (`"png"`, `2`), which the runtime converts to the
    generated enum (recorded in `enum_types`)."""
    annotation = re.sub(r"(^|\| )list\[", r"\1Sequence[", _annotation(prop))
    if not isinstance(prop, EnumProperty):
        return annotation
    op.enum_types[prop.python_name] = prop.class_info.name
    return f"Literal[{', '.join(repr(v) for v in prop.values.values())}] | {annotation}"


def raw(value: Any) -> str:
    # The parser wraps spec strings so they cannot leak into code by accident; we need them as data.
    return str(value._value) if isinstance(value, UntrustedString) else str(value)


def _resolve(effective: dict[str, Any], schema: Any) -> dict[str, Any]:
    while isinstance(schema, dict) and "$ref" in schema:
        node: Any = effective
        for part in str(schema["$ref"]).removeprefix("#/").split("/"):
            node = node.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, dict) else {}
        schema = node
    return schema if isinstance(schema, dict) else {}


def _json_schema(effective: dict[str, Any], response: Any) -> dict[str, Any]:
    """The resolved schema of a response's JSON body ({} when it documents none)."""
    content = _resolve(effective, response).get("content") or {}
    return _resolve(effective, (content.get("application/json") or {}).get("schema"))


def _is_binary_media(media: str) -> bool:
    """A media type whose body is a file the caller keeps as bytes (an image, octet-stream), not a document."""
    kind = media.split(";")[0].strip().lower()
    return not ("json" in kind or kind.startswith("text/") or kind in ("multipart/form-data", "*/*"))


def _answers_an_object(effective: dict[str, Any], response: Any) -> bool:
    """Whether the documented JSON body of this answer is an object (a model), so any other JSON is wrong."""
    return _is_object(effective, _json_schema(effective, response))


def _is_object(effective: dict[str, Any], schema: Any) -> bool:
    resolved = _resolve(effective, schema)
    if resolved.get("type") == "object" or "properties" in resolved:
        return True
    branches = [b for key in ("allOf", "oneOf", "anyOf") for b in resolved.get(key) or []]
    return bool(branches) and all(_is_object(effective, b) for b in branches)


def _deprecation(document: SpecDocument, name: str, spec_op: dict[str, Any]) -> str | None:
    reason = document.deprecated or ("deprecated in the spec" if spec_op.get("deprecated") else None)
    if reason is None:
        return None
    replacement = spec_op.get("x-bria-replaced-by")
    use = f" Use client.{replacement}(...) instead." if replacement else ""
    return f"{document.name}.{name} is deprecated: {reason.rstrip('.')}.{use}"


def _one_of(
    groups: list[list[str]], wire_to_python: dict[str, str], slots: dict[str, list[tuple[str, str]]]
) -> list[tuple[str, ...]]:
    slot_of = {member: parameter for parameter, members in slots.items() for member, _ in members}
    result: list[tuple[str, ...]] = []
    for group in groups:
        names = tuple(sorted({slot_of.get(wire_to_python.get(w, w), wire_to_python.get(w, w)) for w in group}))
        if names not in result:
            result.append(names)
    return result


# Schema types the runtime checks a value against before sending; formats whose generated type is not the
# JSON type (datetime, UUID, File) are left to the generated code.
_CHECKED_TYPES = frozenset({"integer", "number", "string", "boolean", "array"})
_UNCHECKED_FORMATS = frozenset({"date-time", "date", "uuid", "binary"})


def _rule(name: str, schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    limits = {_RULE_KEYS[k]: tuple(v) if k == "enum" else v for k, v in schema.items() if k in _RULE_KEYS}
    kind = schema.get("type")
    if isinstance(kind, str) and kind in _CHECKED_TYPES and schema.get("format") not in _UNCHECKED_FORMATS:
        limits["kind"] = kind
    return [(name, limits)] if limits else []


def _code(value: Any) -> str:
    return str(value.as_unembedded_code()) if hasattr(value, "as_unembedded_code") else str(value)


def _annotation(prop: Any) -> str:
    return _code(prop.get_type_string())


def _return_type(endpoint: Any, failure: set[int], empty: set[int]) -> str:
    """The union of the typed 2xx answers; a bodiless one (204) adds `None`, as the runtime returns it.
    Failure statuses are raised, not returned."""
    types: list[str] = []
    for response in endpoint.responses.patterns:
        low, high = response.status_code.range
        if low < 200 or high > 299 or low in failure:
            continue
        type_string = "None" if low in empty else _code(response.prop.get_type_string())
        if type_string not in types:
            types.append(type_string)
    return " | ".join(types) if types else "Any"


def _requires_image_url(effective: dict[str, Any], response: Any) -> bool:
    """A job's finished answer (`sync=true`, the status poll's) whose `result` requires `image_url`."""
    if response is None:
        return False
    result = _resolve(effective, (_json_schema(effective, response).get("properties") or {}).get("result", {}))
    return "image_url" in (result.get("required") or [])


def _json_text(value: Any) -> str:
    return "true" if value is True else "false" if value is False else str(value)


def _doc(spec: dict[str, Any]) -> str:
    """The whole description, as one paragraph fit for a docstring (HTML tags dropped, whitespace folded)."""
    text = re.sub(r"<[^>]+>", "", str(spec.get("description") or "").strip())
    return " ".join(text.split()).replace('"""', "'''").replace("\\", "\\\\")
