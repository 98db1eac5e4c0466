"""The schema: typed declarative models. Only the repositories of this package touch them.

Timestamps are timezone-aware UTC everywhere (`UtcDateTime`: SQLite keeps them as UTC text without
an offset and they come back aware). JSON documents are stored as text (the same on both databases);
payloads and plans as bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tfreview.plumbing.clock import as_utc

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a bigint identity.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TenantRow(Base):
    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DeliveryRow(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("source", "key"),
        Index(None, "tenant_id", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(300))
    event: Mapped[str] = mapped_column(String(200))
    tenant_id: Mapped[str] = mapped_column(String(200))
    payload: Mapped[bytes] = mapped_column(LargeBinary())
    payload_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    job_id: Mapped[int | None] = mapped_column(Id, ForeignKey("jobs.id"), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    integrity_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)  # store/integrity.py
    quarantined_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class SpaceliftRunRow(Base):
    __tablename__ = "spacelift_runs"

    tenant_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    run_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str] = mapped_column(String(64))
    # 64 bits: the policy-input shape's state version is `run.updated_at` in nanoseconds (~1.8e18; migration 0024)
    state_version: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class JobRow(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index(None, "state", "run_after"),
        Index(None, "state", "tenant_id", "run_after"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64))
    tenant_id: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str] = mapped_column(String(400), unique=True)
    payload: Mapped[str] = mapped_column(Text())
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer())
    max_attempts: Mapped[int] = mapped_column(Integer())
    run_after: Mapped[datetime] = mapped_column(UtcDateTime())
    lease_owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    attempt_token: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class QueueCountRow(Base):
    """Jobs in a state, kept by database triggers as jobs change state (migration 0022, ADR 0473): only `dead` is
    kept (it grows with history; queued and running are counted live). No row: none."""

    __tablename__ = "queue_counts"

    state: Mapped[str] = mapped_column(String(16), primary_key=True)
    jobs: Mapped[int] = mapped_column(Integer())


class ReviewRow(Base):
    __tablename__ = "reviews"
    __table_args__ = (
        Index(None, "tenant_id", "created_at", "id"),
        Index(None, "created_at", "id"),
        Index(None, "status", "deadline_at"),
        Index(None, "plan_id"),  # a plan's reviews (migration 0027, ADR 0633)
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(200))
    source_kind: Mapped[str] = mapped_column(String(32))
    repository: Mapped[str | None] = mapped_column(String(400), nullable=True)
    pull_request: Mapped[int | None] = mapped_column(Integer(), nullable=True)
    commit_sha: Mapped[str | None] = mapped_column(String(64), nullable=True)
    stack_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    run_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    account: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(32))
    status_reason: Mapped[str | None] = mapped_column(Text(), nullable=True)
    verdict: Mapped[str | None] = mapped_column(String(16), nullable=True)
    counts: Mapped[str] = mapped_column(Text())
    report: Mapped[str | None] = mapped_column(Text(), nullable=True)
    content_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    plan_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    deadline_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    integrity_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)  # store/integrity.py
    quarantined_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class FindingRow(Base):
    """One row per finding of a stored review's report, for filtering; the report stays the source of truth."""

    __tablename__ = "findings"
    __table_args__ = (Index(None, "rule_id", "severity"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    review_id: Mapped[str] = mapped_column(String(36), ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(Text())
    fingerprint: Mapped[str | None] = mapped_column(String(128), nullable=True)


class PlanRow(Base):
    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    content: Mapped[bytes] = mapped_column(LargeBinary())
    sha256: Mapped[str] = mapped_column(String(64))
    plan_metadata: Mapped[str] = mapped_column("metadata", Text())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # JSON list of finding documents found on the original upload (issue 9.12); NULL: none were kept
    findings: Mapped[str | None] = mapped_column(Text(), nullable=True)
    integrity_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)  # store/integrity.py
    quarantined_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(200), index=True)
    scope: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class PublishLockRow(Base):
    """A lease on publishing to one target (a pull request, a Spacelift run), held across processes (issue 9.11)."""

    __tablename__ = "publish_locks"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class IncidentRow(Base):
    """One incident (tfreview.ops.incidents). `open_key` is the group key while the incident is active and
    NULL once resolved: its unique constraint allows one active incident per alert group on every database."""

    __tablename__ = "incidents"
    __table_args__ = (Index(None, "status", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    group_key: Mapped[str] = mapped_column(String(200))
    open_key: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    alert_id: Mapped[str] = mapped_column(String(200))
    scenario: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text())
    status: Mapped[str] = mapped_column(String(16))
    level: Mapped[int] = mapped_column(Integer())
    response_minutes: Mapped[int] = mapped_column(Integer())
    channels: Mapped[str] = mapped_column(Text())  # JSON list
    action: Mapped[str | None] = mapped_column(String(64), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    escalate_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class IncidentEventRow(Base):
    """One entry of an incident's timeline; `detail` is a JSON object."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(Id, ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text())


class LeaseRow(Base):
    """A named lease (the watchdog's: one evaluator across every process); `heartbeat_at` is its last renewal."""

    __tablename__ = "ops_leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime())


class NotifyOutboxRow(Base):
    """A notification to send (tfreview.ops.notify.outbox), written with the incident change it announces."""

    __tablename__ = "notify_outbox"
    __table_args__ = (Index(None, "done_at", "due_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(Id, ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(16))
    level: Mapped[int] = mapped_column(Integer())
    channels: Mapped[str] = mapped_column(Text())  # JSON list
    details: Mapped[str] = mapped_column(Text())  # JSON object
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer(), default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(400), nullable=True)


class SecretUseRow(Base):
    """When a webhook secret version last verified a delivery (written at most once a minute per process)."""

    __tablename__ = "secret_uses"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_used_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ControlRow(Base):
    """A shared operating control while it holds (tfreview.ops.controls): AI paused, provider breakers held open."""

    __tablename__ = "ops_controls"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    until: Mapped[datetime] = mapped_column(UtcDateTime())
    set_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text())
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())
    incident_id: Mapped[int | None] = mapped_column(Id, nullable=True)


class AuditCursorRow(Base):
    """Where the periodic integrity audit's slice of a table stopped (store/audit_cursors.py, ADR 0506): the JSON
    spelling of the last key checked; NULL: the next slice starts at the table's first row."""

    __tablename__ = "audit_cursors"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    after: Mapped[str | None] = mapped_column(Text(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BlockRow(Base):
    """A blocked source (an address or a token's hash), kept after expiry so the next block lasts longer."""

    __tablename__ = "blocks"
    __table_args__ = (Index(None, "expires_at"),)

    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(400))
    created_by: Mapped[str] = mapped_column(String(200))
    blocked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    strikes: Mapped[int] = mapped_column(Integer())


class AuditLogRow(Base):
    """The audit log (store/audit_log.py): append-only; `row_hash` = sha256(prev_hash + the row's content),
    so an edited, deleted or re-ordered row breaks the chain from there on."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(400))
    detail: Mapped[str] = mapped_column(Text())  # JSON object
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))


class TokenSpendRow(Base):
    """Model tokens one tenant spent (or holds reserved for a call in flight) on one UTC day: the per-tenant daily
    token budget (D4, store/token_budgets.py, ADR 0560), shared by every process on the database."""

    __tablename__ = "ai_token_spend"

    tenant_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD (UTC)
    spent: Mapped[int] = mapped_column(BigInteger())  # settled tokens plus what the holds hold
    # the holds of calls in flight, JSON {hold id: [tokens, expires at (epoch s)]} (tfreview.core.token_holds)
    holds: Mapped[str] = mapped_column(Text(), default="{}", server_default="{}")
