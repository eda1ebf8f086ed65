"""Checked by mypy --strict in test_typing.py: the facades' signatures are real and precise."""

from __future__ import annotations

from typing import assert_type

from bria.types import StatusErrorResponse, StatusInProgressResponse, StatusSuccessResponse

import bria


def use(client: bria.Bria, aclient: bria.AsyncBria, flag: bool) -> None:
    assert_type(client.image_editing.background_remove(image="a.png", wait=flag), bria.ImageResult | bria.Job)
    # What the runtime accepts type-checks: None for "not given", any sequence for an array.
    sizes: tuple[int, int] = (1024, 768)
    client.image_editing.image_expansion(
        image="a.png", prompt=None, canvas_size=sizes, original_image_size=[512, 512], original_image_location=(0, 0)
    )
    assert_type(client.image_editing.background_remove(image="a.png"), bria.ImageResult)
    # A result whose spec requires an image URL has a `str` one.
    assert_type(client.image_editing.background_remove(image="a.png").image_url, str)
    assert_type(client.image_generation.structured_prompt_generate(prompt="a cat"), bria.Result)
    assert_type(client.image_generation.structured_prompt_generate(prompt="a cat").image_url, str | None)
    assert_type(client.image_editing.background_remove(image=b"...", wait=False), bria.Job)
    assert_type(client.image_editing.image_expansion(image="a.png", aspect_ratio=1.5, seed=3), bria.ImageResult)
    # A v1 answer with a result URL is consumed as a v2 result is.
    v1 = client.image_editing_v1.blur_background(image="https://example.com/a.png", scale=3)
    assert_type(v1, bria.ImageResult)
    assert_type(v1.read(), bytes)
    assert_type(
        client.status.get_status(request_id="r"),
        StatusErrorResponse | StatusInProgressResponse | StatusSuccessResponse,
    )
    assert_type(client.wait("r"), bria.Result)


async def ause(aclient: bria.AsyncBria) -> None:
    assert_type(await aclient.image_editing.background_remove(image="a.png"), bria.AsyncImageResult)
    assert_type(await aclient.image_editing.background_remove(image="a.png", wait=False), bria.Job)
