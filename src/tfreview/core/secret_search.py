"""Which of many sensitive values a text holds, at a cost that does not grow with how many there are.

An upload whose every resource holds a sensitive value (a generated password each) has as many secrets as resources,
and every string of it is searched for every secret: once to mask the stored copy, once to name the resources whose
values that copy masks (ADR 0595). `secret in text` for each secret made that leaves × secrets — 4,000 resources
took 50 s of one request's CPU, 100,000 would take hours (ADR 0606). `SecretSearch` groups the secrets by length and
looks each window of the text of such a length up in a set: per text, (its length) × (distinct lengths) set look-ups,
whatever the number of secrets. A few secrets are still searched one by one, which is cheaper for them.

>>> search = SecretSearch({"hunter2-pw", "s3cr3t"})
>>> sorted(search.found("user=admin pw=hunter2-pw token=s3cr3t"))
['hunter2-pw', 's3cr3t']
>>> search.mask("pw=hunter2-pw")
'pw=(sensitive value)'
>>> SecretSearch({f"pw-{n:06d}" for n in range(1000)}).found("x pw-000042 y")
{'pw-000042'}
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Final

from tfreview.core.redact import mask_text

_ONE_BY_ONE: Final = 64  # up to this many secrets, `secret in text` (C, per secret) beats windows (per character)


class SecretSearch:
    __slots__ = ("_by_length", "_lengths", "_secrets")

    def __init__(self, secrets: AbstractSet[str]) -> None:
        self._secrets = frozenset(secret for secret in secrets if secret)
        by_length: dict[int, set[str]] = {}
        for secret in self._secrets:
            by_length.setdefault(len(secret), set()).add(secret)
        self._by_length = {length: frozenset(group) for length, group in by_length.items()}
        self._lengths = sorted(by_length)

    def __bool__(self) -> bool:
        return bool(self._secrets)

    def found(self, text: str) -> set[str]:
        """The secrets that occur in `text` (each one, the shorter inside a longer too)."""
        if len(self._secrets) <= _ONE_BY_ONE:
            return {secret for secret in self._secrets if secret in text}
        size = len(text)
        out: set[str] = set()
        for length in self._lengths:
            if length > size:
                break
            group = self._by_length[length]
            if length == size:
                if text in group:
                    out.add(text)
                break
            out.update(
                window for start in range(size - length + 1) if (window := text[start : start + length]) in group
            )
        return out

    def holds(self, text: str) -> bool:
        return bool(self.found(text))

    def mask(self, text: str) -> str:
        """`mask_text(text, secrets)`: each occurrence replaced, longest first; only the secrets found are sorted."""
        present = self.found(text)
        return mask_text(text, present) if present else text
