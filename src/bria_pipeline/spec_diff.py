"""Differences between two effective OpenAPI 3.0/3.1 documents, as a client of the generated SDK sees them.

Breaking means a request the client builds may stop being valid, or a response it parses may stop having
the shape its code relies on. Request side: parameters and request bodies; response side: response bodies.

- operation removed, operationId changed (the generated function is renamed) -> breaking; added ->
  compatible. A renamed path is one removed and one added operation.
- parameter (path- and operation-level merged, keyed by `in` + `name`) removed, added as required, became
  required -> breaking; added optional, became optional -> compatible.
- request body removed, added as required, became required, media type removed -> breaking; the reverse
  -> compatible.
- response status added or removed: 2xx -> breaking (the parsed return type changes), others ->
  compatible; a 2xx media type removed -> breaking.
- security requirement added to an operation (also via the root `security` it inherits) -> breaking,
  removed -> compatible (anonymous `{}` the other way round); security scheme removed or its `type`, `in`,
  `name`, `scheme` changed -> breaking, added -> compatible.
- schemas, through properties, items, additionalProperties and allOf/anyOf/oneOf (by position), breaking?
  | change                                   | request  | response |
  | property removed                         | yes      | yes      |
  | property added optional / as required    | no / yes | no / no  |
  | became required / became optional        | yes / no | no / yes |
  | type (incl. nullable) or format changed  | yes      | yes      |
  | enum value removed / added               | yes / no | no / yes |
  | became an enum / no longer an enum       | yes / no | yes/yes  |
  | constraint tightened / loosened, dropped | yes / no | no / no  |
  | additional properties forbidden/allowed  | yes / no | no / no  |
  | anyOf/oneOf branch added / removed       | no / yes | yes / no |
  | allOf member added / removed             | yes / no | no / yes |

Ignored, because they change documentation, not the requests the client builds nor the shape of what it
parses: `description`, `summary`, `example(s)`, `title`, tags, `x-*` extensions, servers, `deprecated`,
`default`, response headers and parameter serialization keywords.

Odd input never raises: non-mapping nodes count as empty; a `$ref` that cannot be resolved (or loops) makes
its node opaque, compared by raw value and reported as a breaking "schema changed" / "changed" if it differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Literal
from urllib.parse import unquote

from .changes import Change
from .documents import HTTP_METHODS

Side = Literal["request", "response"]
Node = Mapping[str, Any]
# (in, name) -> (required, schema)
_Parameters = dict[tuple[str, str], tuple[bool, Any]]

UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
# A change to these shifts what is valid rather than widening it, so it counts as tightening.
SHIFTING_CONSTRAINTS = ("pattern", "multipleOf", "uniqueItems")
# 3.0 spells these as flags; `false` means the same as leaving them out.
FLAG_CONSTRAINTS = ("exclusiveMaximum", "exclusiveMinimum", "uniqueItems")
SCHEME_FIELDS = ("type", "in", "name", "scheme")
ANONYMOUS = "(anonymous)"
ANY_SCHEMA: Node = MappingProxyType({})


def diff_specs(scope: str, old: Node, new: Node) -> list[Change]:
    """Sorted, deduplicated; every Change has level="spec", scope=scope."""
    differ = _SpecDiff(_as_map(old), _as_map(new))
    differ.compare()
    return sorted({Change("spec", scope, where, what, breaking) for where, what, breaking in differ.found})


@dataclass(frozen=True)
class _Place:
    """Where a schema comparison stands: `root` names the schema, `label` + `path` a node inside it.

    `visited` holds the (old, new) node pairs, by identity, that the current descent went through.
    """

    root: str
    label: str
    side: Side
    path: str = ""
    visited: frozenset[tuple[int, int]] = frozenset()

    @property
    def where(self) -> str:
        return f"{self.label} `{self.path}`" if self.path else self.root

    def child(self, segment: str) -> _Place:
        glued = not self.path or segment[:1] in ("[", "{")
        return replace(self, path=f"{self.path}{segment}" if glued else f"{self.path}.{segment}")


class _SpecDiff:
    def __init__(self, old: Node, new: Node) -> None:
        self.old, self.new = old, new
        self.found: set[tuple[str, str, bool]] = set()

    def note(self, where: str, what: str, breaking: bool) -> None:
        self.found.add((where, what, breaking))

    def compare(self) -> None:
        old_operations, new_operations = _operations(self.old), _operations(self.new)
        for label in old_operations.keys() - new_operations.keys():
            self.note(label, "operation removed", True)
        for label in new_operations.keys() - old_operations.keys():
            self.note(label, "operation added", False)
        for label in old_operations.keys() & new_operations.keys():
            self.operation(label, *old_operations[label], *new_operations[label])
        self.security_schemes()

    def operation(self, label: str, old_op: Node, old_item: Node, new_op: Node, new_item: Node) -> None:
        old_id, new_id = old_op.get("operationId"), new_op.get("operationId")
        if old_id != new_id:
            self.note(label, f"operationId changed: {_show(old_id)} -> {_show(new_id)}", True)
        self.parameters(label, _parameters(self.old, old_op, old_item), _parameters(self.new, new_op, new_item))
        self.request_body(label, old_op.get("requestBody"), new_op.get("requestBody"))
        self.responses(label, _as_map(old_op.get("responses")), _as_map(new_op.get("responses")))
        self.security(label, _requirements(self.old, old_op), _requirements(self.new, new_op))

    def parameters(self, label: str, old: _Parameters, new: _Parameters) -> None:
        for location, name in old.keys() | new.keys():
            place = _Place(f"{label}: {location} parameter `{name}`", f"{label}: {location} parameter", "request", name)
            if (location, name) not in new:
                self.note(place.where, "removed", True)
            elif (location, name) not in old:
                required = new[location, name][0]
                self.note(place.where, "added as required" if required else "added", required)
            else:
                (was_required, old_schema), (is_required, new_schema) = old[location, name], new[location, name]
                self.required_change(place.where, was_required, is_required, "request")
                self.schema(place, old_schema, new_schema)

    def request_body(self, label: str, old_raw: Any, new_raw: Any) -> None:
        where = f"{label}: request body"
        if old_raw is None or new_raw is None:
            if old_raw is not None:
                self.note(where, "removed", True)
            elif new_raw is not None:
                required = _as_map(_resolve(self.new, new_raw)[0]).get("required") is True
                self.note(where, "added as required" if required else "added", required)
        elif resolved := self.resolve_both(where, old_raw, new_raw):
            old, new = resolved
            self.required_change(where, old.get("required") is True, new.get("required") is True, "request")
            self.content(where, old.get("content"), new.get("content"), "request", True)

    def responses(self, label: str, old: Node, new: Node) -> None:
        # YAML reads an unquoted 200 as an integer.
        old_by_code, new_by_code = {str(k): v for k, v in old.items()}, {str(k): v for k, v in new.items()}
        for code in old_by_code.keys() | new_by_code.keys():
            where, success = f"{label}: response {code}", code.startswith("2")
            if code not in new_by_code:
                self.note(where, "removed", success)
            elif code not in old_by_code:
                self.note(where, "added", success)
            elif resolved := self.resolve_both(where, old_by_code[code], new_by_code[code]):
                self.content(where, resolved[0].get("content"), resolved[1].get("content"), "response", success)

    def content(self, where: str, old_raw: Any, new_raw: Any, side: Side, removal_breaks: bool) -> None:
        old, new = _as_map(old_raw), _as_map(new_raw)
        for media_type in old.keys() - new.keys():
            self.note(where, f"media type `{media_type}` removed", removal_breaks)
        for media_type in new.keys() - old.keys():
            self.note(where, f"media type `{media_type}` added", False)
        for media_type in old.keys() & new.keys():
            old_schema, new_schema = _as_map(old[media_type]).get("schema"), _as_map(new[media_type]).get("schema")
            self.schema(_Place(where, f"{where} property", side), old_schema, new_schema)

    def security(self, label: str, old: set[str], new: set[str]) -> None:
        for requirement in old - new:
            self.note(f"{label}: security requirement `{requirement}`", "removed", requirement == ANONYMOUS)
        for requirement in new - old:
            self.note(f"{label}: security requirement `{requirement}`", "added", requirement != ANONYMOUS)

    def security_schemes(self) -> None:
        old = _as_map(_as_map(self.old.get("components")).get("securitySchemes"))
        new = _as_map(_as_map(self.new.get("components")).get("securitySchemes"))
        for name in old.keys() | new.keys():
            where = f"security scheme `{name}`"
            if name not in new:
                self.note(where, "removed", True)
            elif name not in old:
                self.note(where, "added", False)
            elif resolved := self.resolve_both(where, old[name], new[name]):
                for field in SCHEME_FIELDS:
                    was, now = resolved[0].get(field), resolved[1].get(field)
                    if was != now:
                        self.note(where, f"`{field}` changed: {_show(was)} -> {_show(now)}", True)

    def resolve_both(self, where: str, old_raw: Any, new_raw: Any) -> tuple[Node, Node] | None:
        """Both nodes resolved, or None after reporting an opaque change when either cannot be."""
        (old, old_found), (new, new_found) = _resolve(self.old, old_raw), _resolve(self.new, new_raw)
        if old_found and new_found and isinstance(old, Mapping) and isinstance(new, Mapping):
            return old, new
        if _differs(old, new):
            self.note(where, "changed", True)
        return None

    def required_change(self, where: str, was_required: bool, is_required: bool, side: Side) -> None:
        if was_required and not is_required:
            self.note(where, "became optional", side == "response")
        elif is_required and not was_required:
            self.note(where, "became required", side == "request")

    def schema(self, place: _Place, old_raw: Any, new_raw: Any) -> None:
        if old_raw is None and new_raw is None:
            return
        # A missing schema allows anything, like an empty one. Sharing one object keeps the recursion guard
        # working when the other side is recursive.
        old, old_found = _resolve(self.old, ANY_SCHEMA if old_raw is None else old_raw)
        new, new_found = _resolve(self.new, ANY_SCHEMA if new_raw is None else new_raw)
        if not (old_found and new_found and isinstance(old, Mapping) and isinstance(new, Mapping)):
            if _differs(old, new):
                self.note(place.where, "schema changed", True)
            return
        # A recursive schema meets the same pair of nodes again further down: stop there. Only the current
        # descent counts, so a shared component is still compared at every place that uses it.
        if (id(old), id(new)) in place.visited:
            return
        place = replace(place, visited=place.visited | {(id(old), id(new))})
        where, side = place.where, place.side
        if _type_label(old) != _type_label(new):
            self.note(where, f"type changed: {_type_label(old)} -> {_type_label(new)}", True)
        if old.get("format") != new.get("format"):
            self.note(where, f"format changed: {_show(old.get('format'))} -> {_show(new.get('format'))}", True)
        self.enum(where, old.get("enum"), new.get("enum"), side)
        for key in (*UPPER_BOUNDS, *LOWER_BOUNDS, *SHIFTING_CONSTRAINTS):
            if change := _constraint_change(key, old, new):
                self.note(where, change[0], side == "request" and change[1])
        self.properties(place, old, new)
        self.schema(place.child("[]"), old.get("items"), new.get("items"))
        self.additional_properties(place, old.get("additionalProperties"), new.get("additionalProperties"))
        for keyword in ("allOf", "anyOf", "oneOf"):
            self.branches(place, keyword, _as_list(old.get(keyword)), _as_list(new.get(keyword)))

    def enum(self, where: str, old: Any, new: Any, side: Side) -> None:
        if not isinstance(old, list) or not isinstance(new, list):
            if isinstance(new, list):
                self.note(where, "became an enum", True)
            elif isinstance(old, list):  # the parsed response type changes from the enum to a plain value
                self.note(where, "no longer an enum", side == "response")
            return
        for value in (value for value in old if value not in new):
            self.note(where, f"enum value `{value}` removed", side == "request")
        # The generated client parses enums strictly and raises on a value it does not know.
        for value in (value for value in new if value not in old):
            self.note(where, f"enum value `{value}` added", side == "response")

    def properties(self, place: _Place, old: Node, new: Node) -> None:
        old_properties, new_properties = _as_map(old.get("properties")), _as_map(new.get("properties"))
        old_required, new_required = _required(old), _required(new)
        for name in old_properties.keys() | new_properties.keys():
            child = place.child(str(name))
            if name not in new_properties:
                self.note(child.where, "removed", True)
            elif name not in old_properties:
                required = str(name) in new_required
                what = "added as required" if required else "added"
                self.note(child.where, what, required and place.side == "request")
            else:
                self.required_change(child.where, str(name) in old_required, str(name) in new_required, place.side)
                self.schema(child, old_properties[name], new_properties[name])

    def additional_properties(self, place: _Place, old: Any, new: Any) -> None:
        if old is False and new is not False:
            self.note(place.where, "additional properties allowed", False)
        elif new is False and old is not False:
            self.note(place.where, "additional properties forbidden", place.side == "request")
        elif old is not False:  # neither forbids them; `true` and leaving it out both allow any value
            self.schema(place.child("{}"), None if old is True else old, None if new is True else new)

    def branches(self, place: _Place, keyword: str, old: list[Any], new: list[Any]) -> None:
        for index in range(max(len(old), len(new))):
            if index < len(old) and index < len(new):
                # allOf members all describe the same value, so they add no step to the path.
                child = place if keyword == "allOf" else place.child(f"{keyword}[{index}]")
                self.schema(child, old[index], new[index])
                continue
            added = index >= len(old)
            # Another anyOf/oneOf branch lets more values through, another allOf member fewer. Letting
            # more through is safe for requests and unsafe for responses; letting fewer, the reverse.
            widens = added == (keyword != "allOf")
            what = f"{keyword}[{index}] {'added' if added else 'removed'}"
            self.note(place.where, what, widens == (place.side == "response"))


def _operations(document: Node) -> dict[str, tuple[Node, Node]]:
    """Operations by label ("POST /path"), each with the path item that holds it."""
    operations = {}
    for path, raw_item in _as_map(document.get("paths")).items():
        item = _as_map(_resolve(document, raw_item)[0])
        for method in HTTP_METHODS:
            if isinstance(item.get(method), Mapping):
                operations[f"{method.upper()} {path}"] = (item[method], item)
    return operations


def _parameters(document: Node, operation: Node, item: Node) -> _Parameters:
    """Path-level parameters overridden by operation-level ones: (in, name) -> (required, schema)."""
    merged: _Parameters = {}
    for raw in [*_as_list(item.get("parameters")), *_as_list(operation.get("parameters"))]:
        parameter = _as_map(_resolve(document, raw)[0])
        if "$ref" in parameter:  # unresolved: kept by its reference, so that pointing it elsewhere shows up
            merged[("unresolved", str(parameter["$ref"]))] = (False, None)
        elif "in" in parameter and "name" in parameter:
            required = parameter["in"] == "path" or parameter.get("required") is True
            media = next(iter(_as_map(parameter.get("content")).values()), None)
            schema = parameter["schema"] if "schema" in parameter else _as_map(media).get("schema")
            merged[(str(parameter["in"]), str(parameter["name"]))] = (required, schema)
    return merged


def _requirements(document: Node, operation: Node) -> set[str]:
    """Each requirement the operation declares or inherits, as "scheme (scopes) + other scheme"."""
    declared = operation["security"] if "security" in operation else document.get("security")
    keys = set()
    for requirement in (r for r in _as_list(declared) if isinstance(r, Mapping)):
        parts = [f"{scheme} ({', '.join(map(str, _as_list(scopes)))})" for scheme, scopes in requirement.items()]
        keys.add(" + ".join(sorted(part.removesuffix(" ()") for part in parts)) or ANONYMOUS)
    return keys


def _required(schema: Node) -> set[str]:
    return {str(name) for name in _as_list(schema.get("required"))}


def _type_label(schema: Node) -> str:
    declared = schema.get("type")
    names = declared if isinstance(declared, list) else [] if declared is None else [declared]
    types = sorted({str(name) for name in names} - {"null"})
    nullable = "null" in names or schema.get("nullable") is True
    return " | ".join(types or ["any"]) + (" | null" if nullable else "")


def _constraint_change(key: str, old_schema: Node, new_schema: Node) -> tuple[str, bool] | None:
    """(what, whether it tightens what is valid), or None when the constraint did not change."""
    old, new = _constraint(old_schema, key), _constraint(new_schema, key)
    if not _differs(old, new):
        return None
    if old is None or new is None:
        return (f"{key} added: {new}", True) if old is None else (f"{key} removed", False)
    if _is_number(old) and _is_number(new) and key not in SHIFTING_CONSTRAINTS:
        lowered = new < old
        return f"{key} {'lowered' if lowered else 'raised'}: {old} -> {new}", lowered == (key in UPPER_BOUNDS)
    return f"{key} changed: {old} -> {new}", True


def _constraint(schema: Node, key: str) -> Any:
    value = schema.get(key)
    return None if value is False and key in FLAG_CONSTRAINTS else value


def _resolve(document: Node, node: Any) -> tuple[Any, bool]:
    """Follow `$ref`s to the node they name: (target, True), or (node, False) if a ref is missing or loops."""
    seen: set[str] = set()
    target = node
    while isinstance(target, Mapping) and "$ref" in target:
        ref = target["$ref"]
        if not isinstance(ref, str) or ref in seen:
            return node, False
        seen.add(ref)
        target, found = _pointer(document, ref)
        if not found:
            return node, False
    return target, True


def _pointer(document: Node, ref: str) -> tuple[Any, bool]:
    """The node a local JSON pointer (`#/components/...`, `~1` for `/`, `~0` for `~`) names, and whether it exists."""
    if not ref.startswith("#/"):
        return None, False
    node: Any = document
    for token in ref[2:].split("/"):
        key = unquote(token).replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None, False
    return node, True


def _differs(old: Any, new: Any) -> bool:
    try:
        return bool(old != new)
    except RecursionError:  # self-referencing YAML aliases cannot be compared by value
        return old is not new


def _as_map(node: Any) -> Node:
    return node if isinstance(node, Mapping) else {}


def _as_list(node: Any) -> list[Any]:
    return node if isinstance(node, list) else []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _show(value: Any) -> str:
    return "none" if value is None else str(value)
