"""Shared plumbing every layer above the core may use: clock, secret references, canonical hashing,
the outbound HTTP client. Standard library and httpx only; no tfreview package but `core` (docs/adr/0040)."""
