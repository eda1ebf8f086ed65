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


def split_docstring(doc: str) -> tuple[str, str, dict[str, str], str]:
    """(summary, description, argument -> text, what follows the arguments) of a facade method's docstring
    (`inspect.getdoc`), for what shows them elsewhere: the `bria` command's help, the API reference.

    The facades write Google style (src/bria_pipeline/facade.py): a summary line, the operation's prose, `Args:`
    with one entry per argument (4 spaces in, a bare name when the spec describes none; continuation lines 8)
    and a closing paragraph on waiting or the answer. The deprecation paragraph is left out of the description:
    every reader renders it from the record (`Operation.deprecated`).
    """
    lines = doc.splitlines()
    summary = lines[0] if lines else ""
    rest = lines[1:]
    if "Args:" in rest:
        start = rest.index("Args:")
        before, after = rest[:start], rest[start + 1 :]
    else:
        before, after = rest, []
    arguments: dict[str, str] = {}
    current = None
    end = len(after)
    for index, line in enumerate(after):
        if not line.strip():
            end = index
            break
        if line.startswith("    ") and not line.startswith("        "):
            name, _, text = line.strip().partition(":")
            current = name.strip()
            arguments[current] = text.strip()
        elif current is not None:
            arguments[current] = f"{arguments[current]} {line.strip()}".strip()
    trailer = "\n".join(after[end:]).strip()
    # Each paragraph on one line, as the facades reflowed it: a wrapped line that starts with ``` would open a
    # fenced block in Markdown and swallow the rest of the page.
    paragraphs = [" ".join(p.split()) for p in "\n".join(before).split("\n\n") if p.strip()]
    description = "\n\n".join(p for p in paragraphs if not p.startswith("Deprecated:"))
    return summary, description, arguments, trailer
