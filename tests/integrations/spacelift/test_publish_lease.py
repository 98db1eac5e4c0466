"""A review naming both a pull request and a Spacelift run (an upload with `repository`, `pull_request`, `stack_id`
and `run_id`) published under the pull request's lease only, while the run's own review (the webhook's) publishes
under the run's: two workers could read the run at once, find no comment of ours, and both comment and APPROVE it —
the second approval ADR 0567 exists to prevent. A publish now holds the lease of every target it writes to
(review16c)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.integrations.spacelift.conftest import stored_review
from tfreview.core.errors import DependencyPending
from tfreview.ports.job_types import PublishJob
from tfreview.ports.records import StoredReview
from tfreview.service.publishing import publish_targets, run_publish
from tfreview.wiring import build_memory_services

RUN_KEY = "spacelift:acme:spacelift:network-prod/01RUN"
PR_KEY = "spacelift:acme:octo/infra#7"


class OneReview:
    def __init__(self, review: StoredReview) -> None:
        self.review = review

    def get(self, review_id: str, tenant_id: str | None = None) -> StoredReview | None:
        return self.review if review_id == self.review.id else None


class Recording:
    def __init__(self) -> None:
        self.published: list[str] = []

    def publish(self, review: StoredReview) -> None:
        self.published.append(review.id)

    def publish_failure(self, review: StoredReview) -> None:
        self.published.append(f"failure of {review.id}")


def test_an_upload_naming_a_pull_request_and_a_run_waits_for_the_runs_lease() -> None:
    upload = stored_review(kind="api", repository="octo/infra", pull_request=7)
    assert set(publish_targets(upload)) == {PR_KEY, RUN_KEY}
    assert publish_targets(stored_review()) == (RUN_KEY,)  # the webhook's run review
    services = build_memory_services()
    locks = services.publish_locks
    assert locks is not None
    recording = Recording()
    services = replace(services, reviews=OneReview(upload), publisher=recording)  # type: ignore[arg-type]
    assert locks.acquire(RUN_KEY, "another-worker", 60)  # the run's own review is being published elsewhere
    with pytest.raises(DependencyPending, match="another worker is publishing"):
        run_publish(services, PublishJob(upload.tenant_id, upload.id), lambda: None)
    assert recording.published == []
    assert locks.acquire(PR_KEY, "a-third-worker", 60)  # the PR lease it took was given back: free for others
    locks.release(PR_KEY, "a-third-worker")
    locks.release(RUN_KEY, "another-worker")
    run_publish(services, PublishJob(upload.tenant_id, upload.id), lambda: None)
    assert recording.published == [upload.id]
    assert locks.acquire(RUN_KEY, "another-worker", 60)  # both released after the publish
    assert locks.acquire(PR_KEY, "a-third-worker", 60)
