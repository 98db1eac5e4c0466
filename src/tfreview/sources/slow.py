"""TEST ONLY: a PlanSource wrapper that sleeps before fetching, so crash tests can kill a worker mid-review.

Enabled only by the environment variable TFREVIEW_TEST_SLOW_SOURCE_SECONDS (read in `tfreview.wiring`);
never set it in production. It is not a setting on purpose: it must not appear in any configuration.
"""

from __future__ import annotations

import time

from tfreview.ports.records import StoredReview
from tfreview.ports.service import Fetched, PlanSource

SLOW_SOURCE_ENV = "TFREVIEW_TEST_SLOW_SOURCE_SECONDS"


class SlowPlanSource:
    def __init__(self, inner: PlanSource, seconds: float) -> None:
        self.kind = inner.kind
        self.unavailable: str | None = None  # it sleeps first whatever the inner source does: a worker dies mid-review
        self._inner = inner
        self._seconds = seconds

    def fetch(self, review: StoredReview, payload: dict[str, object]) -> Fetched:
        time.sleep(self._seconds)
        return self._inner.fetch(review, payload)
