"""The outbox of a process whose store keeps none (memory; DynamoDB has its own since ADR 0711): the same
`NotifyOutbox` as the SQL stores', held in this process (ADR 0657). `Dispatcher.notify` adds the entry; the dispatcher
sends it as it sends the SQL stores' — an incident's notifications in order, a page refused by an outage owed for
about 20 minutes (ADR 0637, 0639) — so the behaviour behind the port is one. What it cannot do is outlive the
process: an entry not sent when the process ends is lost. `Dispatcher.close` says so (one ERROR line,
`tfreview_notifier_failures_total` per notifier; docs/runbooks/notifier-failures.md).

Entry ids are unique across processes (a random high part): the timeline of a shared store records each notifier's
outcome under the entry's id, and another process's entry must not read as this one's."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from tfreview.ops.incidents import Incident
from tfreview.ops.notify.message import NotifyEvent
from tfreview.ops.notify.outbox import CLAIM_SECONDS, OutboxEntry, Swept
from tfreview.plumbing.clock import Clock, utcnow


@dataclass
class _Row:
    entry: OutboxEntry
    due_at: datetime
    claimed_by: str | None = None
    claimed_until: datetime | None = None
    done_at: datetime | None = None
    last_error: str = ""


def _never_resolved(incident_id: int) -> bool:
    return False


class ProcessOutbox:
    def __init__(self, *, clock: Clock = utcnow, resolved: Callable[[int], bool] = _never_resolved) -> None:
        self._clock = clock
        self._resolved = resolved  # whether an incident is over (the sweep drops its unsent entries)
        self._lock = threading.Lock()
        self._rows: dict[int, _Row] = {}
        self._base = secrets.randbits(31) << 20  # below 2**51: exact in every JSON reader
        self._count = 0

    def add(self, incident: Incident, event: NotifyEvent, details: dict[str, Any] | None = None) -> OutboxEntry:
        """What the SQL stores write with the incident change: the incident's level and channels as they are now."""
        now = self._clock()
        with self._lock:
            self._count += 1
            entry = OutboxEntry(
                id=self._base + self._count,
                incident_id=incident.id,
                event=event,
                level=incident.level,
                channels=tuple(incident.channels),
                created_at=now,
                details=dict(details or {}),
            )
            self._rows[entry.id] = _Row(entry, now)
            return entry

    def _firsts(self) -> dict[int, int]:
        """Each incident's oldest entry not done (the only one of it that may go: ADR 0637)."""
        firsts: dict[int, int] = {}
        for row in self._rows.values():
            if row.done_at is None:
                incident = row.entry.incident_id
                firsts[incident] = min(firsts.get(incident, row.entry.id), row.entry.id)
        return firsts

    @staticmethod
    def _free(row: _Row, now: datetime, firsts: dict[int, int]) -> bool:
        """Not done, not claimed by a live sender, and no older entry of its incident still to send."""
        if row.done_at is not None or (row.claimed_until is not None and row.claimed_until > now):
            return False
        return firsts.get(row.entry.incident_id) == row.entry.id

    def due(self, limit: int = 50, *, passed_over: Callable[[int], None] | None = None) -> list[OutboxEntry]:
        del passed_over  # its entries are this process's own, never unreadable
        now = self._clock()
        with self._lock:
            firsts = self._firsts()
            rows = sorted(self._rows.values(), key=lambda r: r.entry.id)
            return [r.entry for r in rows if r.due_at <= now and self._free(r, now, firsts)][:limit]

    def claim(self, entry_id: int, owner: str, seconds: float = CLAIM_SECONDS) -> bool:
        now = self._clock()
        with self._lock:
            row = self._rows.get(entry_id)
            if row is None or not self._free(row, now, self._firsts()):
                return False
            row.claimed_by, row.claimed_until = owner, now + timedelta(seconds=seconds)
            row.entry = replace(row.entry, attempts=row.entry.attempts + 1)
            return True

    def done(self, entry_id: int) -> None:
        with self._lock:
            row = self._rows.get(entry_id)
            if row is not None:
                row.done_at, row.claimed_until = self._clock(), None

    def later(self, entry_id: int, seconds: float, error: str) -> None:
        with self._lock:
            row = self._rows.get(entry_id)
            if row is not None:
                row.due_at, row.claimed_until, row.last_error = self._clock() + timedelta(seconds=seconds), None, error

    def claimed_by_others(self, owner: str) -> list[tuple[int, str]]:
        with self._lock:
            return [
                (r.entry.id, r.claimed_by or "")
                for r in self._rows.values()
                if r.done_at is None and r.claimed_until is not None and r.claimed_by != owner
            ]

    def release(self, entry_id: int) -> None:
        with self._lock:
            row = self._rows.get(entry_id)
            if row is not None:
                row.claimed_until = None

    def unsent(self) -> list[OutboxEntry]:
        """The entries not done, oldest first (what a closing process loses)."""
        with self._lock:
            return sorted((r.entry for r in self._rows.values() if r.done_at is None), key=lambda e: e.id)

    def pending(self) -> int:
        with self._lock:
            return sum(1 for r in self._rows.values() if r.done_at is None)

    def seconds_to_next(self) -> float | None:
        now = self._clock()
        with self._lock:
            waiting = [r for r in self._rows.values() if r.done_at is None]
            if not waiting:
                return None
            firsts = self._firsts()
            times = [r.due_at for r in waiting if self._free(r, now, firsts)]
            times += [r.claimed_until for r in waiting if r.claimed_until is not None and r.claimed_until > now]
        return max(0.0, (min(times) - now).total_seconds()) if times else 0.0

    def sweep(self, sent_before: datetime, unsent_before: datetime) -> Swept:
        with self._lock:
            rows = list(self._rows.values())
        sent = [r.entry.id for r in rows if r.done_at is not None and r.done_at < sent_before]
        unsent = [
            r.entry.id
            for r in rows
            if r.done_at is None
            and (
                r.entry.created_at < unsent_before
                or (r.entry.created_at < sent_before and self._resolved(r.entry.incident_id))
            )
        ]
        with self._lock:
            for entry_id in (*sent, *unsent):
                self._rows.pop(entry_id, None)
        return Swept(len(sent), len(unsent))
