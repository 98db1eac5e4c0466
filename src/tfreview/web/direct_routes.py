"""The hot webhook routes, served without FastAPI's router and without Starlette's outer layers (ADR 0126, 0437).

`DirectRoutes` sits innermost among the middlewares — inside RequestLog (its log line, request id and
metrics), the door and the server-error guard — and hands `POST /webhooks/github` and `POST /webhooks/spacelift`
straight to their endpoints: no route matching over every API path, no dependency solving, no
exception-middleware and exit-stack layers. What an endpoint raises is answered by the app's own handler for
TfreviewError, so the answers are the same byte for byte; anything else goes on outwards as before
(RequestLog: 500, one line). Every other request goes through FastAPI unchanged. A per-request hook (a rate
limit, a block list) belongs in an outer middleware — seen by every route — or at the top of the endpoint,
before the body is read.

`DirectApp` (ADR 0437) is the FastAPI app that also skips what wraps the user middlewares for those requests:
FastAPI's and Starlette's `__call__`, the server-error guard, FastAPI's exception-telemetry and app body-limit
layers (telemetry is off and the app sets no body limit: each was a pass-through, a coroutine and a frame per
request). A direct route's request goes to a second chain of the SAME user middlewares (RequestLog, the door,
HEAD-as-GET, the body limit, DirectRoutes — built from `user_middleware`, in the same order), whose RequestLog
is the last line of defence for it as it already was (an exception escaping every handler: a logged 500).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from fastapi import FastAPI
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


class DirectApp(FastAPI):
    """FastAPI whose direct routes (`direct`, the keys of its DirectRoutes middleware) enter the user middlewares
    without the layers around them (see the module docstring)."""

    direct: frozenset[tuple[str, str]] = frozenset()
    _direct_stack: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (scope["method"], scope["path"]) in self.direct and not self.root_path:
            stack = self._direct_stack
            if stack is None:
                stack = self._direct_stack = self._build_direct_stack()
            scope["app"] = self  # what Starlette's __call__ sets: Request.app, the routes' services_of
            await stack(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def _build_direct_stack(self) -> ASGIApp:
        app: ASGIApp = _not_direct
        for cls, args, kwargs in reversed(self.user_middleware):
            app = cls(app, *args, **kwargs)
        return app


async def _not_direct(scope: Scope, receive: Receive, send: Send) -> None:
    # DirectRoutes answers every request DirectApp sends down this chain; reaching here is a wiring bug
    raise RuntimeError(f"{scope.get('method')} {scope.get('path')} is not a direct route")
