"""`spacelift_runs.state_version` holds 64 bits on PostgreSQL: a notification in the policy-input shape orders a
run's states by `run.updated_at` in nanoseconds (~1.8e18), which a 32-bit INTEGER refused (every such delivery
answered 500). SQLite's INTEGER is 64 bits already: nothing to do there.

Revision ID: 0024_run_state_bigint
Revises: 0023_audit_cursors
Create Date: 2026-12-06 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024_run_state_bigint"
down_revision = "0023_audit_cursors"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "spacelift_runs",
            "state_version",
            type_=sa.BigInteger(),
            existing_type=sa.Integer(),
            existing_nullable=False,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "spacelift_runs",
            "state_version",
            type_=sa.Integer(),
            existing_type=sa.BigInteger(),
            existing_nullable=False,
        )
