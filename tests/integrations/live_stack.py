"""The whole stack over real HTTP for the integration end-to-end tests: tfreview (uvicorn on a free port of
127.0.0.1, SQLite in tmp_path, the embedded workers and scheduler) wired by `build_services` to a
FakeGitHub and/or a FakeSpacelift — nothing swapped: the real sources, publishers and reconcilers."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import socket
import threading
import uuid
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from pydantic import SecretStr

from tests.fakes.github import FakeGitHub
from tests.integration.live import WAIT_SECONDS, wait_for
from tfreview.advisor.settings import AdvisorSettings, ProviderSettings
from tfreview.integrations.github.settings import GitHubAppSettings
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.ports.records import ReviewStatus, StoredReview
from tfreview.settings import (
    DatabaseSettings,
    GitHubSettings,
    SecretVersion,
    Settings,
    SpaceliftSettings,
    WorkerSettings,
)
from tfreview.store.migrate import upgrade
from tfreview.web.app import create_app
from tfreview.wiring import WiredServices, build_services
from tfreview.worker.process import EmbeddedThreads, start_embedded

INSTALLATION = 42
OWNER = "octo"
REPO = "octo/infra"
FINISHED = (ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI)

MAIN_TF = """\
resource "aws_s3_bucket" "logs" {
  bucket = "octo-logs"
}
"""

OPEN_SG_TF = """\
resource "aws_s3_bucket" "logs" {
  bucket = "octo-logs"
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "web servers"

  ingress {
    description = "ssh from anywhere"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"""


@dataclass
class LiveStack:
    url: str
    settings: Settings
    services: WiredServices
    http: httpx.Client
    webhook_secret: str

    def reviews(self, *, kind: str | None = None) -> list[StoredReview]:
        filters = {"source": kind} if kind else {}
        found: list[StoredReview] = []
        cursor: str | None = None
        while True:
            page = self.services.reviews.list(None, filters=filters, limit=200, cursor=cursor)
            found.extend(page.items)
            cursor = page.next_cursor
            if cursor is None:
                return found

    def finished_reviews(self, *, kind: str | None = None) -> list[StoredReview]:
        return [r for r in self.reviews(kind=kind) if r.status in FINISHED]

    def failed_reviews(self) -> list[StoredReview]:
        return [r for r in self.reviews() if r.status is ReviewStatus.FAILED]

    def delivery_keys(self) -> set[str]:
        keys: set[str] = set()
        cursor: str | None = None
        while True:
            page = self.services.intake.list(source="github", limit=500, cursor=cursor)
            keys.update(d.key for d in page.items)
            cursor = page.next_cursor
            if cursor is None:
                return keys

    def stored_text(self) -> str:
        """Everything the database holds (the raw SQLite file and its WAL), to prove no secret reached it."""
        path = Path(self.settings.database.url.split(":///", 1)[1])
        files = (path, path.with_name(path.name + "-wal"))
        return b"".join(p.read_bytes() for p in files if p.exists()).decode("utf-8", "replace")

    def reconciler(self, name: str) -> Any:
        return next(r for r in self.services.reconcilers if r.name == name)


def stack_settings(
    tmp_path: Path,
    *,
    webhook_secret: str,
    github_app: GitHubAppSettings | None = None,
    spacelift_api: SpaceliftApiSettings | None = None,
) -> Settings:
    secrets = [SecretVersion(value=SecretStr(webhook_secret))]
    return Settings(
        database=DatabaseSettings(url=f"sqlite:///{tmp_path / 'data' / 'tfreview.db'}"),
        github=GitHubSettings(webhook_secrets=secrets),
        spacelift=SpaceliftSettings(webhook_secrets=secrets),
        worker=WorkerSettings(concurrency=4, poll_interval_seconds=0.05, reaper_interval_seconds=1.0),
        github_app=github_app or GitHubAppSettings(),
        spacelift_api=spacelift_api or SpaceliftApiSettings(),
    )


def github_app_settings(github: FakeGitHub, tmp_path: Path, **overrides: Any) -> GitHubAppSettings:
    marker = tmp_path / "marker-secret"
    marker.write_text(f"marker-{uuid.uuid4().hex}", encoding="utf-8")
    return github.app_settings(tmp_path, marker_secret=f"file:{marker}", **overrides)


@contextlib.contextmanager
def live_stack(
    settings: Settings,
    *,
    reconcilers: Collection[str] | None = None,
    before_workers: Callable[[LiveStack], None] | None = None,
) -> Iterator[LiveStack]:
    """Start tfreview on 127.0.0.1; `reconcilers`: the names the scheduler runs (None: every configured one);
    `before_workers(stack)` runs once the server answers, before the workers and the scheduler start."""
    url = settings.database.url
    Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    upgrade(url)
    services = build_services(settings)
    if reconcilers is not None:
        services = replace(services, reconcilers=tuple(r for r in services.reconcilers if r.name in reconcilers))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(services), log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="tfreview-e2e", daemon=True)
    thread.start()
    stop_workers = threading.Event()
    embedded: EmbeddedThreads | None = None
    http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30.0)
    secret = settings.github.webhook_secrets[0].value.get_secret_value()
    try:
        wait_for(lambda: server.started, "the server to start")
        stack = LiveStack(f"http://127.0.0.1:{port}", settings, services, http, secret)
        if before_workers is not None:
            before_workers(stack)
        embedded = start_embedded(services, stop_workers)
        yield stack
    finally:
        http.close()
        stop_workers.set()
        server.should_exit = True
        thread.join(WAIT_SECONDS)
        if embedded is not None:
            embedded.join(WAIT_SECONDS)
        listener.close()
        services.close()


# --- GitHub webhooks ---------------------------------------------------------------------------------


def pull_request_event(github: FakeGitHub, repo: str, number: int, action: str) -> dict[str, Any]:
    """The `pull_request` webhook payload GitHub sends for the fake's pull request (the fields tfreview reads)."""
    pull = github.pull_request(repo, number)
    owner = repo.split("/", 1)[0]
    return {
        "action": action,
        "number": number,
        "pull_request": {
            "number": number,
            "draft": pull.draft,
            "state": "open",
            "head": {"sha": pull.head_sha, "ref": pull.head_ref},
            "base": {"sha": pull.base_sha, "ref": pull.base_ref},
        },
        "repository": {"full_name": repo, "owner": {"login": owner}},
        "installation": {"id": INSTALLATION},
    }


def send_webhook(
    github: FakeGitHub, event: str, payload: dict[str, Any], *, guid: str | None = None, status_code: int = 202
) -> dict[str, Any]:
    """GitHub sends a delivery: recorded in the fake's delivery log, POSTed signed to tfreview's webhook."""
    delivery = github.add_delivery(event, payload, guid=guid, installation_id=INSTALLATION, status_code=status_code)
    answered = github.deliver(delivery)
    assert answered in (200, 202), f"the webhook answered {answered}"
    return delivery


def signed_post(stack: LiveStack, event: str, payload: dict[str, Any], guid: str) -> httpx.Response:
    """A delivery straight to tfreview (not in the fake's log), as GitHub would send it."""
    body = json.dumps(payload).encode()
    digest = hmac.new(stack.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": guid,
        "X-Hub-Signature-256": f"sha256={digest}",
    }
    return stack.http.post("/webhooks/github", content=body, headers=headers)


def open_terraform_pull_request(
    github: FakeGitHub, repo: str, branch: str, *, files: dict[str, str] | None = None
) -> int:
    """A pull request on `repo` changing Terraform (an SSH port open to the world: findings with lines)."""
    github.add_commit(repo, branch, files or {"main.tf": OPEN_SG_TF}, base="main")
    return github.open_pull_request(repo, head=branch, base="main")


@dataclass(frozen=True)
class ModelReviewedPullRequest:
    """What a pull request reviewed with an OpenAI-compatible model left behind (`review_pull_request_with_model`)."""

    stack: LiveStack
    number: int
    stored: str
    reviews: list[StoredReview]


def review_pull_request_with_model(
    github: FakeGitHub, tmp_path: Path, model_url: str, branch: str, files: dict[str, str]
) -> ModelReviewedPullRequest:
    """Open a pull request on REPO changing `files` against a stack whose advisor is the OpenAI-compatible fake at
    `model_url`, deliver its `opened` webhook and wait for the review, the completed check run and the comment."""
    secret = f"whsec-{uuid.uuid4().hex}"
    advisor = AdvisorSettings(
        name="openai",
        providers=[ProviderSettings(provider="openai", model="gpt-4o-mini", base_url=f"{model_url}/v1")],
        max_attempts=1,
        call_timeout_seconds=10.0,
    )
    settings = stack_settings(tmp_path, webhook_secret=secret, github_app=github_app_settings(github, tmp_path))
    settings = settings.model_copy(update={"advisor": advisor})
    with live_stack(settings, reconcilers=()) as stack:
        github.webhook_url = f"{stack.url}/webhooks/github"
        github.webhook_secret = secret
        github.add_commit(REPO, branch, files, base="main")
        number = github.open_pull_request(REPO, head=branch, base="main")
        head_sha = github.pull_request(REPO, number).head_sha
        send_webhook(github, "pull_request", pull_request_event(github, REPO, number, "opened"))
        wait_for(stack.finished_reviews, "the review to finish")
        wait_for(
            lambda: [r for r in github.check_runs(REPO, head_sha) if r["status"] == "completed"],
            "the check run to complete",
        )
        wait_for(lambda: [c for c in github.comments(REPO, number) if "tfreview" in str(c["body"])], "the comment")
        stored, reviews = stack.stored_text(), stack.finished_reviews()
    return ModelReviewedPullRequest(stack, number, stored, reviews)
