"""camera audit: who added, changed, disabled or enabled a camera, when, and what

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 17:30:00

A new table only; cameras registered before it have no history until their next change.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import commandroom.db.base

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "camera_audit",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("camera_id", ID, nullable=False),
        sa.Column("at", commandroom.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["camera.id"], name=op.f("fk_camera_audit_camera_id_camera")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_camera_audit")),
    )
    op.create_index("ix_camera_audit_camera_id_at", "camera_audit", ["camera_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_camera_audit_camera_id_at", table_name="camera_audit")
    op.drop_table("camera_audit")
