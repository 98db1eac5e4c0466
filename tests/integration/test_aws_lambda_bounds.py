"""A hostile read of the SQS worker, the reaper and the DynamoDB batch reads (session 17, r17-aws), on moto in
server mode and the fake GitHub:

- a message whose body nests JSON deeper than the decoder's recursion limit (json raises RecursionError, not
  ValueError): the worker deletes it as it deletes any body it cannot read, and the reaper function, draining
  the job DLQ where such a message ends, drains it rather than crashing on every schedule;
- BatchGetItem answering UnprocessedKeys (a throttled table hands keys back): the claim retries them with
  backoff a bounded number of times, then answers "unavailable", instead of calling DynamoDB in a tight loop
  for as long as the table is throttled;
- an answer larger than the 6 MB a function may return: gzipped for a client that accepts it, else a problem
  document naming the limit (Lambda would fail the invocation: API Gateway's bare 5xx);
- a named stage's `/<stage>` prefix in rawPath: routed as on the `$default` stage.
"""

# the fixtures of test_aws_lambda_flow are imported, and each test's parameters name them again
# ruff: noqa: F811

from __future__ import annotations

import base64
import gzip
import json
import threading
import time
import uuid
from typing import Any

import pytest

from tests.fakes.aws_store import REGION
from tests.fakes.github import FakeGitHub
from tests.integration.test_aws_lambda_flow import (  # noqa: F401 - the module's fixtures, shared
    Deployment,
    deployment,
    github,
    moto,
)
from tests.integration.test_aws_lambda_hostile import LambdaContext
from tfreview import lambda_handlers
from tfreview.core.errors import StoreUnavailable
from tfreview.ports.jobs import JobState, NewJob

DEEP = "[" * 100_000  # 100 KB: under SQS's message size limit, far over json's recursion limit


def scheduled() -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2026-12-06T22:00:00Z",
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:123456789012:rule/tfreview-reaper"],
        "detail": {},
    }


def test_a_body_nested_past_the_decoder_s_limit_is_deleted_by_the_worker_not_redelivered(
    deployment: Deployment,
) -> None:
    services = deployment.services
    job, _ = services.queue.enqueue(NewJob("review", "github:octo", "poison-neighbour", {"n": 1}))
    deployment.moto.client("sqs").send_message(QueueUrl=deployment.queue_url, MessageBody=DEEP)
    event = deployment.sqs_event()
    assert len(event["Records"]) == 2
    ids = {r["messageId"]: r["body"] for r in event["Records"]}
    answer = lambda_handlers.worker(event, LambdaContext(120))
    failed = [ids[f["itemIdentifier"]][:20] for f in answer["batchItemFailures"]]
    # the job runs (and, its payload naming no review, is dead-lettered); the poison is deleted, not kept
    assert DEEP[:20] not in failed, answer
    kept = services.queue.get(job.id)
    assert kept is not None
    assert kept.attempts == 1


def test_the_reaper_drains_a_dlq_message_nested_past_the_decoder_s_limit(deployment: Deployment) -> None:
    sqs = deployment.moto.client("sqs")
    dead_url: str = deployment.services.queue.messages.dead_url  # type: ignore[attr-defined]
    sqs.send_message(QueueUrl=dead_url, MessageBody=DEEP)
    assert lambda_handlers.reaper(scheduled(), None) == {"reaped": 0, "requeued": 0, "failed": 0, "repaired": 0}
    left = sqs.get_queue_attributes(
        QueueUrl=dead_url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    assert left == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}
    assert deployment.sqs_event()["Records"] == []  # nothing sent back to the job queue for it


def test_keys_a_throttled_table_hands_back_are_retried_with_backoff_then_unavailable(
    deployment: Deployment, github: FakeGitHub
) -> None:
    services = deployment.services
    job, _ = services.queue.enqueue(NewJob("review", "github:octo", "throttled-batch-get", {"n": 1}))
    unprocessed = {
        deployment.services.queue.table.name: {  # type: ignore[attr-defined]
            "Keys": [{"pk": {"S": f"JOB#{job.id:020d}"}, "sk": {"S": "JOB"}}],
            "ConsistentRead": True,
        }
    }
    deployment.moto.faults["DynamoDB_20120810.BatchGetItem"] = (200, {"Responses": {}, "UnprocessedKeys": unprocessed})
    outcome: list[object] = []

    def claim() -> None:
        try:
            outcome.append(services.queue.claim("worker:throttled"))
        except StoreUnavailable as exc:
            outcome.append(exc)

    started = time.monotonic()
    claimer = threading.Thread(target=claim, daemon=True)
    claimer.start()
    claimer.join(timeout=30)
    still_looping = claimer.is_alive()
    deployment.moto.faults.clear()  # a looping claim ends now, whatever happens to the assertions
    claimer.join(timeout=30)
    assert not still_looping, "the claim called BatchGetItem in a loop for as long as the table was throttled"
    assert len(outcome) == 1
    assert isinstance(outcome[0], StoreUnavailable), outcome
    assert "unprocessed" in str(outcome[0])
    assert time.monotonic() - started >= 0.5  # it backed off between the retries rather than spinning
    held = services.queue.get(job.id)
    assert held is not None
    assert (held.state, held.attempts) == (JobState.QUEUED, 0)  # nothing claimed on a read it could not make


@pytest.mark.parametrize("body", ["[" * 5000 + "]" * 5000, '{"job_id": ' + "9" * 5000 + "}"])
def test_no_body_sqs_can_carry_makes_the_job_id_reader_raise(body: str) -> None:
    from tfreview.store.aws.messages import job_id_of

    assert job_id_of(body) is None


# --- answers larger than a Lambda function may return ------------------------------------------------------

LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024  # a synchronous invocation's response payload, the JSON as serialized


def big_review(deployment: Deployment) -> tuple[str, dict[str, str]]:
    """A completed review whose report is about 8 MB of JSON (compressible, as reports are), and a read token."""
    from tfreview.ports.records import ReviewStatus, Scope, SourceInfo

    services = deployment.services
    review = services.reviews.create("github:octo", SourceInfo("github", repository="octo/big"))
    findings = [{"rule": f"R{n % 50}", "address": f"aws_s3_bucket.b{n}", "message": "x" * 300} for n in range(24_000)]
    report = {"verdict": "pass", "findings": findings}
    services.reviews.save_result(review.id, ReviewStatus.COMPLETED, report, "pass", {})
    _, secret = services.tokens.create("github:octo", Scope.READ, "big-review", None)
    return review.id, {"authorization": f"Bearer {secret}"}


def test_an_answer_over_lambda_s_response_limit_is_a_problem_naming_it_not_a_gateway_error(
    deployment: Deployment,
) -> None:
    from tests.fakes.aws_events import http_event

    review_id, headers = big_review(deployment)
    answer = lambda_handlers.http(http_event("GET", f"/api/v1/reviews/{review_id}", headers=headers))
    assert len(json.dumps(answer)) <= LAMBDA_RESPONSE_BYTES  # else Lambda fails the invocation: API Gateway's 5xx
    assert answer["statusCode"] == 500, answer["statusCode"]
    assert answer["headers"]["content-type"] == "application/problem+json"
    detail = json.loads(answer["body"])["detail"]
    assert "6 MB" in detail
    assert "Accept-Encoding: gzip" in detail


def test_an_answer_over_lambda_s_response_limit_is_sent_gzipped_to_a_client_that_accepts_it(
    deployment: Deployment,
) -> None:
    from tests.fakes.aws_events import http_event

    review_id, headers = big_review(deployment)
    asked = {**headers, "accept-encoding": "br;q=1.0, gzip;q=0.8"}
    answer = lambda_handlers.http(http_event("GET", f"/api/v1/reviews/{review_id}", headers=asked))
    assert len(json.dumps(answer)) <= LAMBDA_RESPONSE_BYTES
    assert answer["statusCode"] == 200
    assert (answer["headers"]["content-encoding"], answer["isBase64Encoded"]) == ("gzip", True)
    assert "accept-encoding" in answer["headers"]["vary"].lower()
    body = json.loads(gzip.decompress(base64.b64decode(answer["body"])))
    assert len(body["report"]["findings"]) == 24_000
    # a small answer is left as it was: no compression a client did not need
    small = lambda_handlers.http(http_event("GET", "/api/v1/reviews", headers=asked, query="limit=1"))
    assert (small["statusCode"], small["isBase64Encoded"]) == (200, False)
    assert "content-encoding" not in small["headers"]


# --- a named stage --------------------------------------------------------------------------------------------


def test_a_named_stage_s_prefix_is_not_part_of_the_path_the_app_routes_on(deployment: Deployment) -> None:
    from tests.fakes.aws_events import http_event
    from tests.integration.test_aws_lambda_flow import webhook_event

    staged = webhook_event(deployment, "ping", {"zen": "z", "hook_id": 1})
    staged["rawPath"] = "/prod/webhooks/github"  # an HTTP API's named stage on its execute-api endpoint
    staged["requestContext"] = {**staged["requestContext"], "stage": "prod"}
    staged["requestContext"]["http"] = {**staged["requestContext"]["http"], "path": "/prod/webhooks/github"}
    answer = lambda_handlers.http(staged)
    assert (answer["statusCode"], json.loads(answer["body"])) == (200, {"status": "pong"}), answer
    # through a custom domain the stage is not in the path: a stage named like a route's first segment stays
    custom = http_event("GET", "/api/v1/reviews")
    custom["requestContext"] = {**custom["requestContext"], "stage": "api", "domainName": "reviews.example.com"}
    assert lambda_handlers.http(custom)["statusCode"] == 401  # the route, asking for a token (not 404)
    # the stage's name alone in front of a path that is not under it is left as it is
    other = http_event("GET", "/products")
    other["requestContext"] = {**other["requestContext"], "stage": "prod"}
    assert lambda_handlers.http(other)["statusCode"] == 404


# --- the reaper's sweeps over a table of finished reviews -----------------------------------------------------


def test_the_reaper_s_sweeps_read_no_finished_review_s_report(deployment: Deployment) -> None:
    """The deadline and orphan sweeps list open reviews: a finished review's report (inline, or in chunks that
    cost a query each) is not theirs to read. They read every one of them, each minute, before the status
    filter dropped it: a table of many large reviews made the reaper outlast its 60 s timeout."""
    import os

    from tfreview.ports.records import ReviewStatus, SourceInfo

    services = deployment.services
    for n in range(12):  # chunked: incompressible, past the 300 KB an item keeps inline
        review = services.reviews.create("github:octo", SourceInfo("github", repository=f"octo/r{n}"))
        report = {"verdict": "pass", "findings": [], "noise": base64.b64encode(os.urandom(330_000)).decode()}
        services.reviews.save_result(review.id, ReviewStatus.COMPLETED, report, "pass", {})
    table: Any = services.queue.table  # type: ignore[attr-defined]
    queries: list[dict[str, Any]] = []

    def count(params: dict[str, Any], **_: Any) -> None:
        queries.append(params)

    table._client.meta.events.register("provide-client-params.dynamodb.Query", count)
    try:
        assert lambda_handlers.reaper(scheduled(), None) == {"reaped": 0, "requeued": 0, "failed": 0, "repaired": 0}
    finally:
        table._client.meta.events.unregister("provide-client-params.dynamodb.Query", count)
    chunk_reads = [q for q in queries if "IndexName" not in q]
    assert chunk_reads == [], f"{len(chunk_reads)} reads of finished reviews' report chunks"


# --- a job whose message was never sent ---------------------------------------------------------------------


def test_a_job_whose_message_send_failed_is_announced_again_by_the_reaper(deployment: Deployment) -> None:
    """The job's item is written, then its message sent: a send that fails (SQS throttling, an outage) leaves a
    queued job no message carries. `tfreview worker`'s claim sweeps due jobs; on Lambda nothing claims without a
    message, so the job waited forever (a review's until its deadline sweep, a publish job for good)."""
    from datetime import timedelta

    services = deployment.services
    send = "AmazonSQS.SendMessage"
    deployment.moto.faults[send] = (400, {"__type": "com.amazonaws.sqs#RequestThrottled", "message": "slow down"})
    try:
        with pytest.raises(StoreUnavailable):
            services.queue.enqueue(NewJob("review", "github:octo", "send-lost", {"n": 1}))
    finally:
        deployment.moto.faults.clear()
    assert deployment.sqs_event()["Records"] == []  # the job is there, its message is not
    stranded = services.queue.by_key("send-lost")  # type: ignore[attr-defined]
    assert stranded is not None
    assert stranded.state is JobState.QUEUED
    reaper = scheduled()
    assert lambda_handlers.reaper(reaper, None)["reaped"] == 0
    assert deployment.sqs_event()["Records"] == []  # just written: its message may still be on its way
    later = services.queue.clock() + timedelta(minutes=6)  # type: ignore[attr-defined]
    services.queue.clock = lambda: later  # type: ignore[attr-defined]
    lambda_handlers.reaper(reaper, None)
    records = deployment.sqs_event()["Records"]
    assert [json.loads(r["body"]) for r in records] == [{"job_id": stranded.id}]
    lambda_handlers.reaper(reaper, None)  # announced once per sweep interval, not on every run
    for record in records:  # hand the one message back so that it can be counted
        deployment.moto.client("sqs").change_message_visibility(
            QueueUrl=deployment.queue_url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=0
        )
    assert len(deployment.sqs_event()["Records"]) == 1
