"""uvicorn's httptools protocol (llhttp, a C parser) with our limits on request heads and one log line per
malformed request.

- a head above `HeadLimits` (complete, or still incomplete past the byte limit) is answered 431;
- a malformed request (bad request line, bad chunk size mid-body…) is answered 400;
- either way: `application/problem+json`, `Connection: close`, and ONE escaped log line — by the request
  log when the app already has the request (it is told the status through the scope), by this module
  otherwise — never uvicorn's "Invalid HTTP request received." on top, never a traceback.

The head is counted as it is parsed: the request-target as llhttp hands it over, each field once complete
(the fields are counted and their bytes added up: a head stops being parsed at the first field past a
limit, so 6,000 small headers cost 101 callbacks). A field that never ends is bounded by the raw bytes
received while a head is incomplete; when a read also ends an earlier request, the new head's share of it is
unknown and it is counted from the next read (the bound is then late by at most that read).

Slow clients (slowloris): a request head must be complete within `Timeouts.head_seconds` of its first byte
(or of the connection), and a body may not pause longer than `Timeouts.body_seconds` between two reads;
past either the client gets 408 (one log line, through the request log when the app has the request)
and the connection is closed.

After such an answer the connection closes in a "lingering" way (as nginx does): our side is shut for
writing, and what the client still sends is read and dropped for at most `LINGER_SECONDS` /
`LINGER_BYTES` — closing at once, with unread bytes in the socket, would make the kernel send a reset
that destroys the answer before the client reads it. The app's own answer to a refused request, if it
still writes one, is dropped (the request's cycle is marked disconnected: its `receive` says so).
"""

from __future__ import annotations

import asyncio
import http
import logging
from dataclasses import dataclass
from typing import Any, Final, Literal

import httptools
import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from tfreview.web.head_limits import PROTOCOL_ERROR, HeadLimits, field_bytes, request_line_bytes
from tfreview.web.problems import PROBLEM_JSON, web_problem

LINGER_SECONDS: Final = 2.0
LINGER_BYTES: Final = 4 * 1024 * 1024
_log = logging.getLogger("tfreview.web.requests")

# where the parser is in the current request: no byte of one yet, its head, its body, all of it received
Reading = Literal["idle", "head", "body", "done"]


class _Refused(Exception):
    """Raised in a parser callback to stop parsing: the protocol has already noted why (`refused`)."""


@dataclass(frozen=True, slots=True)
class Timeouts:
    head_seconds: float = 10.0  # the whole request head (request line and headers)
    body_seconds: float = 30.0  # the longest pause between two pieces of a body


def _answer(status: int, reason: str) -> bytes:
    """The whole refusal on the wire: status line, headers, problem body."""
    body = orjson.dumps(web_problem(status, reason, "-"))
    phrase = http.HTTPStatus(status).phrase
    head = (
        f"HTTP/1.1 {status} {phrase}\r\ncontent-type: {PROBLEM_JSON}\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def protocol_class(limits: HeadLimits, timeouts: Timeouts | None = None) -> type[HttpToolsProtocol]:
    """The protocol class to give uvicorn (`Config(http=...)`), enforcing `limits` and `timeouts`."""
    slow = timeouts or Timeouts()
    max_bytes, max_count = limits.max_bytes, limits.max_count

    class LimitedHttpToolsProtocol(HttpToolsProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.reading: Reading = "idle"
            self.head_bytes = 0  # the head parsed so far (request line, complete fields)
            self.head_fields = 0
            self.hosts = 0  # Host fields in this head: an HTTP/1.1 request needs exactly one
            self.head_raw = 0  # bytes received while this head is incomplete (a field that never ends)
            self.begun = 0  # requests begun during the current read
            self.refused: tuple[int, str] | None = None
            self.close_after_response = False  # refused a pipelined request: close once the earlier answer ends
            self.lingering: int | None = None  # bytes dropped since the refusal; None: not refused
            self.read_timer: asyncio.TimerHandle | None = None
            self.waiting_for: str = ""  # "head" or "body": what the running read timer guards

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm("head", slow.head_seconds)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self.lingering is not None:
                self.lingering += len(data)
                if self.lingering > LINGER_BYTES:
                    self.transport.close()
                return
            self._unset_keepalive_if_required()
            before, self.begun = self.reading, 0
            try:
                self.parser.feed_data(data)
            except httptools.HttpParserUpgrade:
                if self._should_upgrade():
                    self._disarm()  # the connection is the WebSocket protocol's from here
                    self.handle_websocket_upgrade()
                    return
                self._unsupported_upgrade_warning()
            except httptools.HttpParserError as exc:
                self._refuse(*(self.refused or (400, f"malformed request: {exc}")))
                return
            if self.reading in ("idle", "head"):
                if not self.begun:  # the head of an earlier read goes on (or stray line ends between requests)
                    self.head_raw += len(data)
                elif self.begun == 1 and before in ("idle", "done"):  # the read starts with this head
                    self.head_raw = len(data)
                else:  # the read ends an earlier request too: this head's share is counted from the next read
                    self.head_raw = 0
                if self.head_raw > max_bytes:
                    self._refuse(431, limits.refusal())
                    return
            self._watch()

        # parser callbacks (uvicorn's, with the head counted)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self.reading, self.begun = "head", self.begun + 1
            self.head_bytes, self.head_fields, self.hosts = request_line_bytes(0), 0, 0

        def on_url(self, url: bytes) -> None:
            self.url += url
            self.head_bytes += len(url)
            if self.head_bytes > max_bytes:
                self._stop(431, limits.cut_short(0))

        def on_header(self, name: bytes, value: bytes) -> None:
            self.head_fields += 1
            self.head_bytes += field_bytes(name, value)
            if self.head_fields > max_count or self.head_bytes > max_bytes:
                self._stop(431, limits.cut_short(self.head_fields))
            name = name.lower()  # uvicorn's on_header from here
            if name == b"host":
                self.hosts += 1
            elif name == b"expect" and value.lower() == b"100-continue":
                self.expect_100_continue = True
            self.headers.append((name, value))

        def on_headers_complete(self) -> None:
            if self.hosts != 1 and (self.hosts or self.parser.get_http_version() == "1.1"):  # RFC 9112 §3.2; h11's rule
                self._stop(400, f"malformed request: {self.hosts} Host header fields (exactly one is required)")
            self.reading, self.head_raw = "body", 0
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            self.reading = "done"
            super().on_message_complete()

        def on_response_complete(self) -> None:
            if self.reading == "done":  # nothing of a next request yet: the connection waits for one
                self.reading = "idle"
            super().on_response_complete()
            if self.close_after_response:
                self.lingering = None
                self._linger()

        def send_400_response(self, msg: str) -> None:
            self._refuse(*(self.refused or (400, msg)))

        def _stop(self, status: int, reason: str) -> None:
            self.refused = (status, reason)
            raise _Refused(reason)

        def _refuse(self, status: int, reason: str) -> None:
            """Answer `status` (once), log it once, and close the connection lingering."""
            if self.lingering is not None or self.transport.is_closing():
                return
            self.refused = (status, reason)
            self._disarm()
            cycle = self.cycle
            queued = cycle is not None and any(c is cycle for c, _ in self.pipeline)
            self.pipeline.clear()
            if self.reading == "body" and cycle is not None and not queued:  # the app has the refused request
                if cycle.response_started:  # it answers (or answered) already: no second answer, just close
                    _log.info("request_id=- method=- path=- status=%d reason=%s", status, reason)
                else:
                    cycle.scope["state"][PROTOCOL_ERROR] = (status, reason)  # the request log writes the one line
                    self.transport.write(_answer(status, reason))
                if not cycle.response_complete:
                    cycle.disconnected = True  # the app's own answer, if it writes one, goes nowhere
                    cycle.message_event.set()
                self._linger()
                return
            _log.info("request_id=- method=- path=- status=%d reason=%s", status, reason)
            if queued or (cycle is not None and not cycle.response_complete):
                # a next request, pipelined behind one still being answered: that answer ends, then the connection
                self.lingering, self.close_after_response = 0, True
                return
            self.transport.write(_answer(status, reason))
            self._linger()

        # read deadlines

        def _watch(self) -> None:
            """After each read: which deadline applies now (a head keeps its first deadline; a body's restarts)."""
            reading = self.reading
            if reading in ("idle", "head"):  # between requests, or a head still arriving: keep (or start) its clock
                if self.waiting_for != "head":
                    self._arm("head", slow.head_seconds)
            elif reading == "body":
                self._arm("body", slow.body_seconds)
            else:
                self._disarm()

        def _arm(self, what: str, seconds: float) -> None:
            self._disarm()
            self.waiting_for = what
            self.read_timer = self.loop.call_later(seconds, self._too_slow, what, seconds)

        def _disarm(self) -> None:
            if self.read_timer is not None:
                self.read_timer.cancel()
            self.read_timer, self.waiting_for = None, ""

        def _too_slow(self, what: str, seconds: float) -> None:
            self.read_timer, self.waiting_for = None, ""
            try:
                self._cut(what, seconds)
            except Exception as exc:  # a timer callback: never a traceback in the log; close and say why once
                _log.info("request_id=- method=- path=- status=408 reason=slow client cut (%s)", type(exc).__name__)
                self.transport.close()

        def _cut(self, what: str, seconds: float) -> None:
            if self.transport.is_closing() or self.lingering is not None:
                return
            cycle = self.cycle
            if what == "head" and self.reading == "idle" and (cycle is None or cycle.response_complete):
                self.transport.close()  # no byte of a request: just close
                return
            if what == "body" and self.flow.read_paused:  # we stopped reading (the app is busy), not the client
                self._arm("body", seconds)
                return
            self._refuse(408, f"the request {what} was not received within {seconds:g} s")

        def _linger(self) -> None:
            if not self.transport.can_write_eof() or self.transport.is_closing():
                self.transport.close()
                return
            self.lingering = 0
            self.transport.write_eof()
            self.transport.resume_reading()
            self.loop.call_later(LINGER_SECONDS, self.transport.close)

    return LimitedHttpToolsProtocol
