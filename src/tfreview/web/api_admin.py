"""Admin routes: deliveries (list, requeue), jobs (list, one, retry dead ones) and revoking every token of a
tenant (a compromise response). Scope `admin` (else 403).

A tenant admin sees only their tenant; an operator (admin without a tenant) sees every tenant.
Another tenant's delivery or job is 404, like a missing one.
"""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from tfreview.core.errors import NotFound
from tfreview.ports.jobs import JobState
from tfreview.ports.records import Delivery
from tfreview.service.container import Services
from tfreview.web.context import Admin, ServicesDep
from tfreview.web.models import DeliveryOut, DeliveryPage, JobOut, JobPage, ProblemOut, RevokeAll, RevokedTokens
from tfreview.web.problems import Conflict
from tfreview.web.request_audit import record_action

router = APIRouter(prefix="/api/v1", tags=["admin"])
_log = logging.getLogger("tfreview.web.admin")
_ERRORS: dict[int | str, dict[str, object]] = {s: {"model": ProblemOut} for s in (401, 403, 404, 422, 503)}
_CONFLICT: dict[int | str, dict[str, object]] = {409: {"model": ProblemOut, "description": "nothing to requeue"}}
ObjectId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Limit = Annotated[int, Query(ge=1, description="page size (clamped to api.page_size_max)")]
Cursor = Annotated[str | None, Query(max_length=512)]
_SCAN_PAGES = 1000  # bound on the delivery look-up by id (the Intake port has no get-by-id yet)


@router.get("/deliveries", response_model=DeliveryPage, responses=_ERRORS, summary="List stored deliveries")
def list_deliveries(
    principal: Admin,
    services: ServicesDep,
    source: Annotated[Literal["github", "spacelift", "api"] | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> DeliveryPage:
    page = services.intake.list(
        tenant_id=principal.tenant_id,
        source=source,
        limit=min(limit, services.settings.api.page_size_max),
        cursor=cursor,
    )
    return DeliveryPage(items=[DeliveryOut.of(d) for d in page.items], next_cursor=page.next_cursor)


@router.post(
    "/deliveries/{delivery_id}/requeue",
    response_model=JobOut,
    status_code=202,
    responses={**_ERRORS, **_CONFLICT},
    summary="Queue a delivery's dead job again",
)
def requeue_delivery(request: Request, delivery_id: ObjectId, principal: Admin, services: ServicesDep) -> JobOut:
    delivery = _find_delivery(services, delivery_id, principal.tenant_id)
    if delivery.job_id is None:
        raise Conflict(f"delivery {delivery_id} ({delivery.status}) created no job; there is nothing to requeue")
    job = services.queue.get(delivery.job_id)
    if job is None:
        raise NotFound(f"delivery {delivery_id} not found")
    if job.state is not JobState.DEAD:
        raise Conflict(f"delivery {delivery_id}'s job {job.id} is {job.state.value}; only a dead job is requeued")
    retried = services.queue.retry(job.id, principal.tenant_id)
    if retried is None:
        raise NotFound(f"delivery {delivery_id} not found")
    services.metrics.count("tfreview_admin_actions_total", action="delivery_requeue")
    first_queued = job.created_at.isoformat()  # the retry resets it (ADR 0536)
    detail = {"tenant": job.tenant_id, "job_id": job.id, "first_queued_at": first_queued}
    record_action(request, "delivery.requeue", actor=principal.subject, target=f"delivery:{delivery_id}", detail=detail)
    return JobOut.of(retried)


@router.post(
    "/admin/tokens/revoke-all",
    response_model=RevokedTokens,
    responses=_ERRORS,
    summary="Revoke every token of a tenant (of one scope): a compromise response",
)
def revoke_all_tokens(request: Request, body: RevokeAll, principal: Admin, services: ServicesDep) -> RevokedTokens:
    if principal.tenant_id is not None and body.tenant != principal.tenant_id:
        raise NotFound(f"tenant {body.tenant} not found")  # another tenant's, like a missing one
    revoked = services.tokens.revoke_all(body.tenant, body.scope)
    services.metrics.count("tfreview_admin_actions_total", action="tokens_revoke_all")
    detail = {"tenant": body.tenant, "scope": body.scope or "all", "revoked": list(revoked)}
    record_action(request, "token.revoke_all", actor=principal.subject, target=f"tenant:{body.tenant}", detail=detail)
    _log.warning("%s revoked %d tokens of %s (scope %s)", principal.subject, len(revoked), body.tenant, body.scope)
    return RevokedTokens(tenant=body.tenant, scope=body.scope, revoked=revoked)


@router.get("/jobs", response_model=JobPage, responses=_ERRORS, summary="List jobs (e.g. state=dead)")
def list_jobs(
    principal: Admin,
    services: ServicesDep,
    state: Annotated[JobState | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> JobPage:
    page = services.queue.list(
        state=state.value if state is not None else None,
        tenant_id=principal.tenant_id,
        limit=min(limit, services.settings.api.page_size_max),
        cursor=cursor,
    )
    return JobPage(items=[JobOut.of(j) for j in page.items], next_cursor=page.next_cursor)


@router.get("/jobs/{job_id}", response_model=JobOut, responses=_ERRORS, summary="One job: its state and last error")
def get_job(job_id: ObjectId, principal: Admin, services: ServicesDep) -> JobOut:
    job = services.queue.get(job_id)
    if job is None or (principal.tenant_id is not None and job.tenant_id != principal.tenant_id):
        raise NotFound(f"job {job_id} not found")
    return JobOut.of(job)


@router.post(
    "/jobs/{job_id}/retry",
    response_model=JobOut,
    status_code=202,
    responses={**_ERRORS, **_CONFLICT},
    summary="Queue a dead job again",
)
def retry_job(request: Request, job_id: ObjectId, principal: Admin, services: ServicesDep) -> JobOut:
    job = services.queue.get(job_id)
    if job is None or (principal.tenant_id is not None and job.tenant_id != principal.tenant_id):
        raise NotFound(f"job {job_id} not found")
    if job.state is not JobState.DEAD:
        raise Conflict(f"job {job_id} is {job.state.value}; only a dead job is retried")
    retried = services.queue.retry(job_id, principal.tenant_id)
    if retried is None:
        raise NotFound(f"job {job_id} not found")
    services.metrics.count("tfreview_admin_actions_total", action="job_retry")
    detail = {"tenant": job.tenant_id, "first_queued_at": job.created_at.isoformat()}  # a new start (ADR 0536)
    record_action(request, "job.requeue", actor=principal.subject, target=f"job:{job_id}", detail=detail)
    return JobOut.of(retried)


def _find_delivery(services: Services, delivery_id: int, tenant_id: str | None) -> Delivery:
    cursor: str | None = None
    for _ in range(_SCAN_PAGES):
        page = services.intake.list(tenant_id=tenant_id, limit=200, cursor=cursor)
        for delivery in page.items:
            if delivery.id == delivery_id:
                return delivery
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    raise NotFound(f"delivery {delivery_id} not found")
