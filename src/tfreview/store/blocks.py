"""Blocked sources on the `blocks` table (SqlBlocks) and in memory (MemoryBlocks); see ports/blocks.py."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import cast

from sqlalchemy import delete, exc, select

from tfreview.ports.blocks import Block, BlockKind
from tfreview.store.database import Database
from tfreview.store.tables import BlockRow


def _record(row: BlockRow) -> Block:
    return Block(
        source=row.source,
        kind=cast(BlockKind, row.kind),
        reason=row.reason,
        created_by=row.created_by,
        blocked_at=row.blocked_at,
        expires_at=row.expires_at,
        strikes=row.strikes,
    )


class SqlBlocks:
    def __init__(self, database: Database) -> None:
        self.database = database

    def get(self, source: str) -> Block | None:
        with self.database.transaction(write=False) as session:
            row = session.get(BlockRow, source)
            return None if row is None else _record(row)

    def put(self, block: Block) -> Block:
        for attempt in range(3):
            try:
                self._put(block)
                break
            except exc.IntegrityError:  # another process inserted this source's row first: replace it now
                if attempt == 2:
                    raise
        return block

    def _put(self, block: Block) -> None:
        with self.database.transaction() as session:
            row = session.get(BlockRow, block.source, with_for_update=True)
            if row is None:
                row = BlockRow(source=block.source)
                session.add(row)
            row.kind, row.reason, row.created_by = block.kind, block.reason[:400], block.created_by[:200]
            row.blocked_at, row.expires_at, row.strikes = block.blocked_at, block.expires_at, block.strikes

    def active(self, now: datetime) -> list[Block]:
        with self.database.transaction(write=False) as session:
            rows = session.scalars(select(BlockRow).where(BlockRow.expires_at > now).order_by(BlockRow.expires_at))
            return [_record(row) for row in rows]

    def remove(self, source: str) -> bool:
        with self.database.transaction() as session:
            result = session.execute(delete(BlockRow).where(BlockRow.source == source))
            return bool(getattr(result, "rowcount", 0))


class MemoryBlocks:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[str, Block] = {}

    def get(self, source: str) -> Block | None:
        with self._lock:
            return self._rows.get(source)

    def put(self, block: Block) -> Block:
        with self._lock:
            self._rows[block.source] = block
        return block

    def active(self, now: datetime) -> list[Block]:
        with self._lock:
            return sorted((b for b in self._rows.values() if b.active(now)), key=lambda b: b.expires_at)

    def remove(self, source: str) -> bool:
        with self._lock:
            return self._rows.pop(source, None) is not None
