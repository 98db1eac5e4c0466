"""GitHub rate limits: I5 (secondary limit: 403 + retry-after on the 81st write → the next write
≥ 60 s later, ≤ 80 writes a minute, 0 lost), write pacing, the primary limit — clock and sleep
injected (the recorded sleeps are the evidence; nothing really sleeps)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.github import FakeClock, FakeGitHub
from tfreview.integrations.github import GitHubClient, RateLimited, RateLimiter, build_github_client

REPO = "octo/infra"


@pytest.fixture
def clock() -> FakeClock:
    # half past a whole second: the fake's whole-second `x-ratelimit-reset` is then never before its own reset
    # (a start within 1 ms of a whole second made the reset header round below it: see the skew test below)
    return FakeClock(start=int(time.time()) + 0.5)


@pytest.fixture
def github(clock: FakeClock) -> Iterator[FakeGitHub]:
    with FakeGitHub(clock=clock) as fake:
        fake.add_installation(42, "octo", repos=[REPO])
        fake.add_commit(REPO, "main", {"main.tf": "# base\n"})
        fake.add_commit(REPO, "feature", {"main.tf": "# head\n"}, base="main")
        fake.open_pull_request(REPO, head="feature")
        yield fake


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def max_in_any_minute(times: list[float]) -> int:
    ordered = sorted(times)
    return max((sum(1 for t in ordered if start <= t < start + 60) for start in ordered), default=0)


def make_client(
    github: FakeGitHub, http: httpx.Client, clock: FakeClock, tmp_path: Path, **settings: object
) -> GitHubClient:
    return build_github_client(
        github.app_settings(tmp_path, **settings), http, installation_id=42, clock=clock, sleep=clock.sleep
    )


def test_i5_secondary_limit_waits_retry_after_and_loses_no_write(
    github: FakeGitHub, http: httpx.Client, clock: FakeClock, tmp_path: Path
) -> None:
    # GitHub counts every write of the App (another replica shares the budget): from our side the
    # limiter is not the only writer, so GitHub's own 403 must be honoured.
    github.secondary_limit(writes_per_minute=80, retry_after=60)
    client = make_client(github, http, clock, tmp_path)
    client.limiter.writes_per_minute = 200  # as if the budget were shared: GitHub's limit is hit first
    for index in range(120):
        client.create_issue_comment(REPO, 1, f"comment {index}")
    assert github.refused_writes >= 1  # the 81st write within the minute got 403 + retry-after: 60
    refused_at = github.refused_times[0]
    next_write = min(t for t in github.write_times if t > refused_at)
    assert next_write - refused_at >= 60  # the next write came at least 60 s later
    assert max(clock.sleeps) >= 60  # ... because the client slept (recorded sleep)
    bodies = [c["body"] for c in github.comments(REPO, 1)]
    assert bodies == [f"comment {i}" for i in range(120)]  # 0 lost, 0 duplicated, in order
    assert max_in_any_minute(github.write_times) <= 80


def test_i5_with_our_own_pacing_github_never_has_to_refuse(
    github: FakeGitHub, http: httpx.Client, clock: FakeClock, tmp_path: Path
) -> None:
    github.secondary_limit(writes_per_minute=80, retry_after=60)
    client = make_client(github, http, clock, tmp_path)
    for index in range(200):
        client.create_issue_comment(REPO, 1, f"comment {index}")
    assert github.refused_writes == 0
    assert len(github.comments(REPO, 1)) == 200
    assert max_in_any_minute(github.write_times) <= 80
    assert sum(clock.sleeps) >= 120  # 200 writes at ≤ 80/min take at least two minutes


def test_a_secondary_limit_with_the_first_write_is_retried(
    github: FakeGitHub, http: httpx.Client, clock: FakeClock, tmp_path: Path
) -> None:
    client = make_client(github, http, clock, tmp_path)
    github.secondary_limit(writes_per_minute=0, retry_after=30)  # refuse every write...
    start = clock()

    def heal_after_first_refusal(seconds: float) -> None:
        github.heal()
        clock.sleep(seconds)

    client.limiter._sleep = heal_after_first_refusal
    client.create_issue_comment(REPO, 1, "once")
    assert clock() - start >= 30
    assert len(github.comments(REPO, 1)) == 1


def test_primary_limit_waits_for_the_reset(
    github: FakeGitHub, http: httpx.Client, clock: FakeClock, tmp_path: Path
) -> None:
    client = make_client(github, http, clock, tmp_path)
    client.get_pull_request(REPO, 1)  # token fetched
    github.primary_limit(1, reset_in_seconds=120)
    client.get_pull_request(REPO, 1)  # answers x-ratelimit-remaining: 0
    before = len(clock.sleeps)
    client.get_pull_request(REPO, 1)  # waits until the reset instead of being refused
    waits = clock.sleeps[before:]
    assert waits
    assert 119 <= sum(waits) <= 122
    assert not [r for r in github.requests if r.status == 403]


def test_a_refusal_whose_reset_is_past_by_our_clock_waits_before_retrying(
    github: FakeGitHub, http: httpx.Client, tmp_path: Path
) -> None:
    """GitHub's clock a little behind ours (here: its whole-second reset rounds below the moment it resets): the
    403 says "reset" at a second our clock has passed. The client waits the second it logs, not none, and gets in
    (it used to retry at once, five times, and give up)."""
    clock = github.clock = FakeClock(start=int(time.time()) + 0.0003)
    client = make_client(github, http, clock, tmp_path)
    client.get_pull_request(REPO, 1)
    github.primary_limit(1, reset_in_seconds=120)
    client.get_pull_request(REPO, 1)
    assert client.get_pull_request(REPO, 1).number == 1
    assert len([r for r in github.requests if r.status == 403]) == 1
    assert 1.0 in clock.sleeps


def test_a_primary_refusal_is_retried_after_the_reset(
    github: FakeGitHub, http: httpx.Client, clock: FakeClock, tmp_path: Path
) -> None:
    client = make_client(github, http, clock, tmp_path)
    client.get_pull_request(REPO, 1)
    github.primary_limit(0, reset_in_seconds=90)
    assert client.get_pull_request(REPO, 1).number == 1
    assert len([r for r in github.requests if r.status == 403]) == 1
    assert 89 <= sum(clock.sleeps) <= 92


def test_a_wait_longer_than_the_maximum_is_raised_not_slept(
    github: FakeGitHub, http: httpx.Client, clock: FakeClock, tmp_path: Path
) -> None:
    client = make_client(github, http, clock, tmp_path, max_rate_limit_wait_seconds=300)
    client.get_pull_request(REPO, 1)
    github.primary_limit(0, reset_in_seconds=3000)
    with pytest.raises(RateLimited) as limited:
        client.get_pull_request(REPO, 1)
    assert limited.value.wait_seconds > 2900
    assert limited.value.kind == "primary"
    assert clock.sleeps == []


def test_pacing_counts_any_sliding_minute_and_the_hour() -> None:
    clock = FakeClock(start=1_000_000.0)
    limiter = RateLimiter(
        writes_per_minute=80, writes_per_hour=500, max_wait_seconds=3600, clock=clock, sleep=clock.sleep
    )
    times = []
    for _ in range(600):
        limiter.before_request("42", write=True)
        times.append(clock())
        clock.advance(0.01)
    assert max_in_any_minute(times) <= 80
    assert sum(1 for t in times if t < times[0] + 3600) <= 500
    for _ in range(50):
        limiter.before_request("42", write=False)  # reads are not paced
    other = RateLimiter(clock=clock, sleep=clock.sleep)
    other.before_request("7", write=True)  # keys (installations) are independent
    assert times[-1] - times[0] >= 3600


def test_secondary_without_retry_after_waits_a_minute() -> None:
    clock = FakeClock(start=0.0)
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    wait = limiter.after_response("42", 403, {}, "You have exceeded a secondary rate limit.")
    assert wait == 60
    limiter.before_request("42", write=False)
    assert clock.sleeps == [60]
    assert limiter.after_response("42", 403, {}, "Resource not accessible by integration") is None


def test_a_retry_after_of_zero_still_waits_a_second_between_refusals(
    github: FakeGitHub, http: httpx.Client, clock: FakeClock, tmp_path: Path
) -> None:
    """`retry-after: 0` on a refusal (a proxy's, or GitHub's rounding) is no licence to resend at once: the App's
    token exchange, Spacelift's 429 and a publish already wait at least a second (ADR 0515); the client's own
    resends did not, and sent the refused request MAX_RATE_LIMIT_RETRIES + 1 times within the same instant."""
    client = make_client(github, http, clock, tmp_path)
    github.secondary_limit(writes_per_minute=0, retry_after=0)
    with pytest.raises(RateLimited) as raised:
        client.create_issue_comment(REPO, 1, "once")
    times = github.refused_times
    assert len(times) > 1
    assert all(later - earlier >= 1 for earlier, later in itertools.pairwise(times)), times
    assert raised.value.wait_seconds >= 1
    assert github.comments(REPO, 1) == []
