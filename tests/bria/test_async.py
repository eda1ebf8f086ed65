"""`AsyncBria` has the same surface as `Bria` and shares one connection pool across concurrent calls."""

from __future__ import annotations

import asyncio
import importlib
import inspect
from pathlib import Path

import httpx
import pytest

import bria
from bria.testing import Fault, JobPlan
from bria_pipeline.facade import camel_case
from bria_pipeline.layout import load_documents
from tests.conftest import REPO_ROOT

from .conftest import TOKEN

DOCUMENTS = load_documents(REPO_ROOT)


@pytest.mark.parametrize("document", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
def test_async_facades_mirror_the_sync_ones(document) -> None:  # type: ignore[no-untyped-def]
    module = importlib.import_module(document.facade_module)
    sync_cls, async_cls = (
        getattr(module, camel_case(document.name)),
        getattr(module, "Async" + camel_case(document.name)),
    )
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
    assert {d.name for d in DOCUMENTS if d.client == "bria"} <= public, "every Bria document is a client property"
    # Another client's document (segmind) is that client's own methods, never a property of Bria.
    assert not {d.name for d in DOCUMENTS if d.client != "bria"} & public
    segmind = {n for n in dir(bria.Segmind) if not n.startswith("_")}
    assert segmind == {n for n in dir(bria.AsyncSegmind) if not n.startswith("_")}
    assert {"blur_background", "replace_background", "close"} <= segmind


def test_async_round_trip_errors_and_download(server, png, tmp_path: Path) -> None:
    async def main() -> None:
        async with bria.AsyncBria(TOKEN, base_url=server.base_url) as client:
            result = await client.image_editing.background_remove(image=png)
            assert (await result.download(tmp_path / "a.png")).read_bytes().startswith(b"\x89PNG")
            job = await client.image_editing.gen_fill(image=png, mask=png, prompt="a cat", wait=False)
            assert (await client.wait(job)).request_id == job.request_id
            server.inject("POST", "/v2/image/edit/erase", Fault(status=500))
            with pytest.raises(bria.InternalServerError):
                await client.image_editing.erase(image=png, mask=png)
            server.inject("GET", "/v2/status/", Fault(reset=True))
            assert (await client.image_editing.enhance(image=png)).image_url
            v1 = await client.image_editing_v1.blur_background(image="https://example.com/a.png")
            assert (await v1.read()).startswith(b"\x89PNG"), "a v1 answer is read like a v2 result"
            assert v1.answer.result_url == v1.image_url

    asyncio.run(main())
    assert server.count("POST", "/v2/image/edit/erase") == 1
    assert server.result_token_leaks == 0


def test_concurrent_jobs_share_one_pool(server, png) -> None:
    server.plan_jobs(JobPlan(duration=0.2))

    async def main() -> list[bria.AsyncResult]:
        async with bria.AsyncBria(TOKEN, base_url=server.base_url) as client:
            return await asyncio.gather(*(client.image_editing.background_remove(image=png) for _ in range(40)))

    results = asyncio.run(main())
    assert len({r.request_id for r in results}) == 40
    assert server.count("POST", "/v2/image/edit/remove_background") == 40


def test_async_retries_a_rate_limited_post_and_outlasts_failed_polls(server, png) -> None:
    """The async driver performs the same flow: a 429 on the POST is retried after its Retry-After, and
    status polls that keep failing past their retries are polled again, not raised."""
    server.inject("POST", "/v2/image/edit/remove_background", Fault(status=429, headers={"Retry-After": "0.05"}))
    server.inject("GET", "/v2/status/", *[Fault(status=500)] * 4)

    async def main() -> bria.AsyncResult:
        async with bria.AsyncBria(TOKEN, base_url=server.base_url, max_retries=1) as client:
            return await client.image_editing.background_remove(image=png)

    assert asyncio.run(main()).image_url
    assert server.count("POST", "/v2/image/edit/remove_background") == 2


def test_async_callers_client_keeps_its_settings_and_redirects_drop_the_token() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "engine.test":
            return httpx.Response(302, headers={"Location": "https://elsewhere.test/moved"})
        return httpx.Response(204)

    async def main() -> object:
        own = httpx.AsyncClient(transport=httpx.MockTransport(answer), headers={"x-user": "mine"}, timeout=1.5)
        async with bria.AsyncBria(TOKEN, base_url="https://engine.test", http_client=own) as client:
            return await client.tailored_generation.delete_project(project_id=1)

    assert asyncio.run(main()) is None
    assert [r.url.host for r in seen] == ["engine.test", "elsewhere.test"]
    assert seen[0].headers["api_token"] == TOKEN and "api_token" not in seen[1].headers
    assert all(r.headers["x-user"] == "mine" for r in seen)
    assert seen[0].extensions["timeout"] == httpx.Timeout(1.5).as_dict()


def test_an_async_client_can_be_reused_across_event_loops(server, png) -> None:
    """A notebook cell or a CLI command per `asyncio.run()`: the client's pool follows the running loop."""
    client = bria.AsyncBria(TOKEN, base_url=server.base_url)

    async def once() -> str | None:
        return (await client.image_editing.background_remove(image=png)).image_url

    assert asyncio.run(once()) and asyncio.run(once())
    asyncio.run(client.close())


def test_async_pacing_spaces_concurrent_calls(server) -> None:
    import time

    async def main() -> float:
        async with bria.AsyncBria(TOKEN, base_url=server.base_url, requests_per_minute=1200) as client:
            started = time.monotonic()
            await asyncio.gather(
                *(client.image_editing_v1.blur_background(image="https://example.com/a.png") for _ in range(6))
            )
            return time.monotonic() - started

    assert asyncio.run(main()) >= 5 * 0.05 - 0.01, "six requests to one endpoint, 50 ms apart"
    assert server.count("POST", "/v1/background/blur") == 6
