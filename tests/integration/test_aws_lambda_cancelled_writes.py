"""The Lambda HTTP function when DynamoDB cancels the intake's transaction for capacity (a throttled table): a
webhook is answered 503 problem+json with Retry-After, as `serve` answers a store it cannot reach (DESIGN: "database
unavailable / throttled: webhooks answer 503, never 500"), nothing is stored, no traceback is logged; once the table
takes writes again the same delivery is accepted. Before, the cancellation's ClientError reached the app: 500.
A delivery whose every transaction a concurrent one cancels is 503 as well (before: 500 "integrity check failed").

DynamoDB reports insufficient capacity inside a transaction as TransactionCanceledException with a cancellation
reason per item (`ThrottlingError`, `ProvisionedThroughputExceeded`), not as a throttling error code; moto has no
switch for it, so the fake answers TransactWriteItems the way DynamoDB does (tests/fakes/aws_store.py `faults`)."""

# the fixtures of test_aws_lambda_flow are imported, and each test's parameters name them again
# ruff: noqa: F811

from __future__ import annotations

import json
import logging

import pytest

from tests.fakes.github import FakeGitHub
from tests.integration.test_aws_lambda_flow import (  # noqa: F401 - the module's fixtures, shared
    Deployment,
    deployment,
    github,
    moto,
    webhook_event,
)
from tests.integrations.live_stack import REPO, open_terraform_pull_request, pull_request_event
from tfreview import lambda_handlers

TRANSACT = "DynamoDB_20120810.TransactWriteItems"


def cancelled(reason: str) -> tuple[int, dict[str, object]]:
    """DynamoDB's answer to a transaction it cancelled for `reason` on its first item (the others: None)."""
    return 400, {
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        "message": f"Transaction cancelled, please refer cancellation reasons for specific reasons [{reason}, None]",
        "CancellationReasons": [{"Code": reason, "Message": "Throughput exceeds the capacity"}, {"Code": "None"}],
    }


@pytest.mark.parametrize("reason", ["ThrottlingError", "ProvisionedThroughputExceeded"])
def test_a_transaction_cancelled_for_capacity_is_503_with_retry_after_and_stores_nothing(
    deployment: Deployment, github: FakeGitHub, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    number = open_terraform_pull_request(github, REPO, f"throttled-{reason}")
    event = webhook_event(deployment, "pull_request", pull_request_event(github, REPO, number, "opened"))
    deployment.moto.faults[TRANSACT] = cancelled(reason)
    try:
        with caplog.at_level(logging.INFO):
            answer = lambda_handlers.http(event)
    finally:
        deployment.moto.faults.clear()
    assert answer["statusCode"] == 503, answer
    assert answer["headers"]["content-type"] == "application/problem+json"
    assert answer["headers"]["retry-after"] == "5"
    assert json.loads(answer["body"])["status"] == 503
    assert "Traceback" not in caplog.text
    services = deployment.services
    assert services.intake.list().items == []
    assert services.queue.depth() == 0
    assert lambda_handlers.http(event)["statusCode"] == 202  # the table takes writes again: the redelivery lands
    assert len(services.intake.list().items) == 1


def test_a_delivery_that_loses_every_race_is_503_not_an_integrity_failure(
    deployment: Deployment, github: FakeGitHub
) -> None:
    """Every transaction cancelled by a concurrent one (TransactionConflict: a burst of deliveries for one new
    tenant or one pull request head, over many Lambda containers): after its retries the delivery is refused as
    the store being busy — 503, Retry-After, so GitHub's redelivery or Spacelift's retry brings it again — and not
    as "Stored data failed its integrity check" (500), which names corruption that is not there."""
    number = open_terraform_pull_request(github, REPO, "raced")
    event = webhook_event(deployment, "pull_request", pull_request_event(github, REPO, number, "opened"))
    deployment.moto.faults[TRANSACT] = cancelled("TransactionConflict")
    try:
        answer = lambda_handlers.http(event)
    finally:
        deployment.moto.faults.clear()
    assert answer["statusCode"] == 503, answer
    assert answer["headers"]["retry-after"] == "5"
    assert json.loads(answer["body"])["type"] == "urn:tfreview:problem:store-unavailable"
    assert deployment.services.intake.list().items == []
    assert lambda_handlers.http(event)["statusCode"] == 202
