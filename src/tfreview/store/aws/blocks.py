"""Blocked sources (ports/blocks.py) in DynamoDB: one item per source (`BLOCK#<source>` / BLOCK), kept after
it expires (its strikes lengthen the next block), listed by expiry through g3 (`BLOCK`, <expiry>#<source>).
No TTL: like the SQL row, the item stays until `remove` (a source's history is what makes blocks grow)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from tfreview.ports.blocks import Block, BlockKind
from tfreview.store.aws.table import Table, instant, parse_instant


def _pk(source: str) -> str:
    return f"BLOCK#{source}"


def _block(item: dict[str, Any]) -> Block:
    blocked, expires = parse_instant(item["blocked_at"]), parse_instant(item["until"])
    assert blocked is not None
    assert expires is not None
    return Block(
        source=str(item["source"]),
        kind=cast(BlockKind, item["kind"]),
        reason=str(item["reason"]),
        created_by=str(item["created_by"]),
        blocked_at=blocked,
        expires_at=expires,
        strikes=int(item["strikes"]),
    )


class DynamoBlocks:
    def __init__(self, table: Table) -> None:
        self.table = table

    def get(self, source: str) -> Block | None:
        item = self.table.get(_pk(source), "BLOCK")
        return None if item is None else _block(item)

    def put(self, block: Block) -> Block:
        stored = Block(
            block.source, block.kind, block.reason[:400], block.created_by[:200], block.blocked_at,
            block.expires_at, block.strikes,
        )  # fmt: skip
        self.table.put(
            {
                "pk": _pk(block.source),
                "sk": "BLOCK",
                "source": stored.source,
                "kind": stored.kind,
                "reason": stored.reason,
                "created_by": stored.created_by,
                "blocked_at": instant(stored.blocked_at),
                "until": instant(stored.expires_at),
                "strikes": stored.strikes,
                "g3pk": "BLOCK",
                "g3sk": f"{instant(stored.expires_at)}#{stored.source}",
            }
        )
        return block

    def active(self, now: datetime) -> list[Block]:
        after = f"{instant(now)}#\uffff"  # expiring strictly after `now`
        return [_block(item) for item in self.table.query("g3", "BLOCK", after=after, newest_first=False)]

    def remove(self, source: str) -> bool:
        return self.table.remove(_pk(source), "BLOCK")
