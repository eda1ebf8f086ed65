"""v2 jobs: handles, result data, status derivation and the polling schedule (no I/O: `_flow` polls).

Waiting strategy. A v2 call is submitted asynchronously (a short POST; the server answers 202 with
request_id and status_url) and then polled. Polls are idempotent, so a reset or a 5xx on a poll is
retried safely, while a long `sync=true` POST that times out can be neither retried (it may be
billed twice) nor recovered (no request_id). The poll schedule adapts per operation: once a few
jobs of an operation have finished, polls cluster around the usual completion time (a sparse
early poll, then short steps across the observed range, then an exponential back-off capped at
MAX_POLL_INTERVAL); before that it backs off from MIN_POLL_INTERVAL. A `Retry-After` on a status
answer is honoured. `bench/` measures the overshoot and the status calls per job.

Time is passed in (`now`, from the flow's injected clock), so every decision here is tested without
sleeping.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._constants import DEFAULT_MAX_WAIT, MAX_POLL_INTERVAL, MIN_POLL_INTERVAL, SAVE_INTERVAL
from ._exceptions import BriaError, JobFailedError, JobTimeoutError
from ._history import HistoryFile

log = logging.getLogger("bria")
_HISTORY = 20
_MIN_SAMPLES = 3


def derive_status(payload: Mapping[str, Any]) -> str:
    """The job's status as Bria's SDK derives it: an explicit `status` wins; else error, result, status_url."""
    status = payload.get("status")
    if isinstance(status, str) and status:
        return status.upper()
    if payload.get("error"):
        return "ERROR"
    if payload.get("result") is not None:
        return "COMPLETED"
    if payload.get("status_url"):
        return "IN_PROGRESS"
    return "UNKNOWN"


def raise_if_failed(payload: Mapping[str, Any], status: str, request_id: str) -> None:
    # UNKNOWN is documented as "an unexpected internal error" (D:ST1): a final failure, not a state to wait out.
    if status not in ("ERROR", "UNKNOWN"):
        return
    found = payload.get("error")
    error: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    raise JobFailedError(
        request_id=request_id,
        code=error.get("code"),
        message=str(error.get("message") or f"job ended with status {status}"),
        details=error.get("details"),
        status=status,
    )


@dataclass(frozen=True)
class Job:
    """A submitted v2 job. `client.wait(job)` waits for it.

    `operation_name` (`image_editing.background_remove`) keys the poll schedule learned per operation;
    `submitted_at` is on the client's monotonic clock.
    """

    request_id: str
    status_url: str
    operation_name: str = ""
    submitted_at: float = field(default_factory=time.monotonic, compare=False)


@dataclass(frozen=True)
class ResultData:
    request_id: str
    image_url: str | None
    seed: int | None
    raw: Mapping[str, Any]
    # The typed model of an answer that is not a v2 job's (a v1 answer), as its generated parser built it.
    answer: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any], request_id: str) -> ResultData:
        result = payload.get("result")
        result = result if isinstance(result, Mapping) else {}
        url = result.get("image_url") or result.get("url") or result.get("video_url")
        return cls(
            request_id=str(payload.get("request_id") or request_id),
            image_url=str(url) if url else None,
            seed=seed_of(result),
            raw=dict(payload),
        )


def seed_of(body: Mapping[str, Any]) -> int | None:
    """The `seed` of a result body when it is an integer (not a bool, a list of seeds or a string)."""
    seed = body.get("seed")
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


class PollPlanner:
    """Remembers how long jobs of each operation took and plans the polls of the next one.

    With a `HistoryFile`, what earlier processes learned is read on first use and what this one learns is
    written back, so the first job of a fresh process is already polled on a learned schedule. Writing is
    throttled: the first finished job is saved at once (a one-job script exits right after), later ones at
    most every SAVE_INTERVAL seconds, and the rest by `flush()` (the client's `close()`, and at exit), so a
    batch of 500 jobs does not rewrite the file 500 times from its event loop.
    """

    def __init__(self, history: HistoryFile | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._durations: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._history = history
        self._loaded = history is None
        self._clock = clock
        self._unsaved: set[str] = set()
        self._saved_at: float | None = None
        if history is not None:
            _UNSAVED_AT_EXIT.add(self)

    def record(self, operation_name: str, duration: float) -> None:
        with self._lock:
            self._load()
            durations = self._durations.setdefault(operation_name, deque(maxlen=_HISTORY))
            durations.append(duration)
            if self._history is None or not operation_name:
                return
            self._unsaved.add(operation_name)
            due = self._saved_at is None or self._clock() - self._saved_at >= SAVE_INTERVAL
        if due:
            self.flush()

    def flush(self) -> None:
        """Write what is not saved yet (a no-op without a history file or news)."""
        with self._lock:
            if self._history is None or not self._unsaved:
                return
            updates = {name: list(self._durations[name]) for name in self._unsaved}
            self._unsaved.clear()
            self._saved_at = self._clock()
        self._history.save(updates)

    def schedule(self, operation_name: str) -> Iterator[float]:
        """Poll times in seconds after submission, increasing, endless."""
        with self._lock:
            self._load()
            samples = sorted(self._durations.get(operation_name, ()))
        if len(samples) < _MIN_SAMPLES:
            return _backoff(MIN_POLL_INTERVAL, MIN_POLL_INTERVAL)
        low, high = _quantile(samples, 0.1), _quantile(samples, 0.9)
        return _clustered(low, high)

    def _load(self) -> None:
        # Under the lock. Durations this process learned before the first read stay in front of the file's.
        if self._loaded or self._history is None:
            return
        self._loaded = True
        for name, durations in self._history.load().items():
            kept = deque(durations[-_HISTORY:], maxlen=_HISTORY)
            kept.extend(self._durations.get(name, ()))
            self._durations[name] = kept


# Planners with a history file, flushed when the interpreter exits (a weak set: a dropped client's planner goes).
_UNSAVED_AT_EXIT: weakref.WeakSet[PollPlanner] = weakref.WeakSet()


@atexit.register
def _flush_at_exit() -> None:
    for planner in list(_UNSAVED_AT_EXIT):
        planner.flush()


def _quantile(samples: list[float], q: float) -> float:
    if len(samples) == 1:
        return samples[0]
    import statistics  # first needed once a few jobs finished; `import bria` stays cheap without it

    return statistics.quantiles(samples, n=20, method="inclusive")[max(0, min(18, round(q * 20) - 1))]


def _backoff(start: float, step: float) -> Iterator[float]:
    at, interval = start, step
    while True:
        yield at
        interval = min(interval * 1.5, MAX_POLL_INTERVAL)
        at += interval


def _clustered(low: float, high: float) -> Iterator[float]:
    # Inside the learned range the step may go below MIN_POLL_INTERVAL (never below half of it):
    # polls there are few by construction (at most seven), and short jobs finish sooner.
    step = min(max((high - low) / 6, MIN_POLL_INTERVAL / 2), 1.0)
    if low > 1.0:
        yield low / 2
    at = max(low, MIN_POLL_INTERVAL)
    while at <= high + 1e-9:
        yield at
        at += step
    yield from _backoff(at, step)


class Waiter:
    """The polling of one job, as a state machine the call flow drives.

    `next_delay(now)` says how long to sleep before the next poll (or raises JobTimeoutError once
    `max_wait` seconds have passed); `observe(payload, retry_after, now)` takes the poll's decoded body
    and returns the result data when the job is done, raises JobFailedError when it failed, and None
    while it runs.
    """

    def __init__(self, job: Job, planner: PollPlanner, max_wait: float | None, now: float) -> None:
        self._job = job
        self._planner = planner
        self._schedule = planner.schedule(job.operation_name)
        self._started = now
        self._deadline = now + (DEFAULT_MAX_WAIT if max_wait is None else max_wait)
        # A submission time ahead of now is another process's monotonic clock (a stored Job): count from now.
        self._submitted = min(job.submitted_at, now)
        self._not_before = 0.0
        self._last_open = self._submitted
        self._last_error: BriaError | None = None
        self.last_status = "IN_PROGRESS"

    def next_delay(self, now: float) -> float:
        earliest = max(now, self._not_before)
        for offset in self._schedule:
            at = self._submitted + offset
            if at > self._deadline:
                raise JobTimeoutError(
                    request_id=self._job.request_id,
                    waited=now - self._started,
                    last_status=self.last_status,
                    last_error=self._last_error,
                )
            if at >= earliest - 1e-3:
                return max(0.0, at - now)
        raise AssertionError("the poll schedule is endless")  # pragma: no cover

    def observe_failure(self, error: BriaError) -> None:
        self._last_error = error
        log.debug("status poll for %s failed (%s); polling again", self._job.request_id, type(error).__name__)

    def observe(self, payload: Mapping[str, Any] | None, retry_after: float | None, now: float) -> ResultData | None:
        polled = now
        self._last_error = None
        if payload is None:
            return None  # a garbled answer: the job is still there, poll again
        self.last_status = derive_status(payload)
        if self.last_status == "COMPLETED":
            self._planner.record(self._job.operation_name, (self._last_open + polled) / 2 - self._submitted)
            return ResultData.from_payload(payload, self._job.request_id)
        raise_if_failed(payload, self.last_status, self._job.request_id)
        self._last_open = polled
        self._not_before = polled + retry_after if retry_after else 0.0
        return None
