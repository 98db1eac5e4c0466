"""Sampled metric series, kept in memory for as long as the alert table's longest window (pure).

The watchdog adds one snapshot per evaluation (`SeriesBuffer.add`): every sample of the process's
metrics and of the database-derived signals, at the same instant. A counter series that appears
between two snapshots (its first increment) is taken to have been 0 at the previous snapshot —
prometheus-client creates a labelled series at its first increment, and without that zero the first
dead letter of a day would never count as an increase (Prometheus' created-timestamp zero ingestion
does the same).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

Labels = tuple[tuple[str, str], ...]
SeriesKey = tuple[str, Labels]
_COUNTER_SUFFIXES = ("_total", "_count", "_bucket", "_sum")


@dataclass(frozen=True, slots=True)
class Sample:
    name: str
    labels: Labels
    value: float

    @classmethod
    def of(cls, name: str, labels: Mapping[str, str], value: float) -> Sample:
        return cls(name, tuple(sorted(labels.items())), float(value))


def is_counter(name: str) -> bool:
    return name.endswith(_COUNTER_SUFFIXES)


class SeriesBuffer:
    """Points per series over the last `horizon_seconds` (plus one older point, for windows that start
    between two snapshots). Times are Unix seconds."""

    def __init__(self, horizon_seconds: float) -> None:
        self.horizon = horizon_seconds
        self._points: dict[SeriesKey, deque[tuple[float, float]]] = {}
        self._by_name: dict[str, set[SeriesKey]] = {}
        self._times: deque[float] = deque()

    @property
    def latest_time(self) -> float | None:
        return self._times[-1] if self._times else None

    def add(self, at: float, samples: Iterable[Sample]) -> None:
        previous = self._times[-1] if self._times else None
        if previous is not None and at <= previous:
            return  # a clock that went back: keep the series monotonic
        for sample in samples:
            key = (sample.name, sample.labels)
            points = self._points.get(key)
            if points is None:
                points = self._points[key] = deque()
                self._by_name.setdefault(sample.name, set()).add(key)
                if previous is not None and is_counter(sample.name):
                    points.append((previous, 0.0))
            points.append((at, sample.value))
        self._times.append(at)
        self._trim(at)

    def latest(self, name: str | None = None) -> Iterator[tuple[SeriesKey, float]]:
        """Series (of metric `name`) present in the newest snapshot, with their values."""
        at = self.latest_time
        for key in self._keys(name):
            points = self._points[key]
            if points and points[-1][0] == at:
                yield key, points[-1][1]

    def points(
        self, start: float, end: float, name: str | None = None
    ) -> Iterator[tuple[SeriesKey, list[tuple[float, float]]]]:
        """Every series' (of metric `name`) points with start <= t <= end (Prometheus 2's closed range)."""
        for key in self._keys(name):
            inside = [p for p in self._points[key] if start <= p[0] <= end]
            if inside:
                yield key, inside

    def _keys(self, name: str | None) -> list[SeriesKey]:
        if name is None:
            return list(self._points)
        return [key for key in self._by_name.get(name, ()) if key in self._points]

    def _trim(self, now: float) -> None:
        cutoff = now - self.horizon
        while len(self._times) > 1 and self._times[1] <= cutoff:
            self._times.popleft()
        for key in list(self._points):
            points = self._points[key]
            while len(points) > 1 and points[1][0] <= cutoff:
                points.popleft()
            if points and points[-1][0] < cutoff:
                del self._points[key]
                self._by_name.get(key[0], set()).discard(key)
