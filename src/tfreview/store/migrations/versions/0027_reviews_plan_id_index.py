"""An index on `reviews.plan_id` (ADR 0633): the audit's "which plans does some review refer to" (`integrity`) and
any listing of a plan's reviews read the whole table without it.

PostgreSQL: `tfreview db upgrade` runs every migration in ONE transaction under an advisory lock (ADR 0375), where
`CREATE INDEX CONCURRENTLY` cannot run (PostgreSQL refuses it in a transaction block, and the runner's own
transaction would be one it waits for). The migration builds the index with `IF NOT EXISTS`, so an operator with a
large `reviews` table builds it online first — `CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_reviews_plan_id ON
reviews (plan_id)` (docs/howto/run-the-service.md) — and the upgrade then finds it and only records the revision.
Without that step the build holds a SHARE lock on `reviews` (reads go on; review writes wait) while it runs.

Revision ID: 0027_reviews_plan_id_index
Revises: 0026_ai_token_holds
Create Date: 2026-12-07 01:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0027_reviews_plan_id_index"
down_revision = "0026_ai_token_holds"
branch_labels = None
depends_on = None

INDEX = "ix_reviews_plan_id"


def upgrade() -> None:
    op.create_index(INDEX, "reviews", ["plan_id"], if_not_exists=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="reviews", if_exists=True)
