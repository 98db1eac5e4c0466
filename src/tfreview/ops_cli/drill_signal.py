"""The failure signal of a drill, read from the service's own metrics (pure): when did the failure stop,
and by when may the incident resolve (ADR 0528).

A drill reads the service's metrics (`GET /metrics`) at every poll, from before the injection to the
incident's resolution. Each read says, for each row of the drilled group, whether the failure was still
happening at that read:

    increase, rate, ratio   a NEW increase of the row's metric (the numerator of a ratio) since the read
                            before — "no new failure" is recovery, whatever the window still remembers
    value, age, absent      the row's condition holds on the current read (`evaluation.evaluate`)

    >>> from tfreview.ops.alert_table import Condition, Selector
    >>> spike = Condition("increase", Selector("tfreview_webhook_signature_failures_total"), 300, ">", 20)
    >>> before = [Sample.of("tfreview_webhook_signature_failures_total", {}, 40)]
    >>> failing(spike, before, [Sample.of("tfreview_webhook_signature_failures_total", {}, 41)], 0.0)
    True
    >>> failing(spike, before, before, 0.0)
    False

Time to recover is from the drill's recovery to the moment the failure had stopped by: the last read that
saw a new increase (windowed kinds: the failure happened by then), or the first read on which the
condition no longer held (the others). 0 when the failure had already stopped before the recovery (a
level-1 action such as `pause-ai` can stop it).

The incident's resolution is due by the row's own mechanics after the last failure: a windowed
condition keeps holding until the last failure leaves its window, then the alert keeps firing for the
watchdog's `keep_firing_seconds`; the watchdog and the drill see it at their next poll:

    due = failure stopped + window (windowed kinds) + keep_firing + slack
    slack = 3 watchdog intervals + 2 drill polls + 10 % of (window + keep_firing)

`for_seconds` delays only the firing, never the resolution. For a group whose incident several rows
fired, the latest of their due moments counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tfreview.ops.alert_table import AlertRule, Condition
from tfreview.ops.evaluation import evaluate
from tfreview.ops.series import Sample, SeriesBuffer

WINDOWED = ("increase", "rate", "ratio")
SLACK_INTERVALS = 3
SLACK_FRACTION = 0.1


@dataclass(frozen=True, slots=True)
class Read:
    """One read of the service's metrics: when (monotonic and wall clock) and what."""

    at: float
    wall: float
    samples: tuple[Sample, ...]


@dataclass(frozen=True, slots=True)
class Mechanics:
    """The watchdog's timing the drill allows for (on the real clock of the rehearsal)."""

    keep_firing_seconds: float
    interval_seconds: float
    poll_seconds: float


def failing(condition: Condition, previous: Sequence[Sample] | None, current: Sequence[Sample], wall: float) -> bool:
    """Whether the failure of `condition` is still happening at the read `current` (see the module)."""
    if condition.kind in WINDOWED:
        if previous is None:
            return False  # the first read: nothing to compare with
        return _selected_sum(condition, current) > _selected_sum(condition, previous)
    buffer = SeriesBuffer(1.0)
    buffer.add(wall, current)
    value = evaluate(condition, buffer, wall)
    return value is not None and condition.holds(value)


def _selected_sum(condition: Condition, samples: Sequence[Sample]) -> float:
    return sum(s.value for s in samples if condition.selector.selects(s.name, dict(s.labels)))


def last_failing(condition: Condition, reads: Sequence[Read]) -> float | None:
    """The monotonic time of the last read that saw the failure, or None when none did."""
    last = None
    previous: Sequence[Sample] | None = None
    for read in reads:
        if failing(condition, previous, read.samples, read.wall):
            last = read.at
        previous = read.samples
    return last


def stopped_at(condition: Condition, reads: Sequence[Read]) -> float | None:
    """The monotonic time by which the failure had stopped; None when no read saw it. An increase seen at
    a read happened by that read; a condition that held at a read stopped holding by the next read."""
    last = last_failing(condition, reads)
    if last is None or condition.kind in WINDOWED:
        return last
    return next((r.at for r in reads if r.at > last), last)


def recover_seconds(condition: Condition, reads: Sequence[Read], recovered_from: float) -> float | None:
    """Seconds from the recovery to the moment the failure had stopped by (0 if before the recovery);
    None when the newest read still sees it (the failure never stopped)."""
    if reads and _newest_failing(condition, reads):
        return None
    stopped = stopped_at(condition, reads)
    return 0.0 if stopped is None else max(0.0, stopped - recovered_from)


def _newest_failing(condition: Condition, reads: Sequence[Read]) -> bool:
    previous = reads[-2].samples if len(reads) > 1 else None
    return failing(condition, previous, reads[-1].samples, reads[-1].wall)


def mechanics_seconds(rule: AlertRule, mechanics: Mechanics) -> float:
    """How long after its last failure the row's alert can keep its incident open, slack excluded."""
    window = float(rule.condition.window_seconds) if rule.condition.kind in WINDOWED else 0.0
    return window + mechanics.keep_firing_seconds


def slack_seconds(rule: AlertRule, mechanics: Mechanics) -> float:
    return (
        SLACK_INTERVALS * mechanics.interval_seconds
        + 2 * mechanics.poll_seconds
        + SLACK_FRACTION * mechanics_seconds(rule, mechanics)
    )


@dataclass(frozen=True, slots=True)
class Due:
    """By when the incident may resolve, and why (for the report)."""

    alert_id: str
    last_failure: float  # monotonic, when the failure had stopped by; the recovery when no read saw it
    window_seconds: float
    keep_firing_seconds: float
    slack_seconds: float

    @property
    def at(self) -> float:
        return self.last_failure + self.window_seconds + self.keep_firing_seconds + self.slack_seconds


def resolution_due(
    rules: Sequence[AlertRule], reads: Sequence[Read], mechanics: Mechanics, recovered_from: float
) -> Due | None:
    """The latest due moment among the rows that fired in the incident (None without any row)."""
    dues = []
    for rule in rules:
        last = stopped_at(rule.condition, reads)
        window = float(rule.condition.window_seconds) if rule.condition.kind in WINDOWED else 0.0
        dues.append(
            Due(
                rule.id,
                recovered_from if last is None else last,
                window,
                mechanics.keep_firing_seconds,
                slack_seconds(rule, mechanics),
            )
        )
    return max(dues, key=lambda due: due.at) if dues else None
