"""The dispatcher: picks the notifiers an incident's channels and level call for, and sends from its own
thread, so that a notifier that is slow, down or throttling never holds up the watchdog or a request.

Every outcome is visible three ways: an event in the incident's timeline (`notified` or
`notify-failed`, with the attempts and a scrubbed reason), a log line, and `on_outcome` (the metrics
recorder counts it). A trigger that no configured notifier serves is recorded too (`notify-failed`,
notifier `none`): an alert nobody receives must not look delivered.

Acknowledge and resolve go to every notifier that was sent a trigger for the incident (PagerDuty closes
its alert by the dedup key; Slack and e-mail say it is over).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tfreview.ops.incidents import EventKind, Incident, Incidents
from tfreview.ops.notify.delivery import Outcome, RetryPolicy, Sleep, deliver
from tfreview.ops.notify.message import Notification, Notifier, NotifyEvent, notification_for

logger = logging.getLogger("tfreview.notify")

OutcomeHook = Callable[[str, str, bool], None]  # notifier name, event, ok


@dataclass(frozen=True, slots=True)
class _Task:
    notifier: Notifier
    notification: Notification


def _ignore(name: str, event: str, ok: bool) -> None:
    return None


class Dispatcher:
    def __init__(
        self,
        notifiers: Sequence[Notifier],
        incidents: Incidents,
        *,
        public_url: str,
        policy: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
        on_outcome: OutcomeHook = _ignore,
    ) -> None:
        self.notifiers = list(notifiers)
        self._incidents = incidents
        self._public_url = public_url
        self._policy = policy or RetryPolicy()
        self._sleep = sleep
        self._on_outcome = on_outcome
        self._queue: queue.Queue[_Task | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def targets(self, channels: Sequence[str], level: int) -> list[Notifier]:
        wanted = set(channels)
        return [n for n in self.notifiers if n.channels & wanted and level in n.levels]

    def notify(self, incident: Incident, event: NotifyEvent, details: dict[str, Any] | None = None) -> int:
        """Queue the notification for every notifier it goes to; returns how many. Never raises."""
        notification = notification_for(incident, event, public_url=self._public_url, details=details)
        if event is NotifyEvent.TRIGGER:
            chosen = self.targets(incident.channels, incident.level)
            if not chosen and incident.channels:
                self._record(
                    incident.id,
                    EventKind.NOTIFY_FAILED,
                    {
                        "notifier": "none",
                        "event": event.value,
                        "error": f"no notifier serves {', '.join(incident.channels)} at level {incident.level}",
                    },
                )
                logger.warning(
                    "incident %s: no notifier serves %s at level %s", incident.id, incident.channels, incident.level
                )
        else:
            chosen = self._triggered(incident.id)
        for notifier in chosen:
            self._start()
            self._queue.put(_Task(notifier, notification))
        return len(chosen)

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until every queued notification was sent or given up; True when that happened in time."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def close(self, timeout: float = 10.0) -> None:
        self.drain(timeout)
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout)

    def _triggered(self, incident_id: int) -> list[Notifier]:
        try:
            sent = {
                e.detail.get("notifier")
                for e in self._incidents.events(incident_id)
                if e.kind is EventKind.NOTIFIED and e.detail.get("event") == NotifyEvent.TRIGGER.value
            }
        except Exception as exc:  # the store is down: tell every notifier rather than none
            logger.warning(
                "incident %s: cannot read its timeline (%s); notifying every notifier", incident_id, type(exc).__name__
            )
            return list(self.notifiers)
        return [n for n in self.notifiers if n.name in sent]

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="tfreview-notifier", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            task = self._queue.get()
            try:
                if task is None:
                    return
                self._send(task)
            finally:
                self._queue.task_done()

    def _send(self, task: _Task) -> None:
        notification = task.notification
        try:
            outcome = deliver(lambda: task.notifier.send(notification), self._policy, sleep=self._sleep)
        except Exception as exc:  # an adapter bug must not kill the notifier thread
            outcome = Outcome(False, 1, f"{task.notifier.name}: internal error {type(exc).__name__}")
        detail: dict[str, Any] = {
            "notifier": task.notifier.name,
            "event": notification.event.value,
            "level": notification.level,
            "attempts": outcome.attempts,
        }
        if outcome.ok:
            logger.info(
                "incident %s: %s %s sent (%d attempt(s))",
                notification.incident_id,
                task.notifier.name,
                notification.event.value,
                outcome.attempts,
            )
            self._record(notification.incident_id, EventKind.NOTIFIED, detail)
        else:
            logger.warning(
                "incident %s: %s %s failed after %d attempt(s): %s",
                notification.incident_id,
                task.notifier.name,
                notification.event.value,
                outcome.attempts,
                outcome.error,
            )
            self._record(notification.incident_id, EventKind.NOTIFY_FAILED, {**detail, "error": outcome.error})
        self._on_outcome(task.notifier.name, notification.event.value, outcome.ok)

    def _record(self, incident_id: int, kind: EventKind, detail: dict[str, Any]) -> None:
        try:
            self._incidents.record(incident_id, kind, detail)
        except Exception as exc:  # the store is down: the log line above still tells
            logger.warning("incident %s: cannot record %s (%s)", incident_id, kind.value, type(exc).__name__)
