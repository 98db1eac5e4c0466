"""API tokens: random secrets shown once, stored as SHA-256 hashes, scoped, expiring, revocable."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.records import ApiToken, Scope
from tfreview.store.database import Database
from tfreview.store.tables import ApiTokenRow
from tfreview.store.token_secrets import hash_matches, new_secret, rejection_of, secret_hash, token_id_of

# last_used_at is written at most once a minute per token: verifying is on every API request
LAST_USED_RESOLUTION = timedelta(seconds=60)


def token_record(row: ApiTokenRow) -> ApiToken:
    return ApiToken(
        id=row.id,
        tenant_id=row.tenant_id,
        scope=Scope(row.scope),
        name=row.name,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


class SqlTokens:
    def __init__(self, database: Database, *, clock: Clock = utcnow) -> None:
        self.database = database
        self.clock = clock

    def create(self, tenant_id: str, scope: Scope, name: str, expires_at: datetime | None) -> tuple[ApiToken, str]:
        token_id, secret = new_secret()
        row = ApiTokenRow(
            id=token_id,
            tenant_id=tenant_id,
            scope=Scope(scope).value,
            name=name,
            secret_hash=secret_hash(secret),
            created_at=self.clock(),
            expires_at=expires_at,
        )
        with self.database.transaction() as session:
            session.add(row)
            session.flush()
            return token_record(row), secret

    def rejection(self, secret: str) -> str:
        token_id = token_id_of(secret)
        if token_id is None:
            return "invalid"
        with self.database.transaction(write=False) as session:
            row = session.get(ApiTokenRow, token_id)
            if row is None or not hash_matches(secret, row.secret_hash):
                return "invalid"
            token = token_record(row)
        return rejection_of(token, self.clock())

    def verify(self, secret: str) -> ApiToken | None:
        token_id = token_id_of(secret)
        if token_id is None:
            return None
        with self.database.transaction(write=False) as session:
            row = session.get(ApiTokenRow, token_id)
            if row is None or not hash_matches(secret, row.secret_hash):
                return None
            token = token_record(row)
        now = self.clock()
        if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
            return None
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            with self.database.transaction() as session:
                session.execute(update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(last_used_at=now))
            token = ApiToken(
                token.id, token.tenant_id, token.scope, token.name, token.created_at, token.expires_at, None, now
            )
        return token

    def revoke(self, token_id: str) -> bool:
        with self.database.transaction() as session:
            result = session.execute(
                update(ApiTokenRow)
                .where(ApiTokenRow.id == token_id, ApiTokenRow.revoked_at.is_(None))
                .values(revoked_at=self.clock())
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]  # CursorResult of an UPDATE

    def revoke_all(self, tenant_id: str, scope: Scope | None = None) -> list[str]:
        live = (ApiTokenRow.tenant_id == tenant_id, ApiTokenRow.revoked_at.is_(None))
        where = (*live, ApiTokenRow.scope == scope.value) if scope is not None else live
        with self.database.transaction() as session:
            ids = sorted(session.scalars(select(ApiTokenRow.id).where(*where)))
            if ids:
                session.execute(update(ApiTokenRow).where(ApiTokenRow.id.in_(ids)).values(revoked_at=self.clock()))
            return ids

    def list(self, tenant_id: str | None = None) -> list[ApiToken]:
        query = select(ApiTokenRow).order_by(ApiTokenRow.created_at, ApiTokenRow.id)
        if tenant_id is not None:
            query = query.where(ApiTokenRow.tenant_id == tenant_id)
        with self.database.transaction(write=False) as session:
            return [token_record(row) for row in session.scalars(query)]
