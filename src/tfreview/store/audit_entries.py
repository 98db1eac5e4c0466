"""The audit log's entries as every adapter builds them, and the in-memory trail (tests, memory services):
the chain's arithmetic without a database, so the services container and the Lambda functions on DynamoDB
import no SQL driver (tfreview.store.audit_log: SQL; tfreview.store.aws.audit: DynamoDB)."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Final

from tfreview.core.audit_chain import GENESIS, AuditEntry, ChainCheck, entry_hash, verify_chain
from tfreview.core.errors import InputError
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.hashing import canonical_json
from tfreview.ports.records import Page
from tfreview.store.cursor import check_limit, decode_cursor, encode_cursor

MAX_DETAIL_CHARS: Final = 4000


def check_action_filter(action: str | None) -> None:
    """InputError for an `action` filter holding a NUL: no action does, and PostgreSQL's text cannot (its driver
    raised: a 500 on that backend, review19a); every adapter refuses it alike."""
    if action is not None and "\x00" in action:
        raise InputError("action: a NUL character (%00) is not allowed in a filter")


def clean_entry(
    action: str, actor: str, target: str, detail: Mapping[str, object] | None
) -> tuple[str, str, str, dict[str, object]]:
    """The entry's fields as every adapter stores them: bounded lengths, a JSON-able detail."""
    document = json.loads(canonical_json(dict(detail or {})))  # JSON-able, as it will read back
    if len(canonical_json(document)) > MAX_DETAIL_CHARS:
        document = {"truncated": True}
    return action[:64], (actor or "unknown")[:200], target[:400], document


def chained(entry_id: int, previous: str, at: datetime, fields: tuple[str, str, str, dict[str, object]]) -> AuditEntry:
    """The entry `entry_id` chained onto the hash `previous`; `fields`: what `clean_entry` answered."""
    action, actor, target, document = fields
    return AuditEntry(
        id=entry_id,
        at=at,
        actor=actor,
        action=action,
        target=target,
        detail=document,
        prev_hash=previous,
        row_hash=entry_hash(previous, at, actor, action, target, document),
    )


class MemoryAuditTrail:
    """The same chain in a list (tests, `build_memory_services`)."""

    def __init__(self, *, clock: Clock = utcnow) -> None:
        self.clock = clock
        self.entries: list[AuditEntry] = []
        self._lock = threading.Lock()

    def record(
        self, action: str, *, actor: str, target: str = "", detail: Mapping[str, object] | None = None
    ) -> AuditEntry:
        action, actor, target, document = clean_entry(action, actor, target, detail)
        with self._lock:
            previous = self.entries[-1].row_hash if self.entries else GENESIS
            at = self.clock()
            entry = chained(len(self.entries) + 1, previous, at, (action, actor, target, document))
            self.entries.append(entry)
            return entry

    def list(self, *, action: str | None = None, limit: int = 50, cursor: str | None = None) -> Page[AuditEntry]:
        check_limit(limit)
        check_action_filter(action)
        before = int(decode_cursor(cursor, (int,))[0]) if cursor else None
        with self._lock:
            chosen = [
                e
                for e in reversed(self.entries)
                if (action is None or e.action == action) and (before is None or e.id < before)
            ]
        items = chosen[:limit]
        return Page(items, encode_cursor(items[-1].id) if len(chosen) > limit else None)

    def verify(self) -> ChainCheck:
        with self._lock:
            return verify_chain(list(self.entries))
