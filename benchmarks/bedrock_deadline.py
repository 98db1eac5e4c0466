"""Bedrock `converse` sent by the httpx deadline sender (ADR 0508) against botocore's own urllib3 sender (the
handler unregistered): the per-call time of a successful call against the loopback FakeBedrock, and the time
to fail against an endpoint dribbling its headers one byte every 50 ms (timeout 1 s; the fake stops at 400 bytes).

    PYTHONPATH=. .venv/bin/python benchmarks/bedrock_deadline.py [calls]
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from tests.fakes import hostile
from tests.fakes.hostile import HostileServer
from tests.fakes.llm_bedrock import FakeBedrock

from tfreview.advisor.bedrock import AwsCredentials, BedrockClient
from tfreview.advisor.model import Prompt, ProviderError
from tfreview.plumbing.secret_references import SecretSource

PROMPT = Prompt(system="s", user="u", max_output_tokens=100)
EVENT = "before-send.bedrock-runtime.Converse"


def _client(url: str, timeout: float, *, botocore_sends: bool) -> BedrockClient:
    environ = {"KEY": "AKIAFAKEOLD000000001", "SECRET": "fake-secret"}
    credentials = AwsCredentials(
        SecretSource.from_env("KEY", environ=environ), SecretSource.from_env("SECRET", environ=environ)
    )
    model = BedrockClient("eu-west-1", "m", endpoint_url=url, credentials=credentials)
    model._client(timeout)
    if botocore_sends:
        kept = model._clients[timeout]
        kept.client.meta.events.unregister(EVENT, kept.sender)
    return model


def main(calls: int) -> None:
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    for name, botocore_sends in (("botocore/urllib3 (before)", True), ("httpx deadline sender (after)", False)):
        with FakeBedrock() as fake, _client(fake.url, 5, botocore_sends=botocore_sends) as model:
            model.complete(PROMPT, timeout=5)
            times = []
            for _ in range(calls):
                started = time.perf_counter()
                model.complete(PROMPT, timeout=5)
                times.append(time.perf_counter() - started)
        times.sort()
        median, p95 = statistics.median(times) * 1000, times[int(calls * 0.95)] * 1000
        print(f"{name}: success median {median:.2f} ms, p95 {p95:.2f} ms (n={calls})")
        with (
            HostileServer(hostile.dribbled_headers) as server,
            _client(server.url, 1.0, botocore_sends=botocore_sends) as model,
        ):
            started = time.perf_counter()
            try:
                model.complete(PROMPT, timeout=1.0)
            except ProviderError as error:
                took = time.perf_counter() - started
                print(
                    f"{name}: dribbled headers, timeout 1 s: {error.kind} after {took:.2f} s "
                    f"({server.dribbled} of {server.ceiling} bytes dribbled)"
                )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
