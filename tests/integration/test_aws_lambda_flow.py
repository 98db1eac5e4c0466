"""The Lambda handlers with real event shapes against moto in server mode (loopback) and the fake GitHub:

webhook (API Gateway v2 HTTP event, as the HTTP API hands it to the function) → DynamoDB + SQS → the SQS
batch the event source mapping would deliver → the worker handler → the review in DynamoDB → the publish job →
one comment and one check run on the fake GitHub. Also: the JWT authorizer context is never trusted alone,
partial batch failures, an EventBridge scheduled event, and precise refusals of wrong event shapes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from tests.fakes.aws_events import http_event
from tests.fakes.aws_store import DUMMY_CREDENTIALS, REGION, SerialMoto
from tests.fakes.github import FakeGitHub
from tests.integrations.live_stack import (
    INSTALLATION,
    MAIN_TF,
    OWNER,
    REPO,
    github_app_settings,
    open_terraform_pull_request,
    pull_request_event,
)
from tfreview import lambda_handlers
from tfreview.ports.records import Scope
from tfreview.settings import DatabaseSettings, GitHubSettings, QueueSettings, SecretVersion, Settings
from tfreview.store.queue_settings import WorkerSettings
from tfreview.wiring.aws import build_aws_services


@pytest.fixture(scope="module")
def moto() -> Iterator[SerialMoto]:
    for name, value in DUMMY_CREDENTIALS.items():
        os.environ.setdefault(name, value)
    server = SerialMoto()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.add_installation(INSTALLATION, OWNER, repos=[REPO])
        fake.add_commit(REPO, "main", {"main.tf": MAIN_TF})
        yield fake


class Deployment:
    def __init__(self, moto: SerialMoto, settings: Settings, secret: str) -> None:
        self.moto = moto
        self.settings = settings
        self.secret = secret
        self.services = build_aws_services(settings, loopback_only=True)
        lambda_handlers.reset(self.services)
        self.queue_url = self.services.queue.messages.url  # type: ignore[attr-defined]

    def sqs_event(self) -> dict[str, Any]:
        """What the event source mapping hands the worker function: the messages it received, as records."""
        answer = self.moto.client("sqs").receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, VisibilityTimeout=60, AttributeNames=["All"]
        )
        arn = f"arn:aws:sqs:{REGION}:123456789012:{self.queue_url.rsplit('/', 1)[-1]}"
        return {
            "Records": [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": m.get("Attributes", {}),
                    "messageAttributes": {},
                    "md5OfBody": m["MD5OfBody"],
                    "eventSource": "aws:sqs",
                    "eventSourceARN": arn,
                    "awsRegion": REGION,
                }
                for m in self.sqs_messages_or_empty(answer)
            ]
        }

    @staticmethod
    def sqs_messages_or_empty(answer: dict[str, Any]) -> list[dict[str, Any]]:
        return list(answer.get("Messages", []))


@pytest.fixture
def deployment(moto: SerialMoto, github: FakeGitHub, tmp_path: Path) -> Iterator[Deployment]:
    target = moto.fresh_target()
    secret = f"whsec-{uuid.uuid4().hex}"
    settings = Settings(
        database=DatabaseSettings(url=f"dynamodb://{target.table}?region={REGION}&endpoint={moto.endpoint_url}"),
        queue=QueueSettings(url=f"sqs://{target.queue_url}"),
        github=GitHubSettings(webhook_secrets=[SecretVersion(value=SecretStr(secret))]),
        worker=WorkerSettings(lease_seconds=60, backoff_base_seconds=1, backoff_cap_seconds=2),
        github_app=github_app_settings(github, tmp_path),
    )
    built = Deployment(moto, settings, secret)
    try:
        yield built
    finally:
        lambda_handlers.reset()
        built.services.close()


def webhook_event(deployment: Deployment, event: str, payload: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps(payload).encode()
    digest = hmac.new(deployment.secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "content-type": "application/json",
        "x-github-event": event,
        "x-github-delivery": str(uuid.uuid4()),
        "x-hub-signature-256": f"sha256={digest}",
    }
    return http_event("POST", "/webhooks/github", body, headers)


def drain(deployment: Deployment, rounds: int = 6) -> list[dict[str, Any]]:
    """Run the worker function on every batch SQS has, as the event source mapping would; its answers."""
    answers = []
    for _ in range(rounds):
        event = deployment.sqs_event()
        if not event["Records"]:
            break
        answers.append(lambda_handlers.worker(event, None))
    return answers


def test_webhook_to_sqs_to_worker_to_dynamodb_to_a_github_comment(deployment: Deployment, github: FakeGitHub) -> None:
    number = open_terraform_pull_request(github, REPO, "lambda-flow")
    head = github.pull_request(REPO, number).head_sha

    answer = lambda_handlers.http(
        webhook_event(deployment, "pull_request", pull_request_event(github, REPO, number, "opened"))
    )
    assert answer["statusCode"] in (200, 202), answer

    answers = drain(deployment)
    assert answers
    assert all(a == {"batchItemFailures": []} for a in answers), answers
    comments = [c for c in github.comments(REPO, number) if "tfreview:review" in str(c["body"])]
    assert len(comments) == 1
    runs = github.check_runs(REPO, head)
    assert len(runs) == 1
    assert runs[0]["status"] == "completed"
    reviews = deployment.services.reviews.list(None, filters={}, limit=10).items
    assert [r.status.value for r in reviews] == ["completed"], reviews
    assert deployment.services.queue.depth() == 0

    # the same delivery again (GitHub retries): no second review, no second comment
    opened = pull_request_event(github, REPO, number, "opened")
    again = lambda_handlers.http(webhook_event(deployment, "pull_request", opened))
    assert again["statusCode"] in (200, 202)
    drain(deployment)
    assert len([c for c in github.comments(REPO, number) if "tfreview:review" in str(c["body"])]) == 1


def test_the_api_needs_its_own_token_even_behind_the_jwt_authorizer(deployment: Deployment) -> None:
    claims = {"sub": "u-1", "iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc", "token_use": "access"}
    refused = lambda_handlers.http(http_event("GET", "/api/v1/reviews", claims=claims))
    assert refused["statusCode"] == 401, refused

    _, secret = deployment.services.tokens.create("github:octo", Scope.READ, "lambda-test", None)
    allowed = lambda_handlers.http(
        http_event("GET", "/api/v1/reviews", headers={"authorization": f"Bearer {secret}"}, claims=claims)
    )
    assert allowed["statusCode"] == 200, allowed
    assert json.loads(allowed["body"])["items"] == []
    assert secret not in json.dumps(allowed)


def test_a_record_whose_job_is_not_due_is_reported_as_a_batch_item_failure(deployment: Deployment) -> None:
    from datetime import timedelta

    from tfreview.ports.jobs import NewJob

    later = deployment.services.clock() + timedelta(hours=1)
    deployment.services.queue.enqueue(NewJob("review", "github:octo", "later-1", {"n": 1}), run_after=later)
    sqs = deployment.moto.client("sqs")
    sqs.send_message(QueueUrl=deployment.queue_url, MessageBody="not json")  # unreadable: deleted, not retried
    job = deployment.services.queue.by_key("later-1")  # type: ignore[attr-defined]
    sqs.send_message(QueueUrl=deployment.queue_url, MessageBody=json.dumps({"job_id": job.id}))  # delayed one's twin
    event = deployment.sqs_event()
    assert len(event["Records"]) == 2
    answer = lambda_handlers.worker(event, None)
    twin = next(r["messageId"] for r in event["Records"] if r["body"] != "not json")
    assert answer == {"batchItemFailures": [{"itemIdentifier": twin}]}


def test_scheduled_functions_take_eventbridge_events_and_refuse_others(deployment: Deployment) -> None:
    scheduled = {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2026-12-03T13:00:00Z",
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:123456789012:rule/tfreview-reaper"],
        "detail": {},
    }
    assert lambda_handlers.reaper(scheduled, None) == {"reaped": 0, "requeued": 0, "failed": 0, "repaired": 0}
    watched = lambda_handlers.watchdog(scheduled, None)
    assert (watched["evaluated"], watched["errors"]) == (True, [])  # the only container: it holds the lease
    assert all(r["ok"] for r in lambda_handlers.reconcile(scheduled, None)["reconcilers"])
    with pytest.raises(ValueError, match="EventBridge schedule"):
        lambda_handlers.reaper({"Records": []}, None)
    with pytest.raises(ValueError, match="SQS batches"):
        lambda_handlers.worker(scheduled, None)
    wrong = lambda_handlers.http({"version": "1.0", "path": "/"})
    assert wrong["statusCode"] == 400
    assert "payload format 2.0" in wrong["body"]


def test_the_scheduled_reaper_repairs_an_orphaned_review_on_dynamodb(deployment: Deployment) -> None:
    from datetime import timedelta

    from tests.worker.conftest import upload
    from tfreview.ports.records import ReviewStatus

    services = deployment.services
    review_id, _ = upload(services)
    job = services.queue.claim("w-lost")
    assert job is not None
    services.queue.complete(job.id, job.attempt_token or "")  # settled elsewhere; the review stays in progress
    services.reviews.set_status(review_id, ReviewStatus.IN_PROGRESS)
    now = services.clock()
    assert services.queue.repair_orphans(now - timedelta(hours=1)) == []  # not before one lease has passed
    assert services.queue.repair_orphans(now + timedelta(seconds=1)) == [(review_id, False)]
    review = services.reviews.get(review_id)
    assert review is not None
    assert review.status is ReviewStatus.QUEUED
    assert services.queue.repair_orphans(now + timedelta(seconds=1)) == []


def test_a_dynamodb_database_needs_its_queue_url(moto: SerialMoto) -> None:
    from tfreview.core.errors import ConfigError

    settings = Settings(database=DatabaseSettings(url=f"dynamodb://t?region={REGION}&endpoint={moto.endpoint_url}"))
    with pytest.raises(ConfigError, match="TFREVIEW_QUEUE__URL"):
        build_aws_services(settings, loopback_only=True)
    bad = settings.model_copy(update={"queue": QueueSettings(url="https://sqs.example/q")})
    with pytest.raises(ConfigError, match="sqs://"):
        build_aws_services(bad, loopback_only=True)
    off_machine = Settings(
        database=DatabaseSettings(url=f"dynamodb://t?region={REGION}&endpoint=https://dynamodb.example.com"),
        queue=QueueSettings(url="sqs://q"),
    )
    with pytest.raises(ConfigError, match="loopback"):
        build_aws_services(off_machine, loopback_only=True)


def test_in_lambda_the_worker_s_metrics_are_emf_lines(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tfreview.ports.jobs import NewJob

    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "tfreview-worker")
    services = build_aws_services(deployment.settings, loopback_only=True)
    try:
        lambda_handlers.reset(services)
        services.queue.enqueue(NewJob("no-such-kind", "github:octo", "emf-1", {}))
        capsys.readouterr()
        lambda_handlers.worker(deployment.sqs_event(), None)
        documents = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
        names = {m["Name"] for d in documents for m in d["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
        assert "tfreview_jobs_total" in names
    finally:
        services.close()
