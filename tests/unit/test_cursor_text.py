"""A cursor is the position `next_cursor` spelt: one holding text no id or time of ours holds is a precise 422.

review22b, from outside: `GET /api/v1/reviews?cursor=…` with a cursor as `encode_cursor` spells one (base64url JSON)
whose id is `"a\\ud800b"` — a lone surrogate, which JSON escapes and Python reads — was a 500 with a
UnicodeEncodeError traceback (SQLite's and PostgreSQL's drivers encode every text parameter as UTF-8), as a NUL was
on PostgreSQL (review19a)."""

from __future__ import annotations

import pytest

from tfreview.core.errors import InputError
from tfreview.store.cursor import decode_cursor, decode_time_cursor, encode_cursor, encode_time_cursor

REFUSED = "invalid cursor: pass the next_cursor of a previous page unchanged"


@pytest.mark.parametrize("item_id", ["a\ud800b", "\udc00", "a\x00b"])
def test_a_cursor_holding_text_no_database_can_bind_is_refused(item_id: str) -> None:
    cursor = encode_cursor("2026-01-01T00:00:00.000000+00:00", item_id)
    with pytest.raises(InputError, match=REFUSED):
        decode_time_cursor(cursor)
    with pytest.raises(InputError, match=REFUSED):
        decode_cursor(encode_cursor(item_id), (str,))


def test_a_cursor_as_next_cursor_spells_it_reads_back() -> None:
    from datetime import UTC, datetime

    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert decode_time_cursor(encode_time_cursor(at, "r-1é名")) == (at, "r-1é名")
