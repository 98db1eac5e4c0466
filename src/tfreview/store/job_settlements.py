"""The ends of several attempts written with one statement of each kind (ADR 0396; `SqlJobQueue.settle`).

`settle_rows` reads the current rows of every settled job in ONE select (locked on PostgreSQL, under the writer
lock on SQLite: nothing can move them until the transaction ends), refuses each stale attempt before any write of
its own, then writes every completion in one executemany, every release in one, every review a failure moves in
one. A batch of 16 failing jobs costs four statements instead of 48; the rows written are the ones the
statement-per-job path wrote, in the same order within each statement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select

from tfreview.ports.job_types import review_after_failure
from tfreview.ports.jobs import Job, JobState, Settled, Settlement, StaleAttempt, job_error
from tfreview.store.job_statements import COMPLETE_MANY, JOBS, RELEASE_MANY, RUNNING, SETTLE_REVIEW_MANY, Prepared

CURRENT_ROWS = select(JOBS).where(JOBS.c.id.in_(bindparam("job_ids", expanding=True))).order_by(JOBS.c.id)
CURRENT_ROWS_LOCKED = CURRENT_ROWS.with_for_update()  # in id order: two settles never lock in opposite orders

# (the current row, now, permanent) -> its state, attempts, run_after and finished_at once released
DecideFailure = Callable[[Mapping[str, Any], datetime, bool], tuple[str, int, datetime, datetime | None]]
JobRecord = Callable[[Mapping[str, Any]], Job]


@dataclass
class SettledRows:
    """What `settle_rows` answered and wrote: one answer per settlement, in order, and the dead jobs to announce."""

    answers: list[Settled] = field(default_factory=list)
    dead: list[tuple[Job, bool]] = field(default_factory=list)  # (the dead-lettered job, announce its failure)


class SettleRaced(RuntimeError):
    """A row changed between its locked read and its write in one transaction: the store broke its own lock."""


def settle_rows(
    conn: Connection,
    settlements: Sequence[Settlement],
    now: datetime,
    decide: DecideFailure,
    record: JobRecord,
    *,
    lock_rows: bool,
) -> SettledRows:
    """Within an open write transaction: record `settlements` in order (see the module docstring)."""
    settled = SettledRows()
    if not settlements:
        return settled
    ids = sorted({one.job_id for one in settlements})
    found = conn.execute(CURRENT_ROWS_LOCKED if lock_rows else CURRENT_ROWS, {"job_ids": ids})
    current = {row.id: dict(row._mapping) for row in found}
    completions: list[dict[str, Any]] = []
    releases: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    scrubbed: dict[str, str] = {}  # a batch often fails for one reason: scrub it once
    for one in settlements:
        row = current.get(one.job_id)
        if row is None or row["state"] != RUNNING or row["attempt_token"] != one.attempt_token:
            settled.answers.append(StaleAttempt(one.job_id))
            continue
        fenced = {"job_id": one.job_id, "token": one.attempt_token, "now": now}
        released = {"attempt_token": None, "lease_owner": None, "lease_expires_at": None, "updated_at": now}
        if one.error is None:
            completions.append(fenced)
            row.update(released, state=JobState.SUCCEEDED.value, finished_at=now)  # a repeat of this attempt is stale
            settled.answers.append(None)
            continue
        error = scrubbed.get(one.error)
        if error is None:
            error = scrubbed[one.error] = job_error(one.error)
        state, attempts, run_after, finished_at = decide(row, now, one.permanent)
        releases.append(
            {
                **fenced,
                "error": error,
                "to_state": state,
                "to_attempts": attempts,
                "to_run_after": run_after,
                "to_finished_at": finished_at,
            }
        )
        row.update(released, state=state, attempts=attempts, run_after=run_after, finished_at=finished_at)
        row["last_error"] = error
        failed = record(row)
        outcome = review_after_failure(failed, error)
        if outcome is not None:  # the review it carries says so in the same transaction (never `in_progress`)
            status, reason = outcome.status.value, outcome.reason
            reviews.append({"review_id": outcome.review_id, "to_status": status, "reason": reason, "now": now})
        if failed.state is JobState.DEAD:
            settled.dead.append((failed, one.announce))
        settled.answers.append(failed)
    _write(conn, COMPLETE_MANY, completions)
    _write(conn, RELEASE_MANY, releases)
    if reviews:
        SETTLE_REVIEW_MANY.execute(conn, reviews)
    return settled


def _write(conn: Connection, statement: Prepared, values: list[dict[str, Any]]) -> None:
    """One executemany of a statement fenced by each attempt's token; every row must match (they were read
    locked in this transaction and checked)."""
    if not values:
        return
    if statement.execute(conn, values) != len(values):
        raise SettleRaced(f"settle: {len(values)} job rows read under lock, fewer matched their write")
