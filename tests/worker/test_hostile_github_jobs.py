"""The real worker (review and publish jobs) against a fake GitHub on loopback gone hostile, seen from the outside:
an HTML page with 200, JSON of another shape, a deleted pull request, a 422 on the comment, a redirect to another
server, a token refused after every refresh, a `next` link that loops back.

Whatever GitHub does, every job ends dead or stays within its attempts, with one precise line stored — no
"internal error" (which sends an operator looking for a bug of ours), no traceback, no token GitHub issued; no
request reaches any server but the configured one; and never more than one comment on the pull request.
One hand-moved clock; the memory store (the stores' own behaviour is tested elsewhere)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tests.fakes.hostile import HostileServer, silence
from tfreview.ports.job_types import JobKind
from tfreview.ports.jobs import JobState
from tfreview.wiring import build_memory_services
from tfreview.worker.runner import Worker

from .conftest import ManualClock, worker_settings
from .test_rate_limit_waits import INSTALLATION, MAIN_TF, REPO, TENANT, pull_request_review

Setup = Callable[[FakeGitHub, str], None]


@dataclass(frozen=True)
class Hostility:
    setup: Setup  # (the fake, the URL of a server nobody may reach)
    reason: str  # in the reason stored for the job that met it


FILE = {"filename": "main.tf", "status": "added", "additions": 1, "deletions": 0, "patch": "@@ -0,0 +1 @@\n+x"}
HOSTILE = {
    "an HTML page with 200": Hostility(
        lambda g, _e: g.answer_next(
            200, b"<html>Bad gateway</html>", headers={"Content-Type": "text/html"}, path_contains="/pulls/1", times=99
        ),
        "the answer is not JSON",
    ),
    "a pull request that is a list": Hostility(
        lambda g, _e: g.answer_next(200, [{"number": 1}], path_contains="/pulls/1", times=99),
        "not a JSON object",
    ),
    "a pull request without its number": Hostility(
        lambda g, _e: g.answer_next(200, {"head": {"sha": "a" * 40}}, method="GET", path_contains="/pulls/1", times=99),
        "PullRequest answer has no 'number'",
    ),
    "files that are not objects": Hostility(
        lambda g, _e: g.answer_next(200, ["main.tf"], path_contains="/files", times=99),
        "not a JSON list of objects",
    ),
    "a deleted pull request": Hostility(
        lambda g, _e: g.answer_next(404, {"message": "Not Found"}, path_contains="/pulls/1", times=99),
        "not found",
    ),
    "a comment refused as too long": Hostility(
        lambda g, _e: g.answer_next(
            422,
            {
                "message": "Validation Failed",
                "errors": [{"field": "body", "code": "custom", "message": "body is too long"}],
            },
            method="POST",
            path_contains="/comments",
            times=99,
        ),
        "422 Validation Failed (body is too long)",
    ),
    "a redirect to another server": Hostility(
        lambda g, elsewhere: g.answer_next(
            302, b"", headers={"Location": f"{elsewhere}/steal"}, path_contains="/files", times=99
        ),
        "files: 302",
    ),
    "a token refused after every refresh": Hostility(
        lambda g, _e: g.answer_next(401, {"message": "Bad credentials"}, path_contains="/pulls/1", times=999),
        "401 Bad credentials",
    ),
    "a next link back to the first page": Hostility(
        lambda g, _e: g.answer_next(
            200,
            [FILE],
            headers={"Link": f'<{g.api_url}/repos/{REPO}/pulls/1/files?per_page=100>; rel="next"'},
            path_contains="/files",
            times=999,
        ),
        "links back to a page already read",
    ),
}


@pytest.mark.parametrize("hostility", list(HOSTILE.values()), ids=list(HOSTILE))
def test_every_job_ends_or_retries_boundedly_with_a_precise_reason(
    hostility: Hostility, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    clock = ManualClock(datetime.now(UTC).replace(microsecond=0))
    with FakeGitHub(clock=lambda: clock().timestamp()) as github, HostileServer(silence) as elsewhere:
        github.add_installation(INSTALLATION, "octo", repos=[REPO])
        github.add_commit(REPO, "main", {"README.md": "hello"})
        github.add_commit(REPO, "feature", {"main.tf": MAIN_TF}, base="main")
        github.open_pull_request(REPO, head="feature", base="main", number=1)
        marker = tmp_path / "marker-secret"
        marker.write_text("marker-secret-0123456789abcdef")
        app = github.app_settings(tmp_path, marker_secret=f"file:{marker}")
        services = build_memory_services(worker_settings().model_copy(update={"github_app": app}), clock=clock)
        try:
            review_id, _job = pull_request_review(services, github)
            hostility.setup(github, elsewhere.url)
            reasons: list[str] = []
            for _ in range(8):  # more rounds than any job has attempts
                for kind in (JobKind.REVIEW, JobKind.PUBLISH):
                    outcome = Worker(services, "w", kinds=[kind.value]).run_once()
                    if outcome is not None and outcome.reason:
                        reasons.append(outcome.reason)
                clock.advance(60)  # past every backoff
            jobs = services.queue.list(tenant_id=TENANT).items
            review = services.reviews.get(review_id)
        finally:
            services.close()
        tokens = list(github._tokens)  # every installation token the fake issued, still valid or not
        comments = github.comments(REPO, 1)
        assert elsewhere.requests == []  # never followed anywhere but the configured API URL
    assert any(hostility.reason in reason for reason in reasons), reasons
    stored = [job.last_error or "" for job in jobs] + [review.status_reason or "" if review else ""]
    for text in reasons + stored:
        assert "internal error" not in text, text
        assert "Traceback" not in text, text
        assert not any(token in text for token in tokens), text
    assert "Traceback" not in caplog.text
    assert not any(token in caplog.text for token in tokens)
    for job in jobs:  # every job ended, or waits within its attempts
        assert job.state in (JobState.DEAD, JobState.SUCCEEDED) or job.attempts < job.max_attempts, job
    assert len(comments) <= 1
