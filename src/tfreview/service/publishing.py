"""The publish job: hand a finished stored review to the Publisher (idempotent per review and content).

Across processes (issue 9.11) a publish holds the lease of its target — the pull request, or the Spacelift
run — for the whole publish, so the publisher's "read the head, find our comment, then write" cannot
interleave with another worker's. A publish that would have to wait (another process holds the lease, or
GitHub's rate limit refused or would delay a write) is never resent as it was: the job waits
(`DependencyPending`, uncounted) and, after the wait, publishes from the top — head re-read, comment
searched again — so a late, older review never overwrites a newer one and no second comment appears.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable

from tfreview.core.errors import DependencyPending, InputError
from tfreview.integrations.github.errors import RateLimited
from tfreview.ports.job_types import PublishJob
from tfreview.ports.records import ReviewStatus, StoredReview
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
    key = publish_target(stored)
    locks = services.publish_locks
    if key is None or locks is None:
        _publish(services, stored)
        return
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    if not locks.acquire(key, holder, services.settings.worker.lease_seconds):
        raise DependencyPending(f"another worker is publishing to {key}", retry_after_seconds=LOCK_RETRY_SECONDS)
    try:
        fence()  # the lease may have been lost while waiting for the lock
        _publish(services, stored)
    finally:
        locks.release(key, holder)


LOCK_RETRY_SECONDS = 2.0


def publish_target(review: StoredReview) -> str | None:
    """The lease key of what a review publishes to: its pull request, or its Spacelift run; None for neither."""
    source = review.source
    if source.repository and source.pull_request is not None:
        return f"{review.tenant_id}:{source.repository.lower()}#{source.pull_request}"
    if source.stack_id and source.run_id:
        return f"{review.tenant_id}:spacelift:{source.stack_id}/{source.run_id}"
    return None


def _publish(services: Services, stored: StoredReview) -> None:
    try:
        services.publisher.publish(stored)
    except RateLimited as exc:  # a write was refused or would wait: start over after the wait, never resend
        wait = max(1.0, exc.wait_seconds)
        raise DependencyPending(f"{exc}; the publish starts over in {wait:.0f} s", retry_after_seconds=wait) from exc
    except Exception:
        target = stored.source.kind if stored.source.kind in ("github", "spacelift") else "log"
        services.metrics.count("tfreview_publish_failures_total", target=target)
        raise
