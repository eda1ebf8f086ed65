"""Base classes of the generated facades (`bria.resources`): they hand every call to the client."""

from __future__ import annotations

import warnings
from typing import Any, Protocol

from ._operation import Operation


class Invoker(Protocol):
    """What a facade calls: `Bria` and `Segmind` (whose methods are the segmind facade's own)."""

    def _invoke(
        self, operation: Operation, arguments: dict[str, Any], *, wait: bool, max_wait: float | None
    ) -> Any: ...


class AsyncInvoker(Protocol):
    """`Invoker` for `AsyncBria` and `AsyncSegmind`."""

    async def _invoke(
        self, operation: Operation, arguments: dict[str, Any], *, wait: bool, max_wait: float | None
    ) -> Any: ...


def operations_of(resource: object) -> str:
    """The public methods of a facade, for its repr: what `client.image_editing` can do."""
    names = sorted(n for n, v in vars(type(resource)).items() if callable(v) and not n.startswith("_"))
    return f"<{type(resource).__name__}: {', '.join(names)}>"


class SyncResource:
    def __init__(self, client: Invoker) -> None:
        self._client = client

    def __repr__(self) -> str:
        return operations_of(self)

    def _call(
        self, operation: Operation, arguments: dict[str, Any], *, wait: bool = True, max_wait: float | None = None
    ) -> Any:
        warn_if_deprecated(operation)
        return self._client._invoke(operation, arguments, wait=wait, max_wait=max_wait)


class AsyncResource:
    def __init__(self, client: AsyncInvoker) -> None:
        self._client = client

    def __repr__(self) -> str:
        return operations_of(self)

    async def _call(
        self, operation: Operation, arguments: dict[str, Any], *, wait: bool = True, max_wait: float | None = None
    ) -> Any:
        warn_if_deprecated(operation)
        return await self._client._invoke(operation, arguments, wait=wait, max_wait=max_wait)


def warn_if_deprecated(operation: Operation) -> None:
    # stacklevel 4: warn_if_deprecated <- _call <- the facade method <- the caller's line.
    if operation.deprecated:
        warnings.warn(operation.deprecated, DeprecationWarning, stacklevel=4)
