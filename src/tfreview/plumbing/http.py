"""Outbound HTTP, the same way for every adapter (GitHub, Spacelift, model providers, JWKS, `tfreview submit`).

- `outbound_client`: an httpx client that never follows a redirect (a redirect could leave the API host),
  never retries at the transport (callers count their own attempts: one call, one request), whose sockets and
  pool waits honour a deadline for the whole call (`call_deadline.py`, ADR 0498, 0514), and that honours the
  proxy environment variables as httpx would (`proxies.py`, ADR 0513) — the one way every adapter gets a client;
- `failure_name`: what a transport failure is called in a stored reason — its type, and TLS's own reason when TLS
  failed (a certificate not trusted, a server that speaks no TLS), never the request or the answer (ADR 0549);
- `parse_retry_after`: `retry-after-ms`, or `retry-after` as seconds or an HTTP date, as seconds to wait;
- `read_bounded`: a streamed body read up to a size limit (and a deadline), never a runaway answer — a gzip
  body inflated a piece at a time, so a gzip bomb stops at the limit too;
  `send_bounded`: a request whose answer is read that way, the whole exchange within the request's timeout.
"""

from __future__ import annotations

import contextlib
import math
import ssl
import zlib
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime

import httpx

from tfreview.plumbing.call_deadline import DeadlineTransport, call_deadline
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.proxies import ProxyBypass, environment_proxies, no_proxy_networks


def outbound_client(
    *,
    timeout: float | httpx.Timeout | None = None,
    transport: httpx.BaseTransport | None = None,
    verify: ssl.SSLContext | str | bool = True,
    wrap: Callable[[httpx.BaseTransport], httpx.BaseTransport] | None = None,
) -> httpx.Client:
    """The one way tfreview builds an outbound client. Its transport is a `DeadlineTransport` (every socket and the
    wait for a pooled connection end at `call_deadline`, ADR 0498, 0514), and the environment's proxies are mounted
    as httpx itself would mount them (ADR 0513): HTTP_PROXY/HTTPS_PROXY/ALL_PROXY per scheme, NO_PROXY direct (its
    address ranges too, which httpx does not read: ADR 0526), each proxy reached through a
    `DeadlineTransport(proxy=...)` (forwarding for http://, a CONNECT tunnel for https://).
    `wrap` wraps each of those transports (the wiring counts requests per upstream with it). A `transport` given
    (tests) carries every request itself: nothing is mounted around it, as httpx does with a transport."""
    timeout = timeout if timeout is not None else httpx.Timeout(5.0)
    if transport is not None:
        return httpx.Client(timeout=timeout, follow_redirects=False, transport=transport)

    def made(proxy: httpx.Proxy | None) -> httpx.BaseTransport:
        built = DeadlineTransport(verify=verify, proxy=proxy)
        return built if wrap is None else wrap(built)

    proxies = environment_proxies()
    direct = made(None)
    networks = no_proxy_networks() if any(proxy is not None for proxy in proxies.values()) else ()

    def proxied(proxy: httpx.Proxy) -> httpx.BaseTransport:  # NO_PROXY's address ranges go direct (ADR 0526)
        through = made(proxy)
        return ProxyBypass(through, direct, networks) if networks else through

    mounts = {pattern: None if proxy is None else proxied(proxy) for pattern, proxy in proxies.items()}
    return httpx.Client(timeout=timeout, follow_redirects=False, transport=direct, mounts=mounts)


def failure_name(error: BaseException) -> str:
    """`ConnectError`, or `ConnectError: TLS failed (self-signed certificate)` when an `ssl.SSLError` is behind it: the
    type and OpenSSL's reason (a fixed code or message) only — never text of the request or of an answer."""
    name = type(error).__name__
    cause: BaseException | None = error
    seen = 0
    while cause is not None and not isinstance(cause, ssl.SSLError) and seen < 8:  # httpx → httpcore → ssl
        cause, seen = cause.__cause__ or cause.__context__, seen + 1
    if not isinstance(cause, ssl.SSLError):
        return name
    verify = getattr(cause, "verify_message", None)
    reason = verify if isinstance(verify, str) and verify else cause.reason or "handshake"
    return f"{name}: TLS failed ({str(reason)[:100]})"


class ResponseTooLarge(Exception):
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        super().__init__(f"answer larger than {max_bytes} bytes")


class ResponseTooSlow(Exception):
    """The body did not arrive completely before the deadline."""


def read_bounded(
    response: httpx.Response, max_bytes: int, *, deadline: float | None = None, clock: Callable[[], float] | None = None
) -> bytes:
    """The body of a streamed response; ResponseTooLarge past `max_bytes` (declared or read, decoded), ResponseTooSlow
    when `clock()` passes `deadline` between chunks."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLarge(max_bytes)
    chunks: list[bytes] = []
    size = 0
    for chunk in decoded_chunks(response, max_bytes + 1):
        size += len(chunk)
        if size > max_bytes:
            raise ResponseTooLarge(max_bytes)
        if deadline is not None and clock is not None and clock() > deadline:
            raise ResponseTooSlow
        chunks.append(chunk)
    return b"".join(chunks)


_INFLATED = {"gzip": zlib.MAX_WBITS | 32, "x-gzip": zlib.MAX_WBITS | 32, "deflate": zlib.MAX_WBITS | 32}


def decoded_chunks(response: httpx.Response, step: int) -> Iterator[bytes]:
    """The body of a streamed response, decoded, in pieces of at most `step` bytes when it is gzip or deflate: a gzip
    bomb (a small body that inflates a thousandfold) is inflated a piece at a time, never whole, so a reader that
    stops at its limit holds no more than the limit (ADR 0498). Every gzip or deflate coding of the header is undone
    that way, in the reverse of the order listed (`gzip, gzip` is a bomb of a bomb, ADR 0509); a coding tfreview
    does not decode (`br`, `zstd`, a misnamed `utf-8`) is passed over, as httpx passes it over.
    httpx.DecodingError when the body does not inflate, or ends before its compressed stream does."""
    listed = response.headers.get("content-encoding", "").lower().split(",")
    codings = [coding for coding in (part.strip() for part in listed) if coding in _INFLATED]
    if not codings:
        yield from response.iter_bytes()
        return
    pieces: Iterator[bytes] = response.iter_raw()
    for coding in reversed(codings):
        pieces = _inflated(pieces, coding, step)
    yield from pieces


def _inflated(pieces: Iterator[bytes], coding: str, step: int) -> Iterator[bytes]:
    """`pieces` of one gzip or deflate stream, inflated `step` bytes at most at a time; gzip members one after
    another (RFC 1952 2.2) are one body, bytes after the last one that are no gzip member are passed over."""
    inflater: zlib._Decompress | None = None
    members = 0
    held = b""  # a first byte alone cannot tell zlib-wrapped deflate from raw: it waits for the next
    for raw in pieces:
        data, held = held + raw, b""
        while data:
            if inflater is None:
                if len(data) < 2:
                    held = data
                    break
                inflater = _inflater(coding, data)
            try:
                piece = inflater.decompress(data, step)
            except zlib.error as exc:
                if members and coding != "deflate":  # trailing bytes after a whole gzip body
                    return
                raise httpx.DecodingError(f"the {coding} body does not inflate") from exc
            data = inflater.unconsumed_tail
            if inflater.eof:
                members += 1
                data, inflater = inflater.unused_data + data, None
                if coding == "deflate":  # one deflate stream; what follows it is not the body
                    data = b""
            if piece:
                yield piece
    if inflater is not None or held:
        raise httpx.DecodingError(f"the {coding} body ends before its compressed stream does")


def _inflater(coding: str, head: bytes) -> zlib._Decompress:
    """deflate as the RFC says (zlib-wrapped) or as some servers send it (raw): a zlib header is 2 bytes whose value
    is a multiple of 31, with method 8."""
    zlib_wrapped = len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
    raw_deflate = coding == "deflate" and not zlib_wrapped
    return zlib.decompressobj(-zlib.MAX_WBITS if raw_deflate else _INFLATED[coding])


def send_bounded(client: httpx.Client, request: httpx.Request, max_bytes: int) -> httpx.Response:
    """`client.send(request)`, never following a redirect, with the body read up to `max_bytes` (ResponseTooLarge
    past it): the answer as a complete response, its body decoded (the copy names no content encoding, and gets
    its own length). Through a `DeadlineTransport` the whole exchange ends within the request's timeout (its
    longest part), or fails as an `httpx.TimeoutException`: a server dribbling its answer cannot hold the call."""
    total = total_seconds(request)
    with call_deadline(total) if total is not None else contextlib.nullcontext():
        streamed = client.send(request, stream=True, follow_redirects=False)
        try:
            content = read_bounded(streamed, max_bytes)
        finally:
            streamed.close()
    dropped = ("content-encoding", "content-length")
    headers = [(k, v) for k, v in streamed.headers.multi_items() if k.lower() not in dropped]
    return httpx.Response(streamed.status_code, headers=headers, content=content, request=request)


def total_seconds(request: httpx.Request) -> float | None:
    """The longest of the request's timeouts (connect, read, write, pool): the time the whole call may take."""
    timeouts = request.extensions.get("timeout", {})
    values = [float(value) for value in timeouts.values() if isinstance(value, int | float)]
    return max(values) if values else None


def parse_retry_after(headers: Mapping[str, str], now: Clock = utcnow) -> float | None:
    """Seconds to wait from `retry-after-ms`, or `retry-after` as seconds or an HTTP date; None when absent."""
    milliseconds = header_number(headers.get("retry-after-ms"))
    if milliseconds is not None:
        return max(0.0, milliseconds / 1000)
    raw = headers.get("retry-after")
    if raw is None:
        return None
    seconds = header_number(raw)
    if seconds is not None:
        return max(0.0, seconds)
    try:
        when = parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now()).total_seconds())


def header_number(raw: str | None) -> float | None:
    """A header's value as a finite number, or None."""
    if raw is None:
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None
