"""The spacelift_run job: a run's review takes the result of the plan its after_plan hook uploaded.

Spacelift's API has no raw plan: the run is reviewed from the plan `tfreview submit` uploaded, once —
this run's review takes that upload's result (published by the upload's own job), waits for it while it
is being reviewed, or fails saying why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from tfreview.core.errors import DependencyPending, InputError, UpstreamError
from tfreview.ports.job_types import SpaceliftRunJob
from tfreview.ports.jobs import AttemptFence
from tfreview.ports.records import ReviewStatus, StoredReview
from tfreview.service.container import Services
from tfreview.service.publishing import FINISHED

logger = logging.getLogger("tfreview.worker")

_MAX_PAGES = 20  # bounded: a stack has few reviews per run


def review_run(
    services: Services, job: SpaceliftRunJob, fence: Callable[[], None], *, attempt: AttemptFence | None = None
) -> None:
    stack_id, run_id, review_id = job.run.stack_id, job.run.run_id, job.review_id or None
    upload = next(
        (r for r in _reviews_of_run(services, job.tenant_id, stack_id, run_id) if r.plan_id and r.id != review_id),
        None,
    )
    if review_id is None:
        logger.info("spacelift run %s/%s: %s", stack_id, run_id, "uploaded" if upload else "no plan uploaded")
        return
    services.reviews.set_status(review_id, ReviewStatus.IN_PROGRESS, attempt=attempt)
    if upload is None:
        raise UpstreamError(
            f"no plan was uploaded for Spacelift run {stack_id}/{run_id} (yet); "
            "the stack's after_plan hook must run `tfreview submit --spacelift-env`"
        )
    if upload.status is ReviewStatus.FAILED:
        raise InputError(f"the review of this run's uploaded plan ({upload.id}) failed: {upload.status_reason}")
    if upload.status not in FINISHED or upload.report is None:
        # waiting for a dependency is not a failure (issue 9.8): not counted, however long the upload's review takes
        raise DependencyPending(f"this run's uploaded plan is still being reviewed (review {upload.id})")
    fence()
    counts = dict(upload.counts)
    services.reviews.save_result(review_id, upload.status, upload.report, upload.verdict or "", counts, attempt=attempt)
    logger.info(
        "spacelift run %s/%s: review %s takes the result of upload review %s", stack_id, run_id, review_id, upload.id
    )


def _reviews_of_run(services: Services, tenant_id: str, stack_id: str, run_id: str) -> list[StoredReview]:
    found: list[StoredReview] = []
    cursor: str | None = None
    for _ in range(_MAX_PAGES):
        page = services.reviews.list(tenant_id, filters={"stack_id": stack_id}, limit=100, cursor=cursor)
        found.extend(r for r in page.items if r.source.run_id == run_id)
        cursor = page.next_cursor
        if cursor is None:
            break
    return found
