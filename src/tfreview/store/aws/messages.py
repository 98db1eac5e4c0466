"""The SQS side of the job queue: a message carries one job id; its visibility timeout is the attempt's lease.

Every call here but `receive` is best effort: a receipt handle goes stale when SQS delivers the message again,
and a lost message is recovered by the claim's sweep of due jobs, or on Lambda by the reaper sending it again
(the DynamoDB item is the truth), so a failed visibility change or delete is logged by the caller's metrics,
never raised to a worker.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Final

from tfreview.core.errors import ConfigError
from tfreview.plumbing.json_documents import NotJson, read_json
from tfreview.store.aws.connection import AwsClients, call

MAX_VISIBILITY: Final = 43_200  # SQS's longest visibility timeout (12 hours)
MAX_DELAY: Final = 900  # SQS's longest DelaySeconds


@dataclass(frozen=True, slots=True)
class Message:
    job_id: int | None  # None: a body this release cannot read (deleted on sight)
    receipt: str


def seconds(value: float, ceiling: int = MAX_VISIBILITY) -> int:
    return max(0, min(ceiling, math.ceil(value)))


class JobMessages:
    def __init__(self, clients: AwsClients) -> None:
        target = clients.target
        self._sqs: Any = clients.sqs
        if target.queue_url is not None:
            self.url: str = target.queue_url
            self.dead_url = target.dead_letter_url
        elif target.queue_name is not None:
            self.url = self._resolve(target.queue_name)
            self.dead_url = self._resolve(f"{target.queue_name}-dlq")
        else:
            raise ConfigError("the SQS job queue is not named (sqs://<queue name>)")

    def _resolve(self, name: str) -> str:
        return str(call(lambda: self._sqs.get_queue_url(QueueName=name), "find the queue")["QueueUrl"])

    def send(self, job_id: int, delay_seconds: float = 0.0) -> None:
        body = json.dumps({"job_id": job_id})
        delay = seconds(delay_seconds, MAX_DELAY)
        call(lambda: self._sqs.send_message(QueueUrl=self.url, MessageBody=body, DelaySeconds=delay), "send message")

    def receive(self, visibility_seconds: float, *, at_most: int = 10, dead: bool = False) -> list[Message]:
        url = self.dead_url if dead else self.url
        if url is None:
            return []
        answer = call(
            lambda: self._sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=at_most,
                VisibilityTimeout=seconds(visibility_seconds),
                WaitTimeSeconds=0,
            ),
            "receive messages",
        )
        return [Message(job_id_of(m.get("Body", "")), str(m["ReceiptHandle"])) for m in answer.get("Messages", [])]

    def release(self, receipts: list[tuple[str, float]]) -> None:
        """Make messages visible again after the given seconds (0: at once), in batches of ten."""
        for start in range(0, len(receipts), 10):
            entries = [
                {"Id": str(i), "ReceiptHandle": receipt, "VisibilityTimeout": seconds(after)}
                for i, (receipt, after) in enumerate(receipts[start : start + 10])
            ]
            self._best_effort(lambda e=entries: self._sqs.change_message_visibility_batch(QueueUrl=self.url, Entries=e))

    def extend(self, receipt: str | None, visibility_seconds: float) -> bool:
        if receipt is None:
            return False
        timeout = seconds(visibility_seconds)
        return self._best_effort(
            lambda: self._sqs.change_message_visibility(
                QueueUrl=self.url, ReceiptHandle=receipt, VisibilityTimeout=timeout
            )
        )

    def delete(self, receipt: str | None, *, dead: bool = False) -> bool:
        url = self.dead_url if dead else self.url
        if receipt is None or url is None:
            return False
        return self._best_effort(lambda: self._sqs.delete_message(QueueUrl=url, ReceiptHandle=receipt))

    def _best_effort(self, action: Any) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        from tfreview.core.errors import StoreUnavailable

        try:
            call(action, "change message")
            return True
        except (ClientError, BotoCoreError, StoreUnavailable):
            return False


def job_id_of(body: str) -> int | None:
    """The job id a message body carries; None for any body this release cannot read (deleted on sight, by the
    worker function and by the DLQ drain alike). JSON nested past the decoder's limit raises RecursionError, not
    ValueError: a body of a few hundred brackets crashed every scheduled reaper run that received it."""
    try:
        document = read_json(body)
    except NotJson:
        return None
    value = document.get("job_id") if isinstance(document, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
