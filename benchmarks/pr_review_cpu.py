"""CPU of one pull-request review's fetch and rules, side by side for two source trees (the worker's share).

    .venv/bin/python benchmarks/pr_review_cpu.py --before /tmp/base/src [--repeat 9]

A fake GitHub (the test suite's, in this process) serves a pull request whose head adds the root module of
/work/shared/fixtures/hcl/corpus/terraform-aws-vpc (as `benchmarks/intake_busy.py`'s tfr-busy does); each side
runs in its own interpreter (PYTHONPATH set to the tree) and reports the calling thread's CPU (`time.thread_time`:
the fake's server threads excluded) of `GitHubPlanSource.fetch` + `load_rules_for` + `core.review.review`, first
run dropped (imports, lark's grammar), the median of the rest. Pairs alternate (before, after, before, ...).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY_ROOT = HERE.parent

CHILD = r"""
import json, sys, tempfile, time
from datetime import UTC, datetime
from pathlib import Path
sys.path.insert(0, sys.argv[1])  # the repository (tests.fakes)
sys.path.insert(0, sys.argv[1] + "/benchmarks")  # intake_busy and what it imports
from intake_busy import tree_files
from tests.fakes.github import FakeGitHub
from tfreview.core.review import review
from tfreview.integrations.github import build_github_client, default_http_client
from tfreview.integrations.github.source import GitHubPlanSource
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview
from tfreview.rules import load_rules_for
repeat = int(sys.argv[2])
now = datetime(2026, 1, 1, tzinfo=UTC)
with FakeGitHub() as fake, tempfile.TemporaryDirectory() as tmp:
    fake.add_installation(42, "octo", repos=["octo/infra"])
    fake.add_commit("octo/infra", "main", {"README.md": "a"})
    fake.add_commit("octo/infra", "feature", dict(tree_files()), base="main")
    number = fake.open_pull_request("octo/infra", head="feature", base="main")
    pull = fake.pull_request("octo/infra", number)
    settings = fake.app_settings(Path(tmp))
    with default_http_client(settings) as http:
        client = build_github_client(settings, http, installation_id=42, sleep=lambda _s: None)
        source = GitHubPlanSource(lambda _i: client)
        stored = StoredReview(id="r", tenant_id="github:42", status=ReviewStatus.IN_PROGRESS, created_at=now,
                              updated_at=now, source=SourceInfo(kind="github", repository="octo/infra",
                                                                pull_request=number, commit_sha=pull.head_sha))
        payload = {"source": "github", "repository": "octo/infra", "pull_request": number,
                   "head_sha": pull.head_sha, "base_sha": pull.base_sha, "installation_id": 42}
        seconds = []
        for _ in range(repeat + 1):
            begun = time.thread_time()
            fetched = source.fetch(stored, payload)
            result = review(fetched.change_set, list(load_rules_for(fetched.change_set.resource_types())),
                            fetched.policy)
            seconds.append(time.thread_time() - begun)
print(json.dumps({"seconds": seconds[1:], "changes": len(fetched.change_set.changes),
                  "findings": len(result.findings)}))
"""


def run(src: Path, repeat: int) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(REPOSITORY_ROOT), str(repeat)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=REPOSITORY_ROOT,
    )
    if done.returncode != 0:
        raise SystemExit(f"the {src} side failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    answer: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the src/ directory of the tree to compare with")
    parser.add_argument("--after", type=Path, default=REPOSITORY_ROOT / "src")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--pairs", type=int, default=2)
    args = parser.parse_args()
    sides: dict[str, list[float]] = {"before": [], "after": []}
    shapes: dict[str, object] = {}
    for _ in range(args.pairs):
        for name, src in (("before", args.before), ("after", args.after)):
            answer = run(src, args.repeat)
            sides[name].extend(answer["seconds"])  # type: ignore[arg-type]
            shapes[name] = (answer["changes"], answer["findings"])
    before, after = statistics.median(sides["before"]), statistics.median(sides["after"])
    print(f"load {os.getloadavg()[0]:.2f}; {len(sides['after'])} reviews a side; changes, findings: {shapes}")
    ratio = after / before
    print(f"before {before * 1000:.0f} ms CPU per review, after {after * 1000:.0f} ms: after/before {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
