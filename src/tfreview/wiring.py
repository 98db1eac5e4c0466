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

TEST ONLY: the environment variable TFREVIEW_TEST_SLOW_SOURCE_SECONDS wraps every source in a delay so
crash tests can kill a worker mid-review (see `tfreview.sources.slow`). Never set it in production.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from tfreview.core.errors import ConfigError
from tfreview.core.ports import Advisor
from tfreview.ops.recorder import Recorder
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.service import HealthCheck, PlanSource, PlanStore, Publisher
from tfreview.publish.log import LogPublisher
from tfreview.service.container import Services
from tfreview.settings import Settings
from tfreview.sources.slow import SLOW_SOURCE_ENV, SlowPlanSource
from tfreview.sources.unconfigured import github_not_configured, spacelift_not_configured
from tfreview.sources.uploaded import UploadedPlanSource
from tfreview.store.health import DatabaseCheck, QueueCheck

if TYPE_CHECKING:
    import httpx

    from tfreview.ops.metrics import PrometheusRecorder
    from tfreview.ops.signals import QueueSignals

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


def build_services(settings: Settings, *, clock: Clock | None = None) -> WiredServices:
    """Adapters for `settings`: the database at settings.database.url (refusing a non-durable SQLite).

    The schema must be migrated already (`tfreview db upgrade`; `serve` does it at start on SQLite).
    `clock` is for tests that move time by hand; every store adapter shares it."""
    import httpx

    from tfreview.identity.factory import build_authenticator
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
    from tfreview.identity.authenticator import BearerAuthenticator
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
    reviews = MemoryReviewStore(clock=now)
    queue = MemoryJobQueue(settings.worker, clock=now, reviews=reviews)
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
    from tfreview.plumbing.http import outbound_client

    transport = CountingTransport(httpx.HTTPTransport(retries=0), services.metrics, upstream)
    client = outbound_client(timeout=timeout, transport=transport)
    services.closers.append(client.close)
    return client


def _wire_github(services: WiredServices, sources: dict[str, PlanSource], http: httpx.Client | None) -> Publisher:
    from tfreview.integrations.github.auth import AppAuth, GitHubAuth, TokenAuth
    from tfreview.integrations.github.client import GitHubClient
    from tfreview.integrations.github.marker import AppIdentity
    from tfreview.integrations.github.publisher import GitHubPublisher
    from tfreview.integrations.github.ratelimit import RateLimiter
    from tfreview.integrations.github.source import GitHubPlanSource
    from tfreview.service.github_reconcilers import DeliveryReconciler, PermissionCheck, PullRequestReconciler

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
    from tfreview.integrations.github.clients import GitHubClients

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
    from tfreview.service.spacelift_reconciler import SpaceliftReconciler, SpaceliftRunReconciler

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
