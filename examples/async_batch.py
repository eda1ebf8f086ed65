"""A batch with AsyncBria: many jobs at once through one client (one connection pool).

Run: `python examples/async_batch.py`
"""

from __future__ import annotations

import asyncio
import time

from _local import IMAGE_URL, api

import bria
from bria import AsyncBria

IMAGES = [f"{IMAGE_URL}?n={n}" for n in range(40)]  # 40 different images in real life
CONCURRENCY = 16  # jobs in flight at once; keep it within your plan's rate limit


async def main() -> None:
    with api(job_duration=0.4) as where:
        async with AsyncBria(where.token, base_url=where.base_url) as client:
            limit = asyncio.Semaphore(CONCURRENCY)

            async def one(url: str) -> str:
                async with limit:
                    result = await client.image_editing.background_remove(image=url)
                    return result.image_url or ""

            started = time.monotonic()
            outcomes = await asyncio.gather(*(one(url) for url in IMAGES), return_exceptions=True)
            elapsed = time.monotonic() - started

    failed = [o for o in outcomes if isinstance(o, bria.BriaError)]
    unexpected = [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, bria.BriaError)]
    if unexpected:
        raise unexpected[0]
    done = len(outcomes) - len(failed)
    print(f"{done} done, {len(failed)} failed in {elapsed:.1f} s ({done / elapsed:.1f} jobs/s)")
    assert not failed, failed


if __name__ == "__main__":
    asyncio.run(main())
