"""Publish locks (issue 9.11) in DynamoDB: one item per target, taken with a conditional put — free, expired, or
already the caller's — and released with a conditional delete (only the holder's). The item carries the
table's TTL attribute, so DynamoDB removes locks whose holder crashed (TTL deletion is lazy: the condition on
`until`, not the TTL, decides who holds a lock)."""

from __future__ import annotations

import math
from contextlib import suppress
from datetime import timedelta

from tfreview.plumbing.clock import Clock, utcnow
from tfreview.store.aws.table import Table, TransactionConflict, instant

TTL_MARGIN_SECONDS = 3600  # DynamoDB deletes an expired lock item some time after this


class DynamoPublishLocks:
    def __init__(self, table: Table, clock: Clock = utcnow) -> None:
        self.table = table
        self.clock = clock

    def acquire(self, key: str, holder: str, ttl_seconds: float) -> bool:
        now = self.clock()
        until = now + timedelta(seconds=ttl_seconds)
        item = {
            "pk": f"LOCK#{key}",
            "sk": "LOCK",
            "holder": holder,
            "until": instant(until),
            "expires_at": math.ceil(until.timestamp()) + TTL_MARGIN_SECONDS,
        }
        request = self.table.put_request(item, condition="attribute_not_exists(pk) OR holder = :me OR #until <= :now")
        request["Put"]["ExpressionAttributeNames"] = {"#until": "until"}
        request["Put"]["ExpressionAttributeValues"] = {":me": {"S": holder}, ":now": {"S": instant(now)}}
        try:
            self.table.transact([request])
        except TransactionConflict:
            return False
        return True

    def release(self, key: str, holder: str) -> None:
        request = {
            "Delete": {
                "TableName": self.table.name,
                "Key": self.table.key(f"LOCK#{key}", "LOCK"),
                "ConditionExpression": "holder = :me",
                "ExpressionAttributeValues": {":me": {"S": holder}},
            }
        }
        with suppress(TransactionConflict):  # not held by `holder` (or not at all): nothing to give back
            self.table.transact([request])
