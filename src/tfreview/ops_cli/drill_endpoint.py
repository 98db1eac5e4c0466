"""A JSON endpoint on loopback for the rehearsals (the drill's identity provider, its model provider): a
threaded HTTP server the drill starts and stops, whose answers come from `LoopbackEndpoint.answer`.
Requests are never logged; every answer is JSON with its length."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self


class LoopbackEndpoint:
    """Subclasses implement `answer`; `base_url` is `http://127.0.0.1:<port>` (an ephemeral port)."""

    def __init__(self, name: str) -> None:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._reply(*endpoint.answer("GET", self.path, b""))

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._reply(*endpoint.answer("POST", self.path, body))

            def _reply(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name=name, daemon=True)

    def answer(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        """The status and JSON body for one request."""
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)
