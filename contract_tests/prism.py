"""Start, watch and stop one Prism process (`prism mock` or `prism proxy`) on 127.0.0.1.

Why supervision: Prism 5.14 dies on some requests (stoplightio/prism#2672: a multipart file part without a
Content-Type; also a multipart part name that is not valid percent-encoding). Without a supervisor every later
request fails with "connection refused" and the cause is lost in the noise. Every request the suite sends goes
through `PrismServer.supervise(...)`, which remembers the operation and the request; once the process is gone,
each supervised call raises `PrismDied` naming the request that was in flight, Prism's exit status, the tail of
its log and the log file.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
import requests

from . import settings

_START_TIMEOUT = 60.0
# How long a request failure may precede the process exit it caused (the socket closes first).
_DEATH_GRACE = 3.0
_LOG_TAIL_LINES = 25
# Errors that mean "the server went away", as opposed to a failed check on an answer.
_TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    requests.exceptions.ConnectionError,
    httpx.TransportError,
    ConnectionError,
)


class PrismDied(Exception):
    """The Prism process exited while the suite was using it."""


class PrismStartError(Exception):
    """Prism did not come up (bad spec, missing binary, port taken)."""


@dataclass
class _InFlight:
    operation: str
    # The request text, or a function giving it once the request has been built (the generated client builds
    # its own request inside the supervised call).
    request: str | Callable[[], str]

    def request_text(self) -> str:
        return self.request if isinstance(self.request, str) else self.request()


@dataclass
class PrismServer:
    name: str
    command: list[str]
    log_path: Path
    port: int
    process: subprocess.Popen[bytes]
    _log: IO[bytes]
    last: _InFlight | None = None
    death: str | None = None
    stopped: bool = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    # --- lifecycle -------------------------------------------------------------------------------------------
    @classmethod
    def launch(cls, name: str, arguments: Sequence[str], log_path: Path) -> PrismServer:
        """Start `prism <arguments> -h 127.0.0.1 -p <free port>` without waiting for it (see `start_many`)."""
        if not settings.PRISM_BIN.exists():
            raise PrismStartError(
                f"{settings.PRISM_BIN} not found: install Prism with `make node_modules/.installed` (npm ci)"
            )
        port = _free_port()
        command = [str(settings.PRISM_BIN), *arguments, "-h", "127.0.0.1", "-p", str(port)]
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log = log_path.open("wb")
        log.write(f"$ {' '.join(command)}\n".encode())
        log.flush()
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=settings.REPO_ROOT,
            # Its own process group, so that stop() reaches any child Prism forks and nothing else.
            start_new_session=True,
        )
        return cls(name, command, log_path, port, process, log)

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise PrismStartError(
                    f"Prism ({self.name}) exited with status {self.process.returncode} while starting.\n"
                    f"{self.log_tail()}\nFull log: {self.log_path}"
                )
            try:
                # Any HTTP answer (Prism says 404 for `/`) means the server is listening.
                httpx.get(self.base_url + "/", timeout=1.0)
            except httpx.TransportError:
                time.sleep(0.1)
                continue
            return
        raise PrismStartError(f"Prism ({self.name}) did not answer within {_START_TIMEOUT:.0f}s. Log: {self.log_path}")

    def stop(self) -> None:
        """Stop Prism (SIGTERM to its process group, SIGKILL after 5 s); safe to call twice."""
        if not self.stopped:
            self.stopped = True
            if self.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(timeout=5)
        self._log.close()

    # --- supervision -----------------------------------------------------------------------------------------
    def alive(self) -> bool:
        return self.process.poll() is None

    @contextlib.contextmanager
    def supervise(self, operation: str, request: str | Callable[[], str]) -> Iterator[None]:
        """Wrap one request: fail with `PrismDied` (not a connection error) if Prism is or goes down."""
        self.check_alive(operation, request)
        self.last = _InFlight(operation, request)
        try:
            yield
        except _TRANSPORT_ERRORS:
            if self._exited_within(_DEATH_GRACE):
                self._raise_died(operation, request)
            # Prism is alive: an ordinary transport failure, reported as what it is.
            raise

    def check_alive(self, operation: str, request: str | Callable[[], str]) -> None:
        if not self.alive():
            self._raise_died(operation, request)

    def _exited_within(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.alive():
                return True
            time.sleep(0.05)
        return not self.alive()

    def _raise_died(self, operation: str, request: str | Callable[[], str]) -> None:
        # One place raises, so that Hypothesis sees a single failure (same origin) however often it replays.
        raise PrismDied(self.death_report(operation, request))

    def death_report(self, operation: str, request: str | Callable[[], str]) -> str:
        """The message for Prism's death, built once: later calls repeat the request that killed it."""
        if self.death is None:
            returncode = self.process.poll()
            how = (
                f"was killed by signal {-returncode}"
                if returncode is not None and returncode < 0
                else f"exited with status {returncode}"
            )
            culprit = self.last or _InFlight(operation, request)
            self.death = (
                f"Prism ({self.name}, pid {self.pid}) died: the process {how}.\n"
                f"Operation in flight: {culprit.operation}\n"
                f"Last request sent:\n    {culprit.request_text()}\n"
                f"Prism's last log lines:\n{self.log_tail()}\n"
                f"Full Prism log: {self.log_path}"
            )
        return self.death

    def log_tail(self, lines: int = _LOG_TAIL_LINES) -> str:
        if not self._log.closed:
            self._log.flush()
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "    (log unreadable)"
        return "\n".join(f"    {line}" for line in text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_many(wanted: Sequence[tuple[str, Sequence[str], Path]]) -> dict[str, PrismServer]:
    """Start several Prism processes in parallel (each takes a second or two to load its spec).

    A free port is found by binding port 0, and another process may take it before Prism binds; a server that
    fails to come up is started again on a new port, twice at most. On any failure every process started here
    is stopped again.
    """
    arguments = {name: (args, log_path) for name, args, log_path in wanted}
    launched: list[PrismServer] = []
    ready: dict[str, PrismServer] = {}
    errors: dict[str, str] = {}
    pending = list(arguments)
    try:
        for _attempt in range(3):
            batch = [PrismServer.launch(name, *arguments[name]) for name in pending]
            launched += batch
            pending = []
            for server in batch:
                try:
                    server.wait_until_ready()
                except PrismStartError as exc:
                    server.stop()
                    errors[server.name] = str(exc)
                    pending.append(server.name)
                else:
                    ready[server.name] = server
            if not pending:
                return ready
        raise PrismStartError("\n".join(errors[name] for name in pending))
    except BaseException:
        for server in launched:
            server.stop()
        raise


def start(name: str, arguments: Sequence[str], log_path: Path) -> PrismServer:
    return start_many([(name, arguments, log_path)])[name]
