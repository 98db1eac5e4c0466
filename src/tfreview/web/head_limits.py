"""The documented limits of a request head (issue 9.4): above them the answer is 431, never 200.

`TFREVIEW_SERVER__MAX_HEADER_BYTES` (default 32 KiB: the request line and every header line, as nginx's
four 8 KiB buffers) and `TFREVIEW_SERVER__MAX_HEADER_COUNT` (default 100 fields, as Apache's
LimitRequestFields). `tfreview serve` enforces them in its HTTP protocol (`web/protocol.py`), before a
request reaches the app — a head that is still incomplete past the byte limit is refused too, so
neither memory nor CPU is spent on it; `RequestLog` checks the same limits again for any other ASGI
server the app runs under.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

PROTOCOL_ERROR: Final = "tfreview.protocol_error"  # scope["state"] key: (status, reason) the server answered
# a Host field's value (RFC 9110 §7.2: uri-host [":" port]; empty is allowed); anything else is 400 (RFC 9112 §3.2)
_HOST = re.compile(rb"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(:[0-9]*)?")


@dataclass(frozen=True, slots=True)
class HeadLimits:
    max_bytes: int
    max_count: int

    def problem(self, target_bytes: int, headers: Iterable[tuple[bytes, bytes]]) -> str | None:
        """Why a head of a request-target of `target_bytes` and these headers is refused, or None."""
        count = 0
        size = request_line_bytes(target_bytes)
        for name, value in headers:
            count += 1
            size += field_bytes(name, value)
        if count > self.max_count:
            return f"too many header fields ({count}; the limit is {self.max_count})"
        if size > self.max_bytes:
            return f"the request head is larger than {self.max_bytes} bytes"
        return None

    def cut_short(self, count: int) -> str:
        """Why a head still being parsed was refused after `count` fields (the rest is never read)."""
        if count > self.max_count:
            return f"too many header fields (more than {self.max_count})"
        return f"the request head is larger than {self.max_bytes} bytes"

    def refusal(self) -> str:
        return f"the request head exceeds this server's limits ({self.max_count} fields, {self.max_bytes} bytes)"


def request_line_bytes(target_bytes: int) -> int:
    """What the request line of a request-target of `target_bytes` counts toward the head ("POST  HTTP/1.1\\r\\n")."""
    return target_bytes + 16


def field_bytes(name: bytes, value: bytes) -> int:
    """What one header field counts toward the head: "name: value\\r\\n"."""
    return len(name) + len(value) + 4


def head_problem(version: str, method: bytes, headers: Sequence[tuple[bytes, bytes]], upgrade: bool) -> str | None:
    """Why a complete head that llhttp accepted is still malformed (h11's and the RFCs' rules), or None.

    `headers` have lower-case names; `upgrade` is llhttp's verdict (Connection: upgrade with Upgrade, or CONNECT).
    """
    if version == "0.9":  # "GET /path" and an empty line: llhttp takes it, uvicorn would answer in HTTP/1.1
        return "HTTP/0.9 requests are not supported"
    hosts = [value for name, value in headers if name == b"host"]
    if len(hosts) != 1 and (hosts or version == "1.1"):  # RFC 9112 §3.2; h11's rule
        return f"{len(hosts)} Host header fields (exactly one is required)"
    if hosts and not _HOST.fullmatch(hosts[0]):
        return "the Host header field is not a host[:port]"
    if method == b"CONNECT":
        return "CONNECT is not supported (this server is no proxy)"
    if upgrade and any(
        name == b"transfer-encoding" or (name == b"content-length" and value.strip(b" \t0") != b"")
        for name, value in headers
    ):  # llhttp would parse the body as the next request (h2c smuggling): no upgrade here, so no such body
        return "an Upgrade request with a body (upgrades are not supported)"
    return None
