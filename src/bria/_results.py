"""Completed v2 results, with downloads that never carry the API token."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from ._exceptions import BriaError
from ._jobs import ResultData


@dataclass(frozen=True)
class Result(ResultData):
    """A completed job: `image_url`, `seed`, the raw status body, and `download(path)`."""

    _downloader: Callable[[str, Path], Path] | None = field(default=None, repr=False, compare=False)

    def download(self, path: str | os.PathLike[str]) -> Path:
        if not self.image_url or self._downloader is None:
            raise BriaError(f"job {self.request_id} has no result URL to download")
        return self._downloader(self.image_url, Path(path))


@dataclass(frozen=True)
class AsyncResult(ResultData):
    """`Result` for `AsyncBria`: `await result.download(path)`."""

    _downloader: Callable[[str, Path], Awaitable[Path]] | None = field(default=None, repr=False, compare=False)

    async def download(self, path: str | os.PathLike[str]) -> Path:
        if not self.image_url or self._downloader is None:
            raise BriaError(f"job {self.request_id} has no result URL to download")
        return await self._downloader(self.image_url, Path(path))
