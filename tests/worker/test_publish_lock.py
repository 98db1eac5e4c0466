"""Issue 9.11: a rate-limited GitHub write is never resent as it was; the publish starts over after the wait, under
a per-PR lease that holds across processes — so a late, older review never overwrites a newer one and no second
comment appears.

Two "processes": two containers built by `build_services` on ONE database (SQLite file, and PostgreSQL when
TFREVIEW_TEST_POSTGRES_URL is set), each with its own GitHub client, rate limiter, publisher and in-process locks —
all they share is the database and the fake GitHub (real HTTP), as two `tfreview worker` processes would.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tfreview.core.policy import Policy
from tfreview.core.review import review as run_rules
from tfreview.ports.job_types import JobKind, PublishJob
from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.render.json_report import review_document
from tfreview.rules import load_rules
from tfreview.service.publishing import publish_target
from tfreview.wiring import WiredServices, build_services
from tfreview.worker.runner import Outcome, Worker

from .conftest import ManualClock, _emptied, database_settings, sqlite_url

REPO = "octo/infra"
INSTALLATION = 42
TENANT = f"github:{INSTALLATION}"
MAIN_TF = 'resource "aws_ebs_volume" "data" {\n  availability_zone = "eu-west-1a"\n  size = 40\n}\n'
RETRY_AFTER = 2  # seconds GitHub asks for, in its 403 (on the services' clock, which the rate limiter follows)


@pytest.fixture
def clock() -> ManualClock:
    """The services', their rate limiters' and App tokens', and the fake GitHub's one clock (ADR 0515)."""
    return ManualClock()


@pytest.fixture
def github(clock: ManualClock) -> Iterator[FakeGitHub]:
    with FakeGitHub(clock=lambda: clock().timestamp()) as fake:
        fake.add_installation(INSTALLATION, "octo", repos=[REPO])
        fake.add_commit(REPO, "main", {"README.md": "hello"})
        fake.add_commit(REPO, "feature", {"main.tf": MAIN_TF}, base="main")
        fake.open_pull_request(REPO, head="feature", base="main", number=1)
        yield fake


@pytest.fixture(params=["sqlite", "postgres"])
def two_processes(
    request: pytest.FixtureRequest, github: FakeGitHub, tmp_path: Path, clock: ManualClock
) -> Iterator[tuple[WiredServices, WiredServices, ManualClock]]:
    url = sqlite_url(tmp_path) if request.param == "sqlite" else _emptied(request.getfixturevalue("postgres_url"))
    marker = tmp_path / "marker-secret"
    marker.write_text("marker-secret-0123456789abcdef")
    settings = database_settings(url).model_copy(
        update={"github_app": github.app_settings(tmp_path, marker_secret=f"file:{marker}")}
    )
    first, second = build_services(settings, clock=clock), build_services(settings, clock=clock)
    try:
        yield first, second, clock
    finally:
        first.close()
        second.close()


def finished_review(services: WiredServices, github: FakeGitHub) -> str:
    """A completed review of PR #1 at its current head, with its publish job queued; returns the head SHA."""
    head = github.pull_request(REPO, 1).head_sha
    source = SourceInfo("github", repository=REPO, pull_request=1, commit_sha=head)
    stored = services.reviews.create(TENANT, source)
    change_set = services.sources["github"].fetch(stored, {}).change_set
    report = review_document(run_rules(change_set, load_rules(), Policy()))
    saved = services.reviews.save_result(stored.id, ReviewStatus.COMPLETED, report, str(report["verdict"]), {})
    services.queue.enqueue(PublishJob(TENANT, saved.id, saved.content_hash or "").encode())
    return head


def publisher(services: WiredServices, name: str) -> Worker:
    return Worker(services, name, kinds=[JobKind.PUBLISH.value])


def test_9_11_a_refused_write_is_not_resent_and_an_older_review_never_overwrites_a_newer_one(
    two_processes: tuple[WiredServices, WiredServices, ManualClock], github: FakeGitHub
) -> None:
    first, second, clock = two_processes
    old_head = finished_review(first, github)
    github.secondary_limit(writes_per_minute=0, retry_after=RETRY_AFTER)  # every write: 403 + Retry-After
    outcomes: list[Outcome | None] = []
    worker_a = threading.Thread(target=lambda: outcomes.append(publisher(first, "a").run_once()))
    worker_a.start()
    deadline = time.monotonic() + 30
    while github.refused_writes == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert github.refused_writes == 1  # process A's comment create was refused
    github.heal()
    new_head = github.push(REPO, 1, {"main.tf": MAIN_TF + "# v2\n"})  # a push: process B reviews the new head
    finished_review(second, github)
    done_b = publisher(second, "b").run_once()
    assert done_b is not None
    assert done_b.result == "succeeded", done_b
    worker_a.join(60)
    assert outcomes
    assert outcomes[0] is not None
    assert outcomes[0].result == "waiting", outcomes[0]  # it did not resend; it waits, uncounted
    assert outcomes[0].job.attempts == 0
    clock.advance(RETRY_AFTER + 5)  # A's own limiter honours GitHub's wait, on the same clock
    again = publisher(first, "a").run_once()  # starts over: reads the head (new), finds B's comment
    assert again is not None
    assert again.result == "succeeded", again
    comments = github.comments(REPO, 1)
    assert len(comments) == 1
    assert new_head[:7] in comments[0]["body"]
    assert old_head[:7] not in comments[0]["body"]


def test_9_11_a_publish_waits_while_another_process_holds_the_pull_requests_lease(
    two_processes: tuple[WiredServices, WiredServices, ManualClock], github: FakeGitHub
) -> None:
    first, second, clock = two_processes
    finished_review(first, github)
    stored = first.reviews.list(TENANT, filters={}).items[0]
    key = publish_target(stored)
    assert key == f"{TENANT}:{REPO}#1"
    assert second.publish_locks is not None
    assert second.publish_locks.acquire(key, "process-b", 60)  # B is publishing to the PR
    waiting = publisher(first, "a").run_once()
    assert waiting is not None
    assert waiting.result == "waiting", waiting
    assert github.comments(REPO, 1) == []
    second.publish_locks.release(key, "process-b")
    clock.advance(5)
    done = publisher(first, "a").run_once()
    assert done is not None
    assert done.result == "succeeded", done
    assert len(github.comments(REPO, 1)) == 1
