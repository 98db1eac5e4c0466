"""The container of the service's adapters. Built in ONE place (`tfreview.wiring`), passed to the
web app and the workers; tests build it from fakes and in-memory adapters instead of monkeypatching."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from tfreview.core.ports import Advisor
from tfreview.ops.recorder import NullRecorder, Recorder
from tfreview.plumbing.calls_in_flight import CallsInFlight
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.audit import AuditTrail
from tfreview.ports.review_processes import ReviewProcesses
from tfreview.ports.service import (
    AdvisorStatus,
    Authenticator,
    HealthCheck,
    Intake,
    JobQueue,
    PlanSource,
    PlanStore,
    Publisher,
    PublishLocks,
    Redelivery,
    ReviewStore,
    SignInProvider,
    Tenants,
    Tokens,
)
from tfreview.service.report_cache import ReportCache
from tfreview.settings import Settings
from tfreview.store.audit_entries import MemoryAuditTrail

if TYPE_CHECKING:
    from tfreview.door.door import Door
    from tfreview.ops.services import OpsServices


@dataclass(frozen=True, slots=True)
class CatchUp:
    """What one run of a reconciler found and did (for logs, `tfreview reconcile` and tests)."""

    name: str
    examined: int = 0  # deliveries, pull requests or runs looked at
    acted: int = 0  # redelivered or enqueued
    skipped: int = 0  # already processed or already reviewed: nothing to do
    errors: int = 0  # items that failed this time (tried again next period)

    def summary(self) -> str:
        return f"{self.examined} examined, {self.acted} caught up, {self.skipped} already done, {self.errors} failed"


class Reconciler(Protocol):
    """Catches up on what webhooks missed; idempotent, run every `interval_seconds` by the scheduler."""

    name: str
    interval_seconds: float

    def run_once(self) -> CatchUp: ...


@dataclass(frozen=True)
class Services:
    """Frozen: wiring builds it once (a later part is added with `dataclasses.replace`), and a test that swaps an
    adapter builds a new container the same way."""

    settings: Settings
    intake: Intake
    reviews: ReviewStore
    queue: JobQueue
    tokens: Tokens
    tenants: Tenants
    plans: PlanStore
    publisher: Publisher
    authenticator: Authenticator
    sources: Mapping[str, PlanSource] = field(default_factory=dict)  # by SourceInfo.kind
    # the sources are those `settings` build (wiring's, not a test's own): a review process can build them again
    sources_from_settings: bool = False
    # GitHub reviews' fetch and rules in child processes (ADR 0689; the workers add them); None: on the worker thread
    review_processes: ReviewProcesses | None = None
    health_checks: tuple[HealthCheck, ...] = ()
    advisor: Advisor | None = None  # None: rules only (the review is then `completed`, no AI part)
    reconcilers: tuple[Reconciler, ...] = ()  # run by the scheduler and `tfreview reconcile`
    sign_in: SignInProvider | None = None  # the dashboard's OIDC sign-in; None: API-token sign-in only
    metrics: Recorder = field(default_factory=NullRecorder)  # tfreview.ops.recorder; Prometheus when enabled
    exposition: Callable[[], bytes] | None = None  # GET /metrics: the scrape's text; None: metrics are off
    publish_locks: PublishLocks | None = None  # the per-target publish lease (None: no other process publishes)
    clock: Clock = utcnow  # the stores' clock (jobs' created_at, run_after): tests move it by hand
    ops: OpsServices | None = None  # incidents, notifiers, the watchdog (tfreview.ops; wired in wiring.py)
    door: Door | None = None  # rate limits, load shedding, blocks (tfreview.door; wired in wiring/door.py)
    audit: AuditTrail = field(default_factory=MemoryAuditTrail)  # the audit log (ports/audit.py); SQL in wiring
    redelivery: Redelivery | None = None  # GitHub's redeliver API (a GitHub App); None: requeue only
    advisor_status: AdvisorStatus | None = None  # the model chain's breakers and budgets; None: no model chain
    reports: ReportCache = field(default_factory=ReportCache)  # reports as rendered (api.report_cache_bytes)
    # the readiness checks' calls on threads of their own (web/health.py): joined at shutdown, before the database
    readiness_calls: CallsInFlight = field(default_factory=lambda: CallsInFlight("tfreview-readyz"))
