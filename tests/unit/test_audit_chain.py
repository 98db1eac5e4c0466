"""The audit log's hash chain (core/audit_chain.py): an edited, removed or re-ordered entry is found."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from tfreview.core.audit_chain import GENESIS, AuditEntry, entry_hash, verify_chain

START = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def _chain(n: int) -> list[AuditEntry]:
    entries, previous = [], GENESIS
    for i in range(n):
        at = START + timedelta(seconds=i)
        detail = {"n": i}
        digest = entry_hash(previous, at, "cli:alice", "token.create", f"token:{i}", detail)
        entries.append(AuditEntry(i + 1, at, "cli:alice", "token.create", f"token:{i}", detail, previous, digest))
        previous = digest
    return entries


def test_an_intact_chain_verifies() -> None:
    check = verify_chain(_chain(5))
    assert check.intact
    assert check.checked == 5


def test_an_edited_entry_is_found() -> None:
    entries = _chain(5)
    entries[2] = dataclasses.replace(entries[2], actor="cli:mallory")
    check = verify_chain(entries)
    assert (check.intact, check.broken_id, check.checked) == (False, 3, 2)
    assert "edited" in check.problem


def test_a_removed_or_reordered_entry_is_found() -> None:
    entries = _chain(5)
    assert verify_chain(entries[:1] + entries[2:]).broken_id == 3
    assert verify_chain([entries[1], entries[0], *entries[2:]]).broken_id == 2
    assert "removed" in verify_chain(entries[1:]).problem
