"""`tfreview serve`: the web app under uvicorn, plus (embedded mode) the worker pool and scheduler.

Order at start: migrate and check the database (SQLite), bind the socket, build the services, start
the workers, serve; the URL is printed once the server accepts connections. SIGINT and SIGTERM stop
the server gracefully (in-flight requests finish), then the workers (a review in progress either
finishes or is left to its lease, to be claimed again), and the process exits 0 — or, when all that takes
longer than `server.shutdown_seconds` (a database that does not answer), exits 3 with one log line (ADR 0613).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import socket
import sys
import threading
from collections.abc import Callable, Generator
from types import FrameType
from typing import Any

from tfreview.core.errors import ConfigError, TfreviewError
from tfreview.plumbing import start_collection
from tfreview.plumbing.shutdown_deadline import SHUTDOWN_OVERRUN_EXIT, exit_at_deadline
from tfreview.settings import Settings

GRACEFUL_SHUTDOWN_SECONDS = 10
logger = logging.getLogger(__name__)
_EVERY_ADDRESS = ("0.0.0.0", "::", "")  # a listening address no one can reach the service at
WORKER_STOP_SECONDS = 30.0


def serve(
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    worker: bool = True,
    reload_settings: Callable[[], Settings] | None = None,
) -> int:
    """Run the API (and the embedded workers); `reload_settings` builds the settings again for a secret reload
    (SIGHUP and `secrets.reload_seconds`; None: secrets are read once)."""
    from tfreview.store.setup import is_sql, is_sqlite, prepare_database, require_current_schema

    host = host or settings.server.host
    port = settings.server.port if port is None else port
    if not 0 <= port <= 65535:
        raise ConfigError(f"--port must be between 0 and 65535, got {port}")
    if is_sqlite(settings.database.url):
        # embedded: migrate, then refuse to run without durable SQLite settings
        prepare_database(settings.database.url, settings.database.busy_timeout_ms)
    elif is_sql(settings.database.url):  # scaled: the operator migrates; a start on an older schema would answer 500s
        require_current_schema(settings.database.url, settings.database.busy_timeout_ms)
    listener = bind(host, port)
    try:
        settings = _listening_settings(settings, host, listener.getsockname()[1])
        return _run(settings, listener, worker=worker, reload_settings=reload_settings)
    finally:
        listener.close()


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket; ConfigError with one clear line when the address cannot be used."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(2048)
    except OSError as exc:
        listener.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    listener.set_inheritable(True)
    return listener


def _listening_settings(settings: Settings, host: str, port: int) -> Settings:
    update: dict[str, Any] = {"host": host, "port": port}
    if "public_url" not in settings.server.model_fields_set:
        shown = f"[{host}]" if ":" in host else host
        update["public_url"] = f"http://{shown}:{port}"
        if host in _EVERY_ADDRESS:  # links in PR comments and notifications would point at no machine
            logger.warning(
                "server.public_url is not set and serve listens on every address: the links in comments and "
                "notifications point at %s; set TFREVIEW_SERVER__PUBLIC_URL to the service's URL",
                update["public_url"],
            )
    return settings.model_copy(update={"server": settings.server.model_copy(update=update)})


def _run(
    settings: Settings, listener: socket.socket, *, worker: bool, reload_settings: Callable[[], Settings] | None
) -> int:
    import uvicorn

    from tfreview.service.data_safety import start_data_safety
    from tfreview.service.secret_reload import start_reloading
    from tfreview.web.app import create_app
    from tfreview.web.head_limits import HeadLimits
    from tfreview.web.protocol import Timeouts, protocol_class
    from tfreview.wiring import announce_process, build_services
    from tfreview.worker.process import start_embedded

    services = build_services(settings)
    announce_process(services, "serve")
    if services.door is not None:  # the door's first reads, before the event loop runs (ADR 0580)
        services.door.prime()
    door = settings.door
    stop = threading.Event()
    finished = threading.Event()
    _exit_at_deadline(stop, finished, settings.server.shutdown_seconds)
    quieted = _CancelledAtShutdown()
    logging.getLogger("uvicorn.error").addFilter(quieted)
    try:
        app = create_app(services)
        mode = "API, webhooks, worker pool and scheduler" if worker else "API and webhooks only"
        server = _Server(
            uvicorn.Config(
                app,
                log_level="warning",
                log_config=None,  # uvicorn's records go through our handler and format (log_lines)
                http=protocol_class(
                    HeadLimits(settings.server.max_header_bytes, settings.server.max_header_count),
                    Timeouts(door.header_timeout_seconds, door.body_timeout_seconds, door.body_min_rate_bytes),
                ),
                ws="none",  # no WebSocket route: an Upgrade request is answered as HTTP/1.1 (web/protocol.py)
                loop="auto",  # uvloop (a dependency wherever it builds: CPython off Windows), else asyncio's
                limit_concurrency=door.max_connections,  # connections opened past it: 503 (web/protocol.py)
                access_log=False,
                # the door alone decides whose X-Forwarded-For is believed (door.trusted_proxies): uvicorn's own
                # layer would let any loopback peer pick its address for the limits, blocks and allow list
                proxy_headers=False,
                timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
                server_header=False,
            ),
            on_started=lambda: _started(settings.server.public_url, mode),
        )
        with _stop_on_signals(server, stop):
            if reload_settings is not None:
                start_reloading(services.settings, reload_settings, services.metrics, stop)
            embedded = start_embedded(services, stop) if worker else None
            watchdog = services.ops.start_watchdog(stop) if services.ops is not None else None
            data_safety = start_data_safety(settings, services.database, services.metrics, services.audit, stop)
            try:
                server.run(sockets=[listener])
            finally:
                stop.set()
                if embedded is not None:
                    embedded.join(WORKER_STOP_SECONDS)
                if watchdog is not None:
                    watchdog.join(WORKER_STOP_SECONDS)
                if data_safety is not None:
                    data_safety.join(WORKER_STOP_SECONDS)
    finally:
        stop.set()
        services.close()
        logging.getLogger("uvicorn.error").removeFilter(quieted)
        finished.set()
    print("tfreview: stopped", file=sys.stderr)
    return 0


class _CancelledAtShutdown(logging.Filter):
    """uvicorn logs a request its graceful shutdown cancelled (`timeout_graceful_shutdown` ran out while it waited,
    on a database that does not answer) as "Exception in ASGI application" with a traceback: one line instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, asyncio.CancelledError):
            record.msg = "a request still in flight was cancelled: the graceful shutdown's %d s ran out (%s)"
            record.args = (GRACEFUL_SHUTDOWN_SECONDS, str(error) or "cancelled")
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        return True


def _exit_at_deadline(stop: threading.Event, finished: threading.Event, seconds: float) -> None:
    """One deadline for the whole shutdown (ADR 0613): each step is bounded on its own (requests in flight, the
    workers, the watchdog, the data-safety thread, the closers), ~100 s in all while the database does not answer,
    and a thread still waiting on the database then held the interpreter's exit for good — past a platform's grace
    period, whose SIGKILL leaves no word in the log. `seconds` after `stop` is set, a process still in its shutdown
    (or, serve returned, still waiting on threads at the interpreter's exit) ends: one line naming what still runs,
    exit 3. Nothing acknowledged is lost: a delivery is answered only once committed,
    and a job in flight is claimed again once its lease expires."""

    def log_overrun(waiting: str) -> None:
        logger.error(
            "serve did not stop within %g s of the stop signal (server.shutdown_seconds; %s; still running: %s): "
            "exiting now, exit %d; acknowledged deliveries are committed, jobs in flight are claimed again once "
            "their leases expire",
            seconds,
            "the shutdown steps ended, threads still wait" if finished.is_set() else "a shutdown step still waits",
            waiting,
            SHUTDOWN_OVERRUN_EXIT,
        )

    exit_at_deadline(stop, finished, seconds, log_overrun)


def _started(url: str, mode: str) -> None:
    """Listening, everything of the start-up built: its ~180,000 objects (modules, rules, settings, the app) live as
    long as the process, so the cyclic collector stops walking them (ADR 0450) — a full pass under load took ~0.1 s
    of CPU with the GIL held, each one; what is allocated from now on is collected as before — collection, off while
    the process started (`tfreview serve`: ADR 0752), is switched on here."""
    gc.collect()  # garbage left by the start-up would be frozen with it and never freed (ADR 0474)
    gc.freeze()
    start_collection.resume()
    _announce(url, mode)


def _announce(url: str, mode: str) -> None:
    """The start-up line on stdout, where scripts read the URL. A stdout that refuses it (`>&-`, a full disk behind
    `> file`, a reader gone) does not stop the service: it raised in uvicorn's start-up, which then stopped a
    running service with exit 2 (review16d); the line goes to the log instead."""
    line = f"tfreview serving on {url} ({mode}); Ctrl-C to stop"
    try:
        print(line, flush=True)
    except (TfreviewError, OSError) as exc:  # InputError from the CLI's stdout; a reader gone, another caller's
        if isinstance(exc, OSError):
            from tfreview.scan_output import unwritable

            exc = unwritable(exc)  # drops what stdout holds unwritten, so the exit does not try it again
        logger.warning("%s (%s)", line, exc)


class _Server:
    """uvicorn's Server, with our own signal handling (uvicorn re-raises SIGTERM after shutdown, which would
    kill the process before the workers stop) and a callback once it listens."""

    def __init__(self, config: Any, on_started: Callable[[], None]) -> None:
        import uvicorn

        on_started_callback = on_started

        class Server(uvicorn.Server):
            @contextlib.contextmanager
            def capture_signals(self) -> Generator[None, None, None]:
                yield

            async def startup(self, sockets: list[socket.socket] | None = None) -> None:
                await super().startup(sockets=sockets)
                if self.started and not self.should_exit:
                    on_started_callback()

        self._server = Server(config)

    def run(self, sockets: list[socket.socket]) -> None:
        self._server.run(sockets=sockets)

    def stop(self) -> None:
        self._server.should_exit = True


@contextlib.contextmanager
def _stop_on_signals(server: _Server, stop: threading.Event) -> Generator[None, None, None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    handled = False

    def handle(signum: int, frame: FrameType | None) -> None:
        # A second signal may arrive while this handler is inside stop.set() (`timeout` and container runtimes
        # signal the process, then its group): running stop.set() again there waits for the lock this very thread
        # holds, and serve never stops. Only the first signal sets the event; every one asks uvicorn to exit.
        nonlocal handled
        server.stop()
        if handled:
            return
        handled = True
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
