"""Integrity and audit (issue 11): an integrity hash and a quarantine mark on every delivery, review and plan;
the append-only, hash-chained audit log. Existing rows get their hash at the first audit (`tfreview audit`).

Revision ID: 0010_integrity_audit
Revises: 0011_blocks
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_integrity_audit"
down_revision = "0011_blocks"
branch_labels = None
depends_on = None

_TABLES = ("deliveries", "reviews", "plans")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("integrity_hash", sa.String(length=64), nullable=True))
            batch.add_column(sa.Column("quarantined_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=400), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_action"), "audit_log", ["action"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_log_action"), table_name="audit_log")
    op.drop_table("audit_log")
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("quarantined_at")
            batch.drop_column("integrity_hash")
