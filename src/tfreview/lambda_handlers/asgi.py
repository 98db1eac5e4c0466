"""A small typed ASGI adapter for API Gateway HTTP API (payload format 2.0) events: event → ASGI → response.

API Gateway's JWT authorizer has checked the caller's token before the function runs; its claims are handed to
the app in the scope (`aws.authorizer`) for logs only: the app still verifies the Authorization header itself
(the same authenticator as `tfreview serve`), so a misconfigured route never lets an unchecked caller in.

An event the adapter cannot read (not payload 2.0, a body flagged base64 that is not, headers that are not
strings) is answered 400 `application/problem+json` in the app's own shape, never a raised exception (Lambda
would log a traceback and API Gateway answer a bare 500). Header and query text outside Latin-1 is passed on
as its UTF-8 bytes, as a client sending it to `tfreview serve` would have (docs/adr/0524). An answer larger
than the 6 MB a function may return is gzipped for a client that accepts it, else refused with a problem
document naming the limit, rather than left to fail the invocation (docs/adr/0600). A named stage's `/<stage>`
prefix is taken off the path (it is the ASGI root path) as a `$default` stage has none (docs/adr/0600).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from tfreview.lambda_handlers.answer_size import fitted, too_large

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
AsgiApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]
TEXT_TYPES = ("text/", "application/json", "application/problem+json", "application/xml", "image/svg+xml")


def wire_bytes(text: str) -> bytes:
    """The bytes of a header value or query string as a client sent them: Latin-1 (what ASGI servers decode
    with) when it fits, else UTF-8 (API Gateway decoded the client's bytes as UTF-8)."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def stage_stripped(path: str, context: dict[str, Any]) -> tuple[str, str]:
    """(the path the app routes on, the prefix API Gateway added): a named stage (not `$default`) called on the
    API's execute-api endpoint puts `/<stage>` in front of rawPath; a custom domain's mapping does not."""
    stage = str(context.get("stage") or "$default")
    prefix = f"/{stage}"
    through_endpoint = ".execute-api." in str(context.get("domainName") or "")
    if stage == "$default" or not through_endpoint or not (path == prefix or path.startswith(f"{prefix}/")):
        return path, ""
    return path[len(prefix) :] or "/", prefix


class BadEvent(ValueError):
    """The event is not an API Gateway v2 HTTP event."""


def scope_of(event: dict[str, Any]) -> tuple[Scope, bytes]:
    """The ASGI HTTP scope and the request body of an API Gateway v2 event; BadEvent when it is not one."""
    if event.get("version") != "2.0" or not isinstance(event.get("requestContext"), dict):
        raise BadEvent("not an API Gateway HTTP API event (payload format 2.0)")
    context = event["requestContext"]
    http = context.get("http") or {}
    method, path = str(http.get("method", "")), str(event.get("rawPath") or http.get("path") or "")
    if not method or not path.startswith("/"):
        raise BadEvent("the event has no method or path")
    path, root = stage_stripped(path, context)
    given = event.get("headers") or {}
    if not isinstance(given, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in given.items()):
        raise BadEvent("the event's headers are not a map of strings (payload format 2.0 joins repeated headers)")
    headers = [(wire_bytes(k.lower()), wire_bytes(v)) for k, v in given.items()]
    cookies = event.get("cookies") or []
    if cookies:
        headers.append((b"cookie", wire_bytes("; ".join(str(c) for c in cookies))))
    body = event.get("body") or ""
    if not isinstance(body, str):
        raise BadEvent("the event's body is not a string")
    try:
        raw = base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body.encode("utf-8")
    except (binascii.Error, ValueError):
        raise BadEvent("the event's body is flagged isBase64Encoded but is not base64") from None
    host = str(given.get("host") or context.get("domainName") or "lambda")
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method.upper(),
        "scheme": "https",
        "path": path,
        "raw_path": path.encode("utf-8"),
        "query_string": wire_bytes(str(event.get("rawQueryString") or "")),
        "root_path": root,
        "headers": headers,
        "client": (str(http.get("sourceIp") or "0.0.0.0"), 0),
        "server": (host, 443),
        "aws.authorizer": context.get("authorizer") or {},
        "aws.request_id": context.get("requestId"),
    }
    return scope, raw


class HttpAdapter:
    """Runs one ASGI app for many invocations on one event loop (kept for the life of the Lambda container)."""

    def __init__(self, app: AsgiApp) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()

    def close(self) -> None:
        self.loop.close()

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        try:
            scope, body = scope_of(event)
        except BadEvent as exc:
            return refusal(400, str(exc), str(event.get("rawPath") or event.get("path") or ""))
        answer = self.loop.run_until_complete(self._run(scope, body))
        asked = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"accept-encoding"), "")
        sent = fitted(answer, asked)  # what Lambda can return (6 MB): gzipped if need be, else a problem
        return sent if sent is not None else refusal(500, too_large(answer), str(scope["path"]))

    async def _run(self, scope: Scope, body: bytes) -> dict[str, Any]:
        sent = False
        status = 500
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def receive() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers") or [])
            elif message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body") or b""))

        await self.app(scope, receive, send)
        return response(status, headers, b"".join(chunks))


def refusal(status: int, detail: str, instance: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """A problem answered before the app has the request, in the app's shape (`application/problem+json`)."""
    from tfreview.web.problems import PROBLEM_JSON, web_problem

    body = json.dumps(web_problem(status, detail, instance[:200]))
    return {
        "statusCode": status,
        "headers": {"content-type": PROBLEM_JSON, **(headers or {})},
        "body": body,
        "isBase64Encoded": False,
    }


def response(status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> dict[str, Any]:
    """The API Gateway v2 response: headers joined by name, Set-Cookie as `cookies`, binary bodies base64'd (and
    text bodies that are not UTF-8: a `str` body must be, API Gateway sends it as UTF-8)."""
    joined: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        if key == "set-cookie":
            cookies.append(text)
        else:
            joined[key] = f"{joined[key]}, {text}" if key in joined else text
    kind = joined.get("content-type", "")
    decoded: str | None = None
    if not body or kind.startswith(TEXT_TYPES):
        try:
            decoded = body.decode("utf-8")
        except UnicodeDecodeError:  # text in another charset: passed as bytes, as `serve` sends them
            decoded = None
    answer: dict[str, Any] = {
        "statusCode": status,
        "headers": joined,
        "body": decoded if decoded is not None else base64.b64encode(body).decode("ascii"),
        "isBase64Encoded": decoded is None,
    }
    if cookies:
        answer["cookies"] = cookies
    return answer
