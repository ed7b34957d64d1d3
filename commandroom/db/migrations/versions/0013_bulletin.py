"""bulletin: the half-month bulletins (半月通报) as issued, frozen

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28 01:00:00

A new table only. One bulletin per scope and period: issuing it twice is refused by the
unique constraint as well as by ``events/bulletin.py``, so two desks pressing 签发 at once
cannot circulate two different lists for the same half month.

``ix_event_flagged_low``: a partial index of the level-1 and -2 events the deadline ladder
flagged for the district (超期 3 天), which the bulletin lists too: 576 of 2,000,000 in the
bench's data, where all flagged events are 22,736 (reading those took 2.5 s on SQLite).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import commandroom.db.base

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "bulletin",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("scope_region_id", ID, nullable=False),
        sa.Column(
            "generated_at", commandroom.db.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("issued_by", ID, nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["user_account.id"], name=op.f("fk_bulletin_issued_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["scope_region_id"], ["region.id"], name=op.f("fk_bulletin_scope_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletin")),
        sa.UniqueConstraint(
            "scope_region_id", "period_start", name=op.f("uq_bulletin_scope_region_id")
        ),
    )


    op.create_index(
        "ix_event_flagged_low",
        "event",
        ["closed_at"],
        sqlite_where=sa.text("flagged_district IS 1 AND level < 3"),
        postgresql_where=sa.text("flagged_district IS true AND level < 3"),
    )


def downgrade() -> None:
    op.drop_index("ix_event_flagged_low", table_name="event")
    op.drop_table("bulletin")
