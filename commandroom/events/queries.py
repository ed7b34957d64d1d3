"""Read side: the event list, queue counts and the case view, as frozen rows for CLI and UI.

Reads never go through the service (they change nothing) and never return ORM objects, so
no lazy load can fire later on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from commandroom.db.enums import Source, Status
from commandroom.db.models import Category, Event, Grid, Org, Region

T = TypeVar("T")


@dataclass(frozen=True)
class EventFilter:
    statuses: tuple[Status, ...] = ()
    levels: tuple[int, ...] = ()
    town_id: int | None = None
    village_id: int | None = None
    grid_id: int | None = None
    category_id: int | None = None  # a 大类 matches all its 小类
    source: Source | None = None
    overdue: bool | None = None  # True: open and past due at ``now``
    open_only: bool = False
    owner_org_id: int | None = None
    text: str | None = None


@dataclass(frozen=True)
class EventRow:
    id: int
    code: str
    title: str
    category: str
    category_l1: str
    level: int
    urgency: str
    status: Status
    source: Source
    town: str
    village: str | None
    grid: str | None
    owner_org: str | None
    reported_at: datetime
    due_at: datetime | None
    is_overdue: bool
    ever_overdue: bool
    version: int


def apply_filter(query: Select[T], flt: EventFilter, now: datetime) -> Select[T]:
    if flt.statuses:
        query = query.where(Event.status.in_(flt.statuses))
    if flt.levels:
        query = query.where(Event.level.in_(flt.levels))
    if flt.town_id is not None:
        query = query.where(Event.town_id == flt.town_id)
    if flt.village_id is not None:
        query = query.where(Event.village_id == flt.village_id)
    if flt.grid_id is not None:
        query = query.where(Event.grid_id == flt.grid_id)
    if flt.category_id is not None:
        query = query.where(
            or_(Event.category_id == flt.category_id, Event.category_l1_id == flt.category_id)
        )
    if flt.source is not None:
        query = query.where(Event.source == flt.source)
    if flt.owner_org_id is not None:
        query = query.where(Event.owner_org_id == flt.owner_org_id)
    if flt.open_only:
        query = query.where(Event.is_open.is_(True))
    if flt.overdue is True:
        query = query.where(Event.is_open.is_(True), Event.due_at < now)
    elif flt.overdue is False:
        query = query.where(
            or_(Event.due_at.is_(None), Event.due_at >= now, Event.is_open.is_(False))
        )
    if flt.text:
        like = f"%{flt.text}%"
        query = query.where(
            or_(Event.title.like(like), Event.description.like(like), Event.code.like(like))
        )
    return query


def list_events(
    session: Session, flt: EventFilter, now: datetime, limit: int = 200, offset: int = 0
) -> list[EventRow]:
    """Newest first; the page is chosen by ids first, then joined for names."""
    ids_query = apply_filter(select(Event.id), flt, now)
    ids_query = (
        ids_query.order_by(Event.reported_at.desc(), Event.id.desc()).limit(limit).offset(offset)
    )
    ids = list(session.scalars(ids_query))
    return rows_for_ids(session, ids, now)


def rows_for_ids(session: Session, ids: list[int], now: datetime) -> list[EventRow]:
    """Rows for these ids, in the given order (the UI refreshes touched events this way)."""
    if not ids:
        return []
    cat = aliased(Category)
    cat_l1 = aliased(Category)
    town = aliased(Region)
    village = aliased(Region)
    query = (
        select(Event, cat.name_zh, cat_l1.name_zh, town.name, village.name, Grid.name, Org.name)
        .join(cat, cat.id == Event.category_id)
        .join(cat_l1, cat_l1.id == Event.category_l1_id)
        .join(town, town.id == Event.town_id)
        .outerjoin(village, village.id == Event.village_id)
        .outerjoin(Grid, Grid.id == Event.grid_id)
        .outerjoin(Org, Org.id == Event.owner_org_id)
        .where(Event.id.in_(ids))
    )
    by_id: dict[int, EventRow] = {}
    for event, c, c1, t, v, g, o in session.execute(query):
        by_id[event.id] = EventRow(
            id=event.id,
            code=event.code,
            title=event.title,
            category=c,
            category_l1=c1,
            level=event.level,
            urgency=event.urgency.value,
            status=event.status,
            source=event.source,
            town=t,
            village=v,
            grid=g,
            owner_org=o,
            reported_at=event.reported_at,
            due_at=event.due_at,
            is_overdue=bool(event.is_open and event.due_at is not None and event.due_at < now),
            ever_overdue=event.ever_overdue,
            version=event.version,
        )
    return [by_id[i] for i in ids if i in by_id]


def queue_counts(session: Session, town_id: int | None = None) -> dict[tuple[str, int], int]:
    """(status, level) → count, for one town or the whole district."""
    query = select(Event.status, Event.level, func.count()).group_by(Event.status, Event.level)
    if town_id is not None:
        query = query.where(Event.town_id == town_id)
    return {(status.value, level): n for status, level, n in session.execute(query)}
