"""The queue's and workers' section of the settings (`TFREVIEW_WORKER__*`): leases, attempts, backoff, pool size.
Owned by the queue adapters that enforce it; `tfreview.settings` composes it."""

from __future__ import annotations

from pydantic import BaseModel, Field


class WorkerSettings(BaseModel):
    concurrency: int = 2  # jobs run at once per worker process
    lease_seconds: float = 120.0  # a claimed job returns to the queue when not heartbeaten this long
    heartbeat_seconds: float = 30.0  # lease extension interval while a job runs
    poll_interval_seconds: float = 0.5  # idle wait between claims
    reaper_interval_seconds: float = 10.0  # expired leases and overdue reviews are swept this often
    max_attempts: int = 5  # then the job is dead-lettered and its review failed visibly
    backoff_base_seconds: float = 2.0  # exponential backoff with full jitter
    backoff_cap_seconds: float = 300.0  # longest wait between attempts
    review_deadline_seconds: float = 900.0  # a review not finished by then is re-queued once, then failed
    rate_limit_wait_seconds: float = Field(
        default=86400.0,
        ge=60.0,
        le=7 * 86400.0,
        description="an upstream's rate limit (GitHub, Spacelift) is waited out, attempts unspent, until the job is"
        " this old; then it fails naming the limit (60 s to 7 days; ADR 0515)",
    )
