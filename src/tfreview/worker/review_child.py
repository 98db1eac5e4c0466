"""A review process (ADR 0689, 0702): started by `worker.review_processes` (`review_spawn`, `review_entry`), it
fetches GitHub pull requests, reads uploaded plans, and runs the rules on them, so the server's interpreter lock
stays with the intake.

Its pipe first brings the pickled Settings (never argv or the environment: they hold secrets), the parent's pid and
the environment variables it reads (it is executed with a minimal environment: `review_spawn`, ADR 0740);
it lowers its priority — niced, and under SCHED_IDLE where the operator asks for it
(`worker.review_process_idle_scheduling`): a server thread woken takes the CPU from it at once (ADR 0755) —, offers
itself first to the kernel's OOM killer (ADR 0698) and
answers each request — (stored review, payload, log ids, lent token, prepared input, with change set) — with
`Reviewed` or `Failed`, each carrying the metric calls recorded meanwhile for the parent to replay. A request with
a prepared input (an uploaded plan's bytes, Spacelift's changes of its run: `ports.review_processes.PreparedInput`)
is read from it: this process opens no database. One without is a pull request's: the GitHub plan source alone
(`wiring.integrations.github_review_source`: no database, no publisher) is built for the first, and kept.
EOF on the pipe (the parent closed it, or died) ends it; so does its parent's death while it reviews (`_watch_parent`),
and while it is stopped: Linux continues it then (`_continued_when_the_parent_dies`, ADR 0740).
SIGINT and SIGTERM are ignored: a Ctrl-C or a container runtime's SIGTERM to the process group stops the parent,
which stops its review processes within its own shutdown. SIGHUP too (ADR 0698): a reload sent to every process of
the service (`kill -HUP` of each, `systemctl kill -s HUP`) is its parent's to do — it replaces a review process
whose settings are stale — and its default action would end the review in flight; the spawn blocks it until then.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tfreview.core.findings import Review
from tfreview.ops.log_context import bound
from tfreview.ops.recorder import Call, CallRecorder
from tfreview.ports.review_processes import Finish, FinishedReview, PreparedInput, RulesReviewed
from tfreview.ports.service import Fetched, PlanSource
from tfreview.worker.review_errors import PackedError, pack

if TYPE_CHECKING:
    from tfreview.ports.records import StoredReview

logger = logging.getLogger("tfreview.worker")
NICENESS = 10  # added to the review process's niceness (SCHED_IDLE besides when asked, ADR 0755): the server first
OOM_SCORE_ADJ = "1000"  # the most: the kernel's OOM killer ends a review process before its server (ADR 0698)
ORPHAN_CHECK_SECONDS = 0.5  # how often a review process looks whether its parent is still there
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


@dataclass(frozen=True, slots=True)
class Reviewed:
    reviewed: RulesReviewed | FinishedReview
    calls: list[Call]
    returned: object | None = None  # the token fetched in place of the lent one (ADR 0713)


@dataclass(frozen=True, slots=True)
class Failed:
    error: PackedError
    calls: list[Call]
    returned: object | None = None  # the token fetched in place of the lent one (ADR 0713)


Answer = Reviewed | Failed


def main(connection: Connection) -> None:
    """The review process's life (what `review_entry` runs)."""
    for parents_signal in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(parents_signal, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGHUP})  # blocked by the spawn: one pending is dropped now
    try:
        settings_bytes, parent, environment = pickle.loads(connection.recv_bytes())
    except (EOFError, OSError):  # the parent went before it said anything
        return
    os.environ.update(environment)  # executed with a minimal environment: what it reads comes here (ADR 0740)
    _continued_when_the_parent_dies()
    _watch_parent(parent)  # after: a parent already gone is seen at once
    os.nice(NICENESS)
    _first_for_the_oom_killer()
    from tfreview.ops.log_format import apply_log_format
    from tfreview.plumbing.log_lines import configure_logging

    settings = pickle.loads(settings_bytes)
    if settings.worker.review_process_idle_scheduling:
        _idle_scheduling()
    configure_logging(settings.log_level)
    apply_log_format(settings.log_format, settings.log_level)
    recorder = CallRecorder()
    github = _GitHub(settings, recorder)
    try:
        _serve(connection, github.source, recorder)
    finally:
        github.close()


class _GitHub:
    """The GitHub plan source, built at the first pull request's review — an uploaded plan's needs none — and kept;
    one that cannot be built (a reference that no longer reads) fails each such review with the same error,
    classified as in-process."""

    def __init__(self, settings: Any, recorder: CallRecorder) -> None:
        self._settings = settings
        self._recorder = recorder
        self._built: PlanSource | None = None
        self._close: Callable[[], None] = _nothing
        self._error: Exception | None = None

    def source(self) -> PlanSource:
        if self._built is None and self._error is None:
            from tfreview.wiring.integrations import github_review_source

            try:
                self._built, self._close = github_review_source(self._settings, self._recorder)
            except Exception as exc:
                self._error = exc
        if self._error is not None:
            raise self._error
        assert self._built is not None
        return self._built

    def close(self) -> None:
        self._close()


def _nothing() -> None:
    return None


def _idle_scheduling() -> None:
    """Run this thread — the one that reviews, and any it starts — under SCHED_IDLE (ADR 0755; opt-in: on a host
    shared with other busy processes — a database, another service — a SCHED_IDLE review starves). Niced by 10, a review
    process still held a CPU that the server's woken event loop then waited for, a time slice or more (r25-tail: the
    slowest 1 % of deliveries at 100/s spent most of their time runnable, not running); a SCHED_IDLE thread gives the
    CPU up to any other thread the moment it wakes, and the kernel counts its CPU as free when it places one. It is
    not starved for ever: it keeps a weight of 3 against a nice-0 thread's 1024, and the whole of a CPU no one else
    wants. Its attempt's lease is the worker thread's to keep (its heartbeats run in the server, not here); a review
    slowed past `worker.review_deadline_seconds` fails retriably like any. Lowering one's own policy needs no
    privilege; a kernel or a sandbox without it (not Linux, a seccomp filter) keeps the nice alone. The orphan
    watcher, started before, stays as it was: it must still see its parent gone on a busy machine."""
    policy = getattr(os, "SCHED_IDLE", None)
    if policy is None:
        return
    try:
        os.sched_setscheduler(0, policy, os.sched_param(0))
    except OSError:
        return


def _first_for_the_oom_killer() -> None:
    """A pull request's author shapes what a review holds (~1 GB of parse trees per read, ADR 0684): memory that runs
    out must end this review — its attempt then fails retriably, "signal 9" — never the server's intake and store.
    Raising one's own score needs no privilege; a system without /proc (or a read-only one) keeps the default."""
    try:
        with open("/proc/self/oom_score_adj", "w", encoding="ascii") as score:
            score.write(OOM_SCORE_ADJ)
    except OSError:
        return


def _serve(connection: Connection, source: Callable[[], PlanSource], recorder: CallRecorder) -> None:
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):  # the parent closed the pipe (its shutdown) or died
            return
        if request is None:
            return
        if not _answer(connection, review_one(source, recorder, *request), recorder):
            return
        # what the review built is unreachable once answered, much of it in reference cycles (parse trees): freed
        # now, not held while this process waits idle for the next review (a 5 MB pull request: ~660 MiB; ADR 0714)
        gc.collect()


def _answer(connection: Connection, answer: Answer, recorder: CallRecorder) -> bool:
    """Send `answer`; False once the parent is gone."""
    try:
        connection.send(answer)
    except (BrokenPipeError, EOFError):
        return False
    except Exception as exc:  # what the review built does not pickle: said as an error of its own
        connection.send(Failed(pack(exc), recorder.take()))
    return True


def review_one(
    source: Callable[[], PlanSource],
    recorder: CallRecorder,
    stored: object,
    payload: dict[str, object],
    ids: dict[str, str],
    lent: object | None = None,
    prepared: PreparedInput | None = None,
    finish: Finish | None = None,
) -> Answer:
    """Fetch the review's input (or read `prepared`) and run the rules on it: what the worker thread did in-process
    (service.reviewing). Given `finish` (no model advisor follows), finish it: the built-in reviewer's advice and
    the kept findings merged, the document encoded — only the document goes back (ADR 0702)."""
    from tfreview.core.review import review
    from tfreview.ports.records import StoredReview
    from tfreview.rules import load_rules_for

    assert isinstance(stored, StoredReview)  # the parent sends nothing else
    borrower: AdoptsCredentials | None = None
    with bound(**ids):
        try:
            if prepared is not None:
                fetched = prepared.fetched()
            else:
                github = source()
                if lent is not None and isinstance(github, AdoptsCredentials):  # the worker's token (ADR 0690)
                    borrower = github
                    github.adopt_token(lent)
                fetched = github.fetch(stored, payload)
            change_set = fetched.change_set
            rules = load_rules_for(change_set.resource_types())
            begun = time.perf_counter()
            result = review(change_set, rules, fetched.policy)
            took = time.perf_counter() - begun
            if finish is None:  # a model advisor follows, in the worker: its prompt reads the change set
                reviewed = RulesReviewed(result, took, fetched.policy, change_set)
                return Reviewed(reviewed, recorder.take(), _returned(borrower, lent))
            done = _finished(stored, fetched, result, took, finish)
        except Exception as exc:  # every error goes back to the worker, which classifies it
            return Failed(pack(exc), recorder.take(), _returned(borrower, lent))
    return Reviewed(done, recorder.take(), _returned(borrower, lent))


def _returned(borrower: AdoptsCredentials | None, lent: object) -> object | None:
    """The token this process fetched in place of `lent` (GitHub refused it, or it went stale), for the worker to
    lend next (ADR 0713): else every review process would meet the refused token again, and fetch one of its own."""
    if borrower is None:
        return None
    try:
        return borrower.returned_token(lent)
    except Exception:  # a read of its own cache: never the review's failure
        logger.warning("the token fetched in place of the lent one could not be read back (ADR 0713)")
        return None


def _finished(stored: StoredReview, fetched: Fetched, result: Review, took: float, finish: Finish) -> FinishedReview:
    """The review as `service.reviewing` finishes it without a model: the built-in advice, the kept findings, the
    document spelled here, off the worker's interpreter lock (ADR 0722), by the same function (ADR 0727) — and the
    SQL store's rows for it (ADR 0728)."""
    from tfreview.advisor.builtin import BuiltinAdvisor
    from tfreview.service.assessment import Assessment, advise_on
    from tfreview.service.finished_reviews import finished_review

    assessment = Assessment(result, None, took)
    if finish.builtin_advice:
        assessment = advise_on(
            fetched.change_set,
            result,
            took,
            BuiltinAdvisor(),
            ai_can_fail=finish.ai_can_fail,
            tenant_id=finish.tenant_id,
        )
    return finished_review(assessment, finish.kept, fetched.policy, rows_for=stored)


@runtime_checkable
class AdoptsCredentials(Protocol):
    """The GitHub source's side of ADR 0690: fetch with the token the worker lent; give back the one it fetched
    in its place (ADR 0713)."""

    def adopt_token(self, lent: Any) -> None: ...

    def returned_token(self, lent: Any) -> Any | None: ...


def _continued_when_the_parent_dies() -> None:
    """Have Linux send this process SIGCONT when its parent ends (ADR 0740). A review process stopped (SIGSTOP, a
    debugger, a cgroup freezer) when its server is SIGKILLed would otherwise stay stopped for ever: a stopped process
    runs nothing, not `_watch_parent`, and a server that leads its own session (systemd, a container's init) leaves
    a group the kernel already counts as orphaned, so no SIGHUP and SIGCONT come at its death. Continued, it sees
    its parent gone and ends. SIGCONT ends nothing: PR_SET_PDEATHSIG fires when the spawning *thread* ends too, and
    then it costs a no-op where SIGKILL would end a live review (why ADR 0689 did not use it). Elsewhere: nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGCONT), 0, 0, 0)
    except (OSError, AttributeError):  # no libc prctl to call: as before
        return


def _watch_parent(parent: int) -> None:
    """End this process once its parent is gone (SIGKILLed, or past its shutdown deadline's exit): no review goes
    on for no one. An idle review process sees EOF on its pipe; a busy one would not until its review ended."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(ORPHAN_CHECK_SECONDS)
        os._exit(0)  # mid-review, nothing to finish: its parent will never read the answer

    threading.Thread(target=watch, name="tfreview-review-orphan", daemon=True).start()
