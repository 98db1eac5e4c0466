"""The recorder: the one small object through which every part of tfreview reports a metric.

Built in `wiring.py` (`PrometheusRecorder` when metrics are on, `NullRecorder` when off) and handed to
what needs it (`services.metrics`, the advisor chain, the JWKS cache); no module keeps a global metric.
Names and labels are those of `tfreview.ops.metric_catalogue`; a recorder refuses any other (a typo is a
test failure, not a silently missing series). Recording never raises into the caller's work for any
other reason: a metric must not break a review.
"""

from __future__ import annotations

from typing import Protocol


class Recorder(Protocol):
    def count(self, name: str, amount: float = 1.0, /, **labels: str) -> None:
        """Add `amount` to the counter `name` (its catalogue name, `_total` included)."""

    def observe(self, name: str, value: float, /, **labels: str) -> None:
        """Record one observation of the histogram `name` (seconds)."""

    def set(self, name: str, value: float, /, **labels: str) -> None:
        """Set the gauge `name` to `value`."""


class NullRecorder:
    """Metrics off: every call is a no-op (the intake benchmark's baseline)."""

    def count(self, name: str, amount: float = 1.0, /, **labels: str) -> None:
        return None

    def observe(self, name: str, value: float, /, **labels: str) -> None:
        return None

    def set(self, name: str, value: float, /, **labels: str) -> None:
        return None


Call = tuple[str, str, float, dict[str, str]]  # (count | observe | set, name, amount or value, labels)


class CallRecorder:
    """Records the calls instead of making them, for another process to replay (`replay`): a review process's
    GitHub counters and rate-limit waits reach the server's own registry, and its /metrics, with the result."""

    def __init__(self) -> None:
        self._calls: list[Call] = []

    def count(self, name: str, amount: float = 1.0, /, **labels: str) -> None:
        self._calls.append(("count", name, amount, labels))

    def observe(self, name: str, value: float, /, **labels: str) -> None:
        self._calls.append(("observe", name, value, labels))

    def set(self, name: str, value: float, /, **labels: str) -> None:
        self._calls.append(("set", name, value, labels))

    def take(self) -> list[Call]:
        """The calls recorded since the last `take`, in order."""
        calls, self._calls = self._calls, []
        return calls


def replay(calls: list[Call], recorder: Recorder) -> None:
    """Make the recorded `calls` on `recorder`, in order (an unknown method is skipped: the data came from a pipe)."""
    for method, name, value, labels in calls:
        if method == "count":
            recorder.count(name, value, **labels)
        elif method == "observe":
            recorder.observe(name, value, **labels)
        elif method == "set":
            recorder.set(name, value, **labels)
