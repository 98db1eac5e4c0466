"""The door, asked before a request reaches a route (pure ASGI: nothing is read from the body first).

In order, each answer `application/problem+json` and counted by the request log around it:

1. the client's address (X-Forwarded-For only from `TFREVIEW_DOOR__TRUSTED_PROXIES`) goes into the scope's
   state (`client_ip`) for the routes that count failures;
2. a blocked address or API token: 429 with Retry-After and the block's end, before any body is read (ADR 0559);
3. over the per-address or per-token rate: 429 with Retry-After — never for webhooks (a signed delivery is
   always accepted; an unsigned one counts toward a block instead), health checks, /metrics or /static;
4. API reads and uploads while the queue is too deep or too old: 503 with Retry-After.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Final

import orjson
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from tfreview.door.addresses import client_address, ip_source, token_source
from tfreview.door.door import IP, TOKEN, Door
from tfreview.plumbing.log_lines import escape
from tfreview.service.container import Services
from tfreview.web.problems import PROBLEM_JSON, Shed, http_problem
from tfreview.web.request_log import route_group

_log = logging.getLogger("tfreview.door")
CLIENT_IP: Final = "client_ip"
_UNLIMITED: Final = frozenset({"webhook", "health", "metrics"})
_SHED: Final = frozenset({"api", "upload"})
SHED_PER_TENANT: Final = "tfreview.shed_per_tenant"  # request state: shed only if the caller's tenant fills the queue
_OVER_RATE_LINE_SECONDS: Final = 60.0
_OVER_RATE_TENANTS: Final = 10_000


class DoorKeeper:
    def __init__(self, app: ASGIApp, door: Door | None) -> None:
        self.app = app
        self.door = door

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        door = self.door
        if scope["type"] != "http" or door is None:
            await self.app(scope, receive, send)
            return
        peer = scope.get("client")
        forwarded = [v.decode("latin-1") for k, v in scope["headers"] if k == b"x-forwarded-for"]
        address = client_address(peer[0] if peer else None, forwarded, door.trusted_proxies)
        scope.setdefault("state", {})[CLIENT_IP] = address
        source = ip_source(address)
        allowed = door.guard.allowed(source)
        credential = bearer(scope)
        token = token_source(credential) if credential else None
        if not allowed:
            for blocked in (source, token):
                until = door.guard.blocked_until(blocked) if blocked else None
                if until is not None:
                    what = "address" if blocked == source else "token"
                    ends = until.isoformat(timespec="seconds")
                    detail = f"this {what} is blocked until {ends} after repeated failures"
                    left = math.ceil((until - door.guard.clock()).total_seconds())
                    await _refuse(send, 429, detail, _path(scope), scope, max(1, left))
                    return
        route = route_group(scope.get("method", ""), scope.get("path", ""))
        static = scope.get("path", "").startswith("/static/")  # the dashboard's assets: cheap, many per page
        if route not in _UNLIMITED and not allowed and not static:
            for scope_name, identity in ((IP, address), (TOKEN, token)):
                if identity is None:
                    continue
                verdict = door.over_limit(scope_name, identity)
                if not verdict.allowed:
                    who = "address" if scope_name == IP else "token"
                    detail = f"too many requests from this {who}; retry after {verdict.retry_after} seconds"
                    await _refuse(send, 429, detail, _path(scope), scope, verdict.retry_after)
                    return
        if route in _SHED:
            reason = door.shedder.shedding()
            if reason is not None and credential and door.shedder.per_tenant:
                scope["state"][SHED_PER_TENANT] = True  # decided once the caller's tenant is known (ADR 0561)
            elif reason is not None:
                seconds = door.settings.shed_retry_after_seconds
                detail = f"the service is shedding load ({reason}); retry after {seconds} seconds"
                await _refuse(send, 503, detail, _path(scope), scope, seconds)
                return
        await self.app(scope, receive, send)


def _path(scope: Scope) -> str:
    """The path as a refusal names it (escaped only when there is a refusal: most requests have none)."""
    return escape(scope.get("path", ""))


def bearer(scope: Scope) -> str | None:
    """The bearer credential of the request, if any (never logged, only hashed)."""
    for key, value in scope["headers"]:
        if key == b"authorization":
            scheme, _, credential = value.decode("latin-1").strip().partition(" ")
            credential = credential.strip()
            return credential if scheme.lower() == "bearer" and credential else None
    return None


async def _refuse(
    send: Send, status: int, detail: str, path: str, scope: Scope, retry_after: int | None = None
) -> None:
    found = http_problem(status, detail, path, str(scope["state"].get("request_id", "-")))
    body = orjson.dumps(found.body)
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def shed_for_tenant(request: Request, tenant_id: str | None) -> None:
    """After authentication: Shed (503) when the queue is past a shedding limit and this tenant fills it."""
    if not request.scope.get("state", {}).get(SHED_PER_TENANT):
        return
    services: Services = request.app.state.services
    door = services.door
    if door is None:
        return
    reason = door.shedder.shedding_for(tenant_id)
    if reason is not None:
        seconds = door.settings.shed_retry_after_seconds
        raise Shed(f"the service is shedding load ({reason}); retry after {seconds} seconds", seconds)


def note_overreach(request: Request) -> None:
    """A valid credential used past its scope (a 403): counted toward a block of that token only (its address may
    be shared by others whose credentials hold), so its refusals, and their audit entries, stay bounded (ADR 0550)."""
    services: Services = request.app.state.services
    credential = bearer(request.scope)
    if services.door is not None and credential:
        services.door.guard.failed_nowait(token_source(credential), "scope")


def note_failure(request: Request, what: str, credential: str | None = None) -> None:
    """A signature or credential failure by this request's client (and its token: `credential`, else the one
    of its Authorization header): counted toward an automatic block of each."""
    services: Services = request.app.state.services
    door = services.door
    if door is None:
        return
    address = getattr(request.state, CLIENT_IP, None) or (request.client.host if request.client else "unknown")
    door.guard.failed_nowait(ip_source(address), what)  # a block earned is written off this thread (ADR 0581)
    credential = credential or bearer(request.scope)
    if credential:
        door.guard.failed_nowait(token_source(credential), what)


class _OverRateLines:
    """At most one "over its delivery rate" line per tenant per `every` seconds, saying how many deliveries it
    stood for: a tenant flooding at hundreds a second would otherwise add a log line to each of them.

    Bounded (ADR 0373): at most `tenants` are remembered, oldest line first out. Past that many tenants over
    their rate in one period, a tenant forgotten early gets its next line early, counting from when it was
    forgotten: a log line more, never unbounded memory."""

    def __init__(
        self,
        every: float = _OVER_RATE_LINE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        tenants: int = _OVER_RATE_TENANTS,
    ) -> None:
        self._every = every
        self._clock = clock
        self._tenants = tenants
        self._lock = threading.Lock()
        # tenant → (when its last line was logged, deliveries since), in the order of those lines
        self._since: OrderedDict[str, tuple[float, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._since)

    def due(self, tenant: str) -> int:
        """0: no line now; else a line stands for this many over-rate deliveries (this one included)."""
        now = self._clock()
        with self._lock:
            logged_at, held = self._since.get(tenant, (now - self._every, 0))
            if now - logged_at < self._every:
                self._since[tenant] = (logged_at, held + 1)
                return 0
            self._since[tenant] = (now, 0)
            self._since.move_to_end(tenant)
            while len(self._since) > self._tenants:  # the oldest line first: its period ends first
                self._since.popitem(last=False)
            return held + 1


_over_rate = _OverRateLines()


def tenant_delivery(services: Services, tenant: str) -> None:
    """A signed delivery for `tenant`: counted against its rate and accepted whatever the count — the queue's
    fair share (the tenant with the fewest running jobs is served first) keeps one tenant from starving others."""
    door = services.door
    if door is None or door.tenant_delivery(tenant):
        return
    count = _over_rate.due(tenant)
    if count:
        _log.info(
            "tenant %s is over its delivery rate (%s); accepted and queued (%d such deliveries since its last line)",
            escape(tenant),
            door.settings.per_tenant,
            count,
        )
