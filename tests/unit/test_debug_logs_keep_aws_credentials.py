"""S2 at TFREVIEW_LOG_LEVEL=DEBUG, the AWS side (review17a, after r17-llm held httpcore at INFO for the same reason).

Found from the outside: a process set up by `configure_logging("DEBUG")` (serve, worker) with the DynamoDB backend
logged its AWS session token and request signatures: botocore's DEBUG trace prints each request's canonical form
and headers (`x-amz-security-token`, `Authorization`). The store's own clients, against a loopback port nothing
listens on; run in a child process so this process's logging is untouched."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap

CANARY_TOKEN = "IQoJCANARYsessionT0ken9f8e7d6c5b4a3z2y1x"
CANARY_KEY_ID = "ASIACANARYKEYID00017"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_s2_aws_credentials_are_not_logged_at_debug() -> None:
    code = textwrap.dedent(
        f"""
        import logging
        from tfreview.plumbing.log_lines import configure_logging
        from tfreview.store.aws.connection import AwsClients, AwsTarget

        configure_logging("DEBUG")
        target = AwsTarget(table="t", region="us-east-1", endpoint_url="http://127.0.0.1:{_closed_port()}",
                           loopback_only=True)
        try:
            AwsClients(target, timeout_seconds=1).dynamodb.describe_table(TableName="t")
        except Exception as error:
            logging.getLogger("tfreview.drill").info("refused as expected: %s", type(error).__name__)
        logging.getLogger("tfreview.drill").debug("debug lines are on")
        """
    )
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": CANARY_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": "CanarySecretAccessKey0123456789abcdefghij",
        "AWS_SESSION_TOKEN": CANARY_TOKEN,
        "AWS_MAX_ATTEMPTS": "1",
    }
    child = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120, env=env
    )

    assert child.returncode == 0, child.stderr[-2000:]
    assert "debug lines are on" in child.stderr  # the process logs at DEBUG
    assert "refused as expected: EndpointConnectionError" in child.stderr  # the request was signed and sent
    assert CANARY_TOKEN not in child.stderr
    assert "Signature=" not in child.stderr
