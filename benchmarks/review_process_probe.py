"""review22's outside probe of the review processes (ADR 0689): `tfreview serve` as a real process (SQLite), its
GitHub App pointed at the test suite's fake GitHub (tests/fakes/github.py, in this process, loopback only).

    python benchmarks/review_process_probe.py tokens [CONCURRENCY]   GitHub revokes the installation's tokens
        after one review, then 12 pull requests are delivered at once: how many installation tokens the service
        fetched and how many 401s it met afterwards (ADR 0713)
    python benchmarks/review_process_probe.py memory                 one small pull request, then one of 8 files
        and 5.1 MB (24,000 resources): the review process's resident memory after each, and while it waits idle
        (ADR 0714)
    python benchmarks/review_process_probe.py replaced [PULLS [MIB]] PULLS (8) pull requests of intake.py's
        `tfr-busy` tree (terraform-aws-vpc's root module), one after another, `worker.concurrency` 1: the review
        processes started, and the "holds N MiB after its review" lines of `worker.review_process_max_rss_mib`
        (ADR 0703, 0723); MIB sets that bound (32, the least, logs every figure)

Run it with another source tree's tfreview first on PYTHONPATH to measure that tree (`git archive REV src`).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the fake lives in the test suite: reused, not copied
    sys.path.insert(0, str(ROOT))

from tests.fakes.github import FakeGitHub  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))  # intake_busy: the tfr-busy tree

PAYLOAD = ROOT / "tests" / "integration" / "data" / "github.pull_request.opened.payload.json"
REPO = "octo/infra"
TF = (
    'resource "aws_security_group" "web" {\n  name = "web"\n  description = "web"\n'
    '  ingress {\n    description = "ssh"\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n'
    '    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
)


def wait(condition: Callable[[], bool], what: str, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.1)


class Service:
    """A fake GitHub holding `pulls` pull requests of one commit, and `tfreview serve` reviewing them."""

    def __init__(self, folder: Path, pulls: int, **env: str) -> None:
        self.fake = FakeGitHub().__enter__()
        self.fake.primary_limit(10**9, reset_in_seconds=86_400, limit=10**9)
        self.fake.add_installation(42, "octo", repos=[REPO])
        self.base = self.fake.add_commit(REPO, "main", {"README.md": "x"})
        self.fake.add_commit(REPO, "feature", {"main.tf": TF}, base="main")
        self.pulls = list(range(1, pulls + 1))
        for number in self.pulls:
            self.open(number, "feature")
        key, marker = folder / "app.pem", folder / "marker"
        self.fake.write_private_key(key)
        marker.write_text(f"marker-{uuid.uuid4().hex}")
        self.secret = f"webhook-{uuid.uuid4().hex}"
        environment = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
        environment.update(
            TFREVIEW_GITHUB__WEBHOOK_SECRETS=json.dumps([{"value": self.secret}]),
            TFREVIEW_GITHUB_APP__API_URL=self.fake.api_url,
            TFREVIEW_GITHUB_APP__APP_ID=str(self.fake.app_id),
            TFREVIEW_GITHUB_APP__PRIVATE_KEYS=json.dumps([f"file:{key}"]),
            TFREVIEW_GITHUB_APP__MARKER_SECRET=f"file:{marker}",
            **env,
        )
        argv = [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--data-dir", str(folder / "data")]
        self.log = (folder / "server.log").open("w")
        self.server = subprocess.Popen(argv, env=environment, stdout=subprocess.PIPE, stderr=self.log, text=True)
        assert self.server.stdout is not None
        line = self.server.stdout.readline()
        if "serving on " not in line:
            raise SystemExit(f"the server did not start: see {folder / 'server.log'}")
        self.url = line.split("serving on ", 1)[1].split()[0]

    def open(self, number: int, head: str) -> None:
        self.fake.open_pull_request(REPO, head=head, base="main", number=number)
        self.fake.close_pull_request(REPO, number)  # the pull-request reconciler lists open pulls only

    def deliver(self, number: int) -> None:
        document = json.loads(PAYLOAD.read_bytes())
        document["number"] = number
        document["installation"]["id"] = 42
        document["repository"].update(full_name=REPO, name="infra")
        document["repository"]["owner"]["login"] = "octo"
        pull = document["pull_request"]
        pull["number"] = number
        pull["head"].update(sha=self.fake.pull_request(REPO, number).head_sha, ref="feature")
        pull["base"].update(sha=self.base, ref="main")
        for side in ("head", "base"):
            pull[side]["repo"].update(full_name=REPO, name="infra")
            pull[side]["repo"]["owner"]["login"] = "octo"
        body = json.dumps(document).encode()
        signature = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "X-GitHub-Event": "pull_request",
            "X-GitHub-Delivery": str(uuid.uuid4()),
            "X-Hub-Signature-256": signature,
        }
        answer = httpx.post(f"{self.url}/webhooks/github", content=body, headers=headers, timeout=60)
        assert answer.status_code == 202, answer.text

    def comments(self) -> int:
        return sum(len(self.fake.comments(REPO, number)) for number in self.pulls)

    def review_processes(self) -> dict[int, int]:
        """pid → resident MiB of the server's review processes."""
        listed = subprocess.run(
            ["ps", "-o", "pid=,rss=,cmd=", "--ppid", str(self.server.pid)], capture_output=True, text=True, check=True
        ).stdout
        return {int(row.split()[0]): int(row.split()[1]) // 1024 for row in listed.splitlines() if "spawn_main" in row}

    def close(self) -> None:
        self.server.terminate()
        self.server.wait(60)
        self.log.close()
        self.fake.close()


def tokens(concurrency: str) -> None:
    with tempfile.TemporaryDirectory(prefix="tfreview-probe-") as folder:
        service = Service(Path(folder), 13, TFREVIEW_WORKER__CONCURRENCY=concurrency)
        try:
            service.deliver(1)
            wait(lambda: service.comments() >= 1, "the first review")
            fetched = len(service.fake.requests_to("POST", "/access_tokens"))
            service.fake.revoke_installation_tokens(42)
            for number in range(2, 14):
                service.deliver(number)
            wait(lambda: service.comments() >= 13, "the 12 reviews")
            after = len(service.fake.requests_to("POST", "/access_tokens")) - fetched
            refused = len([r for r in service.fake.requests if r.status == 401])
            print(f"concurrency {concurrency}: after the revocation, 12 reviews: {after} tokens, {refused} 401s")
        finally:
            service.close()


def memory() -> None:
    with tempfile.TemporaryDirectory(prefix="tfreview-probe-") as folder:
        service = Service(Path(folder), 1, TFREVIEW_WORKER__CONCURRENCY="1")
        try:
            files = {
                f"big{f}.tf": "".join(TF.replace('"web"', f'"web{f}_{i}"', 1) for i in range(3000)) for f in range(8)
            }
            service.fake.add_commit(REPO, "big", files, base="main")
            service.pulls.append(50)
            service.open(50, "big")
            service.deliver(1)
            wait(lambda: service.comments() >= 1, "the small review")
            print(f"after a one-resource review: {service.review_processes()} MiB")
            service.deliver(50)
            wait(lambda: service.comments() >= 2, "the big review")
            print(f"after a {sum(map(len, files.values())):,}-byte review: {service.review_processes()} MiB")
            for _ in range(12):
                time.sleep(5)
                print(f"  idle: {service.review_processes()} MiB", flush=True)
        finally:
            service.close()


def _commented(service: Service, reviews: int) -> bool:
    return service.comments() >= reviews


def replaced(pulls: int, bound: str | None) -> None:
    from intake_busy import tree_files

    with tempfile.TemporaryDirectory(prefix="tfreview-probe-") as folder:
        bounded = {"TFREVIEW_WORKER__REVIEW_PROCESS_MAX_RSS_MIB": bound} if bound else {}
        service = Service(Path(folder), 0, TFREVIEW_WORKER__CONCURRENCY="1", **bounded)
        try:
            service.fake.add_commit(REPO, "vpc", tree_files(), base="main")
            for number in range(1, pulls + 1):
                service.pulls.append(number)
                service.open(number, "vpc")
            for number in service.pulls:
                service.deliver(number)
                wait(functools.partial(_commented, service, number), f"review {number}")
                print(f"after review {number}: {service.review_processes()} MiB", flush=True)
        finally:
            service.close()
            log = (Path(folder) / "server.log").read_text(encoding="utf-8", errors="replace").splitlines()
            started = [line for line in log if "review process" in line and "started" in line]
            held = [line for line in log if "after its review" in line]
            print(f"{pulls} reviews: {len(started)} review processes started, {len(held)} replaced over the bound")
            for line in held[:3]:
                print("  " + line[-200:])


if __name__ == "__main__":
    if sys.argv[1:2] == ["tokens"]:
        tokens(sys.argv[2] if len(sys.argv) > 2 else "4")
    elif sys.argv[1:2] == ["memory"]:
        memory()
    elif sys.argv[1:2] == ["replaced"]:
        replaced(int(sys.argv[2]) if len(sys.argv) > 2 else 8, sys.argv[3] if len(sys.argv) > 3 else None)
    else:
        raise SystemExit(__doc__)
