"""The queue's and workers' section of the settings (`TFREVIEW_WORKER__*`): leases, attempts, backoff, pool size.
Owned by the queue adapters that enforce it; `tfreview.settings` composes it."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

# a time that can work: finite, positive (a zero interval spun an idle worker), a week at most
Seconds = Annotated[float, Field(gt=0, le=7 * 86400.0, allow_inf_nan=False)]
Wait = Annotated[float, Field(ge=0, le=7 * 86400.0, allow_inf_nan=False)]  # a backoff may be none


class WorkerSettings(BaseModel):
    """A value that cannot work is refused at load, naming the setting: times finite and positive (ADR 0537)."""

    concurrency: Annotated[int, Field(ge=1, le=256)] = 2  # jobs run at once per worker process
    lease_seconds: Seconds = 120.0  # a claimed job returns to the queue when not heartbeaten this long
    heartbeat_seconds: Seconds = 30.0  # lease extension interval while a job runs
    poll_interval_seconds: Seconds = 0.5  # idle wait between claims
    reaper_interval_seconds: Seconds = 10.0  # expired leases and overdue reviews are swept this often
    max_attempts: Annotated[int, Field(ge=1, le=100)] = 5  # then the job is dead-lettered and its review failed visibly
    backoff_base_seconds: Wait = 2.0  # exponential backoff with full jitter
    backoff_cap_seconds: Wait = 300.0  # longest wait between attempts
    review_deadline_seconds: Seconds = 900.0  # a review not finished by then is re-queued once, then failed
    rate_limit_wait_seconds: float = Field(
        default=86400.0,
        ge=60.0,
        le=7 * 86400.0,
        description="an upstream's rate limit (GitHub, Spacelift) is waited out, attempts unspent, until the job is"
        " this old; then it fails naming the limit (60 s to 7 days; ADR 0515)",
    )
    review_process: bool = Field(
        default=True,
        description="a GitHub pull request's fetch and rules, an uploaded plan's parsing and rules, run in review"
        " processes, one per concurrency slot, started at the first review; false: on the worker threads, holding the"
        " server's GIL (ADR 0689, 0702)",
    )
    review_process_idle_scheduling: bool = Field(
        default=False,
        description="review processes run under Linux's SCHED_IDLE besides nice 10: a woken server thread takes the"
        " CPU from them at once (a shorter intake tail while reviews run), but they get almost no CPU while any other"
        " process of the host is busy — for a host that runs tfreview alone (ADR 0755)",
    )
    review_process_max_rss_mib: int = Field(
        default=128,
        ge=32,
        le=65536,
        description="a review process holding more than this resident memory (MiB) after a review is ended and a new"
        " one started for the next: the peak of a huge review is not kept while idle (ADR 0703)",
    )
