"""event text gram statistics: the gram index keeps the frequencies of more of its common grams

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 10:00:00

PostgreSQL only. The planner's estimate of a gram condition (how many events hold a word's
grams) tells a common word (``text_search.postgres_word_is_common``: its walk gets a longer
budget) and decides the plan when the list falls back to the gram index. It knows an element's
frequency only if ANALYZE kept it among the index expression's most common elements; a
statistics target of 1000 keeps every gram in 2 % of the events or more at 2M events (路灯,
占道), and costs the upgrade and each ANALYZE of the table about 5 s there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GRAMS_INDEX = "ix_event_text_grams"
STATISTICS = 1000  # ANALYZE samples 300 x this many rows


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER INDEX {GRAMS_INDEX} ALTER COLUMN 1 SET STATISTICS {STATISTICS}")
    op.execute("ANALYZE event")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER INDEX {GRAMS_INDEX} ALTER COLUMN 1 SET STATISTICS -1")
