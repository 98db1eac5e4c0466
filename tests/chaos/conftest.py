"""Shared fixtures of the chaos suite: a FakeGitHub with N open pull requests and a `tfreview serve` (embedded
workers) wired to it through its environment, as an operator would configure it."""

from __future__ import annotations

import hashlib
import hmac
import json
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from tests.fakes.github import FakeGitHub
from tests.integration.served import GITHUB_SECRET, child_env

INSTALLATION = 42
REPO = "octo/infra"
MAIN_TF = 'resource "aws_s3_bucket" "logs" {\n  bucket = "octo-logs"\n}\n'
OPEN_SG_TF = MAIN_TF + (
    '\nresource "aws_security_group" "web" {\n  name = "web"\n  description = "web"\n'
    '  ingress {\n    description = "ssh"\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n'
    '    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
)


def open_pulls(github: FakeGitHub, count: int) -> list[tuple[int, str]]:
    """`count` pull requests that each change main.tf; returns (number, head sha)."""
    github.add_installation(INSTALLATION, "octo", repos=[REPO])
    github.add_commit(REPO, "main", {"main.tf": MAIN_TF})
    pulls: list[tuple[int, str]] = []
    for n in range(count):
        github.add_commit(REPO, f"change-{n}", {"main.tf": OPEN_SG_TF + f"# change {n}\n"}, base="main")
        number = github.open_pull_request(REPO, head=f"change-{n}")
        pulls.append((number, github.pull_request(REPO, number).head_sha))
    return pulls


def stack_env(github: FakeGitHub, directory: Path, **extra: str) -> dict[str, str]:
    key = github.write_private_key(directory / "github-app.pem")
    marker = directory / "marker-secret"
    marker.write_text(f"marker-{uuid.uuid4().hex}", encoding="utf-8")
    settings = {
        "TFREVIEW_GITHUB_APP__API_URL": github.api_url,
        "TFREVIEW_GITHUB_APP__APP_ID": str(github.app_id),
        "TFREVIEW_GITHUB_APP__PRIVATE_KEYS": json.dumps([key]),
        "TFREVIEW_GITHUB_APP__MARKER_SECRET": f"file:{marker}",
        "TFREVIEW_WORKER__LEASE_SECONDS": "3",
        "TFREVIEW_WORKER__HEARTBEAT_SECONDS": "0.5",
        "TFREVIEW_WORKER__REAPER_INTERVAL_SECONDS": "0.5",
    }
    return child_env(**{**settings, **extra})


def delivery_request(github: FakeGitHub, number: int, delivery: str) -> bytes:
    """The signed `pull_request.opened` delivery GitHub sends for pull `number`, as raw HTTP."""
    pull = github.pull_request(REPO, number)
    body = json.dumps(
        {
            "action": "opened",
            "number": number,
            "pull_request": {
                "number": number,
                "draft": False,
                "state": "open",
                "head": {"sha": pull.head_sha, "ref": pull.head_ref},
                "base": {"sha": pull.base_sha, "ref": pull.base_ref},
            },
            "repository": {"full_name": REPO, "owner": {"login": "octo"}},
            "installation": {"id": INSTALLATION},
        }
    ).encode()
    signature = "sha256=" + hmac.new(GITHUB_SECRET.encode(), body, hashlib.sha256).hexdigest()
    head = (
        "POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Event: pull_request\r\nX-GitHub-Delivery: {delivery}\r\nX-Hub-Signature-256: {signature}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def start_worker(env: dict[str, str], log: Path, *command: str) -> subprocess.Popen[bytes]:
    """A worker process (`python -m <command>`), its stderr appended to `log`."""
    with log.open("ab") as sink:
        return subprocess.Popen([sys.executable, "-m", *command], env=env, stdout=subprocess.DEVNULL, stderr=sink)


def stop_all(workers: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM every worker still running (a stopped one is continued first), SIGKILL what does not stop in 60 s."""
    for process in workers:
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)
            process.send_signal(signal.SIGTERM)
    for process in workers:
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
