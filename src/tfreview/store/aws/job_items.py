"""Jobs as DynamoDB items: the codec, the index attributes of each state, and the job-key (dedupe) item.

The item is the truth about a job (state, attempts, attempt token, lease, run_after); SQS only delivers the
job's id (tfreview.store.aws.queue). Every change of a running job is conditional on its attempt token.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tfreview.ports.jobs import Job, JobState, NewJob
from tfreview.store.aws.table import fixed_id, instant, parse_instant

JOB_SK = "JOB"


def job_pk(job_id: int) -> str:
    return f"JOB#{fixed_id(job_id)}"


def job_key_pk(idempotency_key: str) -> str:
    return f"JOBKEY#{idempotency_key}"


def state_indexes(job_id: int, tenant_id: str, state: JobState, run_after: datetime) -> dict[str, Any]:
    """The GSI attributes of a job in `state`: listed by tenant, by state and overall; due (g4) while queued."""
    due = state is JobState.QUEUED
    return {
        "state": state.value,
        "g2pk": f"JOB#S#{state.value}",
        "g2sk": fixed_id(job_id),
        "g4pk": "JOB#DUE" if due else None,
        "g4sk": f"{instant(run_after)}#{fixed_id(job_id)}" if due else None,
    }


def new_job_items(
    job_id: int, job: NewJob, run_after: datetime, now: datetime, *, key_expires_at: int
) -> list[dict[str, Any]]:
    """The job item and its key item (written together, the key conditionally: one job per key). The key item
    carries the TTL (`key_expires_at`: the retention); the job item gets one only once it is over."""
    item = {
        "pk": job_pk(job_id),
        "sk": JOB_SK,
        "id": job_id,
        "kind": job.kind,
        "tenant_id": job.tenant_id,
        "idempotency_key": job.idempotency_key,
        "payload": json.dumps(job.payload, sort_keys=True),
        "attempts": 0,
        "max_attempts": job.max_attempts,
        "run_after": instant(run_after),
        "created_at": instant(now),
        "g1pk": f"JOB#T#{job.tenant_id}",
        "g1sk": fixed_id(job_id),
        "g3pk": "JOB",
        "g3sk": fixed_id(job_id),
        **state_indexes(job_id, job.tenant_id, JobState.QUEUED, run_after),
    }
    key = {"pk": job_key_pk(job.idempotency_key), "sk": "JOBKEY", "job_id": job_id, "expires_at": key_expires_at}
    return [key, item]


def job_of(item: dict[str, Any]) -> Job:
    run_after = parse_instant(item["run_after"])
    created = parse_instant(item["created_at"])
    assert run_after is not None
    assert created is not None
    return Job(
        id=int(item["id"]),
        kind=str(item["kind"]),
        tenant_id=str(item["tenant_id"]),
        idempotency_key=str(item["idempotency_key"]),
        payload=dict(json.loads(item["payload"])),
        state=JobState(item["state"]),
        attempts=int(item["attempts"]),
        max_attempts=int(item["max_attempts"]),
        run_after=run_after,
        attempt_token=item.get("attempt_token"),
        lease_expires_at=parse_instant(item.get("lease_expires_at")),
        last_error=item.get("last_error"),
        created_at=created,
    )
