"""A full-time grid worker's day as the grid app counts it: time online, distance patrolled.

The seed's daily figures (每日在线≥4小时、巡查≥3公里). The app is not part of this
application; its daily export is imported (``events.importers.daily``), one row per worker
and day, a day imported again replacing the earlier figures.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from commandroom.db.base import Base, BigId, intpk


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
