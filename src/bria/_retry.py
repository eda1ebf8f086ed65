"""Retry decisions as pure functions; the call flow (`_flow.exchange`) applies them for both clients.

The policy is stricter than a generic SDK's because a v2 edit is billed when it is processed:
a POST is retried only when the server provably did not process it (the connection was never
made, or the server said 429/503), never after a read timeout or a 500/502/504.
"""

from __future__ import annotations

import random
import time

import httpx

from ._constants import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Answers that say "not processed, try later": safe for any method.
RETRY_ANY_METHOD = frozenset({429, 503})
# Answers after which a POST may have been processed (and billed): only idempotent requests retry.
RETRY_IDEMPOTENT_ONLY = frozenset({500, 502, 504})
# Failures that happen before a byte of the request reached the server.
NOT_SENT_ERRORS: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def is_idempotent(method: str) -> bool:
    return method.upper() in IDEMPOTENT_METHODS


def should_retry_status(method: str, status: int) -> bool:
    return status in RETRY_ANY_METHOD or (status in RETRY_IDEMPOTENT_ONLY and is_idempotent(method))


def should_retry_error(method: str, error: Exception) -> bool:
    if isinstance(error, NOT_SENT_ERRORS):
        return True
    # Read timeouts, resets after sending, protocol errors: the server may have acted on it.
    return is_idempotent(method) and isinstance(error, httpx.TransportError)


def parse_retry_after(headers: httpx.Headers, *, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait (`retry-after-ms`, `Retry-After` seconds or HTTP date)."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    import email.utils  # only an HTTP-date needs it; most servers send seconds

    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, parsed.timestamp() - (time.time() if now is None else now))


def retry_delay(attempt: int, retry_after: float | None, *, rand: float | None = None) -> float | None:
    """Delay before retry number `attempt` (0-based); None means "do not retry" (server asked too much)."""
    if retry_after is not None:
        return retry_after if retry_after <= MAX_RETRY_AFTER else None
    base = min(INITIAL_RETRY_DELAY * 2.0**attempt, MAX_RETRY_DELAY)
    # Jitter only shortens the wait, so concurrent clients spread out without exceeding the cap.
    return base * (1 - 0.25 * (random.random() if rand is None else rand))
