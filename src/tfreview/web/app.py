"""The app factory: `create_app(services)` → FastAPI. Nothing is read from the environment here."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

import tfreview
from tfreview.core.errors import AuthError, TfreviewError
from tfreview.plumbing.clock import Clock
from tfreview.service.container import Services
from tfreview.web import (
    api_admin,
    api_audit,
    api_blocks,
    api_incidents,
    api_reviews,
    dashboard,
    health,
    metrics_endpoint,
    uploads,
    webhooks_github,
    webhooks_spacelift,
)
from tfreview.web.bodies import BodyBudget
from tfreview.web.body_limits import BodyLimit
from tfreview.web.context import request_id_of
from tfreview.web.direct_routes import DirectApp, DirectRoutes
from tfreview.web.door_keeper import DoorKeeper
from tfreview.web.head_limits import HeadLimits
from tfreview.web.head_requests import HeadAsGet
from tfreview.web.problems import PROBLEM_JSON, Problem, http_problem, problem_for
from tfreview.web.request_log import LOG_NOTE, RequestLog


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(services: Services, *, clock: Clock | None = None) -> FastAPI:
    """The HTTP app over `services`; `clock` (default: UTC now) decides secret validity and staleness."""
    app = DirectApp(
        title="tfreview",
        version=getattr(tfreview, "__version__", "0"),
        summary="Reviews Terraform and OpenTofu changes from GitHub, Spacelift and uploads",
        openapi_url="/openapi.json",
        docs_url="/docs" if services.settings.dashboard.api_docs else None,
        redoc_url=None,
        # FastAPI's own OpenTelemetry hooks, unused here (tfreview exports Prometheus metrics): off, so no
        # request pays for asking whether they are configured (an environment look-up per request)
        telemetry={"tracing": False, "metrics": False, "logs": False},
        # no 307 from `/path/` to `/path`: Starlette builds that Location from the Host header, which the client
        # chooses (a link to any host, ours in name); a trailing slash is a 404 like any unknown path (ADR 0565)
        redirect_slashes=False,
    )
    app.state.services = services
    app.state.body_budget = BodyBudget(services.settings.door.body_bytes_in_flight)  # every body read at once
    app.state.clock = clock or _utc_now
    for module in (
        webhooks_github,
        webhooks_spacelift,
        uploads,
        api_reviews,
        api_admin,
        api_blocks,
        api_incidents,
        api_audit,
        health,
        metrics_endpoint,
    ):
        app.include_router(module.router)
    dashboard.install(app, services)
    app.add_exception_handler(TfreviewError, _on_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    # innermost: the webhooks skip the router (direct_routes.py); the middlewares below see them as before
    direct = {
        ("POST", "/webhooks/github"): webhooks_github.github_webhook,
        ("POST", "/webhooks/spacelift"): webhooks_spacelift.spacelift_webhook,
    }
    app.direct = frozenset(direct)  # and skip the layers around the middlewares (ADR 0437)
    app.add_middleware(DirectRoutes, routes=direct, on_error=_on_error)
    app.add_middleware(BodyLimit)  # the routes that do not read their body themselves: 1 MiB (ADR 0374)
    app.add_middleware(HeadAsGet)
    app.add_middleware(DoorKeeper, door=services.door)  # blocks, rate limits, shedding: before any route
    server = services.settings.server
    limits = HeadLimits(server.max_header_bytes, server.max_header_count)
    # added last: the outermost, so it also logs (and counts) what HeadAsGet answers
    app.add_middleware(RequestLog, head_limits=limits, metrics=services.metrics)
    return app


def _respond(found: Problem) -> JSONResponse:
    return JSONResponse(found.body, status_code=found.status, headers=found.headers, media_type=PROBLEM_JSON)


async def _on_error(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, AuthError):  # one cause, one line: the request log's, with the reason (texts name no secret)
        why = "authentication failed" if exc.status == 401 else "forbidden"
        request.scope.setdefault("state", {})[LOG_NOTE] = f"{why}: {exc}"
    return _respond(problem_for(exc, request.url.path, request_id_of(request)))


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)  # registered for this class only
    if dashboard.is_page(request):  # a person's browser: the dashboard's error page, not JSON
        return await dashboard.on_invalid_input(request, exc)
    parts = []
    for error in exc.errors()[:10]:
        where = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg', 'invalid')}")  # never the offending input itself
    detail = "; ".join(parts) or "the request is invalid"
    return _respond(http_problem(422, detail, request.url.path, request_id_of(request)))


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)  # registered for this class only
    detail = exc.detail if isinstance(exc.detail, str) else "the request cannot be served"
    found = http_problem(exc.status_code, detail, request.url.path, request_id_of(request))
    return JSONResponse(found.body, status_code=found.status, headers=dict(exc.headers or {}), media_type=PROBLEM_JSON)
