"""What the Spacelift GraphQL API tells tfreview, as plain data (parsed and validated by `client`)."""

from __future__ import annotations

from dataclasses import dataclass, field

# A run has a plan worth reviewing in these states (the same set as the webhook intake: web/spacelift_events.py).
REVIEWABLE_STATES = frozenset({"UNCONFIRMED", "PENDING_REVIEW", "APPLYING", "FINISHED"})
# Approval policies evaluate runs in these states (docs: concepts/policy/approval-policy.md).
APPROVABLE_STATES = frozenset({"QUEUED", "UNCONFIRMED", "PENDING_REVIEW"})


@dataclass(frozen=True, slots=True)
class RunComment:
    body: str
    created_at: int  # Unix seconds
    username: str


@dataclass(frozen=True, slots=True)
class SpaceliftRun:
    """One run of one stack. `repository` is `namespace/repository` of the stack when Spacelift says."""

    stack_id: str
    id: str
    state: str
    type: str | None  # PROPOSED | TRACKED (others exist: TESTING, DESTROY...)
    created_at: int | None
    branch: str | None = None
    commit_sha: str | None = None
    repository: str | None = None
    provider: str | None = None  # the stack's VCS provider (GITHUB, GITHUB_ENTERPRISE, GITLAB...)
    comments: tuple[RunComment, ...] = ()
    # The pull request number is not a field of any public Spacelift document; it comes from the
    # upload's metadata (`tfreview submit --pull-request N`) and is carried by the stored review.
    pull_request: int | None = None

    @property
    def proposed(self) -> bool:
        return self.type == "PROPOSED"

    @property
    def reviewable(self) -> bool:
        return self.state in REVIEWABLE_STATES


@dataclass(frozen=True, slots=True)
class PlannedChange:
    """One entry of `changesV3`: the resource address (and the address it moved from, if any)."""

    address: str
    previous_address: str | None = None
    type: str | None = None


@dataclass(frozen=True, slots=True)
class RunReview:
    id: str
    decision: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class RunPage:
    """Runs of a stack, newest first, and the id to pass as `before` for the next page (None: no more)."""

    runs: list[SpaceliftRun] = field(default_factory=list)
    before: str | None = None
