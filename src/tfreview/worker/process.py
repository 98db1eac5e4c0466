"""How workers run: `tfreview worker` (its own process) and `tfreview serve` (threads inside the server).

`python -m tfreview.worker.process` runs `run_worker_process(Settings())` — what the crash tests start.
SIGTERM or SIGINT stops claiming; jobs in progress finish within ONE shutdown deadline, `server.shutdown_seconds`
(the same setting and the same exit 3 as `serve`, ADR 0613 and 0632): a job still running RELEASE_RESERVE before it is
released — abandoned, its writes refused, and back in the queue at once for another worker — and the process exits 3
with one log line; by the deadline itself it exits 3 whatever still waits (a database that does not answer).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

from tfreview.ops.log_format import apply_log_format
from tfreview.plumbing import start_collection
from tfreview.plumbing.log_lines import configure_logging
from tfreview.plumbing.shutdown_deadline import SHUTDOWN_OVERRUN_EXIT, exit_at_deadline
from tfreview.service.container import Services
from tfreview.service.secret_reload import start_reloading
from tfreview.settings import Settings
from tfreview.worker.reaper import Reaper
from tfreview.worker.review_processes import with_review_processes
from tfreview.worker.runner import Worker
from tfreview.worker.scheduler import start_scheduler

logger = logging.getLogger("tfreview.worker")
RELEASE_RESERVE_SHARE = 0.2  # the last fifth of the deadline releases the jobs still running...
RELEASE_RESERVE_MAX_SECONDS = 5.0  # ...five seconds at most
# a signal this soon after the first is the same stop (`timeout` and container runtimes signal the process, then its
# group); a later one means "now" (ADR 0660)
SAME_STOP_SECONDS = 1.0
RELEASED = "the worker stopped before the review ended (server.shutdown_seconds): another worker takes it"


class EmbeddedThreads(list[threading.Thread]):
    """The started worker, reaper and scheduler threads; `join(timeout)` waits for all of them within one budget;
    `worker` runs the worker threads (its `release_running` gives their jobs back)."""

    worker: Worker | None = None

    def join(self, timeout: float | None = None, hurried: Callable[[], bool] | None = None) -> bool:
        """True when every thread stopped in time; False at once when `hurried()` becomes true (a second signal)."""
        end = None if timeout is None else time.monotonic() + timeout
        for thread in self:
            while thread.is_alive():
                if hurried is not None and hurried():
                    return False
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    return False
                thread.join(0.1 if hurried is not None and (left is None or left > 0.1) else left)
        return True


def worker_id(suffix: str = "") -> str:
    base = f"{socket.gethostname()}:{os.getpid()}"
    return f"{base}:{suffix}" if suffix else base


def start_embedded(services: Services, stop_event: threading.Event) -> EmbeddedThreads:
    """Start settings.worker.concurrency worker threads, the reaper and (when any reconciler is configured)
    the scheduler of the reconcilers; they run until `stop_event` is set. GitHub reviews' fetch and rules run in
    review processes (`worker.review_process`, ADR 0689), closed with the services."""
    from tfreview.wiring import WiredServices

    closers = services.closers.add if isinstance(services, WiredServices) else None
    services = with_review_processes(services, closers)
    worker = Worker(services, worker_id(), stop_event=stop_event)
    reaper = Reaper(services, stop_event=stop_event)
    threads = EmbeddedThreads(
        threading.Thread(target=worker.loop, name=f"tfreview-worker-{n}", daemon=True)
        for n in range(max(1, services.settings.worker.concurrency))
    )
    threads.worker = worker
    threads.append(threading.Thread(target=reaper.run, name="tfreview-reaper", daemon=True))
    for thread in threads:
        thread.start()
    logger.info("worker %s: %s thread(s) and the reaper started", worker.worker_id, len(threads) - 1)
    scheduler = start_scheduler(services.reconcilers, stop_event, services.metrics)
    if scheduler is not None:
        threads.append(scheduler)
    return threads


def run_worker_process(
    settings: Settings,
    *,
    stop_event: threading.Event | None = None,
    reload_settings: Callable[[], Settings] | None = None,
    keep_signal_handlers: bool = False,
) -> int:
    """`tfreview worker`: build the services, run workers and the reaper until SIGTERM/SIGINT; exit 0, or 3 when
    the shutdown ran into `server.shutdown_seconds` (see the module docstring). `reload_settings` builds the
    settings again for a secret reload (SIGHUP and the interval). `keep_signal_handlers` (the process's own entry
    point): the stop signals are ignored once it returns, so a signal while the process exits does not kill it
    (exit 143) — its work is already given back or done."""
    from tfreview.wiring import announce_process, build_services

    stop = stop_event or threading.Event()
    services = build_services(settings)
    announce_process(services, "worker")
    seconds = settings.server.shutdown_seconds
    reserve = min(RELEASE_RESERVE_MAX_SECONDS, RELEASE_RESERVE_SHARE * seconds)
    finished = threading.Event()
    signals = _Signals()
    _exit_at_deadline(stop, finished, seconds, signals, reserve)
    code = 0
    previous = _stop_on_signals(stop, signals)  # kept through the close: a second signal there is "now" too
    try:
        try:
            reloading = (
                start_reloading(services.settings, reload_settings, services.metrics, stop) if reload_settings else None
            )
            threads = start_embedded(services, stop)
            if reloading is not None:
                threads.append(reloading[1])
            watchdog = services.ops.start_watchdog(stop) if services.ops is not None else None
            if watchdog is not None:
                threads.append(watchdog)
            start_collection.settle()  # built: collection, off while `tfreview worker` started, on (ADR 0752)
            while not stop.wait(1.0):
                pass
            logger.info(
                "stopping: finishing the jobs in progress (server.shutdown_seconds: %g s; a second signal: now)",
                seconds,
            )
            if not threads.join(seconds - reserve, signals.hurried):
                code = _release(threads, seconds, hurried=signals.hurried())
        finally:
            services.close()
    finally:
        finished.set()
        if keep_signal_handlers:  # the exit is under way: a signal now is ignored (the interpreter's finalization
            _ignore_stop_signals()  # would put the default handlers back, and a signal then killed it: exit 143)
        else:
            _restore_signals(previous)
    if signals.hurried() and code == 0:
        logger.warning("worker stopped by a second signal; its jobs had ended: exit 0")
    return code


def _release(threads: EmbeddedThreads, seconds: float, *, hurried: bool = False) -> int:
    """The jobs still running as the deadline nears, or at a second stop signal, go back to the queue (ADR 0632,
    0660): exit 3, one ERROR line. Their handler threads are left to the process's exit (daemons): what they would
    still write is refused."""
    released = threads.worker.release_running(RELEASED) if threads.worker is not None else []
    what = ("job(s) " + ", ".join(str(job_id) for job_id in released)) if released else "no job (none still held)"
    if hurried:
        logger.error(
            "worker stopped by a second signal before its jobs ended: released %s for another worker; exit %d",
            what,
            SHUTDOWN_OVERRUN_EXIT,
        )
    else:
        logger.error(
            "worker did not stop within %g s of the stop signal (server.shutdown_seconds): released %s for another "
            "worker; exit %d",
            seconds,
            what,
            SHUTDOWN_OVERRUN_EXIT,
        )
    return SHUTDOWN_OVERRUN_EXIT


def _exit_at_deadline(
    stop: threading.Event, finished: threading.Event, seconds: float, signals: _Signals, grace: float
) -> None:
    """By the deadline itself the process ends whatever still waits (a release or a close blocked on a database
    that does not answer, a thread holding the interpreter's exit): one ERROR line, exit 3. Its job keeps its lease
    and is claimed again once the lease expires; nothing is written twice (every write is fenced by the attempt)."""

    def log_overrun(waiting: str) -> None:
        logger.error(
            "worker did not stop within %g s of the stop signal (server.shutdown_seconds; still running: %s): "
            "exiting now, exit %d; a job still held is claimed again once its lease expires",
            seconds,
            waiting,
            SHUTDOWN_OVERRUN_EXIT,
        )

    exit_at_deadline(stop, finished, seconds, log_overrun, hurried=signals.hurried, grace_seconds=grace)


class _Signals:
    """What the stop signals said: a flag, set in the handler and read by the threads (no lock in a handler)."""

    def __init__(self) -> None:
        self.first: float | None = None  # time.monotonic() of the first
        self.again = False

    def hurried(self) -> bool:
        return self.again


def _stop_on_signals(stop: threading.Event, signals: _Signals | None = None) -> dict[int, object]:
    if threading.current_thread() is not threading.main_thread():
        return {}
    said = signals if signals is not None else _Signals()

    def handle(signum: int, frame: FrameType | None) -> None:
        # only the first signal sets the event: a second one arriving inside stop.set() (`timeout` and container
        # runtimes signal the process, then its group) would wait for the lock this very thread holds, for ever.
        # A later one means "now" (ADR 0660): a flag the join and the deadline watcher read
        if said.first is not None:
            said.again = said.again or time.monotonic() - said.first >= SAME_STOP_SECONDS
            return
        said.first = time.monotonic()
        stop.set()

    return {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}


def _ignore_stop_signals() -> None:
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)


def _restore_signals(previous: dict[int, object]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)  # type: ignore[arg-type]  # exactly what signal.signal returned before


def main() -> int:
    settings = Settings()
    configure_logging(settings.log_level)
    apply_log_format(settings.log_format, settings.log_level)
    return run_worker_process(settings, reload_settings=Settings, keep_signal_handlers=True)


if __name__ == "__main__":
    sys.exit(main())
