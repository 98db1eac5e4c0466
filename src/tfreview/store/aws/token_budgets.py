"""`TokenBudget` (tfreview.advisor.token_budget) in DynamoDB: one item per tenant and UTC day (`AIBUDGET#<tenant>` /
<day>), so every Lambda container spends the same budget and a cold start keeps what was spent (ADR 0560). Each
change reads the item and writes it back on condition that nobody changed it since (its version `v` and `spent`): two
containers racing for the last tokens cannot both pass the cap; the loser reads again. A reservation is a hold in the
item that expires (ADR 0560, amended, tfreview.core.token_holds): a container killed mid-call stops holding its
tokens at its call's deadline plus a margin. The item carries the table's TTL attribute; DynamoDB removes past days
by itself."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_start
from typing import Any, Final

from tfreview.core.errors import StoreUnavailable
from tfreview.core.token_holds import Ledger, decode_holds, encode_holds
from tfreview.store.aws.table import Table

PREFIX: Final = "AIBUDGET#"
KEPT_DAYS: Final = 7  # a day's item expires this long after the day ends
DEFAULT_HOLD_SECONDS: Final = 3_600.0  # as tfreview.advisor.token_budget (the store may not import it)
RACES: Final = 40  # conditional writes lost to other writers before the store is called busy
_BACKOFF_SECONDS: Final = 0.005


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
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.table = table
        self._default = daily_limit
        self._per_tenant = dict(per_tenant or {})
        self._today = today
        self._clock = clock
        self._sleep = sleep

    def limit(self, tenant_id: str) -> int:
        return self._per_tenant.get(tenant_id, self._default)

    def today(self) -> date:
        return self._today()

    def remaining(self, tenant_id: str) -> int:
        item = self.table.get(PREFIX + tenant_id, self._today().isoformat())
        counted = _ledger(item).counted(self._clock()) if item is not None else 0
        return max(0, self.limit(tenant_id) - counted)

    def reserve(
        self,
        tenant_id: str,
        tokens: int,
        *,
        day: date | None = None,
        hold: str | None = None,
        hold_seconds: float = DEFAULT_HOLD_SECONDS,
    ) -> bool:
        limit = self.limit(tenant_id)
        now = self._clock()
        return self._change(
            tenant_id, day, lambda d: d.reserve(tokens, limit=limit, hold=hold, expires_at=now + hold_seconds, now=now)
        )

    def spend(self, tenant_id: str, tokens: int, *, day: date | None = None, hold: str | None = None) -> None:
        self._change(tenant_id, day, lambda d: d.settle(tokens, hold=hold) if hold is not None else d.give(tokens))

    def release(self, tenant_id: str, hold: str, *, day: date | None = None) -> None:
        self._change(tenant_id, day, lambda d: d.release(hold))

    def _change(self, tenant_id: str, day: date | None, step: Callable[[Ledger], Ledger | None]) -> bool:
        """Read the day's item, apply `step`, write it back if nobody wrote in between (else again)."""
        day = day or self._today()
        pk, sk = PREFIX + tenant_id, day.isoformat()
        for attempt in range(RACES):
            item = self.table.get(pk, sk)
            before = _ledger(item) if item is not None else Ledger()
            after = step(before)
            if after is None:
                return False
            if after == before:
                return True
            if item is None:
                condition, values = "attribute_not_exists(#spent)", {}
            elif "v" in item:
                condition, values = "#v = :v AND #spent = :spent", {":v": item["v"], ":spent": item.get("spent", 0)}
            else:  # an item written before holds (ADR 0560, amended): nobody has versioned it yet
                condition, values = "attribute_not_exists(#v) AND #spent = :spent", {":spent": item.get("spent", 0)}
            version = int(item.get("v") or 0) if item is not None else 0
            written = self.table.update(
                pk,
                sk,
                set_={
                    "spent": after.spent,
                    "holds": encode_holds(after.holds),
                    "v": version + 1,
                    "expires_at": _expiry(day),
                },
                condition=condition,
                values=values,
            )
            if written is not None:
                return True
            self._sleep(random.uniform(0, _BACKOFF_SECONDS * min(attempt + 1, 8)))
        raise StoreUnavailable("the token budget is busy: too many writers at once, try again")


def _ledger(item: Mapping[str, Any]) -> Ledger:
    return Ledger(int(item.get("spent") or 0), decode_holds(item.get("holds")))


def _expiry(day: date) -> int:
    return math.ceil(datetime.combine(day + timedelta(days=KEPT_DAYS + 1), day_start(), tzinfo=UTC).timestamp())
