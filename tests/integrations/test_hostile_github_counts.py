"""A hostile GitHub seen from outside the whole stack (session 17): FakeGitHub ⇄ tfreview over real HTTP (uvicorn,
SQLite, the embedded workers), real signed webhooks — then count what GitHub holds.

- a comment GitHub refuses for good (422 "Commenting is disabled on issues with more than 2500 comments", a locked
  conversation) used to take the check run down with it: the publish died before the check run was written, so
  the head showed no check at all (a required check waited for ever; an optional one hid a failing verdict).
  Now the check run is written, once, and the publish still ends dead with GitHub's own reason;
- everything GitHub does wrong at once to 8 pull requests (writes performed then answered 502, not at all or with
  half a body; 502s on reads; every installation token revoked mid-review, 401 "Bad credentials"; a secondary
  limit with `retry-after`; `opened` and `synchronize` for one head at the same instant; a delivery redelivered
  with its guid): every pull request ends with exactly one comment and one completed check run, the refused writes
  wait their `retry-after`, and no canary (App key, installation token, webhook secret, marker secret) is in the
  logs, the database or a comment;
- the GitHub API calls one review costs, counted at the fake: the figure in benchmarks/README.md.
"""

from __future__ import annotations

import collections
import itertools
import logging
import re
import threading
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tests.integration.live import wait_for
from tests.integrations.live_stack import LiveStack, open_terraform_pull_request, pull_request_event, send_webhook
from tests.integrations.test_end_to_end_github import github, ours, stacks, start  # noqa: F401  (fixtures)
from tfreview.ports.jobs import JobState

REPO = "octo/infra"
REFUSED = "Commenting is disabled on issues with more than 2500 comments"
SECONDARY_WINDOW = 20.0  # seconds: the fake's secondary limit counts the writes of this window


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
    assert (runs[0]["status"], runs[0]["conclusion"]) == ("completed", "failure"), runs[0]
    assert github.comments(REPO, number) == []
    dead = [j for j in stack.services.queue.list(limit=50).items if j.kind == "publish"]
    assert len(dead) == 1, dead
    assert REFUSED in (dead[0].last_error or ""), dead
    assert len(github.requests_to("POST", "/comments")) == 1  # a 422 that cannot succeed is not sent again
    # the check run is honest about what is missing: its summary says the comment was refused, and why
    summary = str(runs[0]["output"]["summary"])
    assert "comment on the pull request could not be written" in summary, summary
    assert REFUSED in summary, summary

    # the operator retries the dead publish (the dashboard's "retry"): the same run is kept, never a second one
    assert stack.services.queue.retry(dead[0].id) is not None

    def retried_dead() -> bool:
        job = stack.services.queue.get(dead[0].id)
        return job is not None and job.state is JobState.DEAD and job.created_at > dead[0].created_at

    wait_for(retried_dead, "the retried publish to end")
    assert len(github.check_runs(REPO, sha)) == 1
    assert len(github.requests_to("POST", "/check-runs")) == 1
    assert len(github.requests_to("POST", "/comments")) == 2  # asked again once: the PR may have been unlocked
    assert github.comments(REPO, number) == []


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
        wait_for(lambda s=sha: [r for r in github.check_runs(REPO, s) if r["status"] == "completed"], "the check run")
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


def test_a_hostile_github_at_once_still_gives_every_pull_request_one_comment_and_one_check_run(
    github: FakeGitHub,  # noqa: F811
    tmp_path: Path,
    stacks: list[LiveStack],  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    stack = start(github, tmp_path)
    stacks.append(stack)
    numbers = [open_terraform_pull_request(github, REPO, f"hostile-{index}") for index in range(8)]
    for mode in ("502", "drop", "cut"):  # performed, then the answer is lost (I2)
        github.lose_next_response(method="POST", path_contains="/comments", mode=mode)
    for mode in ("cut", "502"):
        github.lose_next_response(method="POST", path_contains="/check-runs", mode=mode)
    github.fail_next(502, method="GET", path_contains="/files", times=2)
    # GitHub's own count (other replicas write too): 10 writes in a window of 20 s, not GitHub's minute — the
    # refusals, their retry-after and the doubling of the waits are the same; the test no longer sits out a
    # minute's window with the doubled waits (3, 6, 12, 24 s) that a 60 s one takes to clear
    github.secondary_limit(writes_per_minute=10, retry_after=3, window_seconds=SECONDARY_WINDOW)

    first = pull_request_event(github, REPO, numbers[0], "opened")
    twin = pull_request_event(github, REPO, numbers[0], "synchronize")  # the same head SHA (I3)
    racers = [threading.Thread(target=send_webhook, args=(github, "pull_request", event)) for event in (first, twin)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    stored = None
    revoked: list[str] = []
    for index, number in enumerate(numbers[1:], start=1):
        delivery = send_webhook(github, "pull_request", pull_request_event(github, REPO, number, "opened"))
        if index == 3:
            revoked = list(wait_for(lambda: list(github._tokens), "the first installation token"))
            github.revoke_installation_tokens(42)  # the token GitHub issued expires mid-review: 401 Bad credentials
            stored = delivery
    assert stored is not None
    github.deliver(stored)  # GitHub redelivers one we already hold: same guid

    def settled() -> bool:
        jobs = stack.services.queue.list(limit=200).items
        return all(len(ours(github, REPO, n)) >= 1 for n in numbers) and all(
            j.state in (JobState.SUCCEEDED, JobState.DEAD) for j in jobs
        )

    wait_for(settled, "every pull request to be published", timeout=240)
    dead = [(j.kind, j.last_error) for j in stack.services.queue.list(limit=200).items if j.state is JobState.DEAD]
    assert dead == []
    for number in numbers:
        assert len(ours(github, REPO, number)) == 1, number
        runs = github.check_runs(REPO, github.pull_request(REPO, number).head_sha)
        assert [run["status"] for run in runs] == ["completed"], (number, runs)
    assert sum(len(github.comments(REPO, n)) for n in numbers) == 8  # nothing else was posted
    first_refusal = github.refused_times[0] if github.refused_times else 0.0
    print(
        f"refused writes: {len(github.refused_times)}, writes: {len(github.write_times)},",
        "at +",
        [round(t - first_refusal, 1) for t in github.refused_times],
    )
    assert github.refused_times, "the secondary limit was met"
    for refused_at in github.refused_times:  # the next write waited the retry-after
        later = [t for t in github.write_times if t > refused_at]
        assert not later or min(later) - refused_at >= 3 - 0.05, (refused_at, later)
    assert max(sum(1 for t in github.write_times if s <= t < s + SECONDARY_WINDOW) for s in github.write_times) <= 10

    marker_secret = (tmp_path / "marker-secret").read_text(encoding="utf-8")
    canaries = [github.app_private_key_pem().splitlines()[1], marker_secret, stack.webhook_secret, *github._tokens]
    assert revoked
    assert set(revoked).isdisjoint(github._tokens)  # a new token was minted after the 401
    canaries += revoked
    everything = "\n".join(
        itertools.chain(
            [stack.stored_text(), caplog.text],
            (str(c["body"]) for n in numbers for c in github.comments(REPO, n)),
            (str(r.get("output")) for n in numbers for r in github.check_runs(REPO)),
        )
    )
    for canary in canaries:
        assert canary not in everything


def test_a_repository_too_large_for_one_git_tree_gets_no_invented_destroys(
    github: FakeGitHub,  # noqa: F811
    tmp_path: Path,
    stacks: list[LiveStack],  # noqa: F811
) -> None:
    """GitHub lists a recursive tree past 100,000 entries or 7 MB only in part (`truncated: true`). A file the head's
    listing left out was read as deleted: an unchanged bucket was "destroyed" in the comment and the check run. Now
    the directories reviewed are listed one by one and the review says the tree was truncated (ADR 0608)."""
    stack = start(github, tmp_path)
    stacks.append(stack)
    bucket = 'resource "aws_s3_bucket" "{0}" {{\n  bucket = "{0}-logs"\n}}\n'
    github.add_commit(REPO, "main", {"envs/prod/a.tf": bucket.format("a"), "envs/prod/z.tf": bucket.format("z")})
    number = open_terraform_pull_request(github, REPO, "big", files={"envs/prod/b.tf": bucket.format("b")})
    sha = github.pull_request(REPO, number).head_sha
    github.truncate_trees(4)  # the head's tree ends before envs/prod/z.tf; the base's is whole
    send_webhook(github, "pull_request", pull_request_event(github, REPO, number, "opened"))

    wait_for(lambda: [r for r in github.check_runs(REPO, sha) if r["status"] == "completed"], "the check run")
    wait_for(lambda: len(ours(github, REPO, number)) == 1, "the comment")
    summary = str(github.check_runs(REPO, sha)[0]["output"]["summary"])
    assert "; 0 destroys or replaces." in summary, summary
    body = str(ours(github, REPO, number)[0]["body"])
    assert "This change creates 1 resource \\(1 in all\\)" in body, body  # b created; z, unchanged, not destroyed
    assert "file tree of the head commit" in body, body
    assert "is truncated" in body, body
