"""uvicorn's httptools protocol (llhttp, a C parser) with our limits on request heads and one log line per
malformed request. This module is the parser side (the head counted as llhttp parses it, what a read carries);
`connection_flow.py` is the connection side (refusals, the answers' flow, read deadlines, lingering close).

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
(or of the connection), a body may not pause longer than `Timeouts.body_seconds` between two reads, nor
arrive slower than `Timeouts.body_min_rate` bytes/s once past its first `body_seconds` (ADR 0445);
past any of them the client gets 408 (one log line, through the request log when the app has the request)
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

from typing import Any, Final

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

from tfreview.web.connection_flow import LINGER_BYTES, PIPELINE_DEPTH, ConnectionFlow, Timeouts
from tfreview.web.head_limits import HeadLimits, field_bytes, head_problem, request_line_bytes

__all__ = ["Timeouts", "protocol_class"]

FEED_BYTES: Final = 8 * 1024  # llhttp is fed this much at a time, so a read of tiny requests stops near the depth


def protocol_class(limits: HeadLimits, timeouts: Timeouts | None = None) -> type[HttpToolsProtocol]:
    """The protocol class to give uvicorn (`Config(http=...)`), enforcing `limits` and `timeouts`."""
    slow = timeouts or Timeouts()
    max_bytes, max_count = limits.max_bytes, limits.max_count

    class LimitedHttpToolsProtocol(ConnectionFlow):
        timeouts = slow

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
            self.chunk_raw = self.body_received = self.body_counted = 0
            self.body_since = self.loop.time()  # the body's rate is measured from here (connection_flow.py)
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

    return LimitedHttpToolsProtocol
