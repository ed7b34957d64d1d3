"""worker_reminder: a town's reminder to a grid worker about a month, one per worker and month

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28 07:05:00

The record that a worker who filed invalid reports (or fell short of the daily online and
patrol figures) was reminded: who, when, why and what was said. Read with a month's figures
(by the unique worker-and-month key), never scanned.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import commandroom.db.base

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = commandroom.db.base.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "worker_reminder",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("reasons", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sent_by", ID, nullable=False),
        sa.Column("sent_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_worker_reminder_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by"], ["user_account.id"], name=op.f("fk_worker_reminder_sent_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_reminder")),
        sa.UniqueConstraint("user_id", "month", name="uq_worker_reminder_user_month"),
    )


def downgrade() -> None:
    op.drop_table("worker_reminder")
