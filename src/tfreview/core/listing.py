"""Names in a sentence: the first few, the rest counted — a plan may hold thousands (a replace forced by 20,000
paths named every one, a message of 540,000 characters).

>>> listed(["a", "b", "c"], limit=2)
'a, b and 1 more'
>>> listed(["a", "b"])
'a, b'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

NAMED: Final = 10  # names one sentence lists


def listed(names: Sequence[str], limit: int = NAMED) -> str:
    """`names` joined with commas, the first `limit` of them and how many more there are."""
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
