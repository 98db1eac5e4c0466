"""CPU cost and size of a stored review: the codec (ports.review_codec, v1) against the JSON report it replaced.

Writing: the worker's `encode(review)` + the store's canonical text, against `review_document(review)` + the
same text. Reading: the store's `json.loads` + `decode`, against `json.loads` + `review_from_report`. The API's
`report` field: `report_document` (render the output format from the codec) against the stored report; since
ADR 0340 the API renders `report_json` once (first request) and answers the next from `service.report_cache`
(second request: the store's `json.loads` and a look-up, as the SQL store reads the row each time). The
review is of a generated plan (benchmarks/generate_plan.py); CPU time (process_time), median of the rounds,
A and B alternated in each round.

    .venv/bin/python benchmarks/generate_plan.py --resources 10000 --out benchmarks/out/plan-10k.json \
        --manifest benchmarks/out/manifest-10k.json
    .venv/bin/python benchmarks/stored_review_codec.py benchmarks/out/plan-10k.json --rounds 7
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.inputs import load_change_set
from tfreview.plumbing.hashing import canonical_json
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview
from tfreview.ports.review_codec import decode, encode, report_document, report_json
from tfreview.render.json_report import review_document
from tfreview.render.stored_report import review_from_report
from tfreview.rules import load_rules_for
from tfreview.service.report_cache import ReportCache


def _cpu(action: Callable[[], Any]) -> float:
    start = time.process_time()
    action()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    change_set = load_change_set(args.plan)
    result = review(change_set, load_rules_for(change_set.resource_types()), Policy())
    new_text, old_text = canonical_json(encode(result)), canonical_json(review_document(result))
    print(f"findings {len(result.findings):,}, changes {len(result.changes):,}")
    print(f"stored bytes: codec v1 {len(new_text.encode()):,}, JSON report {len(old_text.encode()):,}")
    cache = ReportCache()

    def request(render: bool) -> bytes:  # the API's report field: the row read, then rendered or looked up
        at = datetime.now(UTC)
        document = json.loads(new_text)
        source, done = SourceInfo("api"), ReviewStatus.COMPLETED
        stored = StoredReview("r", "t", source, done, at, at, report=document, content_hash="h")
        return report_json(document) if render else cache.rendered(stored, "api", lambda: report_json(document))

    request(False)  # the first request fills the cache
    cases: dict[str, Callable[[], Any]] = {
        "write codec": lambda: canonical_json(encode(result)),
        "write report": lambda: canonical_json(review_document(result)),
        "read codec": lambda: decode(json.loads(new_text)),
        "read report": lambda: review_from_report(json.loads(old_text)),
        "api codec": lambda: report_document(json.loads(new_text)),  # the API's report field, now
        "api report": lambda: json.loads(old_text),  # ... and before: the stored report as it was
        "api 1st req": lambda: request(True),  # ADR 0340: rendered as JSON text once ...
        "api 2nd req": lambda: request(False),  # ... and kept
    }
    seconds: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, action in cases.items():
            seconds[name].append(_cpu(action))
    for name, found in seconds.items():
        print(f"{name:13s} median {statistics.median(found) * 1000:8.1f} ms CPU (min {min(found) * 1000:.1f})")


if __name__ == "__main__":
    main()
