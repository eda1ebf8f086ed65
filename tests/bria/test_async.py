"""`AsyncBria` has the same surface as `Bria` and shares one connection pool across concurrent calls."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path

import pytest
from bria_resources import status, v1, v2

import bria
from tests.server import Fault, JobPlan

from .conftest import TOKEN


@pytest.mark.parametrize(
    ("sync_cls", "async_cls"), [(v1.V1, v1.AsyncV1), (v2.V2, v2.AsyncV2), (status.Status, status.AsyncStatus)]
)
def test_async_facades_mirror_the_sync_ones(sync_cls: type, async_cls: type) -> None:
    names = {n for n in vars(sync_cls) if not n.startswith("_")}
    assert names and names == {n for n in vars(async_cls) if not n.startswith("_")}
    for name in names:
        sync_params = inspect.signature(getattr(sync_cls, name)).parameters
        async_params = inspect.signature(getattr(async_cls, name)).parameters
        assert list(sync_params) == list(async_params), name
        assert inspect.iscoroutinefunction(getattr(async_cls, name))


def test_clients_have_the_same_public_methods() -> None:
    public = {n for n in dir(bria.Bria) if not n.startswith("_")}
    assert public == {n for n in dir(bria.AsyncBria) if not n.startswith("_")}


def test_async_round_trip_errors_and_download(server, png, tmp_path: Path) -> None:
    async def main() -> None:
        async with bria.AsyncBria(TOKEN, base_url=server.base_url) as client:
            result = await client.v2.remove_background(image=png)
            assert (await result.download(tmp_path / "a.png")).read_bytes().startswith(b"\x89PNG")
            job = await client.v2.gen_fill(image=png, mask=png, prompt="a cat", wait=False)
            assert (await client.wait(job)).request_id == job.request_id
            server.inject("POST", "/v2/image/edit/erase", Fault(status=500))
            with pytest.raises(bria.InternalServerError):
                await client.v2.erase(image=png, mask=png)
            server.inject("GET", "/v2/status/", Fault(reset=True))
            assert (await client.v2.enhance(image=png)).image_url
            assert (await client.v1.blur_background(image="https://example.com/a.png")).result_url

    asyncio.run(main())
    assert server.count("POST", "/v2/image/edit/erase") == 1
    assert server.result_token_leaks == 0


def test_concurrent_jobs_share_one_pool(server, png) -> None:
    server.plan_jobs(JobPlan(duration=0.2))

    async def main() -> list[bria.AsyncResult]:
        async with bria.AsyncBria(TOKEN, base_url=server.base_url) as client:
            return await asyncio.gather(*(client.v2.remove_background(image=png) for _ in range(40)))

    results = asyncio.run(main())
    assert len({r.request_id for r in results}) == 40
    assert server.count("POST", "/v2/image/edit/remove_background") == 40
