"""Image inputs: a URL, a local path, bytes or a binary file, sent in the form an operation expects.

Local images are checked before anything is sent (exists, type by magic bytes, size) and are
passed through byte for byte: base64 for JSON fields, a multipart part for v1 multipart routes.
"""

from __future__ import annotations

import base64
import io
import os
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
    data, name = _read(parameter, value)
    if not data:
        raise ImageInputError(parameter, "the image is empty")
    kind = sniff(data)
    if kind is None:
        raise ImageInputError(parameter, f"not a JPEG, PNG or WEBP image (first bytes {data[:8]!r})")
    if kind not in accept:
        raise ImageInputError(parameter, f"{kind.upper()} is not accepted here; use {', '.join(accept).upper()}")
    return LocalImage(data, kind, name or f"{parameter}.{_EXTENSION[kind]}")


def _read(parameter: str, value: ImageInput) -> tuple[bytes, str | None]:
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        _check_size(parameter, len(data))
        return data, None
    if isinstance(value, str | os.PathLike):
        path = Path(value)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise ImageInputError(
                parameter, f"file {str(path)!r} not found (pass an http(s) URL, a path, bytes or a binary file)"
            ) from None
        except OSError as error:
            raise ImageInputError(parameter, f"cannot read {str(path)!r}: {error.strerror}") from None
        if not path.is_file():
            raise ImageInputError(parameter, f"{str(path)!r} is not a file")
        _check_size(parameter, size)
        return path.read_bytes(), path.name
    if hasattr(value, "read"):
        data = value.read(MAX_IMAGE_BYTES + 1)
        if not isinstance(data, bytes):
            raise ImageInputError(parameter, "the file object must be opened in binary mode ('rb')")
        _check_size(parameter, len(data))
        name = getattr(value, "name", None)
        return data, Path(name).name if isinstance(name, str) else None
    raise ImageInputError(parameter, f"unsupported type {type(value).__name__}; pass a URL, path, bytes or file")


def _check_size(parameter: str, size: int) -> None:
    if size > MAX_IMAGE_BYTES:
        raise ImageInputError(parameter, f"{size} bytes is over the 12 MB limit ({MAX_IMAGE_BYTES} bytes)")


def resolve_image(slot: ImageSlot, value: ImageInput, file_type: Callable[..., Any] | None) -> dict[str, Any]:
    """Body attributes for one image argument; `file_type` is the generated package's `File` (bound in the
    `Operation` of every operation with a binary image part)."""
    if isinstance(value, str) and is_url(value):
        for field in slot.fields:
            if field.wire in ("url", "url-or-base64"):
                return {field.attribute: value}
        raise ImageInputError(slot.parameter, "this operation takes no URL; pass a path, bytes or a file")
    local = load_local(slot.parameter, value, slot.accept)
    for field in slot.fields:
        if field.wire == "binary" and file_type is not None:
            return {
                field.attribute: file_type(
                    payload=io.BytesIO(local.data), file_name=local.name, mime_type=local.mime_type
                )
            }
    for field in slot.fields:
        if field.wire in ("base64", "url-or-base64"):
            return {field.attribute: base64.b64encode(local.data).decode("ascii")}
    raise ImageInputError(slot.parameter, "this operation takes only a URL for this image")
