"""What each kind of job does: decode the typed job, call its use case (`tfreview.service`), fenced by the
attempt's lease (`check_lease` before a write, and `fence`, which the store checks in the write's own
transaction). Handlers raise; `worker.errors.classify` decides what a failure means.

review         service.reviewing.run_review: fetch → the CLI's own assess() → store → enqueue its publish
publish        service.publishing.run_publish: the stored review to the Publisher (idempotent per content)
spacelift_run  service.spacelift_runs.review_run: the run takes its after_plan upload's review, once
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tfreview.ports.job_types import JobKind, PublishJob, ReviewJob, SpaceliftRunJob
from tfreview.service.publishing import run_publish
from tfreview.service.reviewing import run_review
from tfreview.service.spacelift_runs import review_run
from tfreview.worker.attempt import Attempt

Handler = Callable[[Attempt], None]


def handle_review(attempt: Attempt) -> None:
    run_review(
        attempt.services,
        ReviewJob.decode(attempt.job),
        attempt.check_lease,
        attempt=attempt.fence,
        time_left=attempt.time_left,
        stopped=attempt.stopped,
    )


def handle_publish(attempt: Attempt) -> None:
    run_publish(attempt.services, PublishJob.decode(attempt.job), attempt.check_lease)


def handle_spacelift_run(attempt: Attempt) -> None:
    review_run(attempt.services, SpaceliftRunJob.decode(attempt.job), attempt.check_lease, attempt=attempt.fence)


HANDLERS: Mapping[str, Handler] = {
    JobKind.REVIEW.value: handle_review,
    JobKind.PUBLISH.value: handle_publish,
    JobKind.SPACELIFT_RUN.value: handle_spacelift_run,
}
