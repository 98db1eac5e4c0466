"""GitHub end to end over real HTTP: FakeGitHub ⇄ tfreview (uvicorn, SQLite, embedded workers and scheduler),
wired by `build_services` from settings alone — the real GitHubPlanSource, GitHubPublisher and reconcilers.

- a PR opened → signed webhook → review → exactly one comment and one check run with annotations; a push
  (synchronize, new head SHA) edits that comment and adds a check run for the new SHA;
- W10: 10 % of 500 deliveries reported failed → every one the service never got is redelivered and
  processed within one reconciler period (5 s here); those it already has are never re-requested;
- W11: webhooks disabled, 20 PRs with new head SHAs → all reviewed within 2 scan periods (5 s each
  here), and the webhook copies sent afterwards create 0 duplicate reviews, jobs or comments.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tests.integration.live import wait_for
from tests.integrations.live_stack import (
    INSTALLATION,
    MAIN_TF,
    OWNER,
    REPO,
    LiveStack,
    github_app_settings,
    live_stack,
    open_terraform_pull_request,
    pull_request_event,
    send_webhook,
    signed_post,
    stack_settings,
)
from tfreview.ports.jobs import JobState


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.add_installation(INSTALLATION, OWNER, repos=[REPO])
        fake.add_commit(REPO, "main", {"main.tf": MAIN_TF})
        yield fake


def start(
    github: FakeGitHub,
    tmp_path: Path,
    *,
    reconcilers: tuple[str, ...] = (),
    before_workers: Callable[[LiveStack], None] | None = None,
    **app: object,
) -> LiveStack:
    secret = f"whsec-{uuid.uuid4().hex}"
    settings = stack_settings(tmp_path, webhook_secret=secret, github_app=github_app_settings(github, tmp_path, **app))
    context = live_stack(settings, reconcilers=reconcilers, before_workers=before_workers)
    stack = context.__enter__()
    stack._context = context  # type: ignore[attr-defined]  # closed by the `stacked` fixture
    github.webhook_url = f"{stack.url}/webhooks/github"
    github.webhook_secret = secret
    return stack


@pytest.fixture
def stacks() -> Iterator[list[LiveStack]]:
    started: list[LiveStack] = []
    yield started
    for stack in started:
        stack._context.__exit__(None, None, None)  # type: ignore[attr-defined]


def ours(github: FakeGitHub, repo: str, number: int) -> list[dict[str, object]]:
    return [c for c in github.comments(repo, number) if "tfreview:review" in str(c["body"])]


def has_one_comment(github: FakeGitHub, number: int) -> bool:
    return len(ours(github, REPO, number)) == 1


def test_a_pull_request_gets_one_comment_and_one_check_run_and_a_push_edits_the_comment(
    github: FakeGitHub, tmp_path: Path, stacks: list[LiveStack]
) -> None:
    stack = start(github, tmp_path)
    stacks.append(stack)
    number = open_terraform_pull_request(github, REPO, "open-ssh")
    first_sha = github.pull_request(REPO, number).head_sha
    send_webhook(github, "pull_request", pull_request_event(github, REPO, number, "opened"))

    wait_for(lambda: github.check_runs(REPO, first_sha), "the check run of the first head SHA")
    wait_for(lambda: ours(github, REPO, number), "the PR comment")
    wait_for(lambda: github.check_runs(REPO, first_sha)[0]["status"] == "completed", "the check run to complete")
    comments = ours(github, REPO, number)
    assert len(comments) == 1
    assert len(github.check_runs(REPO, first_sha)) == 1
    run = github.check_runs(REPO, first_sha)[0]
    assert run["conclusion"] == "failure", run
    annotations = run.get("annotations") or []
    assert annotations, "findings with lines become annotations"
    assert all(a["path"].endswith(".tf") for a in annotations)
    assert first_sha[:7] in str(comments[0]["body"]) or "aws_security_group.web" in str(comments[0]["body"])

    # a new push: synchronize with a new head SHA
    second_sha = github.push(REPO, number, {"main.tf": MAIN_TF})
    send_webhook(github, "pull_request", pull_request_event(github, REPO, number, "synchronize"))
    wait_for(lambda: github.check_runs(REPO, second_sha), "the check run of the new head SHA")
    wait_for(lambda: [c for c in ours(github, REPO, number) if c["edits"]], "the comment to be edited for the new head")
    wait_for(lambda: github.check_runs(REPO, second_sha)[0]["status"] == "completed", "the new check run to complete")
    comments = ours(github, REPO, number)
    assert len(comments) == 1, "the same comment is edited, never a second one"
    assert len(github.check_runs(REPO, first_sha)) == 1
    assert len(github.check_runs(REPO, second_sha)) == 1
    assert github.check_runs(REPO, second_sha)[0]["conclusion"] != "failure"
    assert not stack.failed_reviews()

    # canaries: the App's private key, the marker secret and the installation tokens are stored nowhere
    stored = stack.stored_text()
    key_body = github.app_private_key_pem().splitlines()[1]
    marker_secret = (tmp_path / "marker-secret").read_text(encoding="utf-8")
    tokens = list(github._tokens)  # every installation token the fake issued
    assert tokens
    for secret in (key_body, marker_secret, *tokens):
        assert secret not in stored
        assert all(secret not in str(c["body"]) for c in github.comments(REPO, number))


def test_w10_failed_deliveries_are_redelivered_once_and_processed_within_one_period(
    github: FakeGitHub, tmp_path: Path, stacks: list[LiveStack]
) -> None:
    """500 deliveries, 10 % reported failed: 40 the service never got (10 of them PRs to review), 10 it got
    although GitHub gave up waiting for its answer. Scaled period: 5 s."""
    pulls = [open_terraform_pull_request(github, REPO, f"w10-{n}") for n in range(10)]
    failed_never_received: dict[str, int] = {}
    failed_but_received: list[dict[str, object]] = []
    delivered_ok = 0
    for index in range(500):
        number = pulls[index % len(pulls)]
        if index % 10 == 0 and len(failed_never_received) < 40:
            # never reached us: 10 `opened` (a review each), 30 `labeled` (stored, not reviewed)
            action = "opened" if len(failed_never_received) < 10 else "labeled"
            number = pulls[len(failed_never_received) % len(pulls)]
            payload = pull_request_event(github, REPO, number, action)
            delivery = github.add_delivery("pull_request", payload, status_code=502, installation_id=INSTALLATION)
            failed_never_received[delivery["guid"]] = delivery["id"]
        elif index % 10 == 5 and len(failed_but_received) < 10:
            payload = pull_request_event(github, REPO, number, "labeled")
            failed_but_received.append(
                github.add_delivery("pull_request", payload, status_code=0, installation_id=INSTALLATION)
            )
        else:
            payload = pull_request_event(github, REPO, number, "labeled")
            github.add_delivery("pull_request", payload, status_code=200, installation_id=INSTALLATION)
            delivered_ok += 1
    assert (len(failed_never_received), len(failed_but_received), delivered_ok) == (40, 10, 450)

    def received_before(stack: LiveStack) -> None:  # the service stored these; GitHub timed out waiting (status 0)
        for delivery in failed_but_received:
            payload = delivery["payload"]
            assert isinstance(payload, dict)
            response = signed_post(stack, "pull_request", payload, str(delivery["guid"]))
            assert response.status_code in (200, 202), response.text

    stack = start(
        github,
        tmp_path,
        reconcile_deliveries_seconds=5.0,
        reconcilers=("github-deliveries",),
        before_workers=received_before,
    )
    stacks.append(stack)
    # the fake posts the 40 redeliveries one after another; on a loaded machine that alone can take longer
    # than one period, so the wait is generous — "within one period" is asserted on the listings below
    wait_for(lambda: set(failed_never_received) <= stack.delivery_keys(), "the redelivered deliveries", timeout=90)
    listings = github.requests_to("GET", r"^/app/hook/deliveries$")
    assert len(listings) <= 6, "all redelivered by the first pass (≤ 6 pages of 100): within one period"
    requested = set(github.redelivery_requests)
    assert requested == set(failed_never_received.values()), "exactly the failed deliveries we never got"
    wait_for(lambda: len(stack.finished_reviews(kind="github")) == 10, "the 10 redelivered PRs to be reviewed")
    for number in pulls:
        wait_for(partial(has_one_comment, github, number), f"one comment on #{number}")

    again = stack.reconciler("github-deliveries").run_once()  # the next period: nothing left to do
    assert again.acted == 0
    assert set(github.redelivery_requests) == requested
    assert len(github.redelivery_requests) == 40, "no delivery was requested twice"
    assert not stack.failed_reviews()


def test_w11_pull_requests_never_announced_are_reviewed_within_two_scans_and_later_webhooks_add_nothing(
    github: FakeGitHub, tmp_path: Path, stacks: list[LiveStack]
) -> None:
    pulls = [open_terraform_pull_request(github, REPO, f"w11-{n}") for n in range(20)]
    stack = start(github, tmp_path, reconcile_pull_requests_seconds=5.0, reconcilers=("github-pull-requests",))
    stacks.append(stack)  # webhooks disabled: nothing is sent

    # found (a review queued for each) within two scan periods; how long the reviews then take is the workers' (the
    # first reviews of a process start its review processes, ADR 0689), not the reconciler's
    wait_for(lambda: len(stack.reviews(kind="github")) == 20, "20 reviews queued", timeout=30)
    scans = github.requests_to("GET", rf"^/repos/{REPO}/pulls$")
    assert 1 <= len(scans) <= 2, "every PR found within 2 scan periods"
    wait_for(lambda: len(stack.finished_reviews(kind="github")) == 20, "20 reviews", timeout=60)
    for number in pulls:
        wait_for(partial(has_one_comment, github, number), f"the comment on #{number}")

    # webhooks come back: GitHub's copies of every `opened` (and a duplicate `synchronize`) arrive late
    for number in pulls:
        send_webhook(github, "pull_request", pull_request_event(github, REPO, number, "opened"))
        send_webhook(github, "pull_request", pull_request_event(github, REPO, number, "synchronize"))
    assert stack.reconciler("github-pull-requests").run_once().acted == 0
    time.sleep(0.5)  # let any (wrongly) created job run; none is expected
    reviews = stack.reviews(kind="github")
    assert len(reviews) == 20, "0 duplicate reviews"
    assert len({(r.source.pull_request, r.source.commit_sha) for r in reviews}) == 20
    jobs = stack.services.queue.list(limit=500).items
    review_jobs = [j for j in jobs if j.kind == "review"]
    assert len(review_jobs) == 20, "0 duplicate jobs"
    assert all(j.state is JobState.SUCCEEDED for j in review_jobs)
    for number in pulls:
        assert len(ours(github, REPO, number)) == 1
        assert len(github.check_runs(REPO, github.pull_request(REPO, number).head_sha)) == 1
