"""The audit log (ports/audit.py) in DynamoDB: append-only and hash-chained like the SQL one.

Entries live in one partition (`AUDIT` / <id, 20 digits>), so listing and verifying are strongly consistent
queries in id order; g1 (`AUDIT#A#<action>`, <id>) lists one action. The chain's head (`AUDITHEAD` / HEAD:
the last id and its hash) is what serialises appenders: an entry is written in ONE transaction with the
head's update, conditional on the head being the one the appender read — two processes never chain onto
the same entry; the loser reads the new head and chains onto it. Ids are consecutive. Nothing here updates
or deletes an entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, Final

from tfreview.core.audit_chain import GENESIS, AuditEntry, ChainCheck, verify_chain
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.hashing import canonical_json
from tfreview.ports.records import Page
from tfreview.store.audit_entries import chained, check_action_filter, clean_entry
from tfreview.store.aws.table import Table, TransactionConflict, fixed_id, instant, parse_instant
from tfreview.store.cursor import check_limit, decode_cursor, encode_cursor

PARTITION: Final = "AUDIT"
HEAD: Final = ("AUDITHEAD", "HEAD")


def _entry(item: dict[str, Any]) -> AuditEntry:
    at = parse_instant(item["at"])
    assert at is not None
    return AuditEntry(
        id=int(item["id"]),
        at=at,
        actor=str(item["actor"]),
        action=str(item["action"]),
        target=str(item["target"]),
        detail=json.loads(item["detail"]),
        prev_hash=str(item["prev_hash"]),
        row_hash=str(item["row_hash"]),
    )


class DynamoAuditTrail:
    def __init__(self, table: Table, *, clock: Clock = utcnow) -> None:
        self.table = table
        self.clock = clock

    def record(
        self, action: str, *, actor: str, target: str = "", detail: Mapping[str, object] | None = None
    ) -> AuditEntry:
        fields = clean_entry(action, actor, target, detail)
        action, actor, target, document = fields
        while True:
            head = self.table.get(*HEAD)
            last = int(head["last"]) if head is not None else 0
            previous = str(head["hash"]) if head is not None else GENESIS
            at = self.clock()
            entry = chained(last + 1, previous, at, fields)
            move = self.table.update_request(
                *HEAD,
                set_={"last": entry.id, "hash": entry.row_hash},
                condition="attribute_not_exists(#pk)" if head is None else "#last = :last",
                values={":last": last},
            )
            item = {
                "pk": PARTITION,
                "sk": fixed_id(entry.id),
                "id": entry.id,
                "at": instant(at),
                "actor": actor,
                "action": action,
                "target": target,
                "detail": canonical_json(document),
                "prev_hash": previous,
                "row_hash": entry.row_hash,
                "g1pk": f"AUDIT#A#{action}",
                "g1sk": fixed_id(entry.id),
            }
            try:
                self.table.transact(
                    [{"Update": move}, self.table.put_request(item, condition="attribute_not_exists(pk)")]
                )
            except TransactionConflict:
                continue  # another process appended first: chain onto its entry
            return entry

    def list(self, *, action: str | None = None, limit: int = 50, cursor: str | None = None) -> Page[AuditEntry]:
        check_limit(limit)
        check_action_filter(action)
        before = fixed_id(int(decode_cursor(cursor, (int,))[0])) if cursor else None
        page = min(limit + 1, 1000)
        if action:
            found = self.table.query("g1", f"AUDIT#A#{action}", before=before, page_size=page)
        else:
            found = self.table.query(None, PARTITION, before=before, page_size=page, consistent=True)
        items: list[AuditEntry] = []
        for item in found:
            items.append(_entry(item))
            if len(items) > limit:
                break
        shown = items[:limit]
        return Page(shown, encode_cursor(shown[-1].id) if len(items) > limit else None)

    def verify(self) -> ChainCheck:
        return verify_chain(self._in_order())

    def _in_order(self) -> Iterator[AuditEntry]:
        for item in self.table.query(None, PARTITION, newest_first=False, page_size=1000, consistent=True):
            yield _entry(item)
