"""The catching-up machinery against a FakeGitHub on 127.0.0.1 and the in-memory services: the delivery and
pull-request reconcilers, the S6 permission check, the scheduler, the routing publisher, the wiring and
`tfreview reconcile`. (W10 and W11 over the whole stack: test_end_to_end_github.py.)"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.github import FakeGitHub
from tests.integrations.live_stack import (
    INSTALLATION,
    MAIN_TF,
    OWNER,
    REPO,
    github_app_settings,
    open_terraform_pull_request,
    pull_request_event,
)
from tfreview.cli import main
from tfreview.core.errors import InputError, UpstreamError
from tfreview.integrations.github import GitHubClient, build_github_client
from tfreview.integrations.github.auth import AppAuth
from tfreview.integrations.github.publisher import GitHubPublisher
from tfreview.integrations.github.settings import GitHubAppSettings
from tfreview.integrations.github.source import GitHubPlanSource
from tfreview.integrations.publishers import RoutingPublisher
from tfreview.ops.metrics import PrometheusRecorder
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview
from tfreview.publish.log import LogPublisher
from tfreview.publish.recording import RecordingPublisher
from tfreview.service.container import CatchUp
from tfreview.service.github_reconcilers import (
    MAX_REDELIVERIES,
    DeliveryReconciler,
    PermissionCheck,
    PullRequestReconciler,
)
from tfreview.service.intake import accept_delivery
from tfreview.settings import Settings
from tfreview.web import github_events
from tfreview.wiring import WiredServices, build_memory_services
from tfreview.worker.scheduler import Scheduler

T0 = 1_767_614_400.0  # 2026-01-05T12:00:00Z


class Clock:
    """Unix seconds for the fake and the same instant as a datetime for the reconciler; moved by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now

    def utc(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def github(clock: Clock) -> Iterator[FakeGitHub]:
    with FakeGitHub(clock=clock) as fake:
        fake.add_installation(INSTALLATION, OWNER, repos=[REPO])
        fake.add_commit(REPO, "main", {"main.tf": MAIN_TF})
        yield fake


@pytest.fixture
def app_settings(github: FakeGitHub, tmp_path: Path) -> GitHubAppSettings:
    return github_app_settings(github, tmp_path)


@pytest.fixture
def client(github: FakeGitHub, app_settings: GitHubAppSettings, clock: Clock) -> Iterator[GitHubClient]:
    with httpx.Client(timeout=10) as http:
        yield build_github_client(app_settings, http, clock=clock, sleep=lambda _: None)


@pytest.fixture
def services(app_settings: GitHubAppSettings) -> WiredServices:
    """In-memory services; GitHub configured in settings, but the tests build the pieces they look at."""
    return build_memory_services(Settings(github_app=app_settings), publisher=RecordingPublisher(), sources={})


def store_delivery(services: WiredServices, guid: str, payload: dict[str, object], event: str = "pull_request") -> None:
    """What the webhook route stores for a delivery it received."""
    normalised = github_events.normalise(event, _json(payload), review_drafts=False)
    assert normalised.tenant is not None
    job = None
    if normalised.job is not None and normalised.job.pull is not None:
        job = replace(normalised.job, pull=replace(normalised.job.pull, delivery=guid))
    accept_delivery(
        services,
        source="github",
        key=guid,
        event=normalised.event,
        tenant=normalised.tenant,
        body=_json(payload),
        received_at=datetime.now(UTC),
        job=job,
        review_source=normalised.source,
    )


def _json(payload: dict[str, object]) -> bytes:
    import json

    return json.dumps(payload).encode()


# --- failed deliveries (W10, unit) -------------------------------------------------------------------


def test_only_failed_deliveries_the_service_never_stored_are_redelivered(
    github: FakeGitHub, client: GitHubClient, services: WiredServices, clock: Clock
) -> None:
    number = open_terraform_pull_request(github, REPO, "feature")
    event = pull_request_event(github, REPO, number, "labeled")
    ok = github.add_delivery("pull_request", event, status_code=200, installation_id=INSTALLATION)
    lost = github.add_delivery("pull_request", event, status_code=502, installation_id=INSTALLATION)
    timed_out_but_stored = github.add_delivery("pull_request", event, status_code=0, installation_id=INSTALLATION)
    store_delivery(services, str(timed_out_but_stored["guid"]), event)
    healed = github.add_delivery("pull_request", event, status_code=500, installation_id=INSTALLATION)
    github.add_delivery(  # a later attempt of the same event succeeded (a manual redelivery)
        "pull_request", event, status_code=200, guid=str(healed["guid"]), redelivery=True, installation_id=INSTALLATION
    )
    reconciler = DeliveryReconciler(client, services, clock.utc)

    result = reconciler.run_once()

    assert github.redelivery_requests == [lost["id"]]
    assert result == CatchUp("github-deliveries", examined=4, acted=1, skipped=3, errors=0)
    assert ok["guid"] != lost["guid"]


def test_deliveries_are_read_page_by_page_and_not_before_the_three_day_window(
    github: FakeGitHub, client: GitHubClient, services: WiredServices, clock: Clock
) -> None:
    event = {"zen": "Keep it logically awesome.", "hook_id": 7}
    too_old = github.add_delivery("ping", event, status_code=502)
    clock.now += 3 * 86400 + 60
    failed = [github.add_delivery("ping", event, status_code=502) for _ in range(250)]  # 3 pages of 100

    result = DeliveryReconciler(client, services, clock.utc).run_once()

    assert result.acted == 250
    assert too_old["id"] not in github.redelivery_requests
    assert sorted(github.redelivery_requests) == sorted(d["id"] for d in failed)
    assert len(github.requests_to("GET", r"^/app/hook/deliveries$")) == 3


def test_a_delivery_that_keeps_failing_is_left_alone_after_three_redeliveries(
    github: FakeGitHub, client: GitHubClient, services: WiredServices, clock: Clock
) -> None:
    github.on_redeliver = lambda delivery: 503  # our endpoint keeps refusing it
    first = github.add_delivery("ping", {"zen": "x"}, status_code=503)
    recorder = PrometheusRecorder()
    reconciler = DeliveryReconciler(client, replace(services, metrics=recorder), clock.utc)
    for _ in range(MAX_REDELIVERIES + 2):
        reconciler.run_once()
    assert len(github.redelivery_requests) == MAX_REDELIVERIES
    assert github.redelivery_requests[0] == first["id"]
    lost = {"source": "github", "reason": "redeliveries_exhausted"}
    assert recorder.registry.get_sample_value("tfreview_deliveries_lost_total", lost) == 1  # once (ADR 0611)


def test_the_checkpoint_moves_only_when_every_redelivery_was_requested(
    github: FakeGitHub, client: GitHubClient, services: WiredServices, clock: Clock
) -> None:
    github.add_delivery("ping", {"zen": "x"}, status_code=502)
    reconciler = DeliveryReconciler(client, services, clock.utc)
    github.fail_next(503, path_contains="/attempts")
    failed = reconciler.run_once()
    assert (failed.acted, failed.errors, reconciler.checkpoint) == (0, 1, None)
    done = reconciler.run_once()
    assert (done.acted, done.errors, reconciler.checkpoint) == (1, 0, clock.utc())


# --- open pull requests without a review (W11, unit) -------------------------------------------------


def test_an_unreviewed_head_is_enqueued_once_with_the_webhooks_own_key_and_a_later_webhook_adds_nothing(
    github: FakeGitHub, client: GitHubClient, services: WiredServices, clock: Clock
) -> None:
    number = open_terraform_pull_request(github, REPO, "feature")
    github.open_pull_request(REPO, head="feature", number=99, draft=True)  # drafts: as the webhook, not reviewed
    head = github.pull_request(REPO, number).head_sha
    reconciler = PullRequestReconciler(client, services, clock.utc)

    first = reconciler.run_once()
    again = reconciler.run_once()
    store_delivery(services, "late-webhook-copy", pull_request_event(github, REPO, number, "opened"))
    store_delivery(services, "late-synchronize", pull_request_event(github, REPO, number, "synchronize"))

    assert (first.acted, again.acted, again.skipped) == (1, 0, 1)
    jobs = services.queue.list(limit=50).items
    assert [j.idempotency_key for j in jobs] == [f"github:github:{INSTALLATION}:{REPO}:{number}:{head}"]
    assert jobs[0].tenant_id == f"github:{INSTALLATION}"
    assert jobs[0].payload["installation_id"] == INSTALLATION
    reviews = services.reviews.list(None, filters={}).items
    assert len(reviews) == 1
    assert reviews[0].source == SourceInfo("github", repository=REPO, pull_request=number, commit_sha=head)

    # a push: the new head has no review yet → enqueued; the old head's review stays
    new_head = github.push(REPO, number, {"main.tf": MAIN_TF})
    assert reconciler.run_once().acted == 1
    keys = {j.idempotency_key for j in services.queue.list(limit=50).items}
    assert f"github:github:{INSTALLATION}:{REPO}:{number}:{new_head}" in keys


def test_the_pull_request_scan_goes_on_when_one_repository_fails(
    github: FakeGitHub, client: GitHubClient, services: WiredServices, clock: Clock
) -> None:
    github.add_repo("octo/other", installation_id=INSTALLATION)
    github.add_commit("octo/other", "main", {"main.tf": MAIN_TF})
    open_terraform_pull_request(github, "octo/other", "feature")
    open_terraform_pull_request(github, REPO, "feature")
    github.fail_next(502, times=2, path_contains=f"/repos/{REPO}/pulls")  # a GET is retried once by the client
    result = PullRequestReconciler(client, services, clock.utc).run_once()
    assert (result.acted, result.errors) == (1, 1)


# --- S6 ----------------------------------------------------------------------------------------------


def test_the_permission_check_warns_about_an_extra_write_permission(
    github: FakeGitHub,
    app_settings: GitHubAppSettings,
    client: GitHubClient,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    github.add_installation(7, "acme", permissions={**github.app_permissions, "administration": "write"})
    with httpx.Client(timeout=10) as http:
        check = PermissionCheck(client, AppAuth(app_settings, http, clock))
        with caplog.at_level(logging.WARNING):
            result = check.run_once()
    assert (result.examined, result.errors) == (2, 1)
    assert check.warnings[INSTALLATION] == []
    assert any("administration" in w for w in check.warnings[7])
    assert "extra permission administration" in caplog.text


# --- the scheduler -----------------------------------------------------------------------------------


class Counting:
    def __init__(self, name: str, interval: float, *, fail: bool = False) -> None:
        self.name, self.interval_seconds, self.fail, self.runs = name, interval, fail, 0

    def run_once(self) -> CatchUp:
        self.runs += 1
        if self.fail:
            raise UpstreamError("GitHub is down (token ghs_abcdefghijklmnopqrstuvwxyz0123456789 leaked?)")
        return CatchUp(self.name, examined=1, acted=1)


def test_the_scheduler_runs_each_reconciler_at_start_then_every_interval_and_survives_failures(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    fast, slow, broken = Counting("fast", 5), Counting("slow", 60), Counting("broken", 5, fail=True)
    scheduler = Scheduler([fast, slow, broken], monotonic=lambda: now[0])
    with caplog.at_level(logging.WARNING):
        first = scheduler.run_due()
    assert [r.name for r in first] == ["fast", "slow", "broken"]
    assert first[2].catch_up is None
    assert first[2].error is not None
    assert "ghs_abcdefghijklmnopqrstuvwxyz0123456789" not in caplog.text + first[2].error
    assert scheduler.seconds_until_next() == 5
    now[0] = 5.0
    assert [r.name for r in scheduler.run_due()] == ["fast", "broken"]
    now[0] = 60.0
    assert [r.name for r in scheduler.run_due()] == ["fast", "slow", "broken"]
    assert (fast.runs, slow.runs, broken.runs) == (3, 2, 3)


def test_the_scheduler_thread_stops_with_its_event() -> None:
    stop = threading.Event()
    ran = threading.Event()

    class Once(Counting):
        def run_once(self) -> CatchUp:
            ran.set()
            return super().run_once()

    scheduler = Scheduler([Once("once", 3600)], stop_event=stop)
    thread = threading.Thread(target=scheduler.run)
    thread.start()
    assert ran.wait(5)
    stop.set()
    thread.join(5)
    assert not thread.is_alive()


# --- the routing publisher ---------------------------------------------------------------------------


def _review(kind: str) -> StoredReview:
    now = datetime.now(UTC)
    return StoredReview("r1", "t", SourceInfo(kind), ReviewStatus.COMPLETED, now, now, report={}, verdict="pass")


def test_the_routing_publisher_publishes_by_source_and_a_retriable_failure_wins() -> None:
    github, spacelift, log = RecordingPublisher(), RecordingPublisher(), RecordingPublisher()
    publisher = RoutingPublisher({"github": [github], "spacelift": [spacelift]}, always=[log])
    publisher.publish(_review("github"))
    publisher.publish(_review("api"))
    assert (github.published, spacelift.published, log.published) == (["r1"], [], ["r1", "r1"])

    github.fail_next(InputError("permanent"))
    spacelift_too = RecordingPublisher(fail_with=UpstreamError("retry me"), fail_times=1)
    both = RoutingPublisher({"github": [github, spacelift_too]}, always=[log])
    with pytest.raises(UpstreamError):
        both.publish(_review("github"))
    assert log.published.count("r1") == 3, "the others still published"


# --- wiring ------------------------------------------------------------------------------------------


def test_wiring_mounts_github_when_configured_and_leaves_the_defaults_alone_otherwise(
    app_settings: GitHubAppSettings,
) -> None:
    plain = build_memory_services(Settings())
    assert isinstance(plain.publisher, LogPublisher)
    assert plain.reconcilers == ()
    assert type(plain.sources["github"]).__name__ != "GitHubPlanSource"

    wired = build_memory_services(Settings(github_app=app_settings))
    try:
        assert isinstance(wired.sources["github"], GitHubPlanSource)
        assert isinstance(wired.publisher, RoutingPublisher)
        assert any(isinstance(p, GitHubPublisher) for p in wired.publisher.routes["github"])
        assert [r.name for r in wired.reconcilers] == [
            "github-permissions",
            "github-deliveries",
            "github-pull-requests",
        ]
        assert wired.reconcilers[1].interval_seconds == app_settings.reconcile_deliveries_seconds
    finally:
        wired.close()


# --- tfreview reconcile ------------------------------------------------------------------------------


def test_reconcile_command_runs_the_reconcilers_once(
    github: FakeGitHub,
    app_settings: GitHubAppSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock_now = datetime.now(UTC).timestamp()
    github.clock = lambda: clock_now  # deliveries stamped "now"
    github.add_delivery("ping", {"zen": "x"}, status_code=502)
    open_terraform_pull_request(github, REPO, "feature")
    monkeypatch.setenv("TFREVIEW_GITHUB_APP__API_URL", github.api_url)
    monkeypatch.setenv("TFREVIEW_GITHUB_APP__APP_ID", str(github.app_id))
    monkeypatch.setenv("TFREVIEW_GITHUB_APP__PRIVATE_KEYS", f'["{app_settings.private_keys[0]}"]')
    monkeypatch.setenv("TFREVIEW_GITHUB_APP__MARKER_SECRET", str(app_settings.marker_secret))
    data = str(tmp_path / "data")
    assert main(["db", "upgrade", "--data-dir", data]) == 0  # the service's database: reconcile never makes one

    assert main(["reconcile", "--spacelift", "--data-dir", data]) == 2
    assert "spacelift-runs is not configured" in capsys.readouterr().err

    assert main(["reconcile", "--data-dir", data]) == 0
    out = capsys.readouterr().out
    assert "github-permissions: 1 examined, 0 caught up, 1 already done, 0 failed" in out  # issue 9.20: every one
    assert "github-deliveries: 1 examined, 1 caught up" in out
    assert "github-pull-requests: 1 examined, 1 caught up" in out
    assert len(github.redelivery_requests) == 1

    assert main(["reconcile", "--github-pull-requests", "--data-dir", data]) == 0
    assert "github-pull-requests: 1 examined, 0 caught up, 1 already done" in capsys.readouterr().out

    assert main(["reconcile", "--github-permissions", "--data-dir", data]) == 0
    assert capsys.readouterr().out.startswith("github-permissions: 1 examined")


def test_reconcile_command_exits_3_when_github_is_unreachable(
    app_settings: GitHubAppSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeGitHub() as gone:
        url = gone.api_url  # a port nobody listens on once closed
    monkeypatch.setenv("TFREVIEW_GITHUB_APP__API_URL", url)
    monkeypatch.setenv("TFREVIEW_GITHUB_APP__APP_ID", "1001")
    monkeypatch.setenv("TFREVIEW_GITHUB_APP__PRIVATE_KEYS", f'["{app_settings.private_keys[0]}"]')
    monkeypatch.setenv("TFREVIEW_GITHUB_APP__MARKER_SECRET", str(app_settings.marker_secret))
    assert main(["db", "upgrade", "--data-dir", str(tmp_path / "data")]) == 0
    assert main(["reconcile", "--github-deliveries", "--data-dir", str(tmp_path / "data")]) == 3
    assert "github-deliveries: failed" in capsys.readouterr().err


def test_unconfigured_reconcile_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade", "--data-dir", str(tmp_path / "data")]) == 0
    assert main(["reconcile", "--data-dir", str(tmp_path / "data")]) == 2
    assert "no reconciler is configured" in capsys.readouterr().err


def test_a_plain_token_setup_must_name_its_user(tmp_path: Path) -> None:
    """Our comment is found by its author: with a plain token the service refuses to start without the login."""
    from tfreview.core.errors import ConfigError
    from tfreview.settings import Settings
    from tfreview.wiring import build_memory_services

    token = tmp_path / "token"
    token.write_text("ghp_" + "a" * 36)
    settings = Settings.model_validate(
        {"github_app": {"token": f"file:{token}", "marker_secret": f"file:{token}", "api_url": "http://127.0.0.1:9"}}
    )
    with pytest.raises(ConfigError, match="token_login is required"):
        build_memory_services(settings)
    named = Settings.model_validate(
        {
            "github_app": {
                "token": f"file:{token}",
                "marker_secret": f"file:{token}",
                "api_url": "http://127.0.0.1:9",
                "token_login": "ci-bot",
            }
        }
    )
    services = build_memory_services(named)
    try:
        assert "github" in services.sources
    finally:
        services.close()


def test_9_20_an_empty_database_catch_up_is_rated_per_pass(
    github: FakeGitHub, client: GitHubClient, services: WiredServices, clock: Clock
) -> None:
    """Three open PRs and no review at all (a fresh or restored database): one pass enqueues at most
    `reconcile_pull_requests_per_pass` of them, the next pass the rest — never a second review of one."""
    for branch in ("one", "two", "three"):
        open_terraform_pull_request(github, REPO, branch)
    rated = services.settings.github_app.model_copy(update={"reconcile_pull_requests_per_pass": 2})
    services = replace(services, settings=services.settings.model_copy(update={"github_app": rated}))
    reconciler = PullRequestReconciler(client, services, clock.utc)
    first = reconciler.run_once()
    assert (first.examined, first.acted, first.skipped) == (3, 2, 1)
    second = reconciler.run_once()
    assert (second.examined, second.acted, second.skipped) == (3, 1, 2)
    third = reconciler.run_once()
    assert (third.acted, third.skipped) == (0, 3)
    assert len(services.queue.list(limit=50).items) == 3


class _WebhookDuringScan:
    """The review store as the scan sees it when the webhook of the pull request it looks at lands between the
    scan's read of the reviews and its enqueue (a redelivery burst at start, when the scan runs too)."""

    def __init__(self, services: WiredServices, deliver: Callable[[], None]) -> None:
        self.inner = services.reviews
        self.deliver = deliver

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def list(self, *args: Any, **kwargs: Any) -> Any:
        page = self.inner.list(*args, **kwargs)
        self.deliver()  # committed after the read: the scan does not see its review
        return page


def test_a_head_whose_webhook_lands_during_the_scan_is_not_counted_as_caught_up(
    github: FakeGitHub, client: GitHubClient, services: WiredServices, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """The scan joins the webhook's job (same key): nothing was missed. It counted it as caught up (the
    reconciler-caught-up alert, "the webhook path loses events") and logged "had no review: enqueued"; the
    Spacelift reconciler already told a joined job apart."""
    number = open_terraform_pull_request(github, REPO, "feature")
    event = pull_request_event(github, REPO, number, "opened")
    racing = dataclasses.replace(
        services, reviews=_WebhookDuringScan(services, lambda: store_delivery(services, "webhook-guid", event))
    )
    caplog.set_level(logging.INFO, logger="tfreview.reconcile")

    caught = PullRequestReconciler(client, racing, clock.utc).run_once()

    assert (caught.acted, caught.skipped) == (0, 1)
    assert "had no review: enqueued" not in caplog.text
    assert len(services.queue.list(limit=50).items) == 1  # the webhook's job, joined
    assert len(services.reviews.list(None, filters={}).items) == 1
