"""The service's ports: what the use cases in `tfreview.service` need from storage, queues, identity and
the outside world. Adapters: tfreview.store (SQLite, PostgreSQL), tfreview.store.memory (tests, contract suite),
tfreview.integrations (GitHub, Spacelift), tfreview.identity, tfreview.sources, tfreview.publish."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from tfreview.core.plan import ChangeSet
from tfreview.core.policy import Policy
from tfreview.ports.jobs import AttemptFence, Job, NewJob, Settled, Settlement
from tfreview.ports.records import (
    ApiToken,
    Delivery,
    Page,
    Principal,
    ReviewStatus,
    RunStateVersion,
    Scope,
    SourceInfo,
    StoredReview,
    Tenant,
)

# --- the service's ports -------------------------------------------------------------------------
# Adapters: tfreview.store (SQLite, PostgreSQL) and tfreview.store.memory (tests, contract suite).
# Every method is synchronous and short; the web layer calls them from a thread pool.

if TYPE_CHECKING:  # the codec renders; this port module stays import-light
    from tfreview.ports.result_rows import ResultRows
    from tfreview.ports.review_codec import EncodedDocument, FindingKey


class JobQueue(Protocol):
    """A durable queue of jobs with leases (see docs/explanation/queue.md)."""

    def enqueue(self, job: NewJob, *, run_after: datetime | None = None) -> tuple[Job, bool]:
        """Add a job; (existing job, False) when its idempotency key is already queued or done."""
        ...

    def claim(self, worker_id: str, *, kinds: Sequence[str] | None = None) -> Job | None:
        """Take the next runnable job (fair share across tenants), lease it, start a new attempt."""
        ...

    def claim_many(self, worker_id: str, limit: int, *, kinds: Sequence[str] | None = None) -> list[Job]:
        """Up to `limit` runnable jobs, each taken as `claim` takes one (fair share, lease, new attempt), in one
        transaction: a worker with a batch of short jobs takes the writer once for all of them (issue 13)."""
        ...

    def heartbeat(self, job_id: int, attempt_token: str) -> None:
        """Extend the lease; raises StaleAttempt if the token is no longer current."""
        ...

    def complete(self, job_id: int, attempt_token: str) -> None:
        """Mark done; raises StaleAttempt if the token is no longer current."""
        ...

    def fail(
        self, job_id: int, attempt_token: str, error: str, *, permanent: bool = False, announce: bool = True
    ) -> Job:
        """Retry later with backoff, or dead-letter when permanent or out of attempts. The review the job
        carries (`job_types.review_after_failure`) is marked queued-for-retry or failed in the same transaction,
        and a dead-lettered job's failure notice (`job_types.failure_notice`) is enqueued with it, unless
        `announce` is False (its integration is not configured: no one could receive it, ADR 0382)."""
        ...

    def settle(self, settlements: Sequence[Settlement]) -> list[Settled]:
        """`complete` or `fail` several attempts in one transaction, in order, each fenced by its own token: a
        stale attempt is answered with its StaleAttempt (nothing of it written) and the others are recorded all
        the same. One answer per settlement: None (completed), the failed job, or the StaleAttempt."""
        ...

    def defer(
        self,
        job_id: int,
        attempt_token: str,
        reason: str,
        run_after: datetime,
        *,
        review_deadline_at: datetime | None = None,
    ) -> Job:
        """Back to the queue until `run_after`, the attempt not counted (it waited, it did not fail); raises
        StaleAttempt if the token is no longer current. `review_deadline_at`: the deadline of the review the job
        carries moves there, in the same transaction (a wait for a rate limit outlasts the review deadline)."""
        ...

    def reap(self) -> list[Job]:
        """Re-queue (or dead-letter) jobs whose lease expired; returns each one as it is now (`QUEUED` again, or
        `DEAD`). A re-queued job's `in_progress` review goes back to `queued`, a dead-lettered job's review is
        FAILED and its failure notice (`job_types.failure_notice`) enqueued, in the same transaction."""
        ...

    def repair_orphans(self, older_than: datetime) -> list[tuple[str, bool]]:
        """Reviews `in_progress` since before `older_than` that no RUNNING job carries go back to `queued`
        (crash consistency, issue 11); returns (review id, whether a queued job still carries it)."""
        ...

    def retry(self, job_id: int, tenant_id: str | None = None) -> Job | None:
        """Put a dead job back in the queue (admin); None when not found (or another tenant's)."""
        ...

    def get(self, job_id: int) -> Job | None: ...

    def list(
        self, *, state: str | None = None, tenant_id: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Job]: ...

    def depth(self) -> int:
        """Jobs queued or running (for readiness and metrics)."""
        ...


class PublishLocks(Protocol):
    """A lease per publish target (a pull request, a Spacelift run) that holds across processes (issue 9.11)."""

    def acquire(self, key: str, holder: str, ttl_seconds: float) -> bool:
        """Take (or renew) the lease; False while another holder's lease runs."""
        ...

    def release(self, key: str, holder: str) -> None:
        """Give the lease back (a no-op unless `holder` holds it)."""
        ...


class ReviewStore(Protocol):
    def create(
        self, tenant_id: str, source: SourceInfo, *, plan_id: str | None = None, deadline_at: datetime | None = None
    ) -> StoredReview: ...

    def get(self, review_id: str, tenant_id: str | None = None, *, with_report: bool = True) -> StoredReview | None:
        """None when absent or another tenant's (callers answer 404 either way). Without `with_report` a store
        may leave `report` None (not read, not parsed; `content_hash` still names it): for a reader that holds
        the rendering already (ADR 0372)."""
        ...

    def set_status(
        self,
        review_id: str,
        status: ReviewStatus,
        reason: str | None = None,
        *,
        attempt: AttemptFence | None = None,
        deadline_at: datetime | None = None,
    ) -> None:
        """`attempt`: a worker's write, refused (StaleAttempt) unless that attempt is still current. `deadline_at`:
        the review's deadline moves there in the same write (a review retried by request: ADR 0536)."""
        ...

    def save_result(
        self,
        review_id: str,
        status: ReviewStatus,
        report: dict[str, object] | EncodedDocument,
        verdict: str,
        counts: dict[str, object],
        *,
        attempt: AttemptFence | None = None,
        keys: Sequence[FindingKey] | None = None,
        rows: ResultRows | None = None,
    ) -> StoredReview:
        """Store the finished review (report + findings rows + content hash) in one transaction; `attempt` as in
        set_status, checked in that same transaction. `keys`: the counted findings' keys when the caller holds the
        review it encoded (`review_codec.keys_of`) — a store indexing findings then does not decode the report.
        `report` given encoded (`EncodedDocument`, ADR 0722) is stored as its text, byte for byte as the dict it
        spells; with `keys` as well, a store need not decode it, and the record returned may carry no report.
        `rows`: its row hashes and finding rows, worked out where it was finished (ADR 0728) — a store writing such
        rows takes them when they are this row's (`store.result_rows.trusted`), else works them out; others ignore
        them."""
        ...

    def list(
        self,
        tenant_id: str | None,
        *,
        filters: dict[str, str],
        limit: int = 50,
        cursor: str | None = None,
        with_report: bool = True,
    ) -> Page[StoredReview]:
        """Newest first; `with_report=False` leaves `report` None (a listing page reads no report)."""
        ...

    def overdue(self, now: datetime, deadline: timedelta, *, limit: int) -> Sequence[StoredReview]:
        """Open reviews (queued or in progress, not quarantined) whose deadline — `deadline_at`, or `created_at +
        deadline` where none is set — is before `now`, oldest first, at most `limit`, without their report: what
        the reaper's sweep acts on, read without reading every open review (store/review_deadlines.py, ADR 0652)."""
        ...


class Tokens(Protocol):
    def create(self, tenant_id: str, scope: Scope, name: str, expires_at: datetime | None) -> tuple[ApiToken, str]:
        """The token record and its secret (shown once, stored only as a hash)."""
        ...

    def verify(self, secret: str) -> ApiToken | None:
        """The live token for this secret, or None (unknown, expired, revoked)."""
        ...

    def rejection(self, secret: str) -> str:
        """Why `verify` refuses this secret: "revoked", "expired" or "invalid" (unknown or wrong secret)."""
        ...

    def revoke(self, token_id: str) -> bool: ...

    def revoke_all(self, tenant_id: str, scope: Scope | None = None) -> list[str]:
        """Revoke every live token of `tenant_id` (only those of `scope` when given) in one transaction;
        the ids revoked (a compromise response: `tfreview tokens revoke-all`)."""
        ...

    def list(self, tenant_id: str | None = None) -> list[ApiToken]: ...


class Tenants(Protocol):
    def ensure(self, tenant: Tenant) -> Tenant: ...

    def known(self, tenant: Tenant) -> bool:
        """True when `ensure(tenant)` would do no I/O (stored as it is, and remembered): a cheap check for
        callers on an event loop."""
        ...

    def get(self, tenant_id: str) -> Tenant | None: ...


class Publisher(Protocol):
    """Publishes a finished review where its author looks (GitHub, Spacelift); idempotent per review."""

    def publish(self, review: StoredReview) -> None: ...

    def publish_failure(self, review: StoredReview) -> None:
        """Show, where the review would have been published, that this FAILED review could not be made: its
        safe reason, its id and how to retry (ADR 0380); idempotent like `publish`."""
        ...


class Intake(Protocol):
    """Where accepted webhooks and uploads land. The one rule: tenant, run state, delivery, job and review
    rows in ONE transaction."""

    def accept(
        self,
        delivery: Delivery,
        payload: bytes,
        job: NewJob | None,
        *,
        review: tuple[str, SourceInfo] | None = None,
        tenant: Tenant | None = None,
        run_state: RunStateVersion | None = None,
    ) -> tuple[Delivery, bool]:
        """Store the delivery with its raw payload, its job, (optionally) a queued review row
        `(review_id, source)`, its `tenant` (created, or its kind and name updated) and a Spacelift
        `run_state` (kept when its state_version is the highest seen for the delivery's tenant) — all
        in ONE transaction, all or nothing. Returns (stored delivery, True), or the existing delivery
        and False when (source, key) was seen before (nothing is written then, tenant and run state
        included). The stored delivery's `payload_sha256` is the adapter's digest of `payload` (the
        caller's field is not read: the service leaves it empty rather than hash the body twice).
        Raises StoreUnavailable when the database is down or locked past busy_timeout."""
        ...

    async def accept_async(
        self,
        delivery: Delivery,
        payload: bytes,
        job: NewJob | None,
        *,
        review: tuple[str, SourceInfo] | None = None,
        tenant: Tenant | None = None,
        run_state: RunStateVersion | None = None,
    ) -> tuple[Delivery, bool]:
        """`accept` for a coroutine on an event loop: the same rows and answer, awaited — never blocking the
        loop on the write (the SQL adapter hands it to its group-commit writer)."""
        ...

    def busy(self) -> bool:
        """True while a burst of deliveries is being written: background writers (the workers' claims) should
        make way — on SQLite they take the same single writer."""
        ...

    def find(self, source: str, key: str) -> Delivery | None:
        """The delivery stored under (source, key), or None — a read, for dedupe before costly writes."""
        ...

    def spacelift_state(self, tenant_id: str, run_id: str, state: str, state_version: int) -> bool:
        """Record a run's state if `state_version` is the highest seen; False when stale or equal."""
        ...

    def list(
        self, *, tenant_id: str | None = None, source: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Delivery]: ...

    def payload(self, delivery_id: int, tenant_id: str | None = None) -> bytes | None:
        """The raw payload, verified against its stored SHA-256 (raises IntegrityError on mismatch)."""
        ...


class PlanStore(Protocol):
    """Uploaded plans (redacted before they are stored: no secret reaches the database)."""

    def put(
        self,
        tenant_id: str,
        content: bytes,
        kind: str,
        metadata: dict[str, object],
        *,
        findings: list[dict[str, Any]] | None = None,
    ) -> str:
        """Redact and store; `findings`: those found on the original (issue 9.12), kept with the plan."""
        ...

    def get(self, plan_id: str) -> tuple[bytes, str, dict[str, object]] | None: ...

    def findings(self, plan_id: str) -> list[dict[str, Any]] | None:
        """The findings kept with the plan at upload (finding documents, evidence redacted); None: none kept."""
        ...

    def delete(self, plan_id: str) -> None:
        """Remove a plan no review refers to (a duplicate upload that lost a race); absent: nothing happens."""
        ...


class Authenticator(Protocol):
    """Turns an `Authorization` header into a Principal.

    Raises AuthError(status=401) for a missing, malformed, expired, revoked or badly signed credential,
    and KeysUnavailable when no signing keys can be had (the API answers 503, not 401)."""

    def authenticate(self, authorization: str | None) -> Principal: ...


class SignInProvider(Protocol):
    """A browser sign-in at an OIDC issuer (authorization code + PKCE); see tfreview.identity.sign_in."""

    def authorization_url(self, *, redirect_uri: str, state: str, challenge: str) -> str: ...

    def exchange(self, *, code: str, verifier: str, redirect_uri: str) -> str:
        """The access token for `code` (then verified like any bearer token)."""
        ...


class Redelivery(Protocol):
    """Asks the sender to send a delivery again (GitHub's redeliver API; only a GitHub App has it)."""

    def redeliver_guid(self, guid: str) -> bool: ...


class AdvisorStatus(Protocol):
    """What a model chain shows on the dashboard's operations page: its breakers and a tenant's budget."""

    def breaker_states(self) -> list[tuple[str, str]]: ...  # (provider/model, closed | open | half-open)

    def budget_states(self, tenant_id: str) -> list[tuple[str, int, int]]: ...  # (tenant, left today, daily limit)


class HealthCheck(Protocol):
    """One readiness probe: a name, whether it is healthy, and a short detail (no secrets)."""

    name: str

    def check(self) -> tuple[bool, str]: ...


@dataclass(frozen=True, slots=True)
class Fetched:
    """What a PlanSource fetched: the change set and the Policy it is reviewed under (GitHub: the
    repository's `.tfreview.toml` at head, at base when the PR changes it; an uploaded plan: the defaults)."""

    change_set: ChangeSet
    policy: Policy = field(default_factory=Policy)


class PlanSource(Protocol):
    """Fetches the input of a review: an uploaded plan (the store), a pull request (GitHub), a run (Spacelift)."""

    kind: str  # the SourceInfo.kind it serves: "api" | "github" | "spacelift"
    # why every fetch fails, known without fetching (an integration not configured); None for a working source
    unavailable: str | None

    def fetch(self, review: StoredReview, payload: dict[str, object]) -> Fetched:
        """The change set to review and its policy. Raises InputError (permanent) or UpstreamError (retriable)."""
        ...
