"""The SQS-triggered worker: each record of a batch is one job's message; partial batch failure reporting.

A record whose job ran (succeeded, dead-lettered, or over already) is left for Lambda to delete; a record whose
job must run later (backoff, waiting on a dependency, not yet due, held by a live lease elsewhere) or that hit
an error is reported in `batchItemFailures`: the queue has hidden it until the job is due, and SQS hands it out
again then (the event source mapping must enable ReportBatchItemFailures; deploy/aws does).

The invocation's remaining time bounds each job (docs/adr/0525): a job runs at most until SETTLE_SECONDS before
Lambda would kill the function, then it is abandoned and failed like any attempt past its timeout (retried
with backoff, its message kept); a record reached with less than SETTLE_SECONDS left is not claimed at all and
is handed back to the queue at once. Without the bound, a job started late in a batch was killed mid-run: the
attempt burned, the job held until its lease ran out, and the whole batch's answer lost (every record redelivered).
A job after one that ran, cut short by what the batch left of the time, did not fail: it waits (uncounted, ADR
0531) for an invocation of its own; the first job of a batch had the invocation's whole time, and its timeout counts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from tfreview.ports.jobs import Job
from tfreview.service.container import Services
from tfreview.store.aws.messages import job_id_of
from tfreview.worker.errors import reason_of
from tfreview.worker.runner import Worker

logger = logging.getLogger("tfreview.lambda")
KEEP_RESULTS = frozenset({"retrying", "waiting"})
CUT_SHORT = "the records before it in the batch used the invocation's time; it runs again in an invocation of its own"
SETTLE_SECONDS = 10.0  # kept back from the job: failing it and answering the batch (a few DynamoDB/SQS calls)


class DeliveredQueue(Protocol):
    def claim_delivered(self, job_id: int | None, receipt: str, worker_id: str) -> tuple[Job | None, bool]: ...

    def release_delivered(self, receipt: str) -> bool: ...


def handle_batch(
    services: Services, event: dict[str, Any], worker_id: str, remaining: Callable[[], float] | None = None
) -> dict[str, Any]:
    """Process an SQS batch; {"batchItemFailures": [{"itemIdentifier": <messageId>}, ...]}. `remaining`: the
    seconds left to this invocation (the Lambda context's), None: no bound but the review deadline."""
    queue: DeliveredQueue | None = getattr(services.queue, "claim_delivered", None) and services.queue  # type: ignore[assignment]
    records = event.get("Records")
    if queue is None or not isinstance(records, list):
        raise ValueError("the worker function takes SQS batches on the SQS job queue (dynamodb:// and sqs:// URLs)")
    worker = Worker(services, worker_id)
    deadline = services.settings.worker.review_deadline_seconds
    failures: list[dict[str, str]] = []
    ran = False  # a record before this one ran a job: what is left of the invocation is not a job's whole time
    for record in records:
        message_id = str(record.get("messageId", ""))
        budget = deadline if remaining is None else min(deadline, remaining() - SETTLE_SECONDS)
        if budget <= 0:  # no time to run a job: not claimed (no attempt spent), back in the queue now
            queue.release_delivered(str(record.get("receiptHandle", "")))
            failures.append({"itemIdentifier": message_id})
            continue
        worker.job_timeout_seconds = budget
        worker.cut_short_reason = CUT_SHORT if ran and budget < deadline else None  # ADR 0531: not its failure
        try:
            job, keep = queue.claim_delivered(
                job_id_of(str(record.get("body", ""))), str(record["receiptHandle"]), worker_id
            )
            if job is not None:
                ran = True
                keep = worker.process(job).result in KEEP_RESULTS
        except Exception as exc:  # the store is down: this record comes back after its visibility timeout
            logger.warning("worker: record %s not processed: %s", message_id, reason_of(exc))
            keep = True
        if keep:
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}
