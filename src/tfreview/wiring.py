"""The ONLY place adapters are chosen. `tfreview serve`, `tfreview worker` and the tests build services here.

    build_services(settings)          the real thing: SQLite or PostgreSQL (Sql* adapters), OIDC when
                                      configured plus API tokens, the LogPublisher, the `api` upload source
    build_memory_services(...)        the same container on the in-memory adapters, for tests

GitHub and Spacelift sources are wired as honest refusals until their integrations exist: a review from
them fails permanently with "… is not configured yet" instead of pretending to succeed.

TEST ONLY: the environment variable TFREVIEW_TEST_SLOW_SOURCE_SECONDS wraps every source in a delay so
crash tests can kill a worker mid-review (see `tfreview.sources.slow`). Never set it in production.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tfreview.core.errors import ConfigError, TfreviewError
from tfreview.core.ports import Advisor, HealthCheck, JobQueue, PlanSource, PlanStore, Publisher
from tfreview.publish.log import LogPublisher
from tfreview.services import Services
from tfreview.settings import Settings
from tfreview.sources.slow import SLOW_SOURCE_ENV, SlowPlanSource
from tfreview.sources.unconfigured import github_not_configured, spacelift_not_configured
from tfreview.sources.uploaded import UploadedPlanSource
from tfreview.store.clock import Clock, utcnow

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

    db = Database(
        settings.database.url,
        settings.database.busy_timeout_ms,
        pool_size=settings.database.pool_size,
        connect_timeout_seconds=settings.database.connect_timeout_seconds,
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
        authenticator, jwks = build_authenticator(settings.auth, tokens, http)
        if jwks is not None:
            health.append(jwks)
        return WiredServices(
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
            advisor=build_review_advisor(settings),
        )
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
    return WiredServices(
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
        advisor=build_review_advisor(settings),
    )


def build_review_advisor(settings: Settings) -> Advisor:
    """The advisor the workers use: `settings.advisor.name` (builtin, the offline default, or a model chain)."""
    from tfreview.advisor.factory import build_advisor

    return build_advisor(settings.advisor.name, settings.advisor)


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
