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

What llhttp takes and HTTP does not (ADR 0429): HTTP/0.9, CONNECT, a Host field that is no host[:port], an
Upgrade request with a body (llhttp would parse that body as the next request) are 400. Upgrade itself is never
granted: the request is answered as HTTP/1.1 and what follows it is the next request. A chunk-size line (size,
extensions) is bounded like a head field. Pipelined requests are parsed `PIPELINE_DEPTH` ahead of their answers at
most (the rest waits as bytes), a refused one is answered after the answer under way, and a client that shuts its
side still gets the answers to what it sent whole. A body answered early (413, 401…) is read and dropped when it is
known, small and on its way; else the connection ends after the answer (never a second line at the body timeout).
A client that reads none of our answers for `Timeouts.body_seconds` is cut (408 in the log, one line). Past
uvicorn's `limit_concurrency` the connections opened past the limit (not every one while too many are open) get a
503 problem with `Retry-After` and one line, not uvicorn's text.

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
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

from tfreview.web.head_limits import PROTOCOL_ERROR, HeadLimits, field_bytes, head_problem, request_line_bytes
from tfreview.web.problems import PROBLEM_JSON, RETRY_AFTER_SECONDS, web_problem

LINGER_SECONDS: Final = 2.0
LINGER_BYTES: Final = 4 * 1024 * 1024
PIPELINE_DEPTH: Final = 32  # pipelined requests parsed ahead of their answers; the rest waits as bytes
FEED_BYTES: Final = 8 * 1024  # llhttp is fed this much at a time, so a read of tiny requests stops near the depth
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
    retry = f"retry-after: {RETRY_AFTER_SECONDS}\r\n" if status == 503 else ""
    head = (
        f"HTTP/1.1 {status} {phrase}\r\ncontent-type: {PROBLEM_JSON}\r\n"
        f"content-length: {len(body)}\r\n{retry}connection: close\r\n\r\n"
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
            self.head_raw = 0  # bytes received while this head is incomplete (a field that never ends)
            self.begun = 0  # requests begun during the current read
            self.refused: tuple[int, str] | None = None
            self.close_after_response = False  # refused a pipelined request: close once the earlier answer ends
            self.lingering: int | None = None  # bytes dropped since the refusal; None: not refused
            self.read_timer: asyncio.TimerHandle | None = None
            self.waiting_for: str = ""  # "head" or "body": what the running read timer guards
            self.write_timer: asyncio.TimerHandle | None = None  # runs while the client does not read our answers
            self.chunked = False  # the body being read is chunked
            self.chunk_lines = 0  # chunk-size lines complete so far (a running count)
            self.chunk_raw = 0  # bytes received since the last complete chunk-size line that were no body bytes
            self.body_in_read = 0  # body bytes the current read carried
            self.body_received = 0  # body bytes of the current request so far
            self.running: RequestResponseCycle | None = None
            self.over_limit = False  # opened past `limit_concurrency` connections: its requests are 503
            # uvicorn's own check sheds every request while too many connections are open: ours replaces it
            self.connection_limit, self.limit_concurrency = self.limit_concurrency, None
            self.backlog = b""  # received, not parsed yet: PIPELINE_DEPTH requests already wait for their answers
            self.half_closed = False  # the client shut its side (EOF)

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            limit = self.connection_limit  # the connections past it get 503, not every one while they are open
            self.over_limit = limit is not None and len(self.connections) > limit
            self._arm("head", slow.head_seconds)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            self._writable()
            running = self.running  # uvicorn tells only the last request parsed (a pipelined one may be running)
            if running is not None and not running.response_complete:
                running.disconnected = True
                running.message_event.set()
            super().connection_lost(exc)

        def eof_received(self) -> bool | None:  # type: ignore[override]  # asyncio's: True keeps the transport open
            if self.transport.is_closing():
                return None
            if self.lingering is not None:  # refused: the close is ours, once the answers still due are written
                return True if self.close_after_response else None
            self.half_closed = True
            return True if self._end_after_answers() else None

        def _end_after_answers(self) -> bool:
            """The client shut its side: requests received whole are still answered, then the connection closes;
            a head cut short is 400; a body cut short ends as before (the request log's 499). True: answers remain."""
            if self.backlog:  # still to be parsed: decided once it is
                return True
            cycle = self.cycle
            if self.reading == "head":
                self._refuse(400, "malformed request: the client closed its side in the middle of a request head")
                return True
            running = self.running
            waiting = self.pipeline or any(c is not None and not c.response_complete for c in (cycle, running))
            if self.reading in ("idle", "done") and waiting:
                last = self.pipeline[0][0] if self.pipeline else cycle
                if last is not None:
                    last.keep_alive = False  # uvicorn closes once that answer is written
                self._disarm()
                return True
            return False

        def data_received(self, data: bytes) -> None:
            if self.lingering is not None:
                self.lingering += len(data)
                if self.lingering > LINGER_BYTES:
                    self.transport.close()
                return
            self._unset_keepalive_if_required()
            data, self.backlog = self.backlog + data, b""
            before, self.begun, self.body_in_read, lines, size = self.reading, 0, 0, self.chunk_lines, 0
            while size < len(data):
                if len(self.pipeline) >= PIPELINE_DEPTH:  # enough requests wait for their turn: parse on later
                    self.backlog = data[size:]
                    self.flow.pause_reading()
                    break
                piece = data[size : size + FEED_BYTES]
                try:
                    self.parser.feed_data(piece)
                    size += len(piece)
                except httptools.HttpParserUpgrade as upgrade:
                    # llhttp pauses after the head of an Upgrade request; no protocol is switched here (the
                    # request was answered as HTTP/1.1): what follows it is the next request, never dropped
                    size += int(upgrade.args[0])
                except httptools.HttpParserError as exc:
                    self._refuse(*(self.refused or (400, f"malformed request: {exc}")))
                    return
                if self.lingering is not None or self.transport.is_closing():
                    return
            if self.reading in ("idle", "head"):
                if not self.begun:  # the head of an earlier read goes on (or stray line ends between requests)
                    self.head_raw += size
                elif self.begun == 1 and before in ("idle", "done"):  # the read starts with this head
                    self.head_raw = size
                else:  # the read ends an earlier request too: this head's share is counted from the next read
                    self.head_raw = 0
                if self.head_raw > max_bytes:
                    self._refuse(431, limits.refusal())
                    return
            elif self.reading == "body" and self.chunked:
                # a chunk-size line (size, extensions) that never ends: bounded like a head field that never ends
                if self.begun or before != "body" or self.chunk_lines != lines:
                    self.chunk_raw = 0  # a line ended (or the body began) in this read: counted from the next one
                else:
                    self.chunk_raw += size - self.body_in_read
                if self.chunk_raw > max_bytes:
                    self._refuse(400, f"malformed request: a chunk-size line longer than {max_bytes} bytes")
                    return
            if self.half_closed and not self._end_after_answers():
                self.transport.close()
                return
            self._watch()

        # parser callbacks (uvicorn's, with the head counted)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self.reading, self.begun = "head", self.begun + 1
            self.head_bytes, self.head_fields = request_line_bytes(0), 0

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
            if name == b"expect" and value.lower() == b"100-continue":
                self.expect_100_continue = True
            self.headers.append((name, value))

        def on_headers_complete(self) -> None:
            self._check_head()
            self.reading, self.head_raw = "body", 0
            self.chunked = any(name == b"transfer-encoding" for name, _ in self.headers)
            self.chunk_raw = self.body_received = 0
            super().on_headers_complete()

        def _check_head(self) -> None:
            parser = self.parser
            found = head_problem(parser.get_http_version(), parser.get_method(), self.headers, parser.should_upgrade())
            if found:
                self._stop(400, f"malformed request: {found}")
            limit = self.connection_limit
            if limit is not None and (self.over_limit or len(self.tasks) >= limit):
                self._stop(503, f"the server is at its limit of {limit} connections; retry later")

        def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
            self.running = cycle  # the request being answered (self.cycle is the last one parsed)
            super()._start_asgi_task(cycle, app)

        def on_body(self, body: bytes) -> None:
            self.body_in_read += len(body)
            self.body_received += len(body)
            super().on_body(body)

        def on_chunk_header(self) -> None:
            self.chunk_lines += 1

        def on_message_complete(self) -> None:
            self.reading = "done"
            super().on_message_complete()

        def on_response_complete(self) -> None:
            # answered before its body was all received (413, 401…): the connection ends unless the rest is known,
            # small and on its way (then it is read and dropped, as uvicorn does, and the next request is served)
            unread = self.reading == "body" and not self.pipeline and not self._rest_is_coming()
            if self.reading == "done":  # nothing of a next request yet: the connection waits for one
                self.reading = "idle"
            super().on_response_complete()
            running = self.running
            if self.close_after_response and not self.pipeline and (running is None or running.response_complete):
                # a pipelined request was refused: its answer once every earlier one is written, then the end
                self.lingering = None
                if self.refused is not None and not self.transport.is_closing():
                    self.transport.write(_answer(*self.refused))
                self._linger()
            elif unread and not self.close_after_response:
                self._disarm()
                self._linger()
            elif self.backlog:  # no read before what waits is parsed (not inside the app's send: soon)
                self.flow.pause_reading()
                self.loop.call_soon(self._parse_backlog)

        def _parse_backlog(self) -> None:
            if not self.backlog or self.transport.is_closing() or len(self.pipeline) >= PIPELINE_DEPTH:
                return
            self.data_received(b"")
            if not self.backlog and not self.pipeline and not self.half_closed:
                self.flow.resume_reading()

        def _rest_is_coming(self) -> bool:
            """Whether the rest of a body answered early will be sent and is worth reading to keep the connection."""
            if self.chunked or (self.expect_100_continue and not self.body_received):  # unknown length; or a
                return False  # client waiting for "100 Continue", never sent as the app answered without reading
            declared = next((value for name, value in self.headers if name == b"content-length"), b"0")
            return int(declared) - self.body_received <= LINGER_BYTES

        def pause_writing(self) -> None:
            super().pause_writing()
            if self.write_timer is None:
                self.write_timer = self.loop.call_later(slow.body_seconds, self._not_reading, slow.body_seconds)

        def resume_writing(self) -> None:
            super().resume_writing()
            self._writable()

        def _writable(self) -> None:
            if self.write_timer is not None:
                self.write_timer.cancel()
            self.write_timer = None

        def _not_reading(self, seconds: float) -> None:
            """The client has not read a byte of our answers for `seconds`: drop the connection, say why once."""
            self.write_timer = None
            if self.transport.is_closing():
                return
            reason = f"the client did not read the answer within {seconds:g} s"
            cycle = self.running
            if cycle is not None and not cycle.response_complete:
                cycle.scope["state"][PROTOCOL_ERROR] = (408, reason)  # the request log writes the one line
                cycle.disconnected = True  # its next write goes nowhere (not into a closed transport)
                cycle.message_event.set()
            else:
                _log.info("request_id=- method=- path=- status=408 reason=%s", reason)
            self.pipeline.clear()  # never started: no answer, no line
            self._disarm()
            self.transport.abort()  # nothing more can be written, and what was is not being read

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
            cycle, self.backlog = self.cycle, b""  # what follows a refused request is never parsed
            queued = next((entry for entry in self.pipeline if entry[0] is cycle), None)
            if self.reading == "body" and queued is not None:  # refused mid-body while waiting: it never runs
                self.pipeline.remove(queued)
            running = self.running
            if self.reading == "body" and cycle is not None and queued is None:  # the app has the refused request
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
            if self.pipeline or (running is not None and not running.response_complete):
                # pipelined behind requests received whole: they are answered, then this refusal, then the end
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
            if what == "body" and cycle is not None and cycle.response_complete:  # answered early: nothing to say
                self.transport.close()
                return
            if self.flow.read_paused:  # we stopped reading (the app is busy, or requests are queued), not the client
                self._arm(what, seconds)
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
