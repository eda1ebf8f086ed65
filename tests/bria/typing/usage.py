"""Checked by mypy --strict in test_typing.py: the facades' signatures are real and precise."""

from __future__ import annotations

from typing import assert_type

from bria_status_client.models import StatusResponse
from bria_v1_client.models import ResultUrl

import bria


def use(client: bria.Bria, aclient: bria.AsyncBria) -> None:
    assert_type(client.v2.remove_background(image="a.png"), bria.Result)
    assert_type(client.v2.remove_background(image=b"...", wait=False), bria.Job)
    assert_type(client.v2.expand(image="a.png", aspect_ratio="16:9", seed=3), bria.Result)
    assert_type(client.v1.blur_background(image="https://example.com/a.png", scale=3), ResultUrl)
    assert_type(client.status.get_status(request_id="r"), StatusResponse)
    assert_type(client.wait("r"), bria.Result)


async def ause(aclient: bria.AsyncBria) -> None:
    assert_type(await aclient.v2.remove_background(image="a.png"), bria.AsyncResult)
    assert_type(await aclient.v2.remove_background(image="a.png", wait=False), bria.Job)
