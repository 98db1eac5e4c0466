"""The store calls behind the webhook routes, run in a worker thread (the ports are synchronous).

`accept` is the whole write of one delivery: ONE `intake.accept` (delivery row, raw payload, job
row and review row in one transaction — the adapter's promise). Callers ensure the tenant first
(idempotent: nothing is written when it exists).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tfreview.core.jobs import NewJob
from tfreview.core.records import Delivery, SourceInfo, Tenant
from tfreview.services import Services
from tfreview.settings import SecretVersion
from tfreview.web.signatures import expired_secret_matches


@dataclass(frozen=True, slots=True)
class Accepted:
    delivery: Delivery
    created: bool  # False: a duplicate; nothing was written
    review_id: str | None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def accept(
    services: Services,
    *,
    source: str,
    key: str,
    event: str,
    tenant: Tenant,
    body: bytes,
    received_at: datetime,
    job: tuple[str, dict[str, Any], SourceInfo] | None,  # (idempotency key, payload, review source)
    job_kind: str = "review",
) -> Accepted:
    delivery = Delivery(
        source=source,
        key=key,
        event=event,
        tenant_id=tenant.id,
        payload_sha256=sha256_hex(body),
        received_at=received_at,
        status="accepted" if job is not None else "ignored",
    )
    if job is None:
        stored, created = services.intake.accept(delivery, body, None)
        _count(services, source, "ignored" if created else "duplicate")
        return Accepted(stored, created, None)
    idempotency_key, payload, review_source = job
    review_id = str(uuid.uuid4())
    new_job = NewJob(
        kind=job_kind,
        tenant_id=tenant.id,
        idempotency_key=idempotency_key,
        payload={**payload, "review_id": review_id},
        max_attempts=services.settings.worker.max_attempts,
    )
    stored, created = services.intake.accept(delivery, body, new_job, review=(review_id, review_source))
    _count(services, source, "accepted" if created else "duplicate")
    if not created:
        return Accepted(stored, created, None)
    existing = services.queue.get(stored.job_id) if stored.job_id is not None else None
    if existing is not None and existing.payload.get("review_id") not in (None, review_id):
        # the job existed already (same PR head, same run): the delivery joins that job's review
        return Accepted(stored, created, str(existing.payload["review_id"]))
    return Accepted(stored, created, review_id)


def _count(services: Services, source: str, outcome: str) -> None:
    services.metrics.count("tfreview_intake_deliveries_total", source=source, outcome=outcome)


def signed_delivery(services: Services, source: str, now: datetime) -> None:
    """A delivery's signature verified: the source is alive (the silence alerts read this timestamp)."""
    services.metrics.set("tfreview_webhook_last_delivery_timestamp_seconds", now.timestamp(), source=source)


def signature_refused(
    services: Services, source: str, header: str | None, body: bytes, versions: Sequence[SecretVersion], now: datetime
) -> None:
    """Count a refused signature, and separately one made with a secret version past its not_after."""
    services.metrics.count("tfreview_webhook_signature_failures_total", source=source)
    if expired_secret_matches(header, body, versions, now):
        services.metrics.count("tfreview_webhook_expired_secret_used_total", source=source)
