"""The dispatcher: picks the notifiers an incident's channels and level call for, and sends from its own
thread, so that a notifier that is slow, down or throttling never holds up the watchdog or a request.

Every outcome is visible three ways: an event in the incident's timeline (`notified` or
`notify-failed`, with the attempts and a scrubbed reason), a log line, and `on_outcome` (the metrics
recorder counts it). A trigger that no configured notifier serves is recorded too (`notify-failed`,
notifier `none`): an alert nobody receives must not look delivered.

Acknowledge and resolve go to every notifier that was sent a trigger for the incident (PagerDuty closes
its alert by the dedup key; Slack and e-mail say it is over).

With an outbox (the SQL stores and DynamoDB: tfreview.ops.notify.outbox, ADR 0711) the notifications are durable:
the store wrote them with the incident change, `notify` only wakes the sender thread, and `pump` sends the due
entries — so a process killed between an alert firing and the page going out (a Lambda container recycled by AWS)
sends it when it (or another process) starts again. The store without one (memory) gets this process's
(`ProcessOutbox`, ADR 0657): `notify` writes the entry there and it is sent the same way — in order, owed through an
outage — but not past the process's end (`close` logs and counts what it loses).

The sender thread sleeps until there is work (ADR 0451): `notify` wakes it at once; otherwise it wakes when
the outbox's earliest entry not done falls due (a retry's due time, a live claim's expiry) and at the latest
every `poll_seconds` (10 s) — for entries another process wrote and did not send (it died), and for claims of a
sender of this host that died. Each wake costs one read (`seconds_to_next`) while nothing is pending; the
claim-releasing and due-entry reads of `pump` run only when something is.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from tfreview.ops.incidents import EventKind, Incident, IncidentEvent, Incidents
from tfreview.ops.notify.delivery import Outcome, RetryPolicy, Sleep, deliver
from tfreview.ops.notify.message import Notification, Notifier, NotifyEvent, notification_for
from tfreview.ops.notify.outbox import (
    CLAIM_SECONDS,
    NotifyOutbox,
    OutboxEntry,
    OutboxRetention,
    Swept,
    dead_owner,
    process_alive,
)
from tfreview.ops.notify.process_outbox import ProcessOutbox
from tfreview.plumbing.clock import Clock, utcnow

logger = logging.getLogger("tfreview.notify")

OutcomeHook = Callable[[str, str, bool], None]  # notifier name, event, ok
# an outbox entry one of whose notifiers failed on something that passes (5xx, 429, a timeout) after its retries
# is sent again to that notifier later, not given up (ADR 0639): at most OWED_TURNS turns, OWED_WAIT_SECONDS
# before the second, doubling to at most OWED_WAIT_CAP_SECONDS (8 turns: about 20 minutes of outage covered)
OWED_TURNS = 8
OWED_WAIT_SECONDS = 15.0
OWED_WAIT_CAP_SECONDS = 300.0
# the seconds one outbox turn may take, its attempts and the waits between them, all its notifiers together: well
# inside its claim (CLAIM_SECONDS, 120), so that no other sender takes the entry while this one still sends it
# (ADR 0639). An attempt or a notifier that would end past it is left to the next turn (ADR 0643).
TURN_SECONDS = CLAIM_SECONDS / 2
# what's left of the claim once a turn's time is up: the attempt the turn may still be in (ADR 0658)
CLAIM_MARGIN_SECONDS = CLAIM_SECONDS - TURN_SECONDS
POLL_SECONDS = 10.0  # the sender's fallback wake (the entries of other processes); `notify` wakes it at once
SHORTEST_WAIT = 0.05  # between two turns that left an entry due (one a concurrent sender claimed, say)
UNREADABLE_WAIT = 1.0  # the store did not answer: try again this soon


@dataclass(frozen=True, slots=True)
class _Task:
    notifier: Notifier
    notification: Notification


def _ignore(name: str, event: str, ok: bool) -> None:
    return None


def _over(incidents: Incidents, incident_id: int) -> bool:
    """Whether the incident is resolved or gone (the sweep then drops its entries never sent)."""
    incident = incidents.get(incident_id)
    return incident is None or not incident.active


def owed_wait(turn: int) -> float:
    """Seconds before an owed entry's next turn, after turn `turn` (1: the first claim)."""
    return min(OWED_WAIT_CAP_SECONDS, OWED_WAIT_SECONDS * 2.0 ** (turn - 1))


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
        outbox: NotifyOutbox | None = None,
        owner: str = "dispatcher",
        poll_seconds: float = POLL_SECONDS,
        retention: OutboxRetention | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        clock: Clock = utcnow,
    ) -> None:
        self.notifiers = list(notifiers)
        self._incidents = incidents
        self._public_url = public_url
        self._policy = policy or RetryPolicy()
        self._sleep = sleep
        self._on_outcome = on_outcome
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        # the store without an outbox (memory): one in this process, sent the same way (ADR 0657)
        self._own: ProcessOutbox | None = None
        if outbox is None:
            outbox = self._own = ProcessOutbox(clock=clock, resolved=lambda i: _over(incidents, i))
        self._outbox: NotifyOutbox = outbox
        self._owner = owner
        self._poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._woken = False  # this process announced a change: close() sends what it wrote
        self.retention = retention or OutboxRetention()
        self._swept_at: datetime | None = None
        self._monotonic = monotonic
        # a turn ends by TURN_SECONDS, or one attempt past it (the first is always made): a notifier timeout longer
        # than the claim's margin lengthens the claim, so no other sender takes the entry mid-attempt (ADR 0658)
        self.claim_seconds = max(CLAIM_SECONDS, TURN_SECONDS + self._policy.attempt_seconds + CLAIM_MARGIN_SECONDS / 2)

    @property
    def sends(self) -> bool:
        """Whether this process takes outbox entries: not when it has no notifier and the outbox is shared (the
        store's): a process without them (`tfreview incidents ack` where the keys are not set, a worker configured
        without notifiers) would mark entries done that the service's notifiers must send (ADR 0659)."""
        return bool(self.notifiers) or self._own is not None

    @property
    def durable(self) -> bool:
        """Whether the notifications outlive this process (the SQL stores' and DynamoDB's outbox)."""
        return self._own is None

    def targets(self, channels: Sequence[str], level: int) -> list[Notifier]:
        wanted = set(channels)
        return [n for n in self.notifiers if n.channels & wanted and level in n.levels]

    def notify(self, incident: Incident, event: NotifyEvent, details: dict[str, Any] | None = None) -> int:
        """Queue the notification for every notifier it goes to; returns how many. Never raises.
        With a store's outbox the store has written it already; without, it goes in this process's. Wake the sender."""
        if self._own is not None:
            self._own.add(incident, event, details)
        elif not self.sends:
            logger.warning(
                "incident %s: %s waits in the outbox for a process with a notifier (none is configured here)",
                incident.id,
                event.value,
            )
        self._woken = True
        self.start()
        self._wake.set()
        if event is NotifyEvent.TRIGGER:
            return len(self.targets(incident.channels, incident.level))
        return 0 if self._own is None else len(self._triggered(incident.id))

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until every queued notification was sent or given up; True when that happened in time."""
        return self._drain_outbox(self._outbox, time.monotonic() + timeout)

    def send_due(self, timeout: float) -> bool:
        """Send what is due now, pump after pump (a sent entry lets its incident's next one go), for at most `timeout`
        seconds; True when nothing is left to send. Unlike `drain` it never waits on another sender's claim: in a
        Lambda container (the watchdog function, ADR 0712) that sender may be a container AWS froze or recycled, whose
        claim only expires — the next scheduled run sees the entry again."""
        deadline = self._monotonic() + timeout
        while self.pump() and self._monotonic() < deadline:
            continue
        return self._outbox.seconds_to_next() is None

    def close(self, timeout: float = 10.0) -> None:
        """Send what is queued (with an outbox: only when this process announced a change itself — a CLI
        command that changed nothing must not send, nor wait for, the service's notifications), then stop."""
        try:
            if self._woken:
                self.drain(timeout)
        except Exception as exc:  # the store is gone at shutdown: the entries wait for the next process
            logger.info("notifications not drained at shutdown (%s)", type(exc).__name__)
        self._stopping.set()
        self._wake.set()
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
        if self._own is not None:
            self._drop_unsent(self._own)

    def _drop_unsent(self, outbox: ProcessOutbox) -> None:
        """This process's outbox ends with it: what it still owes is lost — said, never silently (ADR 0657)."""
        unsent = outbox.unsent()
        if not unsent:
            return
        logger.error(
            "%d notification(s) not sent are lost with this process (its store keeps no outbox): %s",
            len(unsent),
            ", ".join(f"incident {e.incident_id} {e.event.value}" for e in unsent),
        )
        for entry in unsent:
            chosen = self.targets(entry.channels, entry.level) if entry.event is NotifyEvent.TRIGGER else []
            for notifier in chosen or self.notifiers:
                self._on_outcome(notifier.name, entry.event.value, False)

    def start(self) -> None:
        """Start the sender thread (idempotent). `serve` and `worker` start it at once, so that the entries a
        killed process left are sent."""
        self._start()

    # --- the outbox -------------------------------------------------------------------------------

    def pump(self) -> int:
        """Send every due outbox entry this process can claim; how many were handled. Never raises."""
        outbox = self._outbox
        handled = 0
        if not self.sends:  # the entries stay for the processes that have the notifiers
            return 0
        try:
            self._release_dead(outbox)
            entries = outbox.due(passed_over=self._passed_over)
        except Exception as exc:  # the store is down: the next pump tries again
            logger.warning("notification outbox unreadable (%s)", type(exc).__name__)
            return 0
        failing: set[str] = set()  # notifiers that failed on something passing in this pump (ADR 0643)
        for entry in entries:
            try:
                if not outbox.claim(entry.id, self._owner, self.claim_seconds):
                    continue
                owed = self._send_entry(entry, failing)
                turn = entry.attempts + 1  # this claim's
                if owed and turn < OWED_TURNS:
                    # no sooner than a server's Retry-After asked (one longer than a turn waits ended the turn)
                    wait = max([owed_wait(turn), *(o.retry_after or 0.0 for o in owed.values())])
                    names = ", ".join(owed)
                    outbox.later(entry.id, wait, f"{names} failed (turn {turn} of {OWED_TURNS})")
                    logger.warning(
                        "notification %s: %s failed; sending it again in %g s (turn %d of %d)",
                        entry.id, names, wait, turn, OWED_TURNS,
                    )  # fmt: skip
                else:
                    outbox.done(entry.id)
                handled += 1
            except Exception as exc:  # the store failed mid-entry: due again shortly, at least once
                logger.warning("notification %s: not sent yet (%s)", entry.id, type(exc).__name__)
                try:
                    outbox.later(entry.id, min(60.0, 2.0 ** min(entry.attempts, 6)), type(exc).__name__)
                except Exception:  # still down: the claim expires by itself
                    logger.debug("notification %s: claim left to expire", entry.id)
        return handled

    def _passed_over(self, entry_id: int) -> None:
        """An entry this release cannot read (ADR 0737) is a notification not sent, whoever it was for: a failure of
        every notifier each time it is looked at (every UNREADABLE_SECONDS), so that the notifier-failures alert fires
        while it stays, not only a warning in a log (review24)."""
        del entry_id  # the warning named it
        for notifier in self.notifiers:
            self._on_outcome(notifier.name, "unreadable", False)

    def sweep(self, now: datetime) -> Swept | None:
        """Delete the outbox entries past their retention, at most every `retention.every_seconds` (the
        watchdog calls it each tick, under its lease). None when there is no outbox or it is not time yet;
        a store error propagates (the watchdog logs it and tries again next tick)."""
        outbox = self._outbox
        every = self.retention.every_seconds
        if self._swept_at is not None and 0 <= (now - self._swept_at).total_seconds() < every:
            return None
        swept = outbox.sweep(*self.retention.cutoffs(now))
        self._swept_at = now
        if swept.unsent:
            logger.warning(
                "notification outbox: %d entr(ies) never sent dropped (incident resolved, or older than %g days)",
                swept.unsent,
                self.retention.unsent_days,
            )
        if swept.sent:
            logger.info(
                "notification outbox: %d sent entr(ies) older than %g days deleted",
                swept.sent,
                self.retention.sent_days,
            )
        return swept

    def _turn(self, outbox: NotifyOutbox) -> float:
        """One wake of the sender thread: pump when an entry is pending; how long to sleep before the next."""
        try:
            ahead = outbox.seconds_to_next()
            if ahead is None:  # idle: nothing but this one read
                return self._poll_seconds
            self.pump()
            ahead = outbox.seconds_to_next()
        except Exception as exc:  # the store is down: soon again
            logger.warning("notification outbox unreadable (%s)", type(exc).__name__)
            return UNREADABLE_WAIT
        if ahead is None:
            return self._poll_seconds
        return min(max(ahead, SHORTEST_WAIT), self._poll_seconds)

    def _release_dead(self, outbox: NotifyOutbox) -> None:
        """A sender of this host and pid namespace killed mid-send (SIGKILL, OOM): its entries are due again at once
        (`dead_owner`; one of another container with the same host name is left to its claim's expiry, ADR 0747)."""
        here = self._owner.rpartition(":")[0]
        for entry_id, owner in outbox.claimed_by_others(self._owner):
            if dead_owner(owner, here, process_alive):
                outbox.release(entry_id)
                logger.info("notification %s: its sender %s is gone; sending it again", entry_id, owner)

    def _drain_outbox(self, outbox: NotifyOutbox, deadline: float) -> bool:
        """Send what is due now, and wait for what a sender is sending; True once nothing is pending. Returns False
        as soon as what remains is neither due soon nor being sent (owed for a later turn, ADR 0639, or behind such
        an entry of its incident): `tfreview incidents ack` during a notifier's outage says "pending" at once
        instead of waiting out its deadline for a turn minutes away."""
        if not self.sends:  # sent by the process that has the notifiers, not here: pending unless none is
            return outbox.seconds_to_next() is None
        while True:
            self.pump()
            held = outbox.claimed_by_others("")  # by any sender; read first: one that finishes meanwhile is seen below
            ahead = outbox.seconds_to_next()
            if ahead is None:
                return True
            if time.monotonic() > deadline:
                return False
            if ahead > OWED_WAIT_SECONDS / 2 and not held:
                return False
            time.sleep(0.01)

    def _send_entry(self, entry: OutboxEntry, failing: set[str] | None = None) -> dict[str, Outcome]:
        """Send the entry to each notifier it goes to that has no final outcome for it yet; the outcomes of those that
        failed on something that may pass later (owed another turn), by notifier. A notifier in `failing` (it failed
        so for another entry of this pump) is not tried: owed too, so that one unreachable notifier costs a pump
        its timeouts once, not once per incident, and the other notifiers' messages are not held behind them."""
        failing = set() if failing is None else failing
        incident = self._incidents.get(entry.incident_id)
        if incident is None:  # deleted meanwhile: nothing to tell
            return {}
        then = replace(incident, level=entry.level, channels=entry.channels)
        notification = notification_for(then, entry.event, public_url=self._public_url, details=entry.details)
        latest: dict[object, IncidentEvent] = {}  # notifier → its last outcome for this entry
        for e in self._incidents.events(entry.incident_id):
            if e.kind in (EventKind.NOTIFIED, EventKind.NOTIFY_FAILED) and e.detail.get("outbox") == entry.id:
                latest[e.detail.get("notifier")] = e
        owed_before = {name for name, e in latest.items() if e.kind is EventKind.NOTIFY_FAILED and e.detail.get("owed")}
        handled = set(latest) - owed_before
        if owed_before and entry.event is NotifyEvent.TRIGGER and not incident.active:
            logger.info("notification %s: its incident is resolved; the page it owed is not sent", entry.id)
            return {}
        if entry.event is NotifyEvent.TRIGGER:
            chosen = self.targets(entry.channels, entry.level)
            if not chosen and entry.channels and "none" not in handled:
                error = f"no notifier serves {', '.join(entry.channels)} at level {entry.level}"
                self._record(
                    entry.incident_id,
                    EventKind.NOTIFY_FAILED,
                    {"notifier": "none", "event": entry.event.value, "error": error, "outbox": entry.id},
                )
                logger.warning("incident %s: %s", entry.incident_id, error)
        else:
            chosen = self._triggered(entry.incident_id)
        owed: dict[str, Outcome] = {}
        deadline = self._monotonic() + TURN_SECONDS
        # those whose outcome is recorded are skipped: a previous sender got that far
        waiting = [notifier for notifier in chosen if notifier.name not in handled]
        for index, notifier in enumerate(waiting):
            now = self._monotonic()
            if notifier.name in failing:
                owed[notifier.name] = Outcome(False, 0, "not tried: it failed for another notification", retriable=True)
                continue
            if index and now + self._policy.attempt_seconds > deadline:
                # its attempt could end past the turn (the claim): the next turn's, with nothing recorded (ADR 0643)
                owed[notifier.name] = Outcome(False, 0, "not tried: the turn's time is up", retriable=True)
                continue
            # each its share of what is left of the turn, so that one notifier's retries do not starve the others
            share = now + (deadline - now) / (len(waiting) - index)
            # an earlier claim that recorded nothing for this notifier may have sent it (ADR 0260); one that recorded
            # a failure did not get it through
            repeat = entry.attempts > 0 and notifier.name not in owed_before
            task = _Task(notifier, replace(notification, repeat=repeat))
            outcome = self._send(task, outbox_id=entry.id, deadline=share)
            if not outcome.ok and outcome.retriable:
                owed[notifier.name] = outcome
                failing.add(notifier.name)
        return owed

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
        if not self.sends:  # nothing to send from here: no thread
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="tfreview-notifier", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()  # a notify() from here on wakes the next wait at once
            wait = self._turn(self._outbox)
            self._wake.wait(wait)

    def _send(self, task: _Task, *, outbox_id: int | None = None, deadline: float | None = None) -> Outcome:
        notification = task.notification
        try:
            send = lambda: task.notifier.send(notification)  # noqa: E731  # one call, named for the line below
            outcome = deliver(send, self._policy, sleep=self._sleep, deadline=deadline, clock=self._monotonic)
        except Exception as exc:  # an adapter bug must not kill the notifier thread
            outcome = Outcome(False, 1, f"{task.notifier.name}: internal error {type(exc).__name__}")
        detail: dict[str, Any] = {
            "notifier": task.notifier.name,
            "event": notification.event.value,
            "level": notification.level,
            "attempts": outcome.attempts,
        }
        if outbox_id is not None:
            detail["outbox"] = outbox_id
            if not outcome.ok and outcome.retriable:
                detail["owed"] = True  # the outbox sends it again later (ADR 0639)
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
        return outcome

    def _record(self, incident_id: int, kind: EventKind, detail: dict[str, Any]) -> None:
        try:
            self._incidents.record(incident_id, kind, detail)
        except Exception as exc:  # the store is down: the log line above still tells
            logger.warning("incident %s: cannot record %s (%s)", incident_id, kind.value, type(exc).__name__)
