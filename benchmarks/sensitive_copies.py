"""The cost of hiding sensitive variables' copies from a review's findings (ADR 0599): `without_copies` over
13,000 findings (a 10,000-resource plan's count, ADR 0441) with 0, 20 and 10,000 sensitive values (every sensitive
value of a plan whose every resource holds one, of 50 lengths: ADR 0696), best of 5. Before and after a change: the
same script with another source tree first on PYTHONPATH (`git archive main src | tar -x -C DIR`):

    .venv/bin/python benchmarks/sensitive_copies.py
    PYTHONPATH=DIR/src .venv/bin/python benchmarks/sensitive_copies.py
"""

from __future__ import annotations

import time

from tfreview.core.finding_making import without_copies
from tfreview.core.findings import Evidence, Finding, Status, new_finding
from tfreview.core.plan import ChangeKind
from tfreview.core.severity import Severity

FINDINGS = 13_000


def main() -> None:
    findings = [_finding(i) for i in range(FINDINGS)]
    for count in (0, 20, 10_000):
        secrets = {f"CANARY-SECRET-{i:05d}-" + "x" * (i % 50) for i in range(count)}
        best = min(_timed(findings, secrets) for _ in range(5))
        print(f"{FINDINGS} findings, {count} sensitive values: {best * 1000:.1f} ms")


def _finding(i: int) -> Finding:
    rule = ("TFR-AWS-001", "aws-s3-public", "public bucket", Severity.HIGH, "aws", "general")
    message = "the bucket is public (acl = public-read)"
    evidence = Evidence("acl", f"public-read-{i}")
    where = (f"aws_s3_bucket.b{i}", "aws_s3_bucket", message, "fix", evidence)
    return new_finding(*rule, *where, Status.INTRODUCED, ChangeKind.CREATE, None, ())


def _timed(findings: list[Finding], secrets: set[str]) -> float:
    started = time.perf_counter()
    without_copies(findings, secrets)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
