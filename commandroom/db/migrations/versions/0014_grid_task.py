"""grid_task: task dispatch (任务派单) and each recipient's feedback

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28 04:00:00

New tables only. A task list is written once with its recipients; each recipient's feedback
is written once on its row (``events/tasks.py`` refuses a second one, saying who wrote the
first). ``request_key`` is unique so a retried send stores one task.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import commandroom.db.base

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = commandroom.db.base.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "grid_task",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column("issuer_org_id", ID, nullable=False),
        sa.Column("issued_by", ID, nullable=False),
        sa.Column("scope_region_id", ID, nullable=False),
        sa.Column("issued_at", WHEN, nullable=False),
        sa.Column("due_at", WHEN, nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("request_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["user_account.id"], name=op.f("fk_grid_task_issued_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["issuer_org_id"], ["org.id"], name=op.f("fk_grid_task_issuer_org_id_org")
        ),
        sa.ForeignKeyConstraint(
            ["scope_region_id"], ["region.id"], name=op.f("fk_grid_task_scope_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_task")),
        sa.UniqueConstraint("request_key", name=op.f("uq_grid_task_request_key")),
    )
    op.create_index("ix_grid_task_issued", "grid_task", ["issued_at"])
    op.create_index(op.f("ix_grid_task_issuer_org_id"), "grid_task", ["issuer_org_id"])
    op.create_table(
        "task_assignment",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("task_id", ID, nullable=False),
        sa.Column("assignee_user_id", ID, nullable=True),
        sa.Column("assignee_org_id", ID, nullable=True),
        sa.Column("place_id", ID, nullable=False),
        sa.Column("town_id", ID, nullable=False),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("submitted_at", WHEN, nullable=True),
        sa.Column("submitted_by", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["assignee_org_id"], ["org.id"], name=op.f("fk_task_assignment_assignee_org_id_org")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_user_id"],
            ["user_account.id"],
            name=op.f("fk_task_assignment_assignee_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["region.id"], name=op.f("fk_task_assignment_place_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"],
            ["user_account.id"],
            name=op.f("fk_task_assignment_submitted_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["grid_task.id"], name=op.f("fk_task_assignment_task_id_grid_task")
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["region.id"], name=op.f("fk_task_assignment_town_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_assignment")),
        sa.UniqueConstraint("task_id", "assignee_org_id", name="uq_task_assignment_org"),
        sa.UniqueConstraint("task_id", "assignee_user_id", name="uq_task_assignment_user"),
    )
    op.create_index("ix_task_assignment_town", "task_assignment", ["town_id", "task_id"])
    op.create_index(
        op.f("ix_task_assignment_assignee_user_id"), "task_assignment", ["assignee_user_id"]
    )
    op.create_index(op.f("ix_task_assignment_task_id"), "task_assignment", ["task_id"])


def downgrade() -> None:
    op.drop_table("task_assignment")
    op.drop_table("grid_task")
