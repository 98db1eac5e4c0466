"""Shared operating controls (AI paused, provider breakers held open: the level-1 actions that act).

(The revision id is the one reserved for this work, which also planned a notification outbox; the outbox
is not in this revision.)

Revision ID: 0013_ops_outbox
Revises: 0005_plan_findings
Create Date: 2026-12-03 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_ops_outbox"
down_revision = "0005_plan_findings"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ops_controls",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("incident_id", _ID, nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_ops_controls")),
    )


def downgrade() -> None:
    op.drop_table("ops_controls")
