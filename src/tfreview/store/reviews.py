"""Stored reviews: the queued row, its status, and the finished report with one row per finding."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session, defer

from tfreview.core.errors import IntegrityError, NotFound
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.hashing import canonical_json, sha256_hex
from tfreview.ports.jobs import AttemptFence, JobState, StaleAttempt
from tfreview.ports.records import Page, ReviewStatus, SourceInfo, StoredReview
from tfreview.ports.result_rows import FindingValues, ResultRows
from tfreview.ports.review_codec import EncodedDocument, FindingKey, finding_keys
from tfreview.store.cursor import check_limit, decode_time_cursor, time_page
from tfreview.store.database import Database
from tfreview.store.result_rows import FINDING_COLUMNS, finding_values, trusted
from tfreview.store.review_deadlines import OPEN_STATUSES
from tfreview.store.review_filters import ReviewFilters, parse_review_filters, searched
from tfreview.store.row_hashes import REVIEW_COLUMNS, attributes, review_hash
from tfreview.store.tables import FindingRow, JobRow, ReviewRow


def review_record(row: ReviewRow, *, with_report: bool = True) -> StoredReview:
    return StoredReview(
        id=row.id,
        tenant_id=row.tenant_id,
        source=SourceInfo(
            kind=row.source_kind,
            repository=row.repository,
            pull_request=row.pull_request,
            commit_sha=row.commit_sha,
            stack_id=row.stack_id,
            run_id=row.run_id,
            account=row.account,
        ),
        status=ReviewStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        status_reason=row.status_reason,
        verdict=row.verdict,
        report=json.loads(row.report) if with_report and row.report is not None else None,
        content_hash=row.content_hash,
        plan_id=row.plan_id,
        deadline_at=row.deadline_at,
        counts=json.loads(row.counts),
    )


def new_review_row(
    review_id: str,
    tenant_id: str,
    source: SourceInfo,
    now: datetime,
    *,
    plan_id: str | None = None,
    deadline_at: datetime | None = None,
) -> ReviewRow:
    return ReviewRow(**new_review_values(review_id, tenant_id, source, now, plan_id=plan_id, deadline_at=deadline_at))


def new_review_values(
    review_id: str,
    tenant_id: str,
    source: SourceInfo,
    now: datetime,
    *,
    plan_id: str | None = None,
    deadline_at: datetime | None = None,
) -> dict[str, Any]:
    """Every column of a queued review (the intake writes it without building an ORM instance)."""
    values: dict[str, Any] = {
        "id": review_id,
        "tenant_id": tenant_id,
        "source_kind": source.kind,
        "repository": source.repository,
        "pull_request": source.pull_request,
        "commit_sha": source.commit_sha,
        "stack_id": source.stack_id,
        "run_id": source.run_id,
        "account": source.account,
        "status": ReviewStatus.QUEUED.value,
        "status_reason": None,
        "verdict": None,
        "counts": "{}",
        "report": None,
        "content_hash": None,
        "plan_id": plan_id,
        "deadline_at": deadline_at,
        "created_at": now,
        "updated_at": now,
        "quarantined_at": None,
    }
    values["integrity_hash"] = review_hash(values)
    return values


def finding_insert(database: Database) -> str:
    """The finding rows' INSERT in the driver's own spelling, executed with `finding_values`' tuples as they are: no
    SQL expression compiled nor parameters built per row on the worker's interpreter lock (ADR 0728)."""
    paramstyle = database.engine.dialect.paramstyle
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}[paramstyle]
    columns = ", ".join(FINDING_COLUMNS)
    return f"INSERT INTO {FindingRow.__tablename__} ({columns}) VALUES ({', '.join([marker] * len(FINDING_COLUMNS))})"


def check_review(row: ReviewRow) -> None:
    """IntegrityError for a quarantined review, or one whose content no longer matches its integrity hash:
    such a review is never served as good (the API answers 500 `integrity-error`; a worker fails its job)."""
    if row.quarantined_at is not None:
        raise IntegrityError(f"review {row.id} is quarantined (its stored content failed an audit)")
    if row.integrity_hash is not None and row.integrity_hash != review_hash(attributes(row, REVIEW_COLUMNS)):
        raise IntegrityError(f"review {row.id}: stored content does not match its integrity hash")


class SqlReviewStore:
    def __init__(self, database: Database, *, clock: Clock = utcnow) -> None:
        self.database = database
        self.clock = clock
        self._insert_findings = finding_insert(database)

    def create(
        self, tenant_id: str, source: SourceInfo, *, plan_id: str | None = None, deadline_at: datetime | None = None
    ) -> StoredReview:
        row = new_review_row(
            str(uuid.uuid4()), tenant_id, source, self.clock(), plan_id=plan_id, deadline_at=deadline_at
        )
        with self.database.transaction() as session:
            session.add(row)
            session.flush()
            return review_record(row)

    def get(self, review_id: str, tenant_id: str | None = None, *, with_report: bool = True) -> StoredReview | None:
        with self.database.transaction(write=False) as session:
            if not with_report:  # the report neither read, nor hashed, nor parsed: the caller holds its
                # rendering, checked when it was made, and compares the other content columns (ADR 0372)
                row = session.get(ReviewRow, review_id, options=[defer(ReviewRow.report)])
                if row is None or (tenant_id is not None and row.tenant_id != tenant_id):
                    return None
                if row.quarantined_at is not None:
                    raise IntegrityError(f"review {row.id} is quarantined (its stored content failed an audit)")
                return review_record(row, with_report=False)
            row = session.get(ReviewRow, review_id)
            if row is None or (tenant_id is not None and row.tenant_id != tenant_id):
                return None
            check_review(row)
            return review_record(row)

    def _fence(self, session: Session, attempt: AttemptFence | None) -> None:
        """StaleAttempt unless `attempt` is its job's current one. Checked in the write's own transaction: the job
        row is locked (PostgreSQL) or the writer lock held (SQLite, BEGIN IMMEDIATE) until the write commits, so
        no reaper or new claim can move the job on between this check and the write."""
        if attempt is None:
            return
        query = select(JobRow.state, JobRow.attempt_token).where(JobRow.id == attempt.job_id)
        if not self.database.is_sqlite:
            query = query.with_for_update()
        current = session.execute(query).first()
        if current is None or current.state != JobState.RUNNING.value or current.attempt_token != attempt.token:
            raise StaleAttempt(attempt.job_id)

    @staticmethod
    def _require(session: Session, review_id: str) -> ReviewRow:
        row = session.get(ReviewRow, review_id)
        if row is None:
            raise NotFound(f"review {review_id} not found")
        return row

    def set_status(
        self,
        review_id: str,
        status: ReviewStatus,
        reason: str | None = None,
        *,
        attempt: AttemptFence | None = None,
        deadline_at: datetime | None = None,
    ) -> None:
        with self.database.transaction() as session:
            self._fence(session, attempt)
            row = self._require(session, review_id)
            row.status = ReviewStatus(status).value
            row.status_reason = reason
            row.updated_at = self.clock()
            if deadline_at is not None:
                row.deadline_at = deadline_at

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
        text = report.text if isinstance(report, EncodedDocument) else canonical_json(report)
        # the document as it will be read back: its rows, and the record returned — not decoded for a review process's
        # text with its keys (ADR 0722: ~1 MB parsed on the worker's interpreter lock for nothing)
        document = None if isinstance(report, EncodedDocument) and keys is not None else json.loads(text)
        content_hash = sha256_hex(text.encode())  # hashlib lets go of the interpreter lock over the text
        # the caller's keys of the review it encoded, or the document decoded for them (~0.1 s for 2,000 findings);
        # given rows, worked out in the transaction only if they turn out not to be this row's
        findings = None if rows is not None else self._findings(review_id, keys, document)
        with self.database.transaction() as session:
            self._fence(session, attempt)
            row = self._require(session, review_id)
            row.status = ReviewStatus(status).value
            row.status_reason = None
            row.verdict = verdict
            row.report = text
            row.content_hash = content_hash
            row.counts = canonical_json(counts)
            written = attributes(row, REVIEW_COLUMNS)
            taken = trusted(rows, review_id, written)  # worked out for this row where the review was finished
            row.integrity_hash = taken.integrity_hash if taken else review_hash(written)
            row.updated_at = self.clock()
            session.execute(delete(FindingRow).where(FindingRow.review_id == review_id))
            if taken is not None:
                findings = taken.findings
            elif findings is None:
                findings = self._findings(review_id, keys, document)
            if findings:  # one prebuilt statement, its values as they are (ADR 0728)
                session.connection().exec_driver_sql(self._insert_findings, list(findings))
            session.flush()
            return replace(review_record(row, with_report=False), report=document)

    @staticmethod
    def _findings(review_id: str, keys: Sequence[FindingKey] | None, document: object) -> Sequence[FindingValues]:
        return finding_values(review_id, keys if keys is not None else finding_keys(document))

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
        query = select(ReviewRow).order_by(ReviewRow.created_at.desc(), ReviewRow.id.desc()).limit(limit + 1)
        query = query.where(ReviewRow.quarantined_at.is_(None))  # a quarantined review is never listed as good
        if not with_report:
            query = query.options(defer(ReviewRow.report))
        conditions = {
            ReviewRow.tenant_id: tenant_id,
            ReviewRow.source_kind: wanted.source,
            ReviewRow.stack_id: wanted.stack_id,
            ReviewRow.status: wanted.status.value if wanted.status else None,
            ReviewRow.verdict: wanted.verdict,
        }
        for column, value in conditions.items():
            if value is not None:
                query = query.where(column == value)
        if wanted.repository is not None:  # any case, as GitHub names it (ADR 0596)
            query = query.where(func.lower(ReviewRow.repository) == wanted.repository.lower())
        if wanted.since is not None:
            query = query.where(ReviewRow.created_at >= wanted.since)
        if wanted.until is not None:
            query = query.where(ReviewRow.created_at < wanted.until)
        if wanted.on_findings:
            query = query.where(_has_finding(wanted))
        if cursor:
            at, last_id = decode_time_cursor(cursor)
            query = query.where(
                or_(ReviewRow.created_at < at, and_(ReviewRow.created_at == at, ReviewRow.id < last_id))
            )
        with self.database.transaction(write=False) as session:
            rows = list(session.scalars(query))
            items = [review_record(r, with_report=with_report) for r in rows[:limit]]
        return time_page(items, more=len(rows) > limit)

    def overdue(self, now: datetime, deadline: timedelta, *, limit: int) -> Sequence[StoredReview]:
        """The database picks them (ADR 0652): a sweep under a backlog of thousands of open reviews read every one
        as an ORM row, to keep the few past their deadline."""
        late = or_(
            and_(ReviewRow.deadline_at.is_not(None), ReviewRow.deadline_at < now),
            and_(ReviewRow.deadline_at.is_(None), ReviewRow.created_at < now - deadline),
        )
        query = (
            select(ReviewRow)
            .options(defer(ReviewRow.report))
            .where(ReviewRow.status.in_([s.value for s in OPEN_STATUSES]), ReviewRow.quarantined_at.is_(None), late)
            .order_by(ReviewRow.created_at, ReviewRow.id)
            .limit(limit)
        )
        with self.database.transaction(write=False) as session:
            return [review_record(row, with_report=False) for row in session.scalars(query)]


def _literal(text: str) -> str:
    """`text` inside a LIKE pattern: its wildcards and the escape character match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _has_finding(wanted: ReviewFilters) -> ColumnElement[bool]:
    """EXISTS a finding row of the review matching the `finding` and `severity` filters."""
    condition: ColumnElement[bool] = FindingRow.review_id == ReviewRow.id
    if wanted.severity is not None:
        condition = and_(condition, FindingRow.severity.in_(wanted.severities), FindingRow.status != "resolved")
    if wanted.finding is not None:
        condition = and_(
            condition,
            or_(
                func.lower(FindingRow.rule_id) == wanted.finding.lower(),
                FindingRow.address.like(f"%{_literal(searched(wanted.finding))}%", escape="\\"),
                # a row written before ADR 0596 holds the address as written: found as it was then
                func.lower(FindingRow.address).like(f"%{_literal(wanted.finding.lower())}%", escape="\\"),
            ),
        )
    return exists().where(condition)
