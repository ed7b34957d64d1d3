"""Task dispatch (任务派单): task lists a town or a district department sends out, and the
feedback each grid worker or agency returns.

The seed's mechanism: towns and district departments send task lists to grid workers and
stationed agencies at least three times a month; the town's command room tracks them and
returns a feedback sheet (《任务派单情况反馈表》) to the department that sent them. One row per
task, one per recipient; the feedback lives on the recipient's row, written once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from commandroom.db.base import Base, BigId, UtcDateTime, intpk, str128


class GridTask(Base):
    """One task list as sent: what to do, by when, and the questions the feedback answers.

    ``form`` is a list of ``{"label": str, "kind": "text" | "number" | "yes_no"}``.
    ``request_key`` makes a retried send (a double click, a repeated command) send it once.
    """

    __tablename__ = "grid_task"
    __table_args__ = (
        Index("ix_grid_task_issued", "issued_at"),
        Index("ix_grid_task_due", "due_at"),  # the lists due in a month (0015)
    )

    id: Mapped[intpk]
    title: Mapped[str128]
    instructions: Mapped[str] = mapped_column(Text, default="")
    issuer_org_id: Mapped[int] = mapped_column(BigId, ForeignKey("org.id"), index=True)
    issued_by: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"))
    scope_region_id: Mapped[int] = mapped_column(BigId, ForeignKey("region.id"))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    form: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    request_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class TaskAssignment(Base):
    """One recipient of a task (a grid worker, or an agency as a unit) and its feedback.

    ``town_id`` is the recipient's town, so a town's command room finds the rows it tracks
    without walking regions; ``place_id`` is the worker's village or the agency's town.
    """

    __tablename__ = "task_assignment"
    __table_args__ = (
        UniqueConstraint("task_id", "assignee_user_id", name="uq_task_assignment_user"),
        UniqueConstraint("task_id", "assignee_org_id", name="uq_task_assignment_org"),
        Index("ix_task_assignment_town", "town_id", "task_id"),
    )

    id: Mapped[intpk]
    task_id: Mapped[int] = mapped_column(BigId, ForeignKey("grid_task.id"), index=True)
    assignee_user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id"), index=True
    )
    assignee_org_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("org.id"))
    place_id: Mapped[int] = mapped_column(BigId, ForeignKey("region.id"))
    town_id: Mapped[int] = mapped_column(BigId, ForeignKey("region.id"))
    answers: Mapped[list[str] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    submitted_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
