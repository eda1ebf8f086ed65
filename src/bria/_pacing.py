"""Client-side pacing of requests per endpoint, for Bria's per-endpoint rate limits (status polls count).

Off unless the client is given `requests_per_minute` (a number, or a plan name). Requests to one endpoint
are spaced evenly, `60 / requests_per_minute` seconds apart, whichever call of the client sends them
(threads and asyncio tasks alike): even spacing never puts more than the limit in any minute, where a
bucket that allows a burst can put twice the limit in a minute that straddles two windows. A reservation
is made under a lock and returned as a delay, so the call flow sleeps it like any other step.
"""

from __future__ import annotations

import threading

from ._exceptions import ParameterError

# Bria's per-endpoint limits (requests per minute) by plan: https://docs.bria.ai/getting-started/rate-limits-and-errors
PLANS = {"free": 10, "pay-as-you-go": 60, "enterprise": 1000}


class Pacer:
    def __init__(self, requests_per_minute: float) -> None:
        self.interval = 60.0 / requests_per_minute
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Pacer(requests_per_minute={60.0 / self.interval:g})"

    def reserve(self, endpoint: str, now: float) -> float:
        """Seconds to wait before sending to `endpoint`; the slot is taken."""
        with self._lock:
            at = max(now, self._next.get(endpoint, now))
            self._next[endpoint] = at + self.interval
            return at - now


def pacer_for(requests_per_minute: float | str | None) -> Pacer | None:
    if requests_per_minute is None:
        return None
    if isinstance(requests_per_minute, str):
        if requests_per_minute.lower() not in PLANS:
            raise ParameterError(
                "requests_per_minute", f"unknown plan {requests_per_minute[:30]!r}; use {', '.join(PLANS)} or a number"
            )
        return Pacer(PLANS[requests_per_minute.lower()])
    if (
        isinstance(requests_per_minute, bool)
        or not isinstance(requests_per_minute, int | float)
        or not requests_per_minute > 0
    ):
        raise ParameterError(
            "requests_per_minute", f"must be a number above 0 or a plan name, got {requests_per_minute!r}"[:100]
        )
    return Pacer(requests_per_minute)
