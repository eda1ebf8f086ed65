"""The two drivers of `_flow`: they perform its steps, one with `httpx.Client` and `time.sleep`, one
with `httpx.AsyncClient` and `asyncio.sleep`. They decide nothing.

Every send passes the client's `TokenAuth` and never lets httpx follow a redirect (the flow does,
one send per hop); a caller's own client is otherwise used as it was configured.
"""

from __future__ import annotations

import time
from typing import TypeVar

import httpx

from ._flow import Flow, Sleep

T = TypeVar("T")


def run(flow: Flow[T], http: httpx.Client, auth: httpx.Auth) -> T:
    try:
        step = next(flow)
        while True:
            if isinstance(step, Sleep):
                if step.seconds > 0:
                    time.sleep(step.seconds)
                step = flow.send(None)
                continue
            try:
                response = http.send(step.request, auth=auth, follow_redirects=False)
            except httpx.RequestError as error:
                step = flow.throw(error)
            else:
                step = flow.send(response)
    except StopIteration as stop:
        result: T = stop.value
        return result


async def arun(flow: Flow[T], http: httpx.AsyncClient, auth: httpx.Auth) -> T:
    # asyncio is imported on first async use only: `import bria` stays cheap for sync callers.
    import asyncio

    try:
        step = next(flow)
        while True:
            if isinstance(step, Sleep):
                await asyncio.sleep(step.seconds)
                step = flow.send(None)
                continue
            try:
                response = await http.send(step.request, auth=auth, follow_redirects=False)
            except httpx.RequestError as error:
                step = flow.throw(error)
            else:
                step = flow.send(response)
    except StopIteration as stop:
        result: T = stop.value
        return result
