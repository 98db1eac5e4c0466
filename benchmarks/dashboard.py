"""Dashboard page loads, server-side (`make bench`): the reviews list over 10,000 stored reviews and the
page of one review with 2,000 findings.

A fresh SQLite database (migrated with Alembic, WAL, the service's own settings) is filled with 10,000
finished reviews of one tenant — each the demo plan's real report (18 findings, a finding row each) —
plus one review whose report holds 2,000 findings. The pages are then asked through the real app
(`create_app(build_services(settings))`, in process over ASGI, signed in with an API token session), so
the time is the server's: routing, session check, store query, report decoding, templating.
Each page is asked `--repeat` times after one warm-up; the median and the 95th percentile are printed,
with the target (≤ 200 ms). The machine may be shared: the figures are noisy, say so next to them.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from tfreview.core.policy import Policy  # noqa: E402 - after the path set-up above
from tfreview.core.review import review  # noqa: E402
from tfreview.parsing.inputs import load_change_set  # noqa: E402
from tfreview.plumbing.hashing import canonical_json, sha256_hex  # noqa: E402
from tfreview.ports.records import Scope  # noqa: E402
from tfreview.render.json_report import review_document  # noqa: E402
from tfreview.rules import load_rules  # noqa: E402
from tfreview.settings import DatabaseSettings, Settings  # noqa: E402
from tfreview.store.migrate import upgrade  # noqa: E402
from tfreview.store.tables import FindingRow, ReviewRow  # noqa: E402
from tfreview.web.app import create_app  # noqa: E402
from tfreview.wiring import build_services  # noqa: E402

TENANT = "github:1"
TARGET_MS = 200.0
DEMO = ROOT / "examples" / "demo" / "plan.json"


def demo_report() -> tuple[dict[str, Any], str, dict[str, Any]]:
    result = review(load_change_set(str(DEMO)), load_rules(), Policy())
    return review_document(result), result.verdict.value, dict(result.counts)


def big_report(base: dict[str, Any], findings: int) -> dict[str, Any]:
    template = base["findings"]
    many = []
    for index in range(findings):
        finding = dict(template[index % len(template)])
        finding["address"] = f"module.fleet_{index // 100}.{finding['address']}_{index}"
        many.append(finding)
    return {**base, "findings": many}


def fill(services: Any, count: int, big_findings: int) -> tuple[str, str]:
    report, verdict, counts = demo_report()
    text = canonical_json(report)
    digest = sha256_hex(text.encode())
    start = datetime(2026, 1, 1, tzinfo=UTC)
    database = services.reviews.database
    needle = report["findings"][0]["address"]
    batch = 1000
    for first in range(0, count, batch):
        reviews: list[dict[str, Any]] = []
        findings: list[dict[str, Any]] = []
        for index in range(first, min(count, first + batch)):
            review_id = str(uuid.uuid4())
            at = start + timedelta(minutes=index)
            reviews.append(
                {
                    "id": review_id,
                    "tenant_id": TENANT,
                    "source_kind": "github",
                    "repository": f"acme/repo-{index % 50}",
                    "pull_request": index + 1,
                    "status": "completed",
                    "verdict": verdict,
                    "counts": canonical_json(counts),
                    "report": text,
                    "content_hash": digest,
                    "created_at": at,
                    "updated_at": at,
                }
            )
            for f in report["findings"]:
                address = f["address"] if index % 100 == 0 else f"{f['address']}_{index}"
                findings.append(
                    {
                        "review_id": review_id,
                        "rule_id": f["rule_id"],
                        "severity": f["severity"],
                        "status": f["status"],
                        "address": address,
                        "fingerprint": None,
                    }
                )
        with database.transaction() as session:
            session.execute(ReviewRow.__table__.insert(), reviews)
            session.execute(FindingRow.__table__.insert(), findings)
    big = services.reviews.create(TENANT, services.reviews.get(reviews[0]["id"]).source)
    large = big_report(report, big_findings)
    services.reviews.save_result(big.id, services.reviews.get(reviews[0]["id"]).status, large, verdict, counts)
    return big.id, needle


def measure(client: Any, path: str, repeat: int) -> tuple[float, float, int]:
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(answer.content)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--findings", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    with tempfile.TemporaryDirectory(prefix="tfreview-dash-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'tfreview.db'}"
        upgrade(url)
        settings = Settings(database=DatabaseSettings(url=url))
        services = build_services(settings)
        try:
            started = time.perf_counter()
            big_id, needle = fill(services, args.reviews, args.findings)
            took = time.perf_counter() - started
            print(f"stored {args.reviews:,} reviews + 1 of {args.findings:,} findings in {took:.1f} s")
            _, secret = services.tokens.create(TENANT, Scope.READ, "bench", None)
            with TestClient(create_app(services), base_url="https://bench") as client:
                page = client.get("/signin").text
                csrf = re.search(r'name="csrf" value="([^"]+)"', page)
                assert csrf is not None
                client.post("/signin/token", data={"token": secret, "csrf": csrf.group(1), "next": "/reviews"})
                pages = {
                    "reviews list, first page (50 of 10,000)": "/reviews",
                    "reviews list, repository filter": "/reviews?repository=acme%2Frepo-7",
                    "reviews list, search by address": f"/reviews?q={needle}",
                    "reviews list, severity ≥ critical": "/reviews?severity=critical",
                    f"review detail, {args.findings:,} findings": f"/reviews/{big_id}",
                    f"review detail, all {args.findings:,} shown (?all)": f"/reviews/{big_id}?all=true",
                }
                print(f"{'page':<44} {'median ms':>10} {'p95 ms':>8} {'bytes':>10}  target ≤ {TARGET_MS:.0f} ms")
                worst = 0.0
                for label, path in pages.items():
                    median, p95, size = measure(client, path, args.repeat)
                    if "?all" not in path:  # the page a reader gets; every finding at once is reported, not targeted
                        worst = max(worst, median)
                    print(f"{label:<44} {median:>10.1f} {p95:>8.1f} {size:>10,}")
                print(f"worst median {worst:.1f} ms: {'within' if worst <= TARGET_MS else 'OVER'} the target")
                print(json.dumps({"worst_median_ms": round(worst, 1)}))
        finally:
            services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
