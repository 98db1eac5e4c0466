"""Amazon SNS: one `Publish` to a topic per event (boto3; its own retries off, ours apply).

Credentials come from the default AWS chain (role, environment, profile); `endpoint_url` points at a
VPC endpoint, or at a local AWS endpoint in the tests. Throttling and 5xx are retried.
"""

from __future__ import annotations

import json
from typing import Any

from tfreview.ops.notify.message import Notification, NotifyFailure

_RETRIABLE_CODES = {"Throttling", "ThrottlingException", "ThrottledException", "InternalError", "ServiceUnavailable"}


class SnsNotifier:
    name = "sns"

    def __init__(
        self,
        topic_arn: str,
        *,
        channels: frozenset[str],
        levels: frozenset[int],
        region: str | None = None,
        endpoint_url: str | None = None,
        timeout_seconds: float = 10.0,
        client: Any = None,
    ) -> None:
        self._topic = topic_arn
        self._client = client if client is not None else _client(region, endpoint_url, timeout_seconds)
        self.channels = channels
        self.levels = levels

    def send(self, notification: Notification) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client.publish(
                TopicArn=self._topic,
                Subject=_subject(notification.title),
                Message=json.dumps(
                    {
                        "default": notification.text(),
                        "email": notification.text(),
                        "https": json.dumps(notification.document()),
                    }
                ),
                MessageStructure="json",
                MessageAttributes={
                    "severity": {"DataType": "String", "StringValue": notification.severity},
                    "event": {"DataType": "String", "StringValue": notification.event.value},
                    "level": {"DataType": "Number", "StringValue": str(notification.level)},
                },
            )
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", "error"))
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
            retriable = code in _RETRIABLE_CODES or status >= 500 or status == 429
            raise NotifyFailure(f"sns: {code}", retriable=retriable) from None
        except BotoCoreError as exc:  # no credentials, endpoint unreachable, timeout
            raise NotifyFailure(f"sns: {type(exc).__name__}", retriable=True) from None


def _subject(title: str) -> str:
    """SNS subjects: at most 100 printable ASCII characters, no line breaks."""
    text = "".join(c if 32 <= ord(c) < 127 else "?" for c in title)
    return text[:100]


def _client(region: str | None, endpoint_url: str | None, timeout: float) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=timeout, read_timeout=timeout)
    return boto3.client("sns", region_name=region, endpoint_url=endpoint_url, config=config)
