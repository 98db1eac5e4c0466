"""How workers run: `tfreview worker` (its own process) and `tfreview serve` (threads inside the server).

`python -m tfreview.worker.process` runs `run_worker_process(Settings())` — what the crash tests start.
SIGTERM or SIGINT stops claiming; jobs in progress finish (bounded by the job timeout); a job left
unfinished keeps its lease until it expires and is then claimed again, by this or another worker.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from types import FrameType

from tfreview.ops.log_format import apply_log_format
from tfreview.plumbing.log_lines import configure_logging
from tfreview.service.container import Services
from tfreview.service.secret_reload import start_reloading
from tfreview.settings import Settings
from tfreview.worker.reaper import Reaper
from tfreview.worker.runner import Worker
from tfreview.worker.scheduler import start_scheduler

logger = logging.getLogger("tfreview.worker")


class EmbeddedThreads(list[threading.Thread]):
    """The started worker, reaper and scheduler threads; `join(timeout)` waits for all of them within one budget."""

    def join(self, timeout: float | None = None) -> bool:
        """True when every thread stopped in time."""
        import time

        end = None if timeout is None else time.monotonic() + timeout
        for thread in self:
            thread.join(None if end is None else max(0.0, end - time.monotonic()))
        return not any(thread.is_alive() for thread in self)


def worker_id(suffix: str = "") -> str:
    base = f"{socket.gethostname()}:{os.getpid()}"
    return f"{base}:{suffix}" if suffix else base


def start_embedded(services: Services, stop_event: threading.Event) -> EmbeddedThreads:
    """Start settings.worker.concurrency worker threads, the reaper and (when any reconciler is configured)
    the scheduler of the reconcilers; they run until `stop_event` is set."""
    worker = Worker(services, worker_id(), stop_event=stop_event)
    reaper = Reaper(services, stop_event=stop_event)
    threads = EmbeddedThreads(
        threading.Thread(target=worker.loop, name=f"tfreview-worker-{n}", daemon=True)
        for n in range(max(1, services.settings.worker.concurrency))
    )
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
) -> int:
    """`tfreview worker`: build the services, run workers and the reaper until SIGTERM/SIGINT; exit 0.
    `reload_settings` builds the settings again for a secret reload (SIGHUP and the interval)."""
    from tfreview.wiring import announce_process, build_services

    stop = stop_event or threading.Event()
    services = build_services(settings)
    announce_process(services, "worker")
    try:
        previous = _stop_on_signals(stop)
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
            while not stop.wait(1.0):
                pass
            logger.info("stopping: finishing the jobs in progress")
            finished = threads.join(services.settings.worker.review_deadline_seconds)
            if not finished:
                logger.warning("stopping with jobs still running; their leases will expire and they run again")
        finally:
            _restore_signals(previous)
    finally:
        services.close()
    return 0


def _stop_on_signals(stop: threading.Event) -> dict[int, object]:
    if threading.current_thread() is not threading.main_thread():
        return {}

    handled = False

    def handle(signum: int, frame: FrameType | None) -> None:
        # only the first signal sets the event: a second one arriving inside stop.set() (`timeout` and container
        # runtimes signal the process, then its group) would wait for the lock this very thread holds, for ever
        nonlocal handled
        if handled:
            return
        handled = True
        stop.set()

    return {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}


def _restore_signals(previous: dict[int, object]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)  # type: ignore[arg-type]  # exactly what signal.signal returned before


def main() -> int:
    settings = Settings()
    configure_logging(settings.log_level)
    apply_log_format(settings.log_format, settings.log_level)
    return run_worker_process(settings, reload_settings=Settings)


if __name__ == "__main__":
    sys.exit(main())
