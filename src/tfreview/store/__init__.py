"""Storage adapters: SQLite and PostgreSQL through SQLAlchemy 2 (the only package that imports it),
and in-memory implementations of the same ports (`tfreview.store.memory`) for tests.

Every repository takes a `Database` and a clock; ORM rows never leave this package — callers get the
plain records of `tfreview.ports.records` and `tfreview.ports.jobs`.
"""
