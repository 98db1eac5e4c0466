"""Publish locks: one lease per publish target (a pull request, a Spacelift run), across processes.

Revision ID: 0004_publish_lock
Revises: 0001
Create Date: 2026-12-03 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_publish_lock"
down_revision = "0003_incidents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publish_locks",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_publish_locks")),
    )


def downgrade() -> None:
    op.drop_table("publish_locks")
