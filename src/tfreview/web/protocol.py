"""uvicorn's h11 protocol with our limits on request heads and one log line per malformed request.

- a head above `HeadLimits` (complete, or still incomplete past the byte limit) is answered 431;
- a malformed request (bad request line, bad chunk size mid-body…) is answered 400;
- either way: `application/problem+json`, `Connection: close`, and ONE escaped log line — by the request
  log when the app already has the request (it is told the status through the scope), by this module
  otherwise — never uvicorn's "Invalid HTTP request received." on top, never a traceback.

Slow clients (slowloris): a request head must be complete within `Timeouts.head_seconds` of its first byte
(or of the connection), and a body may not pause longer than `Timeouts.body_seconds` between two reads;
past either the client gets 408 (one log line, through the request log when the app has the request)
and the connection is closed.

After such an answer the connection closes in a "lingering" way (as nginx does): our side is shut for
writing, and what the client still sends is read and dropped for at most `LINGER_SECONDS` /
`LINGER_BYTES` — closing at once, with unread bytes in the socket, would make the kernel send a reset
that destroys the answer before the client reads it.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import logging
from dataclasses import dataclass
from typing import Any, Final

import h11
import orjson
from uvicorn.protocols.http.h11_impl import H11Protocol

from tfreview.web.head_limits import PROTOCOL_ERROR, HeadLimits
from tfreview.web.problems import PROBLEM_JSON, web_problem

_UVICORN_LINE: Final = "Invalid HTTP request received."
LINGER_SECONDS: Final = 2.0
LINGER_BYTES: Final = 4 * 1024 * 1024
_log = logging.getLogger("tfreview.web.requests")


class _Refusals(logging.Filter):
    """Drops uvicorn's own line for a request this protocol already logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != _UVICORN_LINE


class _LimitedConnection(h11.Connection):
    """h11's connection; a complete head above the limits becomes a RemoteProtocolError (hint 431)."""

    def __init__(self, limits: HeadLimits) -> None:
        super().__init__(h11.SERVER, max_incomplete_event_size=limits.max_bytes)
        self.limits = limits
        self.refused: tuple[int, str] | None = None

    def next_event(self) -> Any:
        try:
            event = super().next_event()
        except h11.RemoteProtocolError as exc:
            status = 431 if exc.error_status_hint == 431 else 400
            self.refused = (status, self.limits.refusal() if status == 431 else f"malformed request: {exc}")
            raise
        if isinstance(event, h11.Request):  # raw_items(): a list; iterating h11's Headers costs a call per field
            found = self.limits.problem(len(event.target), event.headers.raw_items())
            if found is not None:
                self.refused = (431, found)
                raise h11.RemoteProtocolError(found, error_status_hint=431)
        return event


@dataclass(frozen=True, slots=True)
class Timeouts:
    head_seconds: float = 10.0  # the whole request head (request line and headers)
    body_seconds: float = 30.0  # the longest pause between two pieces of a body


def _phrase(status: int) -> bytes:
    return http.HTTPStatus(status).phrase.encode("ascii")


def protocol_class(limits: HeadLimits, timeouts: Timeouts | None = None) -> type[H11Protocol]:
    """The protocol class to give uvicorn (`Config(http=...)`), enforcing `limits` and `timeouts`."""
    slow = timeouts or Timeouts()
    uvicorn_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _Refusals) for f in uvicorn_log.filters):
        uvicorn_log.addFilter(_Refusals())

    class LimitedH11Protocol(H11Protocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.conn = _LimitedConnection(limits)
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
            if self.lingering is None:
                super().data_received(data)
                if self.lingering is None:
                    self._watch()
                return
            self.lingering += len(data)
            if self.lingering > LINGER_BYTES:
                self.transport.close()

        def send_400_response(self, msg: str) -> None:
            conn = self.conn
            status, reason = conn.refused if isinstance(conn, _LimitedConnection) and conn.refused else (400, msg)
            cycle = self.cycle
            if cycle is not None and not cycle.response_complete and not cycle.response_started:
                cycle.scope["state"][PROTOCOL_ERROR] = (status, reason)  # the request log writes the one line
            else:
                _log.info("request_id=- method=- path=- status=%d reason=%s", status, reason)
            body = orjson.dumps(web_problem(status, reason, "-"))
            headers = [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ]
            with contextlib.suppress(h11.LocalProtocolError):  # a response already under way: just close
                head = h11.Response(status_code=status, headers=headers, reason=_phrase(status))
                self.transport.write(self.conn.send(head) or b"")
                self.transport.write(self.conn.send(h11.Data(data=body)) or b"")
                self.transport.write(self.conn.send(h11.EndOfMessage()) or b"")
            self._linger()

        def _watch(self) -> None:
            """After each read: which deadline applies now (a head keeps its first deadline; a body's restarts)."""
            state = self.conn.their_state
            if state is h11.IDLE:  # between requests, or a head still arriving: keep (or start) the head's clock
                if self.waiting_for != "head":
                    self._arm("head", slow.head_seconds)
            elif state is h11.SEND_BODY:
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
            idle = what == "head" and not self.conn.trailing_data[0] and self.conn.their_state is h11.IDLE
            if idle and (self.cycle is None or self.cycle.response_complete):  # no byte of a request: just close
                self.transport.close()
                return
            if what == "body" and self.flow.read_paused:  # we stopped reading (the app is busy), not the client
                self._arm("body", seconds)
                return
            reason = f"the request {what} was not received within {seconds:g} s"
            conn = self.conn
            if isinstance(conn, _LimitedConnection):
                conn.refused = (408, reason)
            self.send_400_response(reason)

        def _linger(self) -> None:
            if not self.transport.can_write_eof() or self.transport.is_closing():
                self.transport.close()
                return
            self.lingering = 0
            self.transport.write_eof()
            self.transport.resume_reading()
            self.loop.call_later(LINGER_SECONDS, self.transport.close)

    return LimitedH11Protocol
