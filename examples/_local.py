"""Where the examples send their requests: Bria's API if BRIA_BASE_URL is set, else a local test server.

With BRIA_BASE_URL (and BRIA_API_TOKEN) set, the examples call that server. Otherwise each starts the
local fake Bria server of `bria.testing` on 127.0.0.1 with a throw-away token, so they
run offline and cost nothing. Against the real API, set BRIA_EXAMPLE_IMAGE_URL to an image URL Bria
can download and BRIA_EXAMPLE_IMAGE to a local photo (the built-in ones exist only for the local server).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOCAL_TOKEN = "example-token"
IMAGE_URL = os.environ.get("BRIA_EXAMPLE_IMAGE_URL", "https://example.com/photo.png")


@dataclass
class Api:
    base_url: str
    token: str
    server: Any = None  # the local FakeBria, or None when talking to BRIA_BASE_URL


@contextlib.contextmanager
def api(job_duration: float = 0.3) -> Iterator[Api]:
    base_url = os.environ.get("BRIA_BASE_URL")
    if base_url:
        token = os.environ.get("BRIA_API_TOKEN")
        if not token:
            raise SystemExit("BRIA_BASE_URL is set but BRIA_API_TOKEN is not")
        yield Api(base_url, token)
        return
    from bria.testing import FakeBria, JobPlan

    with FakeBria(token=LOCAL_TOKEN) as server:
        server.plan_jobs(JobPlan(duration=job_duration))
        yield Api(server.base_url, LOCAL_TOKEN, server)


def sample_png(directory: Path) -> Path:
    """A small PNG on disk to send (a 1x1 picture: the local server does not look at it)."""
    if os.environ.get("BRIA_EXAMPLE_IMAGE"):
        return Path(os.environ["BRIA_EXAMPLE_IMAGE"])
    from bria.testing import png_bytes

    path = directory / "photo.png"
    path.write_bytes(png_bytes("example-photo", size=4096))
    return path
