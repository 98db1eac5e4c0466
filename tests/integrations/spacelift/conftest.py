"""Fixtures: a FakeSpacelift on 127.0.0.1 with a clock the tests move, and clients built against it.

The API key secret reaches the client through a SecretSource over a private mapping (no environment
variable is set, nothing is monkeypatched)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.spacelift import FakeSpacelift
from tfreview.integrations.spacelift.client import SpaceliftClient
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.plumbing.secret_references import SecretSource
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview

SECRET_ENV = "TEST_SPACELIFT_KEY_SECRET"
STACK = "network-prod"
START = 1_767_614_400.0  # 2026-01-05T12:00:00Z


class UnixClock:
    """Unix seconds that move only when a test says so; `.now()` gives the same instant as a datetime."""

    def __init__(self, start: float = START) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds

    def now(self) -> datetime:
        return datetime.fromtimestamp(self(), UTC)


@pytest.fixture
def clock() -> UnixClock:
    return UnixClock()


@pytest.fixture
def spacelift(clock: UnixClock) -> Iterator[FakeSpacelift]:
    with FakeSpacelift(clock=clock) as fake:
        fake.add_stack(STACK, namespace="acme", repository="infra")
        yield fake


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(follow_redirects=False) as client:
        yield client


ClientFactory = Callable[..., SpaceliftClient]


@pytest.fixture
def make_client(spacelift: FakeSpacelift, http: httpx.Client, clock: UnixClock) -> ClientFactory:
    def build(secret: str | None = None, **overrides: Any) -> SpaceliftClient:
        settings: SpaceliftApiSettings = spacelift.api_settings(secret_env=SECRET_ENV, stacks=[STACK], **overrides)
        source = SecretSource.from_env(SECRET_ENV, environ={SECRET_ENV: secret or spacelift.key_secret})
        return SpaceliftClient(http, settings, clock.now, secret=source)

    return build


@pytest.fixture
def client(make_client: ClientFactory) -> SpaceliftClient:
    return make_client()


# --- reviews to publish ----------------------------------------------------------------------------

PLAN = Path(__file__).parents[2] / "worker" / "data" / "plan_with_findings.json"


def plan_report(*, drop_findings: int = 0, notes: list[str] | None = None) -> dict[str, Any]:
    """The stored report of a real review of tests/worker/data/plan_with_findings.json."""
    from tfreview.core.policy import Policy
    from tfreview.core.review import review
    from tfreview.parsing.plan_json import load_plan
    from tfreview.render.json_report import review_document
    from tfreview.rules import load_rules

    change_set = load_plan(PLAN.read_bytes(), path="plan.json")
    change_set = change_set.with_notes(notes or [])
    result = review(change_set, load_rules(), Policy())
    if drop_findings:
        result = replace(result, findings=result.findings[drop_findings:])
    return review_document(result)


def stored_review(
    report: dict[str, Any] | None = None,
    *,
    review_id: str = "r-1",
    run_id: str = "01RUN",
    kind: str = "spacelift",
    repository: str | None = None,
    pull_request: int | None = None,
    verdict: str | None = None,
    stack_id: str | None = STACK,
) -> StoredReview:
    report = report if report is not None else plan_report()
    moment = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    return StoredReview(
        id=review_id,
        tenant_id="spacelift:acme",
        source=SourceInfo(
            kind=kind,
            stack_id=stack_id,
            run_id=run_id if stack_id else None,
            account="acme",
            repository=repository,
            pull_request=pull_request,
            commit_sha="a" * 40,
        ),
        status=ReviewStatus.COMPLETED,
        created_at=moment,
        updated_at=moment,
        verdict=verdict or str(report["verdict"]),
        report=report,
        content_hash="h-" + review_id,
        plan_id="plan-1",
    )
