"""The scheduler: runs the reconcilers (catching up on missed webhooks) every `interval_seconds` each.

One thread in `tfreview serve` (embedded) and `tfreview worker`; `tfreview reconcile` runs the same
reconcilers once, in the foreground. A reconciler that raises is logged and tried again at its next
period; the others are not held up. Several schedulers (several worker processes) may run the same
reconciler at once: every reconciler is idempotent (it enqueues by the webhook's own idempotency key,
and never redelivers a delivery the service already has), so the cost of a repeat is a few API calls.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tfreview.core.redact import scrub_text
from tfreview.ops.recorder import NullRecorder, Recorder
from tfreview.service.container import CatchUp, Reconciler

logger = logging.getLogger("tfreview.scheduler")

Monotonic = Callable[[], float]
MIN_INTERVAL_SECONDS = 1.0  # a floor: a misconfigured 0 must not turn the scheduler into a busy loop


@dataclass(frozen=True, slots=True)
class RunResult:
    """One run of one reconciler: what it did, or why it failed (one scrubbed line)."""

    name: str
    catch_up: CatchUp | None
    error: str | None = None


def run_reconciler(reconciler: Reconciler, metrics: Recorder | None = None) -> RunResult:
    """Run once; never raises (a failure is logged and returned, and counted)."""
    metrics = metrics or NullRecorder()
    try:
        result = reconciler.run_once()
    except Exception as exc:  # an upstream outage, the store down: the next period tries again
        reason = scrub_text(f"{type(exc).__name__}: {exc}".splitlines()[0])
        logger.warning("reconciler %s failed: %s", reconciler.name, reason)
        metrics.count("tfreview_reconciler_runs_total", reconciler=reconciler.name, outcome="error")
        return RunResult(reconciler.name, None, reason)
    metrics.count("tfreview_reconciler_runs_total", reconciler=reconciler.name, outcome="ok")
    if result.acted:
        metrics.count("tfreview_reconciler_caught_up_total", result.acted, reconciler=reconciler.name)
    if result.acted or result.errors:
        logger.info("reconciler %s: %s", reconciler.name, result.summary())
    else:
        logger.debug("reconciler %s: %s", reconciler.name, result.summary())
    return RunResult(reconciler.name, result)


class Scheduler:
    """Runs each reconciler at start, then every `interval_seconds`, until `stop_event` is set."""

    def __init__(
        self,
        reconcilers: Sequence[Reconciler],
        *,
        stop_event: threading.Event | None = None,
        monotonic: Monotonic = time.monotonic,
        metrics: Recorder | None = None,
    ) -> None:
        self.reconcilers = list(reconcilers)
        self.metrics = metrics
        self.stop_event = stop_event or threading.Event()
        self.monotonic = monotonic
        self._due = [0.0 for _ in self.reconcilers]  # 0: due at once

    def run(self) -> None:
        """The thread's loop: run what is due, sleep until the next one is due (or stop)."""
        while not self.stop_event.is_set():
            self.run_due()
            self.stop_event.wait(self.seconds_until_next())

    def run_due(self) -> list[RunResult]:
        """Run every reconciler whose time has come; the next run is one interval after this one ends."""
        results = []
        for index, reconciler in enumerate(self.reconcilers):
            if self.stop_event.is_set():
                break
            if self.monotonic() < self._due[index]:
                continue
            results.append(run_reconciler(reconciler, self.metrics))
            self._due[index] = self.monotonic() + max(MIN_INTERVAL_SECONDS, reconciler.interval_seconds)
        return results

    def seconds_until_next(self) -> float:
        if not self.reconcilers:
            return 3600.0
        return max(0.0, min(self._due) - self.monotonic())


def start_scheduler(
    reconcilers: Sequence[Reconciler], stop_event: threading.Event, metrics: Recorder | None = None
) -> threading.Thread | None:
    """Start the scheduler thread; None (no thread) when there is nothing to schedule."""
    if not reconcilers:
        logger.info("scheduler: no reconciler configured (GitHub App / Spacelift API not set)")
        return None
    scheduler = Scheduler(reconcilers, stop_event=stop_event, metrics=metrics)
    thread = threading.Thread(target=scheduler.run, name="tfreview-scheduler", daemon=True)
    thread.start()
    names = ", ".join(f"{r.name} every {r.interval_seconds:g} s" for r in reconcilers)
    logger.info("scheduler started: %s", names)
    return thread
