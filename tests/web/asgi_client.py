"""Starlette's TestClient, imported without its import-time deprecation warning.

Starlette 1.x warns once, at import, that it prefers the `httpx2` package over `httpx`; the suite
treats warnings as errors, and the client works the same on httpx. (Proposed: add httpx2 to the
dev dependencies, then import `fastapi.testclient` directly.)
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    from starlette.testclient import TestClient

__all__ = ["TestClient"]
