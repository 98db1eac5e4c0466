"""The hot webhook route, served without FastAPI's router (ADR 0126).

`DirectRoutes` sits innermost among the middlewares — inside RequestLog (its log line, request id and
metrics) and the server-error guard — and hands `POST /webhooks/github` straight to its endpoint: no
route matching over every API path, no dependency solving, no exception-middleware and exit-stack layers.
What the endpoint raises is answered by the app's own handler for TfreviewError, so the answers are the
same byte for byte; anything else goes on outwards as before (RequestLog: 500, one line). Every other
request goes through FastAPI unchanged. A per-request hook (a rate limit, a block list) belongs in an
outer middleware — seen by every route — or at the top of the endpoint, before the body is read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from tfreview.core.errors import TfreviewError

Endpoint = Callable[[Request], Awaitable[Response]]
ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]


class DirectRoutes:
    def __init__(self, app: ASGIApp, *, routes: Mapping[tuple[str, str], Endpoint], on_error: ErrorHandler) -> None:
        self.app = app
        self.routes = dict(routes)
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = (
            self.routes.get((scope.get("method", ""), scope.get("path", ""))) if scope["type"] == "http" else None
        )
        if endpoint is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive, send)
        try:
            response = await endpoint(request)
        except TfreviewError as error:
            response = await self.on_error(request, error)
        await response(scope, receive, send)
