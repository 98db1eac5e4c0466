"""Blocks: sources (addresses, tokens) refused for a while after repeated failures (issue 11).

Revision ID: 0011_blocks
Revises: 0013_ops_outbox
Create Date: 2026-12-03 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_blocks"
down_revision = "0013_ops_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blocks",
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("strikes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_blocks")),
    )
    op.create_index(op.f("ix_blocks_expires_at"), "blocks", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_blocks_expires_at"), table_name="blocks")
    op.drop_table("blocks")
