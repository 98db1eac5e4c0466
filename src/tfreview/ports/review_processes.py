"""The review processes (ADR 0689): where a GitHub pull request's review is fetched and put through the rules when
the worker threads must not do it with the server's interpreter lock (`worker.review_process`).

`ReviewProcesses.review` sends the stored review and its job's payload to a child process, which fetches the input
(the GitHub API reads, the HCL parsing) and runs the deterministic rules; the caller (`service.reviewing`) does the
rest in its own process — the advisor, the store's writes, the publish job. `stopped` is asked while the child
works: once it says so (the attempt timed out, lost its lease, or was released at a shutdown), the child is killed
and `ReviewStopped` raised. An error raised in the child is raised again here, of the same class and attributes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from tfreview.core.errors import TfreviewError
from tfreview.core.findings import Review
from tfreview.ports.records import StoredReview
from tfreview.ports.service import Fetched


@dataclass(frozen=True, slots=True)
class RulesReviewed:
    """What a review process sends back: the input it fetched, the rules' review of it and the rules' seconds."""

    fetched: Fetched
    review: Review
    seconds: float


class ReviewStopped(TfreviewError):
    """The attempt stopped (`stopped()` said so) while a review process worked for it: the process was killed."""


class ReviewProcesses(Protocol):
    def review(self, stored: StoredReview, payload: Mapping[str, object], stopped: Callable[[], bool]) -> RulesReviewed:
        """Fetch `stored`'s input and run the rules on it in a review process."""
        ...

    def close(self) -> None:
        """Stop every review process (a busy one is killed)."""
        ...


@runtime_checkable
class LendsCredentials(Protocol):
    """A plan source that can lend the credential its fetch would use to the review process fetching in its place
    (GitHub's installation token, ADR 0690): opaque here, handed to the child's own source's `adopt_token`; the
    token the child fetched in its place, when it had to, comes back to `take_back_token` (ADR 0713)."""

    def lend_token(self, review: StoredReview, payload: Mapping[str, object]) -> object | None: ...

    def take_back_token(self, lent: Any, returned: Any) -> None:
        """The review process fetched `returned` in place of `lent` (refused by GitHub, or stale): lend that one
        next (ADR 0713)."""
        ...
