"""Plan findings: the findings of the `secrets` rules on the original upload, kept with the redacted plan
(issue 9 item 12). Nullable: plans stored before have none.

Revision ID: 0005_plan_findings
Revises: 0004_publish_lock
Create Date: 2026-12-03 09:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_plan_findings"
down_revision = "0004_publish_lock"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("findings", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("findings")
