"""The connection side of `tfreview serve`'s HTTP protocol (web/protocol.py has the parser side and the whole
story): refusals answered once and logged once, the answers' flow (pipelined requests, a client that reads
none of them), the read deadlines of a head and a body, and the lingering close after a refusal.
"""

from __future__ import annotations

import asyncio
import http
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Literal

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

from tfreview.web.head_limits import PROTOCOL_ERROR
from tfreview.web.problems import PROBLEM_JSON, RETRY_AFTER_SECONDS, web_problem
from tfreview.web.response_headers import with_baseline

LINGER_SECONDS: Final = 2.0
LINGER_BYTES: Final = 4 * 1024 * 1024
HOLD_BYTES: Final = 64 * 1024  # CoalescedWrites sends at once past this many bytes held in one turn
PIPELINE_DEPTH: Final = 32  # pipelined requests parsed ahead of their answers; the rest waits as bytes
_log = logging.getLogger("tfreview.web.requests")

# where the parser is in the current request: no byte of one yet, its head, its body, all of it received
Reading = Literal["idle", "head", "body", "done"]


class _Refused(Exception):
    """Raised in a parser callback to stop parsing: the protocol has already noted why (`refused`)."""


@dataclass(frozen=True, slots=True)
class Timeouts:
    head_seconds: float = 10.0  # the whole request head (request line and headers)
    body_seconds: float = 30.0  # the longest pause between two pieces of a body
    # bytes/s a body must average: it has body_seconds, then one more second per body_min_rate bytes (0: no minimum)
    body_min_rate: float = 500.0


def _answer(status: int, reason: str) -> bytes:
    """The whole refusal on the wire: status line, headers, problem body."""
    body = orjson.dumps(web_problem(status, reason, "-"))
    phrase = http.HTTPStatus(status).phrase
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    if status == 503:
        headers.append((b"retry-after", str(RETRY_AFTER_SECONDS).encode()))
    headers = [*with_baseline(headers, ""), (b"connection", b"close")]  # every answer's headers (ADR 0597)
    lines = b"".join(name + b": " + value + b"\r\n" for name, value in headers)
    return f"HTTP/1.1 {status} {phrase}\r\n".encode("ascii") + lines + b"\r\n" + body


class CoalescedWrites(asyncio.Transport):
    """The connection's transport, with the writes of one turn of the event loop sent as ONE write (ADR 0450).

    uvicorn writes an answer's head and its body with two `transport.write` calls, and uvloop sends each at once:
    two send() system calls and two TCP segments per answer. Here the first write of a turn is held and a
    callback is queued that sends it with whatever else was written meanwhile — the body, which the app sends in
    the same step. The bytes and their order are unchanged (everything written to the connection goes through
    this), only their grouping; closing, shutting the write side or asking for the buffer's size sends what is
    held first; aborting drops it with the rest; once the transport is closing writes go straight to it, and past
    `HOLD_BYTES` held in one turn they go on at once, so the transport's buffer limits still pause a large answer."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] | None = None
        self._held_bytes = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._held is not None:
            self._held.append(bytes(data))
            self._held_bytes += len(data)
            if self._held_bytes > HOLD_BYTES:  # a large answer written in one turn: to the transport, whose
                self.flush()  # buffer limits pause the writer as before (uvicorn awaits the drain)
        elif len(data) > HOLD_BYTES or self._transport.is_closing():
            self._transport.write(data)
        else:
            self._held, self._held_bytes = [bytes(data)], len(data)
            self._loop.call_soon(self.flush)

    def flush(self) -> None:
        held, self._held, self._held_bytes = self._held, None, 0
        if held and not self._transport.is_closing():  # closing now: the peer went (close() sends what is held first)
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def writelines(self, list_of_data: Iterable[bytes | bytearray | memoryview]) -> None:
        for data in list_of_data:
            self.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def abort(self) -> None:
        self._held, self._held_bytes = None, 0
        self._transport.abort()

    def get_write_buffer_size(self) -> int:
        self.flush()
        return self._transport.get_write_buffer_size()

    # the rest is the transport's own
    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._transport.set_write_buffer_limits(high, low)

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._transport.get_write_buffer_limits()


class ConnectionFlow(HttpToolsProtocol):
    """uvicorn's httptools protocol with our refusals, flow control, read deadlines and lingering close; the
    parser side (`protocol_class`) subclasses it with the head limits."""

    timeouts: ClassVar[Timeouts] = Timeouts()

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
        self.body_since = 0.0  # loop time the body's rate is measured from (its head's end, or a pause of ours)
        self.body_counted = 0  # body bytes received before body_since
        self.running: RequestResponseCycle | None = None
        self.over_limit = False  # opened past `limit_concurrency` connections: its requests are 503
        # uvicorn's own check sheds every request while too many connections are open: ours replaces it
        self.connection_limit, self.limit_concurrency = self.limit_concurrency, None
        self.backlog = b""  # received, not parsed yet: PIPELINE_DEPTH requests already wait for their answers
        self.half_closed = False  # the client shut its side (EOF)

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self.transport = CoalescedWrites(transport, self.loop)  # every write of ours and of uvicorn's goes through it
        limit = self.connection_limit  # the connections past it get 503, not every one while they are open
        self.over_limit = limit is not None and len(self.connections) > limit
        self._arm("head", self.timeouts.head_seconds)

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
            self.write_timer = self.loop.call_later(
                self.timeouts.body_seconds, self._not_reading, self.timeouts.body_seconds
            )

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
                self._arm("head", self.timeouts.head_seconds)
        elif reading == "body":
            pause, rate = self.timeouts.body_seconds, self.timeouts.body_min_rate
            due = pause
            if rate > 0:  # the rate's deadline (mod_reqtimeout's MinRate): pause, plus a second per `rate` bytes
                received = self.body_received - self.body_counted
                due = self.body_since + pause + received / rate - self.loop.time()
            if due < pause:
                self._arm("body rate", max(due, 0.0))
            else:
                self._arm("body", pause)
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
        if what != "head" and cycle is not None and cycle.response_complete:  # answered early: nothing to say
            self.transport.close()
            return
        if self.flow.read_paused:  # we stopped reading (the app is busy, or requests are queued), not the client
            if what == "body rate":  # nor is the time we did not read: the rate is measured afresh from now
                self.body_since, self.body_counted = self.loop.time(), self.body_received
                what, seconds = "body", self.timeouts.body_seconds
            self._arm(what, seconds)
            return
        if what == "body rate":
            received, spent = self.body_received - self.body_counted, self.loop.time() - self.body_since
            rate = self.timeouts.body_min_rate
            self._refuse(
                408, f"the request body arrived slower than {rate:g} bytes/s ({received} bytes in {spent:.0f} s)"
            )
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
