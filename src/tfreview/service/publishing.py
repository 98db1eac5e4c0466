"""The publish job: hand a finished stored review to the Publisher (idempotent per review and content)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from tfreview.core.errors import InputError
from tfreview.ports.job_types import PublishJob
from tfreview.ports.records import ReviewStatus
from tfreview.service.container import Services

logger = logging.getLogger("tfreview.worker")

FINISHED = (ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI)


def run_publish(services: Services, job: PublishJob, fence: Callable[[], None]) -> None:
    stored = services.reviews.get(job.review_id, job.tenant_id)
    if stored is None:
        raise InputError(f"review {job.review_id} does not exist; nothing to publish")
    if stored.status not in FINISHED:
        raise InputError(f"review {job.review_id} is {stored.status.value}; only a finished review is published")
    if job.content_hash and stored.content_hash and job.content_hash != stored.content_hash:
        logger.info("review %s has newer content than this publish job; its own publish job shows it", job.review_id)
        return
    fence()
    try:
        services.publisher.publish(stored)
    except Exception:
        target = stored.source.kind if stored.source.kind in ("github", "spacelift") else "log"
        services.metrics.count("tfreview_publish_failures_total", target=target)
        raise
