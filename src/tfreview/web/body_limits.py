"""A body limit for every route that does not read its body itself (ADR 0374).

The routes that take large bodies read them with `bodies.read_body` and their own limit (plan uploads, the
webhooks, the dashboard's upload). Every other route takes at most a small JSON or form body (a block, a
sign-in), but FastAPI and Starlette read whatever is sent: 60 MB posted to `POST /api/v1/blocks` or
`POST /signin/token` were read whole before being refused as invalid. Here a declared `Content-Length` above
`SMALL_BODY_BYTES` is refused at the first read, and a stream (chunked, or a length that lies) is cut as soon as
it passes the limit: 413, nothing more read.
"""

from __future__ import annotations

from typing import Final

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SMALL_BODY_BYTES: Final = 1024 * 1024
# (method, path) of the routes that read their body themselves, with their own (larger) limits
OWN_LIMITS: Final = frozenset(
    {("POST", "/api/v1/plans"), ("POST", "/webhooks/github"), ("POST", "/webhooks/spacelift"), ("POST", "/upload")}
)


def _too_large(limit: int) -> HTTPException:
    # FastAPI turns any other exception raised while it reads a body into 400 "error parsing the body"
    return HTTPException(413, f"the body is larger than this route's limit of {limit} bytes")


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int = SMALL_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) in OWN_LIMITS:
            await self.app(scope, receive, send)
            return
        declared = next((value for name, value in scope["headers"] if name == b"content-length"), None)
        over = declared is not None and declared.isdigit() and int(declared) > self.limit
        limit, seen = self.limit, 0

        async def limited() -> Message:
            nonlocal seen
            if over:
                raise _too_large(limit)
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _too_large(limit)
            return message

        await self.app(scope, limited, send)
