"""Whose claim on an outbox entry is a dead sender's, on every outbox that stores owners (SQLite, PostgreSQL, DynamoDB
and a process's own, ADR 0747): a sender of another pid namespace with the same host name — a pod re-created with
its name, `docker run --hostname` — is never taken for dead, so its entry is not sent twice; one of this namespace
whose process is gone, or whose pid now belongs to another process, is; an owner written as "host:pid" by a
release before is read as before."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.contract.conftest import ManualClock, fresh_table, sql_database_of
from tests.contract.test_incidents_contract import new_incident
from tfreview.ops.incidents import Incidents
from tfreview.ops.notify.dispatcher import Dispatcher
from tfreview.ops.notify.message import Notification, NotifyEvent
from tfreview.ops.notify.outbox import NotifyOutbox, PidSpace, dead_owner, local_pid_space, owner_name, process_alive
from tfreview.ops.notify.process_outbox import ProcessOutbox
from tfreview.store.aws.incidents import DynamoIncidents
from tfreview.store.aws.notify_outbox import DynamoOutbox
from tfreview.store.incidents import SqlIncidents
from tfreview.store.memory_incidents import MemoryIncidents
from tfreview.store.notify_outbox import SqlOutbox

HOST = "web-0"  # the host name both containers have


@dataclass
class Store:
    incidents: Incidents
    outbox: NotifyOutbox
    process: ProcessOutbox | None = None  # the process's own outbox: entries are added to it, not by the store


@pytest.fixture(params=["sqlite", "postgres", "dynamodb", "process"])
def store(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[Store]:
    clock = ManualClock()
    if request.param == "dynamodb":
        table = fresh_table(request)
        outbox = DynamoOutbox(table, clock=clock)
        yield Store(DynamoIncidents(table, clock=clock, written=outbox.written), outbox)
    elif request.param == "process":
        own = ProcessOutbox(clock=clock)
        yield Store(MemoryIncidents(clock=clock), own, own)
    else:
        with sql_database_of(request, sqlite_dir) as database:
            yield Store(SqlIncidents(database, clock=clock), SqlOutbox(database, clock=clock))


def claimed_by(store: Store, owner: str, group: str = "intake-db-errors") -> int:
    """An incident opened, and its entry claimed by `owner` (another sender mid-send)."""
    incident, _ = store.incidents.open(new_incident(group), {})
    if store.process is not None:
        store.process.add(incident, NotifyEvent.TRIGGER)
    (entry,) = store.outbox.due()
    assert store.outbox.claim(entry.id, owner)
    return entry.id


class Chat:
    """A notifier that keeps what it was given (Slack, which cannot deduplicate a page sent twice)."""

    name = "slack"
    channels = frozenset({"page", "chat", "email", "ticket"})
    levels = frozenset(range(10))

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, notification: Notification) -> None:
        self.sent.append(notification.key)


def sender_here(store: Store) -> tuple[Dispatcher, str, Chat]:
    me = owner_name(HOST, os.getpid(), local_pid_space())
    chat = Chat()
    dispatcher = Dispatcher([chat], store.incidents, public_url="http://tfreview.test", outbox=store.outbox, owner=me)
    return dispatcher, me, chat


def gone_pid() -> tuple[int, str]:
    """A process of this namespace that ran and is gone (reaped): its pid and its owner name while it ran."""
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    name = owner_name(HOST, child.pid, local_pid_space())
    assert child.stdin is not None
    child.stdin.close()
    child.wait()
    return child.pid, name


def test_a_live_sender_of_another_namespace_with_the_same_host_name_keeps_its_claim(store: Store) -> None:
    pid, _ = gone_pid()  # not a process here; in the other container it is the live sender
    other = owner_name(HOST, pid, PidSpace("0123456789abcdef", lambda p: "777"))
    assert other == f"{HOST}:{pid};pidns=0123456789abcdef;start=777"
    entry_id = claimed_by(store, other)
    dispatcher, me, chat = sender_here(store)
    dispatcher.pump()
    assert store.outbox.claimed_by_others(me) == [(entry_id, other)]  # stored and read back as written: still held
    assert store.outbox.pending() == 1
    assert chat.sent == []  # not sent a second time behind the live sender's back
    assert dead_owner(f"{HOST}:{pid}", HOST, process_alive)  # what the name without its namespace was judged


def test_a_sender_of_this_namespace_whose_process_is_gone_is_dead(store: Store) -> None:
    _, name = gone_pid()
    assert ";pidns=" in name
    claimed_by(store, name)
    dispatcher, _, chat = sender_here(store)
    dispatcher.pump()  # released at once (not after the claim expires), claimed by this sender and sent
    assert store.outbox.pending() == 0
    assert len(chat.sent) == 1


def test_a_sender_whose_pid_now_belongs_to_another_process_is_dead(store: Store) -> None:
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:  # the claim was written by a process with this pid that started at another time
        space = local_pid_space()
        reused = owner_name(HOST, child.pid, PidSpace(space.id, lambda p: "1"))
        claimed_by(store, reused)
        live = owner_name(HOST, child.pid, space)
        assert not dead_owner(live, HOST, process_alive)  # the very process: alive
        dispatcher, _, chat = sender_here(store)
        dispatcher.pump()
        assert store.outbox.pending() == 0
        assert len(chat.sent) == 1
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait()


def test_an_owner_written_by_a_release_before_is_read_as_before(store: Store) -> None:
    pid, _ = gone_pid()
    elsewhere = claimed_by(store, f"other-host:{pid}")
    dispatcher, me, chat = sender_here(store)
    dispatcher.pump()
    assert store.outbox.claimed_by_others(me) == [(elsewhere, f"other-host:{pid}")]  # another host: never judged
    assert chat.sent == []
    store.outbox.done(elsewhere)
    claimed_by(store, f"{HOST}:{pid}", "queue-stuck")  # this host, no namespace: dead when the pid does not run here
    dispatcher.pump()
    assert store.outbox.pending() == 0
    assert len(chat.sent) == 1


@pytest.mark.skipif(shutil.which("unshare") is None, reason="no unshare(1)")
def test_a_real_sender_in_another_pid_namespace_is_not_taken_for_dead() -> None:
    """A real process in a new pid namespace (same host name, as two containers): its own name for itself."""
    code = (
        "import socket, sys; from tfreview.wiring.ops import sender_name; "
        "print(sender_name(socket.gethostname()), flush=True); sys.stdin.read()"
    )
    with subprocess.Popen(
        ["unshare", "--user", "--map-root-user", "--pid", "--fork", sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as child:
        assert child.stdin is not None
        assert child.stdout is not None
        line = child.stdout.readline().strip()  # it runs until its stdin is closed, as the block is left
        if not line:
            pytest.skip("no pid namespace for an unprivileged process here")
        here = socket.gethostname()
        host, _, tail = line.rpartition(":")
        assert host == here
        assert ";pidns=" in tail
        assert f";pidns={local_pid_space().id};" not in tail
        assert not dead_owner(line, here, process_alive)
