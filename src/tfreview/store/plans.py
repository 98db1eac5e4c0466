"""Uploaded plans and source tarballs: redacted, then gzip-compressed, then stored with their SHA-256."""

from __future__ import annotations

import gzip
import json
from typing import Any

from sqlalchemy import delete

from tfreview.core.errors import IntegrityError
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.hashing import sha256_hex
from tfreview.store.database import Database
from tfreview.store.plan_records import prepare_plan
from tfreview.store.row_hashes import PLAN_COLUMNS, attributes, plan_hash
from tfreview.store.tables import PlanRow


class SqlPlanStore:
    def __init__(self, database: Database, *, clock: Clock = utcnow) -> None:
        self.database = database
        self.clock = clock

    def put(
        self,
        tenant_id: str,
        content: bytes,
        kind: str,
        metadata: dict[str, object],
        *,
        findings: list[dict[str, Any]] | None = None,
    ) -> str:
        """Redact (InputError when the content is not a plan JSON / tarball of that kind), then store."""
        plan = prepare_plan(content, kind, metadata, findings)
        row = PlanRow(
            id=plan.id,
            tenant_id=tenant_id,
            kind=plan.kind,
            content=gzip.compress(plan.content, mtime=0),
            sha256=plan.sha256,
            plan_metadata=plan.metadata,
            created_at=self.clock(),
            findings=plan.findings,
        )
        row.integrity_hash = plan_hash(attributes(row, PLAN_COLUMNS))
        with self.database.transaction() as session:
            session.add(row)
        return plan.id

    def delete(self, plan_id: str) -> None:
        with self.database.transaction() as session:
            session.execute(delete(PlanRow).where(PlanRow.id == plan_id))

    def get(self, plan_id: str) -> tuple[bytes, str, dict[str, object]] | None:
        with self.database.transaction(write=False) as session:
            row = session.get(PlanRow, plan_id)
            if row is None:
                return None
            if row.quarantined_at is not None:
                raise IntegrityError(f"plan {plan_id} is quarantined (its stored content failed an audit)")
            stored, kind, expected, metadata = bytes(row.content), row.kind, row.sha256, row.plan_metadata
        content = gzip.decompress(stored)
        if sha256_hex(content) != expected:
            raise IntegrityError(f"plan {plan_id}: content does not match its SHA-256")
        return content, kind, json.loads(metadata)

    def findings(self, plan_id: str) -> list[dict[str, Any]] | None:
        with self.database.transaction(write=False) as session:
            row = session.get(PlanRow, plan_id)
            stored = None if row is None else row.findings
        return None if stored is None else list(json.loads(stored))
