"""A hostile GitHub seen from outside the whole stack (session 17): FakeGitHub ⇄ tfreview over real HTTP (uvicorn,
SQLite, the embedded workers), real signed webhooks — then count what GitHub holds.

- a comment GitHub refuses for good (422 "Commenting is disabled on issues with more than 2500 comments", a locked
  conversation) used to take the check run down with it: the publish died before the check run was written, so
  the head showed no check at all (a required check waited for ever; an optional one hid a failing verdict).
  Now the check run is written, once, and the publish still ends dead with GitHub's own reason;
- the GitHub API calls one review costs, counted at the fake: the figure in benchmarks/README.md.
"""

from __future__ import annotations

import collections
import re
from pathlib import Path

from tests.fakes.github import FakeGitHub
from tests.integration.live import wait_for
from tests.integrations.live_stack import LiveStack, open_terraform_pull_request, pull_request_event, send_webhook
from tests.integrations.test_end_to_end_github import github, ours, stacks, start  # noqa: F401  (fixtures)
from tfreview.ports.jobs import JobState

REPO = "octo/infra"
REFUSED = "Commenting is disabled on issues with more than 2500 comments"


def test_a_comment_refused_for_good_still_leaves_one_completed_check_run_and_a_dead_publish_with_its_reason(
    github: FakeGitHub,  # noqa: F811
    tmp_path: Path,
    stacks: list[LiveStack],  # noqa: F811
) -> None:
    stack = start(github, tmp_path)
    stacks.append(stack)
    number = open_terraform_pull_request(github, REPO, "open-ssh")
    sha = github.pull_request(REPO, number).head_sha
    github.answer_next(422, {"message": REFUSED}, method="POST", path_contains="/comments", times=99)
    send_webhook(github, "pull_request", pull_request_event(github, REPO, number, "opened"))

    def publish_dead() -> bool:
        jobs = stack.services.queue.list(limit=50).items
        return any(j.kind == "publish" and j.state is JobState.DEAD for j in jobs)

    wait_for(publish_dead, "the publish job to end")
    runs = github.check_runs(REPO, sha)
    assert len(runs) == 1, runs  # the verdict is on the head even though the comment could not be
    assert runs[0]["status"] == "completed" and runs[0]["conclusion"] == "failure", runs[0]
    assert github.comments(REPO, number) == []
    dead = [j for j in stack.services.queue.list(limit=50).items if j.kind == "publish"]
    assert len(dead) == 1 and REFUSED in (dead[0].last_error or ""), dead
    assert len(github.requests_to("POST", "/comments")) == 1  # a 422 that cannot succeed is not sent again


def test_github_api_calls_per_review(github: FakeGitHub, tmp_path: Path, stacks: list[LiveStack]) -> None:  # noqa: F811
    """The calls one pull request's review and publish cost (`-s` prints them): 11 per review, plus the installation
    token and `GET /app`, asked once per process (the token again after an hour)."""
    stack = start(github, tmp_path)
    stacks.append(stack)
    numbers = [open_terraform_pull_request(github, REPO, f"branch-{index}") for index in range(3)]
    for number in numbers:
        send_webhook(github, "pull_request", pull_request_event(github, REPO, number, "opened"))
    for number in numbers:
        sha = github.pull_request(REPO, number).head_sha
        wait_for(lambda n=number: len(ours(github, REPO, n)) == 1, "the comment")
        wait_for(
            lambda s=sha: [r for r in github.check_runs(REPO, s) if r["status"] == "completed"], "the check run"
        )
    calls = collections.Counter(f"{r.method} {_shape(r.path)}" for r in github.requests)
    for call, count in sorted(calls.items()):
        print(f"{count:3d} {call}")
    once = calls.pop("POST /app/installations/42/access_tokens") + calls.pop("GET /app")
    per_review = sum(calls.values()) / len(numbers)
    print(f"per review: {per_review:.1f} (+ {once} once per process)")
    assert once == 2
    assert per_review == 11  # no list read twice, nothing re-sent: a change here is a decision (benchmarks/README.md)


def _shape(path: str) -> str:
    """A request's path with its pull request number and SHAs left out: one line per kind of call."""
    return re.sub(r"/(pulls|issues)/[0-9]+", r"/\1/N", re.sub(r"[0-9a-f]{40}", "SHA", path))
