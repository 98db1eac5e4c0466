"""GitHub's abuse-detection refusals, as GitHub really sends them (session 17): a 403 whose JSON says "You have
triggered an abuse detection mechanism" with `documentation_url` ending `#abuse-rate-limits` and no `retry-after`
(GitHub's older wording, still seen in the wild and from GitHub Enterprise Server), and the same refusal as an HTML
page from GitHub's front end. GitHub documents both as a secondary rate limit: wait at least a minute, then send
the request again. They were read as "permission denied" (AuthError): the publish died and the pull request never
got its comment. A plain 403 that names no limit stays a permission failure (never retried)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.github import FakeClock, FakeGitHub
from tfreview.core.errors import AuthError
from tfreview.integrations.github import GitHubClient, GitHubRejected, RateLimited, RateLimiter, build_github_client
from tfreview.integrations.github import client as client_module
from tfreview.ops.metrics import PrometheusRecorder

REPO = "octo/infra"
ABUSE = {
    "documentation_url": "https://developer.github.com/v3/#abuse-rate-limits",
    "message": "You have triggered an abuse detection mechanism. Please wait a few minutes before you try again.",
}
ABUSE_HTML = (
    b"<!DOCTYPE html><html><head><title>Whoa there!</title></head><body><h1>Whoa there!</h1>"
    b"<p>You have triggered an abuse detection mechanism. Please wait a few minutes before you try again.</p>"
    b"</body></html>"
)
NOT_A_LIMIT = b"<!DOCTYPE html><html><body><h1>Access denied</h1><p>Blocked by policy.</p></body></html>"


@pytest.fixture
def clock() -> FakeClock:
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
def client(github: FakeGitHub, clock: FakeClock, tmp_path: Path) -> Iterator[GitHubClient]:
    with httpx.Client(timeout=10) as http:
        yield build_github_client(
            github.app_settings(tmp_path), http, installation_id=42, clock=clock, sleep=clock.sleep
        )


@pytest.mark.parametrize(
    ("body", "headers"),
    [(ABUSE, {}), (ABUSE_HTML, {"Content-Type": "text/html; charset=utf-8"})],
    ids=["json-abuse-detection", "html-abuse-detection"],
)
def test_an_abuse_detection_403_without_retry_after_waits_a_minute_and_the_write_is_sent_once(
    github: FakeGitHub, client: GitHubClient, clock: FakeClock, body: object, headers: dict[str, str]
) -> None:
    github.answer_next(403, body, headers=headers, method="POST", path_contains="/comments")
    start = clock()
    client.create_issue_comment(REPO, 1, "the review")
    assert [c["body"] for c in github.comments(REPO, 1)] == ["the review"]  # sent again, once: 0 lost, 0 twice
    assert clock() - start >= 60  # GitHub: "wait for at least one minute before retrying"
    assert max(clock.sleeps) >= 60


def test_an_abuse_detection_403_on_a_read_waits_too(github: FakeGitHub, client: GitHubClient, clock: FakeClock) -> None:
    github.answer_next(403, ABUSE, method="GET", path_contains="/pulls/1")
    assert client.get_pull_request(REPO, 1).number == 1
    assert max(clock.sleeps) >= 60


def test_an_html_403_that_names_no_limit_is_still_a_permission_failure_sent_once(
    github: FakeGitHub, client: GitHubClient, clock: FakeClock
) -> None:
    github.answer_next(
        403, NOT_A_LIMIT, headers={"Content-Type": "text/html"}, method="POST", path_contains="/comments", times=9
    )
    with pytest.raises(AuthError, match=r"POST /repos/octo/infra/issues/1/comments: 403 Forbidden$"):
        client.create_issue_comment(REPO, 1, "the review")
    assert len(github.requests_to("POST", "/comments")) == 1  # a 4xx that cannot succeed is not sent again
    assert clock.sleeps == []
    assert github.comments(REPO, 1) == []


@pytest.mark.parametrize(
    ("body", "headers"),
    [(ABUSE, {}), (ABUSE_HTML, {"Content-Type": "text/html"})],
    ids=["json-abuse-detection", "html-abuse-detection"],
)
def test_the_installation_token_request_refused_by_abuse_detection_is_a_wait_not_a_permission_failure(
    github: FakeGitHub, client: GitHubClient, body: object, headers: dict[str, str]
) -> None:
    github.answer_next(403, body, headers=headers, method="POST", path_contains="/access_tokens")
    with pytest.raises(RateLimited, match=r"access_tokens: refused by a rate limit") as raised:
        client.get_pull_request(REPO, 1)
    assert raised.value.wait_seconds >= 60
    assert client.get_pull_request(REPO, 1).number == 1  # the job's next attempt, after the wait


def test_a_secondary_limit_that_goes_on_doubles_the_wait_and_a_write_that_goes_through_ends_the_row(
    github: FakeGitHub, client: GitHubClient, clock: FakeClock
) -> None:
    """GitHub: "If your request continues to fail due to a secondary rate limit, wait for an exponentially increasing
    amount of time between retries". The same `retry-after: 2` four times in a row was waited 2, 2, 2, 2 s: a client
    that keeps asking while refused risks the App's ban. Now 2, 4, 8, 16 s; after a write goes through, 2 s again."""
    refusal = {"message": "You have exceeded a secondary rate limit."}
    github.answer_next(403, refusal, headers={"Retry-After": "2"}, method="POST", path_contains="/comments", times=4)
    client.create_issue_comment(REPO, 1, "first")
    assert clock.sleeps == [2, 4, 8, 16]
    github.answer_next(403, refusal, headers={"Retry-After": "2"}, method="POST", path_contains="/comments", times=1)
    client.create_issue_comment(REPO, 1, "second")
    assert clock.sleeps[4:] == [2]
    assert [c["body"] for c in github.comments(REPO, 1)] == ["first", "second"]


def test_a_search_before_create_longer_than_the_pages_read_is_refused_not_cut_short(
    github: FakeGitHub, client: GitHubClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A list past `MAX_PAGES` stopped there with a warning, as if it ended: for the comments searched before our one
    comment is created, an item left out could be that comment, and a second one would be posted. Now the searches
    before a create (comments, check runs) refuse for good; the scans (repositories, open pull requests) still stop
    with a warning. (github.com closes an issue's comments at 2,500, 25 pages: a GitHub Enterprise Server may not.)"""
    monkeypatch.setattr(client_module, "MAX_PAGES", 2)
    for index in range(201):  # three pages of 100
        github.add_comment(REPO, 1, f"chatter {index}")
    with pytest.raises(GitHubRejected, match=r"comments: more than 2 pages .* not read to the end"):
        client.list_issue_comments(REPO, 1)
    assert len(github.requests_to("GET", r"/issues/1/comments$")) == 2  # the pages read, no more


def test_refusals_of_requests_in_flight_together_are_one_refusal_not_a_row() -> None:
    """Four workers' writes sent at the same instant, all refused: one refusal (3 s), not four in a row (24 s)."""
    clock = FakeClock(start=0.0)
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    said = {"retry-after": "3"}
    assert [limiter.after_response("42", 403, said, write=True) for _ in range(4)] == [3, 3, 3, 3]
    clock.advance(3)
    assert limiter.after_response("42", 403, said, write=True) == 6  # sent after the wait, refused again
    clock.advance(6)
    assert limiter.after_response("42", 201, {}, write=True) is None
    assert limiter.after_response("42", 403, said, write=True) == 3  # the row ended with the write that went through


def test_a_row_of_refusals_left_without_a_write_through_is_forgotten_after_an_hour_of_quiet() -> None:
    """The row ended only with a write that went through. A publish refused five times in a row, then handed back for
    good (or its pull request closed), left the installation's row at 5 for ever: the next refusal of a write, a day
    later, a new incident, waited 32 times what GitHub asked (an hour at most) — every publish of that installation
    stalled. A row is now forgotten once the installation went an hour past its last wait without a refusal."""
    clock = FakeClock(start=0.0)
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    said = {"retry-after": "60"}
    waits = []
    for _ in range(5):
        wait = limiter.after_response("42", 403, said, write=True)
        assert wait is not None
        waits.append(wait)
        clock.advance(wait)
    assert waits == [60, 120, 240, 480, 960]
    clock.advance(86_400)  # a day of reads only
    assert limiter.after_response("42", 200, {}, write=False) is None
    assert limiter.after_response("42", 403, said, write=True) == 60
    # inside the hour after a wait, the row still goes on (GitHub's "exponentially increasing" retries)
    clock.advance(60 + 1_800)
    assert limiter.after_response("42", 403, said, write=True) == 120


def test_in_the_service_a_read_does_not_hold_a_worker_thread_through_a_doubled_wait() -> None:
    """Reads in the service slept any wait up to `max_wait_seconds` (15 minutes) in the worker's thread. With the
    row doubling (ADR 0589) one installation's reads met 60, 120, 240, 480 s in a row — 15 minutes a job — and a few
    of its jobs held every worker thread while every other tenant's reviews waited. Now a read in the service sleeps
    at most a minute (GitHub's own default); a longer wait is raised, and the worker hands the job back (ADR 0609)."""
    clock = FakeClock(start=0.0)
    limiter = RateLimiter(clock=clock, sleep=clock.sleep, restart_writes=True)
    said = {"retry-after": "60"}
    assert limiter.after_response("42", 403, said) == 60
    limiter.before_request("42", write=False)  # a minute: slept, as GitHub asks
    assert clock.sleeps == [60]
    assert limiter.after_response("42", 403, said) == 120
    with pytest.raises(RateLimited) as raised:
        limiter.before_request("42", write=False)
    assert raised.value.wait_seconds == pytest.approx(120)
    assert clock.sleeps == [60]
    limiter.before_request("7", write=False)  # another installation is not held at all
    assert clock.sleeps == [60]


def test_a_refusal_whose_doubled_wait_reaches_the_hour_is_counted_once() -> None:
    """The github-secondary-limit-capped alert's count (ADR 0611): the wait reaching its one-hour cap was said only
    in a log line; requests refused in flight beside it are the same refusal, not more."""
    clock = FakeClock(start=0.0)
    recorder = PrometheusRecorder()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep, metrics=recorder)
    said = {"retry-after": "60"}
    waits = []
    for _ in range(8):
        waits.append(limiter.after_response("42", 403, said, write=True))
        assert limiter.after_response("42", 403, said, write=True) == waits[-1]  # in flight beside it
        clock.advance(waits[-1] or 0)
    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert recorder.registry.get_sample_value("tfreview_github_secondary_limit_capped_total") == 2
