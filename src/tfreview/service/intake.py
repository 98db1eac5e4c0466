"""Intake: a verified delivery (webhook, upload, reconciler find) becomes a stored delivery, its job and its review.

`accept_delivery` is the whole write of one delivery: the tenant (`Tenants.ensure`, cached: no write once
known), then ONE `Intake.accept` — delivery row, raw payload, job row and review row in one transaction
(the adapter's promise); the answer names the review of the job, new or joined, without another read.
Run from a worker thread by the web routes (the ports are synchronous), directly by the reconcilers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from tfreview.plumbing.hashing import sha256_hex
from tfreview.ports.job_types import ReviewJob, SpaceliftRunJob
from tfreview.ports.records import Delivery, SourceInfo, Tenant
from tfreview.service.container import Services


@dataclass(frozen=True, slots=True)
class Accepted:
    delivery: Delivery
    created: bool  # False: a duplicate; nothing was written
    review_id: str | None
    joined: bool = False  # the job existed already (same PR head, same run): the delivery joined its review


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
) -> Accepted:
    """Store one delivery; with `job` (and the `review_source` of its review) also its job and queued review."""
    delivery = Delivery(
        source=source,
        key=key,
        event=event,
        tenant_id=tenant.id,
        payload_sha256=sha256_hex(body),
        received_at=received_at,
        status="accepted" if job is not None else "ignored",
    )
    services.tenants.ensure(tenant)
    if job is None or review_source is None:
        stored, created = services.intake.accept(delivery, body, None)
        _count(services, source, "ignored" if created else "duplicate")
        return Accepted(stored, created, None)
    review_id = str(uuid.uuid4())
    new_job = job.with_review(review_id).encode(max_attempts=services.settings.worker.max_attempts)
    stored, created = services.intake.accept(delivery, body, new_job, review=(review_id, review_source))
    _count(services, source, "accepted" if created else "duplicate")
    # the job may have existed already (same PR head, same run): the delivery then joins that job's review
    if not created:
        return Accepted(stored, created, None)
    return Accepted(stored, created, stored.review_id, joined=stored.review_id != review_id)


def _count(services: Services, source: str, outcome: str) -> None:
    services.metrics.count("tfreview_intake_deliveries_total", source=source, outcome=outcome)
