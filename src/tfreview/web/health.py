"""GET /healthz (the process answers; touches nothing) and GET /readyz (can it take work?).

Each readiness check runs on a thread of its own and is waited for busy_timeout + 1 s at most (the intake's own
patience, ADR 0535): a database that takes the connection and answers nothing (PostgreSQL black-holed) makes the
check fail with "no answer within N s" instead of hanging the probe; the next probe waits on the check still in
flight rather than starting another (ADR 0569). The calls are the services' (`services.readiness_calls`): shutdown
starts no further one and joins those running, a bounded time, before the database closes (ADR 0569, amended)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from functools import partial
from typing import cast

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from tfreview.plumbing.calls_in_flight import CallsInFlight
from tfreview.ports.service import HealthCheck
from tfreview.service.container import Services
from tfreview.web.context import ServicesDep
from tfreview.web.models import Alive, CheckOut, Readiness

router = APIRouter(tags=["health"])
_log = logging.getLogger("tfreview.web.health")
ANSWER_GRACE_SECONDS = 1.0  # past busy_timeout, as the intake waits (store/intake_writer.py)


def patience_seconds(services: Services) -> float:
    """How long /readyz waits for one check: the database's busy_timeout, then ANSWER_GRACE_SECONDS."""
    return services.settings.database.busy_timeout_ms / 1000 + ANSWER_GRACE_SECONDS


def _wait(future: Future[object], deadline: float, patience: float) -> object:
    """The call's result, waited for until `deadline` (time.monotonic()); TimeoutError past it."""
    try:
        return future.result(max(0.0, deadline - time.monotonic()))
    except FutureTimeout:
        raise TimeoutError(f"no answer within {patience:g} s") from None


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
    patience = patience_seconds(services)
    deadline = time.monotonic() + patience  # every check runs at once: one wait for them all
    calls = services.readiness_calls  # one running call per check: a stalled check is not started again
    started = [(check, calls.start(f"check:{check.name}:{id(check)}", check.check)) for check in services.health_checks]
    counting = calls.start(f"queue_depth:{id(services.queue)}", services.queue.depth)
    checks = [_outcome(check.name, partial(_wait, future, deadline, patience)) for check, future in started]
    depth: int | None
    try:
        counted = _wait(counting, deadline, patience)
        depth = int(counted) if isinstance(counted, int) else None
        if not any(check.name == "queue" for check in checks):
            checks.append(CheckOut(name="queue", ok=True, detail=f"{depth} jobs queued or running"))
    except TimeoutError as exc:
        depth = None
        checks.append(CheckOut(name="queue_depth", ok=False, detail=f"depth unavailable ({exc})"))
    except Exception as exc:  # a readiness probe reports failures, it does not raise them
        depth = None
        checks.append(CheckOut(name="queue_depth", ok=False, detail=f"depth unavailable ({type(exc).__name__})"))
    ready = all(check.ok for check in checks)
    answer = Readiness(status="ready" if ready else "unready", checks=checks, queue_depth=depth)
    return JSONResponse(answer.model_dump(), status_code=200 if ready else 503)


def run_check(check: HealthCheck, calls: CallsInFlight | None = None, patience: float | None = None) -> CheckOut:
    """One check's outcome; with `calls` and `patience`, run on a thread of `calls` and failed if it does not
    answer within `patience` s."""
    if patience is None or calls is None:
        return _outcome(check.name, check.check)
    future = calls.start(f"check:{check.name}:{id(check)}", check.check)
    deadline = time.monotonic() + patience
    return _outcome(check.name, lambda: _wait(future, deadline, patience))


def _outcome(name: str, get: Callable[[], object]) -> CheckOut:
    try:
        ok, detail = cast("tuple[bool, str]", get())  # a HealthCheck's (ok, detail)
    except TimeoutError as exc:  # it may still answer later: the next probe waits on that same call
        _log.warning("health check %s: %s", name, exc)
        return CheckOut(name=name, ok=False, detail=str(exc))
    except Exception as exc:  # a check that raises is a failed check; its message may hold a DSN, so only the type
        _log.warning("health check %s raised %s", name, type(exc).__name__)
        return CheckOut(name=name, ok=False, detail=f"check raised {type(exc).__name__}")
    return CheckOut(name=name, ok=bool(ok), detail=str(detail)[:200])
