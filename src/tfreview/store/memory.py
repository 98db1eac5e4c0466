"""In-memory implementations of every store port, with the semantics of the SQL ones.

Used by unit tests of the web layer and the workers, and run through the same contract suite as
SQLite and PostgreSQL (tests/contract). Each class is thread-safe behind one lock; MemoryIntake
(store/memory_intake.py, which imports this module) writes into the MemoryJobQueue, MemoryReviewStore and
MemoryTenants it is given, holding their locks, so an accepted delivery, its tenant, its job and its review
appear together or not at all.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import threading
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from tfreview.core.errors import NotFound
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.hashing import report_hash
from tfreview.ports.jobs import AttemptFence
from tfreview.ports.records import (
    ApiToken,
    Page,
    ReviewStatus,
    Scope,
    SourceInfo,
    StoredReview,
    Tenant,
)
from tfreview.ports.result_rows import ResultRows
from tfreview.ports.review_codec import EncodedDocument, FindingKey
from tfreview.store.cursor import check_limit, decode_time_cursor, time_page
from tfreview.store.memory_queue import MemoryJobQueue, fenced_write
from tfreview.store.plan_records import prepare_plan
from tfreview.store.review_deadlines import is_overdue
from tfreview.store.review_filters import parse_review_filters
from tfreview.store.token_secrets import hash_matches, new_secret, rejection_of, secret_hash, token_id_of

__all__ = [
    "MemoryJobQueue",
    "MemoryPlanStore",
    "MemoryReviewStore",
    "MemoryTenants",
    "MemoryTokens",
]

LAST_USED_RESOLUTION = timedelta(seconds=60)


class MemoryReviewStore:
    def __init__(self, *, clock: Clock = utcnow) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self._reviews: dict[str, StoredReview] = {}
        self._jobs: MemoryJobQueue | None = None

    def fenced_by(self, queue: MemoryJobQueue) -> None:
        """The queue whose attempts a worker's writes are checked against (MemoryJobQueue calls it)."""
        self._jobs = queue

    def create(
        self, tenant_id: str, source: SourceInfo, *, plan_id: str | None = None, deadline_at: datetime | None = None
    ) -> StoredReview:
        return self.insert(str(uuid.uuid4()), tenant_id, source, plan_id=plan_id, deadline_at=deadline_at)

    def insert(
        self,
        review_id: str,
        tenant_id: str,
        source: SourceInfo,
        *,
        plan_id: str | None = None,
        deadline_at: datetime | None = None,
    ) -> StoredReview:
        """Not part of the port: a queued review with a chosen id (what Intake.accept writes)."""
        with self.lock:
            if review_id in self._reviews:
                return self._reviews[review_id]
            now = self.clock()
            review = StoredReview(
                id=review_id,
                tenant_id=tenant_id,
                source=source,
                status=ReviewStatus.QUEUED,
                created_at=now,
                updated_at=now,
                plan_id=plan_id,
                deadline_at=deadline_at,
            )
            self._reviews[review_id] = review
            return review

    def get(self, review_id: str, tenant_id: str | None = None, *, with_report: bool = True) -> StoredReview | None:
        with self.lock:  # the report is held parsed: it costs nothing to hand out either way
            review = self._reviews.get(review_id)
        if review is None or (tenant_id is not None and review.tenant_id != tenant_id):
            return None
        return review

    def _require(self, review_id: str) -> StoredReview:
        review = self._reviews.get(review_id)
        if review is None:
            raise NotFound(f"review {review_id} not found")
        return review

    def set_status(
        self,
        review_id: str,
        status: ReviewStatus,
        reason: str | None = None,
        *,
        attempt: AttemptFence | None = None,
        deadline_at: datetime | None = None,
    ) -> None:
        with fenced_write(self._jobs, self.lock, attempt):
            review = self._require(review_id)
            self._reviews[review_id] = dataclasses.replace(
                review,
                status=status,
                status_reason=reason,
                updated_at=self.clock(),
                deadline_at=review.deadline_at if deadline_at is None else deadline_at,
            )

    def postpone_deadline(self, review_id: str, deadline_at: datetime) -> None:
        """The review's deadline moves to `deadline_at` (its job waits out a rate limit: the queue's defer)."""
        with self.lock:
            review = self._reviews.get(review_id)
            if review is not None:
                self._reviews[review_id] = dataclasses.replace(review, deadline_at=deadline_at)

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
        if isinstance(report, EncodedDocument):
            report = report.document()
        with fenced_write(self._jobs, self.lock, attempt):
            review = self._require(review_id)
            saved = dataclasses.replace(
                review,
                status=status,
                status_reason=None,
                verdict=verdict,
                report=dict(report),
                counts=dict(counts),
                content_hash=report_hash(dict(report)),
                updated_at=self.clock(),
            )
            self._reviews[review_id] = saved
            return saved

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
        after = decode_time_cursor(cursor) if cursor else None
        with self.lock:
            reviews = [
                r
                for r in self._reviews.values()
                if (tenant_id is None or r.tenant_id == tenant_id)
                and wanted.matches(r)
                and (after is None or (r.created_at, r.id) < after)
            ]
        reviews.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        items = reviews[:limit] if with_report else [dataclasses.replace(r, report=None) for r in reviews[:limit]]
        return time_page(items, more=len(reviews) > limit)

    def overdue(self, now: datetime, deadline: timedelta, *, limit: int) -> Sequence[StoredReview]:
        with self.lock:
            found = [r for r in self._reviews.values() if is_overdue(r, now, deadline)]
        found.sort(key=lambda r: (r.created_at, r.id))
        return [dataclasses.replace(r, report=None) for r in found[:limit]]


class MemoryTokens:
    def __init__(self, *, clock: Clock = utcnow) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self._tokens: dict[str, ApiToken] = {}
        self._hashes: dict[str, str] = {}

    def create(self, tenant_id: str, scope: Scope, name: str, expires_at: datetime | None) -> tuple[ApiToken, str]:
        token_id, secret = new_secret()
        token = ApiToken(token_id, tenant_id, Scope(scope), name, self.clock(), expires_at)
        with self.lock:
            self._tokens[token_id] = token
            self._hashes[token_id] = secret_hash(secret)
        return token, secret

    def rejection(self, secret: str) -> str:
        token_id = token_id_of(secret)
        with self.lock:
            token = self._tokens.get(token_id) if token_id is not None else None
            stored_hash = self._hashes.get(token_id) if token_id is not None else None
            if token is None or stored_hash is None or not hash_matches(secret, stored_hash):
                return "invalid"
            return rejection_of(token, self.clock())

    def verify(self, secret: str) -> ApiToken | None:
        token_id = token_id_of(secret)
        if token_id is None:
            return None
        with self.lock:
            token = self._tokens.get(token_id)
            stored_hash = self._hashes.get(token_id)
            if token is None or stored_hash is None or not hash_matches(secret, stored_hash):
                return None
            now = self.clock()
            if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
                return None
            if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
                token = dataclasses.replace(token, last_used_at=now)
                self._tokens[token_id] = token
            return token

    def revoke(self, token_id: str) -> bool:
        with self.lock:
            token = self._tokens.get(token_id)
            if token is None or token.revoked_at is not None:
                return False
            self._tokens[token_id] = dataclasses.replace(token, revoked_at=self.clock())
            return True

    def revoke_all(self, tenant_id: str, scope: Scope | None = None) -> list[str]:
        with self.lock:
            now = self.clock()
            ids = sorted(
                token.id
                for token in self._tokens.values()
                if token.tenant_id == tenant_id and token.revoked_at is None and scope in (None, token.scope)
            )
            for token_id in ids:
                self._tokens[token_id] = dataclasses.replace(self._tokens[token_id], revoked_at=now)
            return ids

    def list(self, tenant_id: str | None = None) -> list[ApiToken]:
        with self.lock:
            tokens = [t for t in self._tokens.values() if tenant_id is None or t.tenant_id == tenant_id]
        return sorted(tokens, key=lambda t: (t.created_at, t.id))


class MemoryTenants:
    def __init__(self, *, clock: Clock = utcnow) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self._tenants: dict[str, Tenant] = {}

    def known(self, tenant: Tenant) -> bool:
        with self.lock:
            return self._tenants.get(tenant.id) == tenant

    def ensure(self, tenant: Tenant) -> Tenant:
        with self.lock:
            stored = self._tenants.get(tenant.id)
            if stored is None or stored != tenant:
                self._tenants[tenant.id] = tenant
            return tenant

    def get(self, tenant_id: str) -> Tenant | None:
        with self.lock:
            return self._tenants.get(tenant_id)


class MemoryPlanStore:
    def __init__(self, *, clock: Clock = utcnow) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self._plans: dict[str, tuple[str, bytes, str, dict[str, object]]] = {}
        self._findings: dict[str, str] = {}  # plan id -> JSON of the findings kept at upload (as the SQL row)

    def put(
        self,
        tenant_id: str,
        content: bytes,
        kind: str,
        metadata: dict[str, object],
        *,
        findings: list[dict[str, Any]] | None = None,
    ) -> str:
        plan = prepare_plan(content, kind, metadata, findings)  # what the SQL and DynamoDB stores keep
        stored = gzip.compress(plan.content)
        with self.lock:
            self._plans[plan.id] = (tenant_id, stored, plan.kind, json.loads(plan.metadata))
            if plan.findings is not None:
                self._findings[plan.id] = plan.findings
        return plan.id

    def delete(self, plan_id: str) -> None:
        with self.lock:
            self._plans.pop(plan_id, None)
            self._findings.pop(plan_id, None)

    def findings(self, plan_id: str) -> list[dict[str, Any]] | None:
        with self.lock:
            stored = self._findings.get(plan_id)
        return None if stored is None else list(json.loads(stored))

    def get(self, plan_id: str) -> tuple[bytes, str, dict[str, object]] | None:
        with self.lock:
            found = self._plans.get(plan_id)
        if found is None:
            return None
        _, stored, kind, metadata = found
        return gzip.decompress(stored), kind, dict(metadata)
