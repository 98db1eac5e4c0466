"""The review process's loop (`worker.review_child`) without a process: what it keeps between reviews."""

from __future__ import annotations

import gc
import pickle
import weakref
from datetime import UTC, datetime
from typing import Any

from tfreview.core.plan import ChangeSet
from tfreview.ops.recorder import CallRecorder
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview
from tfreview.ports.service import Fetched
from tfreview.worker import review_child


class Bulk:
    """Stands for what a review builds: a pull request's parse trees and change set (~750 MiB for a 5 MB pull
    request, review22). Weakly referenced by the test, picklable as the answer must be."""

    def __init__(self) -> None:
        self.itself = self  # a cycle, as parse trees hold: freed by the collector only

    def __reduce__(self) -> tuple[Any, ...]:
        return (Bulk, ())


class Source:
    kind = "github"
    unavailable = None

    def __init__(self) -> None:
        self.built: list[weakref.ref[Bulk]] = []

    def fetch(self, review: StoredReview, payload: dict[str, object]) -> Fetched:
        bulk = Bulk()
        self.built.append(weakref.ref(bulk))
        return Fetched(ChangeSet(changes=[], output_changes={"bulk": bulk}))


class Pipe:
    """The review process's end of its pipe: one review, then EOF; it records whether the review's objects were
    still held while the process waited for the next request."""

    def __init__(self, source: Source, request: tuple[object, ...]) -> None:
        self.source = source
        self.requests: list[tuple[object, ...] | None] = [request, None]
        self.answers: list[bytes] = []
        self.held_while_waiting: list[bool] = []

    def recv(self) -> tuple[object, ...] | None:
        if self.answers:  # waiting for the next review: what the last one built should be gone by now
            self.held_while_waiting.append(any(ref() is not None for ref in self.source.built))
        return self.requests.pop(0)

    def send(self, answer: object) -> None:
        self.answers.append(pickle.dumps(answer))


def test_an_idle_review_process_holds_nothing_its_last_review_built() -> None:
    """A review process kept its last answer — the pull request's change set and review — while it waited idle for
    the next one: 758 MiB held after a 5 MB pull request, until its settings went stale (review22)."""
    now = datetime.now(UTC)
    stored = StoredReview("r1", "github:42", SourceInfo("github"), ReviewStatus.QUEUED, now, now)
    source = Source()
    pipe = Pipe(source, (stored, {}, {}))
    gc.disable()  # the collector runs when the process asks, not when allocations happen to trigger it
    try:
        review_child._serve(pipe, lambda: source, CallRecorder())  # type: ignore[arg-type,return-value]
    finally:
        gc.enable()
    assert len(pipe.answers) == 1
    assert isinstance(pickle.loads(pipe.answers[0]), review_child.Reviewed)
    assert source.built
    assert pipe.held_while_waiting == [False]
