"""A hostile upstream on 127.0.0.1 that answers every request with the same misbehaviour, written byte by byte on
a raw socket (http.server cannot send a broken answer): any of the services tfreview calls — GitHub, Spacelift,
a model provider, Slack, PagerDuty — gone bad.

`with HostileServer(behaviour) as server:` … `server.url`, `server.requests` (the head of every request as it
arrived: canary tests look for our credentials in what the fake echoes back), `server.dribbled` (the bytes the
slow behaviours have written: bounded by `ceiling`, so a client without a deadline ends the test late and
visibly instead of never). `StalledAccept` listens and never accepts a connection.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Self

Behaviour = Callable[["_Handler"], None]


@dataclass(frozen=True)
class Head:
    """A request as it arrived: its request line, header names lower-cased, and its body."""

    line: str
    headers: dict[str, str]
    body: bytes


class _Handler(socketserver.BaseRequestHandler):
    server: _Server
    head: Head  # the request this handler answers

    def handle(self) -> None:
        head = self._read_head()
        if head is None:
            return
        self.server.owner.requests.append(head)
        self.head = head
        try:
            self.server.owner.behaviour(self)
        except OSError:  # the client gave up and closed: what most tests want
            return

    def _read_head(self) -> Head | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65_536)
            if not chunk:
                return None
            data += chunk
        raw, _, body = data.partition(b"\r\n\r\n")
        line, *fields = raw.decode("latin-1").split("\r\n")
        headers = {name.strip().lower(): value.strip() for name, _, value in (f.partition(":") for f in fields)}
        length = int(headers.get("content-length", "0") or 0)
        while len(body) < length:
            chunk = self.request.recv(65_536)
            if not chunk:
                break
            body += chunk
        return Head(line, headers, body)

    def send(self, data: bytes) -> None:
        self.request.sendall(data)

    def dribble(self, data: bytes) -> None:
        """`data` one byte at a time, `interval` apart, until the ceiling or the server stops."""
        owner = self.server.owner
        for byte in data:
            if owner.dribbled >= owner.ceiling or owner.stopping.wait(owner.interval):
                return
            self.request.sendall(bytes([byte]))
            owner.dribbled += 1

    @property
    def last(self) -> Head:
        return self.server.owner.requests[-1]


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: HostileServer


class HostileServer:
    def __init__(self, behaviour: Behaviour, *, interval: float = 0.05, ceiling: int = 400) -> None:
        self.behaviour = behaviour
        self.interval = interval
        self.ceiling = ceiling  # ~20 s of dribbling: far past any deadline a test gives its client
        self.dribbled = 0
        self.requests: list[Head] = []
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


class StalledAccept:
    """A port whose listening socket never accepts: the kernel completes the handshake (the backlog), nobody
    ever reads the request nor answers it."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(8)
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._socket.close()


# ---- behaviours ------------------------------------------------------------------------------------------------


def answer(status: int, body: bytes, headers: tuple[tuple[str, str], ...] = ()) -> Behaviour:
    """A complete, well-formed answer (the hostility is in its content)."""

    def behave(handler: _Handler) -> None:
        lines = [f"HTTP/1.1 {status} Hostile", f"Content-Length: {len(body)}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers]
        handler.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    return behave


def json_answer(status: int, document: object, headers: tuple[tuple[str, str], ...] = ()) -> Behaviour:
    return answer(status, json.dumps(document).encode(), (("Content-Type", "application/json"), *headers))


def by_path(behaviours: Mapping[str, Behaviour], otherwise: Behaviour) -> Behaviour:
    """Each request path (its query left out) its own behaviour: a service whose one endpoint went bad."""

    def behave(handler: _Handler) -> None:
        target = handler.head.line.split(" ")[1] if handler.head.line.count(" ") >= 2 else ""
        behaviours.get(target.partition("?")[0], otherwise)(handler)

    return behave


def silence(handler: _Handler) -> None:
    """Read the request, never answer (until the server stops)."""
    handler.server.owner.stopping.wait()


def dribbled_headers(handler: _Handler) -> None:
    """The status line, then one header whose value never ends: one byte every `interval`."""
    handler.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ")
    handler.dribble(b"a" * 1_000_000)


def dribbled_body(handler: _Handler) -> None:
    """Complete headers, then a chunked body whose one chunk arrives one byte every `interval` (no length is
    declared, so no client refuses it up front)."""
    body = b" " * 1_000_000
    handler.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    handler.send(b"%x\r\n" % len(body))
    handler.dribble(body)


def short_body(handler: _Handler) -> None:
    """Content-Length promises more than is sent, then the connection closes."""
    handler.send(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"data": {')


def gzip_bomb(expanded: int) -> Behaviour:
    """A small gzip body (about 1/1000 of `expanded`) that says Content-Encoding: gzip and inflates to `expanded`
    zero bytes."""
    body = _bomb(expanded)

    def behave(handler: _Handler) -> None:
        handler.send(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
        )
        handler.send(body)

    return behave


def _bomb(expanded: int) -> bytes:
    block = bytes(1_048_576)
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip stream, built a block at a time
    parts = [deflate.compress(block) for _ in range(expanded // len(block))]
    parts.append(deflate.flush())
    return b"".join(parts)


def echoing(status: int) -> Behaviour:
    """An error answer whose body echoes every header and the body of the request (an API gateway's debug page)."""

    def behave(handler: _Handler) -> None:
        head = handler.last
        sent = head.body.decode("utf-8", "replace")
        document = {"message": f"bad request; you sent {head.headers} {sent}", "headers": head.headers, "body": sent}
        json_answer(status, document)(handler)

    return behave
