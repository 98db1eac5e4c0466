"""HEAD is answered wherever GET is (RFC 9110 §9.3.2): the GET route runs, its body is not sent.

FastAPI registers GET routes for GET only, so `HEAD /healthz` (what many load balancers send) was a
405. The route sees a copy of the scope with GET; the server keeps the HEAD scope, headers
(Content-Length included) go out unchanged, and the body is dropped here.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)
