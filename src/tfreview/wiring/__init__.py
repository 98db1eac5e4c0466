"""The ONLY place adapters are chosen. `tfreview serve`, `tfreview worker` and the tests build services here.

    build_services(settings)          the real thing: SQLite or PostgreSQL (Sql* adapters), OIDC when
                                      configured plus API tokens, the `api` upload source, and the
                                      integrations below
                                      (a dynamodb:// URL: DynamoDB + SQS, tfreview.wiring.aws)
    build_memory_services(...)        the same container on the in-memory adapters, for tests
    build_token_services(settings)    only the token and audit stores on the same database, for the one-shot
                                      commands that use nothing else (`tokens …`; ADR 0701)

Integrations (`tfreview.wiring.integrations`, docs/adr/0033-catching-up.md):

    settings.github_app configured    sources["github"] = GitHubPlanSource; the GitHub publisher for `github`
    (App id + keys, or a token)       reviews; App only: the delivery and pull-request reconcilers and the
                                      S6 permission check (logged at start, then daily)
    settings.spacelift_api configured the Spacelift publisher (run comments) for reviews of a run; the
                                      changesV3 cross-check on uploaded plans of a run; the run reconciler;
                                      with GitHub too: a proposed run's review combined into its PR comment
    neither                           honest refusals: a GitHub or Spacelift review fails permanently with
                                      "… is not configured yet"; reviews are published to the log only

Every review is also published to the log (`LogPublisher`), whatever else publishes it.

Operations (`tfreview.wiring.ops`, docs/adr/0065-incidents-and-notifiers.md): the incident store and
the watchdog's lease on the same database; one notifier per configured destination; the watchdog over
the packaged alert table unless settings.watchdog.enabled is false.

TEST ONLY: the environment variable TFREVIEW_TEST_SLOW_SOURCE_SECONDS wraps every source in a delay so
crash tests can kill a worker mid-review (see `tfreview.sources.slow`). Never set it in production.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, timedelta
from typing import TYPE_CHECKING

from tfreview.core.errors import ConfigError
from tfreview.core.ports import Advisor
from tfreview.ops.recorder import Recorder
from tfreview.ops.signals import QueueSignals
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.audit import AuditTrail
from tfreview.ports.service import AdvisorStatus, HealthCheck, PlanSource, PlanStore, Publisher, Tokens
from tfreview.publish.log import LogPublisher
from tfreview.service.container import Services
from tfreview.service.report_cache import ReportCache
from tfreview.settings import Settings
from tfreview.sources.slow import SLOW_SOURCE_ENV, SlowPlanSource
from tfreview.sources.unconfigured import github_not_configured, spacelift_not_configured
from tfreview.sources.uploaded import UploadedPlanSource
from tfreview.store.health import DatabaseCheck, QueueCheck

if TYPE_CHECKING:
    from tfreview.advisor.token_budget import TokenBudget
    from tfreview.ops.controls import CachedControls, Controls
    from tfreview.ops.metrics import PrometheusRecorder
    from tfreview.ops.signals import QueueSignals
    from tfreview.store.database import Database

logger = logging.getLogger("tfreview.wiring")


class Closers:
    """What must be released at shutdown (the database pool, HTTP clients, writer threads), last added first
    closed. Not a value: a registry the wiring adds to while it builds, shared by every copy of the services."""

    def __init__(self, closers: Sequence[Callable[[], None]] = ()) -> None:
        self._closers = list(closers)

    def add(self, closer: Callable[[], None]) -> None:
        self._closers.append(closer)

    def close_all(self) -> None:
        while self._closers:
            closer = self._closers.pop()
            try:
                closer()
            except Exception as exc:  # shutting down: report and go on releasing the rest
                logger.warning("closing a service failed: %s", type(exc).__name__)


@dataclass(frozen=True)
class WiredServices(Services):
    """Services plus what must be released at shutdown (`close()`: the database pool, HTTP clients)."""

    closers: Closers = field(default_factory=Closers)
    database: Database | None = None  # the SQL database (backups, audits, drills); None on the memory adapters

    def close(self) -> None:
        self.readiness_calls.close()  # a check still on its database connection ends before the pool is disposed
        self.closers.close_all()


def build_services(settings: Settings, *, clock: Clock | None = None) -> WiredServices:
    """Adapters for `settings`: the database at settings.database.url (refusing a non-durable SQLite).

    The schema must be migrated already (`tfreview db upgrade`; `serve` does it at start on SQLite).
    `clock` is for tests that move time by hand; every store adapter shares it. A dynamodb:// URL builds
    the AWS adapters instead (`tfreview.wiring.aws`)."""
    from tfreview.plumbing.http import outbound_client
    from tfreview.wiring.aws import build_aws_services, is_aws

    if is_aws(settings):
        return build_aws_services(settings, clock=clock)

    from tfreview.identity.factory import build_authenticator
    from tfreview.store.database import Database
    from tfreview.store.intake import SqlIntake
    from tfreview.store.jobs import SqlJobQueue
    from tfreview.store.plans import SqlPlanStore
    from tfreview.store.publish_locks import SqlPublishLocks
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
    closers = Closers([db.close])
    try:
        db.check_durability()
        now = clock or utcnow
        queue = SqlJobQueue(db, settings.worker, clock=now)
        reviews = SqlReviewStore(db, clock=now)
        tokens = SqlTokens(db, clock=now)
        plans = SqlPlanStore(db, clock=now)
        from tfreview.store.controls import SqlControls

        controls = SqlControls(db, clock=now)
        tenants = SqlTenants(db, clock=now)
        intake = SqlIntake(db, clock=now, tenants=tenants)  # one tenant cache: the intake writes new tenants
        closers.add(intake.close)  # its writer thread drains and stops before the database closes
        health: list[HealthCheck] = [DatabaseCheck(db.probe_write), QueueCheck(queue)]
        # JWKS and sign-in: each exchange ends within the timeout whole, env proxies honoured (ADR 0508, 0513)
        http = outbound_client(timeout=settings.auth.jwks_timeout_seconds)
        closers.add(http.close)
        authenticator, jwks = build_authenticator(settings.auth, tokens, http, prometheus, tenants)
        if jwks is not None:
            health.append(jwks)
        sign_in = None
        if settings.auth.oidc_issuer and settings.auth.oidc_client_id:
            from tfreview.identity.sign_in import OidcSignIn

            sign_in = OidcSignIn(settings.auth, http)
        from tfreview.store.token_budgets import SqlTokenBudget

        budget = SqlTokenBudget(db, settings.advisor.daily_tokens_per_tenant)  # one budget for every process
        advisor = build_review_advisor(settings, prometheus, _cached(settings, controls, now), budget)
        services = WiredServices(
            settings=settings,
            clock=now,
            publish_locks=SqlPublishLocks(db, clock=now),
            intake=intake,
            reviews=reviews,
            queue=queue,
            tokens=tokens,
            tenants=tenants,
            plans=plans,
            publisher=LogPublisher(),
            authenticator=authenticator,
            sources=build_sources(plans),
            sources_from_settings=True,
            health_checks=tuple(health),
            closers=closers,
            advisor=advisor,
            advisor_status=advisor_status(advisor),
            reports=ReportCache(settings.api.report_cache_bytes),
            sign_in=sign_in,
        )
        from tfreview.store.queue_signals import SqlQueueSignals

        signals = SqlQueueSignals(db, timedelta(seconds=settings.worker.review_deadline_seconds), clock=now)
        if prometheus is not None:
            services = _expose(services, prometheus, signals)
        return _wire_sql_operations(services, db, signals, controls, now)
    except BaseException:
        closers.close_all()
        raise


@dataclass(frozen=True)
class TokenServices:
    """What the one-shot token commands use (`tokens create|list|revoke|revoke-all`, the audit entry of a webhook
    secret's rotation): the token and audit stores, on the adapters `build_services` chooses. Nothing else is built
    (intake writer, job queue, authenticator, door, advisor, integrations, operations: ADR 0701)."""

    tokens: Tokens
    audit: AuditTrail
    closers: Closers = field(default_factory=Closers)

    def close(self) -> None:
        self.closers.close_all()


def build_token_services(settings: Settings, *, clock: Clock | None = None) -> TokenServices:
    """`build_services(settings)`'s token and audit stores alone: the same database (refusing a non-durable
    SQLite), the same clock. A dynamodb:// URL builds the AWS services whole and takes those two from them."""
    from tfreview.wiring.aws import is_aws

    if is_aws(settings):
        whole = build_services(settings, clock=clock)
        return TokenServices(whole.tokens, whole.audit, Closers([whole.close]))

    from tfreview.store.audit_log import SqlAuditTrail
    from tfreview.store.database import Database
    from tfreview.store.tokens import SqlTokens

    # the database's own metrics reach `/metrics` only through prometheus-client's shared directory (the variable
    # `tfreview.ops.metrics.MULTIPROC_ENV` names): without it a one-shot command's recorder dies unread
    shared = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
    prometheus = build_prometheus(settings) if shared else None
    db = Database(
        settings.database.url,
        settings.database.busy_timeout_ms,
        pool_size=settings.database.pool_size,
        connect_timeout_seconds=settings.database.connect_timeout_seconds,
        metrics=prometheus,
    )
    closers = Closers([db.close])
    if prometheus is not None:
        closers.add(prometheus.process_exited)
    try:
        db.check_durability()
        now = clock or utcnow
        return TokenServices(SqlTokens(db, clock=now), SqlAuditTrail(db, clock=now), closers)
    except BaseException:
        closers.close_all()
        raise


def _wire_sql_operations(
    services: WiredServices, db: Database, signals: Callable[[], QueueSignals], controls: Controls, now: Clock
) -> WiredServices:
    """The integrations, the door and the operations (watchdog, incidents) on the database."""
    from tfreview.store.audit_log import SqlAuditTrail
    from tfreview.store.blocks import SqlBlocks
    from tfreview.store.incidents import SqlIncidents, SqlLeases
    from tfreview.store.notify_outbox import SqlOutbox
    from tfreview.store.queue_signals import SqlTenantBacklog
    from tfreview.store.secret_uses import SqlSecretUses
    from tfreview.wiring.door import build_door
    from tfreview.wiring.integrations import wire_integrations
    from tfreview.wiring.ops import wire_ops

    services = wire_integrations(replace(services, audit=SqlAuditTrail(db, clock=now), database=db))
    leases = SqlLeases(db, clock=now)
    backlog = SqlTenantBacklog(db, clock=now)
    door = build_door(services, SqlBlocks(db), signals, leases, backlog)
    services = replace(services, door=door)
    services.closers.add(door.close)  # its reads and writes end before the database closes (flaky16)
    return wire_ops(
        services,
        SqlIncidents(db, clock=now),
        leases,
        clock=now,
        controls=controls,
        outbox=SqlOutbox(db, clock=now),
        secret_uses=SqlSecretUses(db),
    )


def build_memory_services(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    publisher: Publisher | None = None,
    sources: Mapping[str, PlanSource] | None = None,
) -> WiredServices:
    """The same container on the in-memory adapters (one shared clock), for tests of every part."""
    from tfreview.identity.authenticator import BearerAuthenticator
    from tfreview.store.audit_log import MemoryAuditTrail
    from tfreview.store.memory import (
        MemoryJobQueue,
        MemoryPlanStore,
        MemoryReviewStore,
        MemoryTenants,
        MemoryTokens,
    )
    from tfreview.store.memory_intake import MemoryIntake
    from tfreview.store.publish_locks import MemoryPublishLocks

    settings = settings or Settings()
    now = clock or utcnow
    reviews = MemoryReviewStore(clock=now)
    queue = MemoryJobQueue(settings.worker, clock=now, reviews=reviews)
    tokens = MemoryTokens(clock=now)
    plans = MemoryPlanStore(clock=now)
    tenants = MemoryTenants(clock=now)
    prometheus = build_prometheus(settings)
    from tfreview.ops.controls import MemoryControls

    controls = MemoryControls(clock=now)
    advisor = build_review_advisor(settings, prometheus, _cached(settings, controls, now))
    services = WiredServices(
        clock=now,
        publish_locks=MemoryPublishLocks(clock=now),
        settings=settings,
        intake=MemoryIntake(queue, reviews, clock=now, tenants=tenants),
        reviews=reviews,
        queue=queue,
        tokens=tokens,
        tenants=tenants,
        plans=plans,
        publisher=publisher if publisher is not None else LogPublisher(),
        authenticator=BearerAuthenticator(None, tokens),
        sources=dict(sources) if sources is not None else build_sources(plans),
        sources_from_settings=sources is None,  # a test's own sources: no review process could build them again
        health_checks=(QueueCheck(queue),),
        audit=MemoryAuditTrail(clock=now),
        advisor=advisor,
        advisor_status=advisor_status(advisor),
        reports=ReportCache(settings.api.report_cache_bytes),
    )
    from tfreview.ops.signals import memory_queue_signals

    deadline = timedelta(seconds=settings.worker.review_deadline_seconds)

    def signals() -> QueueSignals:
        return memory_queue_signals(queue, reviews, now(), deadline)

    if prometheus is not None:
        services = _expose(services, prometheus, signals)
    # a test that hands in its own publisher or sources keeps them; configured integrations add the rest
    from tfreview.wiring.integrations import wire_integrations

    services = wire_integrations(services, keep_publisher=publisher is not None, keep_sources=sources is not None)
    from tfreview.store.blocks import MemoryBlocks
    from tfreview.store.memory_incidents import MemoryIncidents, MemoryLeases
    from tfreview.wiring.door import build_door
    from tfreview.wiring.ops import wire_ops

    leases = MemoryLeases(clock=now)
    door = build_door(services, MemoryBlocks(), signals, leases)
    services = replace(services, door=door)
    services.closers.add(door.close)
    return wire_ops(services, MemoryIncidents(clock=now), leases, clock=now, controls=controls)


def build_prometheus(settings: Settings) -> PrometheusRecorder | None:
    """The metrics recorder (tfreview.ops.metrics) unless `metrics.enabled` is false (then services keep
    the NullRecorder and /metrics answers 404)."""
    if not settings.metrics.enabled:
        return None
    from tfreview.ops.alert_table import load_alert_table
    from tfreview.ops.metrics import PrometheusRecorder
    from tfreview.ops.zero_series import zero_series
    from tfreview.wiring.ops import alerted_label_values

    recorder = PrometheusRecorder()
    recorder.start_at_zero(zero_series(load_alert_table(), alerted_label_values(settings)).series)  # ADR 0614, 0634
    return recorder


def _expose(
    services: WiredServices, recorder: PrometheusRecorder, signals: Callable[[], QueueSignals]
) -> WiredServices:
    """Mount the recorder on the services: what they count, the DB-derived gauges and the /metrics text."""
    from tfreview.ops.metrics import QueueCollector

    def on_error(exc: Exception) -> None:
        logger.warning("metrics: the queue signals could not be read: %s", type(exc).__name__)

    recorder.add_collector(QueueCollector(signals, on_error))
    publish_secret_expiry(recorder, services.settings)
    services.closers.add(recorder.process_exited)  # multiprocess: this process's live gauges go
    return replace(services, metrics=recorder, exposition=recorder.exposition)


def publish_secret_expiry(recorder: Recorder, settings: Settings) -> list[str]:
    """`tfreview_secret_expiry_timestamp_seconds{secret}` for each configured secret whose versions all carry a
    `not_after` (the newest one's end: after it, no version is valid); a version without an end never expires,
    and a secret without versions is not configured — neither is published. The kinds published.

    Only the webhook secrets have versions with a `not_after` in the settings today; API tokens' expiry is
    per token (stored), model keys and the GitHub App key have none to read."""
    published = []
    for kind, versions in (
        ("github_webhook", settings.github.webhook_secrets),
        ("spacelift_webhook", settings.spacelift.webhook_secrets),
    ):
        ends = [v.not_after for v in versions]
        if not ends or any(end is None for end in ends):
            continue
        newest = max(end if end.tzinfo else end.replace(tzinfo=UTC) for end in ends if end is not None)
        recorder.set("tfreview_secret_expiry_timestamp_seconds", newest.timestamp(), secret=kind)
        published.append(kind)
    return published


def announce_process(services: Services, role: str) -> None:
    """`tfreview_build_info{version, role} 1` while this process runs (`serve`, `worker`)."""
    import tfreview

    services.metrics.set("tfreview_build_info", 1, version=getattr(tfreview, "__version__", "0"), role=role)


def build_review_advisor(
    settings: Settings,
    metrics: Recorder | None = None,
    controls: CachedControls | None = None,
    budget: TokenBudget | None = None,
) -> Advisor:
    """The advisor the workers use: `settings.advisor.name` (builtin, the offline default, or a model chain),
    consulting the shared controls (AI paused, breakers held open) when given, spending the tenants' daily token
    budget in `budget` (the shared database's; one in this process's memory when None)."""
    from tfreview.advisor.factory import build_advisor

    return build_advisor(
        settings.advisor.name, settings.advisor, metrics=metrics, controls=controls, budget_store=budget
    )


def advisor_status(advisor: Advisor) -> AdvisorStatus | None:
    """The dashboard's view of a model chain (its breakers and budgets); None for the builtin reviewer."""
    from tfreview.advisor.chain import LlmAdvisor

    return advisor if isinstance(advisor, LlmAdvisor) else None


def _cached(settings: Settings, controls: Controls, clock: Clock) -> CachedControls:
    from tfreview.ops.controls import CachedControls

    return CachedControls(controls, ttl_seconds=settings.watchdog.controls_cache_seconds, clock=clock)


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
