"""Port-range text as cloud firewalls write it: `"22"`, `"20-30"`, `"*"` (not a rule: it exports no RULE)."""

from __future__ import annotations

from typing import Any

ANY_PORT = ("*", "any", "0-65535")


def range_covers(text: Any, port: int) -> bool:
    """True when the port range `text` (a string or an int) includes `port`; False if it cannot be read."""
    if isinstance(text, bool):
        return False
    if isinstance(text, int):
        return text == port
    if not isinstance(text, str):
        return False
    text = text.strip().lower()
    if text in ANY_PORT:
        return True
    low, _, high = text.partition("-")
    try:
        first = int(low)
        last = int(high) if high else first
    except ValueError:
        return False
    return first <= port <= last
