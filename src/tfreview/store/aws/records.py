"""Tenants, API tokens and uploaded plans in DynamoDB (the same semantics as tfreview.store's SQL ones)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from tfreview.core.errors import IntegrityError
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.hashing import sha256_hex
from tfreview.ports.records import ApiToken, Scope, Tenant
from tfreview.store.aws.table import Table, instant, parse_instant
from tfreview.store.plan_records import prepare_plan
from tfreview.store.token_secrets import hash_matches, new_secret, rejection_of, secret_hash, token_id_of

LAST_USED_RESOLUTION = timedelta(seconds=60)


def tenant_item(tenant: Tenant, updated_at: str) -> dict[str, Any]:
    return {"pk": f"TEN#{tenant.id}", "sk": "TEN", "id": tenant.id, "kind": tenant.kind, "name": tenant.name,
            "updated_at": updated_at}  # fmt: skip


class DynamoTenants:
    def __init__(self, table: Table, *, clock: Clock = utcnow) -> None:
        self.table = table
        self.clock = clock
        self._known: set[Tenant] = set()  # stored as they are: the intake skips the round trip for them

    def known(self, tenant: Tenant) -> bool:
        return tenant in self._known

    def ensure(self, tenant: Tenant) -> Tenant:
        if tenant in self._known:
            return tenant
        stored = self.get(tenant.id)
        if stored != tenant:
            self.table.put(tenant_item(tenant, instant(self.clock())))
        self.remember(tenant)
        return tenant

    def remember(self, tenant: Tenant) -> None:
        """Note a tenant stored as it is (by `ensure`, or by the intake's transaction): no read next time."""
        if len(self._known) < 100_000:
            self._known.add(tenant)

    def get(self, tenant_id: str) -> Tenant | None:
        item = self.table.get(f"TEN#{tenant_id}", "TEN")
        return Tenant(str(item["id"]), str(item["kind"]), str(item["name"])) if item is not None else None


def _token_of(item: dict[str, Any]) -> ApiToken:
    created = parse_instant(item["created_at"])
    assert created is not None
    return ApiToken(
        id=str(item["id"]),
        tenant_id=str(item["tenant_id"]),
        scope=Scope(item["scope"]),
        name=str(item["name"]),
        created_at=created,
        expires_at=parse_instant(item.get("expires_at_text")),
        revoked_at=parse_instant(item.get("revoked_at")),
        last_used_at=parse_instant(item.get("last_used_at")),
    )


class DynamoTokens:
    def __init__(self, table: Table, *, clock: Clock = utcnow) -> None:
        self.table = table
        self.clock = clock

    def create(self, tenant_id: str, scope: Scope, name: str, expires_at: datetime | None) -> tuple[ApiToken, str]:
        token_id, secret = new_secret()
        now = self.clock()
        order = f"{instant(now)}#{token_id}"
        item = {
            "pk": f"TOK#{token_id}",
            "sk": "TOK",
            "id": token_id,
            "tenant_id": tenant_id,
            "scope": Scope(scope).value,
            "name": name,
            "secret_hash": secret_hash(secret),
            "created_at": instant(now),
            # not `expires_at`: that name is the table's TTL attribute, and a token is kept after it expires
            "expires_at_text": instant(expires_at) if expires_at is not None else None,
            "g1pk": f"TOK#T#{tenant_id}",
            "g1sk": order,
            "g3pk": "TOK",
            "g3sk": order,
        }
        self.table.put(item, condition="attribute_not_exists(pk)")
        return _token_of(item), secret

    def _matching(self, secret: str) -> ApiToken | None:
        token_id = token_id_of(secret)
        item = self.table.get(f"TOK#{token_id}", "TOK") if token_id is not None else None
        if item is None or not hash_matches(secret, str(item["secret_hash"])):
            return None
        return _token_of(item)

    def rejection(self, secret: str) -> str:
        token = self._matching(secret)
        return "invalid" if token is None else rejection_of(token, self.clock())

    def verify(self, secret: str) -> ApiToken | None:
        token = self._matching(secret)
        if token is None:
            return None
        now = self.clock()
        if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
            return None
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            self.table.update(f"TOK#{token.id}", "TOK", set_={"last_used_at": instant(now)})
            token = ApiToken(
                token.id, token.tenant_id, token.scope, token.name, token.created_at, token.expires_at, None, now
            )
        return token

    def revoke(self, token_id: str) -> bool:
        revoked = self.table.update(
            f"TOK#{token_id}",
            "TOK",
            set_={"revoked_at": instant(self.clock())},
            condition="attribute_exists(#pk) AND attribute_not_exists(#revoked_at)",
        )
        return revoked is not None

    def revoke_all(self, tenant_id: str, scope: Scope | None = None) -> list[str]:
        """Every live token of the tenant (of `scope` only when given), revoked in transactions of at most 100
        (DynamoDB's limit: all of a tenant's tokens in one transaction up to 100 tokens)."""
        now = instant(self.clock())
        ids = sorted(t.id for t in self.list(tenant_id) if t.revoked_at is None and (scope is None or t.scope == scope))
        for start in range(0, len(ids), 100):
            actions = []
            for token_id in ids[start : start + 100]:
                request = self.table.update_request(
                    f"TOK#{token_id}", "TOK", set_={"revoked_at": now}, condition="attribute_exists(#pk)"
                )
                request.pop("ReturnValues", None)
                actions.append({"Update": request})
            self.table.transact(actions)
        return ids

    def list(self, tenant_id: str | None = None) -> list[ApiToken]:
        index, pk = ("g1", f"TOK#T#{tenant_id}") if tenant_id is not None else ("g3", "TOK")
        return [_token_of(item) for item in self.table.query(index, pk, newest_first=False)]


class DynamoPlanStore:
    def __init__(self, table: Table, *, clock: Clock = utcnow) -> None:
        self.table = table
        self.clock = clock

    def put(
        self,
        tenant_id: str,
        content: bytes,
        kind: str,
        metadata: dict[str, object],
        *,
        findings: list[dict[str, Any]] | None = None,
    ) -> str:
        plan = prepare_plan(content, kind, metadata, findings)
        pk = f"PLAN#{plan.id}"
        blob, chunks = self.table.blob_items(pk, plan.content)
        item = {
            "pk": pk,
            "sk": "PLAN",
            "id": plan.id,
            "tenant_id": tenant_id,
            "kind": plan.kind,
            "sha256": plan.sha256,
            "metadata": plan.metadata,
            "findings": plan.findings,
            "created_at": instant(self.clock()),
            **blob,
        }
        self.table.transact([self.table.put_request(i) for i in [*chunks, item]])
        return plan.id

    def _item(self, plan_id: str) -> dict[str, Any] | None:
        return self.table.get(f"PLAN#{plan_id}", "PLAN")

    def get(self, plan_id: str) -> tuple[bytes, str, dict[str, object]] | None:
        item = self._item(plan_id)
        if item is None:
            return None
        content = self.table.blob(item)
        if content is None or sha256_hex(content) != item["sha256"]:
            raise IntegrityError(f"plan {plan_id}: content does not match its SHA-256")
        return content, str(item["kind"]), dict(json.loads(item["metadata"]))

    def findings(self, plan_id: str) -> list[dict[str, Any]] | None:
        item = self._item(plan_id)
        stored = None if item is None else item.get("findings")
        return None if stored is None else list(json.loads(stored))

    def delete(self, plan_id: str) -> None:
        item = self._item(plan_id)
        if item is None:
            return
        self.table.delete_blob(item)
        self.table.delete(str(item["pk"]), "PLAN")
