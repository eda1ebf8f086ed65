"""The retry decision table: what is retried, for which methods, and how long we wait."""

from __future__ import annotations

import httpx
import pytest

from bria._constants import MAX_RETRY_AFTER
from bria._retry import parse_retry_after, retry_delay, should_retry_error, should_retry_status


@pytest.mark.parametrize(
    ("method", "status", "expected"),
    [
        ("POST", 429, True),
        ("POST", 503, True),
        ("POST", 500, False),  # the edit may have been processed and billed
        ("POST", 502, False),
        ("POST", 504, False),
        ("POST", 460, False),
        ("POST", 506, False),  # Bria's "unsupported input": deterministic
        ("GET", 500, True),
        ("GET", 502, True),
        ("GET", 504, True),
        ("GET", 429, True),
        ("GET", 404, False),
        ("GET", 506, False),
    ],
)
def test_status_retry_table(method: str, status: int, expected: bool) -> None:
    assert should_retry_status(method, status) is expected


@pytest.mark.parametrize(
    ("method", "error", "expected"),
    [
        ("POST", httpx.ConnectError("refused"), True),  # never reached the server
        ("POST", httpx.ConnectTimeout("slow connect"), True),
        ("POST", httpx.PoolTimeout("pool"), True),
        ("POST", httpx.ReadTimeout("slow answer"), False),  # may have been processed
        ("POST", httpx.RemoteProtocolError("reset after send"), False),
        ("POST", httpx.WriteError("half sent"), False),
        ("GET", httpx.ReadTimeout("slow answer"), True),
        ("GET", httpx.RemoteProtocolError("reset"), True),
        ("GET", httpx.ReadError("reset"), True),
    ],
)
def test_error_retry_table(method: str, error: Exception, expected: bool) -> None:
    assert should_retry_error(method, error) is expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "0.25"}, 0.25),
        ({"retry-after-ms": "150"}, 0.15),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"}, 10.0),
        ({"retry-after": "soon"}, None),
        ({"retry-after": "-3"}, 0.0),
        ({}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    now = 1445412480.0  # 07:28:00 on that date
    assert parse_retry_after(httpx.Headers(headers), now=now) == expected


def test_retry_after_is_honoured_up_to_the_cap_and_refused_beyond() -> None:
    assert retry_delay(0, 1.5) == 1.5
    assert retry_delay(0, MAX_RETRY_AFTER) == MAX_RETRY_AFTER
    assert retry_delay(0, MAX_RETRY_AFTER + 1) is None


def test_backoff_is_exponential_capped_and_jitter_only_shortens() -> None:
    assert retry_delay(0, None, rand=0.0) == 0.5
    assert retry_delay(1, None, rand=0.0) == 1.0
    assert retry_delay(2, None, rand=0.0) == 2.0
    assert retry_delay(10, None, rand=0.0) == 8.0
    assert retry_delay(1, None, rand=1.0) == 0.75
