"""How `dynamodb://` and `sqs://` URLs name the AWS adapters' table and queues (docs/adr/0150)."""

from __future__ import annotations

import pytest

from tfreview.core.errors import ConfigError
from tfreview.store.aws.connection import target_from_urls


def test_a_table_a_region_and_a_queue_name() -> None:
    target = target_from_urls("dynamodb://tfreview?region=eu-west-1", "sqs://tfreview-jobs")
    assert target.table == "tfreview"
    assert target.region == "eu-west-1"
    assert target.endpoint_url is None
    assert target.queue_url is None  # resolved with GetQueueUrl when the queue is built
    assert target.queue_name == "tfreview-jobs"
    assert target.retention_days == 30


def test_the_retention_of_settled_jobs_and_deliveries() -> None:
    target = target_from_urls("dynamodb://t?region=eu-west-1&retention_days=90", "sqs://q")
    assert target.retention_days == 90


def test_a_local_endpoint_and_a_full_queue_url() -> None:
    target = target_from_urls(
        "dynamodb://t1?region=us-east-1&endpoint=http://127.0.0.1:5000",
        "sqs://http://127.0.0.1:5000/123456789012/jobs",
    )
    assert target.endpoint_url == "http://127.0.0.1:5000"
    assert target.queue_url == "http://127.0.0.1:5000/123456789012/jobs"
    assert target_from_urls("dynamodb://t1?region=us-east-1", None).queue_url is None


@pytest.mark.parametrize(
    ("database", "queue", "message"),
    [
        ("sqlite:///x.db", None, "dynamodb://<table>"),
        ("dynamodb://", None, "dynamodb://<table>"),
        ("dynamodb://t/extra?region=eu-west-1", None, "dynamodb://<table>"),
        ("dynamodb://t", None, "region is missing"),
        ("dynamodb://t?region=eu-west-1&password=x", None, "unknown parameter 'password'"),
        ("dynamodb://t?region=eu-west-1", "https://sqs.eu-west-1.amazonaws.com/1/q", "sqs://<queue name>"),
        ("dynamodb://t?region=eu-west-1", "sqs://", "sqs://<queue name>"),
        ("dynamodb://t?region=eu-west-1&retention_days=-3", None, "retention_days must be a whole number"),
        ("dynamodb://t?region=eu-west-1&retention_days=0", None, "retention_days must be 1–3650"),
    ],
)
def test_bad_urls_are_refused_with_the_reason(database: str, queue: str | None, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("?", r"\?")):
        target_from_urls(database, queue)
