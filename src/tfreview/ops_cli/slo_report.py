"""`tfreview slo`: each objective's attainment and error budget left over `slo.window_days`.

Time to review is measured from the stored reviews (creation → final state; a failed review is a bad
event). Webhook acceptance and rules latency are not stored per event: the report gives the PromQL
that measures them from the metrics instead of inventing a number.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tfreview.ops.slo import service_levels
from tfreview.settings import Settings


@dataclass(frozen=True, slots=True)
class Attainment:
    total: int
    good: int
    objective: float

    @property
    def ratio(self) -> float | None:
        return self.good / self.total if self.total else None

    @property
    def budget_left(self) -> float | None:
        """1.0: untouched; 0: spent; negative: overspent. None without events."""
        if not self.total:
            return None
        allowed = self.total * (1 - self.objective)
        return 1 - (self.total - self.good) / allowed


def time_to_review(durations: Iterable[tuple[str, float]], target_seconds: float, objective: float) -> Attainment:
    total = good = 0
    for status, seconds in durations:
        total += 1
        if status != "failed" and seconds <= target_seconds:
            good += 1
    return Attainment(total, good, objective)


def format_attainment(name: str, found: Attainment) -> str:
    if found.ratio is None or found.budget_left is None:
        return f"{name}: objective {found.objective:.2%}; no finished review in the window"
    return (
        f"{name}: {found.ratio:.3%} of {found.total} within target (objective {found.objective:.2%}); "
        f"error budget left {found.budget_left:.1%}"
    )


def print_slo_report(settings: Settings, *, now: datetime | None = None) -> int:
    from tfreview.store.database import Database
    from tfreview.store.review_history import finished_reviews
    from tfreview.store.setup import prepare_for_command

    slos = {slo.id: slo for slo in service_levels(settings.slo)}
    prepare_for_command(settings.database.url, settings.database.busy_timeout_ms)
    database = Database(settings.database.url, settings.database.busy_timeout_ms)
    since = (now or datetime.now(UTC)) - timedelta(days=settings.slo.window_days)
    slo = settings.slo
    try:
        found = time_to_review(
            finished_reviews(database, since), slo.time_to_review_seconds, slo.time_to_review_objective
        )
    finally:
        database.close()
    print(f"service level objectives over the last {slo.window_days} days")
    print(format_attainment(f"time-to-review (≤ {slo.time_to_review_seconds:g} s)", found))
    for key in ("webhook-acceptance", "rules-latency"):
        chosen = slos[key]
        attainment = f"1 - {chosen.error_ratio(slo.window_days * 86400)}"
        print(f"{key}: objective {chosen.objective:.3%}; not stored per event, measured by Prometheus: {attainment}")
    sys.stdout.flush()
    return 0
