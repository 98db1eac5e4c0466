"""Tokens.revoke_all (issue 11, compromise response) on memory, SQLite and PostgreSQL: every live token of one
tenant (of one scope when asked) is revoked at once; other tenants' tokens and other scopes keep working."""

from __future__ import annotations

from tests.contract.conftest import Stores
from tfreview.ports.records import Scope


def test_revoke_all_of_a_tenant_and_of_one_scope(stores: Stores) -> None:
    tokens = stores.tokens
    read, read_secret = tokens.create("github:1", Scope.READ, "dashboard", None)
    write, write_secret = tokens.create("github:1", Scope.WRITE, "ci", None)
    admin, admin_secret = tokens.create("github:1", Scope.ADMIN, "ops", None)
    _, other_secret = tokens.create("github:2", Scope.WRITE, "ci", None)
    already, _ = tokens.create("github:1", Scope.WRITE, "old", None)
    assert tokens.revoke(already.id)

    assert tokens.revoke_all("github:1", Scope.WRITE) == [write.id]
    assert tokens.verify(write_secret) is None
    assert tokens.rejection(write_secret) == "revoked"
    assert tokens.verify(read_secret) is not None
    assert tokens.verify(admin_secret) is not None

    stores.clock.advance(1)
    assert tokens.revoke_all("github:1") == sorted([read.id, admin.id])
    assert tokens.verify(read_secret) is None
    assert tokens.verify(admin_secret) is None
    assert tokens.verify(other_secret) is not None  # another tenant's token still works
    assert tokens.revoke_all("github:1") == []  # nothing live is left: idempotent
    assert tokens.revoke_all("github:404") == []
    states = {t.id: t.revoked_at for t in tokens.list("github:1")}
    assert all(revoked is not None for revoked in states.values())
