"""What the runtime knows about one operation: plain data and callables, written by `make generate`.

The generated facades (`bria.resources`) hold one `Operation` per operation, binding (on its first call,
through `bind`) the generated package's request builder, response parser, body model, enums and `File`;
the runtime reads them and never names an operation, nor imports a generated module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any, Literal

ImageWire = Literal["url", "base64", "binary", "url-or-base64"]


@dataclass(frozen=True)
class ImageField:
    """One body attribute that carries an image in a given wire form."""

    attribute: str
    wire: ImageWire


@dataclass(frozen=True)
class ImageSlot:
    """A facade argument (e.g. `image`) that fills one of several body attributes; with `many`, a list of
    images (`ref_images`, `images`), each taken as any image input and sent in the attribute's one form."""

    parameter: str
    fields: tuple[ImageField, ...]
    accept: tuple[str, ...]
    many: bool = False


@dataclass(frozen=True)
class Rule:
    """Constraints of one argument, from its schema."""

    parameter: str
    # The JSON type the value must have ("integer", "number", "string", "boolean", "array"), or None.
    kind: str | None = None
    enum: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None


@dataclass(frozen=True)
class Binding:
    """What an operation's generated module and models provide, imported on the operation's first call."""

    # The generated module's request builder: the operation's arguments -> httpx request arguments
    # (method, url relative to the server, params, json/files, headers).
    request_kwargs: Callable[..., dict[str, Any]]
    # The generated module's parser: `parse_response(response=...)` -> the documented model, or None
    # for a status the spec does not document.
    parse_response: Callable[..., Any]
    body_model: type | None = None
    # Argument -> the generated enum it is converted to (a plain value is accepted).
    enum_types: dict[str, type[Enum]] = field(default_factory=dict)
    # The generated package's `File`, for binary image parts.
    file_type: Callable[..., Any] | None = None


@dataclass(frozen=True)
class Operation:
    document: str
    name: str
    method: str
    path: str
    # The server URL's path (e.g. "/v2/image/edit"): the client's base URL is the host root.
    path_prefix: str
    # Imports the operation's generated module and models (`Binding`): called once, on first use, so that a
    # document's facade costs nothing of its generated package until one of its operations is called.
    bind: Callable[[], Binding]
    # The generated package's "not given" sentinel (`UNSET`).
    unset: object
    body_attributes: tuple[str, ...] = ()
    # A body flag that makes the server answer only when the result exists (v1's `sync`): sent as True
    # unless the caller set it, so a default call returns a finished result, never placeholder URLs.
    finish_flag: str | None = None
    # A v2 job's body flag (`sync`) that makes the server answer with the finished result, not a 202.
    sync_flag: str | None = None
    images: tuple[ImageSlot, ...] = ()
    rules: tuple[Rule, ...] = ()
    # Arguments the spec requires (facade names), and which of them go into the URL path.
    required: tuple[str, ...] = ()
    path_parameters: tuple[str, ...] = ()
    # At least one group must be fully given (facade argument names).
    one_of_required: tuple[tuple[str, ...], ...] = ()
    # Groups of arguments that must not all be given (facade argument names).
    mutually_exclusive: tuple[tuple[str, ...], ...] = ()
    # Submitting answers 202 with request_id + status_url: a v2 job.
    is_job: bool = False
    # Documented 2xx codes that mean "not done" or "bad input" (Bria's 205 and 206).
    failure_statuses: frozenset[int] = frozenset()
    # Documented 2xx codes whose answer has no body (204): the call returns None.
    empty_statuses: frozenset[int] = frozenset()
    # Documented 2xx codes whose JSON body is an object: any other JSON (an array, a string) is a bad answer.
    object_statuses: frozenset[int] = frozenset()
    # The answer property that holds the result's URL (`x-bria-result-url`, v1): the call returns a `Result`.
    result_url: str | None = None
    # The spec requires a result URL in the finished answer: the call returns an `ImageResult`.
    image_result: bool = False
    # Why the operation is deprecated (with its replacement), or None; calling it warns.
    deprecated: str | None = None
    # The media types of a success answer that is a file, not JSON (segmind's `image/jpeg`): the call returns
    # a `BinaryResult` of the bytes, and a success answer of any other Content-Type is a bad answer.
    binary_media_types: tuple[str, ...] = ()
    # The success answer's header that counts the account's remaining credits (`x-bria-remaining-credits`).
    credits_header: str | None = None
    # Error codes that mean "not enough credits" (`x-bria-insufficient-credits`): `InsufficientCreditsError`.
    credit_statuses: frozenset[int] = frozenset()

    @cached_property
    def binding(self) -> Binding:
        return self.bind()

    @property
    def request_kwargs(self) -> Callable[..., dict[str, Any]]:
        return self.binding.request_kwargs

    @property
    def parse_response(self) -> Callable[..., Any]:
        return self.binding.parse_response

    @property
    def body_model(self) -> type | None:
        return self.binding.body_model

    @property
    def enum_types(self) -> dict[str, type[Enum]]:
        return self.binding.enum_types

    @property
    def file_type(self) -> Callable[..., Any] | None:
        return self.binding.file_type

    @property
    def qualified_name(self) -> str:
        """`document.name`, as the client spells the call (`image_editing.background_remove`)."""
        return f"{self.document}.{self.name}"
