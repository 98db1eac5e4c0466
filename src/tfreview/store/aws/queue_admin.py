"""The dead-letter queue mapped onto the port's dead-letter semantics.

SQS moves a message to the DLQ after MAX_RECEIVE_COUNT receives without a delete. The port's "dead" is the
job item's state (listed, retried by an operator); the DLQ is SQS's safety net. `reap()` drains it: a message
of a job that is over (succeeded, dead, gone) is dropped; a message of a job still queued or running goes back
to the job queue (it was received and released many times — skipped kinds, not yet due — not failed).
"""

from __future__ import annotations

from tfreview.ports.jobs import JobState
from tfreview.store.aws.queue_items import JobItems

DRAIN_BATCHES = 10


def drain_dead_letters(queue: JobItems) -> int:
    """Move back or drop what the DLQ holds (at most DRAIN_BATCHES receives); returns how many went back."""
    back = 0
    for _ in range(DRAIN_BATCHES):
        received = queue.messages.receive(30, dead=True)
        if not received:
            break
        for message in received:
            job = queue.get(message.job_id)
            if job is not None and job.state in (JobState.QUEUED, JobState.RUNNING):
                queue.messages.send(job.id)
                back += 1
            queue.messages.delete(message.receipt, dead=True)
    return back
