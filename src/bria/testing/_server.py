"""`FakeBria`: an in-process fake of Bria's API over real sockets on 127.0.0.1, driven by the effective specs.

The routes are every operation of the effective specs shipped in the package (`bria/_specs/*.json`, see
`_spec.py`): a v2 job operation (a documented 202 with `request_id` and `status_url`) answers 202 and its
job goes through IN_PROGRESS to the planned outcome on the status route (`x-bria-job-status`); any other
operation answers its documented success example, or a minimal body valid for its schema, with every URL in
it pointing at this server's `/results/` downloads. The deprecated v1 image-editing routes keep hand-written
answers (result URLs, `num_results`, person info). JSON bodies and query parameters are validated against the
spec (jsonschema): a request that does not match gets a 400 naming the field; an unknown route a 404.

One `ThreadingHTTPServer` runs in a daemon thread; each connection gets a thread and may carry many requests
(HTTP/1.1 keep-alive; every answer has a Content-Length). Nothing is logged. `Fault` injects failures,
`JobPlan` shapes jobs, `webhook_url` (per request, where the spec has the field, or for every job) receives
each job's final status signed as Bria signs it.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import email.parser
import email.policy
import hashlib
import hmac
import ipaddress
import itertools
import json
import secrets
import socket
import socketserver
import struct
import sys
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ._spec import Invalid, SpecOperation, SpecRoutes, load_routes, minimal_instance, require_jsonschema

__all__ = ["FakeBria", "Fault", "JobInfo", "JobPlan", "RecordedRequest", "WebhookDelivery", "png_bytes"]

TOKEN_HEADER = "api_token"

# The deprecated v1 image-editing document: its routes keep the hand-written answers below.
_LEGACY_V1_DOCUMENT = "image_editing_v1"
# Optional `result` fields a finished job carries when its operation documents them.
_RESULT_EXTRAS = ("structured_prompt", "structured_instruction")
_DEFAULT_ERROR: Mapping[str, Any] = {
    "code": 422,
    "message": "Unprocessable Entity",
    "details": "The job failed (planned by the test).",
}

_REASONS: dict[int, str] = {s.value: s.phrase for s in HTTPStatus}
_REASONS.update({209: "Unassigned", 460: "Failed to download image", 506: "Insufficient data"})

_NGINX_PAGE = (
    "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

_SEED = 123
_DEFAULT_RESULT_SIZE = 256


# --------------------------------------------------------------------------------------------------
# Public value types
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """What to do instead of (or on top of) the normal answer to one matching request.

    * ``reset``: read the request, then close the socket with a TCP RST and no answer. The request is
      recorded but not processed (no job is created).
    * ``html``: answer ``status`` (default 502) with an nginx-style HTML error page (text/html).
    * ``truncate``: declare a Content-Length larger than the body sent, then close. The body is
      ``body`` if given, else the first half of the normal answer (``status`` defaults to its status).
    * ``status``: answer ``status`` with ``body`` and ``headers`` verbatim (a JSON body gets
      ``application/json`` unless ``headers`` sets a content type).
    * none of the above: the normal answer, with ``headers`` added.
    * ``delay``: sleep this many seconds before answering (or resetting); combines with all of the above.

    Every fault except ``reset`` still processes the request first (a faulted v2 submit creates its
    job), so a test can prove a POST reached the server exactly once.
    """

    status: int | None = None
    body: bytes = b""
    headers: dict[str, str] | None = None
    reset: bool = False
    delay: float = 0.0
    truncate: bool = False
    html: bool = False

    def describe(self) -> str:
        if self.reset:
            return "reset"
        if self.html:
            return f"html:{self.status or 502}"
        if self.truncate:
            return f"truncate:{self.status or 'normal'}"
        if self.status is not None:
            return f"status:{self.status}"
        return "delay" if self.delay else "headers"


@dataclass(frozen=True)
class JobPlan:
    """How v2 jobs created after `FakeBria.plan_jobs` behave.

    ``duration``: seconds from submit to the terminal state, or a callable given the job's index
    (0-based, counted over the server's lifetime). ``outcome``: "COMPLETED", "ERROR", "NEVER" (stays
    IN_PROGRESS forever) or any other string, sent verbatim as ``status``. ``retry_after``: add a
    ``Retry-After`` header (seconds) to IN_PROGRESS answers. ``status_url_host``: hand out
    ``status_url`` on this host instead (``"evil.example"`` -> ``http://evil.example/v2/status/<id>``;
    a value containing ``://`` is used as the whole origin). ``error``: the ``error`` object of an
    ERROR job's status answer (``code``, ``message``, ``details``; default a 422 "planned by the test").
    """

    duration: float | Callable[[int], float] = 0.0
    outcome: str = "COMPLETED"
    retry_after: float | None = None
    status_url_host: str | None = None
    error: Mapping[str, Any] | None = None


@dataclass
class RecordedRequest:
    """One request as the fake received it (faulted ones included), for assertions."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case keys
    body: bytes
    time: float  # time.monotonic() when the request was fully read
    raw_query: str = ""
    form_fields: list[str] = field(default_factory=list)  # multipart part names, in order
    fault: str | None = None  # Fault.describe() of the fault applied, if any

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def has_token(self) -> bool:
        return TOKEN_HEADER in self.headers


@dataclass
class JobInfo:
    """One v2 job: what was submitted, its plan, and what its finished status answer carries."""

    request_id: str
    index: int
    operation: str  # the operationId of the job operation
    body: dict[str, Any]
    created_at: float
    duration: float
    outcome: str
    retry_after: float | None
    sync: bool
    polls: int = 0
    delivered_at: float | None = None  # first answer that showed the terminal state
    document: str = ""  # the spec it came from, e.g. "video_editing"
    route: str = ""  # e.g. "/v2/video/edit/remove_background"
    result: dict[str, Any] = field(default_factory=dict)  # the `result` of a COMPLETED status answer
    error: dict[str, Any] = field(default_factory=dict)  # the `error` of an ERROR status answer
    webhook_url: str | None = None  # where the final status is delivered, if anywhere

    @property
    def completed_at(self) -> float | None:
        """When the job reached its terminal state (None for NEVER)."""
        return None if self.outcome == "NEVER" else self.created_at + self.duration

    def state(self, now: float) -> str:
        completed_at = self.completed_at
        if completed_at is None or now < completed_at:
            return "IN_PROGRESS"
        return self.outcome


@dataclass
class WebhookDelivery:
    """One POST of a job's final status to a webhook URL, as sent (and how it went)."""

    url: str
    request_id: str
    headers: dict[str, str]
    body: bytes
    time: float  # time.monotonic() when it was sent
    status: int | None = None  # the receiver's HTTP status; None if it was not delivered
    error: str | None = None  # why it was not delivered (connection error, not a loopback URL)

    def json(self) -> Any:
        return json.loads(self.body)


# --------------------------------------------------------------------------------------------------
# Result bytes
# --------------------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


_PNG_1X1 = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00\x00"))
    + _png_chunk(b"IEND", b"")
)


def _padding_block(name: str) -> bytes:
    return hashlib.sha256(name.encode()).digest() * 2048  # 64 KiB, deterministic per name


def png_bytes(name: str, size: int | None = None) -> bytes:
    """The exact bytes `GET /results/<name>?size=<size>` serves: a valid 1x1 PNG, then padding."""
    return b"".join(_iter_png(name, _DEFAULT_RESULT_SIZE if size is None else size))


def _iter_png(name: str, size: int) -> Iterator[bytes]:
    head = _PNG_1X1[:size]
    yield head
    remaining = size - len(head)
    block = _padding_block(name)
    while remaining > 0:
        piece = block[:remaining]
        yield piece
        remaining -= len(piece)


# --------------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------------


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    owner: FakeBria

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup; skip it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.owner._track(request, add=True)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.owner._track(request, add=False)
        if self.owner._take_reset(request):
            with contextlib.suppress(OSError):
                request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            request.close()  # linger 0: the peer gets RST, not FIN
            return
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up mid-answer are expected here; never print tracebacks.
        self.owner.errors.append(repr(sys.exc_info()[1]))


class FakeBria:
    """Every operation of Bria's effective specs on 127.0.0.1, for tests, examples and benchmarks.

    ``with FakeBria(token="secret-token") as server: ...`` binds an ephemeral port (``port=0``) and serves
    from a daemon thread until the block ends; ``FakeBria().start()`` / ``stop()`` do the same by hand.
    Requests must carry ``api_token: <token>``. ``validate=False`` skips checking requests against the
    spec (and needs no jsonschema). ``webhook_url`` receives the final status of every job, whatever the
    request said; without it, a job request's own ``webhook_url`` field is used. Deliveries go only to
    loopback hosts (a test never calls out); others are recorded in ``webhook_deliveries`` as not delivered.
    """

    def __init__(
        self,
        token: str = "secret-token",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        validate: bool = True,
        webhook_url: str | None = None,
    ) -> None:
        self.token = token
        self.validate = validate
        self.webhook_url = webhook_url
        self._host = host
        self._port = port
        self._routes: SpecRoutes = load_routes()
        self._answers: dict[int, tuple[int, Any, str | None]] = {}
        self._timers: set[threading.Timer] = set()
        self._deliveries: list[WebhookDelivery] = []
        self._delivered = threading.Condition()
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._faults: list[tuple[str, str, list[Fault]]] = []
        self._jobs: dict[str, JobInfo] = {}
        self._job_counter = itertools.count()
        self._plan = JobPlan()
        self._connections: set[Any] = set()
        self._resets: set[int] = set()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.errors: list[str] = []  # exceptions swallowed by the server (client hang-ups etc.)

    # ---- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeBria:
        if self._httpd is not None:
            return self
        if self.validate:
            require_jsonschema()  # fail here, with the fix in the message, rather than on the first request
        httpd = _HTTPServer((self._host, self._port), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self._stopping.clear()
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="bria-test-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd = self._httpd
        if httpd is None:
            return
        self._stopping.set()  # wakes sync jobs and delays
        with self._lock:
            timers = list(self._timers)
            self._timers.clear()
        for timer in timers:  # webhooks of jobs still running are never sent
            timer.cancel()
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:  # idle keep-alive connections: let their threads end
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FakeBria:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Run in the foreground until KeyboardInterrupt (for `python -m bria.testing`)."""
        self.start()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    # ---- addresses ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return self._httpd.server_port

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def v1_url(self) -> str:
        return self.base_url + "/v1"

    @property
    def v2_url(self) -> str:
        return self.base_url + "/v2/image/edit"

    @property
    def status_url(self) -> str:
        return self.base_url + "/v2/status"

    def result_url(self, name: str) -> str:
        return f"{self.base_url}/results/{name}"

    # ---- inspection --------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received so far, in arrival order (faulted ones included)."""
        with self._lock:
            return list(self._requests)

    def count(self, method: str | None, path_prefix: str = "/") -> int:
        """Requests with this method (None or "*" = any) whose path starts with path_prefix."""
        wanted = None if method in (None, "*") else method.upper()
        with self._lock:
            return sum(
                1 for r in self._requests if (wanted is None or r.method == wanted) and r.path.startswith(path_prefix)
            )

    @property
    def result_token_leaks(self) -> int:
        """How many `GET /results/...` requests carried an `api_token` header (should be 0)."""
        with self._lock:
            return sum(1 for r in self._requests if r.path.startswith("/results/") and r.has_token)

    def clear(self) -> None:
        """Forget recorded requests and pending faults (jobs and the plan stay)."""
        with self._lock:
            self._requests.clear()
            self._faults.clear()

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every webhook POST attempted so far, in order (undelivered ones included, with `error`)."""
        with self._lock:
            return list(self._deliveries)

    def wait_for_webhooks(self, count: int = 1, timeout: float = 5.0) -> list[WebhookDelivery]:
        """Block until at least `count` webhook deliveries were attempted; TimeoutError after `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._delivered:
            while len(self.webhook_deliveries) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(self.webhook_deliveries)} of {count} webhook deliveries")
                self._delivered.wait(remaining)
        return self.webhook_deliveries

    @property
    def operations(self) -> list[tuple[str, str, str, str]]:
        """(document, operationId, method, route) of every operation served, e.g.
        ("status", "get_status", "GET", "/v2/status/{request_id}")."""
        return [(op.document, op.operation_id, op.method, op.route) for op in self._routes]

    def job(self, request_id: str) -> JobInfo:
        with self._lock:
            return self._jobs[request_id]

    @property
    def jobs(self) -> list[JobInfo]:
        with self._lock:
            return list(self._jobs.values())

    def job_timeline(self, request_id: str) -> tuple[float, float | None]:
        """(created_at, completed_at) in time.monotonic(); completed_at is None until the job is done."""
        job = self.job(request_id)
        done = job.completed_at
        if done is not None and time.monotonic() < done:
            done = None
        return job.created_at, done

    # ---- control -----------------------------------------------------------------------------

    def inject(self, method: str, path_prefix: str, *faults: Fault) -> None:
        """The next len(faults) requests matching (method, path_prefix) get these faults, in order.

        method may be "*" for any method. Earlier injections are consumed first.
        """
        if faults:
            with self._lock:
                self._faults.append((method.upper(), path_prefix, list(faults)))

    def plan_jobs(self, plan: JobPlan) -> None:
        with self._lock:
            self._plan = plan

    # ---- internals used by the handler ------------------------------------------------------

    def _track(self, conn: Any, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _mark_reset(self, conn: Any) -> None:
        with self._lock:
            self._resets.add(id(conn))

    def _take_reset(self, conn: Any) -> bool:
        with self._lock:
            if id(conn) in self._resets:
                self._resets.discard(id(conn))
                return True
            return False

    def _record(self, rec: RecordedRequest) -> Fault | None:
        with self._lock:
            self._requests.append(rec)
            for i, (method, prefix, queue) in enumerate(self._faults):
                if method in ("*", rec.method) and rec.path.startswith(prefix):
                    fault = queue.pop(0)
                    if not queue:
                        del self._faults[i]
                    rec.fault = fault.describe()
                    return fault
        return None

    def _new_job(self, op: SpecOperation, body: dict[str, Any], sync: bool) -> tuple[JobInfo, JobPlan]:
        with self._lock:
            plan = self._plan
            index = next(self._job_counter)
        duration = plan.duration(index) if callable(plan.duration) else plan.duration
        requested = body.get("webhook_url") if op.takes_webhook else None
        job = JobInfo(
            request_id=f"req_{index:06d}_{secrets.token_hex(4)}",
            index=index,
            operation=op.operation_id,
            body=body,
            created_at=time.monotonic(),
            duration=float(duration),
            outcome=plan.outcome,
            retry_after=plan.retry_after,
            sync=sync,
            document=op.document,
            route=op.route,
            error=dict(plan.error or _DEFAULT_ERROR),
            webhook_url=self.webhook_url or (requested if isinstance(requested, str) and requested else None),
        )
        job.result = _job_result(self, op, job.request_id)
        with self._lock:
            self._jobs[job.request_id] = job
        if job.webhook_url is not None and job.completed_at is not None:
            self._schedule_webhook(job)
        return job, plan

    def _schedule_webhook(self, job: JobInfo) -> None:
        delay = max(0.0, (job.completed_at or 0.0) - time.monotonic())
        timer = threading.Timer(delay, self._deliver_webhook, (job,))
        timer.daemon = True
        with self._lock:
            self._timers.add(timer)
        timer.start()

    def _deliver_webhook(self, job: JobInfo) -> None:
        url = job.webhook_url or ""
        payload = json.dumps(_final_status(job), separators=(",", ":")).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "FakeBria-Webhooks/1.0",
            "Bria-Webhook-Id": job.request_id,
            "Bria-Webhook-Timestamp": timestamp,
            "Bria-Webhook-Signature": _sign(payload, job.request_id, timestamp, self.token),
        }
        delivery = WebhookDelivery(url, job.request_id, headers, payload, time.monotonic())
        if not _is_loopback(url):
            delivery.error = "not delivered: FakeBria sends webhooks only to loopback hosts"
        else:
            request = urllib.request.Request(url, data=payload, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:
                    delivery.status = int(answer.status)
            except urllib.error.HTTPError as exc:
                delivery.status = exc.code
            except (OSError, ValueError) as exc:
                delivery.error = repr(exc)
        with self._lock:
            self._deliveries.append(delivery)
            self._timers = {t for t in self._timers if t is not threading.current_thread()}  # this one is done
        with self._delivered:
            self._delivered.notify_all()

    def _success(self, op: SpecOperation) -> tuple[int, Any, str | None]:
        # Made once per operation: checking a documented example against its schema is the slow part.
        key = id(op)
        if key not in self._answers:
            self._answers[key] = op.success()
        status, payload, content_type = self._answers[key]
        return status, copy.deepcopy(payload), content_type

    def _find_job(self, request_id: str) -> JobInfo | None:
        with self._lock:
            return self._jobs.get(request_id)


# --------------------------------------------------------------------------------------------------
# Request handling
# --------------------------------------------------------------------------------------------------


@dataclass
class _Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stream: Any = None  # iterable of bytes with len == content_length, for result downloads
    content_length: int | None = None
    drop: bool = False  # close the connection without answering


def _json(status: int, payload: Any, headers: dict[str, str] | None = None) -> _Answer:
    hdrs = {"Content-Type": "application/json"}
    if headers:
        hdrs.update(headers)
    return _Answer(status, json.dumps(payload, separators=(",", ":")).encode(), hdrs)


def _text(status: int, text: str) -> _Answer:
    return _Answer(status, text.encode(), {"Content-Type": "text/plain; charset=utf-8"})


def _v2_error(status: int, message: str, details: str, request_id: str | None = None) -> _Answer:
    return _json(
        status,
        {
            "error": {"code": status, "message": message, "details": details},
            "request_id": request_id or f"req_err_{secrets.token_hex(6)}",
        },
    )


def _format_seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else format(value, "g")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeBria/1.0"
    disable_nagle_algorithm = True
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    # ---- plumbing ----------------------------------------------------------------------------

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(parts)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self) -> None:
        owner = self.server.owner
        split = urlsplit(self.path)
        body = self._read_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        rec = RecordedRequest(
            method=self.command,
            path=split.path,
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers=headers,
            body=body,
            time=time.monotonic(),
            raw_query=split.query,
        )
        form: dict[str, bytes] | None = None
        if headers.get("content-type", "").lower().startswith("multipart/"):
            form = _parse_multipart(headers["content-type"], body)
            rec.form_fields = list(form)
        fault = owner._record(rec)

        if fault is not None and fault.reset:
            if fault.delay:
                owner._stopping.wait(fault.delay)
            owner._mark_reset(self.connection)
            self.close_connection = True
            return

        try:
            answer = _route(owner, rec, form)
        except Exception as exc:  # a bug here must still produce an answer, not a hung client
            owner.errors.append(repr(exc))
            answer = _text(500, f"test server error: {exc!r}")

        if fault is not None:
            if fault.delay:
                owner._stopping.wait(fault.delay)
            answer = _apply_fault(fault, answer)
        self._send(answer)

    def _send(self, answer: _Answer) -> None:
        if answer.drop:
            self.close_connection = True
            return
        reason = _REASONS.get(answer.status, "Unknown")
        truncated = answer.content_length is not None and answer.stream is None
        length = answer.content_length if answer.content_length is not None else len(answer.body)
        close = self.close_connection or truncated
        lines = [f"HTTP/1.1 {answer.status} {reason}", f"Server: {self.server_version}"]
        lines.extend(
            f"{k}: {v}" for k, v in answer.headers.items() if k.lower() not in ("content-length", "connection")
        )
        lines.append(f"Content-Length: {length}")
        if close:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            if answer.stream is not None:
                self.wfile.write(head)
                for piece in answer.stream:
                    self.wfile.write(piece)
            else:
                self.wfile.write(head + answer.body)
        except OSError:
            close = True
        if close:
            self.close_connection = True


def _parse_multipart(content_type: str, body: bytes) -> dict[str, bytes]:
    try:
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        fields: dict[str, bytes] = {}
        if message.is_multipart():
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if isinstance(name, str):
                    payload = part.get_payload(decode=True)
                    fields[name] = payload if isinstance(payload, bytes) else b""
        return fields
    except Exception:
        return {}


def _apply_fault(fault: Fault, normal: _Answer) -> _Answer:
    extra = dict(fault.headers or {})
    if fault.html:
        status = fault.status or 502
        reason = _REASONS.get(status, "Error")
        page = _NGINX_PAGE.format(code=status, reason=reason).encode()
        return _Answer(status, page, {"Content-Type": "text/html", **extra})
    if fault.truncate:
        if normal.stream is not None:
            normal = _Answer(normal.status, b"".join(normal.stream), normal.headers)
        status = fault.status or normal.status
        hdrs = {**normal.headers, **extra} if fault.status is None else {"Content-Type": "application/json", **extra}
        if fault.body:
            return _Answer(status, fault.body, hdrs, content_length=len(fault.body) + 32)
        full = normal.body or b"{}"
        return _Answer(status, full[: len(full) // 2], hdrs, content_length=len(full))
    if fault.status is not None:
        hdrs = dict(extra)
        if fault.body and not any(k.lower() == "content-type" for k in hdrs):
            try:
                json.loads(fault.body)
                hdrs["Content-Type"] = "application/json"
            except ValueError:
                hdrs["Content-Type"] = "text/plain; charset=utf-8"
        return _Answer(fault.status, fault.body, hdrs)
    normal.headers.update(extra)
    return normal


# ---- routing -------------------------------------------------------------------------------------


def _route(owner: FakeBria, rec: RecordedRequest, form: dict[str, bytes] | None) -> _Answer:
    path = rec.path
    if path.startswith("/results/"):
        return _result(rec)
    if not path.startswith(("/v1/", "/v2/")):
        return _text(404, "Not Found")
    legacy = path.startswith("/v1/")  # until the route is known: v1 errors are plain text
    if rec.headers.get(TOKEN_HEADER) != owner.token:
        if legacy:
            return _text(401, "Unauthorized. Invalid API key or authentication token.")
        return _v2_error(401, "Unauthorized", "Missing or invalid api_token header.")
    op, params, known_path = owner._routes.find(rec.method, path)
    if op is None:
        if legacy:
            return _text(405, "Method not allowed.") if known_path else _text(404, "Not found.")
        if known_path:
            return _v2_error(405, "Method Not Allowed", f"{rec.method} is not allowed on {path}")
        return _v2_error(404, "Not Found", f"Unknown endpoint {path}")
    legacy = op.document == _LEGACY_V1_DOCUMENT
    body, problem = _json_body(owner, op, rec, form, params)
    if problem is not None:
        return _text(400, f"Bad request. {problem.message}") if legacy else _bad_request(problem)
    if op.kind == "status":
        return _status(owner, params[op.path_parameters[0]])
    if op.kind == "job":
        return _job_submit(owner, op, rec, body)
    if legacy:
        return _v1(owner, op, rec, form, params)
    return _documented(owner, op)


def _json_body(
    owner: FakeBria, op: SpecOperation, rec: RecordedRequest, form: dict[str, bytes] | None, params: dict[str, str]
) -> tuple[Any, Invalid | None]:
    """The parsed JSON body (None without one) and, when validating, the first way the request breaks the spec.

    Only JSON is checked against the schema: multipart and urlencoded bodies (v1 uploads) are taken as they are.
    """
    if owner.validate:
        problem = op.validate_parameters(rec.query, params)
        if problem is not None:
            return None, problem
    content_type = rec.headers.get("content-type", "").lower()
    if form is not None or content_type.startswith("application/x-www-form-urlencoded") or not op.json_body:
        return None, None
    if not rec.body:
        if owner.validate and op.body_required:
            return None, Invalid("", "A JSON request body is required")
        return None, None
    try:
        body = json.loads(rec.body)
    except ValueError:
        return None, Invalid("", "Request body is not valid JSON")
    if owner.validate:
        problem = op.validate_body(body)
        if problem is not None:
            return body, problem
    return body, None


def _bad_request(problem: Invalid) -> _Answer:
    details = problem.message
    if problem.field and f"'{problem.field.rsplit('.', 1)[-1]}'" not in details:
        details = f"'{problem.field}': {details}"
    return _v2_error(400, "Bad Request", details)


def _result(rec: RecordedRequest) -> _Answer:
    if rec.method != "GET":
        return _text(405, "Method Not Allowed")
    name = rec.path[len("/results/") :]
    try:
        size = int(rec.query.get("size", _DEFAULT_RESULT_SIZE))
    except ValueError:
        return _text(400, "size must be an integer")
    size = max(size, 0)
    content_type = "image/png" if name.endswith(".png") or "." not in name else "application/octet-stream"
    return _Answer(200, b"", {"Content-Type": content_type}, stream=_iter_png(name, size), content_length=size)


def _local_urls(owner: FakeBria, value: Any) -> Any:
    """`value` with every http(s) URL replaced by a download URL on this server (same file extension), so
    a test that downloads what an answer points to never leaves 127.0.0.1."""
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        suffix = PurePosixPath(urlsplit(value).path).suffix
        ext = suffix if 1 < len(suffix) <= 6 else ".png"
        return f"{owner.base_url}/results/{secrets.token_hex(8)}{ext}"
    if isinstance(value, list):
        return [_local_urls(owner, v) for v in value]
    if isinstance(value, dict):
        return {k: _local_urls(owner, v) for k, v in value.items()}
    return value


def _documented(owner: FakeBria, op: SpecOperation) -> _Answer:
    """A non-job operation's documented success answer (its example, or a minimal valid body)."""
    status, payload, content_type = owner._success(op)
    if content_type is None:
        return _Answer(status)
    if content_type == "application/json" or content_type.endswith("+json"):
        return _json(status, _local_urls(owner, payload), {"Content-Type": content_type})
    if content_type.startswith("image/"):
        return _Answer(status, png_bytes(op.operation_id), {"Content-Type": content_type})
    data = payload.encode() if isinstance(payload, str) else b""
    return _Answer(status, data, {"Content-Type": content_type})


# ---- v1 image editing (deprecated document): hand-written answers the SDK's v1 tests rely on ----------


def _v1_inputs(rec: RecordedRequest, form: dict[str, bytes] | None) -> dict[str, Any] | None:
    """The request's fields, from JSON, multipart or urlencoded bodies (None if unparseable)."""
    if form is not None:
        return dict(form)
    content_type = rec.headers.get("content-type", "").lower()
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(rec.body.decode("utf-8", "replace")))
    if not rec.body:
        return {}
    try:
        data = json.loads(rec.body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _v1(
    owner: FakeBria, op: SpecOperation, rec: RecordedRequest, form: dict[str, bytes] | None, params: dict[str, str]
) -> _Answer:
    route = op.template[1:]
    base = owner.base_url

    def url(ext: str = "png") -> str:
        return f"{base}/results/{secrets.token_hex(8)}.{ext}"

    if route == "{visual_id}/image_to_psd":
        return _json(200, {"image_res": url("psd")})
    if route == "{visual_id}/create":
        return _json(200, {"image_res": url("jpeg"), "sid": secrets.token_hex(8)})
    if route == "{visual_id}/person/info":
        return _json(200, [_person(params["visual_id"])])

    fields = _v1_inputs(rec, form)
    if fields is None:
        return _text(400, "Bad request. Missing or invalid parameters.")
    if not fields.get("image_url") and not fields.get("file"):
        return _text(400, "Either image_url or file must be provided")

    if route == "gen_fill":
        n = _int(fields.get("num_results"), 4)
        return _json(200, {"urls": [url() for _ in range(n)], "seed": [_SEED + i for i in range(n)]})
    if route == "background/replace":
        n = _int(fields.get("num_results"), 4)
        return _json(200, {"result": [[url(), str(_SEED + i), secrets.token_hex(8)] for i in range(n)]})
    if route == "image_expansion":
        return _json(
            200,
            {
                "code": 200,
                "description": "SUCCESS",
                "message": "Finished sucessfully",
                "prompt": fields.get("prompt") or "a test scene",
                "result_url": url(),
                "seed": _SEED,
                "status": "SUCCESS",
            },
        )
    if route == "objects/mask_generator":
        return _json(200, {"objects_masks": url("zip")})
    return _json(200, {"result_url": url()})


def _int(value: Any, default: int) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return default
    return n if 1 <= n <= 4 else default


def _person(visual_id: str) -> dict[str, Any]:
    return {
        "actions": {"age": ["mid-20", "mid-40"], "expression": ["happy", "sad"], "glasses": ["none", "light"]},
        "id": hashlib.sha256(visual_id.encode()).hexdigest(),
        "labels": ["age_14-26", "Female"],
        "oracle": {"age": {"age": "low"}},
        "rect": {"x": 10, "y": 12, "w": 64, "h": 80},
        "type": "person",
    }


# ---- v2 jobs -------------------------------------------------------------------------------------


def _job_submit(owner: FakeBria, op: SpecOperation, rec: RecordedRequest, body: Any) -> _Answer:
    if body is None and not rec.body:
        body = {}
    if not isinstance(body, dict):
        return _v2_error(400, "Bad Request", "Request body must be a JSON object")
    sync = op.has_sync_flag and body.get("sync") is True
    job, plan = owner._new_job(op, body, sync)
    rid = job.request_id
    if not sync:
        host = plan.status_url_host
        origin = owner.base_url if host is None else (host if "://" in host else f"http://{host}")
        return _json(202, {"request_id": rid, "status_url": origin + owner._routes.status_path(rid)})

    completed_at = job.completed_at
    if completed_at is None:  # NEVER: hold the connection until the server stops, then hang up
        owner._stopping.wait()
        return _Answer(0, drop=True)
    remaining = completed_at - time.monotonic()
    if remaining > 0:
        owner._stopping.wait(remaining)
    job.delivered_at = time.monotonic()
    if job.outcome == "COMPLETED":
        return _json(200, {"request_id": rid, "result": job.result})
    if job.outcome == "ERROR":
        error = job.error
        return _v2_error(int(error.get("code", 422)), str(error.get("message")), str(error.get("details")), rid)
    return _json(200, {"request_id": rid, "status": job.outcome})


def _job_result(owner: FakeBria, op: SpecOperation, request_id: str) -> dict[str, Any]:
    """What a finished job's status answer carries in `result`, shaped by the job operation's documented
    200 `result`: an image URL on this server and a seed for images, a video URL for undocumented video
    jobs, the documented required fields and structured prompt/instruction made up from their schemas."""
    schema = op.result_schema()
    props: dict[str, Any] = schema.get("properties") or {}
    result: dict[str, Any] = {}
    if props and "image_url" not in props:
        if "seed" in props:
            result["seed"] = _SEED
    elif not props and "/video/" in op.route:
        result["video_url"] = f"{owner.base_url}/results/{request_id}.mp4"
    else:
        result["image_url"] = f"{owner.base_url}/results/{request_id}.png"
        result["seed"] = _SEED
    wanted = [*(schema.get("required") or []), *(k for k in _RESULT_EXTRAS if k in props)]
    for key in wanted:
        if key not in result and key in props:
            result[key] = _local_urls(owner, minimal_instance(op.doc, props[key], key))
    return result


def _final_status(job: JobInfo) -> dict[str, Any]:
    if job.outcome == "COMPLETED":
        return {"request_id": job.request_id, "status": "COMPLETED", "result": job.result}
    if job.outcome == "ERROR":
        return {"request_id": job.request_id, "status": "ERROR", "error": job.error}
    return {"request_id": job.request_id, "status": job.outcome}


def _status(owner: FakeBria, request_id: str) -> _Answer:
    job = owner._find_job(request_id)
    if job is None:
        return _json(404, {"status": "NOT_FOUND"})
    now = time.monotonic()
    job.polls += 1
    state = job.state(now)
    if state == "IN_PROGRESS":
        headers = None if job.retry_after is None else {"Retry-After": _format_seconds(job.retry_after)}
        return _json(200, {"request_id": request_id, "status": "IN_PROGRESS"}, headers)
    if job.delivered_at is None:
        job.delivered_at = now
    return _json(200, _final_status(job))


# ---- webhooks ------------------------------------------------------------------------------------


def _sign(payload: bytes, webhook_id: str, timestamp: str, api_token: str) -> str:
    """Bria's webhook signature (the scheme bria.webhooks verifies, written out again here so a test of the
    fake against bria.webhooks checks one implementation against the other)."""
    key = hmac.new(api_token.encode(), b"bria-webhook-signing-v1", hashlib.sha256).digest()
    digest = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + payload, hashlib.sha256).digest()
    return "v1=" + base64.b64encode(digest).decode("ascii")


def _is_loopback(url: str) -> bool:
    try:
        split = urlsplit(url)
        host = split.hostname or ""
    except ValueError:
        return False
    if split.scheme not in ("http", "https"):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
