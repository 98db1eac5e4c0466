"""The integrity audit (`tfreview audit`, and the periodic audit in `serve`): recompute every stored
delivery's, review's and plan's integrity hash (store/row_hashes.py), check the references between them,
quarantine what does not match, and report.

- A row without a hash (stored before migration 0010) is sealed: its hash is computed and stored.
- A row whose content no longer matches its hash is QUARANTINED (`quarantined_at` set): it is never
  served as good again (reads raise IntegrityError, lists skip it). It is counted once, when found.
- References: a review's plan must exist; a delivery's job must exist; a review job's review must exist.
  A broken reference is reported (and counted) but quarantines nothing: the row itself is intact.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import select, update
from sqlalchemy.orm import InstrumentedAttribute

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


@dataclass(frozen=True, slots=True)
class Mismatch:
    table: str  # deliveries | reviews | plans | references
    row_id: str
    problem: str


@dataclass
class AuditReport:
    checked: dict[str, int] = field(default_factory=dict)
    sealed: dict[str, int] = field(default_factory=dict)
    quarantined: dict[str, int] = field(default_factory=dict)  # already quarantined before this audit
    mismatches: list[Mismatch] = field(default_factory=list)  # found by THIS audit

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


@dataclass(frozen=True, slots=True)
class _Table:
    name: str
    row: Any
    key: InstrumentedAttribute[Any]
    columns: tuple[str, ...]
    hasher: Callable[[dict[str, Any]], str]
    extra: Callable[[Any], str | None] | None = None


_TABLES: Final = (
    _Table("deliveries", DeliveryRow, DeliveryRow.id, DELIVERY_COLUMNS, delivery_hash, _delivery_problem),
    _Table("reviews", ReviewRow, ReviewRow.id, REVIEW_COLUMNS, review_hash),
    _Table("plans", PlanRow, PlanRow.id, PLAN_COLUMNS, plan_hash, _plan_problem),
)


def audit_database(database: Database, *, clock: Clock = utcnow) -> AuditReport:
    """One full audit; writes only hashes of unsealed rows and quarantine marks."""
    report = AuditReport()
    for table in _TABLES:
        _audit_table(database, table, report, clock)
    report.mismatches.extend(_references(database))
    return report


def _batches(database: Database, table: _Table) -> Iterator[list[Any]]:
    after: Any = None
    while True:
        query = select(table.row).order_by(table.key).limit(_BATCH)
        if after is not None:
            query = query.where(table.key > after)
        with database.transaction(write=False) as session:
            rows = list(session.scalars(query))
            session.expunge_all()
        if rows:
            yield rows
        if len(rows) < _BATCH:
            return
        after = getattr(rows[-1], table.key.key)


def _audit_table(database: Database, table: _Table, report: AuditReport, clock: Clock) -> None:
    checked = sealed = already = 0
    for rows in _batches(database, table):
        seal: dict[Any, str] = {}
        quarantine: list[Any] = []
        for row in rows:
            checked += 1
            row_id = getattr(row, table.key.key)
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


def _references(database: Database) -> list[Mismatch]:
    found: list[Mismatch] = []
    with database.transaction(write=False) as session:
        missing_plans = session.execute(
            select(ReviewRow.id, ReviewRow.plan_id)
            .outerjoin(PlanRow, PlanRow.id == ReviewRow.plan_id)
            .where(ReviewRow.plan_id.is_not(None), PlanRow.id.is_(None))
        ).all()
        found.extend(Mismatch("references", rid, f"review's plan {pid} does not exist") for rid, pid in missing_plans)
        missing_jobs = session.execute(
            select(DeliveryRow.id, DeliveryRow.job_id)
            .outerjoin(JobRow, JobRow.id == DeliveryRow.job_id)
            .where(DeliveryRow.job_id.is_not(None), JobRow.id.is_(None))
        ).all()
        found.extend(
            Mismatch("references", str(did), f"delivery's job {jid} does not exist") for did, jid in missing_jobs
        )
        review_ids = set(session.scalars(select(ReviewRow.id)))
        after = 0
        while True:
            jobs = session.execute(
                select(JobRow.id, JobRow.payload).where(JobRow.id > after).order_by(JobRow.id).limit(_BATCH)
            ).all()
            for job_id, payload in jobs:
                review_id = _review_of(payload)
                if review_id and review_id not in review_ids:
                    found.append(Mismatch("references", str(job_id), f"job's review {review_id} does not exist"))
            if len(jobs) < _BATCH:
                break
            after = jobs[-1][0]
    return found


def _review_of(payload: str) -> str | None:
    try:
        document = json.loads(payload)
    except ValueError:
        return None
    value = document.get("review_id") if isinstance(document, dict) else None
    return value if isinstance(value, str) and value else None
