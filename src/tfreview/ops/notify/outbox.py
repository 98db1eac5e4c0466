"""The notification outbox: every change of an incident that someone must be told of (opened, escalated,
acknowledged, resolved) is written as an `OutboxEntry` in the SAME transaction as the change itself
(`tfreview.store.incidents`), so a process killed between the change and the send loses no page.

The dispatcher drains the due entries (`Dispatcher.pump`), at least once: an entry is claimed for a while
(one sender at a time across processes), each notifier's outcome is recorded in the incident's timeline
with the entry's id, and the entry is marked done after every notifier had its turn. A sender that dies
mid-entry leaves it claimed until the claim expires; the next sender skips the notifiers whose outcome is
recorded and sends to the others again (a sender on this host and in this pid namespace whose process is gone,
or whose pid another process now has, is known dead at once: its claims are released without waiting, ADR 0747)
— a duplicate is harmless because every notification of an incident carries the same dedup key (PagerDuty
`dedup_key`, the webhook's `dedup_key`) and its own stable key (`Notification.key`: e-mail's Message-ID, so mail
clients drop the resend); Slack cannot deduplicate, so an entry claimed again after an unfinished claim is sent
marked as a repeat (ADR 0260).

Entries past their retention are deleted by the watchdog (`Dispatcher.sweep`, `OutboxRetention`).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from tfreview.ops.notify.message import NotifyEvent

logger = logging.getLogger("tfreview.notify")

CLAIM_SECONDS = 120.0  # an entry stays with its sender this long (a send is bounded by the notifiers' retries)
UNREADABLE_SECONDS = 300.0  # an entry this release cannot read is looked at again this much later (ADR 0737)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    id: int
    incident_id: int
    event: NotifyEvent
    level: int  # the incident's level when the change happened (an escalation pages the new level)
    channels: tuple[str, ...]
    created_at: datetime
    details: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0


class NotifyOutbox(Protocol):
    def due(self, limit: int = 50, *, passed_over: Callable[[int], None] | None = None) -> list[OutboxEntry]:
        """Entries not done, not claimed by a live sender and due, oldest first; none behind an older entry of its
        incident that is not done (an incident's notifications go out in order, across senders: ADR 0637). One this
        release cannot read is left out and made due again UNREADABLE_SECONDS later (`later`), logged by its id only
        (ADR 0737), and its id given to `passed_over` (the sender counts it as a failure, review24): it holds back its
        own incident's later entries, never another incident's."""
        ...

    def claim(self, entry_id: int, owner: str, seconds: float = CLAIM_SECONDS) -> bool:
        """Take the entry for `seconds`; False when another sender holds it, it is done, or an older entry of its
        incident is not done yet."""
        ...

    def done(self, entry_id: int) -> None: ...

    def later(self, entry_id: int, seconds: float, error: str) -> None:
        """Release the claim and make it due again in `seconds` (the store was unreadable, say)."""
        ...

    def claimed_by_others(self, owner: str) -> list[tuple[int, str]]:
        """(entry id, owner) of the entries another sender holds and has not finished."""
        ...

    def release(self, entry_id: int) -> None:
        """Drop its claim (its sender is known to be dead)."""
        ...

    def pending(self) -> int:
        """How many entries are not done."""
        ...

    def seconds_to_next(self) -> float | None:
        """Seconds until the earliest entry not done may be sent — its due time, or when the claim on it
        expires — 0 when one is due now; None when every entry is done (the sender's one cheap read when idle)."""
        ...

    def sweep(self, sent_before: datetime, unsent_before: datetime) -> Swept:
        """Delete what is kept no longer (`OutboxRetention`); how many sent and unsent entries went."""
        ...


@dataclass(frozen=True, slots=True)
class Swept:
    sent: int  # sent (done) entries past the retention
    unsent: int  # never sent: their incident resolved, or written past the longer retention


@dataclass(frozen=True, slots=True)
class OutboxRetention:
    """How long entries stay after they matter (docs/reference/configuration: notify.outbox_*).

    A sent entry is kept `sent_days` after it was done (its outcome lives on in the incident's timeline,
    which this never deletes). One never sent is kept while its incident is open — the sender keeps trying —
    and goes `sent_days` after it was written once the incident is resolved, or `unsent_days` after it was
    written in any case (a notifier misconfigured for a month: the entry is logged as dropped)."""

    sent_days: float = 7.0
    unsent_days: float = 30.0
    every_seconds: float = 3600.0  # the watchdog sweeps this often (under its lease: one process)

    def cutoffs(self, now: datetime) -> tuple[datetime, datetime]:
        return now - timedelta(days=self.sent_days), now - timedelta(days=self.unsent_days)


def unreadable(entry_id: int, error: Exception) -> str:
    """What is logged and kept (`last_error`) of an entry this release cannot read: its id and the error's class, never
    its content (ADR 0737)."""
    reason = f"unreadable by this release ({type(error).__name__})"
    logger.warning(
        "notification outbox: entry %s is %s; its incident's notifications wait, the others go; read again in %g s",
        entry_id, reason, UNREADABLE_SECONDS,
    )  # fmt: skip
    return reason


OWNER_LENGTH = 200  # the SQL stores' `claimed_by` column: a longer owner would not read back as written


@dataclass(frozen=True, slots=True)
class PidSpace:
    """What tells this process's pids from another's on a shared host name (ADR 0747): `id`, a digest of the kernel's
    boot id and the pid namespace (`/proc/self/ns/pid`) — None where /proc does not say — and `started`, a pid's start
    time in clock ticks since boot (`/proc/<pid>/stat`), None when there is no such process here."""

    id: str | None
    started: Callable[[int], str | None]


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii", errors="replace") as file:
            return file.read()
    except OSError:
        return None


def process_started(pid: int) -> str | None:
    """Field 22 of `/proc/<pid>/stat` (after the name in parentheses, which may hold spaces and parentheses)."""
    stat = _read(f"/proc/{pid}/stat")
    if stat is None:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 and fields[19].isdigit() else None


def pid_space_id() -> str | None:
    """This process's pid namespace on this boot of this kernel, as 16 hex digits; None off Linux. The namespace's
    number alone is not enough: the host's is the same constant on every machine, and containers' are reused from
    machine to machine."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        return None
    boot = _read("/proc/sys/kernel/random/boot_id")
    if boot is None or not boot.strip():
        return None
    return hashlib.sha256(f"{boot.strip()}/{namespace}".encode()).hexdigest()[:16]


def local_pid_space() -> PidSpace:
    return PidSpace(pid_space_id(), process_started)


def owner_name(host: str, pid: int, space: PidSpace) -> str:
    """A sender's name on its claims: "host:pid", then `;pidns=…;start=…` where /proc tells them (ADR 0747). A
    release before it reads the longer name as not a pid of its host: it waits for the claim to expire (never a
    duplicate). Kept within OWNER_LENGTH: a host too long for the longest tail is replaced by its digest."""
    marks = ""
    started = space.started(pid) if space.id is not None else None
    if space.id is not None and started is not None:
        marks = f";pidns={space.id};start={started}"
    if len(host) > OWNER_LENGTH - _LONGEST_TAIL:  # by the host's length alone: every sender of a host names it alike
        host = f"host-{hashlib.sha256(host.encode()).hexdigest()[:32]}"
    return f"{host}:{pid}{marks}"


# ":pid;pidns=…;start=…" at its longest: a pid up to Linux's pid_max (4194304), a start in clock ticks up to 2**64.
# A host is shortened when the longest tail would not fit after it, not when this sender's does not: two senders of
# one host (a pid of 5 digits, another of 7; a start a day after boot, another a year) named it differently, and
# neither knew the other's claims for its host's (review24b).
_LONGEST_TAIL = len(":4194304;pidns=0123456789abcdef;start=18446744073709551615")


def dead_owner(owner: str, here: str, alive: Callable[[int], bool], space: PidSpace | None = None) -> bool:
    """Whether `owner` is a process of this host (`here`) that no longer runs. An owner that names its pid namespace
    (ADR 0747) is dead only in this process's namespace (`space`), when its pid is gone or now belongs to a process
    started at another time (the pid was reused); in another namespace — a container with the same host name — it
    cannot be told, and is not taken for dead. An owner written as "host:pid" (a release before) is read as before:
    dead when that pid does not run here."""
    host, _, tail = owner.rpartition(":")
    pid_text, *fields = tail.split(";")
    if host != here or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    marks = dict(field.partition("=")[::2] for field in fields)
    written_space, written_start = marks.get("pidns"), marks.get("start")
    if written_space is None:
        return not alive(pid)
    space = space if space is not None else local_pid_space()
    if space.id is None or written_space != space.id:
        return False
    if not alive(pid):
        return True
    now = space.started(pid)
    return written_start is not None and now is not None and now != written_start


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True
