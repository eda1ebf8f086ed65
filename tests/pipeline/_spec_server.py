"""An upstream stand-in for `make update-specs` tests: serves spec documents from 127.0.0.1.

Each path answers with a `Reply`: a body with a status and content type, a body cut short (the
declared Content-Length is larger than what is sent before the connection closes), or no answer at all.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal


@dataclass(frozen=True)
class Reply:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/yaml"
    behaviour: Literal["answer", "cut-short", "never-answer"] = "answer"
    # Sent as the Location header (with a 3xx status: a redirect).
    location: str | None = None


class SpecServer:
    def __init__(self) -> None:
        self.replies: dict[str, Reply] = {}
        self.requests: list[str] = []
        self._stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                reply = server.replies.get(self.path, Reply(b"not here", 404, "text/plain"))
                if reply.behaviour == "never-answer":
                    server._stop.wait(60)
                    return
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                if reply.location:
                    self.send_header("Location", reply.location)
                declared = len(reply.body) * 2 if reply.behaviour == "cut-short" else len(reply.body)
                self.send_header("Content-Length", str(declared))
                self.end_headers()
                self.wfile.write(reply.body)
                self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    @contextmanager
    def running(self) -> Iterator[SpecServer]:
        thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._httpd.shutdown()
            self._httpd.server_close()
