"""Opaque pagination cursors: the keyset position of the last item of a page, base64url-encoded JSON."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Protocol, TypeVar

from tfreview.core.errors import InputError
from tfreview.plumbing.clock import as_utc
from tfreview.ports.records import Page

CursorPart = str | int


class TimeKeyed(Protocol):
    """A listed item with a keyset position of (created_at, id)."""

    @property
    def created_at(self) -> datetime: ...

    @property
    def id(self) -> str: ...


Item = TypeVar("Item", bound=TimeKeyed)
_INT64 = (-(2**63), 2**63 - 1)  # a larger id cannot be bound as a SQL parameter (OverflowError → 500)


def encode_cursor(*parts: CursorPart) -> str:
    raw = json.dumps(list(parts), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, shape: tuple[type, ...]) -> tuple[CursorPart, ...]:
    """The parts of a cursor made by `encode_cursor`; InputError when it is not one of this shape."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InputError("invalid cursor: pass the next_cursor of a previous page unchanged") from None
    valid = (
        isinstance(parts, list)
        and len(parts) == len(shape)
        and all(isinstance(p, kind) and not isinstance(p, bool) for p, kind in zip(parts, shape, strict=True))
        and all(_INT64[0] <= p <= _INT64[1] for p in parts if isinstance(p, int))
        # no id or time of ours holds a NUL; PostgreSQL's text cannot, and its driver raised (a 500, review19a); nor a
        # lone surrogate (`"\ud800"` in the JSON), which no driver can encode as UTF-8 (a 500, review22b)
        and not any("\x00" in p or not _utf8(p) for p in parts if isinstance(p, str))
    )
    if not valid:
        raise InputError("invalid cursor: pass the next_cursor of a previous page unchanged")
    return tuple(parts)


def _utf8(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def check_limit(limit: int) -> int:
    if limit < 1:
        raise InputError(f"limit must be at least 1, got {limit}")
    return limit


def encode_time_cursor(at: datetime, item_id: str) -> str:
    """A cursor over (a timestamp, an id), for listings newest first."""
    return encode_cursor(at.isoformat(timespec="microseconds"), item_id)


def time_page(items: list[Item], *, more: bool) -> Page[Item]:
    """A page of a newest-first listing: `items` (at most the limit), and when `more` were found, the cursor
    of the last one."""
    return Page(items, encode_time_cursor(items[-1].created_at, items[-1].id) if more else None)


def decode_time_cursor(cursor: str) -> tuple[datetime, str]:
    at, item_id = decode_cursor(cursor, (str, str))
    try:
        return as_utc(datetime.fromisoformat(str(at))), str(item_id)
    except (ValueError, OverflowError):  # OverflowError: an offset pushes the instant past year 1 or 9999
        raise InputError("invalid cursor: pass the next_cursor of a previous page unchanged") from None
