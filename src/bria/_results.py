"""Completed results (a v2 job's, a v1 answer with a result URL), and saving what a result URL points to.

Downloads never carry the API token: they are sent without the client's `TokenAuth`, and the
token is never set on an `httpx.Client` itself. Bytes go to a temporary file next to the
destination, renamed at the end, so a failed download leaves nothing half-written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from ._constants import DOWNLOAD_CHUNK
from ._exceptions import BriaError, DownloadError, ParameterError
from ._images import prefix
from ._jobs import ResultData


@dataclass(frozen=True)
class Result(ResultData):
    """A completed job: `image_url`, `seed`, the raw status body; `download(path)` and `read()`."""

    _downloader: Callable[[str, Path], Path] | None = field(default=None, repr=False, compare=False)
    _reader: Callable[[str], bytes] | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        return short_repr(self)

    def download(self, path: str | os.PathLike[str]) -> Path:
        """Save the result at `path` (a file name; its folders are made) and return that path."""
        if not self.image_url or self._downloader is None:
            raise BriaError(f"job {self.request_id} has no result URL to download")
        return self._downloader(self.image_url, Path(path))

    def read(self) -> bytes:
        """The result's bytes, without a file (to hand to PIL, a web response, a bucket)."""
        if not self.image_url or self._reader is None:
            raise BriaError(f"job {self.request_id} has no result URL to read")
        return self._reader(self.image_url)


@dataclass(frozen=True)
class ImageResult(Result):
    """A `Result` whose answer always has a result URL (the spec requires one): `image_url` is a `str`."""

    image_url: str


@dataclass(frozen=True)
class AsyncResult(ResultData):
    """`Result` for `AsyncBria`: `await result.download(path)`."""

    _downloader: Callable[[str, Path], Awaitable[Path]] | None = field(default=None, repr=False, compare=False)
    _reader: Callable[[str], Awaitable[bytes]] | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        return short_repr(self)

    async def download(self, path: str | os.PathLike[str]) -> Path:
        if not self.image_url or self._downloader is None:
            raise BriaError(f"job {self.request_id} has no result URL to download")
        return await self._downloader(self.image_url, Path(path))

    async def read(self) -> bytes:
        if not self.image_url or self._reader is None:
            raise BriaError(f"job {self.request_id} has no result URL to read")
        return await self._reader(self.image_url)


@dataclass(frozen=True)
class AsyncImageResult(AsyncResult):
    """`ImageResult` for `AsyncBria`."""

    image_url: str


def short_repr(result: ResultData) -> str:
    # The raw status body can be long (structured prompts, many URLs): `result.raw` has it all.
    fields = f"request_id={result.request_id!r}, image_url={result.image_url!r}, seed={result.seed!r}"
    return f"{type(result).__name__}({fields})"


def download(http: httpx.Client, url: str, destination: Path) -> Path:
    """Save `url` at `destination`, following redirects, with no token."""
    _check_destination(destination)
    with http.stream("GET", url, follow_redirects=True) as response:
        _check(response, url)
        return _save(response.iter_bytes(DOWNLOAD_CHUNK), destination)


async def adownload(http: httpx.AsyncClient, url: str, destination: Path) -> Path:
    _check_destination(destination)
    async with http.stream("GET", url, follow_redirects=True) as response:
        _check(response, url)
        return await _asave(response.aiter_bytes(DOWNLOAD_CHUNK), destination)


def read(http: httpx.Client, url: str) -> bytes:
    response = http.get(url, follow_redirects=True)
    _check(response, url)
    return response.content


async def aread(http: httpx.AsyncClient, url: str) -> bytes:
    response = await http.get(url, follow_redirects=True)
    _check(response, url)
    return response.content


def _check_destination(destination: Path) -> None:
    if destination.is_dir():
        raise ParameterError("path", f"{prefix(str(destination), 80)} is a folder; name the file to write")


def _check(response: httpx.Response, url: str) -> None:
    if response.status_code >= 400:
        raise DownloadError(url=url, status_code=response.status_code)


def _partial_file(destination: Path) -> IO[bytes]:
    destination.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.NamedTemporaryFile(dir=destination.parent, prefix=f".{destination.name}.", delete=False)


def _finish(partial: IO[bytes], destination: Path, *, ok: bool) -> Path:
    partial.close()
    if ok:
        Path(partial.name).replace(destination)
    else:
        Path(partial.name).unlink(missing_ok=True)
    return destination


def _save(chunks: Iterator[bytes], destination: Path) -> Path:
    partial, ok = _partial_file(destination), False
    try:
        for chunk in chunks:
            partial.write(chunk)
        ok = True
    finally:
        _finish(partial, destination, ok=ok)
    return destination


async def _asave(chunks: AsyncIterator[bytes], destination: Path) -> Path:
    partial, ok = _partial_file(destination), False
    try:
        async for chunk in chunks:
            partial.write(chunk)
        ok = True
    finally:
        _finish(partial, destination, ok=ok)
    return destination
