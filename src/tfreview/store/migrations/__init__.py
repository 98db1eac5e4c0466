"""Alembic migrations of the store's schema (run with `tfreview db upgrade`, see store/migrate.py)."""
