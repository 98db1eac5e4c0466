"""The block policy: repeated failures block a source, each block of the same source twice as long as
the one before (capped); allow-listed addresses are never blocked. Blocks are stored through the
`Blocks` port (a table shared by every process) and read through a cache refreshed every
`block_cache_seconds` — the hot path (every request) never waits on the database: it fills the cache once,
then a stale cache is reloaded on a thread of its own (one at a time) while requests go on with the last view
(a database that stops answering held the event loop, and every request with it; ADR 0568).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from tfreview.door.addresses import Network, parse_address, within
from tfreview.door.limiter import Limiter
from tfreview.door.rereads import Reread
from tfreview.door.settings import DoorSettings
from tfreview.ops.recorder import NullRecorder, Recorder
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.blocks import Block, BlockKind, Blocks

logger = logging.getLogger("tfreview.door")
_MAX_TRACKED = 10_000
FAILURES = "failures"  # the limiter scope counting signature/auth failures per source


def block_seconds(strikes: int, base: float, cap: float) -> float:
    """The length of a source's `strikes`-th block: base, 2×base, 4×base … at most `cap`."""
    return float(min(cap, base * 2 ** max(0, strikes - 1)))


AuditHook = Callable[[str, str, str, dict[str, object]], object]  # (action, actor, target, detail)


class Guard:
    """Is a source blocked (cached)? Count its failures; block it past the threshold; add and remove blocks."""

    def __init__(
        self,
        store: Blocks,
        limiter: Limiter,
        settings: DoorSettings,
        allow: Sequence[Network],
        *,
        clock: Clock = utcnow,
        metrics: Recorder | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        audit: AuditHook | None = None,
    ) -> None:
        self.store = store
        self.audit = audit
        self.limiter = limiter
        self.settings = settings
        self.allow = tuple(allow)
        self.clock = clock
        self.metrics = metrics or NullRecorder()
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._cached: dict[str, datetime] = {}
        self._allowed: dict[str, bool] = {}  # allow-list answers by source (bounded)
        self._recent: dict[str, deque[float]] = {}  # failures per source seen by this process (the action reads them)
        self._view = Reread(self._reload, self._every, "tfreview-door-blocks", monotonic=monotonic)
        self._reloads = 0  # reloads started; a reload's view is kept only when no later one was kept before it
        self._kept = 0
        # blocks earned by a request being answered (failed_nowait): refused here at once, until this end at the
        # latest, while one writer thread stores them (ADR 0581); bounded like the failures seen
        self._provisional: dict[str, datetime] = {}
        self._to_write: deque[tuple[str, str]] = deque()
        self._writer: threading.Thread | None = None
        self._closed = False  # close(): no further background thread is started

    def allowed(self, source: str) -> bool:
        """True for an address of the allow-list (never blocked)."""
        found = self._allowed.get(source)
        if found is None:
            kind, _, value = source.partition(":")
            found = kind == "ip" and within(parse_address(value), self.allow)
            if len(self._allowed) >= _MAX_TRACKED:
                self._allowed.clear()
            self._allowed[source] = found
        return found

    def blocked_until(self, source: str) -> datetime | None:
        """When the source's block ends, or None (not blocked); from the cache."""
        # the provisional block first, then the view: the writer drops a provisional block only once its view holds
        # the stored one, so read the other way round a block being written fell between the two (flaky16)
        provisional = self._provisional.get(source) if self._provisional else None
        cached = self._blocks()
        until = cached.get(source)
        if provisional is not None and (until is None or provisional > until):
            until = provisional
        if until is None or until <= self.clock():
            return None
        return until

    def failed(self, source: str, what: str) -> Block | None:
        """One signature or auth failure from `source`; the block it earned when this one crossed the threshold."""
        if self.allowed(source) or source in ("ip:unknown", ""):
            return None
        self._remember(source)
        verdict = self.limiter.hit(FAILURES, source)
        if verdict.allowed or self.blocked_until(source) is not None:
            return None
        reason = f"more than {self.settings.block_failures} {what} failures in {self.settings.block_window_seconds} s"
        try:
            return self.block(source, reason, by="auto")
        except ValueError as exc:  # a peer that is no address (a Unix socket, a test client): refused, not blocked
            logger.warning("cannot block %s: %s", source[:80], exc)
            return None

    def failed_nowait(self, source: str, what: str) -> datetime | None:
        """As failed(), for a request being answered (on the event loop, for a webhook): the block it earns is
        refused by this process at once and written to the store on a thread of its own, never on the caller's —
        its write (read, put, audit, reload) held the event loop for as long as the database did not answer, and
        every further failure of the source earned it again meanwhile (ADR 0581). The end of the block earned now,
        or None. Once written, every process refuses it (after its cache period); the store's block, with its
        strikes, is the one that stands."""
        if self.allowed(source) or source in ("ip:unknown", ""):
            return None
        self._remember(source)
        verdict = self.limiter.hit(FAILURES, source)
        if verdict.allowed or self.blocked_until(source) is not None:
            return None
        try:
            _kind(source)
        except ValueError as exc:  # a peer that is no address (a Unix socket, a test client): refused, not blocked
            logger.warning("cannot block %s: %s", source[:80], exc)
            return None
        reason = f"more than {self.settings.block_failures} {what} failures in {self.settings.block_window_seconds} s"
        until = self.clock() + timedelta(seconds=self.settings.block_seconds)  # a first strike's, until it is written
        with self._lock:
            if len(self._provisional) >= _MAX_TRACKED:
                now = self.clock()
                for ended in [k for k, v in self._provisional.items() if v <= now]:
                    del self._provisional[ended]
            if len(self._provisional) >= _MAX_TRACKED:
                return None  # a flood of distinct sources: the limiter's counts and later writes still block each
            self._provisional[source] = until
            self._to_write.append((source, reason))
            writer = None
            if not self._closed and (self._writer is None or not self._writer.is_alive()):
                writer = threading.Thread(target=self._write_blocks, name="tfreview-door-block-writer", daemon=True)
                self._writer = writer
        if writer is not None:
            writer.start()
        return until

    def close(self, timeout: float = 10.0) -> None:
        """Shutdown, before the database closes: start no further background reload or block write, and wait up to
        `timeout` s for those running. A reload or write still holding a database connection when the pool was
        disposed left it unclosed — garbage-collected later, in whatever ran next (flaky16)."""
        with self._lock:
            self._closed = True
        deadline = time.monotonic() + timeout
        self._view.close(timeout)
        writer = self._writer
        if writer is not None:
            writer.join(max(0.0, deadline - time.monotonic()))

    def wait_for_writes(self, timeout: float = 30.0) -> None:
        """Wait for the blocks earned by failed_nowait() to be written (tests, shutdown)."""
        writer = self._writer
        if writer is not None:
            writer.join(timeout)

    def _write_blocks(self) -> None:
        """The writer thread: stores the blocks earned, one after the other, until none is left."""
        while True:
            with self._lock:
                if not self._to_write:
                    self._writer = None
                    return
                source, reason = self._to_write.popleft()
            try:
                self.block(source, reason, by="auto")
            except Exception as exc:  # the database is down: this process still refuses it until its end
                logger.warning("block of %s not stored: %s", source[:80], type(exc).__name__)
                continue
            with self._lock:
                if source in self._cached:  # the store's block (with its strikes) stands from now on
                    self._provisional.pop(source, None)

    def offenders(self, at_least: int) -> list[str]:
        """Sources with at least `at_least` failures in the window seen by this process, not blocked yet."""
        horizon = self._monotonic() - self.settings.block_window_seconds
        with self._lock:
            counts = {source: sum(1 for at in times if at > horizon) for source, times in self._recent.items()}
        ranked = sorted((n, source) for source, n in counts.items() if n >= at_least)
        return [source for _, source in reversed(ranked) if self.blocked_until(source) is None]

    def _remember(self, source: str) -> None:
        now = self._monotonic()
        with self._lock:
            if source not in self._recent and len(self._recent) >= _MAX_TRACKED:
                horizon = now - self.settings.block_window_seconds
                for stale in [k for k, v in self._recent.items() if not v or v[-1] <= horizon]:
                    del self._recent[stale]
                if len(self._recent) >= _MAX_TRACKED:
                    return  # a flood of distinct sources: the limiter's counts still block each one
            self._recent.setdefault(source, deque(maxlen=self.settings.block_failures)).append(now)

    def block(self, source: str, reason: str, *, by: str, seconds: float | None = None) -> Block:
        """Block `source` (ValueError: allow-listed or not a source); its strikes and length grow each time."""
        kind = _kind(source)
        if self.allowed(source):
            raise ValueError(f"{source} is on the allow-list (TFREVIEW_DOOR__ALLOW_LIST) and is never blocked")
        now = self.clock()
        previous = self.store.get(source)
        strikes = (previous.strikes if previous is not None else 0) + 1
        length = (
            seconds
            if seconds is not None
            else block_seconds(strikes, self.settings.block_seconds, self.settings.block_max_seconds)
        )
        block = self.store.put(Block(source, kind, reason, by, now, now + timedelta(seconds=length), strikes))
        self.metrics.count("tfreview_source_blocks_total", kind=kind, by=_by_label(by))
        logger.warning("blocked %s for %.0f s (strike %d): %s", source, length, strikes, reason)
        self._audit(
            "block.add", by, source, {"reason": reason, "strikes": strikes, "until": block.expires_at.isoformat()}
        )
        self.refresh()
        return block

    def unblock(self, source: str, *, by: str) -> bool:
        """Lift `source`'s block and forget its strikes; `by` is who did it (for the log and the audit trail)."""
        if "\x00" in source:  # never blocked (`block` refuses it), and PostgreSQL's text cannot hold one (a 500)
            return False
        with self._lock:
            self._provisional.pop(source, None)
        removed = self.store.remove(source)
        if removed:
            logger.warning("unblocked %s (by %s)", source, by)
            self._audit("block.remove", by, source, {})
        self.refresh()
        return removed

    def _audit(self, action: str, by: str, source: str, detail: dict[str, object]) -> None:
        """Every block and lift goes to the audit log; a failing audit write never stops the door."""
        if self.audit is None:
            return
        try:
            self.audit(action, by, source, detail)
        except Exception as exc:  # the block stands; the log line says the audit entry is missing
            logger.error("audit log: could not record %s of %s (%s)", action, source, type(exc).__name__)

    def active(self) -> list[Block]:
        return self.store.active(self.clock())

    def refresh(self) -> None:
        """Reload the cache now, on this thread (after a change in this process; otherwise every
        `block_cache_seconds`, in the background)."""
        self._view.read_now()

    def wait_for_reload(self, timeout: float = 30.0) -> None:
        """Wait for a background reload in progress (tests, shutdown)."""
        self._view.wait(timeout)

    def _every(self) -> float:
        return self.settings.block_cache_seconds

    def _blocks(self) -> dict[str, datetime]:
        last = self._cached
        if self._view.due():  # the first view: nothing to go on with yet
            return self._view.read_now()
        return last  # fresh, a reload on its way, or shutting down: the last view meanwhile

    def _reload(self) -> dict[str, datetime]:
        with self._lock:
            self._reloads += 1
            number = self._reloads
        try:
            found = {block.source: block.expires_at for block in self.store.active(self.clock())}
        except Exception as exc:  # the database is down: keep the last view (fail open for new blocks)
            logger.warning("blocks could not be read: %s", type(exc).__name__)
            return self._cached
        with self._lock:
            if number < self._kept:  # a later reload (after a block placed here) finished first: it stands
                return self._cached
            self._cached, self._kept = found, number
        self.metrics.set("tfreview_blocked_sources", len(found))
        return found


def _kind(source: str) -> BlockKind:
    kind, _, value = source.partition(":")
    if kind == "ip" and parse_address(value) is not None:
        return "ip"
    if kind == "token" and len(value) == 16 and all(c in "0123456789abcdef" for c in value):
        return "token"
    raise ValueError(f"not a source: {source!r} (ip:ADDRESS or token:HASH16, the form `tfreview block list` shows)")


def _by_label(by: str) -> str:
    if by == "auto":
        return "auto"
    return "action" if by.startswith("action:") else "admin"
