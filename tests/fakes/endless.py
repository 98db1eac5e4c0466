"""A hostile upstream on loopback whose every answer is a chunked body that never ends (until a bound far past
any limit): the client must stop reading near its own limit. `EndlessServer.sent` counts the bytes written."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

CHUNK = b"#" * 65_536


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        owner = self.server.owner
        try:
            while owner.sent < owner.ceiling:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK))
                owner.sent += len(CHUNK)
        except OSError:  # the client stopped reading and closed: what the tests want
            return

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


class _Server(ThreadingHTTPServer):
    owner: EndlessServer


class EndlessServer:
    """`with EndlessServer() as server:` … `server.url`, `server.sent`."""

    def __init__(self, ceiling: int = 200_000_000) -> None:
        self.ceiling = ceiling  # never reached by a bounded client; an unbounded one reads all of it
        self.sent = 0
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
