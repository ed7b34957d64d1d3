"""Cameras, who changed them, and the saved wall layouts / tours that stations share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from commandroom.db.base import Base, BigId, UtcDateTime, enum_column, intpk, str32, str128
from commandroom.db.enums import PlaceKind


class Camera(Base):
    """URLs may carry credentials: never show or log them unmasked (``video`` masks them)."""

    __tablename__ = "camera"

    id: Mapped[intpk]
    code: Mapped[str32] = mapped_column(unique=True)
    name: Mapped[str128]
    place_kind: Mapped[PlaceKind] = mapped_column(enum_column(PlaceKind))
    region_id: Mapped[int] = mapped_column(BigId, ForeignKey("region.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("grid.id"))
    main_url: Mapped[str] = mapped_column(String(512))
    sub_url: Mapped[str | None] = mapped_column(String(512))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    enabled: Mapped[bool] = mapped_column(default=True)


class CameraAudit(Base):
    """One change to a camera: who (``cli:user@host``), when, and each changed field as
    ``{field: [before, after]}``, URLs masked (the registry's 留痕; never a password)."""

    __tablename__ = "camera_audit"
    __table_args__ = (Index("ix_camera_audit_camera_id_at", "camera_id", "at"),)

    id: Mapped[intpk]
    camera_id: Mapped[int] = mapped_column(BigId, ForeignKey("camera.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    by: Mapped[str128]
    action: Mapped[str32]  # add, change, disable, enable
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)


class WallLayout(Base):
    """``cells`` is a list of {row, col, rowspan, colspan, camera_id}; a 2×5 wall is one row."""

    __tablename__ = "wall_layout"

    id: Mapped[intpk]
    name: Mapped[str128]
    rows: Mapped[int]
    cols: Mapped[int]
    cells: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    owner_org_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("org.id"))
    station: Mapped[str | None] = mapped_column(String(64))
    shared: Mapped[bool] = mapped_column(default=True)


class Tour(Base):
    """``steps``: ordered list of {layout_id | page, dwell_s}."""

    __tablename__ = "tour"

    id: Mapped[intpk]
    name: Mapped[str128]
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    owner_org_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("org.id"))
