"""Reloading secrets without a restart (issue 11 K2, ADR 0120): SIGHUP and an interval re-read every secret
reference of a running process (`serve`, `worker`).

A reload builds the settings afresh (`build`: the environment plus every `file:`, `aws-sm:` and
`webhook_secrets_from` reference read again) and, when that succeeds, swaps the secret versions the
webhook routes verify with (GitHub, Spacelift) and the /metrics token into the live settings — one
attribute assignment each, so a request sees either the old list or the new one. When it fails (a
reference no longer resolves), the old values stay and one line says which setting failed — never a value.
The adapters' own credentials (GitHub App keys, the Spacelift API key, model keys) are re-read by their
`SecretSource` on the first 401, as before.

Each reload also publishes `tfreview_secret_expiry_timestamp_seconds` per webhook kind: the latest
`not_after` of the versions still valid (+Inf when one has no end), which the `secret-near-expiry`
alert reads; and `tfreview_secret_reload_consecutive_failures` (0 at start and after a reload that worked),
which the `secret-reload-failing` alert pages on (ADR 0610): a reload that fails keeps the old secrets, so a
revoke written into a versions document that does not read never takes effect.
"""

from __future__ import annotations

import logging
import math
import signal
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import FrameType

from tfreview.core.errors import ConfigError
from tfreview.ops.recorder import Recorder
from tfreview.plumbing import held_hangup
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.settings import SecretVersion, Settings

logger = logging.getLogger("tfreview.secrets")
_POLL_SECONDS = 0.5  # how often the reload thread looks at the stop event and a SIGHUP


def expiry_of(versions: Sequence[SecretVersion], now: datetime) -> float | None:
    """Unix time at which the last valid version ends; +Inf when one has no end; None without a valid version."""
    moment = now if now.tzinfo else now.replace(tzinfo=UTC)
    ends: list[float] = []
    for version in versions:
        end = version.not_after
        if end is None:
            ends.append(math.inf)
            continue
        end = end if end.tzinfo else end.replace(tzinfo=UTC)
        if end > moment:
            ends.append(end.timestamp())
    return max(ends) if ends else None


class SecretReloader:
    """Re-reads the secrets of `settings` (the live settings object the routes read) with `build`."""

    def __init__(
        self, settings: Settings, build: Callable[[], Settings], metrics: Recorder, *, clock: Clock = utcnow
    ) -> None:
        self._settings = settings
        self._build = build
        self._metrics = metrics
        self._clock = clock
        self._asked = threading.Event()
        self._lock = threading.Lock()
        self._failures = 0  # reloads failed in a row

    def reload(self) -> bool:
        """Build the settings again and swap the secrets in; True when a secret changed. Never raises."""
        with self._lock:
            try:
                fresh = self._build()
            except (ConfigError, ValueError) as error:
                # one line, no value: ConfigError and the settings' errors name settings and references only
                logger.warning("secret reload failed, keeping the current secrets: %s", _first_line(error))
                self._metrics.count("tfreview_secret_reloads_total", outcome="error")
                self._failures += 1
                self._metrics.set("tfreview_secret_reload_consecutive_failures", self._failures)
                return False
            changed = self._swap(fresh)
            self._failures = 0
            self._metrics.set("tfreview_secret_reload_consecutive_failures", 0)
            self._metrics.count("tfreview_secret_reloads_total", outcome="changed" if changed else "unchanged")
            if changed:
                logger.info("secrets reloaded: new webhook secret versions or metrics token in effect")
            self.publish_expiry()
            return changed

    def publish_expiry(self) -> None:
        now = self._clock()
        for kind, versions in (
            ("github_webhook", self._settings.github.webhook_secrets),
            ("spacelift_webhook", self._settings.spacelift.webhook_secrets),
        ):
            end = expiry_of(versions, now)
            if versions and end is not None:
                self._metrics.set("tfreview_secret_expiry_timestamp_seconds", end, secret=kind)
            elif versions:  # every version has expired: the newest one's end is in the past
                last = max(v.not_after.timestamp() for v in versions if v.not_after is not None)
                self._metrics.set("tfreview_secret_expiry_timestamp_seconds", last, secret=kind)

    def ask(self) -> None:
        """Reload soon, on the reload thread (what SIGHUP does: a signal handler must not do the work)."""
        self._asked.set()

    def run(self, stop: threading.Event, interval_seconds: float) -> None:
        """Reload on `ask()` and every `interval_seconds` (0: only when asked) until `stop` is set."""
        due = time.monotonic() + interval_seconds if interval_seconds > 0 else math.inf
        while not stop.is_set():
            asked = self._asked.wait(_POLL_SECONDS)
            if stop.is_set():
                break
            if asked or time.monotonic() >= due:
                self._asked.clear()
                self.reload()
                due = time.monotonic() + interval_seconds if interval_seconds > 0 else math.inf

    def _swap(self, fresh: Settings) -> bool:
        live = self._settings
        changed = False
        for section in ("github", "spacelift"):
            current, new = getattr(live, section), getattr(fresh, section)
            if _fingerprint(current.webhook_secrets) != _fingerprint(new.webhook_secrets):
                current.webhook_secrets = new.webhook_secrets
                changed = True
        old_token, new_token = live.metrics.token, fresh.metrics.token
        if (old_token and old_token.get_secret_value()) != (new_token and new_token.get_secret_value()):
            live.metrics.token = new_token
            changed = True
        return changed


def start_reloading(
    settings: Settings, build: Callable[[], Settings], metrics: Recorder, stop: threading.Event
) -> tuple[SecretReloader, threading.Thread]:
    """A reloader on its own thread, published expiry gauges, and SIGHUP wired to it (main thread only)."""
    reloader = SecretReloader(settings, build, metrics)
    reloader.publish_expiry()
    metrics.set("tfreview_secret_reload_consecutive_failures", 0)  # the series exists before any failure
    thread = threading.Thread(
        target=reloader.run, args=(stop, settings.secrets.reload_seconds), name="tfreview-secrets", daemon=True
    )
    thread.start()
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGHUP"):
        busy = False

        def handle(signum: int, frame: FrameType | None) -> None:
            # a SIGHUP arriving inside this handler's own ask() (two `kill -HUP` at once) would wait for the lock
            # its own thread holds, for ever: the outer ask() asks for both
            nonlocal busy
            if busy:
                return
            busy = True
            try:
                reloader.ask()
            finally:
                busy = False

        signal.signal(signal.SIGHUP, handle)
        if held_hangup.take():  # a SIGHUP came while the process started (ADR 0640): the reload it asked for
            logger.info("a SIGHUP arrived while starting: reloading the secrets now")
            reloader.ask()
    return reloader, thread


def _fingerprint(versions: Sequence[SecretVersion]) -> list[tuple[str, datetime | None, str | None]]:
    return [(v.value.get_secret_value(), v.not_after, v.account) for v in versions]


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
