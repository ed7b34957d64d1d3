"""A full-time grid worker's day as the grid app counts it (time online, distance patrolled),
and the reminders a town gives a worker about a month.

The seed's daily figures (每日在线≥4小时、巡查≥3公里). The app is not part of this
application; its daily export is imported (``events.importers.daily``), one row per worker
and day, a day imported again replacing the earlier figures.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from commandroom.db.base import Base, BigId, UtcDateTime, intpk


class GridWorkerDaily(Base):
    __tablename__ = "grid_worker_daily"
    __table_args__ = (
        UniqueConstraint("user_id", "day", name="uq_grid_worker_daily_user_day"),
        # the month's figures read a month of days: covering, so no row is visited
        Index("ix_grid_worker_daily_day", "day", "user_id", "online_minutes", "patrol_meters"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"))
    day: Mapped[date] = mapped_column(Date)
    online_minutes: Mapped[int]
    patrol_meters: Mapped[int]


class WorkerReminder(Base):
    """A town's reminder to a grid worker about one month (DESIGN §2: whoever repeatedly files
    invalid reports is reminded), kept as the record that it was given: who, when, why.

    One per worker and month: a second desk, or a double click, is told who reminded first.
    The reminder itself reaches the worker outside this application (the app, a call);
    ``note`` says what was said.
    """

    __tablename__ = "worker_reminder"
    __table_args__ = (UniqueConstraint("user_id", "month", name="uq_worker_reminder_user_month"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"))
    month: Mapped[date] = mapped_column(Date)  # the month's first day
    reasons: Mapped[str] = mapped_column(String(64))  # "invalid,online,patrol" (some of them)
    note: Mapped[str | None] = mapped_column(Text)
    sent_by: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())
