"""Intake: a verified delivery (webhook, upload, reconciler find) becomes a stored delivery, its job and its review.

`accept_delivery` is the whole write of one delivery: ONE `Intake.accept` — the tenant (created or renamed;
no write once the adapter knows it stored as it is), a Spacelift run state, the delivery row, raw payload,
job row and review row in one transaction (the adapter's promise; on SQL, grouped with the other deliveries
queued at that moment and answered after the COMMIT); the answer names the review of the job, new or joined,
without another read. A failure anywhere leaves none of them behind (ADR 0235).
Run directly by the reconcilers and uploads (the ports are synchronous); the webhook routes, on the event
loop, await `accept_delivery_async`, which hands the write over without a thread hop (`accept_async`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tfreview.plumbing.ids import uuid4_text
from tfreview.ports.job_types import ReviewJob, SpaceliftRunJob
from tfreview.ports.jobs import NewJob
from tfreview.ports.records import Delivery, RunStateVersion, SourceInfo, Tenant
from tfreview.service.container import Services


@dataclass(frozen=True, slots=True)
class Accepted:
    delivery: Delivery
    created: bool  # False: a duplicate; nothing was written
    review_id: str | None
    joined: bool = False  # the job existed already (same PR head, same run): the delivery joined its review


@dataclass(frozen=True, slots=True)
class _Planned:
    delivery: Delivery
    job: NewJob | None
    review: tuple[str, SourceInfo] | None


def _plan(
    services: Services,
    source: str,
    key: str,
    event: str,
    tenant: Tenant,
    body: bytes,
    received_at: datetime,
    job: ReviewJob | SpaceliftRunJob | None,
    review_source: SourceInfo | None,
) -> _Planned:
    reviewed = job is not None and review_source is not None
    # payload_sha256: every Intake adapter hashes the payload it stores and returns that digest (ports.service);
    # hashing the ~28 KB body here too cost the event loop ~10 % of a webhook delivery
    delivery = Delivery(
        source=source,
        key=key,
        event=event,
        tenant_id=tenant.id,
        payload_sha256="",
        received_at=received_at,
        status="accepted" if job is not None else "ignored",
    )
    if not reviewed or job is None or review_source is None:
        return _Planned(delivery, None, None)
    review_id = uuid4_text()
    new_job = job.with_review(review_id).encode(max_attempts=services.settings.worker.max_attempts)
    return _Planned(delivery, new_job, (review_id, review_source))


def _answer(services: Services, planned: _Planned, stored: Delivery, created: bool) -> Accepted:
    if planned.job is None:
        _count(services, stored.source, "ignored" if created else "duplicate")
        return Accepted(stored, created, None)
    _count(services, stored.source, "accepted" if created else "duplicate")
    # the job may have existed already (same PR head, same run): the delivery then joins that job's review
    if not created or planned.review is None:
        return Accepted(stored, created, None)
    return Accepted(stored, created, stored.review_id, joined=stored.review_id != planned.review[0])


def accept_delivery(
    services: Services,
    *,
    source: str,
    key: str,
    event: str,
    tenant: Tenant,
    body: bytes,
    received_at: datetime,
    job: ReviewJob | SpaceliftRunJob | None = None,
    review_source: SourceInfo | None = None,
    run_state: RunStateVersion | None = None,
) -> Accepted:
    """Store one delivery and its tenant; with `job` (and the `review_source` of its review) also its job and
    queued review; with `run_state` the Spacelift run's state — one transaction."""
    planned = _plan(services, source, key, event, tenant, body, received_at, job, review_source)
    stored, created = services.intake.accept(
        planned.delivery, body, planned.job, review=planned.review, tenant=tenant, run_state=run_state
    )
    return _answer(services, planned, stored, created)


async def accept_delivery_async(
    services: Services,
    *,
    source: str,
    key: str,
    event: str,
    tenant: Tenant,
    body: bytes,
    received_at: datetime,
    job: ReviewJob | SpaceliftRunJob | None = None,
    review_source: SourceInfo | None = None,
    run_state: RunStateVersion | None = None,
) -> Accepted:
    """`accept_delivery` for the event loop: the same rows and answer, awaited instead of blocked on."""
    planned = _plan(services, source, key, event, tenant, body, received_at, job, review_source)
    stored, created = await services.intake.accept_async(
        planned.delivery, body, planned.job, review=planned.review, tenant=tenant, run_state=run_state
    )
    return _answer(services, planned, stored, created)


def _count(services: Services, source: str, outcome: str) -> None:
    services.metrics.count("tfreview_intake_deliveries_total", source=source, outcome=outcome)
