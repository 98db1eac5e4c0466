"""Uploaded plans and source tarballs: redacted, then gzip-compressed, then stored with their SHA-256."""

from __future__ import annotations

import gzip
import json
import uuid
from typing import Any

from sqlalchemy import delete

from tfreview.core.errors import IntegrityError
from tfreview.core.redact import redact_value
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.hashing import sha256_hex
from tfreview.store.database import Database
from tfreview.store.plan_redaction import plan_kind, redact_upload
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
        canonical = plan_kind(kind)
        redacted = redact_upload(content, canonical)
        plan_id = uuid.uuid4().hex
        row = PlanRow(
            id=plan_id,
            tenant_id=tenant_id,
            kind=canonical,
            content=gzip.compress(redacted, mtime=0),
            sha256=sha256_hex(redacted),
            plan_metadata=json.dumps(redact_value(dict(metadata)), sort_keys=True, default=str),
            created_at=self.clock(),
            findings=None if findings is None else json.dumps(redact_value(findings), sort_keys=True),
        )
        row.integrity_hash = plan_hash(attributes(row, PLAN_COLUMNS))
        with self.database.transaction() as session:
            session.add(row)
        return plan_id

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
