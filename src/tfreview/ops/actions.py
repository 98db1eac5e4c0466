"""The automatic level-1 actions a row of the alert table may name: open-breaker, shed-load, block-source,
pause-ai.

`ActionRunner.run` returns a state for the incident's timeline — `done` (the mechanism acted), `requested`
(the mechanism does not exist in this build: the incident says so and the runbook tells the operator
what to do by hand) or `failed` — and a one-line note. `Actions` maps each action to a handler; `wiring`
registers those the build has. None is registered today: load shedding and source blocking arrive with
the rate limits and blocks of issue 11, and the advisor's breakers and pause live inside each worker's
chain, out of the watchdog's reach (docs/adr/0066-watchdog.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Protocol

from tfreview.ops.alert_table import AlertRule
from tfreview.ops.incidents import Incident

logger = logging.getLogger("tfreview.watchdog")

Handler = Callable[[AlertRule, Incident], str]  # returns a note; raises to report a failure


class ActionRunner(Protocol):
    def run(self, action: str, rule: AlertRule, incident: Incident) -> tuple[str, str]: ...


class Actions:
    def __init__(self, handlers: Mapping[str, Handler] | None = None) -> None:
        self.handlers = dict(handlers or {})

    def run(self, action: str, rule: AlertRule, incident: Incident) -> tuple[str, str]:
        handler = self.handlers.get(action)
        if handler is None:
            note = f"{action} requested: this build has no automatic {action}; follow {rule.runbook}"
            logger.warning("incident %s: %s", incident.id, note)
            return "requested", note
        try:
            return "done", handler(rule, incident)
        except Exception as exc:  # the action failed: the incident says so, escalation goes on
            logger.warning("incident %s: %s failed (%s)", incident.id, action, type(exc).__name__)
            return "failed", f"{action} failed: {type(exc).__name__}"
