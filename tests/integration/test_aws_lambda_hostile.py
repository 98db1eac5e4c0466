"""A hostile read of the Lambda functions (session 14, lambda13), on moto in server mode and the fake GitHub:

- API Gateway v2 events the adapter must refuse precisely (a body flagged base64 that is not, headers that are
  not strings, a v1 event) — 400 problem+json as `serve` answers a bad request, nothing stored — and events it
  must serve although `str.encode("latin-1")` could not hold them (header or query text outside Latin-1);
- forged and duplicated signatures: 401, nothing stored, no secret in the answer; a replay under a new or a
  doubled delivery id: one review;
- a cold start that cannot build the services: 503 problem+json with Retry-After, no setting's value in the
  answer or the logs, and the next invocation builds again;
- an SQS batch holding one job twice and poison records: the job runs once, nothing is redelivered;
- the worker's SQS batch under the invocation's remaining time: a record reached with no time left is handed
  back unclaimed, a job longer than the time left is abandoned before Lambda would kill it and runs again later.
"""

# the fixtures of test_aws_lambda_flow are imported, and each test's parameters name them again
# ruff: noqa: F811

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import traceback
import uuid
from typing import Any

import pytest

from tests.fakes.aws_events import http_event
from tests.fakes.github import FakeGitHub
from tests.integration.test_aws_lambda_flow import (  # noqa: F401 - the module's fixtures, shared
    Deployment,
    deployment,
    drain,
    github,
    moto,
    webhook_event,
)
from tests.integrations.live_stack import REPO, open_terraform_pull_request, pull_request_event
from tfreview import lambda_handlers
from tfreview.lambda_handlers.sqs_batch import SETTLE_SECONDS
from tfreview.ports.jobs import JobState, NewJob


class LambdaContext:
    """The part of Lambda's context object the worker reads: the time left before the function is killed."""

    aws_request_id = "req-1"

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


def stored_nothing(deployment: Deployment) -> bool:
    services = deployment.services
    return services.queue.depth() == 0 and services.reviews.list(None, filters={}, limit=5).items == []


def problem(answer: dict[str, Any], status: int) -> dict[str, Any]:
    assert answer["statusCode"] == status, answer
    assert answer["headers"]["content-type"] == "application/problem+json", answer
    body: dict[str, Any] = json.loads(answer["body"])
    assert body["status"] == status
    return body


# --- API Gateway events ------------------------------------------------------------------------------------


def test_a_body_flagged_base64_that_is_not_is_refused_400_and_nothing_is_stored(deployment: Deployment) -> None:
    signed = webhook_event(deployment, "ping", {"zen": "z", "hook_id": 1})
    not_base64 = {**signed, "body": "!!not base64!!", "isBase64Encoded": True}
    assert "not base64" in problem(lambda_handlers.http(not_base64), 400)["detail"]
    # base64 with junk after it: a lax decoder drops the junk and serves the signed body underneath
    opened = webhook_event(deployment, "pull_request", {"action": "opened", "number": 1})
    junk = {**opened, "body": base64.b64encode(opened["body"].encode()).decode() + "$$", "isBase64Encoded": True}
    assert "not base64" in problem(lambda_handlers.http(junk), 400)["detail"]
    assert stored_nothing(deployment)
    # the same body, base64 as API Gateway sends a binary body: served
    ping = {**signed, "body": base64.b64encode(signed["body"].encode()).decode(), "isBase64Encoded": True}
    assert lambda_handlers.http(ping)["statusCode"] == 200


def test_events_that_are_not_api_gateway_v2_are_refused_400_problem_json(deployment: Deployment) -> None:
    v1 = {"version": "1.0", "resource": "/{proxy+}", "path": "/healthz", "httpMethod": "GET", "headers": {}}
    assert "payload format 2.0" in problem(lambda_handlers.http(v1), 400)["detail"]
    listed = {**http_event("GET", "/healthz"), "headers": {"x-a": ["1", "2"]}}
    assert "map of strings" in problem(lambda_handlers.http(listed), 400)["detail"]
    numeric = {**http_event("GET", "/healthz"), "body": 5}
    assert "not a string" in problem(lambda_handlers.http(numeric), 400)["detail"]


def test_header_and_query_text_outside_latin1_is_served_as_serve_serves_it(
    deployment: Deployment, github: FakeGitHub
) -> None:
    number = open_terraform_pull_request(github, REPO, "lambda-utf8")
    event = webhook_event(deployment, "pull_request", pull_request_event(github, REPO, number, "opened"))
    event["headers"]["user-agent"] = "GitHub-Hookshot/caf\u00e9 \u2603"
    assert lambda_handlers.http(event)["statusCode"] == 202
    assert len(deployment.services.reviews.list(None, filters={}, limit=5).items) == 1
    query = lambda_handlers.http(http_event("GET", "/api/v1/reviews", query="repo=\u2603"))
    assert "Authorization" in problem(query, 401)["detail"]


def test_forged_and_doubled_signatures_are_401_store_nothing_and_leak_no_secret(deployment: Deployment) -> None:
    body = json.dumps({"action": "opened", "number": 7}).encode()
    good = "sha256=" + hmac.new(deployment.secret.encode(), body, hashlib.sha256).hexdigest()
    forged = "sha256=" + hmac.new(b"not-the-secret", body, hashlib.sha256).hexdigest()
    base = {"content-type": "application/json", "x-github-event": "pull_request"}
    for signature in (forged, f"{good},{forged}", f"{forged},{good}", ""):
        headers = {**base, "x-github-delivery": str(uuid.uuid4())}
        if signature:
            headers["x-hub-signature-256"] = signature  # API Gateway v2 joins a repeated header with commas
        answer = lambda_handlers.http(http_event("POST", "/webhooks/github", body, headers))
        assert "X-Hub-Signature-256" in problem(answer, 401)["detail"]
        assert deployment.secret not in json.dumps(answer)
    assert stored_nothing(deployment)


def test_a_cold_start_that_cannot_build_answers_503_leaks_nothing_and_builds_again(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    canary = "canary-lease-7d1e0f"
    for name, value in {
        "TFREVIEW_DATABASE__URL": deployment.settings.database.url,
        "TFREVIEW_QUEUE__URL": deployment.settings.queue.url,
        "TFREVIEW_WORKER__LEASE_SECONDS": canary,  # not a number: the settings cannot be built
    }.items():
        monkeypatch.setenv(name, value)
    lambda_handlers.reset()  # a fresh container
    with caplog.at_level(logging.INFO):
        answer = lambda_handlers.http(http_event("GET", "/healthz"))
    assert problem(answer, 503)["title"] == "Service unavailable"
    assert answer["headers"]["retry-after"] == "5"
    assert "the services could not be built: ValidationError" in caplog.text
    assert canary not in json.dumps(answer) + caplog.text

    with pytest.raises(lambda_handlers.ColdStartFailed) as raised:  # the batch fails whole: every record back
        lambda_handlers.worker(deployment.sqs_event(), LambdaContext(60))
    assert canary not in "".join(traceback.format_exception(raised.value))  # what Lambda would log

    monkeypatch.setenv("TFREVIEW_WORKER__LEASE_SECONDS", "60")  # fixed: the next invocation builds
    try:
        assert lambda_handlers.http(http_event("GET", "/healthz"))["statusCode"] == 200
    finally:
        lambda_handlers.reset(deployment.services)


def test_a_cold_start_with_a_misspelt_setting_answers_503_naming_it_and_not_its_value(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    canary = "canary-typo-3b9c"
    monkeypatch.setenv("TFREVIEW_DATABASE__URL", deployment.settings.database.url)
    monkeypatch.setenv("TFREVIEW_QUEUE__URL", deployment.settings.queue.url)
    monkeypatch.setenv("TFREVIEW_METRICS__TOKN", canary)  # a typo: the metrics would stay closed, silently
    lambda_handlers.reset()
    try:
        with caplog.at_level(logging.INFO):
            answer = lambda_handlers.http(http_event("GET", "/healthz"))
        assert problem(answer, 503)["title"] == "Service unavailable"
        assert "TFREVIEW_METRICS__TOKN (did you mean TFREVIEW_METRICS__TOKEN?)" in caplog.text
        assert canary not in json.dumps(answer) + caplog.text
    finally:
        lambda_handlers.reset(deployment.services)


# --- the worker's SQS batches under the invocation's remaining time ------------------------------------------


def test_a_record_reached_with_no_time_left_is_handed_back_unclaimed(deployment: Deployment) -> None:
    services = deployment.services
    job, _ = services.queue.enqueue(NewJob("review", "github:octo", "late-1", {"n": 1}))
    event = deployment.sqs_event()
    assert [json.loads(r["body"])["job_id"] for r in event["Records"]] == [job.id]
    answer = lambda_handlers.worker(event, LambdaContext(SETTLE_SECONDS - 1))
    assert answer == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    kept = services.queue.get(job.id)
    assert kept is not None
    assert (kept.state, kept.attempts) == (JobState.QUEUED, 0)  # no attempt spent on a run it had no time for
    again = deployment.sqs_event()  # handed back at once, not after the queue's visibility timeout
    assert [r["messageId"] for r in again["Records"]] == [event["Records"][0]["messageId"]]


def test_a_job_longer_than_the_time_left_is_abandoned_in_time_and_runs_again(
    deployment: Deployment, github: FakeGitHub
) -> None:
    number = open_terraform_pull_request(github, REPO, "lambda-slow")
    opened = pull_request_event(github, REPO, number, "opened")
    assert lambda_handlers.http(webhook_event(deployment, "pull_request", opened))["statusCode"] == 202
    github.slow(300)  # GitHub hangs: the review cannot end before the function's time does
    event = deployment.sqs_event()
    assert len(event["Records"]) == 1
    try:
        answer = lambda_handlers.worker(event, LambdaContext(SETTLE_SECONDS + 2))
    finally:
        github.heal()
    assert answer == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    job_id = json.loads(event["Records"][0]["body"])["job_id"]
    job = deployment.services.queue.get(job_id)
    assert job is not None
    assert job.state is JobState.QUEUED, job  # claimable again, not held by a dead lease nor dead-lettered
    assert job.attempts == 1
    assert (job.last_error or "").startswith("timed out after"), job.last_error
    # its backoff passes (1 to 2 s here, SQS hides the message in whole seconds); the next delivery runs it to
    # the end: one review, one comment
    for _ in range(20):
        if drain(deployment) and deployment.services.queue.depth() == 0:
            break
        time.sleep(0.5)
    comments = [c for c in github.comments(REPO, number) if "tfreview:review" in str(c["body"])]
    assert len(comments) == 1


def test_a_job_cut_short_by_the_records_before_it_waits_without_spending_an_attempt(
    deployment: Deployment, github: FakeGitHub
) -> None:
    """A record after one that ran gets what the batch left of the invocation's time, not the time a job has: cut
    short there, the job did not fail — it waits (uncounted) for an invocation of its own. Counted, a review
    placed late in three batches went dead ("timed out after 2 s") although nothing ever failed (ADR 0531)."""
    services = deployment.services
    first, _ = services.queue.enqueue(NewJob("review", "github:octo", "before-1", {"n": 1}))  # runs, fails fast
    number = open_terraform_pull_request(github, REPO, "lambda-late")
    opened = pull_request_event(github, REPO, number, "opened")
    assert lambda_handlers.http(webhook_event(deployment, "pull_request", opened))["statusCode"] == 202
    event = deployment.sqs_event()
    event["Records"].sort(key=lambda r: json.loads(r["body"])["job_id"] != first.id)  # the quick one first
    late_id = json.loads(event["Records"][1]["body"])["job_id"]
    github.slow(300)  # GitHub hangs: the late review cannot end within what the batch left it
    try:
        answer = lambda_handlers.worker(event, LambdaContext(SETTLE_SECONDS + 3))
    finally:
        github.heal()
    assert {"itemIdentifier": event["Records"][1]["messageId"]} in answer["batchItemFailures"]
    ran = services.queue.get(first.id)
    assert ran is not None
    assert ran.attempts == 1  # the record before it did run
    late = services.queue.get(late_id)
    assert late is not None
    assert (late.state, late.attempts) == (JobState.QUEUED, 0), late  # waiting, no attempt spent
    assert "the records before it" in (late.last_error or ""), late.last_error
    for _ in range(20):  # an invocation of its own runs it to the end: one review, one comment
        if drain(deployment) and services.queue.depth() == 0:
            break
        time.sleep(0.5)
    comments = [c for c in github.comments(REPO, number) if "tfreview:review" in str(c["body"])]
    assert len(comments) == 1
    done = services.queue.get(late_id)
    assert done is not None
    assert (done.state, done.attempts) == (JobState.SUCCEEDED, 1)


def test_a_replay_under_a_new_or_doubled_delivery_id_reviews_once(deployment: Deployment, github: FakeGitHub) -> None:
    number = open_terraform_pull_request(github, REPO, "lambda-replay")
    opened = pull_request_event(github, REPO, number, "opened")
    first = webhook_event(deployment, "pull_request", opened)
    assert lambda_handlers.http(first)["statusCode"] == 202
    delivery = first["headers"]["x-github-delivery"]
    replay = {**first, "headers": {**first["headers"], "x-github-delivery": str(uuid.uuid4())}}  # not signed
    assert lambda_handlers.http(replay)["statusCode"] in (200, 202)
    doubled = {**first, "headers": {**first["headers"], "x-github-delivery": f"{delivery},{uuid.uuid4()}"}}
    assert "X-GitHub-Delivery" in problem(lambda_handlers.http(doubled), 400)["detail"]  # API Gateway joined two
    drain(deployment)
    assert len(deployment.services.reviews.list(None, filters={}, limit=5).items) == 1
    assert len([c for c in github.comments(REPO, number) if "tfreview:review" in str(c["body"])]) == 1


def test_a_batch_with_a_duplicate_and_poison_records_runs_the_job_once_and_redelivers_nothing(
    deployment: Deployment, github: FakeGitHub
) -> None:
    number = open_terraform_pull_request(github, REPO, "lambda-dupes")
    opened = pull_request_event(github, REPO, number, "opened")
    assert lambda_handlers.http(webhook_event(deployment, "pull_request", opened))["statusCode"] == 202
    sqs = deployment.moto.client("sqs")
    pending = deployment.sqs_event()["Records"]
    assert len(pending) == 1
    body = pending[0]["body"]
    receipt = pending[0]["receiptHandle"]
    sqs.change_message_visibility(QueueUrl=deployment.queue_url, ReceiptHandle=receipt, VisibilityTimeout=0)
    sqs.send_message(QueueUrl=deployment.queue_url, MessageBody=body)  # SQS is at-least-once: the same job twice
    for poison in ("not json", json.dumps({"job_id": 987654}), json.dumps({"job_id": True}), "[]"):
        sqs.send_message(QueueUrl=deployment.queue_url, MessageBody=poison)
    event = deployment.sqs_event()
    assert len(event["Records"]) == 6
    answers = [lambda_handlers.worker(event, LambdaContext(120))]
    answers += drain(deployment)  # the publish job the review enqueued
    assert all(a == {"batchItemFailures": []} for a in answers), answers
    assert deployment.sqs_event()["Records"] == []  # nothing left to come back
    reviews = deployment.services.reviews.list(None, filters={}, limit=5).items
    assert [r.status.value for r in reviews] == ["completed"]
    assert len([c for c in github.comments(REPO, number) if "tfreview:review" in str(c["body"])]) == 1
    assert len(github.check_runs(REPO, github.pull_request(REPO, number).head_sha)) == 1


def test_a_message_back_while_its_job_still_runs_elsewhere_is_kept_and_not_run_twice(deployment: Deployment) -> None:
    services = deployment.services
    job, _ = services.queue.enqueue(NewJob("review", "github:octo", "held-1", {"n": 1}))
    first = deployment.sqs_event()["Records"][0]
    sqs_queue: Any = services.queue  # the SqsJobQueue: claim_delivered is not on the JobQueue port
    running, keep = sqs_queue.claim_delivered(job.id, first["receiptHandle"], "lambda:other-container")
    assert running is not None
    assert not keep
    # the same job's message again (its visibility ran out, or SQS delivered it twice) while the first still runs
    deployment.moto.client("sqs").send_message(QueueUrl=deployment.queue_url, MessageBody=first["body"])
    event = deployment.sqs_event()
    assert len(event["Records"]) == 1
    answer = lambda_handlers.worker(event, LambdaContext(120))
    assert answer == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    held = services.queue.get(job.id)
    assert held is not None
    assert (held.state, held.attempts, held.attempt_token) == (JobState.RUNNING, 1, running.attempt_token)
    assert deployment.sqs_event()["Records"] == []  # hidden until the running attempt's lease would end


def test_a_function_killed_mid_job_leaves_it_to_the_next_delivery_which_reviews_once(
    deployment: Deployment, github: FakeGitHub
) -> None:
    from tfreview.store.queue_settings import WorkerSettings
    from tfreview.wiring.aws import build_aws_services

    short = WorkerSettings(lease_seconds=1, heartbeat_seconds=0.5, backoff_base_seconds=1, backoff_cap_seconds=2)
    services = build_aws_services(deployment.settings.model_copy(update={"worker": short}), loopback_only=True)
    try:
        lambda_handlers.reset(services)
        number = open_terraform_pull_request(github, REPO, "lambda-killed")
        opened = pull_request_event(github, REPO, number, "opened")
        assert lambda_handlers.http(webhook_event(deployment, "pull_request", opened))["statusCode"] == 202
        record = deployment.sqs_event()["Records"][0]
        sqs_queue: Any = services.queue  # the SqsJobQueue: claim_delivered is not on the JobQueue port
        killed, _ = sqs_queue.claim_delivered(json.loads(record["body"])["job_id"], record["receiptHandle"], "dead")
        assert killed is not None  # the function that claimed it is killed here: no heartbeat, no settlement
        time.sleep(1.5)  # its lease (1 s) runs out
        sqs = deployment.moto.client("sqs")
        sqs.change_message_visibility(
            QueueUrl=deployment.queue_url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=0
        )  # the message comes back (its visibility timeout, shortened)
        for _ in range(20):
            if drain(deployment) and services.queue.depth() == 0:
                break
            time.sleep(0.5)
        job = services.queue.get(killed.id)
        assert job is not None
        assert (job.state, job.attempts) == (JobState.SUCCEEDED, 2), job  # taken over once, not dead-lettered
        assert len([c for c in github.comments(REPO, number) if "tfreview:review" in str(c["body"])]) == 1
    finally:
        lambda_handlers.reset(deployment.services)
        services.close()
