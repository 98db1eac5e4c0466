"""The audit log's hash chain, pure: each entry's hash covers the previous entry's hash and its own content.

    row_hash = sha256(prev_hash + "\\n" + canonical JSON of {at, actor, action, target, detail})

The first entry's `prev_hash` is GENESIS. Editing an entry changes its hash (the stored one no longer
matches); deleting or re-ordering one breaks the next entry's `prev_hash`. `verify_chain` names the first
entry where the chain breaks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

GENESIS: Final = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One stored entry of the audit log."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: Mapping[str, object] = field(default_factory=dict)
    prev_hash: str = GENESIS
    row_hash: str = ""


def entry_hash(prev_hash: str, at: datetime, actor: str, action: str, target: str, detail: Mapping[str, object]) -> str:
    content = {
        "at": at.isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "target": target,
        "detail": dict(detail),
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """The verdict of `verify_chain`: how many entries were checked and the first broken one, if any."""

    checked: int
    broken_id: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def verify_chain(entries: Iterable[AuditEntry]) -> ChainCheck:
    """Walk the entries in id order; stop at the first whose link or hash does not match."""
    previous = GENESIS
    checked = 0
    for entry in entries:
        if entry.prev_hash != previous:
            return ChainCheck(
                checked, entry.id, "its previous-hash link does not match (an entry before it was removed or changed)"
            )
        expected = entry_hash(entry.prev_hash, entry.at, entry.actor, entry.action, entry.target, entry.detail)
        if entry.row_hash != expected:
            return ChainCheck(checked, entry.id, "its content does not match its hash (the entry was edited)")
        previous = entry.row_hash
        checked += 1
    return ChainCheck(checked)
