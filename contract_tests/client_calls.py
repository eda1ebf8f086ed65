"""Calling the generated clients (`bria_<name>_client`) the way a user does, and capturing the raw exchange.

- `endpoint_module` finds the generated module of an operation by scanning `<package>.api` for the module named
  after the operationId (the generator's rule), and the test checks it really sends that method and path.
- `typed_arguments` turns a schemathesis case (plain JSON-like data) into the typed arguments of
  `sync_detailed`: attrs models via `from_dict`, enums, `File` parts, plain values.
- `RecordingTransport` is an httpx transport that sends through a supervised real connection and keeps every
  raw `httpx.Response`, because schemathesis validates those, not the generated `Response[T]`.
"""

from __future__ import annotations

import enum
import importlib
import io
import pkgutil
import re
import types
import typing
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import httpx
from schemathesis import Case

from . import settings
from .prism import PrismServer
from .specs import ContractSpec, Operation, auth_headers

Supervise = Callable[[PrismServer, str, "str | Callable[[], str]"], AbstractContextManager[None]]


def python_name(name: str) -> str:
    """openapi-python-client's snake_case for an identifier (`removeBackground`, `remove-background`)."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"[^0-9a-zA-Z]+", "_", spaced).strip("_").lower()


def endpoint_module(spec: ContractSpec, operation: Operation) -> types.ModuleType:
    if not operation.operation_id:
        raise LookupError(f"{spec.name} {operation.label} has no operationId, so no generated module name")
    api = importlib.import_module(f"{spec.package}.api")
    wanted = python_name(operation.operation_id)
    found = [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(api.__path__, api.__name__ + ".")
        if not info.ispkg and info.name.rsplit(".", 1)[-1] == wanted
    ]
    if len(found) != 1:
        raise LookupError(f"{spec.package}.api has {len(found)} modules named {wanted} for {operation.label}")
    return found[0]


def client_for(spec: ContractSpec, base_url: str, transport: httpx.BaseTransport, headers: dict[str, str]) -> Any:
    package = importlib.import_module(spec.package)
    return package.AuthenticatedClient(
        base_url=base_url,
        token=settings.DUMMY_API_TOKEN,
        auth_header_name=spec.auth_header,
        prefix="",
        headers=headers,
        raise_on_unexpected_status=True,
        httpx_args={"transport": transport},
    )


# --- typed arguments ---------------------------------------------------------------------------------------------
def typed_arguments(module: types.ModuleType, case: Case[Any]) -> dict[str, Any]:
    """Keyword arguments for `module.sync_detailed` built from the case's path, query, header and body data."""
    hints = typing.get_type_hints(module.sync_detailed)
    raw: dict[str, Any] = {}
    for source in (case.path_parameters, case.query, case.headers):
        for name, value in (source or {}).items():
            raw[python_name(name)] = value
    arguments: dict[str, Any] = {}
    for name, annotation in hints.items():
        if name in ("client", "return"):
            continue
        if name == "body":
            if case.body is not None and not _is_not_set(case.body):
                arguments["body"] = coerce(_plain(case.body), annotation)
        elif name == "api_token":
            arguments[name] = settings.DUMMY_API_TOKEN
        elif name in raw:
            arguments[name] = coerce(_parameter_value(raw[name], annotation), annotation)
    return arguments


def _parameter_value(value: Any, annotation: Any) -> Any:
    """Schemathesis serializes a boolean query or path parameter as the text `true`/`false` (as it goes on the
    wire); the generated function takes the bool."""
    accepts_bool = annotation is bool or bool in typing.get_args(annotation)
    if accepts_bool and value in ("true", "false"):
        return value == "true"
    return value


def _is_not_set(value: Any) -> bool:
    return type(value).__name__ == "NotSet"


def _plain(value: Any) -> Any:
    """Schemathesis wraps generated file contents; the generated models expect bytes."""
    if hasattr(value, "data") and isinstance(getattr(value, "data", None), bytes):
        return value.data
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def coerce(value: Any, annotation: Any) -> Any:
    """The value as the annotated type: a Union member that accepts it, a model, an enum, a File."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        errors = []
        members = [m for m in typing.get_args(annotation) if getattr(m, "__name__", "") not in ("Unset", "NoneType")]
        for member in sorted(members, key=_preference(value)):
            try:
                return coerce(value, member)
            except (TypeError, ValueError, KeyError, AttributeError) as exc:
                errors.append(f"{member}: {exc!r}")
        if value is None:
            return None
        raise TypeError(f"{value!r} fits none of {annotation}: {errors}")
    if origin is list:
        (item_type,) = typing.get_args(annotation) or (Any,)
        if not isinstance(value, list):
            raise TypeError(f"{value!r} is not a list")
        return [coerce(item, item_type) for item in value]
    if annotation is Any:
        return value
    if isinstance(annotation, type):
        if issubclass(annotation, enum.Enum):
            return annotation(value)
        if annotation.__name__ == "File":
            if not isinstance(value, bytes | str):
                raise TypeError(f"{value!r} is not file content")
            payload = value if isinstance(value, bytes) else value.encode()
            file_type: Any = annotation
            return file_type(payload=io.BytesIO(payload), file_name="image.png", mime_type="image/png")
        if hasattr(annotation, "from_dict"):
            if not isinstance(value, Mapping):
                raise TypeError(f"{value!r} is not an object for {annotation.__name__}")
            return annotation.from_dict(dict(value))
        if annotation is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if annotation is bool and not isinstance(value, bool):
            raise TypeError(f"{value!r} is not a bool")
        if isinstance(value, annotation) and not (annotation is int and isinstance(value, bool)):
            return value
        raise TypeError(f"{value!r} is not {annotation.__name__}")
    return value


def _preference(value: Any) -> Callable[[Any], int]:
    # Models for objects, exact primitive types before looser ones, so a union picks the member the value is.
    def rank(member: Any) -> int:
        if isinstance(value, Mapping):
            return 0 if hasattr(member, "from_dict") else 1
        if isinstance(member, type) and isinstance(value, member):
            return 0
        return 1

    return rank


# --- raw exchange ------------------------------------------------------------------------------------------------
@dataclass
class RecordingTransport(httpx.BaseTransport):
    """Real HTTP to Prism that keeps every request and raw response (schemathesis validates the raw ones)."""

    inner: httpx.HTTPTransport = field(default_factory=httpx.HTTPTransport)
    requests: list[httpx.Request] = field(default_factory=list)
    responses: list[httpx.Response] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        response = self.inner.handle_request(request)
        self.responses.append(response)
        return response

    @property
    def last(self) -> httpx.Response:
        assert self.responses, "the generated client sent no request"
        return self.responses[-1]

    def last_request(self) -> str:
        return describe(self.requests[-1]) if self.requests else "(the generated client had not sent it yet)"

    def close(self) -> None:
        self.inner.close()


def describe(request: httpx.Request) -> str:
    """The request as a curl command (body cut at 600 bytes), for failure messages."""
    headers = " ".join(f"-H '{k}: {v}'" for k, v in request.headers.items() if k.lower() not in auth_headers())
    body = request.content[:600].decode("utf-8", errors="replace")
    data = f" --data-binary $'{body}'" if body else ""
    return f"curl -X {request.method} '{request.url}' {headers}{data}"
