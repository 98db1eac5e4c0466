"""Publish locks (issue 9.11) in DynamoDB: one item per target (`LOCK#<target>` / LOCK), a named hold
(tfreview.store.aws.holds) — taken when free, expired, or already the caller's; released only by its holder."""

from __future__ import annotations

from datetime import timedelta

from tfreview.plumbing.clock import Clock, utcnow
from tfreview.store.aws.holds import give_back, take
from tfreview.store.aws.table import Table


class DynamoPublishLocks:
    def __init__(self, table: Table, clock: Clock = utcnow) -> None:
        self.table = table
        self.clock = clock

    def acquire(self, key: str, holder: str, ttl_seconds: float) -> bool:
        now = self.clock()
        item = {"pk": f"LOCK#{key}", "sk": "LOCK", "holder": holder}
        return take(self.table, item, "holder", now, now + timedelta(seconds=ttl_seconds))

    def release(self, key: str, holder: str) -> None:
        give_back(self.table, f"LOCK#{key}", "LOCK", "holder", holder)
