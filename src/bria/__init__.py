"""Typed Python SDK for Bria AI's image-editing API.

```python
from bria import Bria

client = Bria()                                         # token from BRIA_API_TOKEN
client.v2.remove_background(image="photo.jpg").download("cutout.png")
```
"""

from __future__ import annotations

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
    ContentModerationError,
    ImageDownloadError,
    ImageInputError,
    InternalServerError,
    JobFailedError,
    JobTimeoutError,
    NotAcceptableError,
    NotFoundError,
    ParameterError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
    UnsafeURLError,
    UnsupportedInputError,
    UnsupportedMediaTypeError,
)
from ._images import ImageInput
from ._jobs import Job
from ._results import AsyncResult, Result
from ._version import __version__

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncBria",
    "AsyncResult",
    "AuthenticationError",
    "BadRequestError",
    "Bria",
    "BriaError",
    "ContentModerationError",
    "ImageDownloadError",
    "ImageInput",
    "ImageInputError",
    "InternalServerError",
    "Job",
    "JobFailedError",
    "JobTimeoutError",
    "NotAcceptableError",
    "NotFoundError",
    "ParameterError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "Result",
    "UnprocessableEntityError",
    "UnsafeURLError",
    "UnsupportedInputError",
    "UnsupportedMediaTypeError",
    "__version__",
    "webhooks",
]

# Tracebacks show `bria.NotFoundError`, not `bria._exceptions.NotFoundError`.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type):
        _obj.__module__ = __name__
