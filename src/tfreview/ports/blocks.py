"""Blocked sources (issue 11, "a door that holds"): a client address or an API token refused for a while.

A block is one row per source, kept after it expires so that the next block of the same source lasts
longer (`strikes`: how many times it was blocked; the door doubles the time with each). `remove` forgets
the source entirely (its next block starts short again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

BlockKind = Literal["ip", "token"]
BLOCK_KINDS: tuple[BlockKind, ...] = ("ip", "token")


@dataclass(frozen=True, slots=True)
class Block:
    source: str  # "ip:203.0.113.9", "ip:2001:db8::1" or "token:<first 16 hex of the token's SHA-256>"
    kind: BlockKind
    reason: str  # one line: what the source did ("25 signature failures in 60 s", "blocked by admin alice")
    created_by: str  # "auto", "action:<alert id>" or the admin who added it
    blocked_at: datetime
    expires_at: datetime
    strikes: int  # times this source was blocked (1 for the first)

    def active(self, now: datetime) -> bool:
        return self.expires_at > now


class Blocks(Protocol):
    """Where blocks live: a table shared by every process (SQL) or a dict (in-memory services)."""

    def get(self, source: str) -> Block | None:
        """The source's block row, expired or not (None: never blocked, or removed)."""
        ...

    def put(self, block: Block) -> Block:
        """Insert or replace the source's row."""
        ...

    def active(self, now: datetime) -> list[Block]:
        """Blocks still in force at `now`, soonest expiry first."""
        ...

    def remove(self, source: str) -> bool:
        """Forget the source (False: it had no row)."""
        ...
