"""What the SLO and alert panels draw, computed from what the service stores and what its watchdog samples.

- Time to review, per hour of the last `HOURS`: the burn rate (the share of bad reviews — failed, or
  finished later than the target — over the error budget `1 − objective`) and the 95th percentile of the
  time from creation to the final state, from the stored reviews (at most `MAX_REVIEWS`, newest first).
- Queue age: `tfreview_queue_oldest_age_seconds` as the watchdog of this process sampled it (its buffer
  spans the alert table's longest window); a process without a watchdog has no such history.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tfreview.ops.series import SeriesBuffer
from tfreview.ports.records import ReviewStatus, StoredReview
from tfreview.ports.service import ReviewStore

HOURS = 24
MAX_REVIEWS = 10_000
FINISHED = {ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI, ReviewStatus.FAILED}


@dataclass(frozen=True, slots=True)
class HourlyReviews:
    burn: list[tuple[float, float]]  # (hour start, burn rate, a multiple of the budget)
    p95: list[tuple[float, float]]  # (hour start, seconds)
    total: int
    bad: int
    truncated: bool


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def recent_reviews(store: ReviewStore, since: datetime) -> tuple[list[StoredReview], bool]:
    """Reviews created since `since`, newest first, at most MAX_REVIEWS (True: there were more)."""
    found: list[StoredReview] = []
    cursor: str | None = None
    while True:
        page = store.list(None, filters={}, limit=200, cursor=cursor, with_report=False)
        for item in page.items:
            if aware(item.created_at) < since:
                return found, False
            found.append(item)
            if len(found) >= MAX_REVIEWS:
                return found, True
        cursor = page.next_cursor
        if cursor is None:
            return found, False


def hourly(reviews: Iterable[StoredReview], target_seconds: float, objective: float) -> HourlyReviews:
    """Burn rate and p95 latency per hour of creation, of the finished reviews."""
    durations: dict[float, list[float]] = defaultdict(list)
    bad_by_hour: dict[float, int] = defaultdict(int)
    for item in reviews:
        if item.status not in FINISHED:
            continue
        created = aware(item.created_at)
        hour = math.floor(created.timestamp() / 3600) * 3600.0
        seconds = max(0.0, (aware(item.updated_at) - created).total_seconds())
        durations[hour].append(seconds)
        if item.status is ReviewStatus.FAILED or seconds > target_seconds:
            bad_by_hour[hour] += 1
    budget = max(1 - objective, 1e-9)
    burn = [(h, bad_by_hour[h] / len(durations[h]) / budget) for h in sorted(durations)]
    p95 = [(h, percentile(durations[h], 0.95)) for h in sorted(durations)]
    total = sum(len(d) for d in durations.values())
    return HourlyReviews(burn, p95, total, sum(bad_by_hour.values()), truncated=False)


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (the value at or below which `q` of them lie)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def sampled(buffer: SeriesBuffer | None, name: str, horizon_seconds: float) -> list[tuple[float, float]]:
    """A gauge's points (the highest of its series at each instant) from a watchdog's buffer; [] without one."""
    latest = buffer.latest_time if buffer is not None else None
    if buffer is None or latest is None:
        return []
    highest: dict[float, float] = {}
    for _key, points in buffer.points(latest - horizon_seconds, latest, name):
        for at, value in points:
            highest[at] = max(highest.get(at, value), value)
    return sorted(highest.items())
