"""Typed Python SDK for Bria AI's API: every operation of Bria's published OpenAPI documents.

```python
from bria import Bria

client = Bria()                                         # token from BRIA_API_TOKEN
client.image_editing.background_remove(image="photo.jpg").download("cutout.png")
```
"""

from __future__ import annotations

import pkgutil
from typing import TYPE_CHECKING, Any

# What `make generate` writes (bria.resources, bria.types, bria._generated) lives in generated/python/bria/
# in a checkout and next to this file in the wheel; either way it is part of this package.
__path__ = pkgutil.extend_path(__path__, __name__)

from . import webhooks
from ._client import AsyncBria, Bria
from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BriaError,
    ConflictError,
    ContentModerationError,
    DownloadError,
    ImageDownloadError,
    ImageInputError,
    InsufficientCreditsError,
    InternalServerError,
    JobFailedError,
    JobTimeoutError,
    MethodNotAllowedError,
    NotAcceptableError,
    NotFoundError,
    ParameterError,
    PayloadTooLargeError,
    PermissionDeniedError,
    PreconditionFailedError,
    RateLimitError,
    UnprocessableEntityError,
    UnsafeURLError,
    UnsupportedInputError,
    UnsupportedMediaTypeError,
)
from ._images import ImageInput
from ._jobs import Job
from ._results import AsyncImageResult, AsyncResult, BinaryResult, ImageResult, Result
from ._version import __version__

if TYPE_CHECKING:
    from ._segmind import AsyncSegmind, Segmind

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncBria",
    "AsyncImageResult",
    "AsyncResult",
    "AsyncSegmind",
    "AuthenticationError",
    "BadRequestError",
    "BinaryResult",
    "Bria",
    "BriaError",
    "ConflictError",
    "ContentModerationError",
    "DownloadError",
    "ImageDownloadError",
    "ImageInput",
    "ImageInputError",
    "ImageResult",
    "InsufficientCreditsError",
    "InternalServerError",
    "Job",
    "JobFailedError",
    "JobTimeoutError",
    "MethodNotAllowedError",
    "NotAcceptableError",
    "NotFoundError",
    "ParameterError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "RateLimitError",
    "Result",
    "Segmind",
    "UnprocessableEntityError",
    "UnsafeURLError",
    "UnsupportedInputError",
    "UnsupportedMediaTypeError",
    "__version__",
    "webhooks",
]

# Loaded on first use (PEP 562): the Segmind clients import the generated segmind facade and package, which
# `import bria` must not load (a caller of Bria alone never pays for them).
_LAZY = frozenset({"Segmind", "AsyncSegmind"})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import _segmind

        value = getattr(_segmind, name)
        value.__module__ = __name__
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Tracebacks show `bria.NotFoundError`, not `bria._exceptions.NotFoundError`.
for _name in __all__:
    if _name in _LAZY:
        continue
    _obj = globals()[_name]
    if isinstance(_obj, type):
        _obj.__module__ = __name__
del _name, _obj, annotations, pkgutil
