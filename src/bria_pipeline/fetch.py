"""Download an upstream OpenAPI document and make sure it is one, before anything on disk is touched.

A fetch either returns bytes that parse as an OpenAPI 3.x document or raises `PipelineError` saying
why not: unreachable, an HTTP error status, an HTML page where JSON/YAML was expected, a transfer cut
short, a body that does not parse, or one without `openapi`/`info`/`paths`. The whole download has
one deadline, so a server that accepts the connection and then never answers cannot hang CI.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from .problems import PipelineError, Problem

# A published spec is tens of kilobytes; anything this large is not one and is not worth buffering.
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Fetched:
    content: bytes
    # Where a permanent redirect (301, 308) led: the document's new address, to record in sources.toml.
    moved_to: str | None = None


def fetch_spec(url: str, path: Path, *, timeout: float, label: str) -> Fetched:
    """The document at `url`, checked to be an OpenAPI 3.x document of the kind `path`'s suffix says."""
    where = f"{label} <{url}>"
    fetched = _download(url, timeout, where)
    document = _parse(fetched.content, path.suffix, where)
    _check_shape(document, where)
    return fetched


def _download(url: str, timeout: float, where: str) -> Fetched:
    if not url.startswith(("http://", "https://")):
        raise _failure(where, "only http:// and https:// URLs can be fetched")
    deadline = time.monotonic() + timeout
    try:
        with (
            httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True) as client,
            client.stream("GET", url, headers={"Accept": "application/yaml, application/json;q=0.9"}) as response,
        ):
            if response.status_code != 200:
                raise _failure(where, f"HTTP {response.status_code} {response.reason_phrase}".rstrip())
            if "html" in response.headers.get("content-type", "").lower():
                raise _failure(where, _html_message(response.headers["content-type"]))
            permanent = [hop for hop in response.history if hop.status_code in (301, 308)]
            moved_to = str(response.url) if permanent and str(response.url) != url else None
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise _failure(where, f"larger than {MAX_BYTES} bytes: not an OpenAPI document")
                if time.monotonic() > deadline:
                    raise _failure(where, f"no complete answer within {timeout:g} s")
                chunks.append(chunk)
    except httpx.TimeoutException:
        raise _failure(where, f"no complete answer within {timeout:g} s (timed out)") from None
    except httpx.RemoteProtocolError as exc:
        raise _failure(where, f"transfer cut short: {exc}") from None
    except httpx.HTTPError as exc:
        raise _failure(where, f"unreachable: {type(exc).__name__}: {exc}") from None
    content = b"".join(chunks)
    if content.lstrip()[:1] == b"<":
        raise _failure(where, _html_message("none given, but the body starts with `<`"))
    return Fetched(content, moved_to)


def _parse(content: bytes, suffix: str, where: str) -> Any:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _failure(where, f"not UTF-8 text: {exc}") from None
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise _failure(where, f"not valid JSON (truncated or corrupt?): {exc}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _failure(where, f"not valid YAML (truncated or corrupt?): {' '.join(str(exc).split())}") from None


def _check_shape(document: Any, where: str) -> None:
    if not isinstance(document, dict):
        raise _failure(where, f"not an OpenAPI document: the top level is a {type(document).__name__}")
    missing = [
        key
        for key, kind in (("openapi", str), ("info", dict), ("paths", dict))
        if not isinstance(document.get(key), kind)
    ]
    if missing:
        raise _failure(where, f"not an OpenAPI document: no valid {', '.join(f'`{k}`' for k in missing)}")
    if not document["openapi"].startswith("3."):
        raise _failure(where, f"OpenAPI {document['openapi']} is not supported (3.x only)")
    if not document["paths"]:
        raise _failure(where, "`paths` is empty: refusing to treat every operation as removed")


def _html_message(content_type: str) -> str:
    return f"got an HTML page, not a JSON/YAML OpenAPI document (content-type: {content_type})"


def _failure(where: str, detail: str) -> PipelineError:
    return PipelineError([Problem("fetch", where, detail)])
