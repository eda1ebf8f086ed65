"""Completed results (a v2 job's, a v1 answer with a result URL, a file answered as bytes), and saving what
a result URL points to.

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


@dataclass(frozen=True, repr=False)
class BinaryResult:
    """A success answer that is the file itself (Segmind answers the image's bytes, not a URL to it).

    The bytes are already read (`content`, `read()`), so saving needs no network call, and the same object
    serves `Segmind` and `AsyncSegmind`. `content_type` is the answer's media type (`image/jpeg`), and
    `remaining_credits` the account's credits the answer reports (Segmind's `x-remaining-credits`), or None
    when it sent none or not an integer.
    """

    content: bytes
    content_type: str
    remaining_credits: int | None = None
    status_code: int = 200

    def __repr__(self) -> str:
        # Never the bytes: a repr in a log line or a traceback stays one line.
        return (
            f"BinaryResult(content_type={self.content_type!r}, size={len(self.content)}, "
            f"remaining_credits={self.remaining_credits!r})"
        )

    def read(self) -> bytes:
        """The file's bytes (to hand to PIL, a web response, a bucket)."""
        return self.content

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the file at `path` (its folders are made) and return that path; written to a temporary file
        next to it and renamed, so a failed write leaves nothing half-written."""
        destination = Path(path)
        _check_destination(destination)
        return _save(iter((self.content,)), destination)

    def download(self, path: str | os.PathLike[str]) -> Path:
        """`save(path)`: the name a `Result` uses, so code that saves either kind of result works with both."""
        return self.save(path)


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
