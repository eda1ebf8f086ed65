"""A downstream-style test: code that calls Bria through the SDK, tested against a fake Bria on 127.0.0.1.

`pip install bria-openapi[testing]` gives pytest the fixtures `fake_bria` (a running `bria.testing.FakeBria`),
`bria_client` (a `bria.Bria` pointed at it) and `async_bria_client`, with no conftest.py. Run it with
`pytest examples/test_downstream.py`; tests/testing/test_plugin.py runs it in a subprocess in CI.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import bria
from bria.testing import FakeBria, Fault, JobPlan


def make_cutout(client: bria.Bria, image_url: str, out: Path) -> Path:
    """The code under test: remove an image's background and save the result."""
    return client.image_editing.background_remove(image=image_url).download(out)


def test_make_cutout_retries_a_rate_limit(fake_bria: FakeBria, bria_client: bria.Bria, tmp_path: Path) -> None:
    fake_bria.plan_jobs(JobPlan(duration=0.2))  # the job stays IN_PROGRESS for 0.2 s, then completes
    route = "/v2/image/edit/remove_background"
    fake_bria.inject("POST", route, Fault(status=429, headers={"Retry-After": "0.1"}))

    saved = make_cutout(bria_client, "https://example.com/shoe.jpg", tmp_path / "cutout.png")

    assert saved.read_bytes().startswith(b"\x89PNG")
    assert fake_bria.count("POST", route) == 2  # the 429, then the retry
    assert fake_bria.requests[-1].path.startswith("/results/")  # the download came from the fake too
    assert fake_bria.requests[0].json() == {"image": "https://example.com/shoe.jpg"}


def test_a_failed_job_raises(fake_bria: FakeBria, bria_client: bria.Bria, tmp_path: Path) -> None:
    failure = {"code": 422, "message": "Content moderation", "details": "The input image was blocked"}
    fake_bria.plan_jobs(JobPlan(outcome="ERROR", error=failure))

    with pytest.raises(bria.JobFailedError, match="blocked") as failed:
        make_cutout(bria_client, "https://example.com/shoe.jpg", tmp_path / "cutout.png")

    assert failed.value.code == 422
    assert not (tmp_path / "cutout.png").exists()


def test_the_async_client(fake_bria: FakeBria, async_bria_client: bria.AsyncBria) -> None:
    async def generate() -> str | None:
        async with async_bria_client as client:
            result = await client.image_generation.image_generate(prompt="a red shoe on a white table")
            return result.image_url

    image_url = asyncio.run(generate())

    assert image_url is not None and image_url.startswith(fake_bria.base_url)
    assert fake_bria.jobs[0].document == "image_generation"
