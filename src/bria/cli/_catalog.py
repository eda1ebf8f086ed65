"""What the command line knows about documents and operations, read from what `make generate` wrote.

Documents come from `bria.resources.SyncDocuments` (its properties import their facade lazily, so listing
them imports no facade). An operation's arguments come from its `Operation` record (rules, required, image
slots, either/or groups) and its sync facade method (`inspect.signature` for names and defaults, the type
hints for enums and JSON models, the docstring for help text). Nothing here names an operation.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache, cached_property
from typing import Any, Literal

from bria._operation import Operation, Rule
from bria._resource import split_docstring

# Facade keywords that are not operation arguments: the CLI spells them --no-wait / --max-wait.
CONTROL_PARAMETERS = frozenset({"self", "wait", "max_wait"})


@dataclass(frozen=True)
class Document:
    name: str
    summary: str
    deprecated: bool


@dataclass(frozen=True)
class Param:
    """One operation argument as the command line takes it."""

    name: str
    # "string", "integer", "number", "boolean", "object" (a JSON string), "image", or "any" (no type known).
    kind: str
    # A list of `kind` values (a repeated flag).
    many: bool
    # Values the spec allows; `open_choices`: known values, others accepted too (a str | Enum argument).
    choices: tuple[Any, ...] | None
    open_choices: bool
    # The facade's default when it is a real value (not UNSET/None).
    default: Any
    required: bool
    help: str
    # The facade method has no default for it: a call must pass it (None lets the SDK say it is required).
    keyword_required: bool = False
    # The generated model a JSON object is turned into (`from_dict`), for "object" arguments.
    model: type | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


@dataclass(frozen=True)
class OperationInfo:
    operation: Operation
    summary: str
    description: str
    params: tuple[Param, ...]

    @property
    def name(self) -> str:
        return self.operation.name

    @cached_property
    def by_name(self) -> dict[str, Param]:
        return {param.name: param for param in self.params}

    @property
    def image_params(self) -> tuple[Param, ...]:
        return tuple(param for param in self.params if param.kind == "image")


def documents() -> tuple[Document, ...]:
    """Every document, in the SDK's order, without importing a facade."""
    from bria.resources import SyncDocuments

    found = []
    for name, value in vars(SyncDocuments).items():
        if isinstance(value, cached_property):
            doc = (value.__doc__ or "").strip()
            found.append(Document(name, doc, "(deprecated)" in doc))
    return tuple(found)


@cache
def operations(document: str) -> tuple[OperationInfo, ...]:
    """The operations of one document, sorted by name (imports that document's facade only)."""
    module = importlib.import_module(f"bria.resources.{document}")
    records = {value.name: value for value in vars(module).values() if isinstance(value, Operation)}
    facade = _sync_facade(module)
    infos = [_info(record, getattr(facade, name)) for name, record in records.items() if hasattr(facade, name)]
    return tuple(sorted(infos, key=lambda info: info.name))


def operation(document: str, name: str) -> OperationInfo | None:
    return next((info for info in operations(document) if info.name == name), None)


def _sync_facade(module: types.ModuleType) -> type:
    from bria._resource import SyncResource

    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, SyncResource) and value is not SyncResource:
            return value
    raise LookupError(f"{module.__name__} has no facade class")


def _info(record: Operation, method: Callable[..., Any]) -> OperationInfo:
    # What follows the `Args:` entries (the SDK's notes on `wait=` / `max_wait=`) is about the Python call,
    # not the command line, and is left out.
    summary, description, arg_help, _ = split_docstring(inspect.getdoc(method) or "")
    try:
        hints = type_hints(method)
    except Exception:
        # A hint that does not evaluate: help falls back to the rules' JSON types rather than failing.
        hints = {}
    rules = {rule.parameter: rule for rule in record.rules}
    slots = {slot.parameter: slot for slot in record.images}
    params = []
    for name, parameter in inspect.signature(method).parameters.items():
        if name in CONTROL_PARAMETERS:
            continue
        default = parameter.default
        real_default = (
            None if default is inspect.Parameter.empty or default is None or default is record.unset else default
        )
        common: dict[str, Any] = {
            "name": name,
            "default": real_default,
            "required": name in record.required,
            "help": arg_help.get(name, ""),
            "keyword_required": default is inspect.Parameter.empty,
        }
        if name in slots:
            params.append(Param(kind="image", many=slots[name].many, choices=None, open_choices=False, **common))
            continue
        params.append(_typed_param(rules.get(name), hints.get(name), common))
    return OperationInfo(record, summary, description, tuple(params))


class _ModelNames(dict[str, Any]):
    """The names an annotation may use beyond its module's globals: the document's models, which the facade
    imports for type checkers only (they load per operation), looked up in its models module on demand."""

    def __init__(self, models: types.ModuleType) -> None:
        super().__init__()
        self._models = models

    def __missing__(self, name: str) -> Any:
        try:
            return getattr(self._models, name)
        except AttributeError:
            raise KeyError(name) from None


def type_hints(method: Callable[..., Any]) -> dict[str, Any]:
    """A facade method's evaluated annotations (`typing.get_type_hints`, with the models resolved)."""
    models = importlib.import_module(getattr(sys.modules[method.__module__], "MODELS_MODULE", "typing"))
    return typing.get_type_hints(method, localns=_ModelNames(models))


def _typed_param(rule: Rule | None, hint: Any, common: dict[str, Any]) -> Param:
    shape = _Shape.of(hint)
    many = shape.many or (rule is not None and rule.kind == "array")
    kind = shape.kind
    if kind == "any" and rule is not None and rule.kind not in (None, "array"):
        kind = rule.kind
    choices = rule.enum if rule is not None and rule.enum is not None else shape.choices
    return Param(
        kind=kind,
        many=many,
        choices=tuple(choices) if choices else None,
        open_choices=bool(choices) and shape.open,
        model=shape.model,
        **common,
    )


@dataclass
class _Shape:
    """What a facade annotation says about the value: its scalar kind, enum values, model, list-ness."""

    kind: str = "any"
    choices: list[Any] | None = None
    open: bool = False
    model: type | None = None
    many: bool = False

    @classmethod
    def of(cls, hint: Any) -> _Shape:
        choices: list[Any] = []
        scalars: list[str] = []
        model: type | None = None
        for member in _members(hint):
            origin = typing.get_origin(member)
            if origin is Literal:
                choices += typing.get_args(member)
            elif isinstance(member, type) and issubclass(member, Enum):
                choices += [item.value for item in member]
            elif isinstance(origin, type) and issubclass(origin, Sequence):
                item = cls.of(typing.get_args(member)[0] if typing.get_args(member) else Any)
                item.many = True
                return item
            elif isinstance(member, type) and hasattr(member, "from_dict"):
                model = member
            elif isinstance(member, type):
                # UUID and other string-like scalars: the SDK takes their string form.
                scalars.append({bool: "boolean", int: "integer", float: "number"}.get(member, "string"))
        shape = cls(choices=list(dict.fromkeys(choices)) or None, model=model)
        if model is not None:
            shape.kind = "object"
        elif scalars and choices:
            # An enum next to a free type (`RestyleBodyStyleType0 | str`, `float | AspectRatio`): the enum's
            # values are suggestions; a value of the free type is accepted too.
            shape.open = True
            shape.kind = scalars[0] if _kind_of_values(choices) == scalars[0] else "any"
        elif choices:
            shape.kind = _kind_of_values(choices)
        elif len(set(scalars)) == 1:
            shape.kind = scalars[0]
        return shape


def _members(hint: Any) -> list[Any]:
    if hint is None:
        return []
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        members = [m for arg in typing.get_args(hint) for m in _members(arg)]
    else:
        members = [hint]
    return [m for m in members if m is not type(None) and getattr(m, "__name__", "") != "Unset"]


def _kind_of_values(values: Sequence[Any]) -> str:
    if all(isinstance(v, bool) for v in values):
        return "boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "number"
    return "string"
