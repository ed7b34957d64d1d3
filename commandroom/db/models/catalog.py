"""What events are about (two-level category tree) and where they go (dispatch rules)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from commandroom.db.base import Base, BigId, UtcDateTime, enum_column, intpk, str32, str128
from commandroom.db.enums import OrgKind, Source


class Category(Base):
    __tablename__ = "category"

    id: Mapped[intpk]
    code: Mapped[str32] = mapped_column(unique=True)
    parent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("category.id"), index=True)
    name_zh: Mapped[str128]
    name_en: Mapped[str128]
    default_level: Mapped[int] = mapped_column(default=2)
    default_org_kind: Mapped[OrgKind | None] = mapped_column(enum_column(OrgKind))
    extra_fields_schema: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    sort: Mapped[int] = mapped_column(default=0)
    # The triage bucket (待研判) that unknown hotline categories land in.
    is_triage: Mapped[bool] = mapped_column(default=False)


class DispatchRule(Base):
    """自动化派单: the most specific active rule wins (category, town, source, then priority).

    Rules are never updated in place: a change closes the old row (``active_to``) and adds a
    new one, so the routing in force at any past moment can be shown.
    """

    __tablename__ = "dispatch_rule"

    id: Mapped[intpk]
    category_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("category.id"))
    level: Mapped[int]
    town_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("region.id"))
    source: Mapped[Source | None] = mapped_column(enum_column(Source))
    target_org_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("org.id"))
    # When no fixed org is named: the org of this kind in the event's town (or the district).
    target_org_kind: Mapped[OrgKind | None] = mapped_column(enum_column(OrgKind))
    target_org_name_suffix: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(default=0)
    active_from: Mapped[datetime] = mapped_column(UtcDateTime())
    active_to: Mapped[datetime | None] = mapped_column(UtcDateTime())
