"""Where the periodic integrity audit's slice of each table stopped, so a restarted `serve` goes on from there
instead of starting over (ADR 0506). A new table only: `jobs` is not touched (0022's triggers stay).

Revision ID: 0023_audit_cursors
Revises: 0022_queue_counts
Create Date: 2026-12-06 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_audit_cursors"
down_revision = "0022_queue_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_cursors",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_audit_cursors")),
    )


def downgrade() -> None:
    op.drop_table("audit_cursors")
