"""The cost of fitting a Lambda answer under the 6 MB response limit (lambda_handlers.answer_size, ADR 0600): an
8.7 MB report answer gzipped, the same refused, a small answer passed through.

Run: `.venv/bin/python benchmarks/lambda_answer_size.py` (best of N, seconds or microseconds).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from tfreview.lambda_handlers.answer_size import fitted, payload_bytes


def best(action: Callable[[], object], runs: int) -> float:
    fastest = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        action()
        fastest = min(fastest, time.perf_counter() - started)
    return fastest


def main() -> None:
    findings = [{"rule": f"R{n % 50}", "address": f"aws_s3_bucket.b{n}", "message": "x" * 300} for n in range(24_000)]
    body = json.dumps({"report": {"verdict": "pass", "findings": findings}})
    headers = {"content-type": "application/json"}
    answer = {"statusCode": 200, "headers": headers, "body": body, "isBase64Encoded": False}
    small = {**answer, "body": json.dumps({"items": []})}
    packed = fitted(answer, "gzip")
    assert packed is not None
    print(f"answer payload: {payload_bytes(answer) / 2**20:.2f} MB; gzipped: {payload_bytes(packed) / 2**20:.2f} MB")
    print(f"gzipped (best of 5): {best(lambda: fitted(answer, 'gzip'), 5):.3f} s")
    print(f"refused (best of 5): {best(lambda: fitted(answer, ''), 5):.3f} s")
    print(f"small answer (best of 1000): {best(lambda: fitted(small, 'gzip'), 1000) * 1e6:.2f} µs")


if __name__ == "__main__":
    main()
