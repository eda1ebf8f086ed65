"""The one runtime module that generated code imports: the contract between `make generate` and `src/bria`.

A generated facade (`bria.resources.<document>`) describes each operation as an `Operation` record
(with `ImageSlot`/`ImageField` image inputs and `Rule` constraints), binding the generated package's
request builder, response parser, `UNSET` and `File`, and subclasses `SyncResource`/`AsyncResource`,
whose `_call` hands the record and the caller's arguments to the client. Its methods are annotated
with `ImageInput`, `Job`, `Result`, `ImageResult` and their async twins, and `BinaryResult` (a file
answer's bytes). Nothing else of the runtime is visible to generated code, and the runtime reaches
generated code only through these records and the lazy accessors of `bria.resources`, so either side
can change behind this list.
"""

from ._images import ImageInput
from ._jobs import Job
from ._operation import Binding, ImageField, ImageSlot, Operation, Rule
from ._resource import AsyncResource, SyncResource
from ._results import AsyncImageResult, AsyncResult, BinaryResult, ImageResult, Result

__all__ = [
    "AsyncImageResult",
    "AsyncResource",
    "AsyncResult",
    "BinaryResult",
    "Binding",
    "ImageField",
    "ImageInput",
    "ImageResult",
    "ImageSlot",
    "Job",
    "Operation",
    "Result",
    "Rule",
    "SyncResource",
]
