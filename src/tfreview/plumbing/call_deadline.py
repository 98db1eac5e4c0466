"""A deadline for one whole HTTP exchange — connect, request, headers and body — not just for each socket read.

httpx's timeouts are per operation: a server that sends one byte of its headers (or of its body) every few
seconds never trips a 30-second read timeout and holds the caller for hours (slow-loris). `DeadlineTransport`
is an `httpx.HTTPTransport` whose sockets clamp every connect, read and write timeout to the time left before
the deadline that `call_deadline(seconds)` set for the current call (a context variable: the sync client reads
and writes on the caller's thread). Past the deadline the next socket operation fails as httpx's own
`ConnectTimeout`/`ReadTimeout`/`WriteTimeout`, which every adapter already classifies as a retriable timeout.
The wait for a connection from the pool (httpx's `pool` timeout) is clamped the same way, so a full pool cannot hold
the call past its deadline either (ADR 0514): it fails as httpx's `PoolTimeout`, retriable like the others.
Outside `call_deadline` the transport behaves as httpx's. `plumbing.http.outbound_client` builds every client on it,
each proxy of the environment reached through a `DeadlineTransport` too (ADR 0508, 0513).
"""

from __future__ import annotations

import contextlib
import ssl
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

_DEADLINE: ContextVar[float | None] = ContextVar("tfreview_call_deadline", default=None)


@contextlib.contextmanager
def call_deadline(seconds: float) -> Iterator[None]:
    """Every socket operation of a `DeadlineTransport` inside the block ends within `seconds` from now (or within
    an enclosing block's deadline, when that one is sooner)."""
    mine = time.monotonic() + seconds
    outer = _DEADLINE.get()
    token = _DEADLINE.set(mine if outer is None else min(mine, outer))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _clamped(timeout: float | None, expired: type[Exception]) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the call's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamped(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamped(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, _clamped(timeout, httpcore.ConnectTimeout))
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host, port, _clamped(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.connect_unix_socket(path, _clamped(timeout, httpcore.ConnectTimeout), socket_options)
        )

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """`httpx.HTTPTransport(retries=0)` whose sockets honour `call_deadline`; through a proxy (`proxy=`) too: httpcore's
    HTTP and SOCKS proxy pools are connection pools whose connections (forwarding or tunnelling) take the pool's
    backend."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**{"retries": 0, **options})
        pool = self._pool
        if not isinstance(pool, httpcore.ConnectionPool):  # not httpcore's: httpx's own behaviour, no deadline
            return
        # httpcore gives each new connection the pool's backend; there is no public way to pass one through httpx
        pool._network_backend = _DeadlineBackend(pool._network_backend)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """httpx's, with the wait for a free connection ending at the call's deadline too (a passed deadline waits
        not at all: a free connection still goes on to fail at its first socket operation, as before)."""
        deadline = _DEADLINE.get()
        if deadline is not None:
            timeouts = dict(request.extensions.get("timeout", {}))
            left = max(0.0, deadline - time.monotonic())
            pool = timeouts.get("pool")
            timeouts["pool"] = left if pool is None else min(float(pool), left)
            request.extensions = {**request.extensions, "timeout": timeouts}
        return super().handle_request(request)
