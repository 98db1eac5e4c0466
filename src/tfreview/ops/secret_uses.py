"""The last use of each webhook secret version (issue 11 K4: `tfreview secrets status` shows it per version).

A verified delivery tells `ThrottledSecretUses.seen(kind, now, labels_of_the_versions_that_signed)` (the route
knows them from its own check: no extra HMAC); the store is written at most once per `every_seconds` per
version and process (a delivery path must not pay a write per request). Labels are the
ones `tfreview secrets status` prints: the version's `name`, else `v1`, `v2`… by position.
Adapters: `tfreview.store.secret_uses.SqlSecretUses` and `MemorySecretUses` below. Never raises.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

logger = logging.getLogger("tfreview.secrets")
RECORD_EVERY_SECONDS = 60.0


class SecretVersion(Protocol):
    """What a label needs of a secret version (`tfreview.settings.SecretVersion` is one)."""

    @property
    def name(self) -> str | None: ...


def version_label(versions: Sequence[SecretVersion], version: SecretVersion) -> str:
    for number, candidate in enumerate(versions, 1):
        if candidate is version:
            return candidate.name or f"v{number}"
    return version.name or "unknown"


class SecretUses(Protocol):
    def record(self, kind: str, versions: Sequence[str], at: datetime) -> None: ...

    def last_uses(self) -> dict[tuple[str, str], datetime]: ...


class MemorySecretUses:
    def __init__(self) -> None:
        self._uses: dict[tuple[str, str], datetime] = {}
        self._lock = threading.Lock()

    def record(self, kind: str, versions: Sequence[str], at: datetime) -> None:
        with self._lock:
            for version in versions:
                self._uses[(kind, version)] = at

    def last_uses(self) -> dict[tuple[str, str], datetime]:
        with self._lock:
            return dict(self._uses)


class ThrottledSecretUses:
    def __init__(
        self, store: SecretUses, *, every_seconds: float = RECORD_EVERY_SECONDS, in_background: bool = False
    ) -> None:
        self.store = store
        self._every = every_seconds
        # a served delivery never waits for this hint: with a locked database the write would spend the whole
        # busy timeout before the intake spends its own (the request's lock budget is the intake's, ADR 0096)
        self._in_background = in_background
        self._pending: list[threading.Thread] = []
        self._written: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def seen(self, kind: str, at: datetime, labels: Sequence[str]) -> None:
        """A delivery of `kind` verified at `at`, signed by the versions `labels`."""
        stamp = at.timestamp()
        with self._lock:
            due = [v for v in labels if stamp - self._written.get((kind, v), float("-inf")) >= self._every]
            if not due:
                return
            for label in due:
                self._written[(kind, label)] = stamp
        if self._in_background:  # at most once a minute per version: a short-lived thread is cheap enough
            thread = threading.Thread(
                target=self._record, args=(kind, due, at), name="tfreview-secret-use", daemon=True
            )
            with self._lock:
                self._pending = [t for t in self._pending if t.is_alive()] + [thread]
            thread.start()
        else:
            self._record(kind, due, at)

    def _record(self, kind: str, due: Sequence[str], at: datetime) -> None:
        try:
            self.store.record(kind, due, at)
        except Exception as exc:  # the store is down: the last use is a hint, not worth a failed delivery
            logger.warning("secret use not recorded (%s)", type(exc).__name__)

    def last_uses(self) -> dict[tuple[str, str], datetime]:
        return self.store.last_uses()

    def close(self, timeout: float = 5.0) -> None:
        """Wait for the writes in flight (a stopping service keeps the last uses it saw)."""
        with self._lock:
            pending, self._pending = self._pending, []
        for thread in pending:
            thread.join(timeout)
