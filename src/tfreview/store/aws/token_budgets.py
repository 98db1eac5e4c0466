"""`TokenBudget` (tfreview.advisor.token_budget) in DynamoDB: one item per tenant and UTC day
(`AIBUDGET#<tenant>` / <day>), so every Lambda container spends the same budget and a cold start keeps what was
spent (ADR 0560). `reserve` is one conditional ADD: two containers racing for the last tokens cannot both pass the
cap. The item carries the table's TTL attribute; DynamoDB removes past days by itself."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from tfreview.store.aws.table import Table

PREFIX: Final = "AIBUDGET#"
KEPT_DAYS: Final = 7  # a day's item expires this long after the day ends


def utc_today() -> date:
    """The budget's day now (UTC), as `tfreview.advisor.token_budget` counts it (the store may not import it)."""
    return datetime.now(UTC).date()


class DynamoTokenBudget:
    def __init__(
        self,
        table: Table,
        daily_limit: int,
        *,
        per_tenant: Mapping[str, int] | None = None,
        today: Callable[[], date] = utc_today,
    ) -> None:
        self.table = table
        self._default = daily_limit
        self._per_tenant = dict(per_tenant or {})
        self._today = today

    def limit(self, tenant_id: str) -> int:
        return self._per_tenant.get(tenant_id, self._default)

    def today(self) -> date:
        return self._today()

    def remaining(self, tenant_id: str) -> int:
        item = self.table.get(PREFIX + tenant_id, self._today().isoformat())
        spent = int(item.get("spent") or 0) if item is not None else 0
        return max(0, self.limit(tenant_id) - spent)

    def reserve(self, tenant_id: str, tokens: int, *, day: date | None = None) -> bool:
        tokens = max(0, tokens)
        limit = self.limit(tenant_id)
        if tokens > limit:
            return False
        day = day or self._today()
        item = self.table.update(
            PREFIX + tenant_id,
            day.isoformat(),
            set_={"expires_at": _expiry(day)},
            add={"spent": tokens},
            condition="attribute_not_exists(#spent) OR #spent <= :room",
            values={":room": limit - tokens},
        )
        return item is not None

    def spend(self, tenant_id: str, tokens: int, *, day: date | None = None) -> None:
        day = day or self._today()
        if tokens >= 0:
            self.table.update(
                PREFIX + tenant_id, day.isoformat(), set_={"expires_at": _expiry(day)}, add={"spent": tokens}
            )
            return
        # a give-back never takes the day below zero (nothing to give back on a day that has no item)
        item = self.table.update(
            PREFIX + tenant_id, day.isoformat(), add={"spent": tokens}, condition="#spent >= :back",
            values={":back": -tokens},
        )  # fmt: skip
        if item is None:
            self.table.update(
                PREFIX + tenant_id, day.isoformat(), set_={"spent": 0}, condition="attribute_exists(#spent)"
            )


def _expiry(day: date) -> int:
    return math.ceil(datetime.combine(day + timedelta(days=KEPT_DAYS + 1), time(), tzinfo=UTC).timestamp())
