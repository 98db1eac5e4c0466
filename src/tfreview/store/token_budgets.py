"""`TokenBudget` (tfreview.advisor.token_budget) in the shared database: one `ai_token_spend` row per tenant and
UTC day (ADR 0560). Every worker process spends the same budget, a restart keeps what was spent, and `reserve` is
one conditional UPDATE, so two workers racing for the last tokens cannot both pass the cap."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import case, delete, exc, select, update
from sqlalchemy.orm import Session

from tfreview.store.database import Database
from tfreview.store.tables import TokenSpendRow

_RACES = 3
KEPT_DAYS = 7  # older days' rows go when a tenant starts a new day


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
    ) -> None:
        self.database = database
        self._default = daily_limit
        self._per_tenant = dict(per_tenant or {})
        self._today = today

    def limit(self, tenant_id: str) -> int:
        return self._per_tenant.get(tenant_id, self._default)

    def today(self) -> date:
        return self._today()

    def remaining(self, tenant_id: str) -> int:
        day = self._today().isoformat()
        with self.database.transaction(write=False) as session:
            spent = session.scalar(
                select(TokenSpendRow.spent).where(TokenSpendRow.tenant_id == tenant_id, TokenSpendRow.day == day)
            )
        return max(0, self.limit(tenant_id) - int(spent or 0))

    def reserve(self, tenant_id: str, tokens: int, *, day: date | None = None) -> bool:
        """Count `tokens` as spent on `day` (today) if they fit within the tenant's limit; False (nothing counted)
        if not."""
        tokens = max(0, tokens)
        limit = self.limit(tenant_id)
        if tokens > limit:
            return False
        day = day or self._today()
        for attempt in range(_RACES):
            try:
                with self.database.transaction() as session:
                    row = TokenSpendRow.__table__.c
                    taken = session.execute(
                        update(TokenSpendRow)
                        .where(row.tenant_id == tenant_id, row.day == day.isoformat(), row.spent + tokens <= limit)
                        .values(spent=row.spent + tokens)
                    )
                    if taken.rowcount:  # type: ignore[attr-defined]  # CursorResult of an UPDATE
                        return True
                    if session.get(TokenSpendRow, (tenant_id, day.isoformat())) is not None:
                        return False  # today's row exists and these tokens do not fit in it
                    self._start_day(session, tenant_id, day, tokens)
                    return True
            except exc.IntegrityError:  # another process started this tenant's day first: count against its row
                if attempt == _RACES - 1:
                    raise
        raise AssertionError("unreachable")  # the loop returns or raises

    def spend(self, tenant_id: str, tokens: int, *, day: date | None = None) -> None:
        """Count `tokens` spent on `day` (today); negative: give back what a reservation held and the call did not
        use."""
        day = day or self._today()
        for attempt in range(_RACES):
            try:
                with self.database.transaction() as session:
                    row = TokenSpendRow.__table__.c
                    after = row.spent + tokens
                    changed = session.execute(
                        update(TokenSpendRow)
                        .where(row.tenant_id == tenant_id, row.day == day.isoformat())
                        .values(spent=case((after < 0, 0), else_=after))
                    )
                    if not changed.rowcount and tokens > 0:  # type: ignore[attr-defined]  # CursorResult
                        self._start_day(session, tenant_id, day, tokens)
                    return
            except exc.IntegrityError:
                if attempt == _RACES - 1:
                    raise
        raise AssertionError("unreachable")  # the loop returns or raises

    @staticmethod
    def _start_day(session: Session, tenant_id: str, day: date, tokens: int) -> None:
        oldest = (day - timedelta(days=KEPT_DAYS)).isoformat()
        session.execute(delete(TokenSpendRow).where(TokenSpendRow.tenant_id == tenant_id, TokenSpendRow.day < oldest))
        session.add(TokenSpendRow(tenant_id=tenant_id, day=day.isoformat(), spent=tokens))
        session.flush()
