"""`tfreview incidents list|show|ack|resolve` and the admin API: plain functions over `OpsServices`.

Acknowledging stops the escalation and tells the notifiers that were paged (PagerDuty acknowledges by
the dedup key); resolving closes the incident and tells them too. Both are idempotent: acknowledging an
acknowledged incident, or resolving a resolved one, changes nothing and notifies nobody.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tfreview.core.errors import InputError, NotFound
from tfreview.ops.incidents import LEVEL_NAMES, Incident, IncidentEvent, IncidentStatus
from tfreview.ops.notify.message import NotifyEvent
from tfreview.ops.report import Impact
from tfreview.ops.services import OpsServices
from tfreview.ports.service import Intake, ReviewStore

MAX_ACTOR_LENGTH = 200


def get_incident(ops: OpsServices, incident_id: int) -> Incident:
    found = ops.incidents.get(incident_id)
    if found is None:
        raise NotFound(f"incident {incident_id} not found")
    return found


def acknowledge(ops: OpsServices, incident_id: int, by: str) -> Incident:
    before = get_incident(ops, incident_id)
    after = ops.incidents.acknowledge(incident_id, _actor(by))
    if after is None:
        raise NotFound(f"incident {incident_id} not found")
    if before.status is IncidentStatus.OPEN and after.status is IncidentStatus.ACKNOWLEDGED:
        ops.dispatcher.notify(after, NotifyEvent.ACKNOWLEDGE, {"acknowledged_by": after.acknowledged_by})
    return after


def resolve(ops: OpsServices, incident_id: int, by: str) -> Incident:
    before = get_incident(ops, incident_id)
    after = ops.incidents.resolve(incident_id, _actor(by))
    if after is None:
        raise NotFound(f"incident {incident_id} not found")
    if before.active:
        ops.lift_actions(incident_id)
        ops.dispatcher.notify(after, NotifyEvent.RESOLVE, {"resolved_by": after.resolved_by})
    return after


def incident_document(incident: Incident) -> dict[str, Any]:
    """The JSON form (CLI `-o json`, API): every field, times in ISO 8601 UTC."""
    return {
        "id": incident.id,
        "group": incident.group_key,
        "alert": incident.alert_id,
        "scenario": incident.scenario,
        "severity": incident.severity,
        "summary": incident.summary,
        "status": incident.status.value,
        "level": incident.level,
        "response_minutes": incident.response_minutes,
        "channels": list(incident.channels),
        "action": incident.action,
        "opened_at": _iso(incident.opened_at),
        "escalate_at": _iso(incident.escalate_at),
        "acknowledged_at": _iso(incident.acknowledged_at),
        "acknowledged_by": incident.acknowledged_by,
        "resolved_at": _iso(incident.resolved_at),
        "resolved_by": incident.resolved_by,
    }


def event_document(event: IncidentEvent) -> dict[str, Any]:
    return {"at": _iso(event.at), "kind": event.kind.value, "detail": event.detail}


def format_incidents(incidents: Sequence[Incident]) -> str:
    if not incidents:
        return "no incidents\n"
    lines = [f"{'ID':>5}  {'STATUS':<12}  {'SEV':<8}  {'LVL':>3}  {'OPENED (UTC)':<19}  ALERT — SUMMARY"]
    for i in incidents:
        opened = i.opened_at.strftime("%Y-%m-%d %H:%M:%S")
        lines.append(
            f"{i.id:>5}  {i.status.value:<12}  {i.severity:<8}  {i.level:>3}  {opened:<19}  {i.alert_id} — {i.summary}"
        )
    return "\n".join(lines) + "\n"


def format_incident(incident: Incident, events: Sequence[IncidentEvent]) -> str:
    lines = [
        f"incident {incident.id}: {incident.summary}",
        f"  status     {incident.status.value}",
        f"  alert      {incident.alert_id} ({incident.scenario}, {incident.severity})",
        f"  level      {incident.level} ({LEVEL_NAMES.get(incident.level, '?')})",
        f"  channels   {', '.join(incident.channels)}",
        f"  opened     {_iso(incident.opened_at)}",
    ]
    if incident.escalate_at is not None:
        lines.append(f"  escalates  {_iso(incident.escalate_at)} unless acknowledged")
    if incident.acknowledged_at is not None:
        lines.append(f"  acked      {_iso(incident.acknowledged_at)} by {incident.acknowledged_by}")
    if incident.resolved_at is not None:
        lines.append(f"  resolved   {_iso(incident.resolved_at)} by {incident.resolved_by}")
    lines += ["", "timeline:"]
    for event in events:
        detail = ", ".join(f"{k}={v}" for k, v in sorted(event.detail.items()) if k != "samples")
        lines.append(f"  {_iso(event.at)}  {event.kind.value:<14} {detail}")
    return "\n".join(lines) + "\n"


def _actor(by: str) -> str:
    actor = " ".join(by.split())
    if not actor or len(actor) > MAX_ACTOR_LENGTH:
        raise InputError(f"who acts must be 1–{MAX_ACTOR_LENGTH} characters")
    return actor


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat(timespec="seconds")


IMPACT_PAGES = 50  # of 200 rows: the report reads at most 10,000 deliveries and 10,000 reviews


def read_impact(intake: Intake, reviews: ReviewStore, incident: Incident, now: datetime) -> Impact:
    """Deliveries received and reviews created while the incident lasted, counted (newest first, bounded)."""
    start, end = incident.opened_at, incident.resolved_at or now
    deliveries: Counter[str] = Counter()
    created: Counter[str] = Counter()
    truncated = False
    cursor: str | None = None
    for page_number in range(IMPACT_PAGES + 1):
        if page_number == IMPACT_PAGES:
            truncated = True
            break
        page = intake.list(limit=200, cursor=cursor)
        for delivery in page.items:
            if start <= delivery.received_at <= end:
                deliveries[f"{delivery.source} {delivery.status}"] += 1
        cursor = page.next_cursor
        if cursor is None or (page.items and page.items[-1].received_at < start):
            break
    cursor = None
    for page_number in range(IMPACT_PAGES + 1):
        if page_number == IMPACT_PAGES:
            truncated = True
            break
        listed = reviews.list(None, filters={}, limit=200, cursor=cursor)
        for review in listed.items:
            if start <= review.created_at <= end:
                created[review.status.value] += 1
        cursor = listed.next_cursor
        if cursor is None or (listed.items and listed.items[-1].created_at < start):
            break
    return Impact(deliveries, created, truncated)
