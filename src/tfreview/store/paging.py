"""Keyset pages over an integer id, newest first: the one way the deliveries and jobs lists page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select

from tfreview.ports.records import Page
from tfreview.store.cursor import check_limit, decode_cursor, encode_cursor
from tfreview.store.database import Database

Row = TypeVar("Row")
Record = TypeVar("Record")


def newest_first(
    database: Database,
    row_type: type[Row],
    filters: Sequence[ColumnElement[bool]],
    *,
    limit: int,
    cursor: str | None,
    record: Callable[[Row], Record],
) -> Page[Record]:
    """Rows of `row_type` matching `filters`, by descending `id`, `limit` at a time, after `cursor`."""
    check_limit(limit)
    id_column: Any = row_type.id  # type: ignore[attr-defined]  # every paged table has an integer `id`
    query = select(row_type).where(*filters).order_by(id_column.desc()).limit(limit + 1)
    if cursor:
        query = query.where(id_column < int(decode_cursor(cursor, (int,))[0]))
    with database.transaction(write=False) as session:
        rows = list(session.scalars(query))
        items = [record(r) for r in rows[:limit]]
    return Page(items, encode_cursor(rows[limit - 1].id) if len(rows) > limit else None)  # type: ignore[attr-defined]  # as above
