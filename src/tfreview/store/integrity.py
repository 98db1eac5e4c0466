"""The integrity audit (`tfreview audit`, and the periodic audit in `serve`): recompute every stored
delivery's, review's and plan's integrity hash (store/row_hashes.py), check the references between them,
quarantine what does not match, and report.

- A row without a hash (stored before migration 0010) is sealed: its hash is computed and stored.
- A row whose content no longer matches its hash is QUARANTINED (`quarantined_at` set): it is never
  served as good again (reads raise IntegrityError, lists skip it). It is counted once, when found.
- References: a review's plan must exist; a delivery's job must exist; a review job's review must exist; a plan
  stored more than 15 minutes ago must be some review's (else an upload was killed before its delivery was stored).
  A broken reference is reported (and counted) but quarantines nothing: the row itself is intact.
- A job whose payload is no longer UTF-8 (a flipped bit) is reported as a `jobs` mismatch; jobs have no hash and
  are not quarantined (a queued one is dead-lettered by the queue itself, store/damaged_jobs.py).

Rows are read in key order, a batch of 500 per short read transaction, and each batch's references are looked
up in that same transaction: no transaction spans a table. `audit_database` is the full pass (`tfreview audit`);
`audit_slice` is the bounded one `serve` runs each period (ADR 0506): at most `rows` rows of each table (jobs
included, for their references), starting after where the last slice stopped and going back to the first row
once the end is reached — so a table of N rows is checked whole within ceil(N / rows) + 1 periods.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import LargeBinary, Select, cast, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.hashing import sha256_hex
from tfreview.store.database import Database
from tfreview.store.row_hashes import (
    DELIVERY_COLUMNS,
    PLAN_COLUMNS,
    REVIEW_COLUMNS,
    attributes,
    delivery_hash,
    plan_hash,
    review_hash,
)
from tfreview.store.tables import DeliveryRow, JobRow, PlanRow, ReviewRow

_BATCH: Final = 500
# an upload stores its plan, then its delivery and review: a plan younger than this may be one whose delivery is
# being stored now, not an orphan
ORPHAN_GRACE: Final = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Mismatch:
    table: str  # deliveries | reviews | plans | jobs (a payload that no longer reads) | references
    row_id: str
    problem: str


@dataclass
class AuditReport:
    checked: dict[str, int] = field(default_factory=dict)
    sealed: dict[str, int] = field(default_factory=dict)
    quarantined: dict[str, int] = field(default_factory=dict)  # already quarantined before this audit
    mismatches: list[Mismatch] = field(default_factory=list)  # found by THIS audit
    jobs_checked: int = 0  # jobs read for their references (not in `document`: the CLI's output is unchanged)

    @property
    def clean(self) -> bool:
        return not self.mismatches

    def summary(self) -> str:
        parts = [
            f"{table}: {self.checked.get(table, 0)} checked, {self.sealed.get(table, 0)} sealed, "
            f"{self.quarantined.get(table, 0)} already quarantined"
            for table in ("deliveries", "reviews", "plans")
        ]
        found = f"{len(self.mismatches)} mismatch(es)" if self.mismatches else "no mismatch"
        return "; ".join(parts) + f"; {found}"

    def document(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "sealed": self.sealed,
            "already_quarantined": self.quarantined,
            "mismatches": [{"table": m.table, "id": m.row_id, "problem": m.problem} for m in self.mismatches],
        }


def _plan_problem(row: PlanRow) -> str | None:
    try:
        content = gzip.decompress(bytes(row.content))
    except (OSError, EOFError, zlib.error):
        return "content is not readable (corrupt gzip)"
    if sha256_hex(content) != row.sha256:
        return "content does not match its SHA-256"
    return None


def _delivery_problem(row: DeliveryRow) -> str | None:
    return None if sha256_hex(bytes(row.payload)) == row.payload_sha256 else "payload does not match its SHA-256"


_References = Callable[[Session, list[Any], datetime], list[Mismatch]]


def _delivery_jobs(session: Session, rows: list[Any], now: datetime) -> list[Mismatch]:
    wanted = {row.job_id for row in rows if row.job_id is not None}
    found = set(session.scalars(select(JobRow.id).where(JobRow.id.in_(wanted)))) if wanted else set()
    return [
        Mismatch("references", str(row.id), f"delivery's job {row.job_id} does not exist")
        for row in rows
        if row.job_id is not None and row.job_id not in found
    ]


def _review_plans(session: Session, rows: list[Any], now: datetime) -> list[Mismatch]:
    wanted = {row.plan_id for row in rows if row.plan_id is not None}
    found = set(session.scalars(select(PlanRow.id).where(PlanRow.id.in_(wanted)))) if wanted else set()
    return [
        Mismatch("references", row.id, f"review's plan {row.plan_id} does not exist")
        for row in rows
        if row.plan_id is not None and row.plan_id not in found
    ]


def _job_reviews(session: Session, rows: list[Any], now: datetime) -> list[Mismatch]:
    damaged: list[Mismatch] = []
    wanted: dict[int, str] = {}
    for job_id, stored in rows:
        try:  # SQLite hands the payload over as bytes (below): a flipped bit must not stop the audit (B3)
            payload = stored.decode() if isinstance(stored, bytes) else stored
        except UnicodeDecodeError as error:
            damaged.append(Mismatch("jobs", str(job_id), f"its stored payload is not UTF-8 (byte {error.start})"))
            continue
        if review_id := _review_of(payload):
            wanted[job_id] = review_id
    values = set(wanted.values())
    found = set(session.scalars(select(ReviewRow.id).where(ReviewRow.id.in_(values)))) if values else set()
    return damaged + [
        Mismatch("references", str(job_id), f"job's review {review_id} does not exist")
        for job_id, review_id in wanted.items()
        if review_id not in found
    ]


def _plan_reviews(session: Session, rows: list[Any], now: datetime) -> list[Mismatch]:
    """A plan no review refers to, stored more than ORPHAN_GRACE ago: an upload whose delivery was never stored (the
    process killed between the two writes, ADR 0612). Reported; the plan itself is intact and is not quarantined."""
    settled = now - ORPHAN_GRACE
    wanted = {row.id for row in rows if row.created_at <= settled}
    found = set(session.scalars(select(ReviewRow.plan_id).where(ReviewRow.plan_id.in_(wanted)))) if wanted else set()
    return [
        Mismatch("references", row.id, "plan is referred to by no review (an upload whose delivery was never stored)")
        for row in rows
        if row.id in wanted and row.id not in found
    ]


@dataclass(frozen=True, slots=True)
class _Table:
    name: str
    row: Any
    key: InstrumentedAttribute[Any]
    columns: tuple[str, ...]
    hasher: Callable[[dict[str, Any]], str]
    references: _References
    extra: Callable[[Any], str | None] | None = None


_TABLES: Final = (
    _Table(
        "deliveries", DeliveryRow, DeliveryRow.id, DELIVERY_COLUMNS, delivery_hash, _delivery_jobs, _delivery_problem
    ),
    _Table("reviews", ReviewRow, ReviewRow.id, REVIEW_COLUMNS, review_hash, _review_plans),
    _Table("plans", PlanRow, PlanRow.id, PLAN_COLUMNS, plan_hash, _plan_reviews, _plan_problem),
)
AUDITED: Final = ("deliveries", "reviews", "plans", "jobs")  # the tables a slice walks, each with its own cursor
_KEY_TYPES: Final[dict[str, type]] = {"deliveries": int, "reviews": str, "plans": str, "jobs": int}
# the order the full pass has always reported broken references in
_REFERENCE_ORDER: Final = ("reviews", "deliveries", "jobs", "plans")


@dataclass
class _Pass:
    report: AuditReport
    positions: dict[str, Any]
    references: dict[str, list[Mismatch]] = field(default_factory=dict)


def audit_database(database: Database, *, clock: Clock = utcnow) -> AuditReport:
    """One full audit; writes only hashes of unsealed rows and quarantine marks."""
    return _run(database, {}, None, clock).report


def audit_slice(
    database: Database, positions: Mapping[str, Any], *, rows: int, clock: Clock = utcnow
) -> tuple[AuditReport, dict[str, Any]]:
    """A bounded audit: at most `rows` rows of each table in `AUDITED`, each starting after its position (None:
    the first row). Returns the report and the next positions (None for a table whose end was reached)."""
    if rows < 1:
        raise ValueError("a slice checks at least one row per table")
    audit = _run(database, positions, rows, clock)
    return audit.report, audit.positions


def _start(positions: Mapping[str, Any], table: str) -> Any:
    """A table's stored position, or None (its first row) when it is not of the table's key type."""
    value = positions.get(table)
    return value if type(value) is _KEY_TYPES[table] else None


def _run(database: Database, given: Mapping[str, Any], limit: int | None, clock: Clock) -> _Pass:
    audit = _Pass(AuditReport(), {})
    positions = {name: _start(given, name) for name in AUDITED}
    for table in _TABLES:
        _audit_table(database, table, audit, positions.get(table.name), limit, clock)
    _audit_jobs(database, audit, positions.get("jobs"), limit, clock)
    for name in _REFERENCE_ORDER:
        audit.report.mismatches.extend(audit.references.get(name, []))
    return audit


def _batches(
    database: Database,
    query: Select[Any] | Select[int, Any],
    key: InstrumentedAttribute[Any],
    references: _References,
    *,
    after: Any,
    limit: int | None,
    entities: bool,
    now: datetime,
) -> Iterator[tuple[list[Any], list[Mismatch]]]:
    """Rows in key order after `after`, at most `limit` (None: to the end), a batch per short read transaction,
    each with the broken references found among its rows in that same transaction."""
    remaining = limit
    while remaining is None or remaining > 0:
        size = _BATCH if remaining is None else min(_BATCH, remaining)
        page = query.order_by(key).limit(size)
        if after is not None:
            page = page.where(key > after)
        with database.transaction(write=False) as session:
            rows: list[Any] = list(session.scalars(page)) if entities else list(session.execute(page).all())
            broken = references(session, rows, now) if rows else []
            session.expunge_all()
        if rows:
            yield rows, broken
        if len(rows) < size:
            return
        after = getattr(rows[-1], key.key) if entities else rows[-1][0]
        if remaining is not None:
            remaining -= len(rows)


def _next_position(after: Any, read: int, limit: int | None) -> Any:
    """Where the next slice starts: after the last row read, or at the first row once this one read fewer rows
    than it could (the end of the table was reached)."""
    return after if limit is not None and read >= limit else None


def _audit_table(database: Database, table: _Table, audit: _Pass, after: Any, limit: int | None, clock: Clock) -> None:
    report = audit.report
    checked = sealed = already = 0
    last = after
    query = select(table.row)
    batches = _batches(
        database, query, table.key, table.references, after=after, limit=limit, entities=True, now=clock()
    )
    for rows, broken in batches:
        audit.references.setdefault(table.name, []).extend(broken)
        seal: dict[Any, str] = {}
        quarantine: list[Any] = []
        for row in rows:
            checked += 1
            row_id = getattr(row, table.key.key)
            last = row_id
            if row.quarantined_at is not None:
                already += 1
                continue
            problem = table.extra(row) if table.extra is not None else None
            computed = table.hasher(attributes(row, table.columns))
            if problem is None and row.integrity_hash is not None and row.integrity_hash != computed:
                problem = "content does not match its integrity hash"
            if problem is not None:
                quarantine.append(row_id)
                report.mismatches.append(Mismatch(table.name, str(row_id), problem))
            elif row.integrity_hash is None:
                seal[row_id] = computed
        if seal or quarantine:
            with database.transaction() as session:
                for row_id, digest in seal.items():
                    session.execute(
                        update(table.row)
                        .where(table.key == row_id, table.row.integrity_hash.is_(None))
                        .values(integrity_hash=digest)
                    )
                if quarantine:
                    session.execute(update(table.row).where(table.key.in_(quarantine)).values(quarantined_at=clock()))
        sealed += len(seal)
    report.checked[table.name] = checked
    report.sealed[table.name] = sealed
    report.quarantined[table.name] = already
    audit.positions[table.name] = _next_position(last, checked, limit)


def _audit_jobs(database: Database, audit: _Pass, after: Any, limit: int | None, clock: Clock) -> None:
    """Jobs are checked for their references only (a review job's review must exist)."""
    read = 0
    last = after
    # SQLite returns a text column's bytes as they are when CAST to BLOB, where decoding it would fail the whole batch
    payload = cast(JobRow.payload, LargeBinary) if database.is_sqlite else JobRow.payload
    query: Select[int, Any] = select(JobRow.id, payload)
    batches = _batches(database, query, JobRow.id, _job_reviews, after=after, limit=limit, entities=False, now=clock())
    for rows, broken in batches:
        audit.references.setdefault("jobs", []).extend(broken)
        read += len(rows)
        last = rows[-1][0]
    audit.report.jobs_checked = read
    audit.positions["jobs"] = _next_position(last, read, limit)


def _review_of(payload: str) -> str | None:
    try:
        document = json.loads(payload)
    except ValueError:
        return None
    value = document.get("review_id") if isinstance(document, dict) else None
    return value if isinstance(value, str) and value else None
