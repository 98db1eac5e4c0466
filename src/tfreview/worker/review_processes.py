"""The review processes of a worker (ADR 0689, 0702): a GitHub pull request's fetch and rules, an uploaded plan's
parsing and rules, off the server's GIL.

`ReviewProcessPool.review` takes an idle review process (`worker.review_child`) — or starts one, lazily: a server
that never reviews never starts any — sends it the review (with an uploaded plan's prepared input: its bytes, read
here), and waits for its answer while asking
`stopped()` every POLL_SECONDS. At most `size` processes are kept idle (one per worker handler slot,
`worker.concurrency`). A process whose settings are stale (a secret reload changed the live settings since it
started) is stopped when next taken, and a new one started with the settings of now.

    the answer comes           its metric calls are replayed into this process's recorder; its error is raised
                               again here (`review_errors.unpack`: the same class and attributes)
    the process ends first     ReviewProcessEnded ("… (signal 9) …"): retriable; the next review starts another
    `stopped()` says so        the process is killed (it may be stuck) and ReviewStopped raised: the attempt
                               timed out, lost its lease or was released at a shutdown, as it would in-process —
                               also while the pipe still carries its request or answer (stopped mid-write, ADR 0738)
    `close()`                  idle processes are told to end, then every one still running is killed
    it holds more than         it is told to end after its answer (`worker.review_process_max_rss_mib`, ADR 0703):
    the bound after a review   the peak of a huge review is not kept while it idles; the next review starts another

`with_review_processes` gives the services a pool when `worker.review_process` is on and the services' sources are
the settings' own (`Services.sources_from_settings`: a test's fakes stay in-process).
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import signal
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from multiprocessing.connection import Connection, Pipe
from pathlib import Path

from tfreview.ops.log_context import current
from tfreview.ops.recorder import Recorder, replay
from tfreview.ports.records import StoredReview
from tfreview.ports.review_processes import (
    Finish,
    FinishedReview,
    LendsCredentials,
    PreparedInput,
    ReviewStopped,
    RulesReviewed,
)
from tfreview.service.container import Services
from tfreview.settings import Settings
from tfreview.worker import review_child
from tfreview.worker.errors import ReviewProcessEnded
from tfreview.worker.review_errors import unpack
from tfreview.worker.review_spawn import SpawnedProcess, handed_over, spawn

logger = logging.getLogger("tfreview.worker")
POLL_SECONDS = 0.1  # how often a waiting worker thread asks whether its attempt stopped
STOP_SECONDS = 2.0  # how long an idle review process has to end once told to, before it is killed


class ReviewProcess:
    """One review process and the worker's end of its pipe."""

    def __init__(self, settings_bytes: bytes, environment: Mapping[str, str] | None = None) -> None:
        ours, theirs = Pipe()
        self.settings_bytes = settings_bytes
        self.connection: Connection = ours
        self._closing = threading.Lock()
        # SIGHUP blocked while it is spawned (the mask outlives the exec): a reload sent to every process of the
        # service before `review_child.main` ignores it waits, then is dropped there — not its end (ADR 0698).
        # Executed with a minimal environment: the server's secrets are not in /proc/<pid>/environ (ADR 0740, 0743)
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})
        try:
            self.process: SpawnedProcess = spawn(ours, theirs)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        # the settings through the pipe: never in argv or the environment, where secrets would show; so are the
        # variables it reads from an environment (its GitHub App's `env:` references, proxies: ADR 0740)
        ours.send_bytes(pickle.dumps((settings_bytes, os.getpid(), dict(environment or {}))))

    @property
    def pid(self) -> int:
        return self.process.pid

    def resident_mib(self) -> int | None:
        """Its resident memory now (VmRSS), None where /proc does not say."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="ascii", errors="replace")
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                fields = line.split()
                return int(fields[1]) // 1024 if len(fields) > 1 and fields[1].isdigit() else None
        return None

    def ask(self, request: tuple[object, ...], stopped: Callable[[], bool]) -> review_child.Answer:
        # `send` of a large request and `recv` of an answer already begun block until their last byte: a process
        # stopped or frozen meanwhile (SIGSTOP, a frozen cgroup) is killed by a watcher once `stopped()` says so
        # (review23); the poll loop between them asks it itself
        watched = _Watched(self, stopped)
        try:
            with watched:
                self.connection.send(request)
            while not self.connection.poll(POLL_SECONDS):
                if stopped():
                    self.kill()
                    raise ReviewStopped(_STOPPED)
            with watched:
                answer = self.connection.recv()
        except (EOFError, OSError) as exc:  # its end of the pipe closed: it ended
            if watched.killed:
                self.kill()
                raise ReviewStopped(_STOPPED) from None
            raise ReviewProcessEnded(
                f"the review process ended ({self._how()}) before the review did: a new one reviews the next attempt"
            ) from exc
        if watched.killed:  # the answer came as the watcher killed the process: the attempt stopped all the same
            self.kill()
            raise ReviewStopped(_STOPPED)
        if not isinstance(answer, (review_child.Reviewed, review_child.Failed)):
            self.kill()
            raise ReviewProcessEnded(f"the review process answered {type(answer).__name__}: it was stopped")
        return answer

    def _how(self) -> str:
        self.process.join(STOP_SECONDS)
        code = self.process.exitcode
        if code is None:
            self.kill()
            return "its pipe closed"
        return f"signal {-code}" if code < 0 else f"exit {code}"

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        """Tell it to end (EOF on its pipe), then kill it if it has not within STOP_SECONDS."""
        self._close_pipe()
        self.process.join(STOP_SECONDS)
        if self.process.is_alive():
            self.kill()

    def kill(self) -> None:
        self.end_process()
        self.process.join(STOP_SECONDS)
        self._close_pipe()

    def end_process(self) -> None:
        """SIGKILL only: the pipe stays open for the thread using it, which closes it. Closing it from another thread
        raced that thread's own close (EBADF, or the close of whatever file had just taken the number)."""
        if self.process.is_alive():
            self.process.kill()

    def _close_pipe(self) -> None:
        with self._closing:  # `Connection.close` checks, then closes: two threads could both close the descriptor
            self.connection.close()


_STOPPED = "the attempt stopped while its review process worked: the process was killed"


class _Watched:
    """While its block runs (a `send` or `recv` on the pipe, which wait for their last byte), a thread asks `stopped()`
    every POLL_SECONDS and kills the process once it says so: the pipe's other end closes, the block ends with EOF or
    a broken pipe, and `killed` says why. Only the process is killed here: the pipe is closed by the thread using it."""

    def __init__(self, child: ReviewProcess, stopped: Callable[[], bool]) -> None:
        self._child = child
        self._stopped = stopped
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self.killed = False

    def __enter__(self) -> None:
        self._done.clear()
        self._thread = threading.Thread(target=self._watch, name="tfreview-review-pipe", daemon=True)
        self._thread.start()

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()

    def _watch(self) -> None:
        while not self._done.wait(POLL_SECONDS):
            if self._stopped():
                self.killed = True
                self._child.process.kill()  # SIGKILL ends a stopped process too
                return


class ReviewProcessPool:
    """The review processes of one worker process (see the module docstring)."""

    def __init__(
        self, settings: Callable[[], Settings], metrics: Recorder, size: int, lender: LendsCredentials | None = None
    ) -> None:
        self._settings = settings
        self._lender = lender  # the worker's own GitHub source: its installation token goes with each review
        self._metrics = metrics
        self._size = max(1, size)
        self._lock = threading.Lock()
        self._idle: list[ReviewProcess] = []
        self._all: set[ReviewProcess] = set()
        self._closed = False

    def review(
        self,
        stored: StoredReview,
        payload: Mapping[str, object],
        stopped: Callable[[], bool],
        *,
        prepared: PreparedInput | None = None,
        finish: Finish | None = None,
    ) -> RulesReviewed | FinishedReview:
        # a pull request's: the token this process holds (or fetches now) goes with the review: one token per
        # installation for the whole service, not one per review process (ADR 0690); an error here is the fetch's
        lent = self._lender.lend_token(stored, payload) if self._lender is not None and prepared is None else None
        child = self._take()
        try:
            answer = child.ask((stored, dict(payload), current(), lent, prepared, finish), stopped)
        except BaseException:
            self._drop(child)
            raise
        self._give_back(child)
        replay(answer.calls, self._metrics)
        if answer.returned is not None and self._lender is not None:  # lend that one next, not the refused one
            self._lender.take_back_token(lent, answer.returned)  # (ADR 0713)
        if isinstance(answer, review_child.Failed):
            raise unpack(answer.error)
        return answer.reviewed

    def pids(self) -> list[int]:
        """The review processes running now (tests, logs)."""
        with self._lock:
            return sorted(child.pid for child in self._all if child.alive())

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            busy = [child for child in self._all if child not in idle]
            self._all.clear()
        for child in busy:  # its attempt is abandoned or released by now; what it would write is refused. Its thread,
            child.end_process()  # woken by the pipe's end, drops it and closes the pipe (`_drop`)
        for child in idle:
            child.stop()

    def _take(self) -> ReviewProcess:
        wanted = pickle.dumps(self._settings())
        stale: list[ReviewProcess] = []
        taken: ReviewProcess | None = None
        with self._lock:
            if self._closed:
                raise ReviewProcessEnded("the review processes are stopping: the worker is shutting down")
            while self._idle and taken is None:
                child = self._idle.pop()
                if child.settings_bytes == wanted and child.alive():
                    taken = child
                else:
                    stale.append(child)
                    self._all.discard(child)
        for child in stale:
            child.stop()
        if taken is not None:
            return taken
        child = ReviewProcess(wanted, _handed_over(self._settings()))
        logger.info("review process %s started (ADR 0689)", child.pid)
        with self._lock:
            closed = self._closed
            if not closed:
                self._all.add(child)
        if closed:
            child.kill()
            raise ReviewProcessEnded("the review processes are stopping: the worker is shutting down")
        return child

    def _give_back(self, child: ReviewProcess) -> None:
        bound = self._settings().worker.review_process_max_rss_mib
        held = child.resident_mib()
        if held is not None and held > bound:  # a huge review's peak, which an idle process would keep (ADR 0703)
            logger.info(
                "review process %s holds %d MiB after its review, over worker.review_process_max_rss_mib (%d): ended,"
                " a new one reviews the next (ADR 0703)",
                child.pid,
                held,
                bound,
            )
            self._drop_idle(child)
            return
        with self._lock:
            keep = not self._closed and len(self._idle) < self._size
            if keep:
                self._idle.append(child)
            else:
                self._all.discard(child)
        if not keep:
            child.stop()

    def _drop_idle(self, child: ReviewProcess) -> None:
        with self._lock:
            self._all.discard(child)
        child.stop()

    def _drop(self, child: ReviewProcess) -> None:
        with self._lock:
            self._all.discard(child)
        child.kill()


def _handed_over(settings: Settings) -> dict[str, str]:
    """The environment variables a review process reads after its start (ADR 0740): its GitHub App's references."""
    app = settings.github_app
    references = [*app.private_key_sources(), app.token_source(), app.marker_secret_source()]
    return handed_over(os.environ, (source for source in references if source is not None))


def with_review_processes(services: Services, on_close: Callable[[Callable[[], None]], None] | None) -> Services:
    """`services` with a review-process pool (see the module docstring), or the same services. `on_close` registers
    the pool's `close` with what the caller closes at its shutdown; the interpreter's exit closes it too."""
    settings = services.settings
    if (
        not settings.worker.review_process
        or not services.sources_from_settings
        or services.review_processes is not None
    ):
        return services
    github = services.sources.get("github")
    usable = github is not None and github.unavailable is None
    lender = github if usable and isinstance(github, LendsCredentials) else None
    pool = ReviewProcessPool(lambda: services.settings, services.metrics, settings.worker.concurrency, lender)
    if on_close is not None:
        on_close(pool.close)
    atexit.register(pool.close)  # before multiprocessing's own exit handler, which would wait for them
    return replace(services, review_processes=pool)
