"""The ONLY place adapters are chosen. `tfreview serve`, `tfreview worker` and the tests build services here.

    build_services(settings)          the real thing: SQLite or PostgreSQL (Sql* adapters), OIDC when
                                      configured plus API tokens, the `api` upload source, and the
                                      integrations below
    build_memory_services(...)        the same container on the in-memory adapters, for tests

Integrations (`wire_integrations`, docs/adr/0033-catching-up.md):

    settings.github_app configured    sources["github"] = GitHubPlanSource; the GitHub publisher for `github`
    (App id + keys, or a token)       reviews; App only: the delivery and pull-request reconcilers and the
                                      S6 permission check (logged at start, then daily)
    settings.spacelift_api configured the Spacelift publisher (run comments) for reviews of a run; the
                                      changesV3 cross-check on uploaded plans of a run; the run reconciler;
                                      with GitHub too: a proposed run's review combined into its PR comment
    neither                           honest refusals: a GitHub or Spacelift review fails permanently with
                                      "… is not configured yet"; reviews are published to the log only

Every review is also published to the log (`LogPublisher`), whatever else publishes it.

Operations (`wire_ops`, docs/adr/0065-incidents-and-notifiers.md): the incident store and the watchdog's
lease on the same database; one notifier per configured destination (settings.notify: Slack,
PagerDuty, SNS, SMTP, the signed webhook); the watchdog over the packaged alert table unless
settings.watchdog.enabled is false.

TEST ONLY: the environment variable TFREVIEW_TEST_SLOW_SOURCE_SECONDS wraps every source in a delay so
crash tests can kill a worker mid-review (see `tfreview.sources.slow`). Never set it in production.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from tfreview.core.errors import ConfigError, TfreviewError
from tfreview.core.ports import Advisor, HealthCheck, JobQueue, PlanSource, PlanStore, Publisher
from tfreview.ops.recorder import Recorder
from tfreview.publish.log import LogPublisher
from tfreview.services import CatchUp, Services
from tfreview.settings import Settings
from tfreview.sources.slow import SLOW_SOURCE_ENV, SlowPlanSource
from tfreview.sources.unconfigured import github_not_configured, spacelift_not_configured
from tfreview.sources.uploaded import UploadedPlanSource
from tfreview.store.clock import Clock, utcnow

if TYPE_CHECKING:
    import httpx

    from tfreview.integrations.github.client import GitHubClient
    from tfreview.integrations.spacelift.reconcile import SpaceliftReconciler
    from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
    from tfreview.ops.incidents import Incidents, Leases
    from tfreview.ops.metrics import PrometheusRecorder
    from tfreview.ops.notify.message import Notifier
    from tfreview.ops.services import OpsServices
    from tfreview.ops.signals import QueueSignals
    from tfreview.ops.watchdog import SampleSource

logger = logging.getLogger("tfreview.wiring")


@dataclass
class WiredServices(Services):
    """Services plus what must be released at shutdown (`close()`: the database pool, HTTP clients)."""

    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        while self.closers:
            closer = self.closers.pop()
            try:
                closer()
            except Exception as exc:  # shutting down: report and go on releasing the rest
                logger.warning("closing a service failed: %s", type(exc).__name__)


class DatabaseCheck:
    """Readiness: the database answers a trivial query."""

    name = "database"

    def __init__(self, ping: Callable[[], None]) -> None:
        self._ping = ping

    def check(self) -> tuple[bool, str]:
        try:
            self._ping()
        except TfreviewError as exc:
            return False, str(exc)
        except Exception as exc:  # any driver failure means "not ready"; the detail stays in the logs
            return False, f"database unavailable ({type(exc).__name__})"
        return True, "ok"


class QueueCheck:
    """Readiness detail: how many jobs are queued or running (healthy while the queue answers)."""

    name = "queue"

    def __init__(self, queue: JobQueue) -> None:
        self._queue = queue

    def check(self) -> tuple[bool, str]:
        try:
            return True, f"{self._queue.depth()} job(s) queued or running"
        except TfreviewError as exc:
            return False, str(exc)
        except Exception as exc:  # any failure means "not ready"
            return False, f"queue unavailable ({type(exc).__name__})"


def build_services(settings: Settings, *, clock: Clock | None = None) -> WiredServices:
    """Adapters for `settings`: the database at settings.database.url (refusing a non-durable SQLite).

    The schema must be migrated already (`tfreview db upgrade`; `serve` does it at start on SQLite).
    `clock` is for tests that move time by hand; every store adapter shares it."""
    import httpx

    from tfreview.identity import build_authenticator
    from tfreview.store.database import Database
    from tfreview.store.intake import SqlIntake
    from tfreview.store.jobs import SqlJobQueue
    from tfreview.store.plans import SqlPlanStore
    from tfreview.store.reviews import SqlReviewStore
    from tfreview.store.tenants import SqlTenants
    from tfreview.store.tokens import SqlTokens

    prometheus = build_prometheus(settings)
    db = Database(
        settings.database.url,
        settings.database.busy_timeout_ms,
        pool_size=settings.database.pool_size,
        connect_timeout_seconds=settings.database.connect_timeout_seconds,
        metrics=prometheus,
    )
    closers: list[Callable[[], None]] = [db.close]
    try:
        db.check_durability()
        now = clock or utcnow
        queue = SqlJobQueue(db, settings.worker, clock=now)
        reviews = SqlReviewStore(db, clock=now)
        tokens = SqlTokens(db, clock=now)
        plans = SqlPlanStore(db, clock=now)
        health: list[HealthCheck] = [DatabaseCheck(db.ping), QueueCheck(queue)]
        http = httpx.Client(timeout=settings.auth.jwks_timeout_seconds, follow_redirects=False)
        closers.append(http.close)
        authenticator, jwks = build_authenticator(settings.auth, tokens, http, prometheus)
        if jwks is not None:
            health.append(jwks)
        services = WiredServices(
            settings=settings,
            intake=SqlIntake(db, clock=now),
            reviews=reviews,
            queue=queue,
            tokens=tokens,
            tenants=SqlTenants(db, clock=now),
            plans=plans,
            publisher=LogPublisher(),
            authenticator=authenticator,
            sources=build_sources(plans),
            health_checks=health,
            closers=closers,
            advisor=build_review_advisor(settings, prometheus),
        )
        if prometheus is not None:
            from tfreview.store.queue_signals import SqlQueueSignals

            deadline = timedelta(seconds=settings.worker.review_deadline_seconds)
            _expose(services, prometheus, SqlQueueSignals(db, deadline, clock=now))
        wire_integrations(services)
        from tfreview.store.incidents import SqlIncidents, SqlLeases

        wire_ops(services, SqlIncidents(db, clock=now), SqlLeases(db, clock=now), clock=now)
        return services
    except BaseException:
        for closer in reversed(closers):
            closer()
        raise


def build_memory_services(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    publisher: Publisher | None = None,
    sources: Mapping[str, PlanSource] | None = None,
) -> WiredServices:
    """The same container on the in-memory adapters (one shared clock), for tests of every part."""
    from tfreview.identity import BearerAuthenticator
    from tfreview.store.memory import (
        MemoryIntake,
        MemoryJobQueue,
        MemoryPlanStore,
        MemoryReviewStore,
        MemoryTenants,
        MemoryTokens,
    )

    settings = settings or Settings()
    now = clock or utcnow
    queue = MemoryJobQueue(settings.worker, clock=now)
    reviews = MemoryReviewStore(clock=now)
    tokens = MemoryTokens(clock=now)
    plans = MemoryPlanStore(clock=now)
    prometheus = build_prometheus(settings)
    services = WiredServices(
        settings=settings,
        intake=MemoryIntake(queue, reviews, clock=now),
        reviews=reviews,
        queue=queue,
        tokens=tokens,
        tenants=MemoryTenants(clock=now),
        plans=plans,
        publisher=publisher if publisher is not None else LogPublisher(),
        authenticator=BearerAuthenticator(None, tokens),
        sources=dict(sources) if sources is not None else build_sources(plans),
        health_checks=[QueueCheck(queue)],
        advisor=build_review_advisor(settings, prometheus),
    )
    if prometheus is not None:
        from tfreview.ops.signals import memory_queue_signals

        deadline = timedelta(seconds=settings.worker.review_deadline_seconds)
        _expose(services, prometheus, lambda: memory_queue_signals(queue, reviews, now(), deadline))
    # a test that hands in its own publisher or sources keeps them; configured integrations add the rest
    wire_integrations(services, keep_publisher=publisher is not None, keep_sources=sources is not None)
    from tfreview.store.memory_incidents import MemoryIncidents, MemoryLeases

    wire_ops(services, MemoryIncidents(clock=now), MemoryLeases(clock=now), clock=now)
    return services


def build_prometheus(settings: Settings) -> PrometheusRecorder | None:
    """The metrics recorder (tfreview.ops.metrics) unless `metrics.enabled` is false (then services keep
    the NullRecorder and /metrics answers 404)."""
    if not settings.metrics.enabled:
        return None
    from tfreview.ops.metrics import PrometheusRecorder

    return PrometheusRecorder()


def _expose(services: WiredServices, recorder: PrometheusRecorder, signals: Callable[[], QueueSignals]) -> None:
    """Mount the recorder on the services: what they count, the DB-derived gauges and the /metrics text."""
    from tfreview.ops.metrics import QueueCollector

    def on_error(exc: Exception) -> None:
        logger.warning("metrics: the queue signals could not be read: %s", type(exc).__name__)

    recorder.add_collector(QueueCollector(signals, on_error))
    services.metrics = recorder
    services.exposition = recorder.exposition
    services.closers.append(recorder.process_exited)  # multiprocess: this process's live gauges go


def announce_process(services: Services, role: str) -> None:
    """`tfreview_build_info{version, role} 1` while this process runs (`serve`, `worker`)."""
    import tfreview

    services.metrics.set("tfreview_build_info", 1, version=getattr(tfreview, "__version__", "0"), role=role)


def build_review_advisor(settings: Settings, metrics: Recorder | None = None) -> Advisor:
    """The advisor the workers use: `settings.advisor.name` (builtin, the offline default, or a model chain)."""
    from tfreview.advisor.factory import build_advisor

    return build_advisor(settings.advisor.name, settings.advisor, metrics=metrics)


def build_sources(plans: PlanStore, environ: Mapping[str, str] | None = None) -> dict[str, PlanSource]:
    """Plan sources by SourceInfo.kind. GitHub and Spacelift refuse clearly until their integrations exist."""
    sources: dict[str, PlanSource] = {
        "api": UploadedPlanSource(plans),
        "github": github_not_configured(),
        "spacelift": spacelift_not_configured(),
    }
    delay = _test_slow_source_seconds(os.environ if environ is None else environ)
    if delay:
        logger.warning("%s is set: every plan source sleeps %g s first (tests only)", SLOW_SOURCE_ENV, delay)
        sources = {kind: SlowPlanSource(source, delay) for kind, source in sources.items()}
    return sources


def _test_slow_source_seconds(environ: Mapping[str, str]) -> float:
    text = environ.get(SLOW_SOURCE_ENV, "").strip()
    if not text:
        return 0.0
    try:
        seconds = float(text)
    except ValueError:
        raise ConfigError(f"{SLOW_SOURCE_ENV} must be a number of seconds, got {text!r}") from None
    if not 0 <= seconds <= 3600:
        raise ConfigError(f"{SLOW_SOURCE_ENV} must be between 0 and 3600 seconds")
    return seconds


# --- GitHub and Spacelift -------------------------------------------------------------------------


def wire_integrations(
    services: WiredServices,
    *,
    keep_publisher: bool = False,
    keep_sources: bool = False,
    http: httpx.Client | None = None,
) -> None:
    """Mount the configured integrations into `services`: plan sources, the routing publisher and the
    reconcilers (see the module docstring). Nothing changes when neither integration is configured.
    `http` (tests) replaces the outbound HTTP clients; otherwise each integration gets its own, closed
    with the services."""
    settings = services.settings
    github = settings.github_app
    spacelift = settings.spacelift_api
    if github.mode == "off" and not spacelift.enabled:
        return
    from tfreview.integrations.publishers import RoutingPublisher

    routes: dict[str, list[Publisher]] = {}
    sources = dict(services.sources)
    github_publisher: Publisher | None = None
    if github.mode != "off":
        github_publisher = _wire_github(services, sources, http)
        routes["github"] = [github_publisher]
    if spacelift.enabled:
        _wire_spacelift(services, sources, routes, github_publisher, http)
    if not keep_sources:
        services.sources = sources
    if not keep_publisher:
        services.publisher = RoutingPublisher(routes, always=[LogPublisher()])
    logger.info(
        "integrations: %s; publishing %s",
        ", ".join(f"{kind} source {type(source).__name__}" for kind, source in sorted(services.sources.items())),
        ", ".join(f"{kind} → {'+'.join(type(p).__name__ for p in ps)}" for kind, ps in sorted(routes.items())) or "-",
    )


def _outbound_http(services: WiredServices, http: httpx.Client | None, timeout: float, upstream: str) -> httpx.Client:
    if http is not None:
        return http
    import httpx

    from tfreview.ops.upstream import CountingTransport

    transport = CountingTransport(httpx.HTTPTransport(retries=0), services.metrics, upstream)
    client = httpx.Client(timeout=timeout, follow_redirects=False, transport=transport)
    services.closers.append(client.close)
    return client


def _wire_github(services: WiredServices, sources: dict[str, PlanSource], http: httpx.Client | None) -> Publisher:
    from tfreview.integrations.github.auth import AppAuth, GitHubAuth, TokenAuth
    from tfreview.integrations.github.client import GitHubClient
    from tfreview.integrations.github.marker import AppIdentity
    from tfreview.integrations.github.publisher import GitHubPublisher
    from tfreview.integrations.github.ratelimit import RateLimiter
    from tfreview.integrations.github.reconcile import DeliveryReconciler, PermissionCheck, PullRequestReconciler
    from tfreview.integrations.github.source import GitHubPlanSource

    settings = services.settings.github_app
    client_http = _outbound_http(services, http, settings.request_timeout_seconds, "github")
    auth: GitHubAuth
    app_auth: AppAuth | None = None
    if settings.mode == "app":
        auth = app_auth = AppAuth(settings, client_http)
    else:
        token = settings.token_source()
        if token is None:  # mode "token" means a token source is set
            raise ConfigError("github_app.token is not set")
        auth = TokenAuth(token)
    limiter = RateLimiter(
        writes_per_minute=settings.writes_per_minute,
        writes_per_hour=settings.writes_per_hour,
        max_wait_seconds=settings.max_rate_limit_wait_seconds,
    )
    app_client = GitHubClient(client_http, settings.api_url, auth, limiter=limiter)
    clients = GitHubClients(app_client, app=app_auth is not None)
    sources["github"] = GitHubPlanSource(clients)
    identity = None
    if settings.mode == "token":
        if not settings.token_login:
            raise ConfigError(
                "github_app.token_login is required with a plain token: tfreview finds its own "
                "comment by its author's login (TFREVIEW_GITHUB_APP__TOKEN_LOGIN)"
            )
        identity = AppIdentity(login=settings.token_login)
    publisher = GitHubPublisher(clients, settings, identity=identity)
    if app_auth is not None:
        services.reconcilers.extend(
            [
                PermissionCheck(app_client, app_auth),
                DeliveryReconciler(app_client, services),
                PullRequestReconciler(app_client, services),
            ]
        )
    else:
        logger.warning(
            "GitHub: a plain token is configured: no delivery or pull-request reconciler (they need a GitHub App)"
        )
    logger.info("GitHub: %s at %s", f"App {settings.app_id}" if app_auth else "a plain token", settings.api_url)
    return publisher


def _wire_spacelift(
    services: WiredServices,
    sources: dict[str, PlanSource],
    routes: dict[str, list[Publisher]],
    github_publisher: Publisher | None,
    http: httpx.Client | None,
) -> None:
    from tfreview.integrations.spacelift.client import SpaceliftClient
    from tfreview.integrations.spacelift.combined import PullRequestCombiner
    from tfreview.integrations.spacelift.crosscheck import SpaceliftCheckedPlanSource
    from tfreview.integrations.spacelift.publisher import SpaceliftPublisher
    from tfreview.integrations.spacelift.reconcile import SpaceliftReconciler

    settings = services.settings.spacelift_api
    client = SpaceliftClient(_outbound_http(services, http, settings.timeout_seconds, "spacelift"), settings)
    if "api" in sources:
        sources["api"] = SpaceliftCheckedPlanSource(sources["api"], client)
    run_publisher = SpaceliftPublisher(client, settings)
    spacelift_route: list[Publisher] = [run_publisher]
    if github_publisher is not None:
        # one PR comment: a PR's HCL review and its proposed run's plan review, combined (whichever ends last)
        combiner = PullRequestCombiner(github_publisher, services.reviews, client, settings)
        routes["github"] = [combiner]
        spacelift_route.append(combiner)
    routes["spacelift"] = spacelift_route
    routes["api"] = [run_publisher]  # an upload naming a stack and a run (it ignores the others)
    services.reconcilers.append(SpaceliftRunReconciler(SpaceliftReconciler(client, services, settings), settings))
    logger.info("Spacelift: account %s, %d stack(s) reconciled", settings.account, len(settings.stacks))


class GitHubClients:
    """`clients(installation_id)`: the client acting as that installation (one per installation, shared
    HTTP pool, auth and rate limiter). None — a review whose tenant is not an installation, e.g. a
    Spacelift run combined into a PR — is the App's only installation, or refused when there are several;
    with a plain token every call is the token's."""

    def __init__(self, client: GitHubClient, *, app: bool) -> None:
        self._client = client
        self._app = app
        self._lock = threading.Lock()
        self._by_installation: dict[int, GitHubClient] = {}

    def __call__(self, installation_id: int | None) -> GitHubClient:
        if not self._app:
            return self._client
        if installation_id is None:
            installations = [i for i in self._client.list_installations() if not i.suspended]
            if len(installations) != 1:
                raise ConfigError(
                    f"this review names no GitHub App installation and the App has {len(installations)}: "
                    "cannot tell which one to use"
                )
            installation_id = installations[0].id
        with self._lock:
            found = self._by_installation.get(installation_id)
            if found is None:
                found = self._by_installation[installation_id] = self._client.for_installation(installation_id)
            return found


class SpaceliftRunReconciler:
    """`SpaceliftReconciler` under the scheduler's Reconciler protocol."""

    name = "spacelift-runs"

    def __init__(self, reconciler: SpaceliftReconciler, settings: SpaceliftApiSettings) -> None:
        self.reconciler = reconciler
        self.interval_seconds = settings.reconcile_seconds

    def run_once(self) -> CatchUp:
        result = self.reconciler.run_once()
        return CatchUp(
            self.name,
            examined=len(result.enqueued) + len(result.waiting),
            acted=len(result.enqueued),
            skipped=len(result.waiting),
            errors=len(result.errors),
        )


# --- operations: incidents, notifiers, the watchdog ------------------------------------------------


def wire_ops(
    services: WiredServices,
    incidents: Incidents,
    leases: Leases,
    *,
    clock: Clock = utcnow,
    http: httpx.Client | None = None,
    source: SampleSource | None = None,
    sleep: Callable[[float], None] | None = None,
    sns_client: object | None = None,
) -> OpsServices:
    """`services.ops`: the incident store, the dispatcher over the configured notifiers and (unless
    disabled) the watchdog. `http`, `source`, `sleep` and `sns_client` are for tests."""
    import socket
    import time

    from tfreview.ops.actions import Actions
    from tfreview.ops.alert_table import load_alert_table
    from tfreview.ops.notify.delivery import RetryPolicy
    from tfreview.ops.notify.dispatcher import Dispatcher
    from tfreview.ops.services import OpsServices, WatchdogCheck
    from tfreview.ops.watchdog import Watchdog, WatchdogConfig

    settings = services.settings
    notify = settings.notify
    client = http
    if client is None:  # notifier outcomes are counted by the dispatcher (tfreview_notifier_failures_total)
        import httpx

        client = httpx.Client(
            timeout=notify.timeout_seconds, follow_redirects=False, transport=httpx.HTTPTransport(retries=0)
        )
        services.closers.append(client.close)
    recorder = services.metrics

    def on_outcome(notifier: str, event: str, ok: bool) -> None:
        if not ok:
            recorder.count("tfreview_notifier_failures_total", notifier=notifier)

    dispatcher = Dispatcher(
        build_notifiers(settings, client, sns_client=sns_client),
        incidents,
        public_url=settings.server.public_url,
        policy=RetryPolicy(
            notify.attempts, notify.backoff_base_seconds, notify.backoff_cap_seconds, notify.max_retry_after_seconds
        ),
        sleep=sleep or time.sleep,
        on_outcome=on_outcome,
    )
    services.closers.append(dispatcher.close)
    ops = OpsServices(incidents, leases, dispatcher, heartbeat_stale_seconds=settings.watchdog.heartbeat_stale_seconds)
    watchdog_settings = settings.watchdog
    if watchdog_settings.enabled:
        if source is None:
            source = _metric_source(services)
        ops.watchdog = Watchdog(
            load_alert_table(),
            source,
            incidents,
            leases,
            dispatcher,
            Actions(),
            owner=f"{socket.gethostname()}:{os.getpid()}:{id(services):x}",
            config=WatchdogConfig(
                interval_seconds=watchdog_settings.interval_seconds,
                lease_seconds=watchdog_settings.lease_seconds,
                keep_firing_seconds=watchdog_settings.keep_firing_seconds,
                skip=frozenset(watchdog_settings.skip),
                escalation_channels={k: tuple(v) for k, v in watchdog_settings.escalation_channels.items()},
            ),
            clock=clock,
            on_heartbeat=lambda at: recorder.set("tfreview_watchdog_heartbeat_timestamp_seconds", at),
        )
        services.health_checks.append(WatchdogCheck(leases, watchdog_settings.heartbeat_stale_seconds, clock=clock))
    services.ops = ops
    return ops


def _metric_source(services: WiredServices) -> SampleSource:
    """The scrape of this host's metrics (the /metrics text) when metrics are on; else nothing (the watchdog
    then sees only its own heartbeat, and says so)."""
    from tfreview.ops.samples import exposition_samples

    if services.exposition is not None:
        return exposition_samples(services.exposition)
    logger.warning("watchdog: metrics are off (TFREVIEW_METRICS__ENABLED=false): no alert of the table can fire")
    return list


def build_notifiers(settings: Settings, http: httpx.Client, *, sns_client: object | None = None) -> list[Notifier]:
    """One notifier per configured destination (settings.notify); ConfigError on half a configuration."""
    from tfreview.ops.notify.pagerduty import PagerDutyNotifier
    from tfreview.ops.notify.slack import SlackNotifier
    from tfreview.ops.notify.smtp import SmtpNotifier
    from tfreview.ops.notify.sns import SnsNotifier
    from tfreview.ops.notify.webhook import WebhookNotifier

    notify = settings.notify
    found: list[Notifier] = []

    if notify.slack.webhook_url is not None:
        found.append(
            SlackNotifier(
                http,
                notify.slack.webhook_url.get_secret_value(),
                channels=frozenset(notify.slack.channels),
                levels=frozenset(notify.slack.levels),
            )
        )
    if notify.pagerduty.routing_key is not None:
        found.append(
            PagerDutyNotifier(
                http,
                notify.pagerduty.routing_key.get_secret_value(),
                source=settings.server.public_url,
                events_url=notify.pagerduty.events_url,
                channels=frozenset(notify.pagerduty.channels),
                levels=frozenset(notify.pagerduty.levels),
            )
        )
    if notify.sns.topic_arn:
        found.append(
            SnsNotifier(
                notify.sns.topic_arn,
                region=notify.sns.region or _arn_region(notify.sns.topic_arn),
                endpoint_url=notify.sns.endpoint_url,
                timeout_seconds=notify.timeout_seconds,
                client=sns_client,
                channels=frozenset(notify.sns.channels),
                levels=frozenset(notify.sns.levels),
            )
        )
    smtp = notify.smtp
    if smtp.host:
        if not smtp.recipients:
            raise ConfigError(
                "notify.smtp.host is set but notify.smtp.recipients is empty (TFREVIEW_NOTIFY__SMTP__RECIPIENTS)"
            )
        found.append(
            SmtpNotifier(
                smtp.host,
                smtp.port,
                sender=smtp.sender,
                recipients=tuple(smtp.recipients),
                security=smtp.security,
                username=smtp.username,
                password=smtp.password.get_secret_value() if smtp.password is not None else None,
                timeout_seconds=notify.timeout_seconds,
                channels=frozenset(smtp.channels),
                levels=frozenset(smtp.levels),
            )
        )
    if notify.webhook.url:
        if notify.webhook.secret is None:
            raise ConfigError("notify.webhook.url is set without notify.webhook.secret: receivers could not verify it")
        found.append(
            WebhookNotifier(
                http,
                notify.webhook.url,
                notify.webhook.secret.get_secret_value(),
                channels=frozenset(notify.webhook.channels),
                levels=frozenset(notify.webhook.levels),
            )
        )
    if found:
        logger.info("notifiers: %s", ", ".join(f"{n.name} ({'+'.join(sorted(n.channels))})" for n in found))
    else:
        logger.warning("no notifier configured: incidents are recorded but nobody is told (docs/howto/alerts.md)")
    return found


def _arn_region(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[3] if len(parts) > 5 and parts[3] else None
