"""One log line per request (method, path, status, duration, request id) and the last line of defence.

Pure ASGI so it never buffers a body. It never logs a body, a query string, a header value, a
signature or a token; the path is escaped (`log_lines.escape`), so it cannot forge or break a line.
An exception that escapes every handler becomes a 500 problem with an error id (the traceback goes to
the log only) — never a traceback in a response. A head above the limits is 431 here too (for ASGI
servers other than `tfreview serve`'s protocol). A client that hangs up mid-body is status 499 and a
body the server could not parse (bad chunk size) the 400 the protocol sent: one line each, no traceback.
A refused credential (401) is one line too: its reason (`LOG_NOTE`, never the credential) ends this line.
Every answer leaves with the baseline headers (`response_headers.with_baseline`, ADR 0597).
"""

from __future__ import annotations

import logging
import re
import time
from typing import Final

import orjson
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tfreview.ops.log_context import bind_request_id, unbind_request_id
from tfreview.ops.recorder import NullRecorder, Recorder
from tfreview.plumbing.ids import uuid4_hex
from tfreview.plumbing.log_lines import escape
from tfreview.web.head_limits import PROTOCOL_ERROR, HeadLimits
from tfreview.web.problems import PROBLEM_JSON, ClientClosed, http_problem, problem_for
from tfreview.web.response_headers import with_baseline

_log = logging.getLogger("tfreview.web.requests")
LOG_NOTE: Final = "tfreview.log_note"  # scope["state"] key: why the app answered as it did, for the one line
_INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_LINE = "request_id=%s method=%s path=%s status=%d duration_ms=%.1f%s"


class RequestLog:
    """Also the HTTP metrics: `tfreview_http_responses_total` and `tfreview_http_request_duration_seconds`
    by route group (`route_group`), counted where every response passes, errors included."""

    def __init__(self, app: ASGIApp, head_limits: HeadLimits | None = None, metrics: Recorder | None = None) -> None:
        self.app = app
        self.head_limits = head_limits
        self.metrics = metrics or NullRecorder()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _INCOMING_ID.fullmatch(incoming) else uuid4_hex()
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500
        started = False
        note = ""

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                headers = with_baseline(list(message.get("headers", [])), scope.get("path", ""))
                message["headers"] = [*headers, (b"x-request-id", request_id.encode("ascii"))]
            await send(message)

        bound = bind_request_id(request_id)  # every line logged while serving it carries the id
        try:
            begun = time.perf_counter()
            limits = self.head_limits
            refused = limits.problem(len(scope.get("raw_path") or b""), scope["headers"]) if limits else None
            try:
                if refused:
                    found = http_problem(431, refused, escape(scope.get("path", "")), request_id)
                    await _answer(send, found.status, found.body, request_id, {"connection": "close"})
                    status, note = 431, refused
                else:
                    await self.app(scope, receive, send_with_id)
            except ClientDisconnect:  # a body read outside read_body: the same as ClientClosed
                status = ClientClosed().status
            except Exception as exc:  # the last line of defence: anything unhandled becomes a logged 500
                found = problem_for(exc, escape(scope.get("path", "")), request_id)
                status = found.status
                if not started:
                    await _answer(send, found.status, found.body, request_id, found.headers)
            finally:
                status, note = _outcome(state, status, note)
                elapsed = time.perf_counter() - begun
                route = route_group(scope.get("method", ""), scope.get("path", ""))
                self.metrics.count("tfreview_http_responses_total", route=route, status=str(status))
                self.metrics.observe("tfreview_http_request_duration_seconds", elapsed, route=route)
                _line(request_id, scope, status, elapsed, note)
        finally:
            unbind_request_id(bound)


def _outcome(state: dict[str, object], status: int, note: str) -> tuple[int, str]:
    """The status and reason the line gives, from what the server and the app left in the scope's state."""
    if PROTOCOL_ERROR in state:  # the server refused the body (bad chunk size…): its status, once
        refused = state[PROTOCOL_ERROR]
        assert isinstance(refused, tuple)
        return int(refused[0]), str(refused[1])
    if LOG_NOTE in state:  # why the app refused (a credential that does not hold): on this line
        return status, escape(str(state[LOG_NOTE]))
    if status == ClientClosed().status:
        return status, "the client closed the connection mid-body"
    return status, note


def _line(request_id: str, scope: Scope, status: int, elapsed: float, note: str) -> None:
    """The request's line; its record made directly, without logging's look-up of the caller (ADR 0437)."""
    if _log.isEnabledFor(logging.INFO):
        args = (
            request_id,
            scope.get("method", "-"),
            escape(scope.get("path", "-")),
            status,
            elapsed * 1000,
            f" reason={note}" if note else "",
        )
        _log.handle(_log.makeRecord(_log.name, logging.INFO, __file__, 0, _LINE, args, None))


async def _answer(send: Send, status: int, body: object, request_id: str, extra: dict[str, str]) -> None:
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"x-request-id", request_id.encode("ascii"))]
    headers += [(k.lower().encode(), v.encode()) for k, v in extra.items()]
    headers = with_baseline(headers, "")  # an answer of this layer is never a static file
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": orjson.dumps(body)})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            try:
                return str(value.decode("ascii"))
            except UnicodeDecodeError:
                return None
    return None


def route_group(method: str, path: str) -> str:
    """The `route` label: a handful of groups, never the raw path (bounded cardinality, no ids)."""
    if path.startswith("/webhooks/"):
        return "webhook"
    if path == "/api/v1/plans" and method == "POST":
        return "upload"
    if path.startswith(("/api/v1/deliveries", "/api/v1/jobs")):
        return "admin"
    if path.startswith("/api/"):
        return "api"
    if path in ("/healthz", "/readyz"):
        return "health"
    if path == "/metrics":
        return "metrics"
    return "other"
