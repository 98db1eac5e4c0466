"""What every incident store checks the same way (memory, SQLite, PostgreSQL): one place, no copies."""

from __future__ import annotations

import json
from typing import Any

from tfreview.core.errors import InputError
from tfreview.ops.incidents import MAX_LEVEL, Incident, IncidentStatus, NewIncident

MAX_KEY_LENGTH = 200


def check_new(new: NewIncident) -> None:
    if not new.group_key or len(new.group_key) > MAX_KEY_LENGTH:
        raise InputError(f"an incident's group key must be 1–{MAX_KEY_LENGTH} characters")
    if not 1 <= new.level <= MAX_LEVEL:
        raise InputError(f"an incident's level must be between 1 and {MAX_LEVEL}, got {new.level}")
    if new.response_minutes < 1:
        raise InputError(f"an incident's response time must be at least 1 minute, got {new.response_minutes}")


def escalates(incident: Incident, level: int) -> bool:
    """True when `incident` moves to `level`; False when it is no longer open (acknowledged or resolved
    meanwhile: nothing to do). InputError for a level that is not above its own."""
    if incident.status is not IncidentStatus.OPEN:
        return False
    if not incident.level < level <= MAX_LEVEL:
        raise InputError(f"incident {incident.id} is at level {incident.level}; cannot escalate to {level}")
    return True


def parse_status(status: str | None) -> IncidentStatus | None:
    if status is None:
        return None
    try:
        return IncidentStatus(status)
    except ValueError:
        raise InputError(f"status must be one of {', '.join(s.value for s in IncidentStatus)}") from None


def json_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """The detail as it reads back from the database: JSON types only (datetimes become ISO text)."""
    loaded: dict[str, Any] = json.loads(dump_detail(detail))
    return loaded


def dump_detail(detail: dict[str, Any]) -> str:
    return json.dumps(detail, default=str, sort_keys=True, separators=(",", ":"))
