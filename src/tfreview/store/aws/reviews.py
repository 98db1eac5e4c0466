"""Stored reviews in DynamoDB: one item per review (the report inline or in chunks), listed newest first
through g1 (a tenant's) and g3 (every tenant's) with keyset paging on (created_at, id); g2 holds the open reviews
only (`REV#S#queued`, `REV#S#in_progress`: a sparse index, the key removed when the review finishes), what the queue
signals read on every request instead of the every-tenant index (ADR 0633)."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from tfreview.core.errors import NotFound
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.hashing import canonical_json, sha256_hex
from tfreview.ports.jobs import AttemptFence, JobState, StaleAttempt
from tfreview.ports.records import Page, ReviewStatus, SourceInfo, StoredReview
from tfreview.ports.result_rows import ResultRows
from tfreview.ports.review_codec import EncodedDocument, FindingKey
from tfreview.store.aws.job_items import JOB_SK, job_pk
from tfreview.store.aws.table import Table, instant, parse_instant
from tfreview.store.cursor import check_limit, decode_time_cursor, time_page
from tfreview.store.review_deadlines import overdue_by_listing
from tfreview.store.review_filters import parse_review_filters

REVIEW_SK = "REV"
OPEN_STATUSES = (ReviewStatus.QUEUED.value, ReviewStatus.IN_PROGRESS.value)


def open_key(status: ReviewStatus | str) -> str | None:
    """The review's g2 partition while it is open (queued, in progress); None (the key removed) once it is not."""
    value = status.value if isinstance(status, ReviewStatus) else status
    return f"REV#S#{value}" if value in OPEN_STATUSES else None


# the record that every review written before the open index has been put in it (ADR 0660): from then on the
# every-tenant listings of an open status, the reaper's sweeps among them, read the open index
OPEN_INDEX_DONE = ("META#open-reviews-index", "backfilled")
OpenIndex = bool | Literal["when-backfilled"]


def backfill_open_index(table: Table) -> bool:
    """Put each open review that lacks it (written before ADR 0633) in the open reviews' index, once: one walk of the
    every-tenant index, then the record that it is done (a later call reads that record only). True once done.
    Conditional on the status it read: a review that moved meanwhile got its key from that write."""
    if table.get(*OPEN_INDEX_DONE) is not None:
        return True
    for item in table.query("g3", "REV", page_size=200):
        status = item.get("status")
        if status not in OPEN_STATUSES or item.get("g2pk"):
            continue
        table.update(
            item["pk"],
            REVIEW_SK,
            set_={"g2pk": open_key(str(status)), "g2sk": item.get("g3sk") or f"{item['created_at']}#{item['id']}"},
            condition="#status = :status",
            values={":status": status},
        )
    table.put({"pk": OPEN_INDEX_DONE[0], "sk": OPEN_INDEX_DONE[1]})
    return True


def review_pk(review_id: str) -> str:
    return f"REV#{review_id}"


def new_review_item(
    review_id: str,
    tenant_id: str,
    source: SourceInfo,
    now: datetime,
    *,
    plan_id: str | None = None,
    deadline_at: datetime | None = None,
) -> dict[str, Any]:
    order = f"{instant(now)}#{review_id}"
    return {
        "pk": review_pk(review_id),
        "sk": REVIEW_SK,
        "id": review_id,
        "tenant_id": tenant_id,
        "source": json.dumps(dataclasses.asdict(source), sort_keys=True),
        "status": ReviewStatus.QUEUED.value,
        "plan_id": plan_id,
        "deadline_at": instant(deadline_at) if deadline_at is not None else None,
        "counts": "{}",
        "created_at": instant(now),
        "updated_at": instant(now),
        "g1pk": f"REV#T#{tenant_id}",
        "g1sk": order,
        "g2pk": open_key(ReviewStatus.QUEUED),
        "g2sk": order,  # kept for good: the review is in g2 while it has a g2pk
        "g3pk": "REV",
        "g3sk": order,
    }


def status_update(
    table: Table,
    review_id: str,
    status: ReviewStatus,
    reason: str | None,
    now: datetime,
    *,
    only_if: str | tuple[str, ...] | None = None,
    deadline_at: datetime | None = None,
) -> dict[str, Any]:
    """The transaction action that sets a review's status (conditional on it existing, and on its status being
    `only_if`, or one of them); with `deadline_at`, its deadline too (a rate-limit wait, ADR 0515)."""
    allowed = (only_if,) if isinstance(only_if, str) else (only_if or ())
    values = {f":only{i}": value for i, value in enumerate(allowed)}
    condition = "attribute_exists(#pk)" + (f" AND #status IN ({', '.join(values)})" if values else "")
    request = table.update_request(
        review_pk(review_id),
        REVIEW_SK,
        set_={
            "status": status.value,
            "status_reason": reason,
            "updated_at": instant(now),
            "g2pk": open_key(status),  # None: removed, out of the open reviews' index
            **({"deadline_at": instant(deadline_at)} if deadline_at is not None else {}),
        },
        condition=condition,
        values=values or None,
    )
    request.pop("ReturnValues", None)
    return {"Update": request}


def attempt_check(table: Table, attempt: AttemptFence | None) -> list[dict[str, Any]]:
    """The ConditionCheck that makes a worker's write hold only while its attempt is current (none without one)."""
    if attempt is None:
        return []
    check = table.update_request(
        job_pk(attempt.job_id),
        JOB_SK,
        condition="#state = :r AND #attempt_token = :token",
        values={":r": JobState.RUNNING.value, ":token": attempt.token},
    )
    check.pop("UpdateExpression", None)
    return [{"ConditionCheck": check}]


def fence_job(attempt: AttemptFence | None) -> int:
    return attempt.job_id if attempt is not None else 0


class DynamoReviewStore:
    def __init__(self, table: Table, *, clock: Clock = utcnow, open_index: OpenIndex = False) -> None:
        """`open_index`: an every-tenant listing of one open status reads the open reviews' index (g2) instead of
        the every-tenant one — True for the queue signals, which count (ADR 0633); "when-backfilled" for the rest,
        the reaper's sweeps among them, which must also see the open reviews written before that index was: once
        `backfill_open_index` has put them in it (ADR 0660)."""
        self.table = table
        self.clock = clock
        self.open_index = open_index
        self._backfilled = False

    def _reads_open_index(self) -> bool:
        if self.open_index is True or self._backfilled:
            return True
        if self.open_index == "when-backfilled" and self.table.get(*OPEN_INDEX_DONE) is not None:
            self._backfilled = True  # for good: nothing takes an open review out of the index but its end
        return self._backfilled

    def create(
        self, tenant_id: str, source: SourceInfo, *, plan_id: str | None = None, deadline_at: datetime | None = None
    ) -> StoredReview:
        item = new_review_item(
            str(uuid.uuid4()), tenant_id, source, self.clock(), plan_id=plan_id, deadline_at=deadline_at
        )
        self.table.put(item, condition="attribute_not_exists(pk)")
        return self._record(item, with_report=False)

    def get(self, review_id: str, tenant_id: str | None = None, *, with_report: bool = True) -> StoredReview | None:
        item = self.table.get(review_pk(review_id), REVIEW_SK)
        if item is None or (tenant_id is not None and item["tenant_id"] != tenant_id):
            return None
        return self._record(item, with_report=with_report)

    def set_status(
        self,
        review_id: str,
        status: ReviewStatus,
        reason: str | None = None,
        *,
        attempt: AttemptFence | None = None,
        deadline_at: datetime | None = None,
    ) -> None:
        update = status_update(self.table, review_id, status, reason, self.clock(), deadline_at=deadline_at)
        self._transact_fenced(review_id, attempt, [update])

    def save_result(
        self,
        review_id: str,
        status: ReviewStatus,
        report: dict[str, object] | EncodedDocument,
        verdict: str,
        counts: dict[str, object],
        *,
        attempt: AttemptFence | None = None,
        keys: Sequence[FindingKey] | None = None,
        rows: ResultRows | None = None,
    ) -> StoredReview:
        pk = review_pk(review_id)
        old = self.table.get(pk, REVIEW_SK)
        if old is None:
            raise NotFound(f"review {review_id} not found")
        text = report.text if isinstance(report, EncodedDocument) else canonical_json(dict(report))
        blob, chunks = self.table.blob_items(pk, text.encode())
        fields: dict[str, Any] = {
            "status": status.value,
            "status_reason": None,
            "g2pk": open_key(status),
            "verdict": verdict,
            "counts": json.dumps(counts, sort_keys=True),
            "content_hash": sha256_hex(text.encode()),
            "updated_at": instant(self.clock()),
            "blob": blob.get("blob"),
            "chunks": blob.get("chunks"),
        }
        update = self.table.update_request(pk, REVIEW_SK, set_=fields, condition="attribute_exists(#pk)")
        self._transact_fenced(review_id, attempt, [{"Update": update}, *(self.table.put_request(c) for c in chunks)])
        for n in range(len(chunks), int(old.get("chunks") or 0)):  # chunks of a longer report saved before
            self.table.delete(pk, f"CHUNK#{n:04d}")
        saved = self.get(review_id)
        assert saved is not None
        return saved

    def _transact_fenced(self, review_id: str, attempt: AttemptFence | None, actions: list[dict[str, Any]]) -> None:
        """`actions` in one transaction behind the attempt's fence: StaleAttempt when the fence (action 0) fails,
        NotFound when the review's own condition does."""
        from tfreview.store.aws.table import TransactionConflict

        fence = attempt_check(self.table, attempt)
        try:
            self.table.transact([*fence, *actions])
        except TransactionConflict as conflict:
            if fence and 0 in conflict.failed:
                raise StaleAttempt(fence_job(attempt)) from None
            raise NotFound(f"review {review_id} not found") from None

    def list(
        self,
        tenant_id: str | None,
        *,
        filters: dict[str, str],
        limit: int = 50,
        cursor: str | None = None,
        with_report: bool = True,
    ) -> Page[StoredReview]:
        check_limit(limit)
        wanted = parse_review_filters(filters)
        before = None
        if cursor:
            at, last_id = decode_time_cursor(cursor)
            before = f"{instant(at)}#{last_id}"
        index, pk = ("g1", f"REV#T#{tenant_id}") if tenant_id is not None else ("g3", "REV")
        one_open_status = set(filters) == {"status"} and filters["status"] in OPEN_STATUSES
        if tenant_id is None and one_open_status and self._reads_open_index():
            index, pk = "g2", f"REV#S#{filters['status']}"
        found: list[StoredReview] = []
        # the filters a review's item answers alone (status, source, dates…) are applied before its report is
        # read: a listing of open reviews (the reaper's sweeps, each minute) read and unpacked every finished
        # review's report — a query per chunked one — only to drop it (docs/adr/0600)
        cheap = dataclasses.replace(wanted, finding=None, severity=None)
        for item in self.table.query(index, pk, before=before, page_size=max(limit + 1, 25)):
            review = self._record(item, with_report=False)
            if not cheap.matches(review):
                continue
            if with_report or wanted.on_findings:
                review = self._record(item, with_report=True)
                if not wanted.matches(review):
                    continue
            found.append(review if with_report else dataclasses.replace(review, report=None))
            if len(found) > limit:
                break
        items = found[:limit]
        return time_page(items, more=len(found) > limit)

    def overdue(self, now: datetime, deadline: timedelta, *, limit: int) -> Sequence[StoredReview]:
        """Through the open-reviews index (`list` by status), as the sweep read them before ADR 0652."""
        return overdue_by_listing(
            lambda status, cursor: self.list(
                None, filters={"status": status}, limit=100, cursor=cursor, with_report=False
            ),
            now,
            deadline,
            limit,
        )

    def _record(self, item: dict[str, Any], *, with_report: bool) -> StoredReview:
        report_bytes = self.table.blob(item) if with_report else None
        created, updated = parse_instant(item["created_at"]), parse_instant(item["updated_at"])
        assert created is not None
        assert updated is not None
        return StoredReview(
            id=str(item["id"]),
            tenant_id=str(item["tenant_id"]),
            source=SourceInfo(**json.loads(item["source"])),
            status=ReviewStatus(item["status"]),
            created_at=created,
            updated_at=updated,
            status_reason=item.get("status_reason"),
            verdict=item.get("verdict"),
            report=json.loads(report_bytes) if report_bytes is not None else None,
            content_hash=item.get("content_hash"),
            plan_id=item.get("plan_id"),
            deadline_at=parse_instant(item.get("deadline_at")),
            counts=json.loads(item.get("counts") or "{}"),
        )
