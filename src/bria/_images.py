"""Image inputs: a URL, a local path, bytes, a binary file, or base64 (plain or a `data:image/...;base64,`
URI), sent in the form an operation expects.

Local images are checked before anything is sent (exists, type by magic bytes, size) and are
passed through byte for byte: base64 for JSON fields (base64 given by the caller is sent as given,
never decoded and encoded again), a multipart part for v1 multipart routes. Error messages quote at
most a short prefix of a value: a 16 MB base64 string never ends up in a log.
"""

from __future__ import annotations

import base64
import errno
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ._constants import MAX_IMAGE_BYTES
from ._exceptions import ImageInputError
from ._operation import ImageSlot

ImageInput = str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes]

_MIME = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
_EXTENSION = {"jpeg": "jpg", "png": "png", "webp": "webp"}


@dataclass(frozen=True)
class LocalImage:
    data: bytes
    kind: str
    name: str
    # The caller's own base64 text of `data`, when that is how it came.
    encoded: str | None = None

    @property
    def mime_type(self) -> str:
        return _MIME[self.kind]


def sniff(data: bytes) -> str | None:
    """The image type from its first bytes, or None if it is none we know."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def is_url(value: str) -> bool:
    return value.startswith(("https://", "http://"))


def load_local(parameter: str, value: ImageInput, accept: tuple[str, ...]) -> LocalImage:
    """Read and check a local image; every failure names the parameter and the reason."""
    data, name, encoded = _read(parameter, value)
    kind = _checked_kind(parameter, data, accept)
    return LocalImage(data, kind, name or f"{parameter}.{_EXTENSION[kind]}", encoded)


def _checked_kind(parameter: str, head: bytes, accept: tuple[str, ...]) -> str:
    """The image type of `head` (the image's first bytes or all of them), or the reason it cannot be sent."""
    if not head:
        raise ImageInputError(parameter, "the image is empty")
    kind = sniff(head)
    if kind is None:
        raise ImageInputError(parameter, f"not a JPEG, PNG or WEBP image (first bytes {head[:8]!r})")
    if kind not in accept:
        raise ImageInputError(parameter, f"{kind.upper()} is not accepted here; use {', '.join(accept).upper()}")
    return kind


def prefix(value: str, size: int = 40) -> str:
    """How an argument's value is quoted in a message: its first characters only."""
    return repr(value[:size]) + ("…" if len(value) > size else "")


def _read(parameter: str, value: ImageInput) -> tuple[bytes, str | None, str | None]:
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        _check_size(parameter, len(data))
        return data, None, None
    if isinstance(value, str):
        if not value.strip():
            raise ImageInputError(
                parameter, "is an empty string (pass an http(s) URL, a path, bytes, a file or base64)"
            )
        encoded = _base64_text(value)
        if encoded is not None and not _is_existing_path(value):
            _check_size(parameter, len(encoded) * 3 // 4)
            return base64.b64decode(encoded), None, encoded
    if isinstance(value, str | os.PathLike):
        return _read_path(parameter, Path(value))
    if hasattr(value, "read"):
        try:
            chunk: object = value.read(MAX_IMAGE_BYTES + 1)
        except UnicodeDecodeError:  # an image opened in text mode
            chunk = None
        if not isinstance(chunk, bytes):
            raise ImageInputError(parameter, "the file object must be opened in binary mode ('rb')")
        _check_size(parameter, len(chunk))
        name = getattr(value, "name", None)
        return chunk, Path(name).name if isinstance(name, str) else None, None
    raise ImageInputError(parameter, f"unsupported type {type(value).__name__}; pass a URL, path, bytes or file")


def _read_path(parameter: str, path: Path) -> tuple[bytes, str | None, str | None]:
    _read_path_size(parameter, path)
    return path.read_bytes(), path.name, None


def _read_path_size(parameter: str, path: Path) -> None:
    """Checks that `path` is a readable file within the size limit."""
    shown = prefix(str(path), 80)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImageInputError(
            parameter, f"file {shown} not found (pass an http(s) URL, a path, bytes, a binary file or base64)"
        ) from None
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:
            raise ImageInputError(
                parameter, f"{shown} is neither an http(s) URL, base64 image data nor the name of a file"
            ) from None
        raise ImageInputError(parameter, f"cannot read {shown}: {error.strerror}") from None
    if not path.is_file():
        raise ImageInputError(parameter, f"{shown} is not a file")
    _check_size(parameter, size)


_DATA_URI = re.compile(r"data:image/[\w.+-]+;base64,", re.IGNORECASE)
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
# Shorter than this, a string is a file name, never an image: the smallest PNG is 67 bytes (92 in base64).
_MIN_BASE64 = 64


def _base64_text(value: str) -> str | None:
    """The base64 text of a data URI or of a plain base64 string (whitespace removed), else None."""
    uri = _DATA_URI.match(value)
    text = value[uri.end() :] if uri else value
    if not uri and len(text) < _MIN_BASE64:
        return None
    compact = "".join(text.split())
    if len(compact) % 4 or not _BASE64.fullmatch(compact):
        return None
    return compact


def _is_existing_path(value: str) -> bool:
    try:
        return len(value) < 4096 and Path(value).exists()
    except (OSError, ValueError):
        return False


def _check_size(parameter: str, size: int) -> None:
    if size > MAX_IMAGE_BYTES:
        raise ImageInputError(parameter, f"{size} bytes is over the 12 MB limit ({MAX_IMAGE_BYTES} bytes)")


def resolve_images(slot: ImageSlot, value: Any, file_type: Callable[..., Any] | None) -> dict[str, Any]:
    """Body attributes for an image argument: one image, or for a `many` slot one or several (always sent
    as a list, each item checked and named by its index: `ref_images[1]`)."""
    if not slot.many:
        return resolve_image(slot, value, file_type)
    items = [value] if _is_single(value) else list(value)
    if not items:
        raise ImageInputError(slot.parameter, "is an empty list")
    resolved: dict[str, list[Any]] = {}
    for index, item in enumerate(items):
        one = ImageSlot(f"{slot.parameter}[{index}]", slot.fields, slot.accept)
        for attribute, encoded in resolve_image(one, item, file_type).items():
            resolved.setdefault(attribute, []).append(encoded)
    if len(resolved) > 1:
        raise ImageInputError(slot.parameter, "mixes inputs that travel in different fields; pass one kind")
    return dict(resolved)


def _as_path(value: object) -> Path | None:
    """`value` as a file path, when that is what it is (not a URL, not base64 text)."""
    if isinstance(value, os.PathLike):
        return Path(value)
    text = value if isinstance(value, str) and value.strip() and not is_url(value) else None
    if text is not None and (_base64_text(text) is None or _is_existing_path(text)):
        return Path(text)
    return None


def _open_checked(parameter: str, path: Path, accept: tuple[str, ...]) -> tuple[IO[bytes], str]:
    """The open file, checked as `load_local` checks bytes (exists, size, type by its first bytes)."""
    _read_path_size(parameter, path)
    handle = path.open("rb")
    try:
        kind = _checked_kind(parameter, handle.read(16), accept)
    except ImageInputError:
        handle.close()
        raise
    handle.seek(0)
    return handle, kind


def _given_base64(slot: ImageSlot, value: str) -> str | None:
    """The caller's base64 text, checked without decoding all of it (a 16 MB string would cost 12 MB more):
    its alphabet and padding were matched by `_base64_text`, the size follows from its length, and the type
    from its first bytes. None when `value` is not base64 (or names an existing file)."""
    encoded = _base64_text(value) if value.strip() else None
    if encoded is None or _is_existing_path(value):
        return None
    padding = 2 if encoded.endswith("==") else 1 if encoded.endswith("=") else 0
    _check_size(slot.parameter, len(encoded) * 3 // 4 - padding)
    _checked_kind(slot.parameter, base64.b64decode(encoded[:_HEAD_CHARS]), slot.accept)
    return encoded


# Base64 characters enough to tell the image type (16 characters are 12 bytes; WEBP needs 12).
_HEAD_CHARS = 16


def _is_single(value: Any) -> bool:
    return isinstance(value, str | bytes | bytearray | memoryview | os.PathLike) or hasattr(value, "read")


def resolve_image(slot: ImageSlot, value: ImageInput, file_type: Callable[..., Any] | None) -> dict[str, Any]:
    """Body attributes for one image argument; `file_type` is the generated package's `File` (bound in the
    `Operation` of every operation with a binary image part)."""
    if isinstance(value, str) and is_url(value):
        for field in slot.fields:
            if field.wire in ("url", "url-or-base64"):
                return {field.attribute: value}
        raise ImageInputError(slot.parameter, "this operation takes no URL; pass a path, bytes or a file")
    binary = next((f for f in slot.fields if f.wire == "binary"), None)
    as_base64 = next((f for f in slot.fields if f.wire in ("base64", "url-or-base64")), None)
    if as_base64 is not None and isinstance(value, str) and (encoded := _given_base64(slot, value)) is not None:
        return {as_base64.attribute: encoded}
    if binary is not None and file_type is not None and (path := _as_path(value)) is not None:
        # A file on disk is streamed from disk, as httpx streams an open file: never all in memory.
        handle, kind = _open_checked(slot.parameter, path, slot.accept)
        return {binary.attribute: file_type(payload=handle, file_name=path.name, mime_type=_MIME[kind])}
    local = load_local(slot.parameter, value, slot.accept)
    if binary is not None and file_type is not None:
        return {
            binary.attribute: file_type(payload=io.BytesIO(local.data), file_name=local.name, mime_type=local.mime_type)
        }
    for field in slot.fields:
        if field.wire in ("base64", "url-or-base64"):
            return {field.attribute: local.encoded or base64.b64encode(local.data).decode("ascii")}
    raise ImageInputError(slot.parameter, "this operation takes only a URL for this image")
