"""Read side: the event list, queue counts and the case view, as frozen rows for CLI and UI.

Reads never go through the service (they change nothing) and never return ORM objects, so
no lazy load can fire later on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, false, func, literal_column, or_, select
from sqlalchemy.orm import Session

from commandroom.db.enums import Source, Status
from commandroom.db.models import Category, Event, Grid, Org, Region
from commandroom.events.rules import OPEN_STATES

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


def wanted_statuses(flt: EventFilter) -> tuple[Status, ...] | None:
    """The statuses a filter admits (None: any). "Open" and "overdue" are status sets too.

    ``is_open`` is true exactly for the open states (the pipeline keeps them in step), so
    turning those flags into a status list lets both engines walk the (town, status,
    reported_at) index in list order instead of scanning a whole town for a rare match,
    and a contradiction such as "archived and overdue" costs nothing.
    """
    statuses = flt.statuses or None
    if flt.open_only or flt.overdue is True:
        pool = statuses or tuple(Status)
        statuses = tuple(s for s in pool if s in OPEN_STATES)
    return statuses


def apply_filter(query: Select[T], flt: EventFilter, now: datetime) -> Select[T]:
    statuses = wanted_statuses(flt)
    if statuses is not None:
        query = query.where(Event.status.in_(statuses) if statuses else false())
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
    """Newest first: one statement that picks the page's ids, then joins their names."""
    page = page_query(session.get_bind().dialect.name, flt, now, limit, offset).subquery()
    query = (
        _row_query()
        .select_from(page)
        .join(Event, Event.id == page.c.id)
        .order_by(Event.reported_at.desc(), Event.id.desc())
    )
    return [_event_row(row, now) for row in session.execute(query)]


def page_query(
    dialect: str, flt: EventFilter, now: datetime, limit: int = 200, offset: int = 0
) -> Select[int]:
    """The ids of one list page, newest first (``id`` breaks ties)."""
    newest: ColumnElement[Any] = Event.reported_at.expression
    if dialect == "sqlite" and _only_open(flt):
        # SQLite keeps no value histograms, so it guesses an open-status filter matches
        # as many rows as any other status and walks a whole town in date order hoping
        # to fill the page. Open cases are few: hiding the date index (unary +) makes it
        # fetch them by (town, status) and sort the handful instead.
        newest = literal_column("+event.reported_at")
    query = apply_filter(select(Event.id), flt, now)
    return query.order_by(newest.desc(), Event.id.desc()).limit(limit).offset(offset)


def _only_open(flt: EventFilter) -> bool:
    statuses = wanted_statuses(flt)
    return bool(statuses) and all(s in OPEN_STATES for s in statuses or ())


def rows_for_ids(session: Session, ids: list[int], now: datetime) -> list[EventRow]:
    """Rows for these ids, in the given order (the UI refreshes touched events this way)."""
    if not ids:
        return []
    by_id = {
        row.id: row
        for row in (
            _event_row(r, now) for r in session.execute(_row_query().where(Event.id.in_(ids)))
        )
    }
    return [by_id[i] for i in ids if i in by_id]


def _name(column: Any, key: Any, value: Any) -> Any:
    return select(column).where(key == value).correlate(Event).scalar_subquery()


def _row_query() -> Select[Any]:
    """The list columns, names looked up per row.

    Plain columns, not Event entities: a page is 200 rows and lists refresh often, and
    building 200 full ORM objects was most of a page's cost. Names come from correlated
    lookups rather than six joins: PostgreSQL spent more time planning the join order
    (~8 ms) than running the whole page (~2.5 ms).
    """
    e = Event
    return select(
        e.id,
        e.code,
        e.title,
        _name(Category.name_zh, Category.id, e.category_id),
        _name(Category.name_zh, Category.id, e.category_l1_id),
        e.level,
        e.urgency,
        e.status,
        e.source,
        _name(Region.name, Region.id, e.town_id),
        _name(Region.name, Region.id, e.village_id),
        _name(Grid.name, Grid.id, e.grid_id),
        _name(Org.name, Org.id, e.owner_org_id),
        e.reported_at,
        e.due_at,
        e.is_open,
        e.ever_overdue,
        e.version,
    )


def _event_row(row: Any, now: datetime) -> EventRow:
    (eid, code, title, c, c1, level, urgency, status, source, t, v, g, o) = row[:13]
    reported_at, due_at, is_open, ever_overdue, version = row[13:]
    return EventRow(
        id=eid,
        code=code,
        title=title,
        category=c,
        category_l1=c1,
        level=level,
        urgency=urgency.value,
        status=status,
        source=source,
        town=t,
        village=v,
        grid=g,
        owner_org=o,
        reported_at=reported_at,
        due_at=due_at,
        is_overdue=bool(is_open and due_at is not None and due_at < now),
        ever_overdue=ever_overdue,
        version=version,
    )


def queue_counts(session: Session, town_id: int | None = None) -> dict[tuple[str, int], int]:
    """(status, level) → count, for one town or the whole district."""
    query = select(Event.status, Event.level, func.count()).group_by(Event.status, Event.level)
    if town_id is not None:
        query = query.where(Event.town_id == town_id)
    return {(status.value, level): n for status, level, n in session.execute(query)}
