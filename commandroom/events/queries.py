"""Read side: the event list, queue counts and the case view, as frozen rows for CLI and UI.

Reads never go through the service (they change nothing) and never return ORM objects, so
no lazy load can fire later on the GUI thread. Free text is planned in ``text_search``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, Select, false, func, literal_column, or_, select
from sqlalchemy.orm import Session

from commandroom.db.enums import Source, Status
from commandroom.db.models import Category, Event, Grid, Org, Region, SlaClock
from commandroom.events.clocks import DUE_KINDS
from commandroom.events.queue import Queue, in_queue, queue_clause
from commandroom.events.rules import OPEN_STATES
from commandroom.events.text_search import (
    TextPlan,
    TextSearch,
    like_clause,
    plain_walk,
    plan_search,
    unindexed,
    walk_budget_ms,
    within_budget,
)

T = TypeVar("T")


NO_LEVEL = (0,)  # a level no event has: ``levels=NO_LEVEL`` is a filter that matches nothing


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
    queue: Queue | None = None


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
    # The ids behind the names, so a live list can tell whether a changed row still matches
    # its filter (``matches``) without asking the database again.
    town_id: int = 0
    village_id: int | None = None
    grid_id: int | None = None
    category_id: int = 0
    category_l1_id: int = 0
    owner_org_id: int | None = None
    # The running clock behind ``due_at``: a list colours a row by the share of the limit
    # used (``deadlines.light_for``), which needs the start and the policy's warning point.
    clock_started_at: datetime | None = None
    clock_warn_at: datetime | None = None
    clock_paused_at: datetime | None = None


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


def apply_filter(
    query: Select[T],
    flt: EventFilter,
    now: datetime,
    *,
    category_is_l1: bool | None = None,
    text_index: bool = True,
    text_grams: ColumnElement[bool] | None = None,
    hidden: frozenset[str] = frozenset(),
) -> Select[T]:
    """``flt`` as WHERE clauses. ``category_is_l1``: whether ``flt.category_id`` is a 大类,
    when the caller knows (``list_events`` looks it up), for an index-friendly condition.
    ``text_index=False`` hides the text columns' (trigram) indexes from PostgreSQL's planner
    (``list_events`` asks ``text_search.trigram_searchable``): compared under the "C"
    collation, which no index has but whose statistics still apply, so a common word keeps
    its date walk. ILIKE then folds ASCII case only, as SQLite's LIKE always does.
    ``text_grams``: the gram index's condition (``text_search.text_grams_clause``), a
    superset of the text's rows that the LIKE beside it (``text_search.like_clause``)
    narrows. ``hidden`` names columns whose indexes SQLite's planner must not use
    (``page_query``'s town walk)."""

    def col(column: Any) -> ColumnElement[Any]:
        return unindexed(column) if column.key in hidden else column.expression

    statuses = wanted_statuses(flt)
    if statuses is not None:
        query = query.where(col(Event.status).in_(statuses) if statuses else false())
    if flt.levels:
        query = query.where(col(Event.level).in_(flt.levels))
    if flt.town_id is not None:
        query = query.where(col(Event.town_id) == flt.town_id)
    if flt.village_id is not None:
        query = query.where(col(Event.village_id) == flt.village_id)
    if flt.grid_id is not None:
        query = query.where(col(Event.grid_id) == flt.grid_id)
    if flt.category_id is not None:
        query = query.where(_category_clause(flt.category_id, category_is_l1, col))
    if flt.source is not None:
        query = query.where(col(Event.source) == flt.source)
    if flt.owner_org_id is not None:
        query = query.where(col(Event.owner_org_id) == flt.owner_org_id)
    if flt.open_only:
        query = query.where(Event.is_open.is_(True))
    if flt.overdue is True:
        query = query.where(Event.is_open.is_(True), Event.due_at < now)
    elif flt.overdue is False:
        query = query.where(
            or_(Event.due_at.is_(None), Event.due_at >= now, Event.is_open.is_(False))
        )
    if flt.text:
        if text_grams is not None:
            query = query.where(text_grams)
        query = query.where(like_clause(flt.text, text_index=text_index))
    if flt.queue is not None:
        query = query.where(Event.is_open.is_(True), queue_clause(flt.queue))
    return query


def _category_clause(
    category_id: int, is_l1: bool | None, col: Callable[[Any], ColumnElement[Any]]
) -> ColumnElement[bool]:
    """A 大类 matches all its 小类. ``category_l1_id`` is the 小类's parent or the 大类 itself,
    so for a known 大类 one column says it all and for a 小类 the other does: an equality
    both engines can walk an index on, where the OR of the two could not."""
    small, big = col(Event.category_id), col(Event.category_l1_id)
    if is_l1 is None:
        return or_(small == category_id, big == category_id)
    return (big if is_l1 else small) == category_id


def matches(row: EventRow, flt: EventFilter, now: datetime) -> bool:
    """Whether ``row`` belongs in a list filtered by ``flt``: ``apply_filter`` in Python.

    A live list gets changed rows from the feed and must decide, per row, whether to insert,
    keep or drop it without reloading the page. Free text is checked against the code and
    title only (the row carries no description), case-insensitively.
    """
    statuses = wanted_statuses(flt)
    is_open = row.status in OPEN_STATES
    checks = (
        statuses is None or row.status in statuses,
        not flt.levels or row.level in flt.levels,
        flt.town_id is None or row.town_id == flt.town_id,
        flt.village_id is None or row.village_id == flt.village_id,
        flt.grid_id is None or row.grid_id == flt.grid_id,
        flt.category_id is None or flt.category_id in (row.category_id, row.category_l1_id),
        flt.source is None or row.source == flt.source,
        flt.owner_org_id is None or row.owner_org_id == flt.owner_org_id,
        not flt.open_only or is_open,
        flt.overdue is not True or (is_open and row.due_at is not None and row.due_at < now),
        flt.overdue is not False or (row.due_at is None or row.due_at >= now or not is_open),
        not flt.text or _text_hit(row, flt.text),
        flt.queue is None or (is_open and in_queue(flt.queue, row)),
    )
    return all(checks)


def _text_hit(row: EventRow, text: str) -> bool:
    needle = text.casefold()
    return needle in row.code.casefold() or needle in row.title.casefold()


def list_events(
    session: Session, flt: EventFilter, now: datetime, limit: int = 200, offset: int = 0
) -> list[EventRow]:
    """Newest first: one statement that picks the page's ids, then joins their names."""
    is_l1 = None
    if flt.category_id is not None:
        parent = session.execute(
            select(Category.parent_id).where(Category.id == flt.category_id)
        ).first()
        is_l1 = parent is not None and parent[0] is None
    if flt.town_id is None and (flt.village_id is not None or flt.grid_id is not None):
        flt = replace(flt, town_id=_town_of(session, flt.village_id, flt.grid_id))
    dialect = session.get_bind().dialect.name
    search = TextSearch()
    if flt.text:
        in_town = flt.town_id is not None
        search = plan_search(session, dialect, flt.text, in_town=in_town, open_only=_only_open(flt))

    def rows_of(found: TextSearch) -> list[Row[Any]]:
        page = page_query(
            dialect,
            flt,
            now,
            limit,
            offset,
            category_is_l1=is_l1,
            text_index=found.index,
            text_grams=found.grams,
            text_plan=found.plan,
        ).subquery()
        query = (
            _row_query()
            .select_from(page)
            .join(Event, Event.id == page.c.id)
            .order_by(Event.reported_at.desc(), Event.id.desc())
        )
        return list(session.execute(query))

    rows = None
    if search.walk_first:
        walk = plain_walk(search)
        budget = walk_budget_ms(limit, search.common)
        rows = within_budget(session, lambda: rows_of(walk), budget)
    if rows is None:
        rows = rows_of(search)
    return _with_clocks(session, [_event_row(row, now) for row in rows])


def _town_of(session: Session, village_id: int | None, grid_id: int | None) -> int | None:
    """The town a village (or else a grid) lies in: intake files every event under the
    town of its village and the village of its grid, so naming it changes no answer and
    gives the list the town's index to walk (villages and grids have none of their own)."""
    if village_id is None:
        village_id = session.scalar(select(Grid.village_id).where(Grid.id == grid_id))
    return session.scalar(select(Region.parent_id).where(Region.id == village_id))


def page_query(
    dialect: str,
    flt: EventFilter,
    now: datetime,
    limit: int = 200,
    offset: int = 0,
    *,
    category_is_l1: bool | None = None,
    text_index: bool = True,
    text_grams: ColumnElement[bool] | None = None,
    text_plan: TextPlan = TextPlan.LIKE,
) -> Select[int]:
    """The ids of one list page, newest first (``id`` breaks ties). ``text_grams`` and
    ``text_plan``: see ``list_events``."""
    newest: ColumnElement[Any] = Event.reported_at.expression
    hidden = _town_walk_hides(dialect, flt)
    candidates = dialect == "sqlite" and text_grams is not None
    candidates = candidates and text_plan is TextPlan.CANDIDATES
    if dialect == "sqlite" and (_only_open(flt) or candidates):
        # SQLite keeps no value histograms, so it guesses an open-status filter matches
        # as many rows as any other status and walks a whole town in date order hoping
        # to fill the page. Open cases are few: hiding the date index (unary +) makes it
        # fetch them by (town, status) and sort the handful instead. The same for a rare
        # word: its few matches are fetched by id, every other index hidden.
        newest = literal_column("+event.reported_at")
    if candidates:
        hidden = WALK_HIDES | {"town_id", "owner_org_id"}
    query = apply_filter(
        select(Event.id),
        flt,
        now,
        category_is_l1=category_is_l1,
        text_index=text_index,
        text_grams=text_grams,
        hidden=hidden,
    )

    return query.order_by(newest.desc(), Event.id.desc()).limit(limit).offset(offset)


WALK_HIDES = frozenset(
    ("status", "level", "source", "category_l1_id", "category_id", "village_id", "grid_id")
)


def _town_walk_hides(dialect: str, flt: EventFilter) -> frozenset[str]:
    """The columns to hide so that a town's list walks ``ix_event_town_walk`` (and the
    district's one of its walks: ``DISTRICT_HIDES``).

    That index holds every column the filter bar narrows by, so its newest-first walk
    checks them all without reading a table row, and even a filter that matches nothing
    reads no more than the town's index entries, in order (~20 ms at 2M events, cold OS
    cache included). SQLite prefers an index that is more selective by its statistics,
    (town, status, level) for any status or level filter, and then reads a table row per
    entry, scattered over the whole table: 1-4 s at 2M events when the OS cache is cold.
    PostgreSQL needs no hint: it checks the other columns as index conditions inside the
    walk and, with (village_id) and (grid_id) gone (0007), has no narrower index to
    combine. Open-only filters keep their partial index (``ix_event_open_reported``, a few
    thousand entries), and 我的待办 (``queue``) its OR of owner and waiting events.
    """
    if dialect != "sqlite" or flt.queue is not None or _only_open(flt):
        return frozenset()
    return WALK_HIDES if flt.town_id is not None else DISTRICT_HIDES


# Without a town the walks are the district's (0009): all events, or one status, 大类 or
# 小类, each covering. Hidden: the columns of (town, status, level), which SQLite would
# skip-scan town by town for a status and level and then read a row per entry.
DISTRICT_HIDES = frozenset(("level", "source", "village_id", "grid_id"))


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
    return _with_clocks(session, [by_id[i] for i in ids if i in by_id])


def _with_clocks(session: Session, rows: list[EventRow]) -> list[EventRow]:
    """Attach the running clock behind each row's ``due_at``: one query for the whole page."""
    timed = [r.id for r in rows if r.due_at is not None]
    if not timed:
        return rows
    c = SlaClock
    clocks: dict[int, list[tuple[datetime, datetime, datetime, datetime | None]]] = {}
    for event_id, started, due, warn, paused in session.execute(
        select(c.event_id, c.started_at, c.due_at, c.warn_at, c.paused_at)
        .where(c.event_id.in_(timed), c.stopped_at.is_(None), c.kind.in_(DUE_KINDS))
        .order_by(c.due_at)
    ):
        clocks.setdefault(event_id, []).append((started, due, warn, paused))
    out = []
    for row in rows:
        running = clocks.get(row.id)
        if not running:
            out.append(row)
            continue
        # The clock whose due date is the event's; else the earliest (a 12345 due date can
        # be earlier than every clock, and then the earliest clock's start is the best guess).
        started, _due, warn, paused = next(
            (clock for clock in running if clock[1] == row.due_at), running[0]
        )
        out.append(
            replace(row, clock_started_at=started, clock_warn_at=warn, clock_paused_at=paused)
        )
    return out


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
        e.town_id,
        e.village_id,
        e.grid_id,
        e.category_id,
        e.category_l1_id,
        e.owner_org_id,
    )


def _event_row(row: Any, now: datetime) -> EventRow:
    (eid, code, title, c, c1, level, urgency, status, source, t, v, g, o) = row[:13]
    reported_at, due_at, is_open, ever_overdue, version = row[13:18]
    town_id, village_id, grid_id, category_id, category_l1_id, owner_org_id = row[18:24]
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
        town_id=town_id,
        village_id=village_id,
        grid_id=grid_id,
        category_id=category_id,
        category_l1_id=category_l1_id,
        owner_org_id=owner_org_id,
    )


def queue_counts(session: Session, town_id: int | None = None) -> dict[tuple[str, int], int]:
    """(status, level) → count, for one town or the whole district."""
    query = select(Event.status, Event.level, func.count()).group_by(Event.status, Event.level)
    if town_id is not None:
        query = query.where(Event.town_id == town_id)
    return {(status.value, level): n for status, level, n in session.execute(query)}
