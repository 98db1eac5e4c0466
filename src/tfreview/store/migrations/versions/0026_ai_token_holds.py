"""The holds of the calls in flight on the per-tenant daily token budget (ADR 0560, amended): a reservation expires
at its call's deadline plus a margin, so a process killed mid-call does not keep its tokens until midnight. One
column, JSON text, on `ai_token_spend`; existing rows start with no holds.

Revision ID: 0026_ai_token_holds
Revises: 0025_ai_token_spend
Create Date: 2026-12-06 21:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026_ai_token_holds"
down_revision = "0025_ai_token_spend"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ai_token_spend") as batch:
        batch.add_column(sa.Column("holds", sa.Text(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("ai_token_spend") as batch:
        batch.drop_column("holds")
