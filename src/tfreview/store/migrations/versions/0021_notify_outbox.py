"""The notification outbox: a row per notification to send, written in the incident change's transaction;
and the last use of each webhook secret version (`tfreview secrets status`).

Revision ID: 0021_notify_outbox
Revises: 0010_integrity_audit
Create Date: 2026-12-03 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_notify_outbox"
down_revision = "0010_integrity_audit"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "notify_outbox",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("incident_id", _ID, nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("channels", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=400), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_notify_outbox_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_outbox")),
    )
    op.create_index(op.f("ix_notify_outbox_incident_id"), "notify_outbox", ["incident_id"], unique=False)
    op.create_index(op.f("ix_notify_outbox_done_at_due_at"), "notify_outbox", ["done_at", "due_at"], unique=False)
    op.create_table(
        "secret_uses",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "version", name=op.f("pk_secret_uses")),
    )


def downgrade() -> None:
    op.drop_table("secret_uses")
    op.drop_index(op.f("ix_notify_outbox_done_at_due_at"), table_name="notify_outbox")
    op.drop_index(op.f("ix_notify_outbox_incident_id"), table_name="notify_outbox")
    op.drop_table("notify_outbox")
