"""Memory a `BedrockClient` keeps after N calls, each with a different timeout (as the advisor chain asks:
`min(call timeout, time left in the review)`), against the loopback `FakeBedrock` (ADR 0510).

Usage: PYTHONPATH=. .venv/bin/python benchmarks/bedrock_timeouts_retained.py [calls]
"""

from __future__ import annotations

import gc
import os
import sys
import tracemalloc

from tests.fakes.llm_bedrock import FakeBedrock

from tfreview.advisor.bedrock import BedrockClient
from tfreview.advisor.model import Prompt

PROMPT = Prompt(system="You review Terraform changes.", user="aws_s3_bucket.logs: create", max_output_tokens=50)


def main(calls: int) -> None:
    os.environ.update(AWS_EC2_METADATA_DISABLED="true", AWS_ACCESS_KEY_ID="AKIABENCH", AWS_SECRET_ACCESS_KEY="bench")
    with FakeBedrock() as server, BedrockClient("eu-west-1", "bench-model", endpoint_url=server.url) as model:
        model.complete(PROMPT, timeout=30.0)
        gc.collect()
        tracemalloc.start()
        for call in range(calls):
            model.complete(PROMPT, timeout=29.0 - call * 28.0 / calls)  # from 29 s down to 1 s
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    kib = retained / 1024
    print(f"{calls} calls, distinct timeouts: {kib:.0f} KiB retained, {kib / calls:.1f} KiB a call")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
