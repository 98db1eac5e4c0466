"""Fixtures the advisor's adapter tests share."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    """One client for a test module (building one loads the CA bundle: ~0.2 s); as the adapters build it: no retries."""
    with httpx.Client(transport=httpx.HTTPTransport(retries=0)) as shared:
        yield shared
