"""`TokenBudget` (tfreview.advisor.token_budget) in the shared database: one `ai_token_spend` row per tenant and
UTC day (ADR 0560). Every worker process spends the same budget, a restart keeps what was spent. Each change locks
the day's row (FOR UPDATE on PostgreSQL; SQLite's write transaction is the lock), so two workers racing for the
last tokens cannot both pass the cap. A reservation is a hold on the row that expires (ADR 0560, amended,
tfreview.core.token_holds): a worker killed mid-call stops holding its tokens at its call's deadline plus a
margin."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Final

from sqlalchemy import delete, exc, select
from sqlalchemy.orm import Session

from tfreview.core.token_holds import Ledger, decode_holds, encode_holds
from tfreview.store.database import Database
from tfreview.store.tables import TokenSpendRow

_RACES = 3
KEPT_DAYS = 7  # older days' rows go when a tenant starts a new day
DEFAULT_HOLD_SECONDS: Final = 3_600.0  # as tfreview.advisor.token_budget (the store may not import it)


def utc_today() -> date:
    """The budget's day now (UTC), as `tfreview.advisor.token_budget` counts it (the store may not import it)."""
    return datetime.now(UTC).date()


class SqlTokenBudget:
    def __init__(
        self,
        database: Database,
        daily_limit: int,
        *,
        per_tenant: Mapping[str, int] | None = None,
        today: Callable[[], date] = utc_today,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.database = database
        self._default = daily_limit
        self._per_tenant = dict(per_tenant or {})
        self._today = today
        self._clock = clock

    def limit(self, tenant_id: str) -> int:
        return self._per_tenant.get(tenant_id, self._default)

    def today(self) -> date:
        return self._today()

    def remaining(self, tenant_id: str) -> int:
        day = self._today().isoformat()
        with self.database.transaction(write=False) as session:
            row = session.get(TokenSpendRow, (tenant_id, day))
            counted = _ledger(row).counted(self._clock()) if row is not None else 0
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
        """Count `tokens` as spent on `day` (today) if they fit within the tenant's limit, held by `hold` for
        `hold_seconds`; False (nothing counted) if not."""
        limit = self.limit(tenant_id)
        now = self._clock()
        return self._change(
            tenant_id, day, lambda d: d.reserve(tokens, limit=limit, hold=hold, expires_at=now + hold_seconds, now=now)
        )

    def spend(self, tenant_id: str, tokens: int, *, day: date | None = None, hold: str | None = None) -> None:
        """Count `tokens` spent on `day` (today): with `hold`, what a call used, first out of its hold; without,
        negative gives back (never below zero)."""
        self._change(tenant_id, day, lambda d: d.settle(tokens, hold=hold) if hold is not None else d.give(tokens))

    def release(self, tenant_id: str, hold: str, *, day: date | None = None) -> None:
        """What `hold` still holds goes back; nothing if it expired or was released already."""
        self._change(tenant_id, day, lambda d: d.release(hold))

    def _change(self, tenant_id: str, day: date | None, step: Callable[[Ledger], Ledger | None]) -> bool:
        """One step on the day's row, under its lock; False when the step refused (nothing written)."""
        day = day or self._today()
        for attempt in range(_RACES):
            try:
                with self.database.transaction() as session:
                    row = session.scalars(
                        select(TokenSpendRow)
                        .where(TokenSpendRow.tenant_id == tenant_id, TokenSpendRow.day == day.isoformat())
                        .with_for_update()
                    ).first()
                    before = _ledger(row) if row is not None else Ledger()
                    after = step(before)
                    if after is None:
                        return False
                    if after == before:
                        return True
                    if row is None:
                        self._start_day(session, tenant_id, day, after)
                    else:
                        row.spent, row.holds = after.spent, encode_holds(after.holds)
                    return True
            except exc.IntegrityError:  # another process started this tenant's day first: count against its row
                if attempt == _RACES - 1:
                    raise
        raise AssertionError("unreachable")  # the loop returns or raises

    @staticmethod
    def _start_day(session: Session, tenant_id: str, day: date, ledger: Ledger) -> None:
        oldest = (day - timedelta(days=KEPT_DAYS)).isoformat()
        session.execute(delete(TokenSpendRow).where(TokenSpendRow.tenant_id == tenant_id, TokenSpendRow.day < oldest))
        session.add(
            TokenSpendRow(
                tenant_id=tenant_id, day=day.isoformat(), spent=ledger.spent, holds=encode_holds(ledger.holds)
            )
        )
        session.flush()


def _ledger(row: TokenSpendRow) -> Ledger:
    return Ledger(int(row.spent), decode_holds(row.holds))
