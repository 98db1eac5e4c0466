"""Token revocations survive a restore (issue 11 B5, ADR 0593).

A backup holds each API token as it was when it was taken. Restoring it used to bring back every token revoked
since — a leaked token answered with `tokens revoke`, the old half of `secrets rotate api-token` — and the restore
said nothing. `tfreview backup restore` now reads the revocations of the database it replaces (`read`), before it
replaces it, and writes them into the restored one (`carry`): a token revoked in either stays revoked. A restore onto
a fresh host has no database to read them from; the operator revokes again (docs/howto/backups-and-restore.md).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from tfreview.store.database import Database
from tfreview.store.tables import ApiTokenRow


def read_revocations(url: str, busy_timeout_ms: int) -> dict[str, datetime]:
    """Token id -> when it was revoked, from the database at `url` (the one a restore replaces)."""
    database = Database(url, busy_timeout_ms, pool_size=1)
    try:
        with database.transaction(write=False) as session:
            query = select(ApiTokenRow.id, ApiTokenRow.revoked_at).where(ApiTokenRow.revoked_at.is_not(None))
            rows = session.execute(query).all()
        return {str(token_id): revoked_at for token_id, revoked_at in rows if revoked_at is not None}
    finally:
        database.close()


def carry_revocations(url: str, busy_timeout_ms: int, revocations: dict[str, datetime]) -> list[str]:
    """Revoke, in the database at `url` (the restored one), each token of `revocations` it holds as active; the ids
    of those it revoked, in order."""
    if not revocations:
        return []
    carried: list[str] = []
    database = Database(url, busy_timeout_ms, pool_size=1)
    try:
        with database.core_transaction() as conn:
            for token_id, revoked_at in sorted(revocations.items()):
                active = (ApiTokenRow.id == token_id, ApiTokenRow.revoked_at.is_(None))
                if conn.execute(update(ApiTokenRow).where(*active).values(revoked_at=revoked_at)).rowcount:
                    carried.append(token_id)
    finally:
        database.close()
    return carried
