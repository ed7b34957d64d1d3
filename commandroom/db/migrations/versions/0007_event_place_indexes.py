"""event place indexes: (village_id) and (grid_id) go, a village's list walks its town's index

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 06:30:00

A village or grid lies in one town, and intake files every event under the town of its
village and the village of its grid, so a list of a village or grid walks the town's
``ix_event_town_walk`` (0006) and checks the village there, inside the index;
``events.queries.list_events`` adds the town when a filter names only the village or grid.
PostgreSQL combined (village_id) with (town, status, level) into bitmap plans that read a
table row per match of either (0.2-3.5 s with a cold cache at 2,000,000 events); SQLite
walked (village_id) row by row. Two indexes fewer to keep up on every write.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROPPED = {"ix_event_village_id": ["village_id"], "ix_event_grid_id": ["grid_id"]}


def upgrade() -> None:
    for name in DROPPED:
        op.drop_index(name, table_name="event")


def downgrade() -> None:
    for name, columns in DROPPED.items():
        op.create_index(name, "event", columns, unique=False)
