"""The operating controls (AI paused, breakers held open; tfreview.ops.controls) in DynamoDB.

One item per holding control in one partition (`CONTROLS` / <name>), so `current()` is a single strongly
consistent query. A hold keeps the later `until` of the stored and the new control: it is written with a
condition on what was read (optimistic: read again and retry when another process wrote in between). The
item carries the table's TTL attribute, so DynamoDB removes expired controls by itself; the condition on
`until`, not the TTL, decides what holds.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Final

from tfreview.ops.controls import Control
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.store.aws.table import Table, instant, parse_instant

PARTITION: Final = "CONTROLS"
TTL_MARGIN_SECONDS: Final = 3600


def _control(item: dict[str, Any]) -> Control:
    until, set_at = parse_instant(item["until"]), parse_instant(item["set_at"])
    assert until is not None
    assert set_at is not None
    incident = item.get("incident_id")
    return Control(
        str(item["sk"]),
        until,
        str(item["set_by"]),
        str(item["reason"]),
        set_at,
        None if incident is None else int(incident),
    )


class DynamoControls:
    def __init__(self, table: Table, *, clock: Clock = utcnow) -> None:
        self.table = table
        self.clock = clock

    def hold(self, control: Control) -> Control:
        while True:
            now = self.clock()
            before = self.table.get(PARTITION, control.name)
            seen = int(before["version"]) if before is not None else 0  # the write's condition: still this one
            chosen = control
            if before is not None:
                held = _control(before)
                if held.holds(now) and held.until > control.until:
                    chosen = replace(control, until=held.until)
            item = {
                "pk": PARTITION,
                "sk": chosen.name,
                "until": instant(chosen.until),
                "set_by": chosen.set_by,
                "reason": chosen.reason,
                "set_at": instant(chosen.set_at),
                "incident_id": chosen.incident_id,
                "expires_at": math.ceil(chosen.until.timestamp()) + TTL_MARGIN_SECONDS,
                "version": seen + 1,
            }
            condition = "attribute_not_exists(pk)" if before is None else "#version = :version"
            if self.table.put(item, condition=condition, values={":version": seen}):
                return chosen
            # another process held or lifted it meanwhile: decide again on what is stored now

    def lift(self, name: str) -> bool:
        return self.table.remove(PARTITION, name)

    def lift_incident(self, incident_id: int) -> list[str]:
        now = self.clock()
        lifted = []
        for item in self.table.query(None, PARTITION, newest_first=False, consistent=True):
            control = _control(item)
            if control.incident_id == incident_id and self.table.remove(PARTITION, control.name):
                lifted.append(control)
        return [c.name for c in lifted if c.holds(now)]

    def current(self) -> list[Control]:
        now = self.clock()
        found = (_control(item) for item in self.table.query(None, PARTITION, newest_first=False, consistent=True))
        return [c for c in found if c.holds(now)]
