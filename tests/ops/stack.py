"""A running tfreview for the failure scenarios: uvicorn on a free port of 127.0.0.1 over `build_services`
(SQLite in tmp_path, Prometheus metrics on), with every notifier pointed at its fake on loopback (Slack,
PagerDuty, the signed webhook, SMTP) and the watchdog ticked by hand on a manual clock — so a test can
walk through 30 minutes of alerting in a second, with no sleeping and no timing threshold.

`ScenarioStack.run(minutes, during=inject)` is the loop of every scenario: call `inject()` (the failure,
as real requests to the running service), advance the clock one watchdog interval, tick; repeat.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from pydantic import SecretStr

from tests.fakes.notify import FakePagerDuty, FakeSlack, FakeSmtp, FakeWebhook
from tests.integration.live import wait_for
from tests.web import deliveries
from tfreview.door.settings import DoorSettings
from tfreview.ops.incident_admin import read_impact
from tfreview.ops.incidents import EventKind, Incident
from tfreview.ops.report import render_report
from tfreview.ops.services import OpsServices
from tfreview.ops.settings import NotifySettings, PagerDutySettings, SlackSettings, SmtpSettings, WatchdogSettings
from tfreview.ops.settings import WebhookSettings as NotifyWebhookSettings
from tfreview.ops.watchdog import TickResult
from tfreview.settings import DatabaseSettings, GitHubSettings, SecretVersion, Settings, WorkerSettings
from tfreview.store.migrate import upgrade
from tfreview.web.app import create_app
from tfreview.wiring import WiredServices, build_services

INTERVAL_SECONDS = 30.0


class ManualClock:
    """Starts at the real now (wall-clock gauges such as 'last delivery' line up), moved by hand."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Fakes:
    slack: FakeSlack
    pagerduty: FakePagerDuty
    webhook: FakeWebhook
    smtp: FakeSmtp


@dataclass
class ScenarioStack:
    url: str
    settings: Settings
    services: WiredServices
    clock: ManualClock
    fakes: Fakes
    http: httpx.Client
    ticks: list[TickResult] = field(default_factory=list)

    @property
    def ops(self) -> OpsServices:
        assert self.services.ops is not None
        return self.services.ops

    # --- driving ---------------------------------------------------------------------------------

    def tick(self) -> TickResult:
        watchdog = self.ops.watchdog
        assert watchdog is not None
        result = watchdog.tick()
        self.ticks.append(result)
        assert self.ops.dispatcher.drain(30), "notifications still pending after 30 s"
        return result

    def run(self, seconds: float, during: Callable[[], None] | None = None, *, step: float = INTERVAL_SECONDS) -> float:
        """Inject, advance, tick — for `seconds` of the manual clock; returns the seconds it ran."""
        elapsed = 0.0
        while elapsed < seconds:
            if during is not None:
                during()
            self.clock.advance(step)
            elapsed += step
            self.tick()
        return elapsed

    def run_until(
        self,
        condition: Callable[[], Any],
        limit_seconds: float,
        during: Callable[[], None] | None = None,
        *,
        step: float = INTERVAL_SECONDS,
    ) -> float:
        """Inject, advance, tick until `condition()` holds; the manual seconds it took (failing past the limit)."""
        elapsed = 0.0
        while not condition():
            if elapsed >= limit_seconds:
                raise AssertionError(f"not within {limit_seconds:g} s of the manual clock")
            if during is not None:
                during()
            self.clock.advance(step)
            elapsed += step
            self.tick()
        return elapsed

    # --- what the tests inject -------------------------------------------------------------------

    def github_delivery(self, *, secret: str = deliveries.GITHUB_SECRET) -> httpx.Response:
        signed = deliveries.github("pull_request", deliveries.pull_request("opened"), secret=secret)
        return self.http.post("/webhooks/github", content=signed.body, headers=signed.headers)

    def concurrently(self, count: int, call: Callable[[], object]) -> None:
        threads = [threading.Thread(target=call) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

    # --- what the tests look at ------------------------------------------------------------------

    def incident(self, alert_or_scenario: str) -> Incident | None:
        for incident in self.ops.incidents.list(limit=100).items:
            if alert_or_scenario in (incident.alert_id, incident.scenario):
                return incident
        return None

    def kinds(self, incident_id: int) -> list[EventKind]:
        return [e.kind for e in self.ops.incidents.events(incident_id)]

    def report(self, incident_id: int) -> str:
        incident = self.ops.incidents.get(incident_id)
        assert incident is not None
        impact = read_impact(self.services.intake, self.services.reviews, incident, self.clock())
        return render_report(incident, self.ops.incidents.events(incident_id), impact, self.clock())


def stack_settings(database_url: str, fakes: Fakes, **overrides: Any) -> Settings:
    notify = NotifySettings(
        slack=SlackSettings(webhook_url=SecretStr(fakes.slack.webhook_url), channels=["chat"]),
        pagerduty=PagerDutySettings(
            routing_key=SecretStr(fakes.pagerduty.routing_key), events_url=fakes.pagerduty.events_url, channels=["page"]
        ),
        webhook=NotifyWebhookSettings(
            url=fakes.webhook.hook_url, secret=SecretStr(fakes.webhook.secret), channels=["ticket"]
        ),
        smtp=SmtpSettings(
            host="127.0.0.1",
            port=fakes.smtp.port,
            security="none",
            username=fakes.smtp.username,
            password=SecretStr(fakes.smtp.password),
            sender="tfreview@example.com",
            recipients=["oncall@example.com"],
            channels=["email"],
        ),
        attempts=2,
        backoff_base_seconds=0.01,
        backoff_cap_seconds=0.02,
        timeout_seconds=2.0,
    )
    values: dict[str, Any] = {
        "database": DatabaseSettings(url=database_url),
        "github": GitHubSettings(webhook_secrets=[SecretVersion(value=SecretStr(deliveries.GITHUB_SECRET))]),
        "worker": WorkerSettings(concurrency=1, poll_interval_seconds=0.05),
        "watchdog": WatchdogSettings(interval_seconds=INTERVAL_SECONDS, keep_firing_seconds=60, lease_seconds=60),
        "notify": notify,
        # the rehearsals flood from loopback with one token to make alerts fire; the door would block both
        "door": DoorSettings(allow_list=["127.0.0.1/32", "::1/128"], block_failures=1_000_000),
        **overrides,
    }
    return Settings(**values)


@contextlib.contextmanager
def scenario_stack(tmp_path: Path, **overrides: Any) -> Iterator[ScenarioStack]:
    with contextlib.ExitStack() as stack:
        fakes = Fakes(
            stack.enter_context(FakeSlack()),
            stack.enter_context(FakePagerDuty()),
            stack.enter_context(FakeWebhook()),
            stack.enter_context(FakeSmtp()),
        )
        database_url = f"sqlite:///{tmp_path / 'data' / 'tfreview.db'}"
        (tmp_path / "data").mkdir(exist_ok=True)
        upgrade(database_url)
        clock = ManualClock()
        settings = stack_settings(database_url, fakes, **overrides)
        services = build_services(settings, clock=clock)
        stack.callback(services.close)
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        stack.callback(listener.close)
        port = listener.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(create_app(services, clock=clock), log_level="warning", access_log=False, lifespan="off")
        )
        thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="tfreview-ops", daemon=True)
        thread.start()

        def stop_server() -> None:
            server.should_exit = True
            thread.join(30)

        stack.callback(stop_server)
        wait_for(lambda: server.started, "the server to start")
        http = stack.enter_context(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30.0))
        yield ScenarioStack(f"http://127.0.0.1:{port}", settings, services, clock, fakes, http)
