"""event report index: the leadership's figures read one covering index, not the table

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 23:00:00

``events/report.py`` groups every event reported in a period by town (or, for one town, by
village), level and 大类, and counts closures, deadlines, returns, escalations, rework and
call-backs. With only the list indexes it read a table row per event: a year of a
2,000,000-event district (660k events) took 29 s with a cold OS cache and 5 s warm on
SQLite. This index holds every column the report reads, so both engines answer it from the
index alone.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [
    "reported_at",
    "town_id",
    "village_id",
    "level",
    "category_l1_id",
    "status",
    "excluded_from_assessment",
    "is_open",
    "ever_overdue",
    "due_at",
    "closed_at",
    "return_count",
    "escalation_count",
    "rework_count",
    "satisfaction",
]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    op.create_index("ix_event_report", "event", COLUMNS, unique=False)
    if bind.dialect.name == "postgresql":
        op.execute("ANALYZE event")
    elif bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        op.execute("PRAGMA analysis_limit=0")
        op.execute("ANALYZE ix_event_report")


def downgrade() -> None:
    op.drop_index("ix_event_report", table_name="event")
