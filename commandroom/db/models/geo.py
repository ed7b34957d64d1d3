"""Where things are: district → town → village, and the grids inside a village."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from commandroom.db.base import Base, BigId, enum_column, intpk, str32, str128
from commandroom.db.enums import GridKind, RegionLevel


class Region(Base):
    __tablename__ = "region"

    id: Mapped[intpk]
    code: Mapped[str32] = mapped_column(unique=True)
    name: Mapped[str128]
    level: Mapped[RegionLevel] = mapped_column(enum_column(RegionLevel))
    parent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("region.id"), index=True)
    # Short code used in event numbers, e.g. "LZ" for 漓渚镇 (towns only).
    abbr: Mapped[str | None] = mapped_column(String(8))


class Grid(Base):
    __tablename__ = "grid"

    id: Mapped[intpk]
    code: Mapped[str32] = mapped_column(unique=True)
    name: Mapped[str128]
    village_id: Mapped[int] = mapped_column(BigId, ForeignKey("region.id"), index=True)
    kind: Mapped[GridKind] = mapped_column(enum_column(GridKind), default=GridKind.GENERAL)
    # Plain ids, not foreign keys: users also point at their grid, and a cycle of FKs
    # cannot be created on SQLite without table rebuilds.
    chief_user_id: Mapped[int | None] = mapped_column(BigId)
    instructor_user_id: Mapped[int | None] = mapped_column(BigId)
    households: Mapped[int] = mapped_column(default=0)
    population: Mapped[int] = mapped_column(default=0)
