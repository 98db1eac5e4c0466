"""Catching up on GitHub: what a webhook should have told us, found by asking GitHub (docs/adr/0033).

`DeliveryReconciler`: GitHub never retries a failed delivery and keeps it redeliverable for 3 days.
Every period it lists the App's deliveries (`/app/hook/deliveries`, newest first, back to 3 days or
to its last complete pass), groups the attempts by `guid` (the X-GitHub-Delivery, the same on every
attempt) and asks GitHub to redeliver a guid only when
- none of its attempts succeeded (status_code 1…399), and
- the service does not hold that delivery already (our delivery log, keyed by X-GitHub-Delivery —
  GitHub marks a delivery failed when our 2xx came after its 10 s timeout, yet we stored it), and
- it was not redelivered `MAX_REDELIVERIES` times already (a delivery we keep refusing stays refused), and
- GitHub did not refuse to redeliver it for good (4xx: gone, too old): it is not asked again (ADR 0589).
An attempt whose `delivered_at` does not read is taken as inside the window: it never ends the scan; a cursor
that comes back to a page already read does.
The redelivery goes through the webhook route like any delivery: signed, verified, deduplicated.

`PullRequestReconciler`: for every installation and repository, every open pull request whose head
commit has no review yet gets the review job the `pull_request` webhook would have created — the
same idempotency key (`ReviewJob.for_pull_request`: tenant, repository, number, head), the same payload — so a
webhook copy arriving later joins that job instead of creating another (W11: 0 duplicates).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from tfreview.core.errors import TfreviewError
from tfreview.core.redact import scrub_text
from tfreview.integrations.github.errors import GitHubNotFound, GitHubRejected
from tfreview.integrations.github.models import DeliveryPage, HookDelivery, Installation, PullRequest, Repository
from tfreview.plumbing.clock import Clock, as_utc, utcnow
from tfreview.ports.job_types import PullRequestHead, ReviewJob
from tfreview.ports.records import SourceInfo, StoredReview, Tenant
from tfreview.service.container import CatchUp, Services
from tfreview.service.intake import accept_delivery

logger = logging.getLogger("tfreview.reconcile")

RETENTION = timedelta(days=3)  # how long GitHub keeps a delivery redeliverable (github.com; GHES: 7 days)
CHECKPOINT_OVERLAP = timedelta(hours=1)  # each pass re-reads this much before the last complete one
LOG_SLACK = timedelta(hours=1)  # our received_at and GitHub's delivered_at differ by the delivery time
MAX_REDELIVERIES = 3  # per guid: then the delivery is left to the PR scan and a human
MAX_DELIVERY_PAGES = 200  # 20,000 deliveries per pass at most
PAGE_SIZE = 100
RECONCILE_DELIVERY_PREFIX = "reconcile:"  # delivery-log keys of the PR scan (never a GitHub guid)


class DeliveryApi(Protocol):
    """The App-level client calls the delivery reconciler makes (app JWT)."""

    def list_hook_deliveries(self, per_page: int = 100, cursor: str | None = None) -> DeliveryPage: ...

    def redeliver(self, delivery_id: int) -> None: ...


class InstallationApi(Protocol):
    """The client calls the pull-request scan makes, as one installation (or as the plain token)."""

    def installation_repositories(self, installation_id: int | None = None) -> list[Repository]: ...

    def list_open_pull_requests(self, repo: str) -> list[PullRequest]: ...


class AppApi(Protocol):
    def list_installations(self) -> list[Installation]: ...

    def for_installation(self, installation_id: int) -> InstallationApi: ...


class PermissionsApi(Protocol):
    def check_permissions(self, installation_id: int) -> list[str]: ...


# --- the App's permissions (S6) ------------------------------------------------------------------


class PermissionCheck:
    """S6: every installation's permissions against the required set; a missing one or any extra write
    permission is logged as a warning (by `check_permissions`) — at start, then daily (an organisation
    owner may accept new permissions at any time)."""

    name = "github-permissions"

    def __init__(self, app: AppApi, auth: PermissionsApi, *, interval_seconds: float = 86400.0) -> None:
        self.app = app
        self.auth = auth
        self.interval_seconds = interval_seconds
        self.warnings: dict[int, list[str]] = {}

    def run_once(self) -> CatchUp:
        installations = [i for i in self.app.list_installations() if not i.suspended]
        warned = 0
        for installation in installations:
            try:
                found = self.auth.check_permissions(installation.id)
            except TfreviewError as exc:
                logger.warning("installation %s: cannot check permissions: %s", installation.id, _reason(exc))
                warned += 1
                continue
            self.warnings[installation.id] = found
            warned += bool(found)
        return CatchUp(self.name, examined=len(installations), skipped=len(installations) - warned, errors=warned)


# --- failed deliveries ---------------------------------------------------------------------------


@dataclass
class _Attempts:
    """Every attempt GitHub lists for one guid (one event)."""

    guid: str
    latest: HookDelivery
    succeeded: bool = False
    redeliveries: int = 0

    def add(self, delivery: HookDelivery) -> None:
        self.succeeded = self.succeeded or delivered(delivery)
        self.redeliveries += int(delivery.redelivery)
        if _instant(delivery.delivered_at) > _instant(self.latest.delivered_at):
            self.latest = delivery


def delivered(delivery: HookDelivery) -> bool:
    """GitHub counts an attempt as failed when status_code is 0 (no answer) or ≥ 400."""
    return 0 < delivery.status_code < 400


class DeliveryReconciler:
    """Redelivers the App's failed webhook deliveries that the service never stored (W10)."""

    name = "github-deliveries"

    def __init__(
        self,
        client: DeliveryApi,
        services: Services,
        clock: Clock = utcnow,
        *,
        interval_seconds: float | None = None,
        retention: timedelta = RETENTION,
    ) -> None:
        self.client = client
        self.services = services
        self.clock = clock
        self.interval_seconds = (
            interval_seconds
            if interval_seconds is not None
            else services.settings.github_app.reconcile_deliveries_seconds
        )
        self.retention = retention
        self.checkpoint: datetime | None = None  # the start of the last pass that redelivered everything it meant to
        self.refused: dict[str, datetime] = {}  # guid → when it was lost: GitHub refused its redelivery for good
        # (4xx), or it failed MAX_REDELIVERIES redeliveries; never asked again

    def run_once(self) -> CatchUp:
        started = self.clock()
        since = started - self.retention
        if self.checkpoint is not None:
            since = max(since, self.checkpoint - CHECKPOINT_OVERLAP)
        attempts = self._failed_since(since)
        failed = [group for group in attempts.values() if not group.succeeded]
        processed = self._stored_delivery_keys(since - LOG_SLACK) if failed else set()
        self.refused = {guid: at for guid, at in self.refused.items() if at >= started - self.retention}
        redelivered = skipped = errors = 0
        for group in failed:
            if group.guid in processed or group.guid in self.refused:
                skipped += 1  # we hold it (GitHub gave up waiting for our answer): never re-requested
                continue
            if group.redeliveries >= MAX_REDELIVERIES:
                logger.warning("delivery %s failed %s redeliveries; left alone", group.guid, group.redeliveries)
                self._lost(group.guid, started, "redeliveries_exhausted")
                skipped += 1
                continue
            try:
                self.client.redeliver(group.latest.id)
            except (GitHubRejected, GitHubNotFound) as exc:  # for good: asking again every period changes nothing
                self._lost(group.guid, started, "redelivery_refused")
                skipped += 1
                logger.warning("GitHub refused to redeliver %s: %s", group.guid, scrub_text(str(exc))[:300])
                continue
            except TfreviewError as exc:  # tried again next period: the checkpoint does not move
                errors += 1
                logger.warning("redelivering %s failed: %s", group.guid, scrub_text(str(exc))[:300])
                continue
            redelivered += 1
            logger.info("redelivery of %s (%s) requested", group.guid, group.latest.event)
        if errors == 0:
            self.checkpoint = started
        skipped += len(attempts) - len(failed)
        return CatchUp(self.name, examined=len(attempts), acted=redelivered, skipped=skipped, errors=errors)

    def _lost(self, guid: str, when: datetime, reason: str) -> None:
        """A delivery the service never stored and will not get again: left alone from now on, and counted once
        (`tfreview_deliveries_lost_total`, the deliveries-lost alert, ADR 0611) — its pull request has no review."""
        self.refused[guid] = when
        self.services.metrics.count("tfreview_deliveries_lost_total", source="github", reason=reason)

    def redeliver_guid(self, guid: str) -> bool:
        """Ask GitHub to send the delivery `guid` again (its latest attempt within the retention), as a pass
        does for a failed one — for a person who asks (the dashboard). False when GitHub no longer lists it."""
        group = self._failed_since(self.clock() - self.retention).get(guid)
        if group is None:
            return False
        self.client.redeliver(group.latest.id)
        logger.info("redelivery of %s (%s) requested by hand", guid, group.latest.event)
        return True

    def _failed_since(self, since: datetime) -> dict[str, _Attempts]:
        """Every guid with an attempt at or after `since` (all its listed attempts), newest pages first."""
        groups: dict[str, _Attempts] = {}
        cursor: str | None = None
        cursors: set[str] = set()
        for _ in range(MAX_DELIVERY_PAGES):
            page = self.client.list_hook_deliveries(per_page=PAGE_SIZE, cursor=cursor)
            older = False
            for delivery in page.deliveries:
                if _readable(delivery.delivered_at) and _instant(delivery.delivered_at) < since:
                    older = True
                    if delivery.guid not in groups:
                        continue  # an event wholly before the window; its attempts inside it count below
                if not delivery.guid:
                    continue
                group = groups.get(delivery.guid)
                if group is None:
                    groups[delivery.guid] = group = _Attempts(delivery.guid, delivery)
                group.add(delivery)
            if page.next_cursor is not None and page.next_cursor in cursors:  # read again, it would be read 200 times
                logger.warning("GitHub's deliveries cursor came back to a page already read: the scan ends there")
                break
            cursor = page.next_cursor
            if cursor is None or older:
                break
            cursors.add(cursor)
        return groups

    def _stored_delivery_keys(self, since: datetime) -> set[str]:
        """X-GitHub-Delivery of every GitHub delivery the service stored since `since`."""
        keys: set[str] = set()
        cursor: str | None = None
        while True:
            page = self.services.intake.list(source="github", limit=500, cursor=cursor)
            for stored in page.items:
                keys.add(stored.key)
            cursor = page.next_cursor
            if cursor is None or (page.items and as_utc(page.items[-1].received_at) < since):
                return keys


# --- open pull requests without a review ---------------------------------------------------------


@dataclass
class _Tally:
    examined: int = 0
    enqueued: int = 0
    skipped: int = 0
    errors: int = 0


class PullRequestReconciler:
    """Enqueues the review of every open pull request whose head SHA has none (W11)."""

    name = "github-pull-requests"

    def __init__(
        self,
        app: AppApi,
        services: Services,
        clock: Clock = utcnow,
        *,
        interval_seconds: float | None = None,
        max_per_pass: int | None = None,
    ) -> None:
        self.app = app
        self.services = services
        self.clock = clock
        settings = services.settings.github_app
        self.interval_seconds = (
            interval_seconds if interval_seconds is not None else settings.reconcile_pull_requests_seconds
        )
        self.max_per_pass = max_per_pass if max_per_pass is not None else settings.reconcile_pull_requests_per_pass

    def run_once(self) -> CatchUp:
        tally = _Tally()
        for installation in self.app.list_installations():
            if installation.suspended:
                continue
            tenant = Tenant(id=f"github:{installation.id}", kind="github", name=installation.account_login)
            client = self.app.for_installation(installation.id)
            try:
                repositories = client.installation_repositories()
            except TfreviewError as exc:
                tally.errors += 1
                logger.warning("installation %s: cannot list repositories: %s", installation.id, _reason(exc))
                continue
            for repository in repositories:
                if repository.archived:
                    continue
                self._scan(client, installation.id, tenant, repository.full_name, tally)
        return CatchUp(self.name, tally.examined, tally.enqueued, tally.skipped, tally.errors)

    def _scan(self, client: InstallationApi, installation_id: int, tenant: Tenant, repo: str, tally: _Tally) -> None:
        try:
            pulls = client.list_open_pull_requests(repo)
        except TfreviewError as exc:
            tally.errors += 1
            logger.warning("%s: cannot list open pull requests: %s", repo, _reason(exc))
            return
        review_drafts = self.services.settings.github.review_drafts
        wanted = [p for p in pulls if p.head_sha and (review_drafts or not p.draft)]
        if not wanted:
            return
        reviewed = self._reviewed_commits(tenant.id, repo)
        for pull in wanted:
            tally.examined += 1
            if (pull.number, pull.head_sha) in reviewed:
                tally.skipped += 1
                continue
            if tally.enqueued >= self.max_per_pass:
                tally.skipped += 1  # the next period takes the rest
                continue
            try:
                created = self._enqueue(tenant, installation_id, pull)
            except TfreviewError as exc:
                tally.errors += 1
                logger.warning("%s#%s: cannot enqueue its review: %s", repo, pull.number, _reason(exc))
                continue
            if created:
                tally.enqueued += 1
                logger.info("%s#%s @ %s had no review: enqueued", repo, pull.number, pull.head_sha[:12])
            else:
                tally.skipped += 1

    def _reviewed_commits(self, tenant_id: str, repo: str) -> set[tuple[int | None, str | None]]:
        """(pull request, head SHA) of every review of `repo` the tenant has — in any status: a failed
        review is not retried by the scan (its job's retries and the dead-letter queue are for that)."""
        filters = {"source": "github", "repository": repo}
        return {(r.source.pull_request, r.source.commit_sha) for r in _all_reviews(self.services, tenant_id, filters)}

    def _enqueue(self, tenant: Tenant, installation_id: int, pull: PullRequest) -> bool:
        """The webhook's own job (same key, tenant and payload), through the same intake call."""
        head = PullRequestHead(
            repository=pull.repo,
            number=pull.number,
            head_sha=pull.head_sha,
            base_sha=pull.base_sha or None,
            head_ref=pull.head_ref or None,
            base_ref=pull.base_ref or None,
            installation_id=installation_id,
            action="reconcile",
        )
        job = ReviewJob.for_pull_request(tenant.id, head)
        source = SourceInfo(kind="github", repository=pull.repo, pull_request=pull.number, commit_sha=pull.head_sha)
        body = json.dumps({"reconciled": job.encode().payload}, sort_keys=True).encode()
        result = accept_delivery(
            self.services,
            source="github",
            key=f"{RECONCILE_DELIVERY_PREFIX}{tenant.id}:{pull.repo}:{pull.number}:{pull.head_sha}",
            event="pull_request.reconciled",
            tenant=tenant,
            body=body,
            received_at=self.clock(),
            job=job,
            review_source=source,
        )
        # False when the delivery was there already, or when the webhook's job won (it has its own review): a
        # webhook that landed between the scan's read of the reviews and this enqueue was not missed
        return result.created and result.review_id is not None and not result.joined


def _all_reviews(services: Services, tenant_id: str, filters: dict[str, str]) -> Iterator[StoredReview]:
    cursor: str | None = None
    for _ in range(100):  # bounded: 20,000 reviews of one repository
        page = services.reviews.list(tenant_id, filters=filters, limit=200, cursor=cursor)
        yield from page.items
        cursor = page.next_cursor
        if cursor is None:
            return


def _instant(text: str) -> datetime:
    try:
        return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


def _readable(text: str) -> bool:
    """True when `delivered_at` reads as an instant (one that does not is never taken for an old attempt)."""
    return _instant(text) != datetime.min.replace(tzinfo=UTC)


def _reason(exc: BaseException) -> str:
    return scrub_text(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)[:300]
