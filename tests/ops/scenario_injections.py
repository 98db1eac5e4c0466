"""The injections of the scenario rows session 17 added (tests/ops/test_scenarios.py runs them): a secret reload
that fails during a revoke (ADR 0610), a damaged queued job, a redelivery GitHub refuses, GitHub's secondary rate
limit refusing until its wait reaches the hour (ADR 0611). What a row opens beside the stack (a fake GitHub, a
versions document) is closed by `close_row_resources`."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import httpx

from tests.fakes.github import FakeGitHub
from tests.integrations.live_stack import github_app_settings
from tests.ops.stack import ScenarioStack
from tests.web import deliveries
from tfreview.core.errors import TfreviewError
from tfreview.integrations.github import build_github_client
from tfreview.integrations.github.ratelimit import RateLimiter
from tfreview.service.github_reconcilers import DeliveryReconciler
from tfreview.service.secret_reload import SecretReloader
from tfreview.settings import GitHubSettings
from tfreview.worker.reaper import Reaper
from tfreview.worker.runner import Worker

GITHUB_SECRET = deliveries.GITHUB_SECRET  # the compromised one
NEW_SECRET = "rotated-webhook-secret-2027"


def close_row_resources() -> None:
    RELOADERS.clear()
    GITHUBS.clear()
    while ROW_RESOURCES:
        ROW_RESOURCES.pop().close()
    while VERSIONS:
        VERSIONS.pop().cleanup()


# the compromised GitHub webhook secret is revoked with no overlap: the versions document is rewritten to hold
# only the new secret, but the rewrite does not read (a time that is not one); every reload fails
VERSIONS: list[tempfile.TemporaryDirectory[str]] = []  # the secret-reload row's documents, removed by the test
RELOADERS: dict[int, SecretReloader] = {}  # its reloader, by stack
REVOKED_BADLY = json.dumps([{"value": NEW_SECRET, "name": "2026-12"}, {"value": "x", "not_after": "at once"}])


def versions_document() -> Path:
    return Path(VERSIONS[-1].name) / "github-webhook.json"


def versions_document_settings() -> dict[str, Any]:
    VERSIONS.append(tempfile.TemporaryDirectory())
    versions_document().write_text(json.dumps([{"value": GITHUB_SECRET, "name": "2026-11"}]), encoding="utf-8")
    return {"github": GitHubSettings(webhook_secrets_from=f"file:{versions_document()}")}


def reloader_of(stack: ScenarioStack) -> SecretReloader:
    """What `serve` runs (service/secret_reload.py), building GitHub's settings again from the document."""
    if id(stack) not in RELOADERS:
        reference = stack.settings.github.webhook_secrets_from

        def build() -> Any:
            return stack.settings.model_copy(update={"github": GitHubSettings(webhook_secrets_from=reference)})

        RELOADERS[id(stack)] = SecretReloader(stack.settings, build, stack.services.metrics, clock=stack.clock)
    return RELOADERS[id(stack)]


def revoke_written_badly(stack: ScenarioStack) -> None:
    reloader_of(stack).reload()  # the baseline document reloads
    assert [v.value.get_secret_value() for v in stack.settings.github.webhook_secrets] == [GITHUB_SECRET]
    versions_document().write_text(REVOKED_BADLY, encoding="utf-8")


def ping(stack: ScenarioStack, secret: str) -> int:
    """A GitHub ping signed with `secret`: verified, then answered 200 with nothing queued (no other alert)."""
    signed = deliveries.github("ping", {"zen": "Keep it logically awesome."}, secret=secret)
    return stack.http.post("/webhooks/github", content=signed.body, headers=signed.headers).status_code


def reload_fails_and_the_revoked_secret_still_works(stack: ScenarioStack) -> None:
    assert reloader_of(stack).reload() is False
    assert ping(stack, GITHUB_SECRET) == 200  # the revoke did not take effect


def revoke_written_right(stack: ScenarioStack) -> None:
    versions_document().write_text(json.dumps([{"value": NEW_SECRET, "name": "2026-12"}]), encoding="utf-8")
    assert reloader_of(stack).reload() is True
    assert ping(stack, GITHUB_SECRET) == 401
    assert ping(stack, NEW_SECRET) == 200


def one_damaged_job(stack: ScenarioStack) -> None:
    """A delivery queued, then a flipped bit: its stored payload no longer reads back (store/damaged_jobs.py)."""
    assert stack.github_delivery().status_code == 202
    path = stack.settings.database.url.split(":///", 1)[1]
    with contextlib.closing(sqlite3.connect(path)) as raw, raw:
        raw.execute("UPDATE jobs SET payload = CAST(X'F2' || CAST(payload AS BLOB) AS TEXT) WHERE state = 'queued'")


def a_worker_claims(stack: ScenarioStack) -> None:
    """The damaged job is buried by the claim, out of any worker's sight; the queue goes on (here: empty)."""
    assert Worker(stack.services, "worker-1").run_once() is None


def reaper_sweeps(stack: ScenarioStack) -> None:
    """The reaper's sweep: the damaged job's review, past twice its deadline, is marked failed (its failure notice
    runs and fails visibly: GitHub is not configured here)."""
    assert Reaper(stack.services, clock=stack.clock).run_once().failed == 1
    worker = Worker(stack.services, "recovered-worker")
    while worker.run_once() is not None:
        pass


ROW_RESOURCES: list[contextlib.ExitStack] = []  # what a row opened beside the stack (a fake GitHub), closed after


def redelivery_refused(stack: ScenarioStack) -> None:
    """GitHub failed to deliver a pull request event to us, and refuses its redelivery for good (422: too old):
    the delivery reconciler's pass (service/github_reconcilers.py) against a fake GitHub on loopback."""
    resources = contextlib.ExitStack()
    ROW_RESOURCES.append(resources)
    now = lambda: stack.clock().timestamp()  # noqa: E731  # the fake's and the client's clock: the manual one
    github = resources.enter_context(FakeGitHub(clock=now))
    folder = Path(resources.enter_context(tempfile.TemporaryDirectory()))
    http = resources.enter_context(httpx.Client(timeout=10))
    client = build_github_client(github_app_settings(github, folder), http, clock=now, sleep=lambda _: None)
    github.add_delivery("pull_request", deliveries.pull_request("opened"), status_code=502)
    too_old = {"message": "Validation Failed", "errors": ["The delivery is too old to be redelivered"]}
    github.answer_next(422, too_old, method="POST", path_contains="/attempts", times=99)
    caught = DeliveryReconciler(client, stack.services, stack.clock).run_once()
    assert (caught.acted, caught.skipped) == (0, 1)


GITHUBS: dict[int, Any] = {}  # the secondary-limit row's GitHub client, by stack


def github_refuses_every_request(stack: ScenarioStack) -> None:
    """GitHub's secondary rate limit refuses every request (403 + retry-after: 60) while we keep asking: each
    refusal in a row doubles the wait (ADR 0589) until it reaches the hour. The client is the service's (its
    limiter counting into the service's metrics); a request the limiter holds back is not sent."""
    if id(stack) not in GITHUBS:
        resources = contextlib.ExitStack()
        ROW_RESOURCES.append(resources)
        now = lambda: stack.clock().timestamp()  # noqa: E731  # the fake's and the client's clock: the manual one
        github = resources.enter_context(FakeGitHub(clock=now))
        folder = Path(resources.enter_context(tempfile.TemporaryDirectory()))
        http = resources.enter_context(httpx.Client(timeout=10))
        client = build_github_client(github_app_settings(github, folder), http, clock=now, sleep=lambda _: None)
        client.limiter = RateLimiter(clock=now, max_wait_seconds=0, metrics=stack.services.metrics)
        refused = {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."}
        github.answer_next(403, refused, headers={"retry-after": "60"}, path_contains="/hook/deliveries", times=999)
        GITHUBS[id(stack)] = client
    with contextlib.suppress(TfreviewError):  # refused, or held back by the limiter: the job would wait
        GITHUBS[id(stack)].list_hook_deliveries()
