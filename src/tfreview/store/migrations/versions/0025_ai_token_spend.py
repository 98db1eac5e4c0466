"""The per-tenant daily token budget in the shared database (D4, ADR 0560): one row per tenant and UTC day, so every
worker spends the same budget and a restart does not hand out a fresh one. A new table only.

Revision ID: 0025_ai_token_spend
Revises: 0024_run_state_bigint
Create Date: 2026-12-06 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025_ai_token_spend"
down_revision = "0024_run_state_bigint"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ai_token_spend",
        sa.Column("tenant_id", sa.String(length=200), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("spent", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "day", name=op.f("pk_ai_token_spend")),
    )


def downgrade() -> None:
    op.drop_table("ai_token_spend")
