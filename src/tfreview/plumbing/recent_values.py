"""A map that keeps only its most recently written keys: a process's memory of what it already did, for work the
durable check (a marker read back from the service) makes safe to do again once forgotten."""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class RecentValues(Generic[K, V]):
    """At most `limit` keys; writing a key makes it the newest, and the oldest is forgotten past the limit."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a RecentValues limit must be at least 1")
        self._limit = limit
        self._values: dict[K, V] = {}
        self._guard = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._guard:
            return self._values.get(key)

    def put(self, key: K, value: V) -> None:
        with self._guard:
            self._values.pop(key, None)
            self._values[key] = value
            while len(self._values) > self._limit:
                del self._values[next(iter(self._values))]

    def __len__(self) -> int:
        with self._guard:
            return len(self._values)
