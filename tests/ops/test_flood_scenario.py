"""Issue 10's "flood / DDoS" row through the door's own limits: a burst from one address (behind a trusted
proxy, as a load balancer forwards it) goes past its per-address limit, the door answers 429, the
`rate-limit-rejections` alert fires, the flood incident opens and pages, escalates unacknowledged, and
resolves once the burst stops — the same walk as every row of test_scenarios.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.ops.stack import ScenarioStack
from tests.ops.test_scenarios import Row, run_row
from tfreview.door.settings import DoorSettings

FLOODER = "203.0.113.9"  # a documentation address: never contacted, only named in X-Forwarded-For
BURST = 30  # per tick, against a limit of 10 a minute


def door_limits() -> dict[str, Any]:
    return {
        "door": DoorSettings(
            allow_list=[],  # nobody is exempt here
            trusted_proxies=["127.0.0.1/32"],  # the test client plays the load balancer
            per_ip="10/minute",
            block_failures=1_000_000,  # no automatic block: the rate limit alone answers the burst
        )
    }


def burst(stack: ScenarioStack) -> None:
    codes = [stack.http.get("/openapi.json", headers={"X-Forwarded-For": FLOODER}).status_code for _ in range(BURST)]
    assert 429 in codes, codes
    refused = stack.http.get("/openapi.json", headers={"X-Forwarded-For": FLOODER})
    if refused.status_code == 429:
        assert int(refused.headers["Retry-After"]) >= 1


@pytest.mark.slow  # a burst per tick through the live door: about a minute
def test_a_burst_from_one_address_is_rate_limited_alerted_and_recovered(tmp_path: Path) -> None:
    row = Row("flood", "rate-limit-rejections", burst, "pagerduty", settings=door_limits)
    run_row(row, row.rule, tmp_path)
