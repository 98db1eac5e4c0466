"""The notification outbox on DynamoDB (tfreview.ops.notify.outbox; ADR 0711): the SQL stores' `notify_outbox` for the
Lambda deployment, so that a page owed through a notifier's outage outlives the container that wrote it — AWS recycles
a container without a close, and the next one (the watchdog's schedule, any dispatcher's pump) sends it.

Items (docs: tfreview.store.aws.definitions):
- entry   NOTIFY#<incident id> / OUT#<entry id>;  g2 NOTIFY#PENDING, <created>#<entry id> while not done (a sparse
          index: the few entries still to send);  g3 NOTIFY#DONE, <done>#<entry id> once done (what the sweep deletes)
          and, once done, the table's TTL attribute `expires_at` a day after the sweep would delete it: the backstop
          of a sweep that never runs (ADR 0742); an entry still owed never expires on its own

An entry is written by the incident change that causes it, in the same TransactWriteItems (`entry_put`,
tfreview.store.aws.incidents), whose Update of the incident item moves its `outbox_n` on by one under the condition
that it still holds the number read: an incident's entries are committed in the order of their numbers. The entry id is
`incident id × 2**16 + n`, so an id names its item (no lookup) and stays below 2**51 (exact in every JSON reader).

One sender per entry: `claim` is a conditional update (not done, no live claim) after a consistent Query of the
incident's partition found no older entry not done (ADR 0637: an incident's notifications in order, across senders).
The g2 index is eventually consistent (GSIs have no consistent reads): an entry this process's store just wrote may
not be listed yet, so the incidents it wrote for (`written`) are also read from their partitions, consistently,
until they have nothing left to send — the container that wrote a page sends it at once, not a schedule later.

An entry this release cannot read (edited by hand, a newer release's event) is passed over and looked at again
UNREADABLE_SECONDS later: its incident's later entries wait behind it, every other incident's go (ADR 0737).
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final

from tfreview.ops.incidents import IncidentStatus
from tfreview.ops.notify.message import NotifyEvent
from tfreview.ops.notify.outbox import (
    CLAIM_SECONDS,
    UNREADABLE_SECONDS,
    OutboxEntry,
    OutboxRetention,
    Swept,
    unreadable,
)
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.store.aws.table import Table, fixed_id, instant, parse_instant

PENDING: Final = "NOTIFY#PENDING"
DONE: Final = "NOTIFY#DONE"
ENTRY_BITS: Final = 16  # an incident's entries: at most 65 535 (it is triggered, escalated, acknowledged, resolved)
MAX_INCIDENT_ID: Final = 2**35 - 1  # entry ids below 2**51
MAX_ERROR: Final = 400
SENT_DAYS: Final = OutboxRetention().sent_days  # notify.outbox_retention_days' default
TTL_MARGIN: Final = timedelta(days=1)  # a sent entry's TTL: this long after the sweep's cutoff (ADR 0742)


def entry_id(incident_id: int, n: int) -> int:
    """The id of an incident's `n`th entry (n from 1)."""
    if not 0 < n < 2**ENTRY_BITS or not 0 < incident_id <= MAX_INCIDENT_ID:
        raise ValueError(f"incident {incident_id}: no outbox entry number {n}")
    return (incident_id << ENTRY_BITS) | n


def _pk(incident_id: int) -> str:
    return f"NOTIFY#{fixed_id(incident_id)}"


def _key(entry: int) -> tuple[str, str]:
    return _pk(entry >> ENTRY_BITS), f"OUT#{fixed_id(entry)}"


def entry_put(
    table: Table,
    incident_id: int,
    n: int,
    event: NotifyEvent,
    level: int,
    channels: str,
    details: dict[str, Any],
    at: datetime,
) -> dict[str, Any]:
    """The Put an incident change adds to its own transaction (`channels`: the incident item's JSON list)."""
    number = entry_id(incident_id, n)
    pk, sk = _key(number)
    item = {
        "pk": pk,
        "sk": sk,
        "id": number,
        "incident_id": incident_id,
        "event": event.value,
        "level": level,
        "channels": channels,
        "details": json.dumps(details, sort_keys=True, default=str),
        "created_at": instant(at),
        "due_at": instant(at),
        "attempts": 0,
        "g2pk": PENDING,
        "g2sk": f"{instant(at)}#{fixed_id(number)}",
    }
    return table.put_request(item, condition="attribute_not_exists(pk)")


def _entry(item: dict[str, Any]) -> OutboxEntry:
    created = parse_instant(item["created_at"])
    assert created is not None
    return OutboxEntry(
        id=int(item["id"]),
        incident_id=int(item["incident_id"]),
        event=NotifyEvent(item["event"]),
        level=int(item["level"]),
        channels=tuple(json.loads(item["channels"])),
        created_at=created,
        details=json.loads(item["details"]),
        attempts=int(item.get("attempts", 0)),
    )


def _sortable(text: object) -> str:
    """An item's instant as `instant` writes it; "" (older than any) for one that does not read (ADR 0737)."""
    try:
        return instant(parse_instant(text) or datetime.min)
    except (ValueError, TypeError, OverflowError):
        return ""


def _live_claim(item: dict[str, Any], now: datetime) -> datetime | None:
    until = parse_instant(item.get("claimed_until"))
    return until if until is not None and until > now else None


class DynamoOutbox:
    def __init__(self, table: Table, *, clock: Clock = utcnow, sent_days: float = SENT_DAYS) -> None:
        """`sent_days`: `notify.outbox_retention_days`, the sweep's retention of a sent entry (its TTL backstop)."""
        self.table = table
        self.clock = clock
        self.sent_days = sent_days
        self._lock = threading.Lock()
        self._recent: set[int] = set()  # incidents this process wrote entries for, not yet seen all sent

    def written(self, incident_id: int) -> None:
        """This process's store wrote an entry of the incident: read its partition until it has nothing to send."""
        with self._lock:
            self._recent.add(incident_id)

    # --- reads ----------------------------------------------------------------------------------
    def _partition(self, incident_id: int, *, before: str | None = None) -> list[dict[str, Any]]:
        """The incident's entries not done (a consistent read), oldest first."""
        items = self.table.query(None, _pk(incident_id), before=before, newest_first=False, consistent=True)
        return [i for i in items if str(i["sk"]).startswith("OUT#") and "done_at" not in i]

    def _pending(self) -> list[dict[str, Any]]:
        """Every entry not done, oldest first: the g2 index, and the partitions of the incidents written here."""
        found = {int(i["id"]): i for i in self.table.query("g2", PENDING, newest_first=False)}
        with self._lock:
            recent = sorted(self._recent)
        for incident_id in recent:
            left = self._partition(incident_id)
            # the consistent read wins over the index's copies (an entry the index still lists may be done)
            listed = {key for key, i in found.items() if int(i["incident_id"]) == incident_id}
            for key in listed:
                del found[key]
            found.update({int(i["id"]): i for i in left})
            if not left and not listed:  # all sent, and the index says so too: no need to read it any more
                with self._lock:
                    self._recent.discard(incident_id)
        return sorted(found.values(), key=lambda i: (str(i.get("created_at", "")), int(i["id"])))

    @staticmethod
    def _firsts(items: list[dict[str, Any]]) -> dict[int, int]:
        firsts: dict[int, int] = {}
        for item in items:
            incident = int(item["incident_id"])
            firsts[incident] = min(firsts.get(incident, int(item["id"])), int(item["id"]))
        return firsts

    def due(self, limit: int = 50, *, passed_over: Callable[[int], None] | None = None) -> list[OutboxEntry]:
        now = self.clock()
        items = self._pending()
        firsts = self._firsts(items)
        free: list[OutboxEntry] = []
        for item in items:
            number = int(item["id"])
            if firsts[int(item["incident_id"])] != number:
                continue
            try:
                due = parse_instant(item["due_at"])
                if due is None or due > now or _live_claim(item, now) is not None:
                    continue
                free.append(_entry(item))
            except Exception as exc:  # edited by hand, written by a newer release: passed over, not every page stopped
                self.later(number, UNREADABLE_SECONDS, unreadable(number, exc))
                if passed_over is not None:
                    passed_over(number)
        return free[:limit]

    def pending(self) -> int:
        return len(self._pending())

    def seconds_to_next(self) -> float | None:
        now = self.clock()
        items = self._pending()
        if not items:
            return None
        firsts = self._firsts(items)
        times: list[datetime] = []
        for item in items:
            try:
                claim = _live_claim(item, now)
                due = parse_instant(item["due_at"]) if firsts[int(item["incident_id"])] == int(item["id"]) else None
            except Exception:  # an instant that does not read: due now, for `due` to look at it (ADR 0737)
                return 0.0
            if claim is not None:
                times.append(claim)
            elif due is not None:
                times.append(due)
        return max(0.0, (min(times) - now).total_seconds()) if times else 0.0

    def claimed_by_others(self, owner: str) -> list[tuple[int, str]]:
        return [
            (int(i["id"]), str(i.get("claimed_by", "")))
            for i in self._pending()
            if "claimed_until" in i and i.get("claimed_by") != owner
        ]

    # --- writes ---------------------------------------------------------------------------------
    def claim(self, entry_id: int, owner: str, seconds: float = CLAIM_SECONDS) -> bool:
        now = self.clock()
        pk, sk = _key(entry_id)
        if self._partition(entry_id >> ENTRY_BITS, before=sk):  # an older entry of its incident is not done
            return False
        claimed = self.table.update(
            pk,
            sk,
            set_={"claimed_by": owner[:200], "claimed_until": instant(now + timedelta(seconds=seconds))},
            add={"attempts": 1},
            condition=(
                "attribute_exists(#pk) AND attribute_not_exists(#done_at)"
                " AND (attribute_not_exists(#claimed_until) OR #claimed_until <= :now)"
            ),
            values={":now": instant(now)},
        )
        return claimed is not None

    def done(self, entry_id: int) -> None:
        now = self.clock()
        self.table.update(
            *_key(entry_id),
            set_={
                "done_at": instant(now),
                "g3pk": DONE,
                "g3sk": f"{instant(now)}#{fixed_id(entry_id)}",
                "expires_at": math.ceil((now + timedelta(days=self.sent_days) + TTL_MARGIN).timestamp()),
                "claimed_until": None,
                "g2pk": None,
                "g2sk": None,
            },
            condition="attribute_exists(#pk)",
        )

    def later(self, entry_id: int, seconds: float, error: str) -> None:
        due = self.clock() + timedelta(seconds=seconds)
        self.table.update(
            *_key(entry_id),
            set_={"due_at": instant(due), "last_error": error[:MAX_ERROR], "claimed_until": None},
            condition="attribute_exists(#pk) AND attribute_not_exists(#done_at)",
        )

    def release(self, entry_id: int) -> None:
        self.table.update(*_key(entry_id), set_={"claimed_until": None}, condition="attribute_exists(#pk)")

    def sweep(self, sent_before: datetime, unsent_before: datetime) -> Swept:
        """Delete the entries sent before `sent_before`; of those never sent, the ones whose incident is resolved
        (or gone) and which were written before `sent_before`, and every one written before `unsent_before`."""
        sent = 0
        for item in list(self.table.query("g3", DONE, before=instant(sent_before), newest_first=False)):
            if self.table.remove(str(item["pk"]), str(item["sk"]), condition="attribute_exists(#done_at)"):
                sent += 1
        unsent = 0
        over: dict[int, bool] = {}
        for item in self._pending():
            created = _sortable(item.get("created_at"))
            incident_id = int(item["incident_id"])
            if created >= instant(sent_before):
                continue
            if created >= instant(unsent_before):
                if incident_id not in over:
                    incident = self.table.get(f"INC#{fixed_id(incident_id)}", "INC")
                    over[incident_id] = incident is None or incident.get("status") == IncidentStatus.RESOLVED.value
                if not over[incident_id]:
                    continue
            if self.table.remove(str(item["pk"]), str(item["sk"]), condition="attribute_not_exists(#done_at)"):
                unsent += 1
        return Swept(sent, unsent)
