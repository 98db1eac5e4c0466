"""Incidents and named leases in DynamoDB, with the semantics of the SQL ones (the same contract suite).

Items (docs/adr/0195-durable-operations-on-dynamodb.md):
- incident     INC#<id> / INC;  g1 INC#S#<status>, <id>;  g3 INC, <id>;  g2 INC#ACTIVE, <id> while not resolved
- open group   INCOPEN#<group key> / INCOPEN  (its `incident_id`): at most one active incident per group,
               taken with a conditional put in the transaction that writes the incident, deleted on resolve
- event        INC#<id> / EV#<event id>       (the timeline, in order of the event ids)
- lease        LEASE#<name> / LEASE           (taken with a conditional put: free, expired or the caller's own)

Every change of an incident and its event are one transaction whose condition is the state the change
starts from, so two watchdogs (or a watchdog and an operator) never both acknowledge, resolve or escalate.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final

from tfreview.core.errors import NotFound
from tfreview.ops.incidents import EventKind, Incident, IncidentEvent, IncidentStatus, LeaseHolder, NewIncident
from tfreview.ops.notify.message import NotifyEvent
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.records import Page
from tfreview.store.aws.holds import give_back, take
from tfreview.store.aws.notify_outbox import entry_put
from tfreview.store.aws.table import Table, TransactionConflict, fixed_id, instant, parse_instant
from tfreview.store.cursor import check_limit, decode_cursor, encode_cursor
from tfreview.store.incident_rules import check_new, dump_detail, escalates, parse_status

INCIDENT_SK: Final = "INC"
ACTIVE: Final = "INC#ACTIVE"
RENUMBER_TRIES: Final = 20  # another change of the incident took the outbox number read: read again, at most so often


def incident_pk(incident_id: int) -> str:
    return f"INC#{fixed_id(incident_id)}"


def _group_pk(group_key: str) -> str:
    return f"INCOPEN#{group_key}"


def _record(item: dict[str, Any]) -> Incident:
    opened = parse_instant(item["opened_at"])
    assert opened is not None
    return Incident(
        id=int(item["id"]),
        group_key=str(item["group_key"]),
        alert_id=str(item["alert_id"]),
        scenario=str(item["scenario"]),
        severity=str(item["severity"]),
        summary=str(item["summary"]),
        status=IncidentStatus(item["status"]),
        level=int(item["level"]),
        response_minutes=int(item["response_minutes"]),
        channels=tuple(json.loads(item["channels"])),
        opened_at=opened,
        escalate_at=parse_instant(item.get("escalate_at")),
        action=item.get("action"),
        acknowledged_at=parse_instant(item.get("acknowledged_at")),
        acknowledged_by=item.get("acknowledged_by"),
        resolved_at=parse_instant(item.get("resolved_at")),
        resolved_by=item.get("resolved_by"),
    )


def _event(item: dict[str, Any]) -> IncidentEvent:
    at = parse_instant(item["at"])
    assert at is not None
    return IncidentEvent(
        int(item["incident_id"]), at, EventKind(item["kind"]), json.loads(item["detail"]), int(item["id"])
    )


def _shown(value: object) -> str:
    return f"{value:.6g}" if isinstance(value, int | float) else "none" if value is None else str(value)


def _ignore(incident_id: int) -> None:
    return None


class DynamoIncidents:
    def __init__(self, table: Table, *, clock: Clock = utcnow, written: Callable[[int], None] = _ignore) -> None:
        self.table = table
        self.clock = clock
        self._written = written  # told the incident of each outbox entry written (DynamoOutbox.written)

    def open(self, new: NewIncident, detail: dict[str, Any]) -> tuple[Incident, bool]:
        check_new(new)
        found = self.active(new.group_key)
        if found:
            return found[0], False
        now = self.clock()
        incident_id = self.table.next_id("incident")
        key = fixed_id(incident_id)
        item = {
            "pk": incident_pk(incident_id),
            "sk": INCIDENT_SK,
            "id": incident_id,
            "group_key": new.group_key,
            "alert_id": new.alert_id,
            "scenario": new.scenario,
            "severity": new.severity,
            "summary": new.summary,
            "status": IncidentStatus.OPEN.value,
            "level": new.level,
            "response_minutes": new.response_minutes,
            "channels": json.dumps(list(new.channels)),
            "action": new.action,
            "opened_at": instant(now),
            "escalate_at": instant(now + timedelta(minutes=new.response_minutes)),
            "g1pk": f"INC#S#{IncidentStatus.OPEN.value}",
            "g1sk": key,
            "g2pk": ACTIVE,
            "g2sk": key,
            "g3pk": "INC",
            "g3sk": key,
            "outbox_n": 1,
        }
        group = {"pk": _group_pk(new.group_key), "sk": "INCOPEN", "incident_id": incident_id}
        _, event_item = self._event_item(incident_id, now, EventKind.OPENED, detail)
        # the page is written with the incident: a container recycled before sending it loses nothing (ADR 0711)
        trigger = {"value": _shown(detail.get("value"))} if "value" in detail else {}
        channels = json.dumps(list(new.channels))
        page = entry_put(self.table, incident_id, 1, NotifyEvent.TRIGGER, new.level, channels, trigger, now)
        try:
            self.table.transact(
                [
                    self.table.put_request(group, condition="attribute_not_exists(pk)"),
                    self.table.put_request(item, condition="attribute_not_exists(pk)"),
                    self.table.put_request(event_item),
                    page,
                ]
            )
        except TransactionConflict:  # another process opened this group's incident just now
            raced = self.active(new.group_key)
            if not raced:
                raise
            return raced[0], False
        self._written(incident_id)
        return _record(self.table.decode(self.table.encode(item))), True

    def get(self, incident_id: int) -> Incident | None:
        item = self.table.get(incident_pk(incident_id), INCIDENT_SK)
        return None if item is None else _record(item)

    def active(self, group_key: str | None = None) -> builtins.list[Incident]:
        if group_key is not None:
            group = self.table.get(_group_pk(group_key), "INCOPEN")
            found = None if group is None else self.get(int(group["incident_id"]))
            return [found] if found is not None and found.active else []
        items = self.table.query("g2", ACTIVE, newest_first=False)
        return [_record(item) for item in items if item.get("status") != IncidentStatus.RESOLVED.value]

    def list(self, *, status: str | None = None, limit: int = 50, cursor: str | None = None) -> Page[Incident]:
        check_limit(limit)
        wanted = parse_status(status)
        before = fixed_id(int(decode_cursor(cursor, (int,))[0])) if cursor else None
        index, pk = ("g3", "INC") if wanted is None else ("g1", f"INC#S#{wanted.value}")
        found: builtins.list[Incident] = []
        for item in self.table.query(index, pk, before=before, page_size=min(limit + 1, 1000)):
            found.append(_record(item))
            if len(found) > limit:
                break
        items = found[:limit]
        return Page(items, encode_cursor(items[-1].id) if len(found) > limit else None)

    def acknowledge(self, incident_id: int, by: str) -> Incident | None:
        now = self.clock()
        change = {
            "status": IncidentStatus.ACKNOWLEDGED.value,
            "acknowledged_at": instant(now),
            "acknowledged_by": by,
            "escalate_at": None,
            "g1pk": f"INC#S#{IncidentStatus.ACKNOWLEDGED.value}",
        }
        told = (NotifyEvent.ACKNOWLEDGE, {"acknowledged_by": by})
        self._change(incident_id, change, "#status = :open", EventKind.ACKNOWLEDGED, {"by": by}, now, told)
        return self.get(incident_id)

    def resolve(self, incident_id: int, by: str) -> Incident | None:
        now = self.clock()
        current = self.get(incident_id)
        if current is None or current.status is IncidentStatus.RESOLVED:
            return current
        change = {
            "status": IncidentStatus.RESOLVED.value,
            "resolved_at": instant(now),
            "resolved_by": by,
            "escalate_at": None,
            "g1pk": f"INC#S#{IncidentStatus.RESOLVED.value}",
            "g2pk": None,
            "g2sk": None,
        }
        release = {
            "Delete": {
                "TableName": self.table.name,
                "Key": self.table.key(_group_pk(current.group_key), "INCOPEN"),
                "ConditionExpression": "attribute_not_exists(pk) OR incident_id = :id",
                "ExpressionAttributeValues": {":id": {"N": str(incident_id)}},
            }
        }
        told = (NotifyEvent.RESOLVE, {"resolved_by": by})
        self._change(incident_id, change, "#status <> :resolved", EventKind.RESOLVED, {"by": by}, now, told, [release])
        return self.get(incident_id)

    def escalate(
        self, incident_id: int, level: int, channels: tuple[str, ...], escalate_at: datetime | None
    ) -> Incident:
        while True:
            incident = self.get(incident_id)
            if incident is None:
                raise NotFound(f"incident {incident_id} not found")
            if not escalates(incident, level):
                return incident
            change = {
                "level": level,
                "channels": json.dumps(list(channels)),
                "escalate_at": instant(escalate_at) if escalate_at is not None else None,
            }
            detail = {"from": incident.level, "to": level, "channels": list(channels)}
            condition = f"#status = :open AND #level = :level_{incident.level}"
            values = {f":level_{incident.level}": incident.level}
            told = (NotifyEvent.TRIGGER, {"escalated_from": incident.level})
            changed = self._change(
                incident_id, change, condition, EventKind.ESCALATED, detail, self.clock(), told, values=values
            )
            if changed:
                escalated = self.get(incident_id)
                assert escalated is not None
                return escalated
            # acknowledged, resolved or escalated meanwhile: read it again and decide again

    def record(self, incident_id: int, kind: EventKind, detail: dict[str, Any]) -> IncidentEvent:
        event, item = self._event_item(incident_id, self.clock(), kind, detail)
        try:
            self.table.transact([self._exists(incident_id), self.table.put_request(item)])
        except TransactionConflict:
            raise NotFound(f"incident {incident_id} not found") from None
        return event

    def events(self, incident_id: int) -> builtins.list[IncidentEvent]:
        items = self.table.query(None, incident_pk(incident_id), after="EV#", newest_first=False, consistent=True)
        return [_event(item) for item in items if str(item["sk"]).startswith("EV#")]

    # --- one change and its event, atomically ------------------------------------------------------
    def _change(
        self,
        incident_id: int,
        change: dict[str, Any],
        condition: str,
        kind: EventKind,
        detail: dict[str, Any],
        now: datetime,
        told: tuple[NotifyEvent, dict[str, Any]],
        more: builtins.list[dict[str, Any]] | None = None,
        *,
        values: dict[str, Any] | None = None,
    ) -> bool:
        """Apply `change` when the incident exists and `condition` holds, with its event and the outbox entry of the
        notification it causes (`told`: its event and details); False otherwise. The entry takes the incident's next
        outbox number under the condition that no other change took it meanwhile (then: read again, decide again)."""
        event, said = told
        for _ in range(RENUMBER_TRIES):
            current = self.table.get(incident_pk(incident_id), INCIDENT_SK)
            if current is None:
                return False
            n = int(current.get("outbox_n", 0))  # 0: an incident written before the outbox (ADR 0711)
            level = int(change.get("level", current["level"]))  # an escalation pages the new level
            channels = str(change.get("channels", current["channels"]))
            numbered = "#outbox_n = :outbox_n" if n else "attribute_not_exists(#outbox_n)"
            update = self.table.update_request(
                incident_pk(incident_id),
                INCIDENT_SK,
                set_={**change, "outbox_n": n + 1},
                condition=f"attribute_exists(#pk) AND {condition} AND {numbered}",
                values={
                    ":open": IncidentStatus.OPEN.value,
                    ":resolved": IncidentStatus.RESOLVED.value,
                    ":outbox_n": n,
                    **(values or {}),
                },
            )
            _, event_item = self._event_item(incident_id, now, kind, detail)
            page = entry_put(self.table, incident_id, n + 1, event, level, channels, said, now)
            try:
                self.table.transact([{"Update": update}, self.table.put_request(event_item), page, *(more or [])])
            except TransactionConflict:
                again = self.table.get(incident_pk(incident_id), INCIDENT_SK)
                if again is None or int(again.get("outbox_n", 0)) == n:
                    return False  # its state is not the one the change starts from
                continue  # another change of the incident took the number
            self._written(incident_id)
            return True
        return False

    def _exists(self, incident_id: int) -> dict[str, Any]:
        return {
            "ConditionCheck": {
                "TableName": self.table.name,
                "Key": self.table.key(incident_pk(incident_id), INCIDENT_SK),
                "ConditionExpression": "attribute_exists(pk)",
            }
        }

    def _event_item(
        self, incident_id: int, at: datetime, kind: EventKind, detail: dict[str, Any]
    ) -> tuple[IncidentEvent, dict[str, Any]]:
        event_id = self.table.next_id("incident-event")
        text = dump_detail(detail)
        item = {
            "pk": incident_pk(incident_id),
            "sk": f"EV#{fixed_id(event_id)}",
            "id": event_id,
            "incident_id": incident_id,
            "at": instant(at),
            "kind": EventKind(kind).value,
            "detail": text,
        }
        return IncidentEvent(incident_id, at, EventKind(kind), json.loads(text), event_id), item


class DynamoLeases:
    """Named leases (the watchdog's: exactly one evaluator among every process): holds (store/aws/holds.py)."""

    def __init__(self, table: Table, *, clock: Clock = utcnow) -> None:
        self.table = table
        self.clock = clock

    def acquire(self, name: str, owner: str, seconds: float) -> bool:
        now = self.clock()
        item = {"pk": f"LEASE#{name}", "sk": "LEASE", "owner": owner, "heartbeat_at": instant(now)}
        return take(self.table, item, "owner", now, now + timedelta(seconds=seconds))

    def release(self, name: str, owner: str) -> None:
        give_back(self.table, f"LEASE#{name}", "LEASE", "owner", owner)

    def holder(self, name: str) -> LeaseHolder | None:
        item = self.table.get(f"LEASE#{name}", "LEASE")
        if item is None:
            return None
        until, heartbeat = parse_instant(item["until"]), parse_instant(item["heartbeat_at"])
        assert until is not None
        assert heartbeat is not None
        return LeaseHolder(name, str(item["owner"]), until, heartbeat)
