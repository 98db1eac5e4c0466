"""A per-tenant daily token budget (D4): at the cap no LLM call is made; the rules go on.

`TokenBudget` is the port; `InMemoryTokenBudget` serves the CLI and the tests; the service keeps it in its
database (`tfreview.store.token_budgets.SqlTokenBudget`, ADR 0560), one budget for every worker process.

A call reserves what it may spend before it is made (`reserve`: all or nothing, so concurrent reviews cannot together
pass the cap) as a hold that expires (ADR 0560, amended: a process killed mid-call does not keep its tokens until
midnight), settles after it (`spend` against its hold) and releases what the hold still holds at the end.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Final, Protocol

from tfreview.core.token_holds import Ledger

DEFAULT_HOLD_SECONDS: Final = 3_600.0  # a hold whose caller did not say how long its call may last


class TokenBudget(Protocol):
    def remaining(self, tenant_id: str) -> int:
        """Tokens the tenant may still spend today (holds past their expiry not counted)."""
        ...

    def today(self) -> date:
        """The budget's day now (UTC): a review spends and settles on the day it began."""
        ...

    def spend(self, tenant_id: str, tokens: int, *, day: date | None = None, hold: str | None = None) -> None:
        """Record tokens spent (input and output) on `day` (today when None). With `hold`: tokens a call used, first
        out of what that hold holds (all counted if it expired). Without: negative gives back (never below 0)."""
        ...

    def reserve(
        self,
        tenant_id: str,
        tokens: int,
        *,
        day: date | None = None,
        hold: str | None = None,
        hold_seconds: float = DEFAULT_HOLD_SECONDS,
    ) -> bool:
        """Count `tokens` spent on `day` (today when None) if they fit within its limit (True); count nothing
        otherwise (False). With `hold` they are held for `hold_seconds`, then stop counting unless settled."""
        ...

    def release(self, tenant_id: str, hold: str, *, day: date | None = None) -> None:
        """Give back what `hold` still holds; nothing if it expired or was released already."""
        ...

    def limit(self, tenant_id: str) -> int: ...


def utc_today() -> date:
    return datetime.now(UTC).date()


class InMemoryTokenBudget:
    def __init__(
        self,
        daily_limit: int,
        *,
        per_tenant: dict[str, int] | None = None,
        today: Callable[[], date] = utc_today,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._default = daily_limit
        self._per_tenant = dict(per_tenant or {})
        self._today = today
        self._clock = clock
        self._days: dict[tuple[str, date], Ledger] = {}
        self._lock = threading.Lock()

    def limit(self, tenant_id: str) -> int:
        return self._per_tenant.get(tenant_id, self._default)

    def today(self) -> date:
        return self._today()

    def remaining(self, tenant_id: str) -> int:
        with self._lock:
            ledger = self._days.get((tenant_id, self._today()), Ledger())
            return max(0, self.limit(tenant_id) - ledger.counted(self._clock()))

    def spend(self, tenant_id: str, tokens: int, *, day: date | None = None, hold: str | None = None) -> None:
        self._change(tenant_id, day, lambda d: d.settle(tokens, hold=hold) if hold is not None else d.give(tokens))

    def release(self, tenant_id: str, hold: str, *, day: date | None = None) -> None:
        self._change(tenant_id, day, lambda d: d.release(hold))

    def reserve(
        self,
        tenant_id: str,
        tokens: int,
        *,
        day: date | None = None,
        hold: str | None = None,
        hold_seconds: float = DEFAULT_HOLD_SECONDS,
    ) -> bool:
        now = self._clock()
        limit = self.limit(tenant_id)
        return self._change(
            tenant_id, day, lambda d: d.reserve(tokens, limit=limit, hold=hold, expires_at=now + hold_seconds, now=now)
        )

    def _change(self, tenant_id: str, day: date | None, step: Callable[[Ledger], Ledger | None]) -> bool:
        with self._lock:
            today = self._forget_other_days()
            day = day or today
            after = step(self._days.get((tenant_id, day), Ledger()))
            if after is None:
                return False
            if day == today:  # a day that is over: what it spent no longer limits anything
                self._days[(tenant_id, day)] = after
            return True

    def _forget_other_days(self) -> date:
        day = self._today()
        for key in [k for k in self._days if k[1] != day]:
            del self._days[key]  # yesterday is gone: the map stays one day long
        return day
