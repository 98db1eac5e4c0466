"""The audit log: the same scenarios on memory, SQLite, PostgreSQL and DynamoDB — appends chain, listings page
newest first (by action too), tampering is found, and concurrent appenders never fork the chain."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.contract.conftest import START, ManualClock, fresh_table, sql_database_of
from tfreview.core.audit_chain import GENESIS
from tfreview.core.errors import InputError
from tfreview.ports.audit import AuditTrail
from tfreview.store.audit_log import MemoryAuditTrail, SqlAuditTrail
from tfreview.store.aws.audit import DynamoAuditTrail


@pytest.fixture(params=["memory", "sqlite", "postgres", "dynamodb"])
def trail(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[tuple[str, ManualClock, Any]]:
    clock = ManualClock()
    if request.param == "memory":
        yield "memory", clock, MemoryAuditTrail(clock=clock)
        return
    if request.param == "dynamodb":
        yield "dynamodb", clock, DynamoAuditTrail(fresh_table(request), clock=clock)
        return
    with sql_database_of(request, sqlite_dir) as database:
        yield request.param, clock, SqlAuditTrail(database, clock=clock)


def test_entries_chain_and_list_newest_first(trail: tuple[str, ManualClock, AuditTrail]) -> None:
    _, clock, audit = trail
    assert audit.verify().intact
    assert audit.verify().checked == 0
    first = audit.record("token.create", actor="cli", target="token:abc", detail={"scope": "admin"})
    clock.advance(1)
    second = audit.record("incident.ack", actor="alice", target="incident:3")
    clock.advance(1)
    third = audit.record("token.revoke", actor="cli", target="token:abc")
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.row_hash
    assert third.prev_hash == second.row_hash
    assert first.at == START
    assert first.detail == {"scope": "admin"}
    page = audit.list(limit=2)
    assert [e.id for e in page.items] == [third.id, second.id]
    assert page.next_cursor
    rest = audit.list(limit=2, cursor=page.next_cursor)
    assert [e.id for e in rest.items] == [first.id]
    assert rest.next_cursor is None
    assert rest.items[0] == first  # read back exactly as recorded
    assert [e.id for e in audit.list(action="token.revoke").items] == [third.id]
    check = audit.verify()
    assert check.intact
    assert check.checked == 3
    with pytest.raises(InputError):
        audit.list(cursor="not-a-cursor")
    with pytest.raises(InputError):
        audit.list(limit=0)


def test_an_oversized_detail_is_truncated(trail: tuple[str, ManualClock, AuditTrail]) -> None:
    _, _, audit = trail
    entry = audit.record("sign_in", actor="x" * 500, detail={"note": "y" * 5000})
    assert entry.detail == {"truncated": True}
    assert len(entry.actor) == 200
    assert audit.verify().intact


def test_concurrent_appenders_keep_one_chain(trail: tuple[str, ManualClock, AuditTrail]) -> None:
    _, _, audit = trail
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            for i in range(5):
                audit.record("job.requeue", actor=f"worker-{n}", target=f"job:{i}")
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    check = audit.verify()
    assert check.intact
    assert check.checked == 20
    ids = [e.id for e in audit.list(limit=100).items]
    assert len(set(ids)) == 20


def test_tampering_with_a_dynamodb_entry_is_found(request: pytest.FixtureRequest) -> None:
    audit = DynamoAuditTrail(fresh_table(request), clock=ManualClock())  # the SQL rows: test_integrity.py
    audit.record("token.create", actor="cli", target="token:a")
    second = audit.record("token.create", actor="cli", target="token:b")
    audit.record("token.create", actor="cli", target="token:c")
    audit.table.update("AUDIT", f"{second.id:020d}", set_={"actor": "mallory"})
    check = audit.verify()
    assert not check.intact
    assert check.broken_id == second.id
