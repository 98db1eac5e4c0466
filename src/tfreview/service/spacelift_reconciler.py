"""SpaceliftReconciler: runs whose webhook never came are found through GraphQL and reviewed once.

Spacelift disables a webhook after 10 failures in a row and keeps no delivery API, so a run can reach a
reviewable state without tfreview hearing of it. Every `reconcile_seconds` (and in `tfreview reconcile`)
the reconciler lists the configured stacks' runs created since its last scan (with an overlap), and for
each run in a reviewable state:

    a review of the run without an uploaded plan exists      the webhook (or an earlier scan) recorded it: nothing
    only the run's after_plan upload exists                  record the run as the webhook would: ONE intake write
                                                             (delivery + `spacelift_run` job + review row), job key
                                                             `spacelift:{stack}:{run}` — the webhook's key, so a
                                                             webhook arriving later adds no job and no review
    nothing uploaded yet                                     wait: the run is looked at again on the next scans

The `spacelift_run` job then takes the upload's result (worker/handlers.py), as it does for a webhook.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tfreview.core.errors import TfreviewError, UpstreamError
from tfreview.core.redact import scrub_text
from tfreview.integrations.spacelift.client import SpaceliftClient
from tfreview.integrations.spacelift.models import SpaceliftRun
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.job_types import RunState, SpaceliftRunJob
from tfreview.ports.records import SourceInfo, StoredReview, Tenant
from tfreview.service.container import CatchUp, Services
from tfreview.service.intake import accept_delivery

logger = logging.getLogger("tfreview.integrations.spacelift")

_MIN_OVERLAP = timedelta(hours=1)
_MAX_REVIEW_PAGES = 20


@dataclass
class ReconcileResult:
    enqueued: list[str] = field(default_factory=list)  # "stack/run" recorded by this scan
    waiting: list[str] = field(default_factory=list)  # reviewable, no plan uploaded yet
    errors: list[str] = field(default_factory=list)  # stacks that could not be scanned (scrubbed reasons)


class SpaceliftReconciler:
    def __init__(
        self,
        client: SpaceliftClient,
        services: Services,
        settings: SpaceliftApiSettings,
        *,
        clock: Clock | None = None,
    ) -> None:
        self._client = client
        self._services = services
        self._settings = settings
        self._clock = clock or utcnow
        self._last_scan: datetime | None = None
        self._pending: dict[tuple[str, str], SpaceliftRun] = {}  # waiting for their upload

    @property
    def tenant(self) -> Tenant:
        account = self._settings.account or ""
        return Tenant(id=self._settings.tenant_id, kind="spacelift", name=account)

    def run_once(self) -> ReconcileResult:
        result = ReconcileResult()
        now = self._clock()
        lookback = timedelta(seconds=self._settings.reconcile_lookback_seconds)
        overlap = max(_MIN_OVERLAP, timedelta(seconds=2 * self._settings.reconcile_seconds))
        since = max(self._last_scan - overlap, now - lookback) if self._last_scan else now - lookback
        self._services.tenants.ensure(self.tenant)
        outage: TfreviewError | None = None
        for stack_id in self._settings.stacks:
            try:
                runs = self._client.runs(stack_id, since)
            except TfreviewError as exc:
                reason = scrub_text(str(exc))[:300]
                logger.warning("spacelift reconcile: stack %s not scanned: %s", stack_id, reason)
                result.errors.append(f"{stack_id}: {reason}")
                outage = exc
                continue
            candidates = {(stack_id, run.id): run for run in runs if run.reviewable}
            candidates |= {key: run for key, run in self._pending.items() if key[0] == stack_id}
            self._reconcile_stack(stack_id, candidates, now - lookback, result)
        if outage is not None and len(result.errors) == len(self._settings.stacks):
            # not one stack could be scanned (Spacelift unreachable, the key refused): the pass failed —
            # `tfreview reconcile` exits 3 and the next period starts from the same point
            raise UpstreamError(f"Spacelift: no stack could be scanned: {result.errors[0]}") from outage
        self._last_scan = now
        if result.enqueued:
            logger.info("spacelift reconcile: %d run(s) recorded: %s", len(result.enqueued), ", ".join(result.enqueued))
        return result

    def _reconcile_stack(
        self, stack_id: str, candidates: dict[tuple[str, str], SpaceliftRun], oldest: datetime, result: ReconcileResult
    ) -> None:
        if not candidates:
            return
        by_run = self._reviews_by_run(stack_id)
        for key, run in candidates.items():
            self._pending.pop(key, None)
            reviews = by_run.get(run.id, [])
            if any(r.plan_id is None for r in reviews):
                continue  # recorded already (webhook or earlier scan)
            label = f"{stack_id}/{run.id}"
            if not any(r.plan_id for r in reviews):
                if run.created_at is None or run.created_at >= oldest.timestamp():
                    self._pending[key] = run
                    result.waiting.append(label)
                continue
            if self._record(run):
                result.enqueued.append(label)

    def _record(self, run: SpaceliftRun) -> bool:
        """One intake write, exactly what the webhook would have written; False when it was there already."""
        tenant = self.tenant
        state = RunState(
            stack_id=run.stack_id,
            run_id=run.id,
            account=self._settings.account,
            state=run.state,
            run_type=run.type,
            commit_sha=run.commit_sha,
            found_by="reconciler",
        )
        job = SpaceliftRunJob(tenant.id, state)
        body = json.dumps(job.encode().payload, sort_keys=True).encode()
        source = SourceInfo(
            kind="spacelift",
            stack_id=run.stack_id,
            run_id=run.id,
            account=self._settings.account,
            commit_sha=run.commit_sha,
        )
        accepted = accept_delivery(
            self._services,
            source="spacelift",
            key=f"{tenant.id}:reconcile:{run.stack_id}:{run.id}",
            event=f"reconcile.run_state.{run.state}",
            tenant=tenant,
            body=body,
            received_at=self._clock(),
            job=job,
            review_source=source,
        )
        # False when the delivery was there already, or when the webhook's job won (it has its own review)
        return accepted.created and not accepted.joined

    def _reviews_by_run(self, stack_id: str) -> dict[str, list[StoredReview]]:
        found: dict[str, list[StoredReview]] = {}
        cursor: str | None = None
        for _ in range(_MAX_REVIEW_PAGES):
            page = self._services.reviews.list(self.tenant.id, filters={"stack_id": stack_id}, limit=100, cursor=cursor)
            for review in page.items:
                if review.source.run_id:
                    found.setdefault(review.source.run_id, []).append(review)
            cursor = page.next_cursor
            if cursor is None:
                break
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
