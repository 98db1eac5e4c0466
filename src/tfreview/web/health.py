"""GET /healthz (the process answers; touches nothing) and GET /readyz (can it take work?)."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from tfreview.ports.service import HealthCheck
from tfreview.web.context import ServicesDep
from tfreview.web.models import Alive, CheckOut, Readiness

router = APIRouter(tags=["health"])
_log = logging.getLogger("tfreview.web.health")


@router.get("/healthz", response_model=Alive, summary="Liveness: no dependency is checked")
def healthz() -> Alive:
    return Alive(status="alive")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "a check failed"}},
    summary="Readiness: every health check and the queue depth",
)
def readyz(services: ServicesDep) -> JSONResponse:
    checks = [run_check(check) for check in services.health_checks]
    depth: int | None
    try:
        depth = services.queue.depth()
        if not any(check.name == "queue" for check in checks):
            checks.append(CheckOut(name="queue", ok=True, detail=f"{depth} jobs queued or running"))
    except Exception as exc:  # a readiness probe reports failures, it does not raise them
        depth = None
        checks.append(CheckOut(name="queue_depth", ok=False, detail=f"depth unavailable ({type(exc).__name__})"))
    ready = all(check.ok for check in checks)
    answer = Readiness(status="ready" if ready else "unready", checks=checks, queue_depth=depth)
    return JSONResponse(answer.model_dump(), status_code=200 if ready else 503)


def run_check(check: HealthCheck) -> CheckOut:
    name = check.name
    try:
        ok, detail = check.check()
    except Exception as exc:  # a check that raises is a failed check; its message may hold a DSN, so only the type
        _log.warning("health check %s raised %s", name, type(exc).__name__)
        return CheckOut(name=name, ok=False, detail=f"check raised {type(exc).__name__}")
    return CheckOut(name=name, ok=bool(ok), detail=str(detail)[:200])
