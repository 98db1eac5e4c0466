"""The number of dead jobs, kept by triggers as jobs change state, so the /metrics scrape and every watchdog tick
read one row instead of counting every job ever dead-lettered (ADR 0473). A later migration that rebuilds `jobs` on
SQLite (batch mode copies the table) drops these triggers and must create them again.

Revision ID: 0022_queue_counts
Revises: 0021_notify_outbox
Create Date: 2026-12-06 07:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_queue_counts"
down_revision = "0021_notify_outbox"
branch_labels = None
depends_on = None

# one statement each; the triggers fire only when a row enters or leaves `dead` (a claim or a completion does not)
_ADD = (
    "INSERT INTO queue_counts (state, jobs) VALUES ('dead', {delta}) "
    "ON CONFLICT (state) DO UPDATE SET jobs = queue_counts.jobs + {delta}"
)
_ENTERED = "CASE WHEN NEW.state = 'dead' THEN 1 ELSE -1 END"
_SQLITE = (
    f"CREATE TRIGGER jobs_dead_insert AFTER INSERT ON jobs WHEN NEW.state = 'dead' BEGIN {_ADD.format(delta=1)}; END",
    f"CREATE TRIGGER jobs_dead_delete AFTER DELETE ON jobs WHEN OLD.state = 'dead' BEGIN {_ADD.format(delta=-1)}; END",
    "CREATE TRIGGER jobs_dead_update AFTER UPDATE OF state ON jobs WHEN (OLD.state = 'dead') != (NEW.state = 'dead') "
    f"BEGIN {_ADD.format(delta=_ENTERED)}; END",
)
_POSTGRES = (
    f"""CREATE FUNCTION tfreview_count_dead_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM queue_counts WHERE state = 'dead';
    ELSIF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.state = 'dead') THEN
        {_ADD.format(delta=1)};
    ELSE
        {_ADD.format(delta=-1)};
    END IF;
    RETURN NULL;
END
$$""",
    "CREATE TRIGGER jobs_dead_insert AFTER INSERT ON jobs FOR EACH ROW WHEN (NEW.state = 'dead') "
    "EXECUTE FUNCTION tfreview_count_dead_jobs()",
    "CREATE TRIGGER jobs_dead_delete AFTER DELETE ON jobs FOR EACH ROW WHEN (OLD.state = 'dead') "
    "EXECUTE FUNCTION tfreview_count_dead_jobs()",
    "CREATE TRIGGER jobs_dead_update AFTER UPDATE OF state ON jobs FOR EACH ROW "
    "WHEN ((OLD.state = 'dead') IS DISTINCT FROM (NEW.state = 'dead')) EXECUTE FUNCTION tfreview_count_dead_jobs()",
    "CREATE TRIGGER jobs_dead_truncate AFTER TRUNCATE ON jobs FOR EACH STATEMENT "
    "EXECUTE FUNCTION tfreview_count_dead_jobs()",
)
_TRIGGERS = ("jobs_dead_insert", "jobs_dead_delete", "jobs_dead_update", "jobs_dead_truncate")


def upgrade() -> None:
    op.create_table(
        "queue_counts",
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("jobs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("state", name=op.f("pk_queue_counts")),
    )
    # the jobs already dead, counted once, in the transaction the triggers are created in
    op.execute("INSERT INTO queue_counts (state, jobs) SELECT 'dead', count(*) FROM jobs WHERE state = 'dead'")
    for statement in _POSTGRES if op.get_bind().dialect.name == "postgresql" else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in _TRIGGERS if postgres else _TRIGGERS[:3]:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON jobs" if postgres else f"DROP TRIGGER IF EXISTS {name}")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS tfreview_count_dead_jobs()")
    op.drop_table("queue_counts")
