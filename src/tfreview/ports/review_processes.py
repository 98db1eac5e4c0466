"""The review processes (ADR 0689, 0702): where a review's input is read and put through the rules when the worker
threads must not do it with the server's interpreter lock (`worker.review_process`).

`ReviewProcesses.review` sends the stored review and its job's payload to a child process, which fetches the input
(a GitHub pull request: the GitHub API reads, the HCL parsing) or, given `prepared` (`PreparedInput`: an uploaded
plan's bytes the worker read from its store, ADR 0702), reads it, and runs the deterministic rules; the caller
(`service.reviewing`) does the rest in its own process — the advisor, the store's writes, the publish job. `stopped`
is asked while the child works: once it says so (the attempt timed out, lost its lease, or was released at a
shutdown), the child is killed and `ReviewStopped` raised. An error raised in the child is raised again here, of
the same class and attributes. Without a model advisor the child finishes the review (`Finish`: the upload's kept
findings and the built-in reviewer's advice merged, the document encoded) and only the document crosses back; with
one, the rules' review and the change set the model's prompt reads. Unpickling a 10,000-resource change set costs
the worker more than parsing it did, and the rules' review of slotted dataclasses more than its document of plain
dicts (ADR 0702).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from tfreview.core.errors import TfreviewError
from tfreview.core.findings import Review
from tfreview.core.plan import ChangeSet
from tfreview.core.policy import Policy
from tfreview.ports.records import StoredReview
from tfreview.ports.result_rows import ResultRows
from tfreview.ports.review_codec import EncodedDocument, FindingKey
from tfreview.ports.service import Fetched


@dataclass(frozen=True, slots=True)
class RulesReviewed:
    """What a review process sends back for the advisor (`kept` None): the rules' review, their seconds, the policy
    it was reviewed under and the change set the advisor reads."""

    review: Review
    seconds: float
    policy: Policy
    change_set: ChangeSet


@dataclass(frozen=True, slots=True)
class Finish:
    """How a review process finishes a review no model advisor follows in the worker: the upload's `kept` findings
    merged and, `builtin_advice`, the built-in reviewer's advice (offline, deterministic: the default advisor)
    asked and merged there, as `service.assessment.advise_on` does."""

    kept: tuple[Mapping[str, Any], ...] = ()
    builtin_advice: bool = False
    ai_can_fail: bool = False
    tenant_id: str | None = None


@dataclass(frozen=True, slots=True)
class FinishedReview:
    """What a review process sends back for a `Finish`: the document the store keeps (encoded), its verdict and
    counts, the rules' seconds, what the advice said of itself (unavailable; worth running again later) and the keys
    of its counted findings (the store need not decode the document to index them), and the SQL store's rows for it."""

    document: EncodedDocument  # its canonical text: one string to unpickle, stored as is (ADR 0722)
    verdict: str
    counts: dict[str, Any]
    seconds: float
    ai_unavailable: bool = False
    retry_ai_later: bool = False
    keys: tuple[FindingKey, ...] = ()  # what the store indexes of its counted findings (review_codec.keys_of)
    rows: ResultRows | None = None  # the SQL store's row hashes and finding rows, worked out here (ADR 0728)


class PreparedInput(Protocol):
    """A review's input as far as the worker's process must read it (the store, an upstream call with the worker's
    credentials): picklable, and `fetched()` does the rest — the parsing — in whichever process calls it."""

    def fetched(self) -> Fetched: ...


@runtime_checkable
class PreparesInput(Protocol):
    """A plan source whose fetch is `prepare(...).fetched()`: the review process is handed the prepared input and
    never opens the store (one SQLite writer, ADR 0353) nor holds the source's credentials."""

    def prepare(self, review: StoredReview, payload: Mapping[str, object]) -> PreparedInput: ...


class ReviewStopped(TfreviewError):
    """The attempt stopped (`stopped()` said so) while a review process worked for it: the process was killed."""


class ReviewProcesses(Protocol):
    def review(
        self,
        stored: StoredReview,
        payload: Mapping[str, object],
        stopped: Callable[[], bool],
        *,
        prepared: PreparedInput | None = None,
        finish: Finish | None = None,
    ) -> RulesReviewed | FinishedReview:
        """Fetch `stored`'s input (or read `prepared`) and run the rules on it in a review process; given `finish`,
        finish the review there too."""
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
