"""Hostile model providers from the outside: the real `tfreview scan --advisor …` against loopback fakes.

    .venv/bin/python benchmarks/llm_drills.py [PLAN]     (default: examples/demo/plan.json)

Each drill starts a fake provider (tests/fakes) on 127.0.0.1, runs the installed `tfreview scan` in a child process
with the advisor's settings in its environment, and prints what an operator would count: the wall time, the requests
the provider received and the gaps between them, the exit code and the AI section's first line. Nothing leaves the
machine. The figures of session 17 (r17-llm) are in benchmarks/README.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.hostile import HostileServer, dribbled_body  # noqa: E402
from tests.fakes.llm_anthropic import FakeAnthropic  # noqa: E402
from tests.fakes.llm_common import Behaviour, FakeLLMServer, RecordedRequest  # noqa: E402
from tests.fakes.llm_openai import FakeOpenAI  # noqa: E402

TFREVIEW = str(Path(sys.executable).with_name("tfreview"))
KEY = "sk-drill-0123456789abcdef0123456789"
HALF_AN_ANSWER = '{"summary": "The database is public and unencrypted; the bucket blocks nothing. Review the'


def _timed(server: FakeLLMServer) -> list[float]:
    """The arrival time of every request `server` receives (its `_next` is wrapped)."""
    arrivals: list[float] = []
    answer = server._next

    def timed(request: RecordedRequest) -> Behaviour:
        arrivals.append(time.monotonic())
        return answer(request)

    server._next = timed  # type: ignore[method-assign]
    return arrivals


def _scan(plan: str, provider: str, url: str, **settings: Any) -> tuple[subprocess.CompletedProcess[str], float]:
    model = {"provider": provider, "model": "drill-1", "base_url": url, "api_key": "env:DRILL_KEY"}
    env = dict(os.environ, DRILL_KEY=KEY, TFREVIEW_ADVISOR__PROVIDERS=json.dumps([model]))
    env.update({f"TFREVIEW_ADVISOR__{name.upper()}": str(value) for name, value in settings.items()})
    begun = time.monotonic()
    child = subprocess.run(
        [TFREVIEW, "scan", plan, "--advisor", provider, "--no-color"],
        check=False,
        env=env,
        capture_output=True,
        text=True,
    )
    return child, time.monotonic() - begun


def _ai_line(output: str) -> str:
    lines = output.split("\nAI review", 1)[-1].splitlines()
    return " | ".join(line.strip() for line in lines[:3] if line.strip())[:160]


def _report(name: str, child: subprocess.CompletedProcess[str], took: float, arrivals: list[float]) -> None:
    gaps = [round(later - earlier, 2) for earlier, later in pairwise(arrivals)]
    print(f"{name}: exit {child.returncode}, {took:.2f} s, {len(arrivals)} requests, gaps {gaps}")
    print(f"    AI review{_ai_line(child.stdout)}")


def openai_429_without_retry_after(plan: str) -> None:
    with FakeOpenAI() as fake:
        arrivals = _timed(fake)
        limited = FakeOpenAI.rate_limited_by_headers(requests=(0, "4s"), tokens=(39_000, "1.5s"))
        fake.script(limited, limited)
        child, took = _scan(plan, "openai", f"{fake.url}/v1")
    _report("OpenAI 429 ×2, x-ratelimit-reset-requests 4s, no Retry-After", child, took, arrivals)


def anthropic_cut_at_max_tokens(plan: str) -> None:
    class Cut(FakeAnthropic):
        def default(self, request: RecordedRequest) -> Behaviour:
            return self.cut_short(HALF_AN_ANSWER)

    with Cut() as fake:
        arrivals = _timed(fake)
        child, took = _scan(plan, "anthropic", fake.url)
    _report("Anthropic 200, stop_reason max_tokens, half a JSON answer", child, took, arrivals)


def trickle(plan: str) -> None:
    with HostileServer(dribbled_body, interval=1.0, ceiling=100_000) as server:
        child, took = _scan(plan, "openai", server.url, call_timeout_seconds=5, review_deadline_seconds=12)
        count = len(server.requests)
    print(
        f"OpenAI 200 body at 1 byte/s, call 5 s, review 12 s: exit {child.returncode}, {took:.2f} s, {count} requests"
    )
    print(f"    AI review{_ai_line(child.stdout)}")


DRILLS: tuple[Callable[[str], None], ...] = (openai_429_without_retry_after, anthropic_cut_at_max_tokens, trickle)


def main() -> None:
    plan = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "examples" / "demo" / "plan.json")
    for drill in DRILLS:
        drill(plan)


if __name__ == "__main__":
    main()
