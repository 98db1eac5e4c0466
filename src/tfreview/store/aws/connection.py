"""Where the AWS adapters talk to: region, endpoint, table and queues; the boto3 clients; error translation.

boto3 is untyped here (pyproject's mypy override): each client is held as `Any` behind this one module, and
every call goes through `call()`, which turns "not there right now" (throttling, 5xx, connection refused,
timeouts) into StoreUnavailable — the web layer answers 503, the worker retries — and lets every other
error through unchanged.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from tfreview.core.errors import ConfigError, StoreUnavailable
from tfreview.core.redact import scrub_text

T = TypeVar("T")

_UNAVAILABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "ThrottlingException",
        "Throttling",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "RequestThrottled",
    }
)


@dataclass(frozen=True, slots=True)
class AwsTarget:
    """One deployment's table and queues. `endpoint_url`: a VPC endpoint, or a local AWS endpoint in tests."""

    table: str
    region: str
    queue_url: str | None = None
    dead_letter_url: str | None = None
    endpoint_url: str | None = None
    queue_name: str | None = None  # instead of queue_url: resolved with GetQueueUrl (its DLQ: "<name>-dlq")
    loopback_only: bool = False  # the tests: refuse any endpoint that is not on this machine
    retention_days: int = 30  # settled jobs, their keys and deliveries: DynamoDB's TTL removes them after this

    def __post_init__(self) -> None:
        if not self.table:
            raise ConfigError("the DynamoDB table name is empty")
        if not 1 <= self.retention_days <= 3650:
            raise ConfigError(f"dynamodb:// URL: retention_days must be 1–3650, got {self.retention_days}")
        if self.loopback_only:
            for url in (self.endpoint_url, self.queue_url, self.dead_letter_url):
                if url is not None:
                    require_loopback(url)
            if self.endpoint_url is None:
                raise ConfigError("loopback_only: an endpoint_url on this machine is required")


def require_loopback(url: str) -> str:
    """`url` unchanged when its host is a loopback address; ConfigError otherwise (no traffic leaves the machine)."""
    host = urlsplit(url).hostname or ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise ConfigError(f"endpoint {host or url!r} is not a loopback address; the tests never leave this machine")
    return url


class AwsClients:
    """The DynamoDB and SQS clients of one target (thread-safe: boto3 clients may be shared across threads)."""

    def __init__(self, target: AwsTarget, *, timeout_seconds: float = 10.0) -> None:
        import boto3
        from botocore.config import Config

        config = Config(
            connect_timeout=timeout_seconds,
            read_timeout=timeout_seconds,
            retries={"max_attempts": 3, "mode": "standard"},
            max_pool_connections=32,
        )
        session = boto3.session.Session(region_name=target.region)
        self.target = target
        self.dynamodb: Any = session.client("dynamodb", endpoint_url=target.endpoint_url, config=config)
        self.sqs: Any = session.client("sqs", endpoint_url=target.endpoint_url, config=config)


def error_code(error: BaseException) -> str:
    """The AWS error code of a botocore ClientError ("" for anything else)."""
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return ""
    return str(response.get("Error", {}).get("Code", ""))


def call(action: Callable[[], T], what: str) -> T:
    """Run one AWS call; StoreUnavailable when the service is unreachable, throttling or failing on its side."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return action()
    except ClientError as error:
        code = error_code(error)
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        if code in _UNAVAILABLE_CODES or status >= 500:
            raise StoreUnavailable(f"{what}: AWS unavailable ({scrub_text(code)[:80] or status})") from error
        raise
    except BotoCoreError as error:  # connection refused, timeouts, no credentials resolvable
        raise StoreUnavailable(f"{what}: AWS unavailable ({type(error).__name__})") from error


def target_from_urls(database_url: str, queue_url: str | None) -> AwsTarget:
    """The target named by `dynamodb://<table>?region=<region>[&endpoint=<url>][&retention_days=<n>]` and
    `sqs://<queue url or name>` (docs/adr/0150, 0196). ConfigError with the reason for anything else; no secret
    is ever part of these URLs."""
    from urllib.parse import parse_qs

    parts = urlsplit(database_url)
    if parts.scheme != "dynamodb" or not parts.netloc or parts.path not in ("", "/"):
        raise ConfigError("the DynamoDB store URL must look like dynamodb://<table>?region=<region>")
    query = parse_qs(parts.query)
    unknown = sorted(set(query) - {"region", "endpoint", "retention_days"})
    if unknown:
        raise ConfigError(
            f"dynamodb:// URL: unknown parameter {unknown[0]!r} (known: region, endpoint, retention_days)"
        )
    retention = (query.get("retention_days") or ["30"])[0]
    if not retention.isdigit():
        raise ConfigError(f"dynamodb:// URL: retention_days must be a whole number of days, got {retention[:20]!r}")
    region = (query.get("region") or [""])[0]
    if not region:
        raise ConfigError("dynamodb:// URL: the region is missing (?region=eu-west-1)")
    endpoint = query["endpoint"][0] if query.get("endpoint") else None
    queue: str | None = None
    if queue_url is not None:
        if not queue_url.startswith("sqs://") or len(queue_url) <= len("sqs://"):
            raise ConfigError("the queue URL must look like sqs://<queue name> or sqs://https://<queue url>")
        queue = queue_url[len("sqs://") :]
    by_url = queue is not None and "://" in queue
    return AwsTarget(
        table=parts.netloc,
        region=region,
        queue_url=queue if by_url else None,
        dead_letter_url=f"{queue}-dlq" if by_url else None,
        queue_name=None if by_url else queue,
        endpoint_url=endpoint,
        retention_days=int(retention),
    )
