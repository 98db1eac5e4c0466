"""The publish job: hand a finished stored review to the Publisher (idempotent per review and content).

Across processes (issue 9.11) a publish holds the lease of its target — the pull request, or the Spacelift
run — for the whole publish, so the publisher's "read the head, find our comment, then write" cannot
interleave with another worker's. A publish that would have to wait (another process holds the lease, or
GitHub's rate limit refused or would delay a write) is never resent as it was: the job waits
(`DependencyPending`, uncounted; for a rate limit `UpstreamRateLimited`, bounded in total by ADR 0515) and,
after the wait, publishes from the top — head re-read, comment searched again — so a late, older review never
overwrites a newer one and no second comment appears.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable

from tfreview.core.errors import DependencyPending, InputError, UpstreamRateLimited
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
    if job.failure_notice:
        _publish_failure(services, job, stored, fence)
        return
    if stored.status not in FINISHED:
        raise InputError(f"review {job.review_id} is {stored.status.value}; only a finished review is published")
    if job.content_hash and stored.content_hash and job.content_hash != stored.content_hash:
        logger.info("review %s has newer content than this publish job; its own publish job shows it", job.review_id)
        return
    fence()
    _under_lease(services, stored, fence, lambda: _publish(services, stored))


def _publish_failure(services: Services, job: PublishJob, stored: StoredReview, fence: Callable[[], None]) -> None:
    """The failure notice of a dead-lettered job (ADR 0380): shown only while the review is still FAILED — a
    retry that finished it publishes the review itself, over the notice (the same comment, a newer check run)."""
    if stored.status in (ReviewStatus.QUEUED, ReviewStatus.IN_PROGRESS):  # the deadline's notice, written first
        raise DependencyPending(f"review {stored.id} is not failed yet", retry_after_seconds=NOTICE_RETRY_SECONDS)
    if stored.status is not ReviewStatus.FAILED:
        logger.info("review %s is %s: its failure notice is not published", stored.id, stored.status.value)
        return
    if publish_target(stored) is None:
        return  # nowhere to show it (an uploaded plan): the API, the dashboard and the alert say it
    fence()
    _under_lease(services, stored, fence, lambda: _publish(services, stored, failure=True))
    logger.info("review %s: failure notice published (job %s)", stored.id, job.failed_job)


def _under_lease(
    services: Services, stored: StoredReview, fence: Callable[[], None], write: Callable[[], None]
) -> None:
    keys = sorted(publish_targets(stored))  # one order everywhere: two publishes never hold one each
    locks = services.publish_locks
    if not keys or locks is None:
        write()
        return
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    held: list[str] = []
    try:
        for key in keys:
            if not locks.acquire(key, holder, services.settings.worker.lease_seconds):
                raise DependencyPending(
                    f"another worker is publishing to {key}", retry_after_seconds=LOCK_RETRY_SECONDS
                )
            held.append(key)
        fence()  # the lease may have been lost while waiting for the lock
        write()
    finally:
        for key in reversed(held):
            locks.release(key, holder)


LOCK_RETRY_SECONDS = 2.0
NOTICE_RETRY_SECONDS = 5.0


def publish_target(review: StoredReview) -> str | None:
    """The lease key of what a review publishes to: its pull request, or its Spacelift run; None for neither."""
    targets = publish_targets(review)
    return targets[0] if targets else None


def publish_targets(review: StoredReview) -> tuple[str, ...]:
    """The lease keys of everything a review may write to: its pull request and its Spacelift run. A review naming
    both (an upload) holds both: under the pull request's alone it commented on — and approved — the run while the
    run's own review did the same on another worker (review16c)."""
    source = review.source
    keys: list[str] = []
    if source.repository and source.pull_request is not None:
        keys.append(f"{review.tenant_id}:{source.repository.lower()}#{source.pull_request}")
    if source.stack_id and source.run_id:
        keys.append(f"{review.tenant_id}:spacelift:{source.stack_id}/{source.run_id}")
    return tuple(keys)


def _publish(services: Services, stored: StoredReview, *, failure: bool = False) -> None:
    try:
        if failure:
            services.publisher.publish_failure(stored)
        else:
            services.publisher.publish(stored)
    except RateLimited as exc:  # a write was refused or would wait: start over after the wait, never resend
        wait = max(1.0, exc.wait_seconds)
        message = f"{exc}; the publish starts over in {wait:.0f} s"
        raise UpstreamRateLimited(message, retry_after_seconds=wait, upstream=exc.upstream) from exc
    except UpstreamRateLimited:  # Spacelift's 429: a wait, not a publish failure
        raise
    except Exception:
        target = stored.source.kind if stored.source.kind in ("github", "spacelift") else "log"
        services.metrics.count("tfreview_publish_failures_total", target=target)
        raise
