"""Cross-check an uploaded plan against what Spacelift says the run changes (`changesV3`).

The plan of a Spacelift run reaches tfreview from the run's after_plan hook; nothing proves it is this
run's plan but the stack and run ids it was sent with. So before such a plan is reviewed, its changed
addresses are compared with Spacelift's own list for the run. A difference becomes a coverage note on
the review (never a silent trust); so does a cross-check that could not be made (the review goes on).

`changesV3` entries have an address, a previous address (moves) and a type in every public source;
no public source shows an action field, so the comparison is by address.

Both sides are compared the same way (issue 9.13): the stored upload's addresses went through the
store's redaction (a `for_each` key shaped like a secret became "(redacted)") and Spacelift's did not,
so Spacelift's addresses get the same treatment (`comparable`) before the comparison — and the note
only ever names addresses in that form.

`SpaceliftCheckedPlanSource.prepare` asks Spacelift in the worker's process (its credentials stay there) and
`CrossCheckedInput.fetched` compares — in a review process when the worker has them (ADR 0702).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from tfreview.core.errors import TfreviewError
from tfreview.core.plan import ChangeKind, ChangeSet
from tfreview.core.redact import scrub_text
from tfreview.integrations.spacelift.client import SpaceliftClient
from tfreview.integrations.spacelift.models import PlannedChange
from tfreview.integrations.spacelift.settings import SpaceliftApiSettings
from tfreview.ports.records import StoredReview
from tfreview.ports.review_processes import PreparedInput, PreparesInput
from tfreview.ports.service import Fetched, PlanSource

logger = logging.getLogger("tfreview.integrations.spacelift")

MISMATCH_NOTE = "The uploaded plan does not match Spacelift's changes for run"
UNCHECKED_NOTE = "Not cross-checked with Spacelift"
_SHOWN = 5  # addresses named in a note; the rest counted
_QUIET = (ChangeKind.NOOP, ChangeKind.READ)


def comparable(address: str) -> str:
    """An address as the plan store keeps it, and as it may be shown: secret-shaped parts redacted."""
    return scrub_text(address)


def cross_check_notes(change_set: ChangeSet, planned: list[PlannedChange], run_label: str) -> list[str]:
    """One coverage note: the addresses agree, or which differ (and how many)."""
    in_plan: set[str] = set()
    changed: set[str] = set()
    for change in change_set.changes:
        names = {change.address, *([change.previous_address] if change.previous_address else [])}
        in_plan |= {comparable(name) for name in names}
        if change.kind not in _QUIET:
            changed.add(comparable(change.address))
    addresses = {comparable(p.address) for p in planned}
    in_spacelift = addresses | {comparable(p.previous_address) for p in planned if p.previous_address}
    only_spacelift = sorted(addresses - in_plan)
    only_upload = sorted(changed - in_spacelift)
    if not only_spacelift and not only_upload:
        return [f"Cross-checked with Spacelift run {run_label}: its {len(changed)} changed addresses agree."]
    parts = []
    if only_spacelift:
        parts.append(f"{len(only_spacelift)} only in Spacelift's ({_names(only_spacelift)})")
    if only_upload:
        parts.append(f"{len(only_upload)} only in the upload ({_names(only_upload)})")
    return [
        f"{MISMATCH_NOTE} {run_label}: {'; '.join(parts)}. "
        "The upload may come from another run or commit: review this run in Spacelift."
    ]


class SpaceliftCheckedPlanSource:
    """Wraps the `api` PlanSource: a review with a Spacelift stack and run id gets the cross-check note — made only
    for a review of the account's own tenant (ADR 0566); another tenant's gets a note saying why it was not."""

    kind = "api"
    unavailable: str | None = None

    def __init__(self, inner: PlanSource, client: SpaceliftClient, settings: SpaceliftApiSettings) -> None:
        self._inner = inner
        self._client = client
        self._settings = settings

    def fetch(self, review: StoredReview, payload: dict[str, object]) -> Fetched:
        return self.prepare(review, payload).fetched()

    def prepare(self, review: StoredReview, payload: Mapping[str, object]) -> PreparedInput:
        """The inner source's input and what Spacelift says of the run (or why it was not asked / did not answer);
        the comparison is left to `fetched()`, which needs the parsed change set."""
        source = self._inner
        if isinstance(source, PreparesInput):
            inner = source.prepare(review, payload)
        else:  # read here, whole: what crosses to a review process is then the change set, parsed
            inner = _Read(source.fetch(review, dict(payload)))
        stack_id, run_id = review.source.stack_id, review.source.run_id
        if not stack_id or not run_id:
            return inner
        label = f"{stack_id}/{run_id}"
        foreign = self._settings.foreign(review.tenant_id, review.source.account)
        if foreign is not None:  # another tenant's upload naming this account's run: never shown its changes
            logger.warning("spacelift cross-check of %s skipped for review %s: %s", label, review.id, foreign)
            return CrossCheckedInput(inner, label, None, f"{UNCHECKED_NOTE} (run {label}): {foreign}")
        try:
            planned = self._client.changes(stack_id, run_id)
        except TfreviewError as exc:  # the review goes on; the note says what was not checked
            reason = scrub_text(str(exc))[:200]
            logger.warning("spacelift cross-check of %s failed: %s", label, reason)
            return CrossCheckedInput(inner, label, None, f"{UNCHECKED_NOTE} (run {label}): {reason}")
        return CrossCheckedInput(inner, label, tuple(planned), None)


@dataclass(frozen=True, slots=True)
class CrossCheckedInput:
    """An upload's input with Spacelift's `changesV3` of its run (`planned`), or the note saying why there is none."""

    inner: PreparedInput
    label: str
    planned: tuple[PlannedChange, ...] | None
    unchecked: str | None

    def fetched(self) -> Fetched:
        fetched = self.inner.fetched()
        change_set = fetched.change_set
        if self.planned is None:
            return replace(fetched, change_set=change_set.with_notes([self.unchecked or UNCHECKED_NOTE]))
        notes = cross_check_notes(change_set, list(self.planned), self.label)
        if any(note.startswith(MISMATCH_NOTE) for note in notes):
            logger.warning("spacelift run %s: the uploaded plan does not match changesV3", self.label)
        return replace(fetched, change_set=change_set.with_notes(notes))


@dataclass(frozen=True, slots=True)
class _Read:
    """The input of an inner source that cannot prepare it, already read (a test's source)."""

    read: Fetched

    def fetched(self) -> Fetched:
        return self.read


def _names(addresses: Iterable[str]) -> str:
    items = list(addresses)
    shown = ", ".join(items[:_SHOWN])
    return shown + (f", and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")
