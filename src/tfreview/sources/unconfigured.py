"""Sources whose integration is not built yet: they say so, permanently, instead of pretending."""

from __future__ import annotations

from tfreview.core.errors import NotConfigured
from tfreview.ports.records import StoredReview
from tfreview.ports.service import Fetched


class UnconfiguredPlanSource:
    """Fails every fetch with a permanent, precise error (the review is FAILED with this reason)."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        self.unavailable: str | None = message  # run_review fails the job on this before marking it in progress

    def fetch(self, review: StoredReview, payload: dict[str, object]) -> Fetched:
        raise NotConfigured(self.unavailable or "")


def github_not_configured() -> UnconfiguredPlanSource:
    return UnconfiguredPlanSource("github", "GitHub pull-request fetching is not configured yet")


def spacelift_not_configured() -> UnconfiguredPlanSource:
    return UnconfiguredPlanSource(
        "spacelift",
        "Spacelift run fetching is not configured yet; upload the plan with `tfreview submit` from an after_plan hook",
    )
