"""The audit log port: THE one call other code makes to record a security-relevant action.

    services.audit.record("token.create", actor="cli", target="token:abc123", detail={"scope": "admin"})

Actions are dotted nouns (`sign_in`, `token.create`, `token.revoke`, `job.requeue`, `delivery.requeue`,
`incident.ack`, `incident.resolve`, `backup.create`, `backup.restore`; other branches add `block.*`,
`secret.rotate`). `detail` is a small JSON object and must never hold a secret (ids, names, scopes only).
Adapters: tfreview.store.audit_log (SQL, hash-chained) and MemoryAuditTrail (tests)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from tfreview.core.audit_chain import AuditEntry, ChainCheck
from tfreview.ports.records import Page


class AuditTrail(Protocol):
    def record(
        self, action: str, *, actor: str, target: str = "", detail: Mapping[str, object] | None = None
    ) -> AuditEntry:
        """Append one entry (chained to the previous one) and return it."""
        ...

    def list(self, *, action: str | None = None, limit: int = 50, cursor: str | None = None) -> Page[AuditEntry]:
        """Newest first."""
        ...

    def verify(self) -> ChainCheck:
        """Recompute the whole chain; the first broken entry when it was tampered with."""
        ...
