"""GitHub's 403 "Resource not accessible by integration" is a permission the App lacks (ADR 0636): the real worker
against the fake GitHub on loopback, the App installed without `checks: write` (or `pull_requests: write`).

Before: the client raised a plain AuthError, which the worker retries (ADR 0549): the publish job ran its five
attempts over backoffs (each minting a token and failing the same way), the review's PR showed nothing meanwhile,
and the reason read "GitHub POST …/check-runs: 403 Resource not accessible by integration" — a retry said nothing
could help. Now: one fresh token (a token minted before the grant keeps its old permissions), then a permanent
failure on the first attempt naming the permission (from GitHub's X-Accepted-GitHub-Permissions header); what
could be written was (the comment, or the check run with the verdict). Rate-limit 403s still wait (their tests:
tests/worker/test_rate_limit_waits.py, tests/integrations/github/test_ratelimit.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.github import DEFAULT_PERMISSIONS, FakeGitHub
from tfreview.ports.job_types import JobKind
from tfreview.ports.jobs import JobState
from tfreview.wiring import build_memory_services
from tfreview.worker.errors import classify

from .conftest import ManualClock, worker_settings
from .test_rate_limit_waits import INSTALLATION, MAIN_TF, REPO, TENANT, pull_request_review, run


@pytest.mark.parametrize(
    ("lacking", "needed"),
    [("checks", "checks=write"), ("pull_requests", "pull_requests=write")],
)
def test_a_missing_permission_fails_the_publish_at_once_naming_it(tmp_path: Path, lacking: str, needed: str) -> None:
    clock = ManualClock(datetime.now(UTC).replace(microsecond=0))
    with FakeGitHub(clock=lambda: clock().timestamp()) as github:
        permissions = {**DEFAULT_PERMISSIONS, lacking: "read"}
        github.add_installation(INSTALLATION, "octo", repos=[REPO], permissions=permissions)
        github.add_commit(REPO, "main", {"README.md": "hello"})
        github.add_commit(REPO, "feature", {"main.tf": MAIN_TF}, base="main")
        github.open_pull_request(REPO, head="feature", base="main", number=1)
        marker = tmp_path / "marker-secret"
        marker.write_text("marker-secret-0123456789abcdef")
        app = github.app_settings(tmp_path, marker_secret=f"file:{marker}")
        services = build_memory_services(worker_settings().model_copy(update={"github_app": app}), clock=clock)
        try:
            pull_request_review(services, github)
            assert run(services, JobKind.REVIEW).result == "succeeded"
            tokens_before = len(github._tokens)
            outcome = run(services, JobKind.PUBLISH)
            tokens_minted = len(github._tokens) - tokens_before
            (publish,) = [j for j in services.queue.list(tenant_id=TENANT).items if j.kind == JobKind.PUBLISH.value]
        finally:
            services.close()
        comments = github.comments(REPO, 1)
        check_runs = github.check_runs(REPO)

    assert outcome.result == "dead"
    assert outcome.permanent  # not retried: a retry cannot grant a permission
    assert publish.state is JobState.DEAD
    assert publish.attempts == 1
    reason = outcome.reason or ""
    assert "403 Resource not accessible by integration" in reason
    assert f"the GitHub App lacks the permission {needed}" in reason
    assert "retrying cannot help" in reason
    assert "internal error" not in reason
    assert tokens_minted <= 1  # one fresh token at most for the refusal, never a loop
    if lacking == "checks":  # the comment was written before the check run was refused
        assert len(comments) == 1
        assert check_runs == []
    else:  # the comment was refused: the check run still carries the verdict, and says the comment was refused
        assert comments == []
        assert len(check_runs) == 1
        assert check_runs[0]["conclusion"] is not None
        summary = check_runs[0]["output"]["summary"]
        assert "comment on the pull request could not be written" in summary
        assert "lacks the permission pull_requests=write" in summary


def test_other_403s_stay_retriable_auth_errors() -> None:
    """ADR 0549 stands for a 403 that names no permission (SAML enforcement, an IP allow list): retried."""
    from tfreview.core.errors import AuthError, PermissionMissing

    assert classify(PermissionMissing("GitHub POST /x: 403 Resource not accessible by integration")).permanent
    assert not classify(AuthError("GitHub GET /x: 403 Resource protected by SAML enforcement", status=403)).permanent
