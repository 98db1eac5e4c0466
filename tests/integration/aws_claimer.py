"""A worker process for the SIGKILL test: claims one job from the SQS queue, says so, then hangs until killed.

Run as `python -m tests.integration.aws_claimer`; the target comes as JSON in TFREVIEW_TEST_AWS_TARGET."""

from __future__ import annotations

import json
import os
import sys
import time

from tfreview.store.aws.connection import AwsTarget
from tfreview.store.aws.stores import aws_stores
from tfreview.store.queue_settings import WorkerSettings


def main() -> None:
    target = AwsTarget(**json.loads(os.environ["TFREVIEW_TEST_AWS_TARGET"]))
    settings = WorkerSettings(lease_seconds=float(os.environ["TFREVIEW_TEST_LEASE_SECONDS"]))
    queue = aws_stores(target, settings).queue
    while (job := queue.claim("doomed")) is None:
        time.sleep(0.05)
    print(json.dumps({"id": job.id, "token": job.attempt_token}), flush=True)
    while True:  # holding the message, never heartbeating: the parent kills this process
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
