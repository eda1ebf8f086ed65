"""Batch progress on stderr: a Rich bar (throughput, ETA) on a terminal, else one plain line.

Rich is the `cli` extra's only dependency and is imported here only, when a batch starts: a single call
and `--help` never pay for it.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any, Protocol


class Progress(Protocol):
    def advance(self, *, failed: bool) -> None: ...

    def close(self) -> None: ...


def progress_for(total: int, label: str, stream: IO[str] | None = None) -> Progress:
    stream = stream or sys.stderr
    if stream.isatty():
        try:
            return _RichProgress(total, label, stream)
        except ImportError:
            pass
    return PlainProgress(total, label, stream)


def _rate_and_eta(done: int, total: int, elapsed: float) -> tuple[float, float | None]:
    rate = done / elapsed if elapsed > 0 else 0.0
    eta = (total - done) / rate if rate > 0 else None
    return rate, eta


class PlainProgress:
    """`label: 12/20 done, 3 failed, 2.1 items/s, ETA 4 s`: rewritten in place on a terminal; off a terminal
    (logs, CI) a new line at most once a second and at the end, so a log stays short."""

    def __init__(self, total: int, label: str, stream: IO[str], interval: float = 1.0) -> None:
        self.total, self.label, self.stream = total, label, stream
        self.done = self.failed = 0
        self.started = self._last = time.monotonic()
        self.interval = interval
        self.tty = stream.isatty()

    def line(self) -> str:
        rate, eta = _rate_and_eta(self.done, self.total, time.monotonic() - self.started)
        eta_text = "-" if eta is None else f"{eta:.0f} s"
        return f"{self.label}: {self.done}/{self.total} done, {self.failed} failed, {rate:.1f} items/s, ETA {eta_text}"

    def advance(self, *, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        now = time.monotonic()
        if self.tty:
            self.stream.write("\r" + self.line())
            self.stream.flush()
        elif now - self._last >= self.interval or self.done == self.total:
            self._last = now
            print(self.line(), file=self.stream, flush=True)

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


class _RichProgress:
    def __init__(self, total: int, label: str, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichBar

        self.started = time.monotonic()
        self.total = total
        self.done = self.failed = 0
        self._bar: Any = RichBar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed"),
            TextColumn("{task.fields[rate]} items/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(file=stream),
        )
        self._task = self._bar.add_task(label, total=total, failed=0, rate="0.0")
        self._bar.start()

    def advance(self, *, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        rate, _ = _rate_and_eta(self.done, self.total, time.monotonic() - self.started)
        self._bar.update(self._task, advance=1, failed=self.failed, rate=f"{rate:.1f}")

    def close(self) -> None:
        self._bar.stop()
