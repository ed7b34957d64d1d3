"""Issued half-month bulletins (半月通报): a frozen copy of what was circulated.

A bulletin is issued once per scope and period; its ``snapshot`` is the list exactly as it
was sent, so a later change to a case never rewrites what a town was told.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from commandroom.db.base import Base, BigId, UtcDateTime, intpk


class Bulletin(Base):
    __tablename__ = "bulletin"
    __table_args__ = (UniqueConstraint("scope_region_id", "period_start"),)

    id: Mapped[intpk]
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    scope_region_id: Mapped[int] = mapped_column(BigId, ForeignKey("region.id"))
    generated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    issued_by: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
