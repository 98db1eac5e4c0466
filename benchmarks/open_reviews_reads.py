"""DynamoDB items the queue signals read per request on Lambda: the every-tenant review index (before, ADR 0633) or
the open reviews' sparse index (after). moto on loopback; counts, not timings.

    .venv/bin/python benchmarks/open_reviews_reads.py --finished 1000 --open 5
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.aws_store import DUMMY_CREDENTIALS, SerialMoto

from tfreview.ops.signals import memory_queue_signals
from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.store.aws.reviews import DynamoReviewStore
from tfreview.store.aws.stores import aws_stores


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--finished", type=int, default=1000)
    parser.add_argument("--open", type=int, default=5)
    args = parser.parse_args()
    for name, value in DUMMY_CREDENTIALS.items():
        os.environ.setdefault(name, value)
    moto = SerialMoto()
    moto.start()
    try:
        stores = aws_stores(moto.fresh_target())
        for n in range(args.finished + args.open):
            review = stores.reviews.create(f"github:t{n % 7}", SourceInfo("github", repository=f"o/r{n}"))
            if n < args.finished:
                stores.reviews.set_status(review.id, ReviewStatus.FAILED, "done")
        table: Any = stores.reviews.table
        for label, reviews in (
            ("every-tenant index (before)", stores.reviews),
            ("open reviews' index (after)", DynamoReviewStore(table, open_index=True)),
        ):
            answers: list[dict[str, Any]] = []

            def count(parsed: dict[str, Any], seen: list[dict[str, Any]] = answers, **_: Any) -> None:
                seen.append(parsed)

            table._client.meta.events.register("after-call.dynamodb.Query", count)
            try:
                signals = memory_queue_signals(stores.queue, reviews, stores.reviews.clock(), timedelta(seconds=300))
            finally:
                table._client.meta.events.unregister("after-call.dynamodb.Query", count)
            scanned = sum(int(a.get("ScannedCount", 0)) for a in answers)
            print(
                f"{label}: {len(answers)} queries, {scanned} items read; open reviews counted: "
                f"{signals.reviews_past_deadline} past deadline"
            )
    finally:
        moto.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
