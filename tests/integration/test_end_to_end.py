"""End to end over real HTTP, on SQLite and (TFREVIEW_TEST_POSTGRES_URL) PostgreSQL:

upload with `tfreview submit` → queue → worker → stored review → publish (once); a signed GitHub
delivery → 202 → job, the same delivery again → 200 duplicate; tokens created, used and revoked
with the CLI."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.integration.live import LiveService, response_json, wait_for
from tfreview.cli import main
from tfreview.identity.token_admin import create_token
from tfreview.ports.job_types import JobKind
from tfreview.ports.jobs import JobState
from tfreview.ports.records import Scope

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "examples" / "demo" / "plan.json"
PULL_REQUEST_OPENED = Path(__file__).parent / "data" / "github.pull_request.opened.payload.json"
CANARY = "hunter2-canary-not-shown"  # a sensitive value in the demo plan; it must never be stored or served
SPACELIFT_RUN = {
    "TF_VAR_spacelift_account_name": "acme.app.spacelift.io",
    "TF_VAR_spacelift_stack_id": "network-prod",
    "TF_VAR_spacelift_run_id": "01JKZAHVAQHFM8CC3EA5HWRMP1",
    "TF_VAR_spacelift_repository": "acme/infra",
    "TF_VAR_spacelift_commit_sha": "0123456789abcdef0123456789abcdef01234567",
}


def submit(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    live: LiveService,
    token: str,
    *flags: str,
) -> str:
    """Run `tfreview submit` as a CI job or the Spacelift after_plan hook would; the review id it printed."""
    for name, value in SPACELIFT_RUN.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TFREVIEW_TOKEN", token)
    code = main(["submit", str(PLAN), "--url", live.url, *flags])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert token not in out + err
    review_url = out.strip().rsplit(" ", 1)[-1]
    assert review_url.startswith(f"{live.url}/reviews/")  # the review page (the link people open)
    return review_url.rsplit("/", 1)[-1]


def wait_until_reviewed(live: LiveService, review_id: str, token: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}

    def finished() -> dict[str, Any] | None:
        response = live.http.get(f"/api/v1/reviews/{review_id}", headers=headers)
        assert response.status_code == 200, response.text
        body = response_json(response)
        assert body["status"] != "failed", body.get("status_reason")
        return body if body["status"] in ("completed", "completed_without_ai") else None

    return wait_for(finished, "the review to complete")


def test_submitted_plan_is_reviewed_stored_and_published_once(
    live: LiveService, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = create_token(live.services.tokens, "github:1001", Scope.WRITE, "ci upload")
    flags = ("--repository", "acme/infra", "--commit", SPACELIFT_RUN["TF_VAR_spacelift_commit_sha"])
    review_id = submit(capsys, monkeypatch, live, token, *flags, "--pull-request", "7")
    review = wait_until_reviewed(live, review_id, token)
    assert review["source"]["repository"] == "acme/infra"
    assert review["source"]["pull_request"] == 7
    assert review["verdict"] == "fail"
    report = review["report"]
    assert isinstance(report, dict)
    addresses = {finding["address"] for finding in report["findings"]}
    assert "aws_security_group_rule.bastion_ssh" in addresses

    published = wait_for(lambda: live.publisher.published, "the review to be published")
    wait_for(lambda: live.services.queue.depth() == 0, "the queue to drain")
    assert published == [review_id]
    assert live.publisher.published == [review_id]  # exactly once, after every job ran
    publish_jobs = [j for j in live.services.queue.list(tenant_id="github:1001").items if j.kind == JobKind.PUBLISH]
    assert [j.state for j in publish_jobs] == [JobState.SUCCEEDED]

    again = submit(capsys, monkeypatch, live, token, *flags, "--pull-request", "7")  # a retried upload
    assert again == review_id
    assert live.publisher.published == [review_id]

    headers = {"Authorization": f"Bearer {token}"}
    assert CANARY not in live.http.get("/api/v1/reviews", headers=headers).text
    assert CANARY not in live.http.get(f"/api/v1/reviews/{review_id}", headers=headers).text
    assert token not in live.stored_text()


def test_no_secret_of_an_uploaded_plan_reaches_the_database(
    live: LiveService, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = create_token(live.services.tokens, "github:2002", Scope.WRITE, "ci upload")
    review_id = submit(capsys, monkeypatch, live, token)
    wait_until_reviewed(live, review_id, token)
    wait_for(lambda: live.publisher.published, "the review to be published")
    assert CANARY not in live.stored_text()


def test_spacelift_hook_upload_is_reviewed(
    live: LiveService, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = create_token(live.services.tokens, "spacelift:acme", Scope.WRITE, "after_plan hook")
    review_id = submit(capsys, monkeypatch, live, token, "--spacelift-env")
    review = wait_until_reviewed(live, review_id, token)
    assert review["source"]["kind"] == "spacelift"
    assert review["source"]["stack_id"] == "network-prod"
    assert review["source"]["run_id"] == "01JKZAHVAQHFM8CC3EA5HWRMP1"
    assert review["source"]["account"] == "acme"
    assert wait_for(lambda: live.publisher.published, "the review to be published") == [review_id]


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_signed_github_delivery_is_stored_once(live_without_workers: LiveService, webhook_secret: str) -> None:
    live = live_without_workers
    body = PULL_REQUEST_OPENED.read_bytes()
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": "pull_request",
        "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-Hub-Signature-256": sign(webhook_secret, body),
        "User-Agent": "GitHub-Hookshot/test",
    }
    first = live.http.post("/webhooks/github", content=body, headers=headers)
    assert first.status_code == 202, first.text
    assert response_json(first)["status"] == "accepted"

    second = live.http.post("/webhooks/github", content=body, headers=headers)
    assert second.status_code == 200, second.text
    assert response_json(second)["status"] == "duplicate"

    tenant = "github:1"  # the payload's installation
    deliveries = live.services.intake.list(source="github", tenant_id=tenant).items
    assert len(deliveries) == 1
    assert deliveries[0].job_id is not None
    jobs = live.services.queue.list(tenant_id=tenant).items
    assert [j.id for j in jobs] == [deliveries[0].job_id]
    assert jobs[0].kind == JobKind.REVIEW
    assert jobs[0].state == JobState.QUEUED

    forged = live.http.post(
        "/webhooks/github",
        content=body,
        headers={**headers, "X-GitHub-Delivery": str(uuid.uuid4()), "X-Hub-Signature-256": sign("wrong", body)},
    )
    assert forged.status_code == 401
    assert len(live.services.intake.list(source="github", tenant_id=tenant).items) == 1


def test_token_created_used_and_revoked_with_the_cli(
    live_without_workers: LiveService, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    live = live_without_workers
    monkeypatch.setenv("TFREVIEW_DATABASE__URL", live.settings.database.url)
    assert main(["tokens", "create", "--tenant", "spacelift:cli", "--scope", "read", "--name", "dashboard"]) == 0
    out, err = capsys.readouterr()
    secret = out.strip()
    assert secret
    assert "shown only once" in err
    headers = {"Authorization": f"Bearer {secret}"}
    assert live.http.get("/api/v1/reviews", headers=headers).status_code == 200

    assert main(["tokens", "list", "--tenant", "spacelift:cli"]) == 0
    listed, _ = capsys.readouterr()
    assert "dashboard" in listed
    assert "active" in listed
    assert secret not in listed
    token_id = next(line.split()[0] for line in listed.splitlines() if "dashboard" in line)

    assert main(["tokens", "revoke", token_id]) == 0
    capsys.readouterr()
    refused = live.http.get("/api/v1/reviews", headers=headers)
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert secret not in refused.text

    assert main(["tokens", "list", "--tenant", "spacelift:cli"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["tokens", "revoke", "0000nope"]) == 2
    assert "no token 0000nope" in capsys.readouterr().err
    assert main(["tokens", "revoke", "tfr_nope"]) == 2  # a secret, not an id: refused, never echoed
    assert "tfr_nope" not in capsys.readouterr().err
    assert secret not in json.dumps(live.stored_text())


def test_submit_wait_prints_the_verdict_and_page_and_exits_like_scan(
    live: LiveService, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = create_token(live.services.tokens, "github:1001", Scope.WRITE, "ci wait")
    monkeypatch.setenv("TFREVIEW_TOKEN", token)
    code = main(["submit", str(PLAN), "--url", live.url, "--repository", "acme/waiting", "--wait", "--timeout", "60"])
    out, err = capsys.readouterr()
    assert code == 1, err  # the demo plan fails: exit 1, like `tfreview scan`
    assert f"{live.url}/reviews/" in out
    assert "verdict: FAIL" in out
    assert "\r" not in out + err  # not a terminal: no progress line
    assert token not in out + err


def test_submit_wait_gives_up_after_its_timeout(
    live_without_workers: LiveService, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = create_token(live_without_workers.services.tokens, "github:1001", Scope.WRITE, "ci wait")
    monkeypatch.setenv("TFREVIEW_TOKEN", token)
    code = main(["submit", str(PLAN), "--url", live_without_workers.url, "--wait", "--timeout", "1.5"])
    _out, err = capsys.readouterr()
    assert code == 3
    assert "still queued after 1.5 s" in err
    assert main(["submit", str(PLAN), "--url", live_without_workers.url, "--wait", "--timeout", "0"]) == 2
