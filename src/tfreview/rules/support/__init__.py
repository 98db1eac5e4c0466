"""Helpers shared by rules: not rules themselves, so the catalog never walks this package."""
