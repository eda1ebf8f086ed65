"""Checks of arguments against the operation's spec, before any network call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from ._exceptions import ParameterError
from ._operation import Operation, Rule


def is_given(operation: Operation, value: Any) -> bool:
    # The generated package's UNSET (bound in the record) and None both mean "not given".
    return value is not None and value is not operation.unset


def _is_kind(value: Any, kind: str) -> bool:
    if isinstance(value, bool):
        return kind == "boolean"
    if kind == "array" and isinstance(value, str | bytes):
        return False
    return isinstance(value, _KINDS[kind])


def check_arguments(operation: Operation, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The given arguments, enum strings coerced to the generated enum types; raises ParameterError."""
    given = {name: value for name, value in arguments.items() if is_given(operation, value)}
    for name in operation.required:
        if name not in given:
            raise ParameterError(name, "is required (got None)")
    for name in operation.path_parameters:
        # An empty or blank segment would change the route (`/projects/` lists instead of deleting one).
        if isinstance(given.get(name), str) and not given[name].strip():
            raise ParameterError(name, "must not be empty: it is part of the URL path")
    for rule in operation.rules:
        if rule.parameter in given:
            _check_rule(rule, given[rule.parameter])
    for name, value in given.items():
        # Any sequence is taken where the spec has an array; the generated models expect a list. (Scalars skip
        # the ABC check, which costs more than the rest of this loop.)
        if type(value) not in _PLAIN and isinstance(value, Sequence):
            given[name] = list(value)
    for name, enum_type in operation.enum_types.items():
        if name in given and not isinstance(given[name], enum_type):
            given[name] = enum_type(given[name])
    for group in operation.mutually_exclusive:
        if all(name in given for name in group):
            raise ParameterError("/".join(group), f"pass {' or '.join(group)}, not both")
    if operation.one_of_required and not any(all(n in given for n in group) for group in operation.one_of_required):
        options = " or ".join("+".join(group) for group in operation.one_of_required)
        raise ParameterError("/".join(sorted({n for g in operation.one_of_required for n in g})), f"give {options}")
    return given


_PLAIN = frozenset({str, bytes, list, bool, int, float, dict, object})
_KINDS: dict[str, tuple[type, ...]] = {
    "integer": (int,),
    "number": (int, float),
    "string": (str,),
    "boolean": (bool,),
    "array": (Sequence,),
}


def _check_rule(rule: Rule, value: Any) -> None:
    name = rule.parameter
    raw = value.value if isinstance(value, Enum) else value
    if rule.kind is not None and not _is_kind(raw, rule.kind):
        # `scale="3"` would go out as a JSON string and come back as a 422 (or be billed and misread).
        raise ParameterError(
            name, f"must be {'an' if rule.kind[0] in 'ai' else 'a'} {rule.kind}, got {type(raw).__name__}"
        )
    if rule.enum is not None and raw not in rule.enum:
        raise ParameterError(name, f"{raw!r} is not one of {', '.join(map(repr, rule.enum))}")
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if rule.minimum is not None and raw < rule.minimum:
            raise ParameterError(name, f"{raw} is below the minimum {rule.minimum:g}")
        if rule.maximum is not None and raw > rule.maximum:
            raise ParameterError(name, f"{raw} is above the maximum {rule.maximum:g}")
    if isinstance(raw, str):
        if rule.min_length is not None and len(raw) < rule.min_length:
            raise ParameterError(name, f"must have at least {rule.min_length} character(s)")
        if rule.max_length is not None and len(raw) > rule.max_length:
            raise ParameterError(name, f"must have at most {rule.max_length} characters")
    if isinstance(raw, list | tuple):
        if rule.min_items is not None and len(raw) < rule.min_items:
            raise ParameterError(name, f"needs at least {rule.min_items} item(s), got {len(raw)}")
        if rule.max_items is not None and len(raw) > rule.max_items:
            raise ParameterError(name, f"takes at most {rule.max_items} item(s), got {len(raw)}")
