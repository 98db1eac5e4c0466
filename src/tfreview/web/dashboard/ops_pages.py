"""Operations (scope `admin`): health and readiness, queue depth and age, deliveries (requeue), jobs
(dead letters with their errors, retry), AI provider breakers and token budgets.

A tenant admin sees their tenant; an operator (admin without a tenant) sees every tenant. The actions
are the API's (`POST /api/v1/jobs/{id}/retry`, `…/deliveries/{id}/requeue`) behind a CSRF-checked form.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from tfreview.core.errors import InputError, TfreviewError
from tfreview.ports.jobs import Job, JobState
from tfreview.ports.records import Delivery, Scope
from tfreview.service.container import Services
from tfreview.web.api_admin import requeue_delivery, retry_job
from tfreview.web.dashboard.pages import PageError, check_csrf, dashboard_of, redirect, render, signed_in
from tfreview.web.health import patience_seconds, run_check
from tfreview.web.request_audit import record_action

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
Cursor = Annotated[str, Query(max_length=512)]


@router.get("/ops")
def operations_page(request: Request) -> Response:
    principal = signed_in(request, Scope.ADMIN)
    services = dashboard_of(request).services
    checks = [
        run_check(check, services.readiness_calls, patience_seconds(services)) for check in services.health_checks
    ]
    try:
        depth: int | None = services.queue.depth()
    except Exception:  # an operations page reports a failing store, it does not fail with it
        depth = None
    oldest = _oldest_queued(services.queue.list(state=JobState.QUEUED.value, tenant_id=principal.tenant_id, limit=200))
    dead = services.queue.list(state=JobState.DEAD.value, tenant_id=principal.tenant_id, limit=200)
    status = services.advisor_status
    return render(
        request,
        "ops.html",
        title="Operations",
        checks=checks,
        ready=all(c.ok for c in checks),
        depth=depth,
        oldest_age=oldest,
        dead_count=f"{len(dead.items)}{'+' if dead.next_cursor else ''}",
        breakers=status.breaker_states() if status is not None else [],
        budgets=status.budget_states(principal.tenant_id) if status is not None and principal.tenant_id else [],
    )


@router.get("/ops/jobs")
def jobs_page(request: Request, state: Annotated[str, Query(max_length=16)] = "dead", cursor: Cursor = "") -> Response:
    principal = signed_in(request, Scope.ADMIN)
    if state not in {s.value for s in JobState} | {"all"}:
        raise PageError(400, f"Unknown job state {state!r}.")
    services = dashboard_of(request).services
    try:
        page = services.queue.list(
            state=None if state == "all" else state,
            tenant_id=principal.tenant_id,
            limit=PAGE_SIZE,
            cursor=cursor or None,
        )
    except InputError as exc:
        raise PageError(400, str(exc)) from None
    return render(
        request,
        "jobs.html",
        title="Jobs",
        state=state,
        states=["all", *(s.value for s in JobState)],
        jobs=page.items,
        next_url=f"/ops/jobs?{urlencode({'state': state, 'cursor': page.next_cursor})}" if page.next_cursor else None,
        notice=request.query_params.get("done"),
    )


@router.post("/ops/jobs/{job_id}/retry")
def retry_dead_job(request: Request, job_id: int, csrf: Annotated[str, Form(max_length=256)] = "") -> Response:
    principal = signed_in(request, Scope.ADMIN)
    check_csrf(request, csrf)
    act(lambda: retry_job(request, job_id, principal, dashboard_of(request).services))
    return redirect(request, f"/ops/jobs?{urlencode({'state': 'dead', 'done': f'Job {job_id} is queued again.'})}")


@router.get("/ops/deliveries")
def deliveries_page(
    request: Request, source: Annotated[str, Query(max_length=16)] = "", cursor: Cursor = ""
) -> Response:
    principal = signed_in(request, Scope.ADMIN)
    if source not in ("", "github", "spacelift", "api"):
        raise PageError(400, f"Unknown source {source!r}.")
    services = dashboard_of(request).services
    try:
        page = services.intake.list(
            tenant_id=principal.tenant_id, source=source or None, limit=PAGE_SIZE, cursor=cursor or None
        )
    except InputError as exc:
        raise PageError(400, str(exc)) from None
    jobs = {d.job_id: services.queue.get(d.job_id) for d in page.items if d.job_id is not None}
    query = {"source": source} if source else {}
    return render(
        request,
        "deliveries.html",
        title="Deliveries",
        source=source,
        rows=[(d, jobs.get(d.job_id) if d.job_id is not None else None) for d in page.items],
        can_redeliver=services.redelivery is not None,
        next_url=f"/ops/deliveries?{urlencode({**query, 'cursor': page.next_cursor})}" if page.next_cursor else None,
        notice=request.query_params.get("done"),
    )


@router.post("/ops/deliveries/{delivery_id}/requeue")
def requeue(request: Request, delivery_id: int, csrf: Annotated[str, Form(max_length=256)] = "") -> Response:
    principal = signed_in(request, Scope.ADMIN)
    check_csrf(request, csrf)
    act(lambda: requeue_delivery(request, delivery_id, principal, dashboard_of(request).services))
    done = f"Delivery {delivery_id}'s job is queued again."
    return redirect(request, f"/ops/deliveries?{urlencode({'done': done})}")


@router.post("/ops/deliveries/{delivery_id}/redeliver")
def redeliver(request: Request, delivery_id: int, csrf: Annotated[str, Form(max_length=256)] = "") -> Response:
    """Ask GitHub to send a GitHub delivery again (the App's redeliver API, as the delivery reconciler does):
    it comes back through the webhook route, signed and deduplicated."""
    principal = signed_in(request, Scope.ADMIN)
    check_csrf(request, csrf)
    services = dashboard_of(request).services
    delivery = _delivery(services, delivery_id, principal.tenant_id)
    if delivery.source != "github":
        raise PageError(409, f"Delivery {delivery_id} came from {delivery.source}: only GitHub redelivers.")
    reconciler = services.redelivery
    if reconciler is None:
        raise PageError(409, "Redelivery needs a GitHub App (its redeliver API); requeue the delivery instead.")
    found = False

    def ask() -> None:
        nonlocal found
        found = reconciler.redeliver_guid(delivery.key)

    act(ask)
    if not found:
        raise PageError(404, f"GitHub no longer lists delivery {delivery.key} (it keeps them 3 days).")
    services.metrics.count("tfreview_admin_actions_total", action="delivery_redeliver")
    detail = {"tenant": delivery.tenant_id, "key": delivery.key}
    record_action(
        request, "delivery.redeliver", actor=principal.subject, target=f"delivery:{delivery_id}", detail=detail
    )
    done = f"GitHub was asked to send delivery {delivery_id} again."
    return redirect(request, f"/ops/deliveries?{urlencode({'done': done})}")


def _delivery(services: Services, delivery_id: int, tenant_id: str | None) -> Delivery:
    cursor: str | None = None
    for _ in range(50):
        page = services.intake.list(tenant_id=tenant_id, limit=200, cursor=cursor)
        for delivery in page.items:
            if delivery.id == delivery_id:
                return delivery
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    raise PageError(404, f"Delivery {delivery_id} not found.")


def act(action: Any) -> None:
    """Run an admin action of the API; its refusals (404, 409) become error pages."""
    from tfreview.web.problems import problem_for

    try:
        action()
    except TfreviewError as exc:
        found = problem_for(exc, "", "-")
        raise PageError(found.status, str(found.body.get("detail") or found.body.get("title"))) from None


def _oldest_queued(page: Any) -> str | None:
    jobs: list[Job] = list(page.items)
    if not jobs:
        return None
    oldest = min(job.created_at if job.created_at.tzinfo else job.created_at.replace(tzinfo=UTC) for job in jobs)
    seconds = max(0, int((datetime.now(UTC) - oldest).total_seconds()))
    return f"{seconds // 3600}h {seconds % 3600 // 60}m {seconds % 60}s"
