"""A per-tenant daily token budget (D4): at the cap no LLM call is made; the rules go on.

`TokenBudget` is the port; `InMemoryTokenBudget` serves the CLI and the tests; the service keeps it in its
database (`tfreview.store.token_budgets.SqlTokenBudget`, ADR 0560), one budget for every worker process.

A call reserves what it may spend before it is made (`reserve`: all or nothing, so concurrent reviews cannot
together pass the cap) and settles after it (`spend` of the difference, negative to give back).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Protocol


class TokenBudget(Protocol):
    def remaining(self, tenant_id: str) -> int:
        """Tokens the tenant may still spend today."""
        ...

    def today(self) -> date:
        """The budget's day now (UTC): a review spends and settles on the day it began."""
        ...

    def spend(self, tenant_id: str, tokens: int, *, day: date | None = None) -> None:
        """Record tokens spent (input and output) on `day` (today when None); negative: give back part of a
        reservation made that day."""
        ...

    def reserve(self, tenant_id: str, tokens: int, *, day: date | None = None) -> bool:
        """Count `tokens` spent on `day` (today when None) if they fit within its limit (True); count nothing
        otherwise (False)."""
        ...

    def limit(self, tenant_id: str) -> int: ...


def utc_today() -> date:
    return datetime.now(UTC).date()


class InMemoryTokenBudget:
    def __init__(
        self, daily_limit: int, *, per_tenant: dict[str, int] | None = None, today: Callable[[], date] = utc_today
    ) -> None:
        self._default = daily_limit
        self._per_tenant = dict(per_tenant or {})
        self._today = today
        self._spent: dict[tuple[str, date], int] = {}
        self._lock = threading.Lock()

    def limit(self, tenant_id: str) -> int:
        return self._per_tenant.get(tenant_id, self._default)

    def today(self) -> date:
        return self._today()

    def remaining(self, tenant_id: str) -> int:
        with self._lock:
            return max(0, self.limit(tenant_id) - self._spent.get((tenant_id, self._today()), 0))

    def spend(self, tenant_id: str, tokens: int, *, day: date | None = None) -> None:
        with self._lock:
            today = self._forget_other_days()
            day = day or today
            if day != today:
                return  # a day that is over: what it spent no longer limits anything
            self._spent[(tenant_id, day)] = max(0, self._spent.get((tenant_id, day), 0) + tokens)

    def reserve(self, tenant_id: str, tokens: int, *, day: date | None = None) -> bool:
        with self._lock:
            today = self._forget_other_days()
            day = day or today
            spent = self._spent.get((tenant_id, day), 0) + max(0, tokens)
            if spent > self.limit(tenant_id):
                return False
            if day == today:
                self._spent[(tenant_id, day)] = spent
            return True

    def _forget_other_days(self) -> date:
        day = self._today()
        for key in [k for k in self._spent if k[1] != day]:
            del self._spent[key]  # yesterday is gone: the map stays one day long
        return day
